"""Alembic, run from code: every database is brought to the newest schema when it is opened."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from presidium_app.storage.database import DatabaseError
from presidium_app.storage.paths import MIGRATIONS_DIR


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


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(engine: Engine) -> None:
    """Apply every pending migration; refuse a database made by a newer version of the app."""
    current = current_revision(engine)
    if current is not None and not _known(current):
        raise DatabaseError(f"数据库的结构版本（{current}）比本软件新，请升级主席团工作台后再打开")
    command.upgrade(alembic_config(engine), "head")
