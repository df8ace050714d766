"""First run (初始设置): the administrator's account (there is no default password), then the
township's name, county and current term — or a ready-made demo township to look around in before
entering real data. A database from before accounts existed gets `CreateAdminDialog` at start."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import accounts, township
from presidium_app.services.audit import Actor
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.password_dialog import password_edit
from presidium_app.ui.operations import error_text, run_operation
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm
from presidium_app.ui.widgets.term_spin import TermSpinBox

DEMO_TOWNSHIP = ("青山镇", "临川县", 19, 2021, 2026)


def set_up_demo(ctx: AppContext, progress: Progress) -> str:
    """Worker side of 打开示范乡镇: the demo township and its deputies, groups and stations."""
    from presidium_app.services.demo import fill_demo

    name, county, ordinal, start, end = DEMO_TOWNSHIP
    township.set_up_township(ctx.db, ctx.actor, name, county, ordinal, start, end)
    return str(fill_demo(ctx.db, ctx.actor, scale=1, progress=progress))


class AdminAccountForm(QWidget):
    """The first administrator: account name, name, password twice, with the policy shown."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.account = QLineEdit()
        self.account.setMaxLength(40)
        self.account.setPlaceholderText("登录用，如：wangli")
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(40)
        self.display_name.setPlaceholderText("如：王丽")
        self.password = password_edit()
        self.again = password_edit()
        grid = QGridLayout()
        self.form = FieldForm(grid)
        self.form.add("name", "管理员账户名", self.account, 0, required=True)
        self.form.add("display_name", "姓名", self.display_name, 1)
        self.form.add("password", "密码", self.password, 2, required=True)
        self.form.add("again", "再次输入密码", self.again, 3, required=True)
        layout.addLayout(grid)
        self.policy = QLabel(accounts.password_policy_text(accounts.min_password_length(ctx.db))
                             + "。请牢记密码：没有默认密码，也无法找回，只能由另一位管理员重置。")
        self.policy.setObjectName("hint")
        self.policy.setWordWrap(True)
        layout.addWidget(self.policy)

    def fill(self, name: str, password: str, display_name: str = "") -> None:
        self.account.setText(name)
        self.display_name.setText(display_name)
        self.password.setText(password)
        self.again.setText(password)

    def create_account(self) -> tuple[Actor | None, str]:
        """The new administrator, or None and a message not placed under a field."""
        self.form.clear_errors()
        if self.password.text() != self.again.text():
            self.form.show_errors({"again": "两次输入的密码不一致"})
            return None, ""
        try:
            actor = accounts.create_first_admin(self.ctx.db, self.account.text(), self.display_name.text(),
                                                self.password.text())
        except ValidationFailed as exc:
            return None, "；".join(self.form.show_errors(exc.field_errors))
        except ServiceError as exc:
            return None, exc.message
        return actor, ""


