"""The roster table (代表名册): mandate ids from `deputies.search_ids`, rows from `load_rows`."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from presidium_app.domain.enums import DeputyStatus
from presidium_app.services import deputies
from presidium_app.services.deputies import DeputyRow
from presidium_app.storage.database import Database
from presidium_app.ui.models.lazy import Column, LazyTableModel

INACTIVE = QColor("#8a8f98")


def _date(row: DeputyRow) -> str:
    return row.birth_date.isoformat() if row.birth_date else ""


ROSTER_COLUMNS: list[Column[DeputyRow]] = [
    Column("姓名", lambda r: r.name, "欧阳明远"),
    Column("性别", lambda r: r.gender, "性别"),
    Column("出生日期", _date, "0000-00-00"),
    Column("代表层级", lambda r: r.levels, "乡镇、县", tooltip=True),
    Column("届次", lambda r: r.term, "第十九届"),
    Column("选区", lambda r: r.constituency, "第15选区", tooltip=True),
    Column("代表小组", lambda r: r.group, "第一代表小组（东", tooltip=True),
    Column("联络站", lambda r: r.station, "东山村代表联络站", tooltip=True),
    Column("工作单位及职务", lambda r: r.workplace, "青山镇中心小学校", tooltip=True),
    Column("手机号码", lambda r: r.mobile, "00000000000"),
    Column("状态", lambda r: r.status.label, "状态"),
]
TERM_COLUMN = 4
WORKPLACE_COLUMN = 8


class RosterModel(LazyTableModel[DeputyRow]):
    """Lazy roster rows; deputies no longer serving are shown in grey."""

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(ROSTER_COLUMNS, lambda ids: deputies.load_rows(db, ids), parent)

    def foreground(self, row: DeputyRow, column: int) -> Any:
        return INACTIVE if row.status != DeputyStatus.SERVING else None
