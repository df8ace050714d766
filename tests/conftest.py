"""Shared fixtures: Qt offscreen, and every test on its own data dir under tmp_path."""

from __future__ import annotations

import os
import shutil
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from presidium_app.services import township
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database

TEST_DATABASE_URL_ENV = "PRESIDIUM_TEST_DATABASE_URL"
_session_status: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _session_status.append(int(exitstatus))


def pytest_unconfigure(config: pytest.Config) -> None:
    """After the UI tests, leave without Python's interpreter teardown.

    Every result has been reported by now. At teardown PySide6 destroys the remaining Qt objects
    in no fixed order and can crash ("pure virtual method called", SIGSEGV), which would turn a
    run whose tests all passed into a failed one. So the Qt objects are released while the
    application still lives, and the process ends with pytest's own exit status, failures
    included.
    """
    if not _session_status or "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from presidium_app.ui.operations import wait_for_operations

    app = QApplication.instance()
    if app is not None:
        wait_for_operations()
        for widget in QApplication.topLevelWidgets():
            widget.close()
            widget.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_session_status[-1])


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(data_dir))
    monkeypatch.delenv("PRESIDIUM_DATABASE_URL", raising=False)
    monkeypatch.delenv("PRESIDIUM_USER", raising=False)
    return data_dir


@pytest.fixture
def actor() -> Actor:
    return Actor("测试员")


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def new_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a new SQLite database at the newest schema, made once per run: tests
    copy it, because building the schema through every migration took half a second a test."""
    data_dir = tmp_path_factory.mktemp("new") / "data"
    open_database(data_dir).dispose()
    return data_dir


@pytest.fixture
def empty_db(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A new database at the newest schema: SQLite in tmp_path, or the PostgreSQL database named
    by PRESIDIUM_TEST_DATABASE_URL (emptied first)."""
    url = os.environ.get(TEST_DATABASE_URL_ENV)
    if url:
        _reset_postgres(url)
    else:
        shutil.copytree(request.getfixturevalue("new_data_dir"), tmp_path / "data")
    db = open_database(tmp_path / "data", url)
    yield db
    db.dispose()


@pytest.fixture
def db(empty_db: Database, actor: Actor) -> Database:
    """A database with a township set up and 第十九届 (2021–2026) as the current term."""
    township.set_up_township(empty_db, actor, "青山镇", "临川县", 19, 2021, 2026)
    return empty_db
