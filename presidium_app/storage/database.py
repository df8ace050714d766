"""The engine and the session factory, with SQLite's safety pragmas on every connection.

`Database` is what services receive: it knows its data paths (for photos and attachments) and makes
one short session per user action, as SQLAlchemy advises for GUIs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from presidium_app.storage import search_text
from presidium_app.storage.paths import DataPaths


class DatabaseError(RuntimeError):
    """The database cannot be opened or used; the message is Chinese and names the file."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    search_text.register(dbapi_connection)  # the opinion search index's triggers call it


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Connections move between the UI thread and the worker thread (never used by both at once).
        engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A colleague's client stuck in an open transaction must not freeze every other PC's saves:
    # a lock is waited for 10 s at most (then "数据库正被…占用", retry), an idle transaction ends.
    options = "-c lock_timeout=10000 -c idle_in_transaction_session_timeout=60000"
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "psycopg":
        return create_engine(url, pool_pre_ping=True, connect_args={"options": options})
    return create_engine(url, pool_pre_ping=True)


@dataclass
class Database:
    url: str
    paths: DataPaths
    engine: Engine = field(init=False)
    _sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session; nothing written through it is committed."""
        with self._sessions() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
