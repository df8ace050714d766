"""What every page needs: the open database and the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field

from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database
from presidium_app.ui.prefs import Prefs


@dataclass
class AppContext:
    db: Database
    actor: Actor
    prefs: Prefs = field(init=False)

    def __post_init__(self) -> None:
        self.prefs = Prefs(self.db.paths.ui_settings)
