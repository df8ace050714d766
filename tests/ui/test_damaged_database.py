"""Starting on a damaged database file: the dialog names the file, says it was not changed, offers
the newest backup that verifies; restoring moves the damaged file aside and the app opens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import select

from presidium_app import app
from presidium_app.domain.deputies import Deputy
from presidium_app.services import deputies, township
from presidium_app.services.audit import Actor
from presidium_app.storage import backup as store
from presidium_app.storage.database import Database
from presidium_app.ui.dialogs.damaged_database_dialog import DamagedDatabaseDialog
from presidium_app.ui.operations import wait_for_operations
from tests.helpers import deputy_input, make_id


@pytest.fixture(autouse=True)
def _sqlite_only(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("损坏的数据库文件只出现在 SQLite")


def fill(db: Database, count: int) -> None:
    term = township.current_term(db)
    assert term is not None
    for n in range(count):
        number = make_id(dt.date(1970, 5, 17), 2 * n + 1)
        deputies.add_deputy(db, Actor("测试员"), deputy_input(term.id, f"代表{n:02d}", id_number=number))


def count(db: Database) -> int:
    with db.session() as session:
        return len(session.scalars(select(Deputy.id)).all())


def corrupt(path: Path) -> bytes:
    """Garbage over some pages after the header, as a failing disk leaves them."""
    data = bytearray(path.read_bytes())
    data[4096:4096 * 6] = b"\xde\xad\xbe\xef" * (4096 * 5 // 4)
    path.write_bytes(bytes(data))
    return bytes(data)


def shown(monkeypatch: pytest.MonkeyPatch, qtbot: Any, act: Any) -> list[DamagedDatabaseDialog]:
    """Replace the dialog's modal loop by `act(dialog)`; returns the dialogs shown."""
    seen: list[DamagedDatabaseDialog] = []

    def exec_(dialog: DamagedDatabaseDialog) -> int:
        seen.append(dialog)
        act(dialog)
        wait_for_operations()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted or dialog.outcome is None,
                        timeout=5000)
        QApplication.processEvents()
        return int(dialog.result())

    monkeypatch.setattr(DamagedDatabaseDialog, "exec", exec_)
    return seen


def test_the_newest_good_backup_is_offered_and_restoring_opens_the_app(
        qtbot: Any, db: Database, monkeypatch: pytest.MonkeyPatch, messages_log: Any) -> None:
    fill(db, 30)
    good = store.create_backup(db.paths, store.AUTO)
    db.dispose()
    damaged = corrupt(db.paths.database_file)

    def accept(dialog: DamagedDatabaseDialog) -> None:
        assert "presidium.db" in dialog.explain.text() and "没有修改" in dialog.explain.text()
        assert dialog.chosen() == good and "最新的完好备份" in dialog.offer.text()
        dialog.restore_button.click()
        qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10000)

    dialogs = shown(monkeypatch, qtbot, accept)
    reopened = app.open_or_explain(str(db.paths.root), None)
    assert len(dialogs) == 1 and reopened is not None
    try:
        assert count(reopened) == 30
        aside = [p for p in db.paths.root.glob("presidium.db.damaged-*")
                 if not p.name.endswith(("-wal", "-shm"))]
        assert len(aside) == 1 and aside[0].read_bytes() == damaged  # kept beside it, unchanged
        assert messages_log.shown[-1][1] == "恢复完成" and str(aside[0]) in messages_log.shown[-1][3]
    finally:
        reopened.dispose()


def test_the_dialog_says_the_file_was_not_changed(qtbot: Any, db: Database) -> None:
    store.create_backup(db.paths, store.AUTO)
    db.dispose()
    corrupt(db.paths.database_file)
    from presidium_app.storage.opening import DamagedDatabase, open_database

    with pytest.raises(DamagedDatabase) as caught:
        open_database(db.paths.root)
    dialog = DamagedDatabaseDialog(caught.value, db.paths, db.url)
    qtbot.addWidget(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.offer)))
    assert "presidium.db" in texts and "没有修改" in texts and "不会删除" in texts
    assert dialog.restore_button.isDefault() and dialog.list.count() == 1


def test_a_damaged_newest_backup_is_skipped_for_an_older_good_one(
        qtbot: Any, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(db, 5)
    older = store.create_backup(db.paths, store.AUTO)
    newer = store.create_backup(db.paths, store.MANUAL)
    (newer.path / "presidium.db").write_bytes(b"broken")
    db.dispose()
    corrupt(db.paths.database_file)

    def check(dialog: DamagedDatabaseDialog) -> None:
        assert dialog.list.count() == 2 and dialog.chosen() == older
        dialog.quit_button.click()

    dialogs = shown(monkeypatch, qtbot, check)
    assert app.open_or_explain(str(db.paths.root), None) is None  # quit: nothing restored
    assert len(dialogs) == 1
    assert not list(db.paths.root.glob("presidium.db.damaged-*"))


def test_quitting_leaves_the_damaged_file_as_it_was(
        qtbot: Any, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    store.create_backup(db.paths, store.AUTO)
    db.dispose()
    damaged = corrupt(db.paths.database_file)
    shown(monkeypatch, qtbot, lambda dialog: dialog.quit_button.click())
    assert app.open_or_explain(str(db.paths.root), None) is None
    assert db.paths.database_file.read_bytes() == damaged
