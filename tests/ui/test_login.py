"""Signing in: the login dialog by keyboard, its errors and the lockout message, the forced change
of a reset password, and the app's start with accounts (sign in) and without (create the
administrator of an upgraded database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from presidium_app import app
from presidium_app.domain.accounts import Role
from presidium_app.services import accounts, township
from presidium_app.services import settings as app_settings
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.first_run import CreateAdminDialog
from presidium_app.ui.dialogs.login_dialog import LAST_USER, LoginDialog
from presidium_app.ui.dialogs.password_dialog import PasswordDialog
from presidium_app.ui.main_window import MainWindow

GOOD = "Qingshan2026"


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    monkeypatch.setattr(accounts, "_DUMMY_HASH", [])


@pytest.fixture
def admin(db: Database) -> Actor:
    return accounts.create_first_admin(db, "admin", "王主任", GOOD)


def _dialog(qtbot: Any, db: Database) -> LoginDialog:
    dialog = LoginDialog(AppContext(db, app.DEFAULT_ACTOR))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_sign_in_by_keyboard_and_the_name_is_remembered(qtbot: Any, db: Database, admin: Actor) -> None:
    dialog = _dialog(qtbot, db)
    assert dialog.name.text() == "" and dialog.name.hasFocus()
    qtbot.keyClicks(dialog.name, "admin")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.password, GOOD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor == admin
    assert dialog.ctx.prefs.get(LAST_USER) == "admin"
    again = _dialog(qtbot, db)
    assert again.name.text() == "admin" and again.password.hasFocus()


def test_a_wrong_password_is_said_and_cleared(qtbot: Any, db: Database, admin: Actor) -> None:
    dialog = _dialog(qtbot, db)
    dialog.name.setText("admin")
    qtbot.keyClicks(dialog.password, "Wrong2026x")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.actor is None
    assert dialog.error.text() == "账户名或密码不正确"
    assert dialog.password.text() == ""
    dialog.name.clear()
    assert not dialog.sign_in()
    assert dialog.error.text() == "请输入账户名"


def test_the_lockout_says_until_when(qtbot: Any, db: Database, admin: Actor) -> None:
    app_settings.update(db, admin, {"security.max_failed_logins": 3, "security.lockout_minutes": 30})
    dialog = _dialog(qtbot, db)
    dialog.name.setText("admin")
    for _ in range(3):
        dialog.password.setText("Wrong2026x")
        assert not dialog.sign_in()
    assert "已连续输错3次，账户锁定至" in dialog.error.text() and "30分钟" in dialog.error.text()
    dialog.password.setText(GOOD)
    assert not dialog.sign_in()
    assert "账户已锁定至" in dialog.error.text()


def test_a_reset_password_must_be_changed_first(
        qtbot: Any, db: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    staff_id = accounts.add_user(db, admin, "lisi", "李四", Role.STAFF, "Temporary2026")
    shown: list[PasswordDialog] = []

    def change(dialog: PasswordDialog) -> int:
        shown.append(dialog)
        assert dialog.forced and dialog.old.isHidden()
        dialog.new.setText("Mine2026abc")
        dialog.again.setText("Mine2026abc")
        return int(dialog.save())

    monkeypatch.setattr(PasswordDialog, "exec", change)
    dialog = _dialog(qtbot, db)
    dialog.name.setText("lisi")
    dialog.password.setText("Temporary2026")
    assert dialog.sign_in()
    assert shown and dialog.actor == Actor("lisi", Role.STAFF, staff_id)
    assert not accounts.get_user(db, staff_id).must_change_password
    assert accounts.authenticate(db, "lisi", "Mine2026abc").user_id == staff_id


def test_refusing_the_forced_change_does_not_sign_in(
        qtbot: Any, db: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.add_user(db, admin, "lisi", "", Role.STAFF, "Temporary2026")
    monkeypatch.setattr(PasswordDialog, "exec", lambda _d: 0)
    dialog = _dialog(qtbot, db)
    dialog.name.setText("lisi")
    dialog.password.setText("Temporary2026")
    assert not dialog.sign_in()
    assert dialog.actor is None and "须先设置新密码" in dialog.error.text()


def _capture_window(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def fake_app_exec(_app: Any) -> int:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["user"] = windows[-1].user_label.text()
        seen["actor"] = windows[-1].ctx.actor
        for window in windows:
            window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_app_exec)
    return seen


def test_the_app_asks_to_sign_in_when_accounts_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_database(tmp_path / "data")
    actor = Actor("测试员")
    township.set_up_township(db, actor, "青山镇", "临川县", 19, 2021, 2026)
    admin = accounts.create_first_admin(db, "admin", "", GOOD)
    db.dispose()

    def fake_exec(dialog: LoginDialog) -> int:
        dialog.name.setText("admin")
        dialog.password.setText(GOOD)
        return int(dialog.sign_in())

    monkeypatch.setattr(LoginDialog, "exec", fake_exec)
    seen = _capture_window(monkeypatch)
    assert app.main(["--data-dir", str(tmp_path / "data")]) == 0
    assert seen == {"user": "当前用户：admin（管理员）", "actor": admin}


def test_closing_the_login_ends_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_database(tmp_path / "data")
    township.set_up_township(db, Actor("测试员"), "青山镇", "临川县", 19, 2021, 2026)
    accounts.create_first_admin(db, "admin", "", GOOD)
    db.dispose()
    monkeypatch.setattr(LoginDialog, "exec", lambda _d: 0)
    monkeypatch.setattr(QApplication, "exec", lambda _a: pytest.fail("main window shown"))
    assert app.main(["--data-dir", str(tmp_path / "data")]) == 0


def test_an_upgraded_database_gets_its_administrator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_database(tmp_path / "data")
    township.set_up_township(db, Actor("测试员"), "青山镇", "临川县", 19, 2021, 2026)
    db.dispose()

    def fake_exec(dialog: CreateAdminDialog) -> int:
        dialog.admin_form.fill("wangli", "Short1", "王丽")
        assert not dialog.save()
        assert "长度不足8位" in dialog.admin_form.form.error_text("password")
        dialog.admin_form.fill("wangli", GOOD, "王丽")
        return int(dialog.save())

    monkeypatch.setattr(CreateAdminDialog, "exec", fake_exec)
    seen = _capture_window(monkeypatch)
    assert app.main(["--data-dir", str(tmp_path / "data")]) == 0
    assert seen["user"] == "当前用户：wangli（管理员）"
    assert seen["actor"].user_id is not None
