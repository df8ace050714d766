"""账户管理: an administrator adds accounts, resets passwords, changes roles, disables and lifts
lockouts, with confirmations; other roles see the page disabled, naming the missing permission."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt

from presidium_app.domain.accounts import Role
from presidium_app.services import accounts
from presidium_app.services import settings as app_settings
from presidium_app.services.accounts import AuthenticationFailed
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database
from presidium_app.ui.context import AppContext
from presidium_app.ui.pages.users import UsersPage

GOOD = "Qingshan2026"


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    monkeypatch.setattr(accounts, "_DUMMY_HASH", [])


@pytest.fixture
def admin(db: Database) -> Actor:
    return accounts.create_first_admin(db, "admin", "王主任", GOOD)


@pytest.fixture
def page(qtbot: Any, db: Database, admin: Actor) -> UsersPage:
    users = UsersPage(AppContext(db, admin))
    qtbot.addWidget(users)
    users.show()
    return users


def _cells(page: UsersPage) -> list[list[str]]:
    model = page.model
    return [[model.item(r, c).text() for c in range(4)] for r in range(model.rowCount())]


def test_add_an_account_by_keyboard(qtbot: Any, page: UsersPage) -> None:
    assert _cells(page) == [["admin（本人）", "王主任", "管理员", "正常"]]
    dialog = page.add_user()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.name, "lisi")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
    dialog.display_name.setText("李四")  # QTest types ASCII only
    dialog.password.setText("Staff2026abc")
    dialog.again.setText("Staff2026abc")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    assert _cells(page)[1] == ["lisi", "李四", "工作人员", "正常，待改密码"]
    assert page.current() is not None and page.current().name == "lisi"  # type: ignore[union-attr]


def test_the_add_form_names_the_problems(qtbot: Any, page: UsersPage) -> None:
    dialog = page.add_user()
    dialog.name.setText("admin")
    dialog.password.setText("abc")
    dialog.again.setText("abc")
    assert not dialog.save()
    assert "已被使用" in dialog.form.error_text("name")
    problems = dialog.form.error_text("password")
    assert "长度不足8位" in problems and "缺少数字" in problems
    dialog.reject()


def test_reset_role_disable_and_unlock(qtbot: Any, page: UsersPage, db: Database, admin: Actor,
                                      messages_log: Any) -> None:
    staff_id = accounts.add_user(db, admin, "lisi", "李四", Role.STAFF, "Staff2026abc")
    page.reload()
    page.select("lisi")
    # reset the password
    reset = page.reset_password()
    assert reset is not None
    reset.password.setText("Reset2026abc")
    reset.again.setText("Reset2026abc")
    assert reset.save()
    assert accounts.authenticate(db, "lisi", "Reset2026abc").user_id == staff_id
    # change the role
    role = page.change_role()
    assert role is not None
    role.role.setCurrentIndex(list(Role).index(Role.VIEWER))
    assert role.save()
    assert _cells(page)[1][2] == "只读"
    # disable, after a confirmation
    messages_log.answer = False
    assert not page.toggle_disabled()
    assert _cells(page)[1][3].startswith("正常")
    messages_log.answer = True
    assert page.toggle_disabled()
    assert _cells(page)[1][3] == "已停用" and page.disable_action.text() == "启用"
    assert "停用后不能再登录" in messages_log.texts()
    assert page.toggle_disabled()  # 启用 needs no confirmation
    assert _cells(page)[1][3].startswith("正常")
    # lift a lockout
    app_settings.update(db, admin, {"security.max_failed_logins": 3})
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            accounts.authenticate(db, "lisi", "Wrong2026x")
    page.reload()
    assert _cells(page)[1][3].startswith("已锁定（至") and page.unlock_action.isEnabled()
    assert page.lift_lockout()
    assert _cells(page)[1][3].startswith("正常") and not page.unlock_action.isEnabled()


def test_the_last_administrator_is_kept(qtbot: Any, page: UsersPage, messages_log: Any) -> None:
    page.select("admin")
    role = page.change_role()
    assert role is not None
    role.role.setCurrentIndex(list(Role).index(Role.STAFF))
    assert not role.save()
    assert "至少要保留一个在用的管理员" in role.general_error.text()
    role.reject()
    assert not page.toggle_disabled()
    assert messages_log.shown[-1][0] == "warn" and "不能停用自己" in messages_log.shown[-1][2]


@pytest.mark.parametrize("role", [Role.STAFF, Role.VIEWER])
def test_other_roles_see_the_page_disabled(qtbot: Any, db: Database, admin: Actor, role: Role) -> None:
    users = UsersPage(AppContext(db, Actor("lisi", role, 99)))
    qtbot.addWidget(users)
    users.show()
    assert users.table.isHidden() and not users.denied.isHidden()
    assert "管理账户" in users.denied.text() and role.label in users.denied.text()
    assert all(not b.isEnabled() for b in users.buttons)
    assert all("管理账户" in b.toolTip() for b in users.buttons)
    assert users.model.rowCount() == 0  # the accounts are not even listed
