"""The UI's own remembered settings (window size, last folder), declared once with their defaults
and kept in the data dir's ui-settings.ini, so tests and each database keep their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings


@dataclass(frozen=True)
class Option:
    key: str
    default: Any


LAST_FOLDER = Option("files/last_folder", str(Path.home()))
WINDOW_GEOMETRY = Option("window/geometry", QByteArray())
ROSTER_SPLITTER = Option("roster/splitter", QByteArray())


class Prefs:
    def __init__(self, path: Path) -> None:
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def get(self, option: Option) -> Any:
        value = self._settings.value(option.key, option.default)
        return option.default if value is None else value

    def set(self, option: Option, value: Any) -> None:
        self._settings.setValue(option.key, value)

    def last_folder(self) -> str:
        folder = str(self.get(LAST_FOLDER))
        return folder if Path(folder).is_dir() else str(Path.home())

    def remember_folder(self, file_path: str | Path) -> None:
        self.set(LAST_FOLDER, str(Path(file_path).parent))
