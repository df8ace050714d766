"""The 学习培训 page: plans, sessions through their dialogs, holding a session with attendance, and
the untrained-this-term list that follows the records (the issue's flow)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFileDialog

from presidium_app.domain.enums import ActivityType, Attendance, TrainingForm
from presidium_app.services import activities, deputies, township, training
from presidium_app.services.activities import ParticipantInput
from presidium_app.services.training import SessionInput
from presidium_app.ui.dialogs.activity_dialog import ActivityDialog
from presidium_app.ui.dialogs.hold_session_dialog import HoldSessionDialog, default_held_on
from presidium_app.ui.models.training_models import (
    OVERDUE_BACKGROUND,
    STATUS_COLUMN,
    SessionsModel,
    UntrainedModel,
)
from presidium_app.ui.operations import wait_for_operations
from presidium_app.ui.pages.training import TrainingPage
from tests.helpers import deputy_input, make_id

TODAY = dt.date.today()
YEAR = min(TODAY.year, 2026)  # inside the test term 第十九届 (2021–2026)
HELD_ON = min(TODAY, dt.date(YEAR, 12, 31))


@pytest.fixture
def three(db: Any, actor: Any) -> list[int]:
    """Deputy ids of 张三, 李四, 王五: serving township deputies of the current term."""
    term = township.current_term(db)
    assert term is not None
    ids = []
    for seq, name in enumerate(("张三", "李四", "王五")):
        birth = dt.date(1965 + seq, 3, 1 + seq)
        mandate_id = deputies.add_deputy(db, actor, deputy_input(
            term.id, name, birth_date=birth, id_number=make_id(birth, 201 + 2 * seq),
            mobile=f"1380000000{seq}"))
        ids.append(deputies.get_deputy(db, mandate_id).deputy_id)
    return ids


@pytest.fixture
def page(window: Any) -> TrainingPage:
    shown = window.show_page("training")
    assert isinstance(shown, TrainingPage)
    return shown


def _planned(db: Any, actor: Any, topic: str = "宪法和代表法学习", month: int = 3,
             day: dt.date | None = None) -> tuple[int, int]:
    plan = training.find_plan(db, YEAR)
    plan_id = plan.id if plan else training.create_plan(db, actor, YEAR)
    session_id = training.add_session(db, actor, plan_id, SessionInput(
        planned_month=month, planned_date=day, topic=topic, form=TrainingForm.LECTURE,
        speaker="县人大常委会代表工委负责同志", place="镇政府三楼会议室", hours=3.0,
        audience="全体镇人大代表"))
    return plan_id, session_id


def _status(page: TrainingPage, row: int = 0) -> str:
    return str(page.model.index(row, STATUS_COLUMN).data())


# --- the flow ---------------------------------------------------------------------------


def test_hold_a_planned_session_and_watch_the_untrained_shortfall_disappear(
        qtbot: Any, three: list[int], page: TrainingPage, db: Any) -> None:
    zhang, li, wang = three
    assert page.plan_stack.currentWidget() is page.no_plan
    assert page.untrained.names() == ["李四", "王五", "张三"]  # pinyin order
    assert page.untrained.title.text() == "本届未参加培训的代表（3人）"

    # A plan for the year, with the usual title.
    plan_dialog = page.new_plan()
    plan_dialog.year.setValue(YEAR)
    assert plan_dialog.title.text() == f"{YEAR}年度青山镇人大代表学习培训计划"
    plan_dialog.goals.setPlainText("提高代表依法履职能力")
    with qtbot.waitSignal(plan_dialog.accepted):
        qtbot.mouseClick(plan_dialog.save_button, Qt.MouseButton.LeftButton)
    assert page.plan_stack.currentWidget() is page.plan_body
    assert page.year_combo.currentText() == f"{YEAR}年度"
    assert page.plan_title.text() == f"{YEAR}年度青山镇人大代表学习培训计划"
    assert "提高代表依法履职能力" in page.plan_goals.text()
    assert page.table_stack.currentWidget() is page.no_sessions

    # A session: the topic forgotten first, the dialog says so under the field and stays open.
    dialog = page.add_session()
    assert dialog is not None
    dialog.speaker.setText("县人大常委会代表工委负责同志")
    dialog.place.setText("镇政府三楼会议室")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_text("topic") == "请填写培训主题"
    assert training.get_plan(db, YEAR).sessions == []
    dialog.topic.setText("宪法和代表法学习")
    dialog.form_combo.setCurrentIndex(dialog.form_combo.findData(TrainingForm.SEMINAR.value))
    dialog.hours.setValue(2.5)
    dialog.planned_date.setValue(HELD_ON)
    assert dialog.month.currentData() == HELD_ON.month  # the month follows the date
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1
    assert page.model.index(0, 1).data() == "宪法和代表法学习"
    assert page.model.index(0, 2).data() == "专题讲座"
    assert page.model.index(0, 5).data() == "2.5"
    assert _status(page).startswith("未举办")
    assert page.coverage_texts() == ("0 / 1", "0", "0 / 3")
    assert page.selected_id() == page.model.sessions()[0].id

    # Hold it: everyone serving is ticked 出席 by default; 王五 did not come.
    hold = page.hold_selected()
    assert isinstance(hold, HoldSessionDialog)
    assert hold.held_date() == HELD_ON  # the planned day
    assert hold.place.text() == "镇政府三楼会议室"  # the planned place
    assert {p.deputy_id for p in hold.attendance.participants()} == {zhang, li, wang}
    assert hold.attendance.counts().present == 3
    hold.attendance.set_attendance(wang, Attendance.ABSENT)
    hold.place.setText("镇人大代表之家")
    hold.summary.setPlainText("学习宪法第三章")
    with qtbot.waitSignal(hold.accepted):
        qtbot.mouseClick(hold.save_button, Qt.MouseButton.LeftButton)

    assert _status(page) == f"已举办 {HELD_ON.month}月{HELD_ON.day}日，出席2人"
    assert page.coverage_texts() == ("1 / 1", "2.5", "2 / 3")
    assert page.untrained.names() == ["王五"]  # the two who came are no longer short
    assert page.untrained.title.text() == "本届未参加培训的代表（1人）"
    assert [d.name for d in training.untrained_this_term(db)] == ["王五"]
    record = activities.get_activity(db, hold.activity_id or 0).data
    assert (record.type, record.activity_date, record.place, record.summary) == (
        ActivityType.TRAINING, HELD_ON, "镇人大代表之家", "学习宪法第三章")
    assert page.view_action.isEnabled()


def test_holding_twice_is_refused_with_a_message(
        qtbot: Any, page: TrainingPage, db: Any, actor: Any, three: list[int],
        messages_log: Any) -> None:
    _plan_id, session_id = _planned(db, actor, month=HELD_ON.month)
    page.reload(year=YEAR, select=session_id)
    hold = page.hold_selected()
    assert isinstance(hold, HoldSessionDialog)
    # Meanwhile a colleague records the same session as held.
    training.hold_session(db, actor, session_id, HELD_ON, [ParticipantInput(three[0])])
    assert hold.save() is False
    assert hold.isVisible()
    assert "不能重复举办" in messages_log.texts()
    assert "已经举办过" in hold.general_error.text()
    hold.reject()

    page.reload(select=session_id)
    messages_log.shown.clear()
    assert page.hold_selected() is None  # the page does not even open the dialog again
    assert "一场培训只能登记举办一次" in messages_log.texts()
    assert len(activities.search_ids(db, activities.ActivityQuery(type=ActivityType.TRAINING))) == 1


def test_hold_dialog_names_its_mistakes_next_to_the_fields(
        qtbot: Any, page: TrainingPage, db: Any, actor: Any, three: list[int]) -> None:
    _plan_id, session_id = _planned(db, actor, month=HELD_ON.month)
    page.reload(year=YEAR, select=session_id)
    hold = page.hold_selected()
    assert isinstance(hold, HoldSessionDialog)
    assert hold.held_on.maximumDate().toPython() == HELD_ON  # never later than today
    hold.attendance.filter.setFocus()
    qtbot.keyClick(hold.attendance.filter, Qt.Key.Key_Return)  # filtering does not save
    assert hold.isVisible() and hold.activity_id is None
    hold.attendance.set_all(False)
    assert hold.save() is False
    assert hold.error_text("participants") == "请选择参训代表"
    assert training.get_plan(db, YEAR).sessions[0].held is False
    hold.attendance.set_invited(three[1])
    with qtbot.waitSignal(hold.accepted):
        assert hold.save()
    assert page.coverage_texts()[2] == "1 / 3"
    assert page.untrained.names() == ["王五", "张三"]


def test_hold_dialog_keeps_choices_when_the_date_changes(
        page: TrainingPage, db: Any, actor: Any, three: list[int]) -> None:
    if HELD_ON.month == 1 and HELD_ON.day == 1:
        pytest.skip("needs two days of the plan's year up to today")
    _plan_id, session_id = _planned(db, actor, month=HELD_ON.month)
    page.reload(year=YEAR, select=session_id)
    hold = page.hold_selected()
    assert isinstance(hold, HoldSessionDialog)
    hold.attendance.set_attendance(three[2], Attendance.EXCUSED)
    hold.attendance.set_invited(three[1], False)
    other = HELD_ON - dt.timedelta(days=1)
    hold.set_date(other)
    assert hold.attendance.on == other
    chosen = {p.deputy_id: p.attendance for p in hold.attendance.participants()}
    assert chosen == {three[0]: Attendance.PRESENT, three[2]: Attendance.EXCUSED}
    hold.reject()


def test_default_held_on_is_the_planned_day_or_today_never_later() -> None:
    record = training.SessionRecord(1, 1, SessionInput(planned_month=3, topic="x",
                                                       planned_date=dt.date(2026, 3, 5)), 1)
    assert default_held_on(record, 2026, dt.date(2026, 6, 1)) == dt.date(2026, 3, 5)
    assert default_held_on(record, 2026, dt.date(2026, 3, 2)) == dt.date(2026, 3, 2)
    by_month = training.SessionRecord(2, 1, SessionInput(planned_month=9, topic="y"), 1)
    assert default_held_on(by_month, 2026, dt.date(2026, 9, 20)) == dt.date(2026, 9, 20)
    assert default_held_on(by_month, 2025, dt.date(2026, 9, 20)) == dt.date(2025, 9, 15)
    assert default_held_on(by_month, 2026, dt.date(2026, 5, 1)) == dt.date(2026, 5, 1)


# --- plans and sessions -------------------------------------------------------------------------


def test_a_year_has_one_plan_and_the_dialog_says_so_under_the_year(
        qtbot: Any, page: TrainingPage, db: Any, actor: Any) -> None:
    training.create_plan(db, actor, YEAR)
    page.reload()
    dialog = page.new_plan()
    assert dialog.year.value() != YEAR  # the first year without a plan is offered
    dialog.year.setValue(YEAR)
    assert dialog.save() is False
    assert "已有学习培训计划" in dialog.error_text("year")
    dialog.year.setValue(YEAR - 1)
    assert dialog.title.text() == f"{YEAR - 1}年度青山镇人大代表学习培训计划"  # follows the year
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    assert page.year_combo.currentText() == f"{YEAR - 1}年度"
    assert [page.year_combo.itemText(i) for i in range(page.year_combo.count())] == [
        f"{YEAR}年度", f"{YEAR - 1}年度"]


def test_ctrl_n_on_the_page_opens_a_new_plan(qtbot: Any, window: Any) -> None:
    window.show_page("roster")
    page = window.show_page("training")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.dialog is not None
    assert page.dialog.windowTitle() == "新建年度学习培训计划"
    page.dialog.reject()


def test_edit_the_plan_header(qtbot: Any, page: TrainingPage, db: Any, actor: Any) -> None:
    training.create_plan(db, actor, YEAR)
    page.reload()
    dialog = page.edit_plan()
    assert dialog is not None
    assert not dialog.year.isEnabled()
    dialog.title.setText("")
    assert dialog.save() is False
    assert dialog.error_text("title") == "请填写计划名称"
    dialog.title.setText(f"{YEAR}年度代表学习计划")
    dialog.goals.setPlainText("全员轮训一遍")
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    assert page.plan_title.text() == f"{YEAR}年度代表学习计划"
    assert "全员轮训一遍" in page.plan_goals.text()


def test_edit_a_session_and_remove_a_planned_one(
        qtbot: Any, page: TrainingPage, db: Any, actor: Any, messages_log: Any) -> None:
    _plan_id, session_id = _planned(db, actor, month=5)
    page.reload(year=YEAR, select=session_id)
    dialog = page.edit_selected()
    assert dialog is not None
    assert dialog.month.currentData() == 5 and dialog.planned_date.value() is None
    assert dialog.topic.text() == "宪法和代表法学习"
    dialog.topic.setText("代表法学习")
    dialog.planned_date.setValue(dt.date(YEAR, 6, 12))
    assert dialog.month.currentData() == 6
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    assert page.model.index(0, 0).data() == f"{YEAR}年6月12日"
    assert page.model.index(0, 1).data() == "代表法学习"

    page.select_session(session_id)
    messages_log.answer = False
    assert page.remove_selected() is False
    assert page.model.rowCount() == 1
    messages_log.answer = True
    assert page.remove_selected() is True
    assert page.model.rowCount() == 0
    assert "没有出勤记录" in messages_log.texts()


def test_a_held_session_is_not_removed_and_its_activity_opens_from_the_page(
        qtbot: Any, page: TrainingPage, db: Any, actor: Any, three: list[int], messages_log: Any) -> None:
    _plan_id, session_id = _planned(db, actor, month=HELD_ON.month)
    training.hold_session(db, actor, session_id, HELD_ON, [ParticipantInput(three[0])])
    page.reload(year=YEAR, select=session_id)
    assert page.remove_selected() is False
    assert "代表活动" in messages_log.texts()
    assert not any(kind == "ask" for kind, *_ in messages_log.shown)  # nothing to confirm
    assert page.model.rowCount() == 1

    record = page.view_selected()  # the activity form, where attendance is corrected
    assert isinstance(record, ActivityDialog)
    assert record.topic.text() == "宪法和代表法学习"
    assert [p.deputy_id for p in record.attendance.participants()] == [three[0]]
    record.attendance.set_invited(three[1])
    with qtbot.waitSignal(record.finished):
        assert record.save()
    assert _status(page).endswith("出席2人")
    assert page.untrained.names() == ["王五"]


def test_a_session_deleted_in_activities_is_planned_again_when_the_page_is_shown(
        window: Any, page: TrainingPage, db: Any, actor: Any, three: list[int]) -> None:
    _plan_id, session_id = _planned(db, actor, month=HELD_ON.month)
    activity_id = training.hold_session(db, actor, session_id, HELD_ON,
                                        [ParticipantInput(i) for i in three])
    page.reload(year=YEAR)
    assert page.untrained.names() == []
    assert page.untrained.stack.currentWidget() is page.untrained.empty
    activities.remove_activity(db, actor, activity_id)
    window.show_page("home")
    window.show_page("training")
    assert _status(page).startswith("未举办")
    assert len(page.untrained.names()) == 3


# --- ledgers ------------------------------------------------------------------------------------


def test_export_the_years_ledger_and_save_a_template(
        qtbot: Any, page: TrainingPage, db: Any, actor: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, messages_log: Any) -> None:
    _planned(db, actor, month=4)
    page.reload()
    target = tmp_path / "培训台账.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert page.export_ledger()
    wait_for_operations()
    qtbot.waitUntil(lambda: "导出完成" in messages_log.texts())
    sheet = load_workbook(target).active
    assert sheet is not None
    assert any("宪法和代表法学习" in str(c.value) for row in sheet.iter_rows() for c in row)

    template = tmp_path / "模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(template), ""))
    assert page.save_template()
    wait_for_operations()
    qtbot.waitUntil(lambda: "模板已保存" in messages_log.texts())
    assert template.exists()


def test_import_a_ledger_shows_its_plan(
        qtbot: Any, page: TrainingPage, db: Any, actor: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from presidium_app.ledgers import registry

    _planned(db, actor, month=4)
    source = tmp_path / "培训.xlsx"
    registry.ledger("training").export_file(db, actor, source)
    plan = training.find_plan(db, YEAR)
    assert plan is not None
    training.remove_plan(db, actor, plan.id)
    page.reload()
    assert page.plan_stack.currentWidget() is page.no_plan
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    assert page.import_ledger()
    wait_for_operations()
    qtbot.waitUntil(lambda: page.summary_dialog is not None)
    assert page.plan_stack.currentWidget() is page.plan_body
    assert page.model.index(0, 1).data() == "宪法和代表法学习"
    page.summary_dialog.reject()


# --- models -------------------------------------------------------------------------------------


def test_sessions_model_passes_the_model_tester_and_shades_overdue_sessions(
        qtmodeltester: Any, db: Any, actor: Any, three: list[int]) -> None:
    _plan_id, held_id = _planned(db, actor, "宪法和代表法学习", month=1)
    training.hold_session(db, actor, held_id, dt.date(YEAR, 1, 20), [
        ParticipantInput(three[0]), ParticipantInput(three[1], Attendance.EXCUSED)])
    _planned(db, actor, "预算审查监督基础", month=2)
    _planned(db, actor, "代表建议撰写方法", month=6, day=dt.date(YEAR, 6, 10))
    plan = training.get_plan(db, YEAR)
    model = SessionsModel(today=dt.date(YEAR, 3, 1))
    model.set_sessions(YEAR, plan.sessions)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3
    texts = [model.index(r, STATUS_COLUMN).data() for r in range(3)]
    assert texts == ["已举办 1月20日，出席1人", "未举办，已过计划时间", "未举办"]
    assert model.index(1, 0).data() == f"{YEAR}年2月"
    assert model.index(2, 0).data() == f"{YEAR}年6月10日"
    shade = model.index(1, 1).data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(shade, QColor) and shade == OVERDUE_BACKGROUND
    assert model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(2, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "请假 1 人" in model.index(0, STATUS_COLUMN).data(Qt.ItemDataRole.ToolTipRole)


def test_untrained_model_passes_the_model_tester(
        qtmodeltester: Any, db: Any, three: list[int]) -> None:
    model = UntrainedModel(db)
    model.set_ids([d.mandate_id for d in training.untrained_this_term(db)])
    qtmodeltester.check(model, force_py=True)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["李四", "王五", "张三"]
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "李四　13800000001"
