"""Opening databases: migrations agree with the models, pragmas, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from presidium_app.domain.models import Base
from presidium_app.storage.database import Database, DatabaseError
from presidium_app.storage.migrations import HEAD_REVISION, current_revision, head_revision, include_object
from presidium_app.storage.opening import open_database


def test_migrations_build_exactly_the_models(empty_db: Database) -> None:
    with empty_db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert current_revision(empty_db.engine) == head_revision()


def test_sqlite_pragmas(empty_db: Database) -> None:
    if not empty_db.is_sqlite:
        pytest.skip("SQLite only")
    with empty_db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_data_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path / "office"))
    db = open_database()
    try:
        assert (tmp_path / "office" / "presidium.db").exists()
        assert db.paths.photos.is_dir()
    finally:
        db.dispose()


def test_a_damaged_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    data = tmp_path / "damaged"
    data.mkdir()
    garbage = b"this is not a database at all" * 100
    (data / "presidium.db").write_bytes(garbage)
    with pytest.raises(DatabaseError, match="已损坏"):
        open_database(data)
    assert (data / "presidium.db").read_bytes() == garbage


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    db = open_database(tmp_path / "newer")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose()
    with pytest.raises(DatabaseError, match="比本软件新"):
        open_database(tmp_path / "newer")


def test_the_head_revision_the_app_opens_without_alembic_is_alembics_head() -> None:
    """A database at HEAD_REVISION is opened without running Alembic: a new migration must move it."""
    assert head_revision() == HEAD_REVISION
