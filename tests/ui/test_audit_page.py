"""The 操作日志 page: filters (time, user, type, object, result), export of the filtered rows to
Excel (administrators only, logged), and 校验日志 in the background."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import text

from presidium_app.domain.accounts import Role
from presidium_app.services import audit, audit_log, deputies, township
from presidium_app.services.audit import Actor, log_event
from presidium_app.services.audit_log import AuditQuery
from presidium_app.services.errors import PermissionDenied
from presidium_app.ui.pages.audit_log import AuditLogPage, preset_dates
from tests.helpers import deputy_input


@pytest.fixture
def filled(db: Any, actor: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The set-up, an entry of 2020, a deputy added by 测试员, a sign-in by 李会计, a refused
    sign-in, and a backup: six entries."""
    with monkeypatch.context() as patch:
        patch.setattr(audit, "now", lambda: dt.datetime(2020, 5, 1, 9, 0))
        log_event(db, actor, "township.update", "township", 1, "修改乡镇信息")
    term = township.current_term(db)
    assert term is not None
    mandate = deputies.add_deputy(db, actor, deputy_input(term.id))
    log_event(db, Actor("李会计"), "user.login", "user_account", 2, "登录成功")
    log_event(db, Actor("李会计"), "user.login", "user_account", 2, "登录失败：密码错误", success=False)
    log_event(db, actor, "backup.create", "backup", None, "自动备份")
    return {"mandate": mandate}


@pytest.fixture
def page(qtbot: Any, ctx: Any, filled: dict[str, int]) -> AuditLogPage:
    widget = AuditLogPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.activate()
    return widget


def rows(page: AuditLogPage) -> list[list[str]]:
    model = page.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_labels_for_accounts_backups_exports_and_prints() -> None:
    assert audit_log.action_label("user.login") == "登录"
    assert audit_log.action_label("user.unlock") == "解除屏幕锁定"
    assert audit_log.action_label("backup.restore") == "从备份恢复"
    assert audit_log.action_label("export.deputies") == "导出代表名册"
    assert audit_log.action_label("audit.export") == "导出操作日志"
    assert audit_log.action_label("ledger.import.opinions") == "导入社情民意"
    assert audit_log.action_label("opinion.assign") == "社情民意交办"
    assert audit_log.action_label("print.sign-in-sheet") == "打印文书"
    assert audit_log.action_label("something.new") == "something.new"
    assert audit_log.category_of("user.login") == "accounts"
    assert audit_log.category_of("audit.export") == "export"


def test_filters(qtbot: Any, page: AuditLogPage, filled: dict[str, int]) -> None:
    assert len(rows(page)) == 6 and page.count_label.text() == "共 6 条"

    page.user_filter.setCurrentIndex(page.user_filter.findText("李会计"))
    assert [r[2] for r in rows(page)] == ["登录", "登录"]
    page.result_filter.setCurrentIndex(page.result_filter.findText("失败"))
    assert [r[4] for r in rows(page)] == ["登录失败：密码错误"]
    page.result_filter.setCurrentIndex(page.result_filter.findText("成功"))
    assert [r[5] for r in rows(page)] == ["成功"]
    page.reset_filters()
    assert len(rows(page)) == 6

    page.category_filter.setCurrentIndex(page.category_filter.findText("备份与恢复"))
    assert [r[2] for r in rows(page)] == ["备份"]
    page.category_filter.setCurrentIndex(page.category_filter.findText("代表名册"))
    assert [r[2] for r in rows(page)] == ["新增代表"]
    page.reset_filters()

    page.object_filter.setCurrentIndex(page.object_filter.findText("代表"))
    assert [r[2] for r in rows(page)] == ["新增代表"]
    page.object_id.setText(str(filled["mandate"] + 100))
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=1000)
    page.object_id.setText(str(filled["mandate"]))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=1000)
    page.reset_filters()

    page.preset.setCurrentIndex(page.preset.findData("year"))
    assert "修改乡镇信息" not in [r[2] for r in rows(page)] and len(rows(page)) == 5
    page.date_from.setDate(page.date_from.date().fromString("2020-01-01", "yyyy-MM-dd"))
    assert page.preset.currentData() == "custom"
    page.date_to.setDate(page.date_to.date().fromString("2020-12-31", "yyyy-MM-dd"))
    assert [r[2] for r in rows(page)] == ["修改乡镇信息"]


def test_preset_dates() -> None:
    today = dt.date(2026, 3, 5)
    assert preset_dates("today", today) == (today, today)
    assert preset_dates("week", today) == (dt.date(2026, 2, 27), today)
    assert preset_dates("year", today) == (dt.date(2026, 1, 1), today)
    assert preset_dates("all", today) is None


