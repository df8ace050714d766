"""Keyboard shortcuts that act only where they belong."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def widget_shortcut(key: QKeySequence | Qt.Key, widget: QWidget, slot: Any) -> QShortcut:
    """A key that acts only while `widget` has the focus, so Enter or Delete typed in a search
    box never edits or deletes the selected record. (PySide6 ignores a `context` given to
    QShortcut's constructor, so the context is set afterwards.)"""
    shortcut = QShortcut(QKeySequence(key), widget)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
    shortcut.activated.connect(slot)
    return shortcut
