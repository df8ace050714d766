"""Message boxes with Chinese buttons. Pages call these (never QMessageBox directly) so one place
decides wording and tests can replace them without a modal loop."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
         detail: str = "") -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    if detail:
        box.setInformativeText(detail)
    return box


def warning_box(parent: QWidget | None, title: str, text: str, detail: str = "") -> QMessageBox:
    """The box `warn` shows, not yet shown (the screenshots tool pictures it)."""
    box = _box(parent, QMessageBox.Icon.Warning, title, text, detail)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    return box


def inform(parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
    box = _box(parent, QMessageBox.Icon.Information, title, text, detail)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def warn(parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
    warning_box(parent, title, text, detail).exec()


def ask(parent: QWidget | None, title: str, text: str, yes: str = "确定", no: str = "取消",
        detail: str = "", danger: bool = False) -> bool:
    """True when the user chose `yes`; the safe choice (`no`) is the default button."""
    box = _box(parent, QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question,
               title, text, detail)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
