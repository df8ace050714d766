"""节假日与调休: the office's own calendar of the days the Monday–Friday rule gets wrong (public
holidays on weekdays, weekend days worked in exchange). Working-day deadlines read it through
services.workdays; this editor lists one year's marks and adds or removes one day at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import workdays
from presidium_app.services.errors import NotFound, ServiceError, ValidationFailed
from presidium_app.services.locking import UNCHECKED
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.models.lazy import Column, LazyTableModel
from presidium_app.ui.widgets.dates import from_qdate, to_qdate
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm
from presidium_app.ui.widgets.shortcuts import widget_shortcut
from presidium_app.ui.widgets.table import configure_record_table

WEEKDAYS = "一二三四五六日"
HOLIDAY, WORKDAY = "放假", "上班（调休）"
HOLIDAY_COLOUR, WORKDAY_COLOUR = QColor("#b54708"), QColor("#1e7b34")
RULE_TEXT = ("周六、周日是休息日，标为“上班（调休）”的除外；周一至周五是工作日，标为“放假”的除外。"
             "按工作日计算的期限（如承办单位退回交办有误的事项）据此推算。")


def weekday_name(day: dt.date) -> str:
    return "周" + WEEKDAYS[day.weekday()]


def kind_name(is_workday: bool) -> str:
    return WORKDAY if is_workday else HOLIDAY


@dataclass(frozen=True)
class DayRow:
    id: int
    day: dt.date
    is_workday: bool
    note: str


DAY_COLUMNS: list[Column[DayRow]] = [
    Column("日期", lambda r: f"{r.day.isoformat()} {weekday_name(r.day)}", "0000-00-00 周六"),
    Column("安排", lambda r: kind_name(r.is_workday), WORKDAY),
    Column("说明", lambda r: r.note, "春节调休上班", tooltip=True),
]
KIND_COLUMN = 1


class DaysModel(LazyTableModel[DayRow]):
    """One year's marked days, already in memory (a year has a few dozen at most)."""

    def __init__(self, parent: Any = None) -> None:
        self.rows: dict[int, DayRow] = {}
        super().__init__(DAY_COLUMNS, lambda ids: {i: self.rows[i] for i in ids if i in self.rows}, parent)

    def set_rows(self, rows: list[DayRow]) -> None:
        self.rows = {row.id: row for row in rows}
        self.invalidate()
        self.set_ids([row.id for row in rows])

    def foreground(self, row: DayRow, column: int) -> Any:
        if column != KIND_COLUMN:
            return None
        return WORKDAY_COLOUR if row.is_workday else HOLIDAY_COLOUR


