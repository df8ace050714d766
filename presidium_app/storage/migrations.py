"""Alembic, run from code: every database is brought to the newest schema when it is opened."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from presidium_app.storage.backup import BEFORE_MIGRATION, create_backup
from presidium_app.storage.database import DatabaseError
from presidium_app.storage.paths import MIGRATIONS_DIR, DataPaths

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration in database/versions (a test keeps it equal to Alembic's head). A database
# already there opens without importing Alembic, which took a third of a second of every start.
HEAD_REVISION = "0008"


def include_object(_object: object, name: str | None, type_: str, _reflected: bool,
                   _compare_to: object) -> bool:
    """The opinion search index (migration 0008: an FTS5 table and its shadow tables, SQLite only)
    is not in the models: autogenerate must not offer to drop it."""
    return not (type_ == "table" and (name or "").startswith("opinion_search"))


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's revision (None for an empty database), read without Alembic."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_known_revision(revision: str) -> bool:
    """A revision of this version's migrations (a newer app's database is not)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(engine: Engine, paths: DataPaths | None = None) -> None:
    """Apply every pending migration; refuse a database made by a newer version of the app.

    A SQLite database with data at an older revision is backed up first (`before-migration`, in
    `paths`' backups folder, by default the one beside the file): a migration that fails halfway,
    or one the office regrets, can be undone."""
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return
    if current is not None and not is_known_revision(current):
        raise DatabaseError(f"数据库的结构版本（{current}）比本软件新，请升级主席团工作台后再打开")
    if current is not None and current != head_revision() and engine.dialect.name == "sqlite":
        db_file = Path(engine.url.database or "")
        if db_file.is_file():
            create_backup(paths or DataPaths(db_file.parent), BEFORE_MIGRATION, db_file)
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
