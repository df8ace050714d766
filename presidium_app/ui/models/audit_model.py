"""The audit log table (操作日志): entry ids newest first, rows fetched page by page."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from presidium_app.services import audit_log
from presidium_app.services.audit_log import AuditRow
from presidium_app.storage.database import Database
from presidium_app.ui.models.lazy import Column, LazyTableModel

FAILED = QColor("#b42318")

AUDIT_COLUMNS: list[Column[AuditRow]] = [
    Column("时间", lambda r: r.at.strftime("%Y-%m-%d %H:%M:%S"), "0000-00-00 00:00:00"),
    Column("操作人", lambda r: r.user, "管理员"),
    Column("操作", lambda r: r.action_label, "新增代表小组"),
    Column("对象", lambda r: r.object_label, "代表小组 0000号"),
    Column("摘要", lambda r: r.summary, "修改代表：欧阳明远", tooltip=True),
    Column("结果", lambda r: "成功" if r.success else "失败", "结果"),
]
SUMMARY_COLUMN = 4


class AuditModel(LazyTableModel[AuditRow]):
    """Lazy log rows; refused actions are shown in red."""

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(AUDIT_COLUMNS, lambda ids: audit_log.load_rows(db, ids), parent)

    def foreground(self, row: AuditRow, column: int) -> Any:
        return None if row.success else FAILED
