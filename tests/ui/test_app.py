"""Starting the app: a database that cannot be opened is explained and left alone; a first run
goes through the set-up dialog into the main window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from presidium_app import app
from presidium_app.services import township
from presidium_app.storage.database import DatabaseError
from presidium_app.storage.opening import open_database
from presidium_app.ui.application import PREFERRED_FAMILIES, pick_font_family
from presidium_app.ui.dialogs.first_run import FirstRunDialog
from presidium_app.ui.main_window import MainWindow

GARBAGE = b"\x00\x13garbage, not a database\xff" * 200


def _corrupt(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / "presidium.db"
    target.write_bytes(GARBAGE)
    return target


def test_database_error_text_names_the_file_and_says_nothing_changed(tmp_path: Path) -> None:
    target = _corrupt(tmp_path / "data")
    with pytest.raises(DatabaseError) as caught:
        open_database(tmp_path / "data")
    text, advice = app.database_error_text(caught.value, str(tmp_path / "data"))
    assert "无法打开数据库" in text
    assert str(target) in text
    assert "没有修改" in advice
    assert target.read_bytes() == GARBAGE


def test_main_with_a_corrupt_database_shows_the_error_and_exits(
        tmp_path: Path, messages_log: Any) -> None:
    target = _corrupt(tmp_path / "data")
    assert app.main(["--data-dir", str(tmp_path / "data")]) == 1
    kind, title, text, advice = messages_log.shown[-1]
    assert (kind, title) == ("warn", "无法打开数据库")
    assert str(target) in text and "损坏" in text
    assert "没有修改" in advice
    assert target.read_bytes() == GARBAGE  # untouched


def test_first_run_goes_from_set_up_to_main_window(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_exec(dialog: FirstRunDialog) -> int:
        assert dialog.admin_form is not None  # the administrator first: there is no default password
        dialog.admin_form.fill("admin", "Qingshan2026")
        dialog.name.setText("青山镇")
        dialog.county.setText("临川县")
        assert dialog.save()
        return int(FirstRunDialog.DialogCode.Accepted.value)

    def fake_app_exec(_app: Any) -> int:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        seen["title"] = windows[-1].windowTitle()
        for window in windows:
            window.close()
        return 0

    monkeypatch.setattr(FirstRunDialog, "exec", fake_exec)
    monkeypatch.setattr(QApplication, "exec", fake_app_exec)
    assert app.main(["--data-dir", str(tmp_path / "first")]) == 0
    assert seen["title"] == "主席团工作台 — 临川县青山镇"
    db = open_database(tmp_path / "first")
    try:
        assert township.is_set_up(db)
    finally:
        db.dispose()


def test_first_run_closed_without_set_up_exits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FirstRunDialog, "exec",
                        lambda _d: int(FirstRunDialog.DialogCode.Rejected.value))
    monkeypatch.setattr(QApplication, "exec", lambda _a: pytest.fail("main window shown"))
    assert app.main(["--data-dir", str(tmp_path / "none")]) == 0


def test_environment_chooses_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          messages_log: Any) -> None:
    _corrupt(tmp_path / "env")
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path / "env"))
    assert app.main([]) == 1
    assert str(tmp_path / "env") in messages_log.shown[-1][2]


def test_a_chinese_font_is_preferred() -> None:
    assert pick_font_family(["DejaVu Sans", "WenQuanYi Zen Hei"]) == "WenQuanYi Zen Hei"
    assert pick_font_family(["Microsoft YaHei", "SimSun"]) == "Microsoft YaHei"
    assert pick_font_family(["DejaVu Sans"]) is None
    assert PREFERRED_FAMILIES[0].startswith("Microsoft YaHei")
    family = QApplication.font().families()[0]
    assert family in PREFERRED_FAMILIES or QApplication.font().family() in PREFERRED_FAMILIES