class CalendarDaysEditor(QWidget):
    """The list of one year's holidays and 调休 working days, with 添加 and 删除."""

    changed = Signal()  # a day was added, changed or removed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, year: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        rule = QLabel(RULE_TEXT)
        rule.setObjectName("hint")
        rule.setWordWrap(True)
        layout.addWidget(rule)

        top = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年")
        self.year.setValue(year or dt.date.today().year)
        self.year.setToolTip("查看哪一年的安排")
        self.year.valueChanged.connect(self._year_changed)
        caption = QLabel("年份")
        caption.setBuddy(self.year)
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.remove_button = QPushButton("删除所选")
        self.remove_button.setToolTip("删除后这一天按星期几计算（Delete）")
        self.remove_button.clicked.connect(self.remove_selected)
        top.addWidget(caption)
        top.addWidget(self.year)
        top.addSpacing(10)
        top.addWidget(self.summary, 1)
        top.addWidget(self.remove_button)
        layout.addLayout(top)

        self.model = DaysModel(self)
        self.table = QTableView()
        configure_record_table(self.table, self.model)
        self.table.setMinimumHeight(150)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        widget_shortcut(Qt.Key.Key_Delete, self.table, self.remove_selected)
        layout.addWidget(self.table, 1)

        self.status = QLabel()
        self.status.setObjectName("savedHint")
        self.status.setWordWrap(True)
        self.status.hide()

        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd ddd")
        self.day.setMinimumDate(QDate(2000, 1, 1))
        self.day.setMaximumDate(QDate(2100, 12, 31))
        self.day.setDate(to_qdate(dt.date.today()))
        self.day.dateChanged.connect(self._day_changed)
        self.kind = QComboBox()
        self.kind.addItem(HOLIDAY, False)
        self.kind.addItem(WORKDAY, True)
        self.note = QLineEdit()
        self.note.setMaxLength(60)
        self.note.setPlaceholderText("说明，如：国庆节、春节调休")
        self.note.returnPressed.connect(self.add_day)
        self.add_button = QPushButton("添加")
        self.add_button.setToolTip("已设置过的日期会改为新的安排")
        self.add_button.clicked.connect(self.add_day)
        grid = QGridLayout()
        self.form = FieldForm(grid, columns=2)
        self.form.add("day", "日期", self.day, 0)
        self.form.add("is_workday", "安排", self.kind, 0, column=1)
        self.form.add("note", "说明", self.note, 1, span=2)
        grid.addWidget(self.add_button, 1, 4, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(grid)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        self._day_changed()
        self.reload()

    # -- reading ----------------------------------------------------------------------------
    # Signals reach bound methods, not lambdas: Qt disconnects a slot of a deleted widget, while a
    # lambda would still run (and touch deleted children) when a child signals as it is destroyed.
    def _year_changed(self, _year: int) -> None:
        self.reload()

    def reload(self, select: dt.date | None = None) -> None:
        days = workdays.list_calendar_days(self.ctx.db, self.year.value())
        rows = [DayRow(d.id, d.day, d.is_workday, d.note) for d in days]
        self.model.set_rows(rows)
        holidays = sum(1 for r in rows if not r.is_workday)
        if rows:
            self.summary.setText(f"已设置放假 {holidays} 天，调休上班 {len(rows) - holidays} 天")
        else:
            self.summary.setText("这一年还没有设置，按星期几计算")
        if select is not None and self.select_day(select):
            QTimer.singleShot(0, self._show_selected)  # again once the layout has settled
        self._selection_changed()

    def _show_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.table.scrollTo(rows[0])

    def days(self) -> list[tuple[dt.date, bool, str]]:
        """What the list shows: (date, is a working day, note), in date order."""
        return [(r.day, r.is_workday, r.note) for r in self.model.rows.values()]

    def selected(self) -> DayRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select_day(self, day: dt.date) -> bool:
        for row_number in range(self.model.rowCount()):
            record = self.model.record(row_number)
            if record is not None and record.day == day:
                self.table.selectRow(row_number)
                self.table.scrollTo(self.model.index(row_number, 0))
                return True
        return False

    def _selection_changed(self, *_args: object) -> None:
        self.remove_button.setEnabled(self.selected() is not None)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _day_changed(self, *_args: object) -> None:
        """A weekend day is usually entered to be worked, a weekday to be a holiday."""
        weekend = from_qdate(self.day.date()).weekday() >= 5
        self.kind.setCurrentIndex(self.kind.findData(weekend))

    # -- writing ----------------------------------------------------------------------------
    def add_day(self) -> bool:
        day = from_qdate(self.day.date())
        is_workday = bool(self.kind.currentData())
        shown = {d: (w, n) for d, w, n in self.days()} if day.year == self.year.value() else None
        marked = set(shown or ())
        self.form.clear_errors()
        self.error.show_message("")
        self._say("")
        try:
            # The list shows this year's marks: a day it shows otherwise than stored now was
            # changed by another user meanwhile, and the save is refused (Conflict).
            workdays.set_calendar_day(
                self.ctx.db, self.ctx.actor, day, is_workday, self.note.text(),
                opened_with=UNCHECKED if shown is None else shown.get(day))
        except ValidationFailed as exc:
            self.error.show_message("；".join(self.form.show_errors(exc.field_errors)))
            return False
        except ServiceError as exc:
            self.error.show_message(exc.message)
            return False
        label = f"{day.isoformat()}（{weekday_name(day)}）"
        if day in marked:
            text = f"已把{label}改为{kind_name(is_workday)}"
        else:
            text = f"已添加{label}：{kind_name(is_workday)}"
        if is_workday == (day.weekday() < 5):
            text += "。这一天本来就是" + ("工作日" if is_workday else "休息日") + "，不影响期限计算"
        self.note.clear()
        self.year.blockSignals(True)
        self.year.setValue(day.year)
        self.year.blockSignals(False)
        self.reload(select=day)
        self._say(text)
        self.changed.emit()
        return True

    def remove_selected(self) -> bool:
        row = self.selected()
        if row is None:
            return False
        what = f"{row.day.isoformat()}（{weekday_name(row.day)}）的“{kind_name(row.is_workday)}”"
        if row.note:
            what += f"（{row.note}）"
        plain = "工作日" if row.day.weekday() < 5 else "休息日"
        if not messages.ask(self, "删除节假日或调休", f"删除{what}吗？", yes="删除",
                            detail=f"删除后这一天按星期几计算，是{plain}。", danger=True):
            return False
        self._say("")
        try:
            workdays.remove_calendar_day(self.ctx.db, self.ctx.actor, row.day,
                                         opened_with=(row.is_workday, row.note))
        except NotFound as exc:
            self.error.show_message(exc.message)
            self.reload()
            return False
        except ServiceError as exc:
            self.error.show_message(exc.message)
            return False
        self.error.show_message("")
        self.reload()
        self._say(f"已删除{row.day.isoformat()}，这一天按{plain}计算")
        self.changed.emit()
        return True
