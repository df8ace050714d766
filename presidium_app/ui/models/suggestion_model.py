"""The suggestions table (代表建议): ids from `suggestion_list.search_ids`, one page of rows at a time
from `load_rows`. Overdue suggestions are red on pale red, with how many days late in the 答复期限
column, as in the mailbox list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from presidium_app.domain.enums import SuggestionStatus
from presidium_app.services import suggestion_list
from presidium_app.services.suggestion_list import SuggestionRow
from presidium_app.storage.database import Database
from presidium_app.ui.models.lazy import Column, LazyTableModel

Index = QModelIndex | QPersistentModelIndex
OVERDUE_TEXT = QColor("#b42318")
OVERDUE_BACKGROUND = QColor("#fdecea")
CLOSED_TEXT = QColor("#6b7280")


def deadline_text(row: SuggestionRow) -> str:
    if row.deadline is None:
        return ""
    if row.overdue:
        return f"{row.deadline.isoformat()} 逾期{row.overdue_days}天"
    return row.deadline.isoformat()


def co_signers_text(row: SuggestionRow) -> str:
    return f"{row.co_signer_count}人" if row.co_signer_count else ""


# What staff look for first comes first, so it fits beside the detail pane on a 1366 screen; the
# date put forward (in the number's year and the detail pane too) comes last and starts hidden
# (the page's header menu shows it).
SUGGESTION_COLUMNS: list[Column[SuggestionRow]] = [
    Column("编号", lambda r: r.number, "2026-000"),
    Column("标题", lambda r: r.title, "关于修缮村道路的建议", tooltip=True),
    Column("领衔代表", lambda r: r.lead_deputy, "欧阳明远"),
    Column("附议", co_signers_text, "00人"),
    Column("类别", lambda r: r.category, "交通道路", tooltip=True),
    Column("主办单位", lambda r: r.lead_unit, "镇农业农村办", tooltip=True),
    Column("答复期限", deadline_text, "0000-00-00 逾期000天"),
    Column("状态", lambda r: r.status_label, "已测评"),
    Column("结果", lambda r: r.result_letter, "结果"),
    Column("满意度", lambda r: r.satisfaction_label, "基本满意"),
    Column("提出日期", lambda r: r.submitted_on.isoformat(), "0000-00-00"),
]
NUMBER_COLUMN = 0
TITLE_COLUMN = 1
CO_SIGNERS_COLUMN = 3
DEADLINE_COLUMN = 6
STATUS_COLUMN = 7
RESULT_COLUMN = 8
SUBMITTED_COLUMN = 10
CENTRED = frozenset({CO_SIGNERS_COLUMN, RESULT_COLUMN})
FIXED_COLUMNS = frozenset({NUMBER_COLUMN, TITLE_COLUMN})  # always shown
HIDDEN_AT_FIRST = frozenset({SUBMITTED_COLUMN})

class SuggestionModel(LazyTableModel[SuggestionRow]):
    """Lazy suggestion rows. `today` (None: the real today) decides what is overdue, as the
    service's filter does, so the colours and the 逾期 tab always agree."""

    def __init__(self, db: Database, parent: Any = None) -> None:
        self.today: dt.date | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        super().__init__(SUGGESTION_COLUMNS,
                         lambda ids: suggestion_list.load_rows(db, ids, self.today), parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            row = self.record(index.row())
            return QBrush(OVERDUE_BACKGROUND) if row is not None and row.overdue else None
        if role == Qt.ItemDataRole.FontRole and index.column() == DEADLINE_COLUMN:
            row = self.record(index.row())
            return self._bold if row is not None and row.overdue else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter if index.column() in CENTRED else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (CO_SIGNERS_COLUMN, RESULT_COLUMN):
            row = self.record(index.row())
            if row is None:
                return None
            if index.column() == CO_SIGNERS_COLUMN:
                return "、".join(row.co_signers) or None
            return f"{row.result_letter} {row.result_class.label}" if row.result_class else None
        return super().data(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal
                and section in CENTRED):
            return Qt.AlignmentFlag.AlignCenter
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal
                and section == RESULT_COLUMN):
            return "办理结果分类：A 已解决，B 正在解决，C 列入计划，D 留作参考"
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal
                and section == CO_SIGNERS_COLUMN):
            return "附议代表人数（指向单元格可看姓名）"
        return super().headerData(section, orientation, role)

    def foreground(self, row: SuggestionRow, column: int) -> Any:
        if row.overdue:
            return OVERDUE_TEXT
        if row.status == SuggestionStatus.CLOSED and column == STATUS_COLUMN:
            return CLOSED_TEXT
        return None
