"""登记社情民意: one item from any channel (来访, 电话, 微信, 网络, 代表转交, or a single letter).
The service numbers it (2026-0042) and validates; mistakes appear in red under the field and
the dialog stays open with everything typed still there.

The submitter's fields and the village/category lists are shared with the stack entry of a box
opening (opening_dialog.py), so both forms behave alike.
"""

from __future__ import annotations

import datetime as dt
import itertools

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import Channel
from presidium_app.services import mailbox
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.services.mailbox import OpinionInput, SubmitterInput
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.pages.activities import DeputyPicker  # the activities' name/pinyin picker
from presidium_app.ui.widgets.choices import enum_member
from presidium_app.ui.widgets.dates import DATE_FORMAT, from_qdate, to_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

CONTENT_PLACEHOLDER = "群众反映的问题和诉求，照原意记录"


def date_edit(on: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setDateRange(QDate(2000, 1, 1), to_qdate(dt.date.today() + dt.timedelta(days=366)))
    edit.setDate(to_qdate(on or dt.date.today()))
    return edit


def choice_combo(ctx: AppContext, kind: str, placeholder: str) -> QComboBox:
    """An editable combo over the township's list (村（社区） or 类别): pick, or type a new one."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(mailbox.list_choices(ctx.db, kind))
    combo.setCurrentIndex(-1)
    combo.setEditText("")
    line = combo.lineEdit()
    if line is not None:
        line.setPlaceholderText(placeholder)
        line.setMaxLength(60)
    combo.setToolTip("从列表中选择，也可以直接输入列表中没有的名称")
    return combo


def content_box(height: int = 110) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(CONTENT_PLACEHOLDER)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


class SubmitterFields:
    """反映人: name (with the 匿名 box beside it), phone, address. Anonymous, or all three left
    empty, registers the item without a submitter."""

    def __init__(self) -> None:
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.name.setPlaceholderText("姓名")
        self.anonymous = QCheckBox("匿名")
        self.anonymous.setToolTip("反映人未留姓名和联系方式（空格键勾选）")
        self.phone = QLineEdit()
        self.phone.setMaxLength(20)
        self.phone.setPlaceholderText("手机或座机")
        self.address = QLineEdit()
        self.address.setMaxLength(200)
        self.address.setPlaceholderText("如：东山村3组")
        self.name_row = QWidget()
        row = QHBoxLayout(self.name_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        row.addWidget(self.name, 1)
        row.addWidget(self.anonymous)
        self.name_row.setFocusProxy(self.name)
        self.anonymous.toggled.connect(self._anonymous_toggled)

    def _anonymous_toggled(self, anonymous: bool) -> None:
        for edit in (self.name, self.phone, self.address):
            edit.setEnabled(not anonymous)

    def value(self) -> SubmitterInput | None:
        if self.anonymous.isChecked():
            return None
        data = SubmitterInput(self.name.text(), self.phone.text(), None, self.address.text())
        if not (data.name.strip() or data.phone.strip() or data.address.strip()):
            return None
        return data

    def is_blank(self) -> bool:
        return not any(e.text().strip() for e in (self.name, self.phone, self.address))

    def clear(self) -> None:
        self.anonymous.setChecked(False)
        for edit in (self.name, self.phone, self.address):
            edit.clear()


class OpinionDialog(QDialog):
    """Register one item. `save()` is what 保存 does: True, and the dialog accepted, when the
    service took it; `saved_id` is the new item's id."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, on: dt.date | None = None,
                 channel: Channel = Channel.VISIT) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved_id: int | None = None
        self.setWindowTitle("登记社情民意")
        self.setModal(True)
        self.setMinimumWidth(720)
        self._build(on, channel)
        self.submitter.name.setFocus()

    def _build(self, on: dt.date | None, channel: Channel) -> None:
        self.received_on = date_edit(on)
        self.received_on.setToolTip("收到这条意见的日期；编号按这个日期的年份排")
        self.channel = QComboBox()
        for item in Channel:
            self.channel.addItem(item.label, item.value)
        self.channel.setCurrentIndex(max(0, self.channel.findData(channel.value)))
        self.submitter = SubmitterFields()
        self.village = choice_combo(self.ctx, "village", "反映人所在村（社区）")
        self.category = choice_combo(self.ctx, "category", "如：交通道路")
        self.content = content_box()
        self.deputy = DeputyPicker(self.ctx)
        self.deputy.setToolTip("接收或转交这条意见的代表：输入姓名或拼音首字母（如 zsf）后选择")
        self.deputy.setPlaceholderText("姓名或拼音（可不填）")
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.note.setPlaceholderText("登记时的说明（可不填）")

        grid = QGridLayout()
        self.form = FieldForm(grid, columns=2)
        f = self.form
        f.add("received_on", "收到日期", self.received_on, 0, 0, required=True)
        f.add("channel", "来源渠道", self.channel, 0, 1, required=True)
        f.add("submitter", "反映人", self.submitter.name_row, 1, 0)
        f.add("phone", "联系电话", self.submitter.phone, 1, 1)
        f.add("address", "住址", self.submitter.address, 2, 0, span=2)
        f.add("village", "村（社区）", self.village, 3, 0)
        f.add("category", "类别", self.category, 3, 1)
        f.add("content", "反映内容", self.content, 4, 0, span=2, required=True)
        f.add("receiving_deputy_id", "接收代表", self.deputy, 5, 0)
        f.add("note", "备注", self.note, 5, 1)
        f.alias("mailbox_opening_id", "channel")
        grid.setColumnMinimumWidth(0, 70)
        grid.setColumnMinimumWidth(2, 70)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        hint = QLabel("反映人的姓名、电话只在本机内部查看；列表和公示中自动隐去（如 张*丰、138****5678）。"
                      "信箱里的一批信件，请用“开箱登记”逐件录入。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(grid)
        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip("保存（Ctrl+S 或 Ctrl+Enter）")
        self.save_button.setDefault(True)
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setToolTip("不保存，关闭（Esc）")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        footer = QHBoxLayout()
        required = QLabel("带 <span style='color:#b42318'>*</span> 的为必填项")
        required.setObjectName("hint")
        footer.addWidget(required)
        footer.addStretch(1)
        footer.addWidget(buttons)
        layout.addLayout(footer)
        for keys in (QKeySequence.StandardKey.Save, "Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)

        order: list[QWidget] = [
            self.submitter.name, self.submitter.anonymous, self.submitter.phone,
            self.submitter.address, self.village, self.category, self.content, self.deputy,
            self.note, self.received_on, self.channel, self.save_button, self.cancel_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def collect(self) -> OpinionInput:
        return OpinionInput(
            received_on=from_qdate(self.received_on.date()),
            channel=enum_member(Channel, self.channel.currentData()) or Channel.VISIT,
            content=self.content.toPlainText(),
            submitter=self.submitter.value(),
            village=self.village.currentText(),
            category=self.category.currentText(),
            receiving_deputy_id=self.deputy.deputy_id,
            note=self.note.text(),
        )

    def show_errors(self, field_errors: dict[str, str]) -> None:
        unplaced = self.form.show_errors(field_errors)
        placed = len(field_errors) - len(unplaced)
        advice = [f"请改正红字标出的 {placed} 处后再保存。"] if placed else []
        self.general_error.show_message("；".join([*unplaced, *advice]))

    def error_text(self, field: str) -> str:
        return self.form.error_text(field) if field in self.form.errors else ""

    def save(self) -> bool:
        if self.deputy.text().strip() and self.deputy.deputy_id is None:
            self.show_errors({"receiving_deputy_id": "请从列表中选择代表（输入后按回车选第一个）"})
            return False
        try:
            self.saved_id = mailbox.register_opinion(self.ctx.db, self.ctx.actor, self.collect())
        except ValidationFailed as exc:
            self.show_errors(exc.field_errors)
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message)
            return False
        self.show_errors({})
        self.accept()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter saves from the one-line fields; in the content it starts a new line, and in the
        deputy box it picks the first suggestion."""
        focus = self.focusWidget()
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not isinstance(focus, QPlainTextEdit) and focus is not self.deputy):
            self.save()
            return
        super().keyPressEvent(event)
