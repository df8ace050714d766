"""Two staff members edit the same deputy at once: the second save shows the conflict message,
keeps the dialog open with what was typed, and the first save stands. Reopening and saving again
works. The same for the calendar list and the villages list, which lock by value."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate

from presidium_app.services import deputies, mailbox, workdays
from presidium_app.services.audit import CONFLICT_MESSAGE, Actor
from presidium_app.storage.database import Database
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.deputy_dialog import DeputyDialog
from tests.test_training import add_deputy


def test_two_deputy_dialogs_on_the_same_deputy(qtbot: Any, db: Database, ctx: Any, messages_log: Any) -> None:
    mandate_id, _deputy_id = add_deputy(db, ctx.actor, "张三", 1)
    other_pc = Database(db.url, db.paths)
    try:
        colleague = AppContext(other_pc, Actor("乙"))
        mine = DeputyDialog(ctx, mandate_id)
        theirs = DeputyDialog(colleague, mandate_id)
        qtbot.addWidget(mine)
        qtbot.addWidget(theirs)
        mine.show()
        theirs.show()

        mine.mobile.setText("13900000001")
        assert mine.save()
        theirs.mobile.setText("13900000002")
        theirs.workplace.setText("东坑村村委会")
        assert not theirs.save()

        assert theirs.isVisible() and theirs.result() == 0  # still open, nothing accepted
        assert theirs.general_error.text() == CONFLICT_MESSAGE and theirs.general_error.isVisible()
        assert messages_log.shown[-1][:3] == ("warn", "未能保存", CONFLICT_MESSAGE)
        assert theirs.mobile.text() == "13900000002"  # their input is kept to copy from
        assert theirs.workplace.text() == "东坑村村委会"
        stored = deputies.get_deputy(db, mandate_id).data
        assert (stored.mobile, stored.workplace) == ("13900000001", "东坑村党支部书记")

        theirs.close()
        reopened = DeputyDialog(colleague, mandate_id)
        qtbot.addWidget(reopened)
        assert reopened.mobile.text() == "13900000001"
        reopened.workplace.setText("东坑村村委会")
        assert reopened.save()
        stored = deputies.get_deputy(db, mandate_id).data
        assert (stored.mobile, stored.workplace) == ("13900000001", "东坑村村委会")
    finally:
        other_pc.dispose()


def test_calendar_and_village_lists_refuse_a_stale_save(qtbot: Any, db: Database, ctx: Any) -> None:
    from presidium_app.ui.widgets.calendar_days import CalendarDaysEditor
    from presidium_app.ui.widgets.choice_list import ChoiceListEditor

    villages = ChoiceListEditor(ctx, "village")
    qtbot.addWidget(villages)
    mailbox.set_choices(db, Actor("乙"), "village", ["西坑村"])  # a colleague saves meanwhile
    assert villages.add_name("东坑村")
    assert not villages.save()
    assert villages.error.text() == CONFLICT_MESSAGE
    assert villages.names() == ["东坑村"]  # the input stays on screen
    assert mailbox.list_choices(db, "village") == ["西坑村"]

    day = dt.date(2026, 10, 8)
    calendar = CalendarDaysEditor(ctx)
    qtbot.addWidget(calendar)
    calendar.year.setValue(2026)
    workdays.set_calendar_day(db, Actor("乙"), day, False, "国庆节")  # not yet in the list shown
    calendar.day.setDate(QDate(day.year, day.month, day.day))
    calendar.note.setText("调休")
    assert not calendar.add_day()
    assert calendar.error.text() == CONFLICT_MESSAGE
    assert workdays.load_overrides(db) == {day: False}
    calendar.reload()
    assert calendar.add_day()  # now it knows the mark it replaces
    assert [(d.day, d.note) for d in workdays.list_calendar_days(db, 2026)] == [(day, "调休")]
