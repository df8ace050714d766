"""The mailbox table (社情民意): ids from `opinion_list.search_ids`, one page of rows at a time
from `load_rows`. Submitters are masked there; overdue items are red on pale red, with how many
days late in the 办理期限 column."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from presidium_app.services import opinion_list
from presidium_app.services.opinion_list import OpinionRow
from presidium_app.storage.database import Database
from presidium_app.ui.models.lazy import Column, LazyTableModel

OVERDUE_TEXT = QColor("#b42318")
OVERDUE_BACKGROUND = QColor("#fdecea")
CLOSED_TEXT = QColor("#6b7280")


def deadline_text(row: OpinionRow) -> str:
    if row.deadline is None:
        return ""
    if row.overdue:
        return f"{row.deadline.isoformat()} 逾期{row.overdue_days}天"
    return row.deadline.isoformat()


# The order puts first what staff look for; 渠道 comes last, the first to scroll out of view on
# a small screen.
OPINION_COLUMNS: list[Column[OpinionRow]] = [
    Column("编号", lambda r: r.number, "2026-00000"),
    Column("状态", lambda r: r.status_label, "不予受理"),
    Column("收到日期", lambda r: r.received_on.isoformat(), "0000-00-00"),
    Column("反映人", lambda r: r.submitter_name, "欧**文"),
    Column("村/社区", lambda r: r.village, "青山社区", tooltip=True),
    Column("类别", lambda r: r.category, "交通道路"),
    Column("内容摘要", lambda r: r.excerpt, "村口道路破损严重", tooltip=True),
    Column("主办单位", lambda r: r.lead_unit, "镇农业农村办", tooltip=True),
    Column("办理期限", deadline_text, "0000-00-00 逾期000天"),
    Column("渠道", lambda r: r.channel_label, "代表转交"),
]
NUMBER_COLUMN = 0
STATUS_COLUMN = 1
SUBMITTER_COLUMN = 3
CONTENT_COLUMN = 6
DEADLINE_COLUMN = 8


class OpinionModel(LazyTableModel[OpinionRow]):
    """Lazy opinion rows. `today` (None: the real today) decides what is overdue, as the
    service's filter does, so the colours and the 逾期 tab always agree."""

    ROLES = LazyTableModel.ROLES | {int(Qt.ItemDataRole.BackgroundRole), int(Qt.ItemDataRole.FontRole)}

    def __init__(self, db: Database, parent: Any = None) -> None:
        self.today: dt.date | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self._overdue_background = QBrush(OVERDUE_BACKGROUND)
        super().__init__(OPINION_COLUMNS,
                         lambda ids: opinion_list.load_rows(db, ids, self.today), parent)

    def present(self, row: OpinionRow) -> dict[int, tuple[Any, ...]]:
        cells = super().present(row)
        tooltips = list(cells[int(Qt.ItemDataRole.ToolTipRole)])
        tooltips[SUBMITTER_COLUMN] = row.submitter  # masked name and phone
        cells[int(Qt.ItemDataRole.ToolTipRole)] = tuple(tooltips)
        none = (None,) * len(self.columns)
        cells[int(Qt.ItemDataRole.BackgroundRole)] = (
            (self._overdue_background,) * len(self.columns) if row.overdue else none)
        cells[int(Qt.ItemDataRole.FontRole)] = tuple(
            self._bold if row.overdue and column == DEADLINE_COLUMN else None
            for column in range(len(self.columns)))
        return cells

    def foreground(self, row: OpinionRow, column: int) -> Any:
        if row.overdue:
            return OVERDUE_TEXT
        if row.status in opinion_list.TAB_BY_KEY["out"].statuses and column == STATUS_COLUMN:
            return CLOSED_TEXT
        return None
