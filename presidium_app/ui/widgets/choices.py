"""Enums in combo boxes. Qt stores a str subclass as a plain str, so combos hold the enum's code
name and these helpers turn it back into the member."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


def enum_member(enum_class: type[E], value: object) -> E | None:
    """The member whose code name is `value` (None for the blank choice)."""
    return next((m for m in enum_class if m.value == value), None)
