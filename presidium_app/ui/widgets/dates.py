"""A date field that may be left empty (出生日期, 当选日期 are often unknown at first)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QToolButton, QWidget

BLANK = QDate(1800, 1, 1)
DATE_FORMAT = "yyyy-MM-dd"


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class _BlankableDateEdit(QDateEdit):
    """Shows "未填写" at the sentinel date; starts from a sensible date once the user begins."""

    def __init__(self, start: QDate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start = start
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATE_FORMAT)
        self.setMinimumDate(BLANK)
        self.setMaximumDate(QDate(2100, 12, 31))
        self.setSpecialValueText("未填写")
        self.setDate(BLANK)

    def is_blank(self) -> bool:
        return self.date() == BLANK

    def _begin(self) -> None:
        if self.is_blank():
            self.setDate(self.start)
            self.setSelectedSection(QDateEdit.Section.YearSection)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._begin()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if (text and text.isdigit()) or event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._begin()
        elif (event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
              and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.setDate(BLANK)
            return
        super().keyPressEvent(event)


class OptionalDateEdit(QWidget):
    """A date edit with a calendar popup and a clear button; `value()` is None when empty."""

    changed = Signal()

    def __init__(self, start: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _BlankableDateEdit(to_qdate(start or dt.date(1970, 1, 1)), self)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("清除")
        self.clear_button.setToolTip("清除这个日期（留空）")
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(self.edit)
        self.edit.dateChanged.connect(self._on_changed)
        self._on_changed()

    def _on_changed(self) -> None:
        self.clear_button.setEnabled(not self.edit.is_blank())
        self.changed.emit()

    def set_start(self, start: dt.date) -> None:
        """Where the calendar opens when the field is still empty."""
        self.edit.start = to_qdate(start)

    def value(self) -> dt.date | None:
        return None if self.edit.is_blank() else from_qdate(self.edit.date())

    def setValue(self, value: dt.date | None) -> None:
        self.edit.setDate(BLANK if value is None else to_qdate(value))

    def clear(self) -> None:
        self.edit.setDate(BLANK)