def test_export_writes_the_filtered_rows(qtbot: Any, page: AuditLogPage, tmp_path: Path, db: Any,
                                         monkeypatch: pytest.MonkeyPatch, messages_log: Any) -> None:
    target = tmp_path / "日志"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.user_filter.setCurrentIndex(page.user_filter.findText("李会计"))
    assert page.export()
    qtbot.waitUntil(lambda: "导出完成" in messages_log.texts(), timeout=30_000)
    exported = target.with_suffix(".xlsx")
    sheet = load_workbook(exported).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "操作人 李会计" in values[0][0]
    assert values[1] == ["时间", "操作人", "操作", "对象", "结果", "摘要", "修改前", "修改后"]
    body = values[2:]
    assert [(r[1], r[2], r[4], r[5]) for r in body] == [
        ("李会计", "登录", "失败", "登录失败：密码错误"), ("李会计", "登录", "成功", "登录成功")]
    assert isinstance(body[0][0], dt.datetime) and body[0][3] == "账户 2号"
    assert "已导出操作日志 2 条" in messages_log.texts()
    # The export is itself in the log (the page refreshed): 导出操作日志 by the administrator.
    newest = audit_log.load_rows(db, audit_log.search_ids(db, AuditQuery()))
    assert any(r.action == "audit.export" and "日志.xlsx" in r.summary for r in newest.values())


def test_export_keeps_before_and_after_and_no_formulas(db: Any, actor: Any, tmp_path: Path) -> None:
    term = township.current_term(db)
    assert term is not None
    deputies.add_deputy(db, actor, deputy_input(term.id, "欧阳明远", id_number=None, mobile=""))
    log_event(db, Actor("=cmd|' /C calc'!A0"), "user.login", "user_account", None, "=1+1")
    target = tmp_path / "all.xlsx"
    written = audit_log.export_entries(db, Actor("管理员"), AuditQuery(category="roster"), target)
    assert written == 1
    row = [c.value for c in load_workbook(target).active[3]]
    assert row[2] == "新增代表" and "欧阳明远" in row[5]
    assert "姓名：欧阳明远" in row[7] and row[6] is None
    audit_log.export_entries(db, Actor("管理员"), AuditQuery(category="accounts"), target)
    sheet = load_workbook(target).active
    assert [sheet.cell(row=3, column=c).value for c in (2, 6)] == ["=cmd|' /C calc'!A0", "=1+1"]
    assert {sheet.cell(row=3, column=c).data_type for c in (2, 6)} == {"s"}  # text, not formulas


def test_only_an_administrator_may_export(db: Any, tmp_path: Path, qtbot: Any, ctx: Any,
                                          messages_log: Any) -> None:
    target = tmp_path / "x.xlsx"
    with pytest.raises(PermissionDenied):
        audit_log.export_entries(db, Actor("小王", Role.STAFF), AuditQuery(), target)
    assert not target.exists()
    refused = audit_log.search_ids(db, AuditQuery(category="export", success=False))
    assert len(refused) == 1
    ctx.actor = Actor("小王", Role.STAFF)
    widget = AuditLogPage(ctx)
    qtbot.addWidget(widget)
    assert not widget.export_action.isEnabled()
    assert widget.export() is False and "只有管理员" in messages_log.texts()


def test_verify_shows_the_result(qtbot: Any, page: AuditLogPage, db: Any, messages_log: Any) -> None:
    page.verify_action.trigger()
    qtbot.waitUntil(lambda: "日志校验通过" in messages_log.texts(), timeout=30_000)
    assert "日志校验通过" in page.chain_label.text() and "共 6 条" in page.chain_label.text()
    assert page.last_report is not None and page.last_report.ok

    ids = audit_log.search_ids(db, AuditQuery())
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET summary = 'x' WHERE id = :id"), {"id": ids[1]})
    messages_log.shown.clear()
    page.verify()
    qtbot.waitUntil(lambda: "日志校验发现问题" in messages_log.texts(), timeout=30_000)
    assert f"第 {ids[1]} 号记录" in messages_log.texts()
    assert "发现 1 处问题" in page.chain_label.text()


def test_a_cancelled_export_leaves_no_file(db: Any, filled: dict[str, int], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from presidium_app.services.progress import Cancelled, Progress

    monkeypatch.setattr(audit_log, "EXPORT_BATCH", 2)
    progress = Progress(lambda done, _total, _text: progress.cancel() if done == 2 else None)
    target = tmp_path / "日志.xlsx"
    with pytest.raises(Cancelled):
        audit_log.export_entries(db, Actor("管理员"), AuditQuery(), target, progress)
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]


def test_a_viewer_is_told_before_choosing_a_file(qtbot: Any, ctx: Any, messages_log: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from presidium_app.ui import ledger_actions

    asked: list[str] = []

    def ask(*_args: Any, **_kwargs: Any) -> tuple[str, str]:
        asked.append("asked")
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    ctx.actor = Actor("访客", Role.VIEWER)
    parent = AuditLogPage(ctx)
    qtbot.addWidget(parent)
    assert ledger_actions.export_ledger(parent, ctx, "deputies") is False
    assert asked == [] and "导入导出台账" in messages_log.texts()
