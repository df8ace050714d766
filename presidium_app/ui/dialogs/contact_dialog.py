"""记录联系: one contact between a handling unit and the deputy who made a suggestion, before,
during or after handling (三访两见面: seed 000 §16 asks for at least two meetings, and the
township's rule for three visits). The dialog shows the tally so far, so staff see what is still
owed."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import ContactKind, ContactStage, SuggestionStatus
from presidium_app.services import handling_units, suggestion_list, suggestions
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.choices import enum_member
from presidium_app.ui.widgets.dates import DATE_FORMAT, from_qdate, to_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

S = SuggestionStatus


def default_stage(status: SuggestionStatus) -> ContactStage:
    """办理前 until referred, 办理中 while the unit handles it, 办理后 once replied."""
    if status == S.REGISTERED:
        return ContactStage.BEFORE
    if status == S.REFERRED:
        return ContactStage.DURING
    return ContactStage.AFTER


class ContactDialog(QDialog):
    """Record one contact; `save()` is what 保存 does and `contact_id` is set once saved."""

    def __init__(self, ctx: AppContext, suggestion_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = suggestion_list.load_detail(ctx.db, suggestion_id)
        self.contact_id: int | None = None
        self.setModal(True)
        self.setMinimumWidth(540)
        self.setWindowTitle(f"记录联系 — {self.detail.number}")
        detail = self.detail

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        heading = QLabel(f"{detail.number}　{detail.title}")
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.tally = QLabel(f"领衔代表：{detail.lead_deputy}　已记录：{detail.tally.text}")
        self.tally.setWordWrap(True)
        layout.addWidget(self.tally)
        explain = QLabel("办理前、办理中、办理后都应与代表联系沟通；走访和现场查看计入“三访”，"
                         "见面座谈计入“两见面”。")
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        layout.addWidget(explain)

        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(DATE_FORMAT)
        self.date.setDateRange(QDate(2000, 1, 1), to_qdate(dt.date.today() + dt.timedelta(days=1)))
        self.date.setDate(to_qdate(max(dt.date.today(), detail.submitted_on)))
        self.stage = QComboBox()
        for stage in ContactStage:
            self.stage.addItem(stage.label, stage.value)
        self.stage.setCurrentIndex(self.stage.findData(default_stage(detail.status).value))
        self.kind = QComboBox()
        for kind in ContactKind:
            self.kind.addItem(kind.label, kind.value)
        self.unit = QComboBox()
        self.unit.addItem("（未指定）", None)
        for unit in handling_units.list_units(ctx.db):
            self.unit.addItem(unit.name, unit.id)
        if detail.lead_unit_id is not None:
            index = self.unit.findData(detail.lead_unit_id)
            if index < 0:  # a unit deactivated since: still the one that handles it
                self.unit.addItem(detail.lead_unit, detail.lead_unit_id)
                index = self.unit.count() - 1
            self.unit.setCurrentIndex(index)
        self.people = QLineEdit()
        self.people.setMaxLength(200)
        self.people.setPlaceholderText("如：镇交通办李主任、张三丰代表")
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("沟通的内容和代表的意见")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(80)

        grid = QGridLayout()
        self.form = FieldForm(grid)
        self.form.add("contacted_on", "联系日期", self.date, 0, required=True)
        self.form.add("stage", "阶段", self.stage, 1, required=True)
        self.form.add("kind", "方式", self.kind, 2, required=True)
        self.form.add("unit_id", "承办单位", self.unit, 3)
        self.form.add("people", "参加人员", self.people, 4)
        self.form.add("note", "情况", self.note, 5)
        grid.setColumnMinimumWidth(0, 72)
        layout.addLayout(grid)

        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("保存（Ctrl+S）")
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        self.kind.setFocus()

    def set_values(self, on: dt.date, stage: ContactStage, kind: ContactKind, people: str = "",
                   note: str = "") -> None:
        self.date.setDate(to_qdate(on))
        self.stage.setCurrentIndex(self.stage.findData(stage.value))
        self.kind.setCurrentIndex(self.kind.findData(kind.value))
        self.people.setText(people)
        self.note.setPlainText(note)

    def error_text(self, name: str) -> str:
        return self.form.error_text(name) if name in self.form.errors else ""

    def save(self) -> bool:
        stage = enum_member(ContactStage, self.stage.currentData()) or ContactStage.DURING
        kind = enum_member(ContactKind, self.kind.currentData()) or ContactKind.VISIT
        try:
            self.contact_id = suggestions.add_contact(
                self.ctx.db, self.ctx.actor, self.detail.id, from_qdate(self.date.date()), stage, kind,
                self.unit.currentData(), self.people.text(), self.note.toPlainText())
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

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
            return
        super().keyPressEvent(event)
