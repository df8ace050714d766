"""The idle lock: the window locks after the idle time or at once on Ctrl+L, only the signed-in
user's password unlocks it, 切换用户 signs someone else in, and all of it is in the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from sqlalchemy import select

from presidium_app.domain.accounts import Role
from presidium_app.domain.audit import AuditEntry
from presidium_app.services import accounts
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.login_dialog import LoginDialog
from presidium_app.ui.idle_lock import LockScreen
from presidium_app.ui.main_window import MainWindow

GOOD = "Qingshan2026"


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    monkeypatch.setattr(accounts, "_DUMMY_HASH", [])


@pytest.fixture
def signed_in(qtbot: Any, db: Database) -> MainWindow:
    admin = accounts.create_first_admin(db, "admin", "王主任", GOOD)
    window = MainWindow(AppContext(db, admin))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _actions(db: Database, prefix: str) -> list[tuple[str, str, bool]]:
    with db.session() as session:
        return [(e.action, e.user, e.success) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action.like(f"{prefix}%")).order_by(AuditEntry.id))]


def test_the_window_locks_when_idle_and_the_password_unlocks(qtbot: Any, signed_in: MainWindow) -> None:
    lock = signed_in.idle_lock
    lock.timeout_ms = 60
    lock.set_poll_ms(20)
    qtbot.waitUntil(lambda: lock.is_locked, timeout=5_000)
    screen = lock.screen
    assert screen is not None and screen.isVisible()
    assert not signed_in.centralWidget().isVisible()  # nothing of the records shows
    assert "admin" in screen.who.text()
    lock.timeout_ms = 3_600_000
    qtbot.keyClicks(screen.password, "Wrong2026x")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert lock.is_locked and screen.error.text() == "账户名或密码不正确"
    screen.reject()  # Esc does not unlock
    assert lock.is_locked
    qtbot.keyClicks(screen.password, GOOD)
    with qtbot.waitSignal(lock.unlocked):
        qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert not lock.is_locked and signed_in.centralWidget().isVisible()
    entries = _actions(signed_in.ctx.db, "user.%lock")
    assert entries == [("user.lock", "admin", True), ("user.unlock", "admin", False),
                       ("user.unlock", "admin", True)]


def test_ctrl_l_locks_at_once_on_any_page(qtbot: Any, signed_in: MainWindow) -> None:
    signed_in.show_page("suggestions")  # a page with many shortcuts of its own
    signed_in.activateWindow()
    qtbot.waitUntil(signed_in.isActiveWindow)
    qtbot.keyClick(signed_in.focusWidget() or signed_in, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert signed_in.idle_lock.is_locked
    screen = signed_in.idle_lock.screen
    assert screen is not None
    screen.password.setText(GOOD)
    assert screen.unlock()
    assert not signed_in.idle_lock.is_locked


def test_switch_user_at_the_lock_screen(
        qtbot: Any, signed_in: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    db = signed_in.ctx.db
    admin = signed_in.ctx.actor
    viewer_id = accounts.add_user(db, admin, "wang", "王五", Role.VIEWER, "Viewer2026x")
    accounts.change_password(db, Actor("wang", Role.VIEWER, viewer_id), "Viewer2026x", "Viewer2027x")

    def sign_in(dialog: LoginDialog) -> bool:
        assert dialog.name.text() == ""
        dialog.name.setText("wang")
        dialog.password.setText("Viewer2027x")
        return dialog.sign_in()

    monkeypatch.setattr(LockScreen, "run_login", staticmethod(sign_in))
    signed_in.show_page("settings")
    screen = signed_in.lock()
    assert screen is not None
    with qtbot.waitSignal(signed_in.idle_lock.unlocked):
        assert screen.switch_user()
    assert signed_in.ctx.actor == Actor("wang", Role.VIEWER, viewer_id)
    assert signed_in.user_label.text() == "当前用户：wang（只读）"
    assert set(signed_in.pages) == {"home"}  # made anew for the new role
    settings = signed_in.show_page("settings")
    assert not settings.township_save.isEnabled()
    assert "修改系统设置" in settings.township_save.toolTip()
    assert ("user.logout", "admin", True) in _actions(db, "user.logout")


def test_no_lock_without_an_account(qtbot: Any, window: MainWindow) -> None:
    assert window.ctx.actor.user_id is None
    assert window.lock() is None and not window.idle_lock.is_locked
    assert not window.lock_action.isEnabled()


def test_change_password_from_the_window(
        qtbot: Any, signed_in: MainWindow, monkeypatch: pytest.MonkeyPatch, messages_log: Any) -> None:
    def fill(dialog: Any) -> bool:
        dialog.old.setText(GOOD)
        dialog.new.setText("Newpass2027")
        dialog.again.setText("Newpass2028")
        assert not dialog.save()
        assert dialog.form.error_text("again") == "两次输入的新密码不一致"
        dialog.again.setText("Newpass2027")
        return bool(dialog.save())

    monkeypatch.setattr(MainWindow, "run_dialog", staticmethod(fill))
    assert signed_in.change_password()
    assert "密码已修改" in messages_log.texts()
    assert accounts.authenticate(signed_in.ctx.db, "admin", "Newpass2027") == signed_in.ctx.actor


def test_an_open_form_beside_the_window_is_covered_while_locked(qtbot: Any, signed_in: MainWindow) -> None:
    """A deputy's form left open shows personal data: it stays open (what was typed is kept) but
    an opaque cover hides it until the password is given."""
    from PySide6.QtWidgets import QDialog, QLabel, QLineEdit

    form = QDialog()
    qtbot.addWidget(form)
    typed = QLineEdit("13812345678", form)
    form.resize(400, 300)
    form.show()
    qtbot.waitExposed(form)
    signed_in.idle_lock.lock_now()
    covers = [c for c in form.findChildren(QLabel) if c.objectName() == "lockCover"]
    assert len(covers) == 1 and covers[0].isVisible() and covers[0].geometry() == form.rect()
    assert form.isVisible() and typed.text() == "13812345678"  # not closed, nothing lost
    screen = signed_in.idle_lock.screen
    assert screen is not None
    screen.password.setText(GOOD)
    assert screen.unlock()
    qtbot.waitUntil(lambda: not [c for c in form.findChildren(QLabel) if c.objectName() == "lockCover"])
    assert typed.text() == "13812345678"
