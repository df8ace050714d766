"""The demo township, built once for the printing tests (documents only read it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from presidium_app.services import township
from presidium_app.services.audit import Actor
from presidium_app.services.demo import fill_demo
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = open_database(tmp_path_factory.mktemp("print-demo") / "data")
    actor = Actor("测试员")
    township.set_up_township(db, actor, "青山镇", "临川县", 19, 2021, 2026)
    fill_demo(db, actor)
    yield db
    db.dispose()
