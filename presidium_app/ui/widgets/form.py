"""Forms whose errors appear in red right under the field they concern.

Services raise ValidationFailed with a field name for each mistake; `FieldForm` knows which widget
stands for which field name and shows each message there, so nothing typed is lost.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


class ErrorLabel(QLabel):
    """Red text under a field; takes no room while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class FieldForm:
    """A grid of labelled fields, in one or more columns, each with its own error label."""

    def __init__(self, grid: QGridLayout, columns: int = 1) -> None:
        self.grid = grid
        self.columns = columns
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(8)
        for col in range(columns):
            self.grid.setColumnStretch(col * 2 + 1, 1)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self.labels: dict[str, QLabel] = {}
        self.aliases: dict[str, str] = {}

    def add(self, name: str, label: str, widget: QWidget, row: int, column: int = 0,
            span: int = 1, required: bool = False) -> ErrorLabel:
        caption = QLabel(("<span style='color:#b42318'>*</span> " if required else "") + label)
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        caption.setMinimumHeight(min(widget.sizeHint().height(), self._line_height()))
        caption.setBuddy(widget)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        error = ErrorLabel(box)
        layout.addWidget(error)
        layout.addStretch(1)  # a taller neighbour (with its error shown) must not move this field
        self.grid.addWidget(caption, row, column * 2, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(box, row, column * 2 + 1, 1, span * 2 - 1)
        self.widgets[name], self.errors[name], self.labels[name] = widget, error, caption
        return error

    @staticmethod
    def _line_height() -> int:
        """The height of a one-line input: captions of taller fields align with its first line."""
        return QLineEdit().sizeHint().height()

    def alias(self, name: str, shown_at: str) -> None:
        """Show errors about `name` (a field with no widget of its own) under `shown_at`."""
        self.aliases[name] = shown_at

    def clear_errors(self) -> None:
        for error in self.errors.values():
            error.show_message("")

    def show_errors(self, field_errors: dict[str, str]) -> list[str]:
        """Put each message under its field; returns messages that have no field here."""
        self.clear_errors()
        unplaced: list[str] = []
        shown: dict[str, list[str]] = {}
        for name, message in field_errors.items():
            target = self.aliases.get(name, name)
            if target in self.errors:
                shown.setdefault(target, []).append(message)
            else:
                unplaced.append(message)
        for target, messages in shown.items():
            self.errors[target].show_message("；".join(messages))
        first = next((n for n in self.widgets if n in shown), None)
        if first is not None:
            self.widgets[first].setFocus(Qt.FocusReason.OtherFocusReason)
        return unplaced

    def error_text(self, name: str) -> str:
        label = self.errors[name]
        return "" if label.isHidden() else label.text()
