"""What every page needs: the open database and the acting user."""

from __future__ import annotations

from dataclasses import dataclass

from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database


@dataclass
class AppContext:
    db: Database
    actor: Actor