class CreateAdminDialog(QDialog):
    """A database without accounts (made before accounts existed, or by the command line): the
    administrator is created before anyone may go on. Accepted with `actor` set."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor: Actor | None = None
        self.setWindowTitle("设置管理员账户")
        self.setModal(True)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        title = QLabel("请先设置管理员账户")
        title.setObjectName("welcomeTitle")
        layout.addWidget(title)
        intro = QLabel("这个数据库还没有账户。为保护代表和群众的个人信息，使用前须设置管理员账户和密码；"
                       "以后每次打开都要登录，管理员可以在“账户管理”中为同事建立账户。")
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.admin_form = AdminAccountForm(ctx, self)
        layout.addWidget(self.admin_form)
        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("创建并进入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.ok_button.setDefault(True)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.admin_form.account.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> bool:
        actor, message = self.admin_form.create_account()
        self.general_error.show_message(message)
        if actor is None:
            return False
        self.actor = actor
        self.accept()
        return True


class FirstRunDialog(QDialog):
    """Accepted once the township is set up (by the form or the demo)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.demo_summary: str | None = None
        self.demo_running = False
        self.setWindowTitle("初始设置")
        self.setModal(True)
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        title = QLabel("欢迎使用主席团工作台")
        title.setObjectName("welcomeTitle")
        layout.addWidget(title)
        self.admin_form: AdminAccountForm | None = None
        if not accounts.has_accounts(ctx.db):
            admin_box = QGroupBox("管理员账户")
            admin_layout = QVBoxLayout(admin_box)
            self.admin_form = AdminAccountForm(ctx, admin_box)
            admin_layout.addWidget(self.admin_form)
            layout.addWidget(admin_box)
        intro = QLabel("请填写本乡镇的名称和当前届次。这些信息会印在各类表格和文书上，"
                       "以后可以在“设置”中修改。")
        intro.setWordWrap(True)
        intro.setObjectName("hint")
        layout.addWidget(intro)

        this_year = dt.date.today().year
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：青山镇")
        self.county = QLineEdit()
        self.county.setPlaceholderText("如：临川县")
        self.term = TermSpinBox()
        self.start_year = QSpinBox()
        self.start_year.setRange(1949, 2100)
        self.start_year.setValue(2021 if this_year <= 2026 else this_year)
        self.start_year.setSuffix(" 年")
        self.end_year = QSpinBox()
        self.end_year.setRange(1949, 2100)
        self.end_year.setValue(self.start_year.value() + 5)
        self.end_year.setSuffix(" 年")
        self.start_year.valueChanged.connect(lambda v: self.end_year.setValue(v + 5))
        years = QWidget()
        row = QHBoxLayout(years)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start_year)
        row.addWidget(QLabel("至"))
        row.addWidget(self.end_year)
        row.addStretch(1)

        grid = QGridLayout()
        self.form = FieldForm(grid)
        self.form.add("name", "乡镇名称", self.name, 0, required=True)
        self.form.add("county", "所属县（市、区）", self.county, 1)
        self.form.add("term_ordinal", "当前届次", self.term, 2, required=True)
        self.form.add("start_year", "届期", years, 3)
        self.form.alias("end_year", "start_year")
        layout.addLayout(grid)
        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)

        self.demo_button = QPushButton("打开示范乡镇")
        self.demo_button.setToolTip("建立示范的青山镇（临川县，第十九届 2021—2026），"
                                    "含约50名代表、代表小组和联络站，供熟悉软件使用")
        self.demo_button.clicked.connect(self.start_demo)
        self.ok_button = QPushButton("开始使用")
        self.ok_button.setObjectName("primary")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.save)
        demo_hint = QLabel("想先看看？可以打开示范乡镇（演示数据）。")
        demo_hint.setObjectName("hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addWidget(demo_hint)
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        first = self.admin_form.account if self.admin_form is not None else self.name
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def ensure_admin(self) -> bool:
        """Create the administrator first (once); the township is then set up in their name."""
        if self.admin_form is None:
            return True
        actor, message = self.admin_form.create_account()
        self.general_error.show_message(message)
        if actor is None:
            return False
        self.ctx.actor = actor
        self.admin_form.setEnabled(False)
        self.admin_form.policy.setText(f"已创建管理员账户“{actor.name}”。")
        self.admin_form = None
        return True

    def save(self) -> bool:
        if not self.ensure_admin():
            return False
        try:
            township.set_up_township(
                self.ctx.db, self.ctx.actor, self.name.text(), self.county.text(),
                self.term.value(), self.start_year.value(), self.end_year.value())
        except ValidationFailed as exc:
            self.general_error.show_message("；".join(self.form.show_errors(exc.field_errors)))
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            return False
        self.accept()
        return True

    def start_demo(self) -> None:
        """Set up 青山镇 and fill it in the background; the dialog closes when it is done."""
        if not self.ensure_admin():
            return
        self.demo_running = True
        self.demo_button.setEnabled(False)
        self.ok_button.setEnabled(False)
        self.general_error.show_message("")
        run_operation(self, "正在建立示范乡镇…", lambda p: set_up_demo(self.ctx, p),
                      self._demo_done, self._demo_failed)

    def _demo_done(self, summary: str) -> None:
        self.demo_running = False
        self.demo_summary = summary
        self.accept()

    def _demo_failed(self, error: BaseException) -> None:
        self.demo_running = False
        self.demo_button.setEnabled(True)
        self.ok_button.setEnabled(True)
        if isinstance(error, Cancelled):
            self.general_error.show_message("已取消示范数据。可以重新打开示范乡镇，或填写本乡镇信息。")
            return
        messages.warn(self, "示范乡镇未能建立", error_text(error))

    def reject(self) -> None:
        if not self.demo_running:  # closing while the demo fills would leave half a township
            super().reject()
