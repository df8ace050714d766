"""The activities table (代表活动): ids from `activities.search_ids`, one page of rows at a time
from `load_rows`, which counts the attendance and attachments in SQL."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from presidium_app.services import activities
from presidium_app.services.activities import ActivityRow
from presidium_app.storage.database import Database
from presidium_app.ui.models.lazy import Column, LazyTableModel

Index = QModelIndex | QPersistentModelIndex
ABSENT_COLOUR = QColor("#b54708")


def _count(value: int) -> str:
    return str(value)


ACTIVITY_COLUMNS: list[Column[ActivityRow]] = [
    Column("日期", lambda r: r.date.isoformat(), "0000-00-00"),
    Column("类型", lambda r: r.type_label, "代表小组活动"),
    Column("主题", lambda r: r.topic, "视察农村饮水安全工程建设情况", tooltip=True),
    Column("地点", lambda r: r.place, "东山村代表联络站", tooltip=True),
    Column("组织单位", lambda r: r.organiser, "镇人大主席团", tooltip=True),
    Column("应到", lambda r: _count(r.invited), "000"),
    Column("出席", lambda r: _count(r.present), "000"),
    Column("请假", lambda r: _count(r.excused), "000"),
    Column("缺席", lambda r: _count(r.absent), "000"),
    Column("附件", lambda r: str(r.attachments) if r.attachments else "", "00"),
]
TOPIC_COLUMN = 2
FIRST_COUNT_COLUMN = 5
ABSENT_COLUMN = 8


class ActivityModel(LazyTableModel[ActivityRow]):
    """Lazy activity rows; counts centred under their short headers, a non-zero 缺席 in amber so
    it is noticed."""

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(ACTIVITY_COLUMNS, lambda ids: activities.load_rows(db, ids), parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.isValid() and index.column() >= FIRST_COUNT_COLUMN:
                return Qt.AlignmentFlag.AlignCenter
            return None
        return super().data(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal
                and section >= FIRST_COUNT_COLUMN):
            return Qt.AlignmentFlag.AlignCenter
        return super().headerData(section, orientation, role)

    def foreground(self, row: ActivityRow, column: int) -> Any:
        return ABSENT_COLOUR if column == ABSENT_COLUMN and row.absent else None
