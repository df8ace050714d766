"""修改密码: the signed-in user changes their own password (old once, new twice, the policy shown).
Forced after an administrator's reset (must_change_password): then the old password is the one
just typed at sign-in and is not asked again, and the dialog cannot be skipped."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import accounts
from presidium_app.services.audit import Actor
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm


def password_edit(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


class PasswordDialog(QDialog):
    """`save()` is what 确定 does."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, forced: bool = False,
                 old_password: str | None = None, actor: Actor | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor or ctx.actor  # at a forced change, not yet the context's actor
        self.forced = forced
        self.old_password = old_password
        self.setWindowTitle("修改密码")
        self.setModal(True)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        heading = QLabel(f"修改“{self.actor.name}”的密码")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        if forced:
            reason = QLabel("管理员为您设置了临时密码。请先设置只有您自己知道的新密码，再开始使用。")
            reason.setWordWrap(True)
            layout.addWidget(reason)
        policy = QLabel(accounts.password_policy_text(accounts.min_password_length(ctx.db)) + "。")
        policy.setObjectName("hint")
        policy.setWordWrap(True)
        layout.addWidget(policy)

        self.old = password_edit()
        self.new = password_edit()
        self.again = password_edit()
        grid = QGridLayout()
        self.form = FieldForm(grid)
        row = 0
        if old_password is None:
            self.form.add("old", "原密码", self.old, row, required=True)
            row += 1
        else:
            self.old.hide()
        self.form.add("password", "新密码", self.new, row, required=True)
        self.form.add("again", "再次输入新密码", self.again, row + 1, required=True)
        layout.addLayout(grid)
        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)

        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.ok_button.setDefault(True)
        self.cancel_button = buttons.addButton("退出登录" if forced else "取消",
                                               QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.old if old_password is None else self.new).setFocus()

    def save(self) -> bool:
        self.form.clear_errors()
        self.general_error.show_message("")
        if self.new.text() != self.again.text():
            self.form.show_errors({"again": "两次输入的新密码不一致"})
            return False
        old = self.old_password if self.old_password is not None else self.old.text()
        try:
            accounts.change_password(self.ctx.db, self.actor, old, self.new.text())
        except ValidationFailed as exc:
            rest = self.form.show_errors(exc.field_errors)
            self.general_error.show_message("；".join(rest))
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            return False
        self.accept()
        return True
