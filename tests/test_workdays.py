"""Working days across weekends, public holidays and 调休, and the office's own calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from presidium_app.services import audit, workdays
from presidium_app.services.audit import Actor
from presidium_app.services.errors import NotFound
from presidium_app.storage.database import Database

D = dt.date

# 国庆 2026 as a test calendar: 10-01..10-07 off, Saturday 10-10 worked (调休).
NATIONAL_DAY = {D(2026, 10, day): False for day in range(1, 8)} | {D(2026, 10, 10): True}


def test_plain_weekdays_and_weekends() -> None:
    assert workdays.is_workday(D(2026, 11, 20))  # Friday
    assert not workdays.is_workday(D(2026, 11, 21))  # Saturday
    assert not workdays.is_workday(D(2026, 11, 22))  # Sunday


def test_across_a_weekend() -> None:
    friday = D(2026, 11, 20)
    assert workdays.add_working_days(friday, 1) == D(2026, 11, 23)  # Monday
    assert workdays.add_working_days(friday, 7) == D(2026, 12, 1)
    assert workdays.add_working_days(D(2026, 11, 21), 1) == D(2026, 11, 23)  # from a Saturday
    assert workdays.add_working_days(friday, 0) == friday


def test_across_public_holidays_and_a_make_up_saturday() -> None:
    # Assigned on Wednesday 09-30: 10-01..07 off; 10-08 (Thu) 1, 10-09 (Fri) 2,
    # Saturday 10-10 is a 调休 working day 3, 10-12 (Mon) 4 … 10-15 (Thu) 7.
    assert workdays.add_working_days(D(2026, 9, 30), 7, NATIONAL_DAY) == D(2026, 10, 15)
    assert workdays.add_working_days(D(2026, 9, 30), 3, NATIONAL_DAY) == D(2026, 10, 10)
    # Without the calendar the same count ends much earlier.
    assert workdays.add_working_days(D(2026, 9, 30), 7) == D(2026, 10, 9)
    assert workdays.is_workday(D(2026, 10, 10), NATIONAL_DAY)
    assert not workdays.is_workday(D(2026, 10, 5), NATIONAL_DAY)  # a Monday off
    assert workdays.working_days_between(D(2026, 9, 30), D(2026, 10, 15), NATIONAL_DAY) == 7


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2026, 1, 1), -1)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 12, 1), 1, D(2027, 1, 1)),
    ],
)
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert workdays.add_months(start, months) == expected


def test_office_calendar_is_stored_and_audited(empty_db: Database, actor: Actor) -> None:
    entries = audit.count_entries(empty_db)
    for day, is_work in NATIONAL_DAY.items():
        workdays.set_calendar_day(empty_db, actor, day, is_work, "国庆节" if not is_work else "国庆调休")
    assert audit.count_entries(empty_db) == entries + len(NATIONAL_DAY)
    overrides = workdays.load_overrides(empty_db)
    assert overrides == NATIONAL_DAY
    assert workdays.add_working_days(D(2026, 9, 30), 7, overrides) == D(2026, 10, 15)
    assert workdays.list_calendar_days(empty_db, 2026)[0].day == D(2026, 10, 1)
    assert workdays.list_calendar_days(empty_db, 2027) == []

    # A mark can be changed (the package or the office got it wrong) and removed.
    workdays.set_calendar_day(empty_db, actor, D(2026, 10, 10), False, "改为放假")
    assert workdays.load_overrides(empty_db)[D(2026, 10, 10)] is False
    workdays.remove_calendar_day(empty_db, actor, D(2026, 10, 10))
    assert D(2026, 10, 10) not in workdays.load_overrides(empty_db)
    with pytest.raises(NotFound):
        workdays.remove_calendar_day(empty_db, actor, D(2026, 10, 10))
