"""开箱登记: the box is opened by two people; first the opening is recorded (date, who, how many
letters), then the letters are typed in one after another without leaving the keyboard.

The second step is one form that stays open: Ctrl+Enter saves the letter (channel 信箱, linked to
the opening, received on the day of the opening), clears the form and puts the cursor back in the
first field; the counter says which letter is next (第 2 / 5 件); Esc finishes. Each saved letter
is announced by `saved`, so the list behind the dialog grows as the stack shrinks.
"""

from __future__ import annotations

import datetime as dt
import itertools

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import Channel
from presidium_app.services import mailbox
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.services.mailbox import OpinionInput
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.opinion_dialog import (
    SubmitterFields,
    choice_combo,
    content_box,
    date_edit,
)
from presidium_app.ui.widgets.dates import from_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm

OPENING, LETTERS = 0, 1


class OpeningDialog(QDialog):
    """Record one opening of the box, then its letters. `record_opening()` is step one's button,
    `save_letter()` is Ctrl+Enter, `finish()` is Esc / 完成."""

    saved = Signal(int)  # a letter was registered: its opinion id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 on: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.opening_id: int | None = None
        self.opened_on: dt.date = on or dt.date.today()
        self.item_count = 0
        self.saved_ids: list[int] = []
        self.saved_numbers: list[str] = []
        self.setWindowTitle("开箱登记")
        self.setModal(True)
        self.setMinimumWidth(680)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_opening(on))
        self.stack.addWidget(self._build_letters())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.addWidget(self.stack)
        for keys in ("Ctrl+Return", "Ctrl+Enter", QKeySequence.StandardKey.Save):
            QShortcut(QKeySequence(keys), self, self._ctrl_enter)
        self.opened_by_1.setFocus()

    # -- step one: the opening --------------------------------------------------------------
    def _build_opening(self, on: dt.date | None) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        heading = QLabel("第一步：登记开箱情况")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        hint = QLabel("信箱须由两人共同开启。记下开箱日期、两位开箱人和信件件数，"
                      "然后逐件登记信件内容。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.opened_on_edit = date_edit(on)
        self.opened_on_edit.setMaximumDate(QDate.currentDate())
        self.opened_by_1 = QLineEdit()
        self.opened_by_1.setMaxLength(40)
        self.opened_by_1.setPlaceholderText("姓名")
        self.opened_by_2 = QLineEdit()
        self.opened_by_2.setMaxLength(40)
        self.opened_by_2.setPlaceholderText("姓名")
        self.count_edit = QSpinBox()
        self.count_edit.setRange(0, 999)
        self.count_edit.setSuffix(" 件")
        self.count_edit.setToolTip("箱内信件数；没有信件填 0")
        self.opening_note = QLineEdit()
        self.opening_note.setMaxLength(200)
        self.opening_note.setPlaceholderText("可不填")
        grid = QGridLayout()
        self.opening_form = FieldForm(grid, columns=2)
        f = self.opening_form
        f.add("opened_by_1", "开箱人", self.opened_by_1, 0, 0, required=True)
        f.add("opened_by_2", "开箱人", self.opened_by_2, 0, 1, required=True)
        f.add("opened_on", "开箱日期", self.opened_on_edit, 1, 0, required=True)
        f.add("item_count", "信件件数", self.count_edit, 1, 1, required=True)
        f.add("note", "备注", self.opening_note, 2, 0, span=2)
        f.alias("opened_by", "opened_by_1")
        layout.addLayout(grid)
        self.opening_error = ErrorLabel(self)
        layout.addWidget(self.opening_error)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_button = QPushButton("下一步：逐件登记")
        self.start_button.setObjectName("primary")
        self.start_button.setDefault(True)
        self.start_button.setToolTip("保存开箱记录，开始录入信件（回车）")
        self.start_button.clicked.connect(self.record_opening)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setToolTip("不登记，关闭（Esc）")
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        for first, second in itertools.pairwise([
                self.opened_by_1, self.opened_by_2, self.opened_on_edit, self.count_edit,
                self.opening_note, self.start_button, self.cancel_button]):
            QWidget.setTabOrder(first, second)
        return page

    def record_opening(self) -> bool:
        try:
            self.opening_id = mailbox.record_opening(
                self.ctx.db, self.ctx.actor, from_qdate(self.opened_on_edit.date()),
                self.opened_by_1.text(), self.opened_by_2.text(), self.count_edit.value(),
                self.opening_note.text())
        except ValidationFailed as exc:
            unplaced = self.opening_form.show_errors(exc.field_errors)
            self.opening_error.show_message("；".join(unplaced))
            return False
        except ServiceError as exc:
            self.opening_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message)
            return False
        self.opening_form.clear_errors()
        self.opening_error.show_message("")
        self.opened_on = from_qdate(self.opened_on_edit.date())
        self.item_count = self.count_edit.value()
        if self.item_count == 0:
            messages.inform(self, "开箱登记", "开箱记录已保存：本次信箱内没有信件。")
            self.accept()
            return True
        self.opening_label.setText(
            f"{self.opened_on.isoformat()}　{self.opened_by_1.text().strip()}、"
            f"{self.opened_by_2.text().strip()}开箱，共 {self.item_count} 件")
        self.stack.setCurrentIndex(LETTERS)
        self.setWindowTitle("开箱登记 — 逐件登记信件")
        self._update_counter()
        self.first_field().setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    # -- step two: the letters --------------------------------------------------------------
    def _build_letters(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        top = QHBoxLayout()
        heading = QLabel("第二步：逐件登记信件")
        heading.setObjectName("dialogHeading")
        top.addWidget(heading)
        top.addStretch(1)
        self.counter = QLabel()
        self.counter.setObjectName("count")
        self.counter.setStyleSheet("font-size: 16px;")
        top.addWidget(self.counter)
        layout.addLayout(top)
        self.opening_label = QLabel()
        self.opening_label.setObjectName("hint")
        layout.addWidget(self.opening_label)

        self.submitter = SubmitterFields()
        self.village = choice_combo(self.ctx, "village", "反映人所在村（社区）")
        self.category = choice_combo(self.ctx, "category", "如：交通道路")
        self.content = content_box(140)
        grid = QGridLayout()
        self.letter_form = FieldForm(grid, columns=2)
        f = self.letter_form
        f.add("submitter", "反映人", self.submitter.name_row, 0, 0)
        f.add("phone", "联系电话", self.submitter.phone, 0, 1)
        f.add("address", "住址", self.submitter.address, 1, 0, span=2)
        f.add("village", "村（社区）", self.village, 2, 0)
        f.add("category", "类别", self.category, 2, 1)
        f.add("content", "反映内容", self.content, 3, 0, span=2, required=True)
        for hidden in ("received_on", "mailbox_opening_id"):
            f.alias(hidden, "content")
        grid.setColumnMinimumWidth(0, 70)
        grid.setColumnMinimumWidth(2, 70)
        layout.addLayout(grid)
        self.letter_error = ErrorLabel(self)
        layout.addWidget(self.letter_error)
        self.done_label = QLabel()
        self.done_label.setObjectName("hint")
        self.done_label.setWordWrap(True)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        keys = QLabel("Ctrl+Enter 保存并录入下一件　Esc 完成")
        keys.setObjectName("hint")
        buttons.addWidget(keys)
        buttons.addStretch(1)
        self.next_button = QPushButton("保存，录入下一件")
        self.next_button.setObjectName("primary")
        self.next_button.setToolTip("保存这一件，清空表格录入下一件（Ctrl+Enter）")
        self.next_button.clicked.connect(self.save_letter)
        self.finish_button = QPushButton("完成")
        self.finish_button.setToolTip("结束本次开箱登记（Esc）")
        self.finish_button.clicked.connect(self.finish)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.finish_button)
        layout.addLayout(buttons)
        for first, second in itertools.pairwise([
                self.submitter.name, self.submitter.anonymous, self.submitter.phone,
                self.submitter.address, self.village, self.category, self.content,
                self.next_button, self.finish_button]):
            QWidget.setTabOrder(first, second)
        return page

    def first_field(self) -> QWidget:
        return self.submitter.name

    def _update_counter(self) -> None:
        number = len(self.saved_ids) + 1
        if number <= self.item_count:
            self.counter.setText(f"第 {number} / {self.item_count} 件")
        else:
            self.counter.setText(f"第 {number} 件（开箱记录为 {self.item_count} 件）")
        if self.saved_numbers:
            self.done_label.setText(f"本次已登记 {len(self.saved_numbers)} 件："
                                    + "、".join(self.saved_numbers))
        else:
            self.done_label.setText("")

    def collect(self) -> OpinionInput:
        return OpinionInput(
            received_on=self.opened_on,
            channel=Channel.MAILBOX,
            content=self.content.toPlainText(),
            submitter=self.submitter.value(),
            village=self.village.currentText(),
            category=self.category.currentText(),
            mailbox_opening_id=self.opening_id,
        )

    def is_blank(self) -> bool:
        return (self.submitter.is_blank() and not self.content.toPlainText().strip()
                and not self.village.currentText().strip()
                and not self.category.currentText().strip())

    def save_letter(self) -> bool:
        """Save the letter on screen and clear the form for the next one."""
        if self.opening_id is None:
            return False
        try:
            opinion_id = mailbox.register_opinion(self.ctx.db, self.ctx.actor, self.collect())
        except ValidationFailed as exc:
            unplaced = self.letter_form.show_errors(exc.field_errors)
            self.letter_error.show_message("；".join(unplaced))
            return False
        except ServiceError as exc:
            self.letter_error.show_message(exc.message)
            messages.warn(self, "未能保存", exc.message)
            return False
        self.saved_ids.append(opinion_id)
        self.saved_numbers.append(mailbox.get_opinion(self.ctx.db, opinion_id).number)
        self.letter_form.clear_errors()
        self.letter_error.show_message("")
        self._clear_letter()
        self._update_counter()
        self.first_field().setFocus(Qt.FocusReason.OtherFocusReason)
        self.saved.emit(opinion_id)
        return True

    def _clear_letter(self) -> None:
        self.submitter.clear()
        for combo in (self.village, self.category):
            combo.setCurrentIndex(-1)
            combo.setEditText("")
        self.content.clear()

    def _ctrl_enter(self) -> None:
        if self.stack.currentIndex() == OPENING:
            self.record_opening()
        else:
            self.save_letter()

    def finish(self) -> bool:
        """Esc or 完成: a letter typed but not saved, or fewer letters than counted, are asked
        about first."""
        if self.stack.currentIndex() == OPENING:
            super().reject()
            return True
        if not self.is_blank() and not messages.ask(
                self, "结束开箱登记", "这一件还没有保存，确定放弃并结束吗？",
                yes="放弃并结束", no="继续登记"):
            return False
        missing = self.item_count - len(self.saved_ids)
        if missing > 0 and not messages.ask(
                self, "结束开箱登记",
                f"开箱记录为 {self.item_count} 件，已登记 {len(self.saved_ids)} 件，"
                f"还有 {missing} 件未登记。确定结束吗？", yes="结束", no="继续登记"):
            return False
        self.accept()
        return True

    def reject(self) -> None:
        self.finish()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in step one saves the opening; in the letters it never saves by accident (only
        Ctrl+Enter does), and in the content it starts a new line."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.stack.currentIndex() == OPENING:
                self.record_opening()
                return
            if not isinstance(self.focusWidget(), QPlainTextEdit | QPushButton):
                self.focusNextChild()
                return
        super().keyPressEvent(event)
