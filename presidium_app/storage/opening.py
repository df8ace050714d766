"""Open (and create or upgrade) the database a user or a command asks for.

An existing SQLite file is checked first (`PRAGMA quick_check`, read-only): a damaged file raises
`DamagedDatabase` and is left exactly as it was, so the app can offer a backup instead. Missing
photo or attachment files do not stop the opening (`presidium check` names them)."""

from __future__ import annotations

import os
import sqlite3
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from presidium_app.storage.backup import check_file
from presidium_app.storage.database import Database, DatabaseError
from presidium_app.storage.migrations import upgrade
from presidium_app.storage.paths import resolve_data_paths, resolve_database_url


class DamagedDatabase(DatabaseError):
    """The database file exists but fails SQLite's check or is not a database; `path` names it."""

    def __init__(self, path: Path, detail: str = "") -> None:
        super().__init__(f"数据库文件 {path} 已损坏或不是本软件的数据库，未做任何修改。请从备份恢复。")
        self.path = path
        self.detail = detail


@dataclass(frozen=True)
class FileCheck:
    """SQLite's check of a database file, running on a thread (see `start_file_check`)."""

    path: Path
    problems: Future[list[str]]


def _database_file(data_dir: str | os.PathLike[str] | None, database_url: str | None) -> Path | None:
    url = make_url(resolve_database_url(resolve_data_paths(data_dir), database_url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def start_file_check(data_dir: str | os.PathLike[str] | None = None,
                     database_url: str | None = None) -> FileCheck | None:
    """Begin the check `open_database` makes of an existing SQLite file, on a thread. It reads the
    whole file (0.4 s for a decade of a large township) and SQLite lets go of the GIL meanwhile,
    so the app's start (importing Qt and the pages) goes on beside it instead of after it."""
    path = _database_file(data_dir, database_url)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return None
    problems: Future[list[str]] = Future()

    def run() -> None:
        try:
            problems.set_result(check_file(path, quick=True))
        except BaseException as exc:  # handed to open_database, which explains it
            problems.set_exception(exc)

    threading.Thread(target=run, name="quick-check", daemon=True).start()
    return FileCheck(path, problems)


def open_database(
    data_dir: str | os.PathLike[str] | None = None, database_url: str | None = None,
    started: FileCheck | None = None,
) -> Database:
    """The database, at the newest schema. Raises DatabaseError with a Chinese message. `started`
    is this file's check begun earlier (`start_file_check`); without it the check runs now."""
    paths = resolve_data_paths(data_dir)
    try:
        paths.ensure()
    except OSError as exc:
        raise DatabaseError(f"无法创建数据目录 {paths.root}：{exc.strerror}") from exc
    url = resolve_database_url(paths, database_url)
    db = Database(url, paths)
    db_file = Path(db.engine.url.database or "") if db.is_sqlite else None
    if db_file is not None and db_file.is_file() and db_file.stat().st_size > 0:
        try:
            problems = (started.problems.result() if started is not None and started.path == db_file
                        else check_file(db_file, quick=True))
        except sqlite3.OperationalError as exc:
            db.dispose()
            raise DatabaseError(f"无法打开数据库 {db_file}：{exc}") from exc
        if problems:
            db.dispose()
            raise DamagedDatabase(db_file, problems[0])
    try:
        upgrade(db.engine, paths if db_file == paths.database_file else None)
    except DatabaseError:
        db.dispose()
        raise
    except SQLAlchemyError as exc:
        db.dispose()
        where = paths.database_file if db.is_sqlite else db.engine.url.render_as_string()
        reason = str(getattr(exc, "orig", exc))
        if db_file is not None and ("not a database" in reason or "malformed" in reason):
            raise DamagedDatabase(db_file, reason) from exc
        raise DatabaseError(f"无法打开数据库 {where}：{reason}") from exc
    return db
