"""登录: the account name (the last one used is filled in) and the password; Enter signs in. A wrong
password, a locked or a disabled account is said in red under the fields; after a reset by an
administrator the new password must be set before the window opens."""

from __future__ import annotations

from PySide6.QtCore import Qt
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
from presidium_app.services.errors import ServiceError
from presidium_app.ui.application import APP_TITLE
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.password_dialog import PasswordDialog, password_edit
from presidium_app.ui.prefs import Option
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

LAST_USER = Option("login/last_user", "")


class LoginDialog(QDialog):
    """Accepted once someone signed in; `actor` is who. The caller makes it the context's actor."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, switching: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor: Actor | None = None
        self.setWindowTitle("切换用户" if switching else f"登录 — {APP_TITLE}")
        self.setModal(True)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        title = QLabel(APP_TITLE)
        title.setObjectName("welcomeTitle")
        layout.addWidget(title)
        hint = QLabel("请输入账户名和密码。忘记密码请找管理员重置。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.name.setPlaceholderText("账户名")
        self.password = password_edit("密码")
        grid = QGridLayout()
        self.form = FieldForm(grid)
        self.form.add("name", "账户名", self.name, 0)
        self.form.add("password", "密码", self.password, 1)
        layout.addLayout(grid)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)

        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.ok_button.setDefault(True)
        self.cancel_button = buttons.addButton("取消" if switching else "退出",
                                               QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        last = str(ctx.prefs.get(LAST_USER) or "")
        self.name.setText(last)
        (self.password if last else self.name).setFocus(Qt.FocusReason.OtherFocusReason)

    def sign_in(self) -> bool:
        self.error.show_message("")
        if not self.name.text().strip():
            self.error.show_message("请输入账户名")
            self.name.setFocus()
            return False
        password = self.password.text()
        try:
            actor = accounts.authenticate(self.ctx.db, self.name.text(), password)
            must_change = accounts.get_user(self.ctx.db, actor.user_id or 0).must_change_password
        except ServiceError as exc:
            self.error.show_message(exc.message)
            self.password.clear()
            self.password.setFocus()
            return False
        self.ctx.prefs.set(LAST_USER, actor.name)
        if must_change and not self.change_password(actor, password):
            accounts.log_session_event(self.ctx.db, actor, "user.logout", "未修改临时密码，退出登录")
            self.error.show_message("须先设置新密码才能使用。")
            self.password.clear()
            return False
        self.actor = actor
        self.accept()
        return True

    def change_password(self, actor: Actor, password: str) -> bool:
        """The forced change after a reset; True once the new password is saved."""
        dialog = PasswordDialog(self.ctx, self, forced=True, old_password=password, actor=actor)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        return accepted
