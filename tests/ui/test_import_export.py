"""Excel ledgers through the UI: import with a summary of rejected rows, report, export, template.
The file work runs in the background (run_operation); the tests wait for it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtWidgets import QFileDialog

from presidium_app.services import deputies, township
from presidium_app.services.deputies import DeputyQuery
from tests.helpers import make_id


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名*", "性别*", "出生日期", "公民身份号码", "手机号码", "代表层级*", "届次*",
                  "选区", "工作单位及职务"])
    sheet.append(["欧阳明远", "男", "1968-04-12", make_id(dt.date(1968, 4, 12), 31),
                  "139 0794 2231", "乡镇", "第十九届", "第3选区", "青山镇农技站站长"])
    sheet.append(["邹慧敏", "女", "1979/8/3", make_id(dt.date(1979, 8, 3), 42),
                  "13607941188", "县、乡镇", "第十九届", "第5选区", "青山镇中心小学校长"])
    bad = make_id(dt.date(1972, 1, 9), 53)
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    sheet.append(["黄立新", "男", "1972-01-09", bad, "13979412345", "乡镇", "第十九届",
                  "第2选区", "黄坑村村民委员会主任"])
    book.save(path)
    return path


def _open_returns(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def _save_returns(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def test_import_through_the_ui_lists_rejected_rows(
        qtbot: Any, window: Any, db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        messages_log: Any) -> None:
    source = _workbook(tmp_path / "名册.xlsx")
    _open_returns(monkeypatch, source)
    roster = window.show_page("roster")
    assert roster.import_roster()
    qtbot.waitUntil(lambda: roster.summary_dialog is not None, timeout=30_000)
    summary = roster.summary_dialog
    assert summary.isVisible()
    assert summary.headline.text() == "导入 2 条，拒绝 1 条"
    rows = [[summary.model.index(r, c).data() for c in range(3)]
            for r in range(summary.model.rowCount())]
    assert rows and all(row[0] == "第4行" for row in rows)
    assert any(row[1] == "公民身份号码" and "校验码" in row[2] for row in rows)

    names = {roster.model.index(r, 0).data() for r in range(roster.model.rowCount())}
    assert names == {"欧阳明远", "邹慧敏"}
    assert roster.count_label.text() == "共 2 人"
    term = township.current_term(db)
    assert term is not None
    assert len(deputies.search_ids(db, DeputyQuery(term_id=term.id))) == 2

    report = tmp_path / "错误报告.xlsx"
    _save_returns(monkeypatch, report)
    summary.report_button.click()
    qtbot.waitUntil(lambda: summary.report_path is not None, timeout=30_000)
    assert report.exists()
    cells = [str(c.value) for row in load_workbook(report).active.iter_rows() for c in row]
    assert any("校验码" in c for c in cells)
    assert "错误报告已保存" in messages_log.texts()
    summary.accept()


def test_import_of_a_file_that_is_not_a_workbook_says_so(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        messages_log: Any) -> None:
    source = tmp_path / "名册.xlsx"
    source.write_text("这不是Excel文件", encoding="utf-8")
    _open_returns(monkeypatch, source)
    roster = window.show_page("roster")
    roster.import_roster()
    qtbot.waitUntil(lambda: bool(messages_log.shown), timeout=30_000)
    kind, title, _text, _ = messages_log.shown[-1]
    assert (kind, title) == ("warn", "无法导入")
    assert roster.summary_dialog is None


def test_import_cancelled_in_the_file_dialog_does_nothing(
        window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    assert not window.show_page("roster").import_roster()


def test_home_import_button_opens_the_roster_import(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _open_returns(monkeypatch, _workbook(tmp_path / "名册.xlsx"))
    home = window.show_page("home")
    home.import_button.click()
    assert window.current_key() == "roster"
    roster = window.page("roster")
    qtbot.waitUntil(lambda: roster.summary_dialog is not None, timeout=30_000)
    roster.summary_dialog.accept()


def test_export_and_template(qtbot: Any, window: Any, db: Any, actor: Any, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch, messages_log: Any) -> None:
    term = township.current_term(db)
    assert term is not None
    from tests.helpers import deputy_input

    deputies.add_deputy(db, actor, deputy_input(term.id))
    roster = window.show_page("roster")
    target = tmp_path / "导出"
    _save_returns(monkeypatch, target)
    assert roster.export_roster()
    qtbot.waitUntil(lambda: "导出完成" in messages_log.texts(), timeout=30_000)
    exported = target.with_suffix(".xlsx")
    assert exported.exists()
    values = [c.value for row in load_workbook(exported).active.iter_rows() for c in row]
    assert "张三丰" in values

    template = tmp_path / "模板.xlsx"
    _save_returns(monkeypatch, template)
    assert roster.save_template()
    qtbot.waitUntil(lambda: "模板已保存" in messages_log.texts(), timeout=30_000)
    assert template.exists()
