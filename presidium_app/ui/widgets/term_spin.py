"""A spin box for the term ordinal that reads 第十九届 rather than 19."""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QSpinBox, QWidget

from presidium_app.domain.validators import InvalidValue, chinese_ordinal, parse_term_name


class TermSpinBox(QSpinBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(1, 99)
        self.setValue(19)
        self.setAccelerated(True)

    def textFromValue(self, value: int) -> str:
        return f"第{chinese_ordinal(value)}届"

    def valueFromText(self, text: str) -> int:
        try:
            return parse_term_name(text)
        except InvalidValue:
            return self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        try:
            number = parse_term_name(text)
        except InvalidValue:
            return QValidator.State.Intermediate, text, pos
        if self.minimum() <= number <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Invalid, text, pos
