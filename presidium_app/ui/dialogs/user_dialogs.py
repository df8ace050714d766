"""The administrator's account forms: 新增账户, 重置密码 and 修改角色. Each `save()` is what 确定 does;
errors appear under the field they concern."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.accounts import Role
from presidium_app.services import accounts
from presidium_app.services.accounts import UserRow
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.password_dialog import password_edit
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

ROLE_HINTS = {
    Role.ADMIN: "管理员：全部功能，包括账户管理、系统设置和从备份恢复",
    Role.STAFF: "工作人员：录入和修改业务数据、打印、导入导出台账、备份",
    Role.VIEWER: "只读：查看和打印，不能修改任何数据",
}


def role_combo(current: Role | None = None) -> QComboBox:
    combo = QComboBox()
    for role in Role:
        combo.addItem(role.label, role.value)
        combo.setItemData(combo.count() - 1, ROLE_HINTS[role], Qt.ItemDataRole.ToolTipRole)
    if current is not None:
        combo.setCurrentIndex(list(Role).index(current))
    return combo


def combo_role(combo: QComboBox) -> Role:
    return Role[str(combo.currentData()).upper()]


class _FormDialog(QDialog):
    def __init__(self, ctx: AppContext, title: str, heading: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(480)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 16, 20, 16)
        self.layout_.setSpacing(10)
        label = QLabel(heading)
        label.setObjectName("dialogHeading")
        self.layout_.addWidget(label)
        self.grid = QGridLayout()
        self.form = FieldForm(self.grid)

    def finish(self, hint: str = "") -> None:
        self.layout_.addLayout(self.grid)
        if hint:
            text = QLabel(hint)
            text.setObjectName("hint")
            text.setWordWrap(True)
            self.layout_.addWidget(text)
        self.general_error = ErrorLabel(self)
        self.layout_.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.ok_button.setDefault(True)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.layout_.addWidget(buttons)

    def save(self) -> bool:
        raise NotImplementedError

    def show_error(self, exc: ServiceError) -> None:
        if isinstance(exc, ValidationFailed):
            self.general_error.show_message("；".join(self.form.show_errors(exc.field_errors)))
        else:
            self.general_error.show_message(exc.message)


def _policy(ctx: AppContext) -> str:
    return accounts.password_policy_text(accounts.min_password_length(ctx.db)) + "。"


class AddUserDialog(_FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "新增账户", "新增账户", parent)
        self.saved_id: int | None = None
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.name.setPlaceholderText("登录用，如：lisi")
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(40)
        self.display_name.setPlaceholderText("如：李四")
        self.role = role_combo(Role.STAFF)
        self.password = password_edit()
        self.again = password_edit()
        self.form.add("name", "账户名", self.name, 0, required=True)
        self.form.add("display_name", "姓名", self.display_name, 1)
        self.form.add("role", "角色", self.role, 2, required=True)
        self.form.add("password", "初始密码", self.password, 3, required=True)
        self.form.add("again", "再次输入", self.again, 4, required=True)
        self.finish(_policy(ctx) + "新账户首次登录时须改为只有本人知道的密码。")
        self.name.setFocus()

    def save(self) -> bool:
        self.form.clear_errors()
        if self.password.text() != self.again.text():
            self.form.show_errors({"again": "两次输入的密码不一致"})
            return False
        try:
            self.saved_id = accounts.add_user(self.ctx.db, self.ctx.actor, self.name.text(),
                                              self.display_name.text(), combo_role(self.role),
                                              self.password.text())
        except ServiceError as exc:
            self.show_error(exc)
            return False
        self.accept()
        return True


class ResetPasswordDialog(_FormDialog):
    def __init__(self, ctx: AppContext, user: UserRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "重置密码", f"重置“{user.display_name}”（{user.name}）的密码", parent)
        self.user = user
        self.password = password_edit()
        self.again = password_edit()
        self.form.add("password", "新密码", self.password, 0, required=True)
        self.form.add("again", "再次输入", self.again, 1, required=True)
        self.finish(_policy(ctx) + "对方下次登录时须改为只有本人知道的密码；账户如被锁定也一并解除。")
        self.password.setFocus()

    def save(self) -> bool:
        self.form.clear_errors()
        if self.password.text() != self.again.text():
            self.form.show_errors({"again": "两次输入的密码不一致"})
            return False
        try:
            accounts.reset_password(self.ctx.db, self.ctx.actor, self.user.id, self.password.text())
        except ServiceError as exc:
            self.show_error(exc)
            return False
        self.accept()
        return True


class RoleDialog(_FormDialog):
    def __init__(self, ctx: AppContext, user: UserRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "修改角色", f"修改“{user.display_name}”（{user.name}）的角色", parent)
        self.user = user
        self.role = role_combo(user.role)
        self.form.add("role", "角色", self.role, 0, required=True)
        self.finish("\n".join(ROLE_HINTS.values()) + "\n对方下次登录后按新角色生效。")
        self.role.setFocus()

    def save(self) -> bool:
        try:
            # no version check: every sign-in moves the account's version, and the choice is whole
            accounts.set_role(self.ctx.db, self.ctx.actor, self.user.id, combo_role(self.role))
        except ServiceError as exc:
            self.show_error(exc)
            return False
        self.accept()
        return True
