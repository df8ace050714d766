"""备份与恢复 from the main window: a backup now, to a USB folder, restore with confirmation (the
window then works on the restored data), roles, and the automatic backups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from presidium_app.domain.accounts import Role
from presidium_app.services import backups, deputies, township
from presidium_app.services.audit import Actor
from presidium_app.services.errors import StorageFailure
from presidium_app.storage import backup as store
from presidium_app.storage.database import Database
from presidium_app.ui.dialogs.backups_dialog import CHECKING, BackupsDialog
from presidium_app.ui.operations import wait_for_operations
from tests.helpers import deputy_input, make_id


@pytest.fixture(autouse=True)
def _sqlite_only(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("备份与恢复只用于 SQLite")


def settle(qtbot: Any) -> None:
    """Let the worker finish and its results reach the UI thread."""
    wait_for_operations()
    qtbot.wait(50)
    QApplication.processEvents()


def add(db: Database, name: str, seq: int) -> None:
    term = township.current_term(db)
    assert term is not None
    number = make_id(dt.date(1970, 5, 17), seq)
    deputies.add_deputy(db, Actor("测试员"), deputy_input(term.id, name, id_number=number))


def _names(db: Database) -> list[str]:
    from sqlalchemy import select

    from presidium_app.domain.deputies import Deputy

    with db.session() as session:
        return sorted(session.scalars(select(Deputy.name)))


def states(dialog: BackupsDialog) -> list[str]:
    return [dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())]


def test_back_up_now_lists_the_backup_and_checks_it(qtbot: Any, window: Any) -> None:
    dialog = window.open_backups()
    qtbot.addWidget(dialog)
    settle(qtbot)
    assert dialog.table.rowCount() == 0 and dialog.empty.isVisibleTo(dialog)
    dialog.backup_button.click()
    settle(qtbot)
    settle(qtbot)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "手动备份"
    assert states(dialog) == ["完好"]
    assert "已备份" in dialog.status.text()


def test_back_up_to_a_usb_folder(qtbot: Any, window: Any, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    dialog = window.open_backups()
    qtbot.addWidget(dialog)
    dialog.usb_button.click()
    settle(qtbot)
    archives = list(usb.glob("*.zip"))
    assert len(archives) == 1 and str(archives[0]) in dialog.status.text()


def test_restore_asks_then_the_window_works_on_the_restored_data(
        qtbot: Any, window: Any, ctx: Any, messages_log: Any) -> None:
    add(ctx.db, "张三丰", 131)
    info, _ = backups.create(ctx.db, ctx.actor)
    add(ctx.db, "李四", 133)
    old_db = ctx.db
    window.show_page("roster")
    old_roster = window.pages["roster"]

    dialog = window.open_backups()
    qtbot.addWidget(dialog)
    settle(qtbot)
    messages_log.answer = False  # the user thinks again: nothing happens
    dialog.restore_button.click()
    settle(qtbot)
    assert ctx.db is old_db and _names(ctx.db) == ["张三丰", "李四"]
    kind, _title, text, detail = messages_log.shown[-1]
    assert kind == "ask" and "替换当前的全部数据" in text
    assert "恢复前备份" in detail and str(ctx.db.paths.database_file) in detail

    messages_log.answer = True
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    settle(qtbot)
    assert ctx.db is not old_db  # the window uses the restored database
    assert _names(ctx.db) == ["张三丰"]
    assert "roster" not in window.pages or window.pages["roster"] is not old_roster
    assert window.stack.currentWidget() is window.pages["home"]
    assert messages_log.shown[-1][1] == "恢复完成" and "恢复前备份" in messages_log.shown[-1][3]
    settle(qtbot)
    reasons = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert reasons == ["恢复前备份", "手动备份"]
    assert info.id in [b.id for b in store.list_backups(ctx.db.paths)]


def test_restore_from_a_zip_file(qtbot: Any, window: Any, ctx: Any, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch, messages_log: Any) -> None:
    add(ctx.db, "张三丰", 131)
    _, archive = backups.create(ctx.db, ctx.actor, to=tmp_path)
    add(ctx.db, "李四", 133)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(archive), ""))
    dialog = window.open_backups()
    qtbot.addWidget(dialog)
    dialog.file_button.click()
    settle(qtbot)
    assert _names(ctx.db) == ["张三丰"]
    assert "恢复完成" in [entry[1] for entry in messages_log.shown]


def test_a_failed_restore_says_so_and_keeps_the_data(
        qtbot: Any, window: Any, ctx: Any, messages_log: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    backups.create(ctx.db, ctx.actor)
    add(ctx.db, "李四", 133)
    old_db = ctx.db

    def full(*_args: Any, **_kwargs: Any) -> Any:
        raise StorageFailure("磁盘空间已满，无法写入 X。")

    monkeypatch.setattr(backups, "restore", full)
    dialog = window.open_backups()
    qtbot.addWidget(dialog)
    dialog.restore_button.click()
    settle(qtbot)
    assert ctx.db is old_db and _names(ctx.db) == ["李四"]
    assert messages_log.shown[-1][:2] == ("warn", "未能恢复") and "磁盘空间已满" in messages_log.shown[-1][2]


def test_a_viewer_sees_the_list_but_cannot_back_up_or_restore(qtbot: Any, ctx: Any) -> None:
    backups.create(ctx.db, ctx.actor)
    ctx.actor = Actor("访客", Role.VIEWER)
    dialog = BackupsDialog(ctx)
    qtbot.addWidget(dialog)
    settle(qtbot)
    assert dialog.table.rowCount() == 1 and states(dialog) != [CHECKING]
    assert not dialog.backup_button.isEnabled() and not dialog.usb_button.isEnabled()
    assert not dialog.restore_button.isEnabled() and not dialog.file_button.isEnabled()


def test_automatic_backups_on_start_only_after_a_change_and_on_close(
        qtbot: Any, window: Any, ctx: Any) -> None:
    window.start_automatic_backups()
    settle(qtbot)
    made = store.list_backups(ctx.db.paths)
    assert [b.reason for b in made] == [store.AUTO]  # the township was set up: a change
    assert "已自动备份" in window.statusBar().currentMessage()
    window.auto_backups.run()  # the daily timer, nothing changed since
    settle(qtbot)
    assert len(store.list_backups(ctx.db.paths)) == 1
    add(ctx.db, "张三丰", 131)
    window.close()
    settle(qtbot)
    assert len(store.list_backups(ctx.db.paths)) == 2


def test_a_failed_automatic_backup_is_shown_once_and_never_stops_the_app(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch, messages_log: Any) -> None:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise StorageFailure("磁盘空间已满，无法写入 D:\\backups。")

    monkeypatch.setattr(backups, "auto_backup", fail)
    window.start_automatic_backups()
    settle(qtbot)
    assert "自动备份未成功" in window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    window.auto_backups.run()
    settle(qtbot)
    assert window.statusBar().currentMessage() == ""  # shown once, not again
    assert not messages_log.shown  # no box stops the user


def test_opened_from_the_status_bar_and_from_settings(qtbot: Any, window: Any) -> None:
    def open_dialogs() -> list[BackupsDialog]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, BackupsDialog) and w.isVisible()]

    window.backups_button.click()
    assert len(open_dialogs()) == 1
    open_dialogs()[0].reject()
    settle(qtbot)
    window.show_page("settings").backups_button.click()
    assert len(open_dialogs()) == 1
    open_dialogs()[0].reject()


def test_after_restoring_a_database_with_accounts_the_user_signs_in_again(
        qtbot: Any, window: Any, ctx: Any, messages_log: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The accounts are the backup's now: the window asks who is there; closing the sign-in
    closes the window, and nobody keeps working on a session the restored data never granted."""
    from argon2 import PasswordHasher

    from presidium_app.services import accounts
    from presidium_app.ui.dialogs.login_dialog import LoginDialog

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    accounts.create_first_admin(ctx.db, "admin", "王主任", "Qingshan2026")
    backups.create(ctx.db, ctx.actor)
    asked: list[LoginDialog] = []

    def refuse(dialog: Any) -> bool:
        asked.append(dialog)
        return False

    monkeypatch.setattr(window, "run_dialog", refuse)
    messages_log.answer = True
    dialog = window.open_backups()
    qtbot.addWidget(dialog)
    settle(qtbot)
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    settle(qtbot)
    assert len(asked) == 1 and isinstance(asked[0], LoginDialog)
    assert not window.isVisible()  # sign-in refused: the window is closed

    def accept(dialog: Any) -> bool:
        dialog.actor = accounts.authenticate(ctx.db, "admin", "Qingshan2026")
        return True

    monkeypatch.setattr(window, "run_dialog", accept)
    window.show()
    assert window.sign_in_after_restore()
    assert ctx.actor.name == "admin" and ctx.actor.user_id is not None
