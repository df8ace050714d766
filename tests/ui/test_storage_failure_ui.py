"""What staff see when the database or the disk refuses a save (issue 6, item 3): the Chinese
message, the dialog still open with everything they typed, and one save when they press save again
after the cause is gone. Also a PDF saved into a full disk."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from presidium_app.services import deputies, mailbox
from presidium_app.services.deputies import DeputyQuery
from presidium_app.storage.database import Database
from presidium_app.ui import printing_actions
from presidium_app.ui.operations import wait_for_operations
from tests.helpers import make_id
from tests.storage_faults import ConnectionPragmas

LOCKED = "数据库正被其他程序或同事占用"
CTRL = Qt.KeyboardModifier.ControlModifier
GOOD_ID = make_id(dt.date(1970, 5, 17), 131)


@pytest.fixture
def short_wait(db: Database) -> Iterator[ConnectionPragmas]:
    if not db.is_sqlite:
        pytest.skip("SQLite only: the lock is a second SQLite connection")
    hook = ConnectionPragmas(db)
    hook.set("PRAGMA busy_timeout = 200")  # the app waits 5 s; the test need not
    yield hook
    hook.remove()


@pytest.fixture
def colleague(db: Database, short_wait: ConnectionPragmas) -> Iterator[sqlite3.Connection]:
    """Another copy of the app (or another program) writing to the same file, holding its lock."""
    connection = sqlite3.connect(db.paths.database_file, isolation_level=None, timeout=0)
    connection.execute("BEGIN EXCLUSIVE")
    yield connection
    if connection.in_transaction:
        connection.execute("ROLLBACK")
    connection.close()


def test_deputy_dialog_keeps_what_was_typed_when_the_database_is_locked(
        qtbot: Any, window: Any, db: Database, messages_log: Any,
        colleague: sqlite3.Connection) -> None:
    roster = window.show_page("roster")
    dialog = roster.add_deputy()
    dialog.name.setText("张三丰")
    dialog.id_number.setText(GOOD_ID)  # fills in birth date and sex
    dialog.mobile.setText("138 1234 5678")
    dialog.workplace.setText("东坑村党支部书记")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert LOCKED in messages_log.texts() and "未保存" in messages_log.texts()
    assert messages_log.shown[-1][1] == "未能保存"
    assert dialog.error_text("name") == "" and dialog.error_text("id_number") == ""
    assert dialog.name.text() == "张三丰" and dialog.id_number.text() == GOOD_ID
    assert dialog.mobile.text() == "138 1234 5678"
    assert dialog.workplace.text() == "东坑村党支部书记"
    assert deputies.search_ids(db, DeputyQuery()) == []

    colleague.execute("COMMIT")  # the colleague's save is done: 保存 again
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    ids = deputies.search_ids(db, DeputyQuery())
    assert len(ids) == 1
    assert deputies.get_deputy(db, ids[0]).data.workplace == "东坑村党支部书记"
    assert roster.count_label.text() == "共 1 人"


def test_a_letter_is_not_cleared_when_its_save_fails_and_is_saved_once_on_retry(
        qtbot: Any, window: Any, db: Database, messages_log: Any, short_wait: ConnectionPragmas) -> None:
    page = window.show_page("mailbox")
    dialog = page.open_mailbox()
    dialog.opened_by_1.setText("王五")
    dialog.opened_by_2.setText("赵六")
    dialog.count_edit.setValue(2)
    assert dialog.record_opening()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)

    dialog.submitter.name.setText("李秀英")
    dialog.submitter.phone.setText("13900001111")
    dialog.content.setPlainText("村口道路破损，雨天积水")
    colleague = sqlite3.connect(db.paths.database_file, isolation_level=None, timeout=0)
    colleague.execute("BEGIN EXCLUSIVE")
    try:
        qtbot.keyClick(dialog.content, Qt.Key.Key_Return, CTRL)
        assert LOCKED in messages_log.texts()
        assert LOCKED in dialog.letter_error.text()
        assert dialog.saved_ids == []
        assert dialog.counter.text() == "第 1 / 2 件"
        assert dialog.content.toPlainText() == "村口道路破损，雨天积水"  # nothing typed is lost
        assert dialog.submitter.name.text() == "李秀英"
    finally:
        colleague.execute("ROLLBACK")
        colleague.close()

    qtbot.keyClick(dialog.content, Qt.Key.Key_Return, CTRL)
    assert len(dialog.saved_ids) == 1
    assert dialog.counter.text() == "第 2 / 2 件"
    assert dialog.letter_error.text() == ""
    assert mailbox.counts_by_status(db)["registered"] == 1
    opinion = mailbox.get_opinion(db, dialog.saved_ids[0])
    assert opinion.content == "村口道路破损，雨天积水" and opinion.seq == 1


def test_saving_a_pdf_into_a_full_disk_names_the_file_and_leaves_nothing(
        qtbot: Any, window: Any, ctx: Any, tmp_path: Path, messages_log: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "U盘"
    folder.mkdir()
    target = folder / "青山镇签到表.pdf"
    monkeypatch.setattr(printing_actions, "ask_save_path", lambda *_a: target)

    def no_space(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    assert printing_actions.save_pdf(window, ctx, b"%PDF-1.4\n" + b"0" * 100_000, "签到表")
    wait_for_operations()
    qtbot.waitUntil(lambda: bool(messages_log.shown))
    kind, title, text, _detail = messages_log.shown[-1]
    assert (kind, title) == ("warn", "无法保存PDF")
    assert "青山镇签到表.pdf" in text and "磁盘空间不足" in text
    assert sorted(p.name for p in folder.iterdir()) == []

    monkeypatch.undo()
    monkeypatch.setattr(printing_actions, "ask_save_path", lambda *_a: target)
    saved: list[Path] = []
    assert printing_actions.save_pdf(window, ctx, b"%PDF-1.4\n", "签到表", saved.append)
    wait_for_operations()
    qtbot.waitUntil(lambda: bool(saved))
    assert sorted(p.name for p in folder.iterdir()) == ["青山镇签到表.pdf"]
