"""Excel ledgers from the UI: import with a summary, export, blank template. The file work runs in
the background through `run_operation`; only the dialogs live on the UI thread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from presidium_app.services import township
from presidium_app.services.errors import PermissionDenied
from presidium_app.services.permissions import permission_for, require
from presidium_app.services.progress import Cancelled
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.import_summary import ImportSummaryDialog
from presidium_app.ui.operations import error_text, run_operation

EXCEL_FILTER = "Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)"


def _ledger(kind: str) -> tuple[Any, str]:
    """The ledger module for a kind of spec/ledgers.md, and its Chinese title (代表名册…)."""
    from presidium_app.ledgers import registry

    return registry.ledger(kind), registry.title(kind)


def _with_suffix(path: str) -> Path:
    target = Path(path)
    return target if target.suffix.lower() == ".xlsx" else target.with_suffix(".xlsx")


def _file_stem(ctx: AppContext, what: str) -> str:
    try:
        name = township.get_township(ctx.db).name
    except Exception:
        name = ""
    return f"{name}{what}_{dt.date.today():%Y%m%d}.xlsx"


def import_ledger(
    parent: QWidget, ctx: AppContext, kind: str,
    on_imported: Callable[[Any, ImportSummaryDialog], None] | None = None,
) -> bool:
    """Ask for a workbook, import it in the background, then show what happened.
    Returns False when the user chose no file."""
    ledger, title = _ledger(kind)
    path, _ = QFileDialog.getOpenFileName(parent, f"导入{title}", ctx.prefs.last_folder(),
                                          EXCEL_FILTER)
    if not path:
        return False
    source = Path(path)
    ctx.prefs.remember_folder(source)

    def work(progress: Any) -> Any:
        return ledger.import_file(ctx.db, ctx.actor, source, dry_run=False, progress=progress)

    def succeeded(outcome: Any) -> None:
        dialog = ImportSummaryDialog(ctx, outcome, source, parent)
        dialog.finished.connect(dialog.deleteLater)
        if on_imported is not None:
            on_imported(outcome, dialog)
        dialog.open()

    def failed(error: BaseException) -> None:
        if isinstance(error, Cancelled):
            messages.inform(parent, "导入已取消", f"导入已取消，{title}没有任何改动。")
            return
        messages.warn(parent, "无法导入", error_text(error))

    run_operation(parent, f"正在导入 {source.name}…", work, succeeded, failed)
    return True


def export_ledger(parent: QWidget, ctx: AppContext, kind: str, year: int | None = None,
                  on_done: Callable[[Path, int], None] | None = None) -> bool:
    ledger, title = _ledger(kind)
    try:  # refuse before asking for a file; the service checks (and logs a refusal) again
        require(ctx.actor.role, permission_for(f"export.{kind}"))
    except PermissionDenied as exc:
        messages.warn(parent, "无法导出", exc.message)
        return False
    path, _ = QFileDialog.getSaveFileName(
        parent, f"导出{title}", str(Path(ctx.prefs.last_folder()) / _file_stem(ctx, title)),
        "Excel 工作簿 (*.xlsx)")
    if not path:
        return False
    target = _with_suffix(path)
    ctx.prefs.remember_folder(target)

    def succeeded(count: int) -> None:
        if on_done is not None:
            on_done(target, count)
        messages.inform(parent, "导出完成", f"已导出{title} {count} 条。", f"文件：{target}")

    def failed(error: BaseException) -> None:
        if not isinstance(error, Cancelled):
            messages.warn(parent, "无法导出", error_text(error))

    run_operation(parent, f"正在导出{title}…",
                  lambda p: ledger.export_file(ctx.db, ctx.actor, target, year=year, progress=p),
                  succeeded, failed)
    return True


def save_template(parent: QWidget, ctx: AppContext, kind: str) -> bool:
    ledger, title = _ledger(kind)
    path, _ = QFileDialog.getSaveFileName(
        parent, f"下载{title}模板", str(Path(ctx.prefs.last_folder()) / f"{title}模板.xlsx"),
        "Excel 工作簿 (*.xlsx)")
    if not path:
        return False
    target = _with_suffix(path)
    ctx.prefs.remember_folder(target)

    def succeeded(_: object) -> None:
        messages.inform(parent, "模板已保存",
                        f"空白模板已保存。按表头填写后，用“导入{title}”导入。", f"文件：{target}")

    def failed(error: BaseException) -> None:
        messages.warn(parent, "无法保存模板", error_text(error))

    run_operation(parent, "正在生成模板…", lambda _p: ledger.write_template(target), succeeded,
                  failed, cancellable=False)
    return True
