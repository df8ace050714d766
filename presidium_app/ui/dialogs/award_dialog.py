"""添加表彰奖励: part 8 of the performance archive is the one part typed by hand, because honours
come from outside the township's records (a county commendation, a city title)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import awards
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.dates import from_qdate, to_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm


class AwardDialog(QDialog):
    """Record one honour of one deputy; `save()` is what 确定 does, `saved_id` the new record."""

    def __init__(self, ctx: AppContext, deputy_id: int, deputy_name: str,
                 parent: QWidget | None = None, awarded_on: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.deputy_id = deputy_id
        self.saved_id: int | None = None
        self.setWindowTitle("添加表彰奖励")
        self.setModal(True)
        self.setMinimumWidth(500)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        heading = QLabel(f"{deputy_name} 获得的表彰奖励")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        explain = QLabel("记入履职档案的“表彰奖励”部分。其他各部分都由活动记录自动生成，不需要另外录入。")
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        layout.addWidget(explain)

        self.awarded_on = QDateEdit()
        self.awarded_on.setCalendarPopup(True)
        self.awarded_on.setDisplayFormat("yyyy-MM-dd")
        self.awarded_on.setMinimumDate(QDate(1949, 10, 1))
        self.awarded_on.setMaximumDate(QDate.currentDate())
        self.awarded_on.setDate(to_qdate(min(awarded_on or dt.date.today(), dt.date.today())))
        self.title = QLineEdit()
        self.title.setMaxLength(200)
        self.title.setPlaceholderText("如：优秀人大代表、履职积极分子")
        self.issuer = QLineEdit()
        self.issuer.setMaxLength(120)
        self.issuer.setPlaceholderText("如：临川县人大常委会")
        grid = QGridLayout()
        self.form = FieldForm(grid)
        self.form.add("awarded_on", "获奖日期", self.awarded_on, 0, required=True)
        self.form.add("title", "表彰名称", self.title, 1, required=True)
        self.form.add("issuer", "授予单位", self.issuer, 2)
        grid.setColumnMinimumWidth(0, 72)
        layout.addLayout(grid)

        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(True)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        self.title.setFocus()

    def chosen_date(self) -> dt.date:
        return from_qdate(self.awarded_on.date())

    def error_text(self, name: str) -> str:
        return self.form.error_text(name)

    def save(self) -> bool:
        try:
            self.saved_id = awards.add_award(self.ctx.db, self.ctx.actor, self.deputy_id,
                                             self.chosen_date(), self.title.text(),
                                             self.issuer.text())
        except ValidationFailed as exc:
            unplaced = self.form.show_errors(exc.field_errors)
            self.general_error.show_message("；".join(unplaced))
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message)
            return False
        self.accept()
        return True
