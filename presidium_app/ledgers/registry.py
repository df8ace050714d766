"""Which ledger serves which kind (spec/cli.md: deputies, activities, opinions, training).

The command line and the UI look a ledger up here by its kind and show its Chinese title.
"""

from __future__ import annotations

from presidium_app.ledgers import activities, deputies, opinions, training
from presidium_app.ledgers.common import Ledger
from presidium_app.services.errors import ServiceError

_LEDGERS: dict[str, Ledger] = {
    deputies.KIND: deputies,
    activities.KIND: activities,
    opinions.KIND: opinions,
    training.KIND: training,
}

# Kind → Chinese title, in menu order.
KINDS: dict[str, str] = {kind: module.TITLE for kind, module in _LEDGERS.items()}


def ledger(kind: str) -> Ledger:
    """The ledger of `kind`; a kind not (yet) provided is a ServiceError naming the known ones."""
    try:
        return _LEDGERS[kind]
    except KeyError:
        known = "、".join(f"{k}（{t}）" for k, t in KINDS.items())
        raise ServiceError(f"未知的台账种类“{kind}”，可用的有：{known}") from None


def title(kind: str) -> str:
    """The Chinese title of a kind, e.g. deputies → 代表名册."""
    return ledger(kind).TITLE
