"""状态变动: a deputy leaves (辞职, 罢免, 调离, 去世, 终止) or returns to 在任. The change and its
date and reason go into the mandate's history, which is never overwritten."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import DeputyStatus
from presidium_app.domain.validators import format_date
from presidium_app.services import deputies
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.choices import enum_member
from presidium_app.ui.widgets.dates import from_qdate, to_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

REASON_HINTS = {
    DeputyStatus.RESIGNED: "如：本人书面提出辞去代表职务，经主席团接受",
    DeputyStatus.RECALLED: "如：经原选区选民依法罢免",
    DeputyStatus.TRANSFERRED: "如：工作调动，迁出本行政区域",
    DeputyStatus.DECEASED: "如：因病去世",
    DeputyStatus.TERMINATED: "如：依法终止代表资格的情形",
    DeputyStatus.SERVING: "如：更正误登记的离任信息",
}


class StatusDialog(QDialog):
    """Record a status change of one mandate; `save()` is what 确定 does."""

    def __init__(self, ctx: AppContext, mandate_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record = deputies.get_deputy(ctx.db, mandate_id)
        self.setWindowTitle("代表状态变动")
        self.setModal(True)
        self.setMinimumWidth(520)
        current = self.record.data.status

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        heading = QLabel(f"{self.record.data.name}（{self.record.term_name}）"
                         f"　当前状态：<b>{current.label}</b>")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        explain = QLabel("代表离任时在这里登记，原记录和履职情况会保留；"
                         "届中补选产生的新代表，请用“新增”录入并勾选“补选产生”。")
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        layout.addWidget(explain)

        self.status = QComboBox()
        for status in DeputyStatus:
            if status != current:
                label = "恢复在任" if status == DeputyStatus.SERVING else status.label
                self.status.addItem(label, status.value)  # Qt keeps str subclasses as plain str
        self.changed_on = QDateEdit()
        self.changed_on.setCalendarPopup(True)
        self.changed_on.setDisplayFormat("yyyy-MM-dd")
        self.changed_on.setMaximumDate(QDate.currentDate())
        if self.record.data.elected_on:
            self.changed_on.setMinimumDate(to_qdate(self.record.data.elected_on))
        self.changed_on.setDate(QDate.currentDate())
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        grid = QGridLayout()
        self.form = FieldForm(grid)
        self.form.add("status", "变动为", self.status, 0, required=True)
        self.form.add("changed_on", "变动日期", self.changed_on, 1, required=True)
        self.form.add("reason", "原因", self.reason, 2)
        grid.setColumnMinimumWidth(0, 72)
        layout.addLayout(grid)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._status_changed()

        history = self.record.history
        if history:
            lines = [f"{format_date(e.changed_on)}　{e.old_status.label if e.old_status else '—'}"
                     f" → {e.new_status.label}　{e.reason}" for e in history[-4:]]
            past = QLabel("以往变动：<br>" + "<br>".join(lines))
            past.setObjectName("hint")
            past.setWordWrap(True)
            layout.addWidget(past)

        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        ok = buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("primary")
        ok.setDefault(True)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

    def _status_changed(self) -> None:
        self.reason.setPlaceholderText(REASON_HINTS.get(self.chosen_status(), ""))

    def chosen_status(self) -> DeputyStatus:
        status = enum_member(DeputyStatus, self.status.currentData())
        assert status is not None  # every choice is a status
        return status

    def set_values(self, status: DeputyStatus, changed_on: dt.date, reason: str) -> None:
        self.status.setCurrentIndex(self.status.findData(status.value))
        self.changed_on.setDate(to_qdate(changed_on))
        self.reason.setText(reason)

    def save(self) -> bool:
        try:
            deputies.change_status(
                self.ctx.db, self.ctx.actor, self.record.mandate_id, self.chosen_status(),
                from_qdate(self.changed_on.date()), self.reason.text(),
                mandate_version=self.record.mandate_version)
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
