"""Optimistic locking by value, for what has no version column of its own.

Records with a `version` column are checked with `audit.check_version`. A calendar day, a term's
years, a settings value or an editable list is instead compared with what the form showed when it
was opened (`opened_with`): when another user saved something else meanwhile, the save is refused
with the same Conflict message, so neither change is lost unseen.
"""

from __future__ import annotations

import enum

from presidium_app.services.audit import CONFLICT_MESSAGE
from presidium_app.services.errors import Conflict


class Unchecked(enum.Enum):
    """`opened_with` when the caller showed nothing to compare (no check)."""

    UNCHECKED = 0


UNCHECKED = Unchecked.UNCHECKED


def check_value(current: object, opened_with: object) -> None:
    """Refuse a save made from a form that showed `opened_with` where `current` is stored now."""
    if opened_with is not UNCHECKED and current != opened_with:
        raise Conflict(CONFLICT_MESSAGE)
