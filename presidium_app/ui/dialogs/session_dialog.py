"""新增/修改培训场次: one session of an annual plan. The month is always known when the plan is
written; the exact day often only later, so 具体日期 may stay empty. The service validates;
mistakes appear in red under their field and everything typed stays."""

from __future__ import annotations

import datetime as dt
import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import TrainingForm
from presidium_app.services import training
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.services.training import SessionInput, SessionRecord
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.choices import enum_member
from presidium_app.ui.widgets.dates import OptionalDateEdit, to_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

AUDIENCES = ("全体镇人大代表", "新当选和补选代表", "各代表小组组长", "各代表小组组长及部分代表",
             "驻镇县人大代表和镇人大代表")


def _line(limit: int, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(limit)
    edit.setPlaceholderText(placeholder)
    return edit


class SessionDialog(QDialog):
    """Add (session=None) or edit one session of the plan of `year`; `save()` is what 保存 does."""

    def __init__(self, ctx: AppContext, plan_id: int, year: int,
                 session: SessionRecord | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan_id = plan_id
        self.year = year
        self.session = session
        self.saved_session_id: int | None = None
        self.setWindowTitle("修改培训场次" if session else "新增培训场次")
        self.setModal(True)
        self.setMinimumWidth(640)
        self._build()
        if session is not None:
            self._fill(session.data)
        else:
            self._suggest_month()
        self.topic.setFocus()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.month = QComboBox()
        for month in range(1, 13):
            self.month.addItem(f"{month}月", month)
        self.planned_date = OptionalDateEdit(dt.date(self.year, 1, 1))
        self.planned_date.edit.setMaximumDate(to_qdate(dt.date(self.year, 12, 31)))
        self.planned_date.setToolTip("日子定下来后再填；填了日期，计划月份按日期计")
        when = QWidget()
        when_row = QHBoxLayout(when)
        when_row.setContentsMargins(0, 0, 0, 0)
        when_row.setSpacing(8)
        year_label = QLabel(f"{self.year}年")
        when_row.addWidget(year_label)
        when_row.addWidget(self.month)
        when_row.addStretch(1)
        when.setFocusProxy(self.month)

        self.topic = _line(200, "如：宪法和代表法学习")
        self.form_combo = QComboBox()
        for form in TrainingForm:
            self.form_combo.addItem(form.label, form.value)  # Qt keeps str subclasses as plain str
        self.speaker = _line(80, "如：县人大常委会代表工委负责同志")
        self.place = _line(120, "如：镇人民政府三楼会议室")
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, training.MAX_HOURS)
        self.hours.setSingleStep(0.5)
        self.hours.setDecimals(1)
        self.hours.setSuffix(" 学时")
        self.hours.setValue(2.0)
        self.hours.setToolTip("按半个学时增减；一个上午的集中授课一般记3学时")
        self.audience = QComboBox()
        self.audience.setEditable(True)
        self.audience.addItems(list(AUDIENCES))
        self.audience.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        grid = QGridLayout()
        self.form = FieldForm(grid, columns=2)
        f = self.form
        f.add("planned_month", "计划月份", when, 0, 0, required=True)
        f.add("planned_date", "具体日期", self.planned_date, 0, 1)
        f.add("topic", "主题", self.topic, 1, 0, span=2, required=True)
        f.add("form", "形式", self.form_combo, 2, 0, required=True)
        f.add("hours", "学时", self.hours, 2, 1)
        f.add("speaker", "主讲人", self.speaker, 3, 0, span=2)
        f.add("place", "地点", self.place, 4, 0, span=2)
        f.add("audience", "培训对象", self.audience, 5, 0, span=2)
        grid.setColumnMinimumWidth(0, 72)
        grid.setColumnMinimumWidth(2, 72)
        layout.addLayout(grid)
        hint = QLabel("具体日期可以先空着，定下来后再修改。举办后请在列表中点“举办本场…”登记出勤。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(1)

        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.setDefault(True)
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setToolTip("不保存，关闭（Esc）")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        required = QLabel("带 <span style='color:#b42318'>*</span> 的为必填项")
        required.setObjectName("hint")
        footer = QHBoxLayout()
        footer.addWidget(required)
        footer.addStretch(1)
        footer.addWidget(buttons)
        layout.addLayout(footer)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

        self.planned_date.changed.connect(self._date_changed)
        self.month.currentIndexChanged.connect(self._month_changed)
        order: list[QWidget] = [
            self.month, self.planned_date.edit, self.topic, self.form_combo, self.hours,
            self.speaker, self.place, self.audience, self.save_button, cancel]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def _suggest_month(self) -> None:
        """A new session of this year's plan starts at the current month, else at January."""
        today = dt.date.today()
        self.month.setCurrentIndex(today.month - 1 if today.year == self.year else 0)

    # -- values -----------------------------------------------------------------------------
    def _fill(self, data: SessionInput) -> None:
        self.month.setCurrentIndex(data.planned_month - 1)
        self.planned_date.setValue(data.planned_date)
        self.topic.setText(data.topic)
        self.form_combo.setCurrentIndex(max(0, self.form_combo.findData(data.form.value)))
        self.speaker.setText(data.speaker)
        self.place.setText(data.place)
        self.hours.setValue(data.hours)
        self.audience.setCurrentText(data.audience)

    def _date_changed(self) -> None:
        """A date fixes the month: the combo follows it, so the two never disagree."""
        day = self.planned_date.value()
        if day is not None and day.year == self.year and self.month.currentIndex() != day.month - 1:
            self.month.setCurrentIndex(day.month - 1)

    def _month_changed(self) -> None:
        """The calendar opens in the chosen month; a date in another month no longer fits."""
        month = int(self.month.currentData())
        self.planned_date.set_start(dt.date(self.year, month, 1))
        day = self.planned_date.value()
        if day is not None and day.month != month:
            self.planned_date.clear()

    def collect(self) -> SessionInput:
        """What the form says now (the service validates)."""
        form = enum_member(TrainingForm, self.form_combo.currentData())
        return SessionInput(
            planned_month=int(self.month.currentData()),
            planned_date=self.planned_date.value(),
            topic=self.topic.text(),
            form=form or TrainingForm.LECTURE,
            speaker=self.speaker.text(),
            place=self.place.text(),
            hours=self.hours.value(),
            audience=self.audience.currentText(),
        )

    # -- saving -----------------------------------------------------------------------------
    def save(self) -> bool:
        data = self.collect()
        try:
            if self.session is None:
                self.saved_session_id = training.add_session(
                    self.ctx.db, self.ctx.actor, self.plan_id, data)
            else:
                training.update_session(self.ctx.db, self.ctx.actor, self.session.id, data,
                                        self.session.version)
                self.saved_session_id = self.session.id
        except ValidationFailed as exc:
            unplaced = self.form.show_errors(exc.field_errors)
            placed = len(exc.field_errors) - len(unplaced)
            advice = [f"请改正红字标出的 {placed} 处后再保存。"] if placed else []
            self.general_error.show_message("；".join([*unplaced, *advice]))
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message)
            return False
        self.accept()
        return True

    def error_text(self, field: str) -> str:
        """The message shown under a field ("" when none): for tests and screenshots."""
        return self.form.error_text(field) if field in self.form.errors else ""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter saves from any field."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
            return
        super().keyPressEvent(event)
