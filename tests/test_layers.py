"""The layer rule of ARCHITECTURE.md, as a test: only the UI imports Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import presidium_app

PACKAGE = Path(presidium_app.__file__).parent
QT_FREE = ["domain", "services", "storage", "ledgers", "printing", "printing/documents"]


def _modules() -> list[str]:
    names = ["presidium_app.cli"]
    for layer in QT_FREE:
        folder = PACKAGE / layer
        if folder.is_dir():
            names += [
                f"presidium_app.{layer.replace('/', '.')}.{p.stem}"
                for p in sorted(folder.glob("*.py")) if p.stem != "__init__"
            ]
    return names


def test_non_ui_layers_import_without_qt() -> None:
    """Import every non-UI module in a fresh interpreter where PySide6 cannot be imported."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'PySide6' or name.startswith('PySide6.'):\n"
        "            raise ImportError('Qt is not allowed here: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import importlib\n"
        f"for name in {_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
