"""账户管理 (administrators only): the accounts with role and state, 新增账户, 重置密码, 修改角色,
停用/启用 and 解除锁定, each refused by the services to anyone else as well. Accounts are disabled,
never deleted: the audit log names them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import accounts
from presidium_app.services.accounts import UserRow
from presidium_app.services.errors import ServiceError
from presidium_app.services.permissions import Permission
from presidium_app.ui import messages
from presidium_app.ui.access import can, missing_text
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.user_dialogs import AddUserDialog, ResetPasswordDialog, RoleDialog
from presidium_app.ui.widgets.actions import action_button, make_action

COLUMNS = ("账户名", "姓名", "角色", "状态", "最近登录")


class UsersPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[UserRow] = []
        self.dialog: AddUserDialog | ResetPasswordDialog | RoleDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        top = QHBoxLayout()
        title = QLabel("账户管理")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        explain = QLabel("管理员为每位同事建立账户；忘记密码的由管理员重置。离开的同事请停用账户，不删除。")
        explain.setObjectName("hint")
        top.addSpacing(12)
        top.addWidget(explain, 1)
        layout.addLayout(top)
        self.denied = QLabel()
        self.denied.setObjectName("hint")
        self.denied.setWordWrap(True)
        self.denied.hide()
        layout.addWidget(self.denied)

        self.add_action = make_action(self, "新增账户", self.add_user, "Ctrl+N")
        self.reset_action = make_action(self, "重置密码", self.reset_password)
        self.role_action = make_action(self, "修改角色", self.change_role)
        self.disable_action = make_action(self, "停用", self.toggle_disabled)
        self.unlock_action = make_action(self, "解除锁定", self.lift_lockout)
        bar = QHBoxLayout()
        self.buttons = [action_button(self.add_action, primary=True)]
        self.buttons += [action_button(a) for a in (self.reset_action, self.role_action,
                                                    self.disable_action, self.unlock_action)]
        for button in self.buttons:
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)

        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.table.doubleClicked.connect(lambda _i: self.change_role())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.update_actions())
        layout.addWidget(self.table, 1)
        self.allowed = can(ctx, Permission.ACCOUNTS)
        if not self.allowed:
            self.denied.setText(missing_text(ctx, Permission.ACCOUNTS) + "，账户由管理员管理。"
                                "修改自己的密码：点状态栏右下角的账户按钮。")
            self.denied.show()
            self.table.hide()
            for action in (self.add_action, self.reset_action, self.role_action, self.disable_action,
                           self.unlock_action):
                action.setEnabled(False)
            for button in self.buttons:
                button.setToolTip(missing_text(ctx, Permission.ACCOUNTS))
            return
        self.reload()

    def activate(self) -> None:
        if self.allowed:
            self.reload()

    def reload(self, select_id: int | None = None) -> None:
        current = self.current()
        select_id = select_id if select_id is not None else (current.id if current else None)
        self.rows = accounts.list_users(self.ctx.db)
        self.model.removeRows(0, self.model.rowCount())
        for user in self.rows:
            last = f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "从未登录"
            state = user.state()
            if state == accounts.STATE_LOCKED and user.locked_until is not None:
                state += f"（至{user.locked_until:%H:%M}）"
            if user.must_change_password and not user.disabled:
                state += "，待改密码"
            cells = [user.name, user.display_name, user.role.label, state, last]
            items = [QStandardItem(text) for text in cells]
            if user.id == self.ctx.actor.user_id:
                items[0].setText(f"{user.name}（本人）")
            self.model.appendRow(items)
        self.table.resizeColumnsToContents()  # a handful of accounts: every name shown whole
        row = next((i for i, u in enumerate(self.rows) if u.id == select_id), 0 if self.rows else -1)
        if row >= 0:
            self.table.selectRow(row)
        self.update_actions()

    def current(self) -> UserRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self.rows[index.row()]

    def select(self, name: str) -> None:
        row = next(i for i, u in enumerate(self.rows) if u.name == name)
        self.table.selectRow(row)

    def update_actions(self) -> None:
        if not self.allowed:
            return
        user = self.current()
        for action in (self.reset_action, self.role_action, self.disable_action):
            action.setEnabled(user is not None)
        self.disable_action.setText("启用" if user is not None and user.disabled else "停用")
        self.buttons[3].setText(self.disable_action.text())
        self.unlock_action.setEnabled(user is not None and user.is_locked())

    # -- actions --------------------------------------------------------------------------------
    def _open(self, dialog: AddUserDialog | ResetPasswordDialog | RoleDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self.reload(getattr(dialog, "saved_id", None)))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def add_user(self) -> AddUserDialog:
        dialog = AddUserDialog(self.ctx, self)
        self._open(dialog)
        return dialog

    def reset_password(self) -> ResetPasswordDialog | None:
        user = self.current()
        if user is None:
            return None
        dialog = ResetPasswordDialog(self.ctx, user, self)
        self._open(dialog)
        return dialog

    def change_role(self) -> RoleDialog | None:
        user = self.current()
        if user is None or not self.allowed:
            return None
        dialog = RoleDialog(self.ctx, user, self)
        self._open(dialog)
        return dialog

    def toggle_disabled(self) -> bool:
        user = self.current()
        if user is None:
            return False
        disable = not user.disabled
        if disable and not messages.ask(
                self, "停用账户", f"停用“{user.display_name}”（{user.name}）的账户吗？",
                yes="停用", detail="停用后不能再登录；其记录和操作日志都保留，以后可以重新启用。",
                danger=True):
            return False
        return self._run(lambda: accounts.set_disabled(self.ctx.db, self.ctx.actor, user.id, disable),
                         "未能停用" if disable else "未能启用")

    def lift_lockout(self) -> bool:
        user = self.current()
        if user is None:
            return False
        if not messages.ask(self, "解除锁定", f"解除“{user.display_name}”（{user.name}）的锁定吗？",
                            yes="解除锁定", detail="请确认是本人连续输错了密码，而不是有人在试探密码。"):
            return False
        return self._run(lambda: accounts.lift_lockout(self.ctx.db, self.ctx.actor, user.id),
                         "未能解除锁定")

    def _run(self, call: Callable[[], None], title: str) -> bool:
        try:
            call()
        except ServiceError as exc:
            messages.warn(self, title, exc.message)
            self.reload()
            return False
        self.reload()
        return True

