"""Page actions: one QAction per command (menu, shortcut, button share it), and the button that
shows it with its shortcut in the tooltip and follows its enabled state."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QPushButton, QWidget


def make_action(owner: QWidget, text: str, slot: Any, shortcut: Any = None,
                tip: str = "") -> QAction:
    action = QAction(text, owner)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setToolTip(tip or text)
    action.triggered.connect(slot)
    owner.addAction(action)
    return action


def action_button(action: QAction, primary: bool = False, flat: bool = False) -> QPushButton:
    button = QPushButton(action.text())
    if primary:
        button.setObjectName("primary")
    elif flat:
        button.setObjectName("flat")
    shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    button.setToolTip(f"{action.toolTip()}（{shortcut}）" if shortcut else action.toolTip())
    button.clicked.connect(action.trigger)
    action.enabledChanged.connect(button.setEnabled)
    button.setEnabled(action.isEnabled())
    return button
