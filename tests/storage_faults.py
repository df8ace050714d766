"""Faults a test can put on the app's own database connections (full, read-only, short busy
timeout), the way SQLite produces them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from presidium_app.storage.database import Database


class ConnectionPragmas:
    """Pragmas run on every new connection of the app's engine, after the app's own; setting or
    clearing them empties the pool, so the next action uses a connection that has them."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pragmas: list[str] = []
        event.listen(db.engine, "connect", self._apply)

    def _apply(self, dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in self.pragmas:
            if "{page_count}" in pragma:  # the file may not grow beyond its present size
                pages = cursor.execute("PRAGMA page_count").fetchone()[0]
                pragma = pragma.format(page_count=pages)
            cursor.execute(pragma)
        cursor.close()

    def set(self, *pragmas: str) -> None:
        self.pragmas = list(pragmas)
        self.db.engine.dispose()

    def clear(self) -> None:
        self.set()

    def remove(self) -> None:
        event.remove(self.db.engine, "connect", self._apply)
        self.db.engine.dispose()
