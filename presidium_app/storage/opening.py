"""Open (and create or upgrade) the database a user or a command asks for."""

from __future__ import annotations

import os

from sqlalchemy.exc import SQLAlchemyError

from presidium_app.storage.database import Database, DatabaseError
from presidium_app.storage.migrations import upgrade
from presidium_app.storage.paths import resolve_data_paths, resolve_database_url


def open_database(
    data_dir: str | os.PathLike[str] | None = None, database_url: str | None = None
) -> Database:
    """The database, at the newest schema. Raises DatabaseError with a Chinese message."""
    paths = resolve_data_paths(data_dir)
    try:
        paths.ensure()
    except OSError as exc:
        raise DatabaseError(f"无法创建数据目录 {paths.root}：{exc.strerror}") from exc
    url = resolve_database_url(paths, database_url)
    db = Database(url, paths)
    try:
        upgrade(db.engine)
    except DatabaseError:
        db.dispose()
        raise
    except SQLAlchemyError as exc:
        db.dispose()
        where = paths.database_file if db.is_sqlite else db.engine.url.render_as_string()
        reason = str(getattr(exc, "orig", exc))
        if "not a database" in reason or "malformed" in reason:
            raise DatabaseError(
                f"数据库文件 {where} 已损坏或不是本软件的数据库，未做任何修改。请从备份恢复。"
            ) from exc
        raise DatabaseError(f"无法打开数据库 {where}：{reason}") from exc
    return db
