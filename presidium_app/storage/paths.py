"""Every path the app uses, resolved in one place (as qutebrowser's standarddir does).

Order of precedence for the data dir: an explicit argument (`--data-dir`), then the environment
variable PRESIDIUM_DATA_DIR, then the platform's user data dir from platformdirs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "PresidiumDesk"
DATA_DIR_ENV = "PRESIDIUM_DATA_DIR"
DATABASE_URL_ENV = "PRESIDIUM_DATABASE_URL"

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RESOURCES_DIR = PROJECT_ROOT / "resources"
MIGRATIONS_DIR = PROJECT_ROOT / "database"


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def database_file(self) -> Path:
        return self.root / "presidium.db"

    @property
    def photos(self) -> Path:
        return self.root / "photos"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def ui_settings(self) -> Path:
        return self.root / "ui-settings.ini"

    def default_database_url(self) -> str:
        return f"sqlite:///{self.database_file}"

    def ensure(self) -> None:
        for folder in (self.root, self.photos, self.attachments):
            folder.mkdir(parents=True, exist_ok=True)


def resolve_data_paths(data_dir: str | os.PathLike[str] | None = None) -> DataPaths:
    chosen = data_dir or os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir(APP_NAME, appauthor=False)
    return DataPaths(Path(chosen).expanduser().resolve())


def resolve_database_url(paths: DataPaths, database_url: str | None = None) -> str:
    return database_url or os.environ.get(DATABASE_URL_ENV) or paths.default_database_url()
