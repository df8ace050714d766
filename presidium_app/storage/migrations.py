"""Alembic, run from code: every database is brought to the newest schema when it is opened."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from presidium_app.storage.backup import BEFORE_MIGRATION, create_backup
from presidium_app.storage.database import DatabaseError
from presidium_app.storage.paths import MIGRATIONS_DIR, DataPaths


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_known_revision(revision: str) -> bool:
    """A revision of this version's migrations (a newer app's database is not)."""
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
    if current is not None and not is_known_revision(current):
        raise DatabaseError(f"数据库的结构版本（{current}）比本软件新，请升级主席团工作台后再打开")
    if current is not None and current != head_revision() and engine.dialect.name == "sqlite":
        db_file = Path(engine.url.database or "")
        if db_file.is_file():
            create_backup(paths or DataPaths(db_file.parent), BEFORE_MIGRATION, db_file)
    command.upgrade(alembic_config(engine), "head")
