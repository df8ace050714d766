"""Working days (工作日): Monday to Friday, except the public holidays, plus the 调休 weekend days
that are worked. The State Council publishes the year's list late in the previous year, so the
office keeps it itself (`CalendarDay`) and can add a day no package knows yet.

The core (`is_workday`, `add_working_days`) is pure and takes the overrides as a mapping, so it is
tested without a database; `load_overrides` reads them from the database.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select

from presidium_app.domain.mailbox import CalendarDay
from presidium_app.services.audit import Actor, unit_of_work
from presidium_app.services.errors import NotFound, ValidationFailed
from presidium_app.services.locking import UNCHECKED, Unchecked, check_value
from presidium_app.storage.database import Database

Overrides = Mapping[dt.date, bool]
DayMark = tuple[bool, str]
"""What the office set for a day: (is a working day, note)."""


def is_workday(day: dt.date, overrides: Overrides | None = None) -> bool:
    """True on a working day: an override (holiday or 调休) wins over the weekday rule."""
    if overrides and day in overrides:
        return overrides[day]
    return day.weekday() < 5


def add_working_days(start: dt.date, n: int, overrides: Overrides | None = None) -> dt.date:
    """The n-th working day after `start` (start itself not counted); n == 0 gives start."""
    if n < 0:
        raise ValueError("工作日数不能为负数")
    day = start
    remaining = n
    while remaining:
        day += dt.timedelta(days=1)
        if is_workday(day, overrides):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, overrides: Overrides | None = None) -> int:
    """How many working days fall after `start` up to and including `end`."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day, overrides):
            count += 1
    return count


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day (1月31日 + 1 month = 2月28/29日)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def load_overrides(db: Database) -> dict[dt.date, bool]:
    with db.session() as session:
        return {row.day: row.is_workday for row in session.scalars(select(CalendarDay))}


def list_calendar_days(db: Database, year: int | None = None) -> list[CalendarDay]:
    with db.session() as session:
        statement = select(CalendarDay).order_by(CalendarDay.day)
        if year is not None:
            statement = statement.where(
                CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31)
            )
        return list(session.scalars(statement))


def _check_mark(row: CalendarDay | None, opened_with: DayMark | Unchecked | None) -> None:
    """Refuse a change made from a list that showed the day otherwise than it is now: another user
    marked, changed or removed it meanwhile (the calendar days' optimistic lock, by value)."""
    check_value(None if row is None else (row.is_workday, row.note), opened_with)


def set_calendar_day(db: Database, actor: Actor, day: dt.date, is_workday: bool, note: str = "",
                     opened_with: DayMark | Unchecked | None = UNCHECKED) -> None:
    """Mark a day as a holiday (is_workday=False) or a 调休 working day; replaces an earlier mark.
    `opened_with` is the mark the caller showed for the day (None: unmarked): when the day
    changed since, the save is a Conflict."""
    note = note.strip()
    if len(note) > 60:
        raise ValidationFailed({"note": "说明过长（最多60字）"})
    kind = "调休上班" if is_workday else "放假"
    with unit_of_work(db, actor, "calendar.set", "calendar_day") as change:
        row = change.session.scalar(
            select(CalendarDay).where(CalendarDay.day == day).with_for_update())
        _check_mark(row, opened_with)
        if row is None:
            row = CalendarDay(day=day, is_workday=is_workday, note=note)
            change.session.add(row)
        else:
            change.before = {"day": day, "is_workday": row.is_workday, "note": row.note}
            row.is_workday, row.note = is_workday, note
        change.session.flush()
        change.object_id = row.id
        change.summary = f"设置{day.isoformat()}为{kind}" + (f"（{note}）" if note else "")
        change.after = {"day": day, "is_workday": is_workday, "note": note}


def remove_calendar_day(db: Database, actor: Actor, day: dt.date,
                        opened_with: DayMark | Unchecked = UNCHECKED) -> None:
    """Forget a mark, so the day follows the weekday rule again; `opened_with` as for
    `set_calendar_day` (a mark another user changed meanwhile is not removed unseen)."""
    with unit_of_work(db, actor, "calendar.remove", "calendar_day") as change:
        row = change.session.scalar(
            select(CalendarDay).where(CalendarDay.day == day).with_for_update())
        if row is None:
            raise NotFound(f"{day.isoformat()}没有设置放假或调休")
        _check_mark(row, opened_with)
        change.object_id = row.id
        change.before = {"day": day, "is_workday": row.is_workday, "note": row.note}
        change.summary = f"取消{day.isoformat()}的放假/调休设置"
        change.session.delete(row)
