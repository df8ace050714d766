"""The screenshots tool runs offscreen and writes one picture per page and dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from presidium_app.ui import screenshots
from presidium_app.ui.main_window import AREAS


def test_screenshots_tool_writes_every_page(tmp_path: Path) -> None:
    assert screenshots.main([str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    for number, area in enumerate(AREAS, start=1):
        assert f"{number:02d}-{area.title}.png" in names
    for dialog in ("11-修改代表.png", "12-代表信息有误.png", "13-状态变动.png", "14-初始设置.png",
                   "15-导入结果.png"):
        assert dialog in names
    page = QImage(str(tmp_path / "02-代表名册.png"))
    assert (page.width(), page.height()) == (1366, 800)


def test_screenshots_tool_needs_an_output_dir() -> None:
    assert screenshots.main([]) == 2
