"""One step of the handling flow (交办, 答复, 反馈, 回访, 不满意重办, 办结, 不予受理, 转信访,
承办单位退回): a small form with only the fields that step needs, the date defaulting to today.

The service decides what is allowed (`mailbox.apply_action`); its refusals appear under the
field concerned (ValidationFailed) or, when the item changed meanwhile (Conflict,
TransitionRefused), in a message box that says so. The form is opened with the item's version,
so a colleague's step taken in between is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import itertools

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import OpinionAction, OpinionStatus, Satisfaction
from presidium_app.services import handling_units, mailbox, settings
from presidium_app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from presidium_app.services.mailbox import TransitionRefused
from presidium_app.services.opinion_list import OpinionDetail, excerpt
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.choices import enum_member
from presidium_app.ui.widgets.dates import DATE_FORMAT, from_qdate, to_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

A = OpinionAction

REASONS: dict[OpinionAction, tuple[str, ...]] = {
    A.REJECT: ("已进入诉讼程序", "已进入仲裁程序", "已申请行政复议", "不属于人大工作职责范围"),
    A.REDIRECT: ("属于个人诉求，转信访部门依法办理",),
    A.UNIT_RETURN: ("不属于本单位职责，交办有误",),
}
NOTE_LABELS: dict[OpinionAction, tuple[str, str]] = {
    A.ASSIGN: ("交办说明", "对承办单位的要求（可不填）"),
    A.REPLY: ("答复内容", "承办单位答复的主要内容"),
    A.FEED_BACK: ("反馈情况", "如：电话告知反映人答复内容"),
    A.FOLLOW_UP: ("回访情况", "回访方式和反映人的意见"),
    A.REDO: ("不满意原因", "反映人不满意的地方，承办单位重新办理时参考"),
    A.CLOSE: ("备注", "可不填"),
    A.REJECT: ("备注", "可不填"),
    A.REDIRECT: ("备注", "如：已转镇信访办"),
    A.UNIT_RETURN: ("备注", "如：建议改交某单位"),
}
DATE_LABELS: dict[OpinionAction, str] = {
    A.ASSIGN: "交办日期", A.REPLY: "答复日期", A.FEED_BACK: "反馈日期", A.FOLLOW_UP: "回访日期",
    A.REDO: "退回日期", A.CLOSE: "办结日期", A.REJECT: "日期", A.REDIRECT: "转办日期",
    A.UNIT_RETURN: "退回日期",
}
REASON_ACTIONS = frozenset(REASONS)
DEADLINE_SETTINGS = {A.ASSIGN: "deadlines.opinion_days", A.REDO: "deadlines.redo_days"}
FOLLOW_UP_CHOICES = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 31))
    return edit


class OpinionActionDialog(QDialog):
    """Take `action` on the item `detail` describes. `save()` is what 确定 does: True, and the
    dialog accepted, when the service took the step; `new_status` is where the item stands."""

    def __init__(self, ctx: AppContext, detail: OpinionDetail, action: OpinionAction,
                 parent: QWidget | None = None, on: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.action = action
        self.opinion_id = detail.id
        self.version = detail.version
        self.new_status: OpinionStatus | None = None
        self._deadline_auto = True
        self.setWindowTitle(f"{action.label} — {detail.number}")
        self.setModal(True)
        self.setMinimumWidth(560)
        self._build(on or dt.date.today())

    # -- building ---------------------------------------------------------------------------
    def _build(self, on: dt.date) -> None:
        action = self.action
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        target = mailbox.TRANSITIONS.get((self.detail.status, action))
        heading = QLabel(f"{self.detail.number}　{action.label}")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        about = QLabel(f"{excerpt(self.detail.content, 80)}\n状态：{self.detail.status.label}"
                       + (f" → {target.label}" if target else ""))
        about.setObjectName("hint")
        about.setWordWrap(True)
        layout.addWidget(about)

        grid = QGridLayout()
        self.form = FieldForm(grid)
        f = self.form
        row = itertools.count()
        order: list[QWidget] = []
        last = max((e.at for e in self.detail.events), default=self.detail.received_on)
        self.on = _date_edit()
        self.on.setMinimumDate(to_qdate(last))
        self.on.setDate(to_qdate(max(on, last)))
        self.on.setToolTip(f"不能早于上一步的日期（{last.isoformat()}）")
        f.add("on", DATE_LABELS.get(action, "日期"), self.on, next(row), required=True)
        order.append(self.on)

        self.lead_unit: QComboBox | None = None
        self.assisting: QListWidget | None = None
        self.deadline: QDateEdit | None = None
        self.reason: QComboBox | None = None
        self.satisfaction: QComboBox | None = None
        if action == A.ASSIGN:
            units = handling_units.list_units(self.ctx.db)
            self.lead_unit = QComboBox()
            self.lead_unit.addItem("（请选择主办单位）", None)
            for unit in units:
                self.lead_unit.addItem(unit.name, unit.id)
            self.lead_unit.setMaxVisibleItems(20)
            f.add("lead_unit_id", "主办单位", self.lead_unit, next(row), required=True)
            self.assisting = QListWidget()
            self.assisting.setToolTip("勾选需要配合办理的单位（空格键勾选），可不选")
            for unit in units:
                item = QListWidgetItem(unit.name)
                item.setData(Qt.ItemDataRole.UserRole, unit.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.assisting.addItem(item)
            self.assisting.setFixedHeight(min(150, 28 * max(len(units), 2) + 6))
            f.add("assisting_unit_ids", "协办单位", self.assisting, next(row))
            self.lead_unit.currentIndexChanged.connect(self._lead_changed)
            order += [self.lead_unit, self.assisting]
            if not units:
                f.errors["lead_unit_id"].show_message(
                    "还没有承办单位：请先在“设置”中添加镇直部门、村（社区）等承办单位。")
        if action in DEADLINE_SETTINGS:
            self.deadline = _date_edit()
            days = int(settings.get(self.ctx.db, DEADLINE_SETTINGS[action]))
            self._deadline_days = days
            self.deadline.setToolTip(f"默认为{DATE_LABELS[action]}后 {days} 天（可在设置中修改）")
            f.add("deadline", "办理期限" if action == A.ASSIGN else "新的办理期限", self.deadline,
                  next(row), required=True)
            self._follow_date()
            self.deadline.dateChanged.connect(self._deadline_edited)
            self.on.dateChanged.connect(lambda _d: self._follow_date())
            order.append(self.deadline)
        if action in REASON_ACTIONS:
            self.reason = QComboBox()
            self.reason.setEditable(True)
            self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            self.reason.addItems(REASONS[action])
            self.reason.setCurrentIndex(-1)
            self.reason.setEditText("")
            line = self.reason.lineEdit()
            if line is not None:
                line.setPlaceholderText("选择或输入理由")
                line.setMaxLength(500)
            f.add("reason", "理由", self.reason, next(row), required=True)
            order.append(self.reason)
            if action == A.UNIT_RETURN:
                assigned = [e.at for e in self.detail.events if e.action == A.ASSIGN]
                if assigned:
                    due = mailbox.return_due(self.ctx.db, assigned[-1])
                    hint = QLabel(f"交办有误的，承办单位应在 {due.isoformat()} 前退回。")
                    hint.setObjectName("hint")
                    grid.addWidget(hint, next(row), 1)
        if action in (A.FOLLOW_UP, A.REDO):
            self.satisfaction = QComboBox()
            if action == A.FOLLOW_UP:
                self.satisfaction.addItem("（请选择）", None)
                for choice in FOLLOW_UP_CHOICES:
                    self.satisfaction.addItem(choice.label, choice.value)
            else:
                self.satisfaction.addItem(Satisfaction.DISSATISFIED.label,
                                          Satisfaction.DISSATISFIED.value)
                self.satisfaction.setEnabled(False)
            f.add("satisfaction", "满意度", self.satisfaction, next(row), required=True)
            order.append(self.satisfaction)
            if action == A.FOLLOW_UP:
                hint = QLabel("反映人不满意的，请关闭本窗口，点“不满意重办”退回承办单位。")
                hint.setObjectName("hint")
                hint.setWordWrap(True)
                grid.addWidget(hint, next(row), 1)
        label, placeholder = NOTE_LABELS.get(action, ("备注", ""))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(placeholder)
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(110 if action == A.REPLY else 70)
        f.add("note", label, self.note, next(row))
        order.append(self.note)
        grid.setColumnMinimumWidth(0, 76)
        layout.addLayout(grid)

        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(action.label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.ok_button.setToolTip(f"{action.label}（Ctrl+S 或 Ctrl+Enter）")
        self.ok_button.setDefault(True)
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setToolTip("不办理，关闭（Esc）")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(buttons)
        layout.addLayout(footer)
        order += [self.ok_button, self.cancel_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        for keys in (QKeySequence.StandardKey.Save, "Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)
        order[1].setFocus()  # the step's own field; the date is usually today's

    # -- reactions --------------------------------------------------------------------------
    def _follow_date(self) -> None:
        """The deadline follows the date (date + the settings' days) until the user sets it."""
        if self.deadline is None or not self._deadline_auto:
            return
        due = from_qdate(self.on.date()) + dt.timedelta(days=self._deadline_days)
        self.deadline.blockSignals(True)
        self.deadline.setDate(to_qdate(due))
        self.deadline.blockSignals(False)

    def _deadline_edited(self, _date: QDate) -> None:
        self._deadline_auto = False

    def _lead_changed(self) -> None:
        """The lead unit cannot also assist: its line leaves the assisting list."""
        if self.lead_unit is None or self.assisting is None:
            return
        lead = self.lead_unit.currentData()
        for index in range(self.assisting.count()):
            item = self.assisting.item(index)
            is_lead = item.data(Qt.ItemDataRole.UserRole) == lead
            if is_lead:
                item.setCheckState(Qt.CheckState.Unchecked)
            item.setHidden(is_lead)

    # -- values -----------------------------------------------------------------------------
    def set_assisting(self, unit_ids: list[int]) -> None:
        """Tick these assisting units (for callers and tests)."""
        if self.assisting is None:
            return
        for index in range(self.assisting.count()):
            item = self.assisting.item(index)
            ticked = item.data(Qt.ItemDataRole.UserRole) in unit_ids
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def assisting_ids(self) -> list[int]:
        if self.assisting is None:
            return []
        return [int(self.assisting.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.assisting.count())
                if self.assisting.item(i).checkState() == Qt.CheckState.Checked
                and not self.assisting.item(i).isHidden()]

    def set_deadline(self, value: dt.date) -> None:
        if self.deadline is not None:
            self.deadline.setDate(to_qdate(value))

    def error_text(self, field: str) -> str:
        return self.form.error_text(field) if field in self.form.errors else ""

    def show_errors(self, field_errors: dict[str, str]) -> None:
        unplaced = self.form.show_errors(field_errors)
        self.general_error.show_message("；".join(unplaced))

    def save(self) -> bool:
        lead = self.lead_unit.currentData() if self.lead_unit is not None else None
        satisfaction = (enum_member(Satisfaction, self.satisfaction.currentData())
                        if self.satisfaction is not None else None)
        try:
            self.new_status = mailbox.apply_action(
                self.ctx.db, self.ctx.actor, self.opinion_id, self.action,
                from_qdate(self.on.date()),
                note=self.note.toPlainText(),
                lead_unit_id=int(lead) if lead is not None else None,
                assisting_unit_ids=self.assisting_ids(),
                deadline=from_qdate(self.deadline.date()) if self.deadline is not None else None,
                satisfaction=satisfaction,
                reason=self.reason.currentText() if self.reason is not None else "",
                version=self.version,
            )
        except ValidationFailed as exc:
            self.show_errors(exc.field_errors)
            return False
        except (Conflict, TransitionRefused, NotFound) as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, f"未能{self.action.label}", exc.message,
                          "这条意见可能已被同事办理。请关闭本窗口，在列表中查看最新状态后再办理。")
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, f"未能{self.action.label}", exc.message)
            return False
        self.show_errors({})
        self.accept()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter confirms, except in the note (new line) and the unit list (ticks)."""
        focus = self.focusWidget()
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not isinstance(focus, QPlainTextEdit) and focus is not self.assisting):
            self.save()
            return
        super().keyPressEvent(event)
