"""One step of a suggestion's handling (交办, 承办单位退回, 答复, 代表测评, 不满意重办, 办结): a small
form with only what the step needs, the date defaulting to today. Deadlines default from the
settings (a reply within 3 months of referral, re-handling within 1 month) and follow the date
until the user sets one. The version the dialog was opened with goes to the service, so a step a
colleague took meanwhile is not silently overtaken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import ResultClass, Satisfaction, SuggestionAction, SuggestionStatus
from presidium_app.services import handling_units, mailbox, settings, suggestion_list, suggestions, workdays
from presidium_app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.dates import DATE_FORMAT, from_qdate, to_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

A = SuggestionAction
MAX_REPLY_MONTHS = 6  # DOMAIN.md §5: a reply within 3 months, at most 6

TITLES = {
    A.REFER: "交办代表建议",
    A.UNIT_RETURN: "承办单位退回",
    A.REPLY: "登记答复",
    A.RATE: "代表测评",
    A.REDO: "不满意重办",
    A.CLOSE: "办结",
}
EXPLANATIONS = {
    A.REFER: "选择主办单位（可加协办单位）和答复期限。协办单位应在一个月内把意见交主办单位。",
    A.UNIT_RETURN: "承办单位认为不属本单位职责、交办有误时退回，建议回到“待交办”，可重新交办。",
    A.REPLY: "登记承办单位的答复和办理结果分类，之后请代表测评满意度。",
    A.RATE: "代表对办理结果满意或基本满意时在这里登记；代表不满意时请改用“不满意重办”。",
    A.REDO: "代表不满意：退回承办单位重新办理，并设定新的期限（默认一个月）。",
    A.CLOSE: "代表已测评，办结后不再办理。",
}
NOTE_CAPTIONS = {
    A.REFER: ("交办意见", "如：请会同镇财政所实地查看后答复"),
    A.UNIT_RETURN: ("", ""),
    A.REPLY: ("答复内容", "承办单位答复的主要内容"),
    A.RATE: ("代表意见", "代表对办理工作的评价（可不填）"),
    A.REDO: ("代表意见", "代表不满意的原因和要求"),
    A.CLOSE: ("备注", "可不填"),
}
RESULT_TIPS = {
    ResultClass.SOLVED: "建议所提问题已经解决",
    ResultClass.BEING_SOLVED: "正在解决，已有具体办法和时限",
    ResultClass.PLANNED: "列入计划，条件具备时解决",
    ResultClass.FOR_REFERENCE: "因条件限制暂时不能解决，留作参考",
}


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 31))
    return edit


class SuggestionActionDialog(QDialog):
    """Take `action` on one suggestion. `save()` is what 确定 does; `new_status` is set when the
    service took the step."""

    def __init__(self, ctx: AppContext, suggestion_id: int, action: SuggestionAction,
                 parent: QWidget | None = None, on: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.action = action
        self.detail = suggestion_list.load_detail(ctx.db, suggestion_id)
        self.new_status: SuggestionStatus | None = None
        self._values = settings.get_all(ctx.db)
        self._deadline_auto = True
        self.setModal(True)
        self.setMinimumWidth(560)
        self.setWindowTitle(f"{TITLES[action]} — {self.detail.number}")
        self._build()
        self.date.setDate(to_qdate(on or max(dt.date.today(), self.detail.last_step_on)))
        self._date_changed()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        detail, action = self.detail, self.action
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        heading = QLabel(f"{detail.number}　{detail.title}")
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        state = QLabel(f"当前状态：<b>{detail.status.label}</b>　领衔代表：{detail.lead_deputy}"
                       + (f"　主办单位：{detail.lead_unit}" if detail.lead_unit else ""))
        state.setWordWrap(True)
        layout.addWidget(state)
        explain = QLabel(EXPLANATIONS[action])
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        layout.addWidget(explain)

        grid = QGridLayout()
        self.form = FieldForm(grid)
        row = 0
        self.date = _date_edit()
        self.date.setToolTip("办理这一步的日期，不能早于上一步")
        self.form.add("on", "办理日期", self.date, row, required=True)
        row += 1
        self.lead_unit: QComboBox | None = None
        self.assisting: QListWidget | None = None
        self.deadline: QDateEdit | None = None
        self.deadline_hint = QLabel()
        self.deadline_hint.setObjectName("hint")
        self.reason: QLineEdit | None = None
        self.note: QPlainTextEdit | None = None
        self.result_group: QButtonGroup | None = None
        self.result_buttons: dict[ResultClass, QRadioButton] = {}
        self.satisfaction_group: QButtonGroup | None = None
        self.satisfaction_buttons: dict[Satisfaction, QRadioButton] = {}

        if action == A.REFER:
            units = handling_units.list_units(self.ctx.db)
            self.lead_unit = QComboBox()
            self.lead_unit.addItem("（请选择）", None)
            for unit in units:
                self.lead_unit.addItem(unit.name, unit.id)
            self.lead_unit.setMaxVisibleItems(20)
            self.form.add("lead_unit_id", "主办单位", self.lead_unit, row, required=True)
            row += 1
            self.assisting = QListWidget()
            self.assisting.setToolTip("勾选协办单位（可不选）；空格或点击勾选")
            for unit in units:
                item = QListWidgetItem(unit.name)
                item.setData(Qt.ItemDataRole.UserRole, unit.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.assisting.addItem(item)
            lines = min(max(len(units), 3), 6)
            self.assisting.setFixedHeight(lines * (self.assisting.fontMetrics().height() + 12) + 6)
            self.form.add("assisting_unit_ids", "协办单位", self.assisting, row)
            row += 1
            self.lead_unit.currentIndexChanged.connect(self._lead_unit_changed)
            if not units:
                explain.setText(explain.text() + "\n还没有承办单位：请先在“设置”中添加承办单位。")
        if action in (A.REFER, A.REDO):
            self.deadline = _date_edit()
            self.deadline.dateChanged.connect(self._deadline_edited)
            box = QWidget()
            line = QHBoxLayout(box)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(self.deadline)
            line.addWidget(self.deadline_hint, 1)
            self.form.add("deadline", "答复期限" if action == A.REFER else "重办期限", box, row,
                          required=True)
            self.form.widgets["deadline"] = self.deadline
            row += 1
        if action == A.UNIT_RETURN:
            self.reason = QLineEdit()
            self.reason.setMaxLength(500)
            self.reason.setPlaceholderText("如：不属本单位职责，建议交镇农业农村办")
            self.form.add("reason", "退回理由", self.reason, row, required=True)
            refer = next((e for e in reversed(detail.events) if e.action == A.REFER), None)
            if refer is not None:
                due = mailbox.return_due(self.ctx.db, refer.at)
                note = QLabel(f"{refer.at.isoformat()} 交办；交办有误的应在 {due.isoformat()} 前退回。")
                note.setObjectName("hint")
                row += 1
                grid.addWidget(note, row, 1)
            row += 1
        if action == A.REPLY:
            self.result_group, box = self._radios(
                [(r, f"&{r.letter} {r.label}", RESULT_TIPS[r]) for r in ResultClass],
                self.result_buttons)
            self.form.add("result_class", "办理结果", box, row, required=True)
            row += 1
        if action == A.RATE:
            choices = [(s, f"{s.label}", "") for s in Satisfaction if s != Satisfaction.DISSATISFIED]
            self.satisfaction_group, box = self._radios(choices, self.satisfaction_buttons)
            self.form.add("satisfaction", "代表满意度", box, row, required=True)
            row += 1
        caption, placeholder = NOTE_CAPTIONS[action]
        if caption:
            self.note = QPlainTextEdit()
            self.note.setPlaceholderText(placeholder)
            self.note.setTabChangesFocus(True)
            self.note.setFixedHeight(110 if action == A.REPLY else 72)
            self.form.add("note", caption, self.note, row, required=action == A.REPLY)
            row += 1
        grid.setColumnMinimumWidth(0, 80)
        layout.addLayout(grid)
        layout.addStretch(1)

        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(TITLES[action] if action != A.REPLY else "登记答复",
                                           QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.ok_button.setDefault(True)
        self.ok_button.setToolTip("确定（Ctrl+S）")
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        self.date.dateChanged.connect(lambda _d: self._date_changed())

    def _radios(self, choices: Sequence[tuple[Any, str, str]],
                buttons: dict[Any, QRadioButton]) -> tuple[QButtonGroup, QWidget]:
        group = QButtonGroup(self)
        box = QWidget()
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(14)
        for member, text, tip in choices:
            radio = QRadioButton(text)
            if tip:
                radio.setToolTip(tip)
            group.addButton(radio)
            buttons[member] = radio
            line.addWidget(radio)
        line.addStretch(1)
        return group, box

    # -- reactions --------------------------------------------------------------------------
    def _date(self) -> dt.date:
        return from_qdate(self.date.date())

    def default_deadline(self, on: dt.date) -> dt.date:
        if self.action == A.REFER:
            return workdays.add_months(on, int(self._values["deadlines.suggestion_months"]))
        return workdays.add_months(on, int(self._values["deadlines.suggestion_redo_months"]))

    def _date_changed(self) -> None:
        if self.deadline is None:
            return
        on = self._date()
        if self._deadline_auto:
            self.deadline.blockSignals(True)
            self.deadline.setDate(to_qdate(self.default_deadline(on)))
            self.deadline.blockSignals(False)
        if self.action == A.REFER:
            months = int(self._values["deadlines.suggestion_months"])
            latest = workdays.add_months(on, MAX_REPLY_MONTHS)
            self.deadline_hint.setText(f"默认交办后{months}个月，最迟 {latest.isoformat()}")
        else:
            self.deadline_hint.setText("默认一个月内重新办理并答复")

    def _deadline_edited(self) -> None:
        self._deadline_auto = False

    def _lead_unit_changed(self) -> None:
        """The lead unit is not offered as an assisting unit too."""
        if self.lead_unit is None or self.assisting is None:
            return
        lead = self.lead_unit.currentData()
        for row in range(self.assisting.count()):
            item = self.assisting.item(row)
            is_lead = item.data(Qt.ItemDataRole.UserRole) == lead
            if is_lead:
                item.setCheckState(Qt.CheckState.Unchecked)
            item.setHidden(is_lead)

    # -- values (also for tests) ------------------------------------------------------------
    def set_lead_unit(self, unit_id: int) -> None:
        assert self.lead_unit is not None
        self.lead_unit.setCurrentIndex(self.lead_unit.findData(unit_id))

    def set_assisting(self, unit_ids: list[int]) -> None:
        assert self.assisting is not None
        for row in range(self.assisting.count()):
            item = self.assisting.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in unit_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def assisting_ids(self) -> list[int]:
        if self.assisting is None:
            return []
        return [int(self.assisting.item(r).data(Qt.ItemDataRole.UserRole))
                for r in range(self.assisting.count())
                if self.assisting.item(r).checkState() == Qt.CheckState.Checked]

    def chosen_result(self) -> ResultClass | None:
        return next((r for r, b in self.result_buttons.items() if b.isChecked()), None)

    def chosen_satisfaction(self) -> Satisfaction | None:
        return next((s for s, b in self.satisfaction_buttons.items() if b.isChecked()), None)

    def error_text(self, name: str) -> str:
        return self.form.error_text(name) if name in self.form.errors else ""

    # -- saving -----------------------------------------------------------------------------
    def save(self) -> bool:
        action = self.action
        kwargs: dict[str, object] = {}
        if self.lead_unit is not None:
            kwargs["lead_unit_id"] = self.lead_unit.currentData()
            kwargs["assisting_unit_ids"] = self.assisting_ids()
        if self.deadline is not None:
            kwargs["deadline"] = from_qdate(self.deadline.date())
        try:
            self.new_status = suggestions.apply_action(
                self.ctx.db, self.ctx.actor, self.detail.id, action, self._date(),
                note=self.note.toPlainText() if self.note is not None else "",
                reason=self.reason.text() if self.reason is not None else "",
                result_class=self.chosen_result(), satisfaction=self.chosen_satisfaction(),
                version=self.detail.version,
                **kwargs,  # type: ignore[arg-type]
            )
        except ValidationFailed as exc:
            unplaced = self.form.show_errors(exc.field_errors)
            self.general_error.show_message("；".join(unplaced))
            return False
        except (Conflict, NotFound) as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能办理", exc.message, "请关闭窗口，看一下这条建议现在的状态后再办理。")
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能办理", exc.message)
            return False
        self.accept()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter confirms from any field but the long text (where it starts a new line) and the
        list of assisting units (where it ticks)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            if focus is not None and focus is self.assisting:
                item = self.assisting.currentItem()
                if item is not None:
                    item.setCheckState(Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked
                                       else Qt.CheckState.Checked)
                event.accept()
                return
            self.save()
            return
        super().keyPressEvent(event)
