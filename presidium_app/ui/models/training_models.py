"""The tables of the 学习培训 page: the sessions of one annual plan, and the deputies not trained
this term.

A plan has a dozen sessions at most and `training.get_plan` returns them all with their attendance
counted, so the sessions model is a plain list model. The untrained list can be as long as the
roster, so it is a lazy model over mandate ids with the roster's own row loader (which also knows
each deputy's group and station).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from presidium_app.services import deputies
from presidium_app.services.deputies import DeputyRow
from presidium_app.services.training import SessionRecord
from presidium_app.storage.database import Database
from presidium_app.ui.models.lazy import Column, LazyTableModel

Index = QModelIndex | QPersistentModelIndex

OVERDUE_BACKGROUND = QColor("#fff4e5")
OVERDUE_TEXT = QColor("#b54708")
HELD_TEXT = QColor("#1e7b34")


def format_hours(hours: float) -> str:
    """3.0 → "3", 2.5 → "2.5": staff write whole hours without a decimal point."""
    return f"{hours:g}"


def planned_when(record: SessionRecord, year: int) -> str:
    """The planned time as the plan prints it: 2026年5月20日, or 2026年5月 while the day is open."""
    day = record.data.planned_date
    if day is not None:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{year}年{record.data.planned_month}月"


def planned_deadline(record: SessionRecord, year: int) -> dt.date:
    """The last day the plan allows: the planned date, else the end of the planned month."""
    if record.data.planned_date is not None:
        return record.data.planned_date
    month = record.data.planned_month
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def is_overdue(record: SessionRecord, year: int, today: dt.date) -> bool:
    """Not held, and its planned day (or month) is already past."""
    return not record.held and planned_deadline(record, year) < today


def status_text(record: SessionRecord, year: int, today: dt.date) -> str:
    if record.held and record.held_on is not None:
        day = record.held_on
        return f"已举办 {day.month}月{day.day}日，出席{record.present}人"
    if record.held:
        return f"已举办，出席{record.present}人"
    return "未举办，已过计划时间" if is_overdue(record, year, today) else "未举办"


def status_tooltip(record: SessionRecord, year: int, today: dt.date) -> str:
    if record.held:
        place = f"，地点：{record.held_place}" if record.held_place else ""
        return (f"已于{record.held_on:%Y年%m月%d日}举办{place}。"
                f"出席 {record.present} 人，请假 {record.excused} 人，缺席 {record.absent} 人。"
                if record.held_on else "已举办")
    if is_overdue(record, year, today):
        return (f"计划在{planned_when(record, year)}举办，时间已过，还没有登记举办。"
                "已经办了的，请点“举办本场…”登记出勤；推迟的，请修改计划时间。")
    return "尚未举办。举办后点“举办本场…”登记出勤。"


SESSION_COLUMNS: list[Column[SessionRecord]] = [
    Column("时间", lambda r: "", "2026年12月28日"),
    Column("主题", lambda r: r.data.topic, "代表建议撰写方法", tooltip=True),
    Column("形式", lambda r: r.data.form.label, "集中授课"),
    Column("主讲人", lambda r: r.data.speaker, "县人大代表工", tooltip=True),
    Column("地点", lambda r: r.data.place, "镇政府会议室", tooltip=True),
    Column("学时", lambda r: format_hours(r.data.hours), "学时"),
    Column("培训对象", lambda r: r.data.audience, "全体镇人大代", tooltip=True),
    Column("状态", lambda r: "", "已举办 12月28日，出席99人"),
]
WHEN_COLUMN = 0
TOPIC_COLUMN = 1
HOURS_COLUMN = 5
STATUS_COLUMN = 7


class SessionsModel(QAbstractTableModel):
    """The sessions of one plan in calendar order. Sessions whose planned time has passed without
    being held are shaded, so a forgotten or postponed one is seen at once."""

    def __init__(self, parent: Any = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.columns = SESSION_COLUMNS
        self.year = (today or dt.date.today()).year
        self.today = today
        self._rows: list[SessionRecord] = []

    def set_sessions(self, year: int, sessions: Sequence[SessionRecord]) -> None:
        self.beginResetModel()
        self.year = year
        self._rows = list(sessions)
        self.endResetModel()

    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    def session_at(self, row: int) -> SessionRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, session_id: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == session_id), None)

    def sessions(self) -> list[SessionRecord]:
        return list(self._rows)

    # -- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def text(self, record: SessionRecord, column: int) -> str:
        if column == WHEN_COLUMN:
            return planned_when(record, self.year)
        if column == STATUS_COLUMN:
            return status_text(record, self.year, self._today())
        return self.columns[column].text(record)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self.columns):
            return None
        record = self.session_at(index.row())
        if record is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(record, column)
        if role == Qt.ItemDataRole.UserRole:
            return record.id
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == STATUS_COLUMN:
                return status_tooltip(record, self.year, self._today())
            return self.text(record, column) if self.columns[column].tooltip else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == HOURS_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        overdue = is_overdue(record, self.year, self._today())
        if role == Qt.ItemDataRole.BackgroundRole and overdue:
            return OVERDUE_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS_COLUMN:
            if overdue:
                return OVERDUE_TEXT
            if record.held:
                return HELD_TEXT
        return None


UNTRAINED_COLUMNS: list[Column[DeputyRow]] = [
    Column("姓名", lambda r: r.name, "欧阳明远"),
    Column("代表小组", lambda r: r.group, "第一代表小组", tooltip=True),
    Column("联络站", lambda r: r.station, "东山村联络站", tooltip=True),
]


class UntrainedModel(LazyTableModel[DeputyRow]):
    """Deputies serving this term with no training attended, as mandate ids in the order the
    training service gives (pinyin of the name); rows come from the roster's loader."""

    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(UNTRAINED_COLUMNS, lambda ids: deputies.load_rows(db, ids), parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The name's tooltip carries the mobile number: the office rings these deputies."""
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == 0:
            row = self.record(index.row())
            if row is not None:
                return f"{row.name}　{row.mobile}" if row.mobile else row.name
        return super().data(index, role)
