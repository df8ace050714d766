"""Training (DOMAIN.md §6): plans and sessions, holding a session as an activity with attendance,
and who has not been trained this term."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Collection
from typing import Any

import pytest
from sqlalchemy import func, select

from presidium_app.domain.activities import Activity
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.enums import ActivityType, Attendance, DeputyStatus, TrainingForm
from presidium_app.domain.training import TrainingSession
from presidium_app.services import activities, deputies, rules, township, training
from presidium_app.services.activities import ActivityInput, ParticipantInput
from presidium_app.services.audit import Actor
from presidium_app.services.demo import fill_demo
from presidium_app.services.demo_training import fill_training
from presidium_app.services.errors import Conflict, ValidationFailed
from presidium_app.services.training import SessionInput
from presidium_app.storage.database import Database
from tests.helpers import deputy_input, make_id

ELECTED = dt.date(2021, 11, 16)


# --- builders shared by the rules, scores, archive and stats tests --------------------------------


def current_term_id(db: Database) -> int:
    term = township.current_term(db)
    assert term is not None
    return term.id


def add_deputy(db: Database, actor: Actor, name: str, seq: int, *, term_id: int | None = None,
               group_id: int | None = None, elected_on: dt.date = ELECTED,
               by_election: bool = False) -> tuple[int, int]:
    """A male township deputy with a unique ID number; returns (mandate id, deputy id)."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=seq * 97)
    mandate_id = deputies.add_deputy(db, actor, deputy_input(
        term_id or current_term_id(db), name, birth_date=birth,
        id_number=make_id(birth, 101 + 2 * seq), group_id=group_id, elected_on=elected_on,
        by_election=by_election, mobile=f"138{seq:08d}"))
    return mandate_id, deputies.get_deputy(db, mandate_id).deputy_id


_numbers = itertools.count(1)  # default topics differ: the same date, type and topic is one activity


def record(db: Database, actor: Actor, type_: ActivityType, day: dt.date,
           attendance: dict[int, Attendance] | list[int], topic: str = "",
           spoke: Collection[int] = (), **changes: Any) -> int:
    """An activity with the given deputies (a list: all present); `spoke` spoke at it."""
    if isinstance(attendance, list):
        attendance = {i: Attendance.PRESENT for i in attendance}
    people = [ParticipantInput(i, a, spoke=i in spoke) for i, a in attendance.items()]
    data = ActivityInput(type=type_, activity_date=day, topic=topic or f"{type_.label}{next(_numbers)}",
                         participants=people, **changes)
    return activities.add_activity(db, actor, data)


def session_input(topic: str = "宪法和代表法学习", month: int = 3, day: dt.date | None = None,
                  **changes: object) -> SessionInput:
    data = SessionInput(planned_month=month, topic=topic, form=TrainingForm.LECTURE, planned_date=day,
                        speaker="县人大常委会法工委负责同志", place="镇政府三楼会议室", hours=3.0,
                        audience="全体镇人大代表")
    for name, value in changes.items():
        setattr(data, name, value)
    return data


@pytest.fixture
def three(db: Database, actor: Actor) -> list[int]:
    """Deputy ids of 张三, 李四, 王五 (serving, current term)."""
    return [add_deputy(db, actor, name, seq)[1] for seq, name in enumerate(("张三", "李四", "王五"))]


def names(rows: list[training.UntrainedDeputy]) -> list[str]:
    return [r.name for r in rows]


# --- plans ------------------------------------------------------------------------------------------


def test_a_plan_is_created_once_per_year_with_a_default_title(db: Database, actor: Actor) -> None:
    plan_id = training.create_plan(db, actor, 2026, "", "提高代表履职能力")
    plan = training.get_plan(db, 2026)
    assert (plan.id, plan.title, plan.goals, plan.sessions) == (
        plan_id, "2026年度青山镇人大代表学习培训计划", "提高代表履职能力", [])
    with pytest.raises(ValidationFailed, match="2026年度已有学习培训计划"):
        training.create_plan(db, actor, 2026, "另一个计划")
    assert training.find_plan(db, 2025) is None
    assert training.get_plan(db, plan_id=plan_id).year == 2026


def test_update_plan_with_a_stale_version_is_a_conflict(db: Database, actor: Actor) -> None:
    plan_id = training.create_plan(db, actor, 2026)
    opened = training.get_plan(db, plan_id=plan_id).version
    training.update_plan(db, actor, plan_id, "2026年度学习计划", "目标一", opened)
    assert training.get_plan(db, 2026).title == "2026年度学习计划"
    with pytest.raises(Conflict):
        training.update_plan(db, actor, plan_id, "过时的修改", "", opened)


def test_list_plans_counts_sessions_and_held_hours(db: Database, actor: Actor, three: list[int]) -> None:
    plan_id = training.create_plan(db, actor, 2026)
    first = training.add_session(db, actor, plan_id, session_input(day=dt.date(2026, 3, 5)))
    training.add_session(db, actor, plan_id, session_input("预算审查监督基础", month=9))
    training.hold_session(db, actor, first, dt.date(2026, 3, 5), [ParticipantInput(three[0])])
    training.create_plan(db, actor, 2025)
    assert [(p.year, p.sessions_planned, p.sessions_held, p.hours_held)
            for p in training.list_plans(db)] == [(2026, 2, 1, 3.0), (2025, 0, 0, 0.0)]


# --- sessions ---------------------------------------------------------------------------------------


def test_sessions_have_a_month_always_and_a_date_when_known(db: Database, actor: Actor) -> None:
    plan_id = training.create_plan(db, actor, 2026)
    by_month = training.add_session(db, actor, plan_id, session_input(month=9))
    dated = training.add_session(db, actor, plan_id, session_input(
        "代表建议撰写方法", month=1, day=dt.date(2026, 4, 10)))
    sessions = {s.id: s for s in training.get_plan(db, 2026).sessions}
    assert (sessions[by_month].data.planned_month, sessions[by_month].data.planned_date) == (9, None)
    assert sessions[by_month].when == "9月"
    assert (sessions[dated].data.planned_month, sessions[dated].data.planned_date) == (
        4, dt.date(2026, 4, 10))  # the month follows the date
    assert [s.id for s in training.get_plan(db, 2026).sessions] == [dated, by_month]


def test_session_mistakes_are_named_by_field(db: Database, actor: Actor) -> None:
    plan_id = training.create_plan(db, actor, 2026)
    with pytest.raises(ValidationFailed) as info:
        training.add_session(db, actor, plan_id, session_input(
            " ", day=dt.date(2025, 12, 1), hours=-1))
    assert info.value.field_errors == {
        "topic": "请填写培训主题", "planned_date": "日期应在2026年内（本计划的年度）",
        "hours": "学时应在0到100之间"}
    with pytest.raises(ValidationFailed) as info:
        training.add_session(db, actor, plan_id, session_input(month=13))
    assert info.value.field_errors == {"planned_month": "计划月份应为1到12"}
    training.add_session(db, actor, plan_id, session_input(day=dt.date(2026, 3, 5)))
    with pytest.raises(ValidationFailed, match="同一日期、同一主题"):
        training.add_session(db, actor, plan_id, session_input(day=dt.date(2026, 3, 5)))


def test_update_and_remove_a_planned_session(db: Database, actor: Actor) -> None:
    plan_id = training.create_plan(db, actor, 2026)
    session_id = training.add_session(db, actor, plan_id, session_input(month=5))
    record_ = training.get_plan(db, 2026).sessions[0]
    training.update_session(db, actor, session_id, session_input(
        "乡村振兴政策解读", day=dt.date(2026, 5, 20), form=TrainingForm.SEMINAR, hours=2.5),
        record_.version)
    changed = training.get_plan(db, 2026).sessions[0]
    assert (changed.data.topic, changed.data.planned_date, changed.data.form, changed.data.hours) == (
        "乡村振兴政策解读", dt.date(2026, 5, 20), TrainingForm.SEMINAR, 2.5)
    with pytest.raises(Conflict):
        training.update_session(db, actor, session_id, session_input(), record_.version)
    training.remove_session(db, actor, session_id)
    assert training.get_plan(db, 2026).sessions == []


# --- holding a session ------------------------------------------------------------------------------


def test_holding_a_session_records_a_training_activity_with_attendance(
        db: Database, actor: Actor, three: list[int]) -> None:
    zhang, li, wang = three
    plan_id = training.create_plan(db, actor, 2026)
    session_id = training.add_session(db, actor, plan_id, session_input(month=3))

    activity_id = training.hold_session(db, actor, session_id, dt.date(2026, 3, 12), [
        ParticipantInput(zhang), ParticipantInput(li, Attendance.EXCUSED),
        ParticipantInput(wang, Attendance.ABSENT)], summary="学习宪法第三章")

    activity = activities.get_activity(db, activity_id).data
    assert (activity.type, activity.activity_date, activity.topic, activity.organiser,
            activity.place, activity.summary) == (
        ActivityType.TRAINING, dt.date(2026, 3, 12), "宪法和代表法学习", "青山镇人大主席团",
        "镇政府三楼会议室", "学习宪法第三章")
    assert [(p.deputy_id, p.attendance) for p in activity.participants] == [
        (zhang, Attendance.PRESENT), (li, Attendance.EXCUSED), (wang, Attendance.ABSENT)]
    plan = training.get_plan(db, 2026)
    held = plan.sessions[0]
    assert (held.held, held.activity_id, held.held_on, held.present, held.excused, held.absent) == (
        True, activity_id, dt.date(2026, 3, 12), 1, 1, 1)
    assert held.data.hours == 3.0 and held.data.planned_date is None  # the plan stays as planned
    assert plan.coverage == training.PlanCoverage(1, 1, 3.0, 3.0, 1, 3)
    with db.session() as session:
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "training_session.hold")).all()
        assert [(e.object_id, e.success) for e in entries] == [(session_id, True)]
        assert "出席1人" in entries[0].summary


def test_a_session_is_held_once_and_a_held_one_is_not_removed(
        db: Database, actor: Actor, three: list[int]) -> None:
    plan_id = training.create_plan(db, actor, 2026)
    session_id = training.add_session(db, actor, plan_id, session_input(month=3))
    activity_id = training.hold_session(db, actor, session_id, dt.date(2026, 3, 12),
                                        [ParticipantInput(three[0])])
    with pytest.raises(ValidationFailed, match="不能重复举办"):
        training.hold_session(db, actor, session_id, dt.date(2026, 3, 13),
                              [ParticipantInput(three[1])])
    with pytest.raises(ValidationFailed, match="请先在代表活动中删除"):
        training.remove_session(db, actor, session_id)
    with pytest.raises(ValidationFailed, match="不能删除"):
        training.remove_plan(db, actor, plan_id)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == 1

    activities.remove_activity(db, actor, activity_id)  # the holding was a mistake

    assert not training.get_plan(db, 2026).sessions[0].held
    training.remove_session(db, actor, session_id)
    training.remove_plan(db, actor, plan_id)
    assert training.list_plans(db) == []


def test_holding_is_refused_in_the_future_outside_the_year_and_for_non_deputies(
        db: Database, actor: Actor, three: list[int]) -> None:
    mandate_id, gone = add_deputy(db, actor, "赵六", 7)
    deputies.change_status(db, actor, mandate_id, DeputyStatus.RESIGNED, dt.date(2025, 6, 30), "辞职")
    plan_id = training.create_plan(db, actor, 2026)
    session_id = training.add_session(db, actor, plan_id, session_input(month=3))
    present = [ParticipantInput(three[0])]
    cases = [
        (dt.date.today() + dt.timedelta(days=1), present, "held_on", "不能晚于今天"),
        (dt.date(2025, 12, 30), present, "held_on", "应在2026年内"),
        (dt.date(2026, 3, 12), [], "participants", "请选择参训代表"),
        (dt.date(2026, 3, 12), [ParticipantInput(gone)], "participants", "赵六在2026-03-12不是在任代表"),
    ]
    for day, people, field, reason in cases:
        if day.year != 2026 and field == "held_on" and reason == "不能晚于今天":
            continue  # after 2026 "tomorrow" is outside the plan's year: covered by the next case
        with pytest.raises(ValidationFailed) as info:
            training.hold_session(db, actor, session_id, day, people)
        assert reason in info.value.field_errors[field]
    assert not training.get_plan(db, 2026).sessions[0].held
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == 0


def test_a_new_topic_of_a_held_session_is_the_activity_s_topic_too(
        db: Database, actor: Actor, three: list[int]) -> None:
    plan_id = training.create_plan(db, actor, 2026)
    session_id = training.add_session(db, actor, plan_id, session_input(month=3))
    activity_id = training.hold_session(db, actor, session_id, dt.date(2026, 3, 12),
                                        [ParticipantInput(three[0])])
    training.update_session(db, actor, session_id, session_input("宪法学习（第一讲）", month=3))
    assert activities.get_activity(db, activity_id).data.topic == "宪法学习（第一讲）"


# --- who has not been trained ------------------------------------------------------------------------


def test_the_untrained_list_shrinks_when_a_deputy_attends(
        db: Database, actor: Actor, three: list[int]) -> None:
    zhang, li, _wang = three
    on = dt.date(2026, 6, 1)
    assert names(training.untrained_this_term(db, on)) == ["李四", "王五", "张三"]
    plan_id = training.create_plan(db, actor, 2026)
    session_id = training.add_session(db, actor, plan_id, session_input(month=3))
    before = {p.key: p for p in rules.deputy_shortfalls(db, zhang, 2026, on)}
    assert before["rules.trainings_per_term"].short_by == 1

    training.hold_session(db, actor, session_id, dt.date(2026, 3, 12), [
        ParticipantInput(zhang), ParticipantInput(li, Attendance.EXCUSED)])

    assert names(training.untrained_this_term(db, on)) == ["李四", "王五"]  # excused is not trained
    assert training.untrained_count(db, on) == 2
    after = {p.key: p for p in rules.deputy_shortfalls(db, zhang, 2026, on)}
    assert (after["rules.trainings_per_term"].done, after["rules.trainings_per_term"].short_by) == (1, 0)
    rows = training.untrained_this_term(db, on)
    assert rows[0].mandate_id > 0 and rows[0].deputy_id == li


def test_only_trainings_within_the_term_s_years_count(
        db: Database, actor: Actor, three: list[int]) -> None:
    zhang, li, wang = three
    on = dt.date(2026, 6, 1)
    record(db, actor, ActivityType.TRAINING, dt.date(2020, 12, 31), [zhang])  # before the term
    record(db, actor, ActivityType.TRAINING, dt.date(2021, 1, 1), [li])  # its first day
    record(db, actor, ActivityType.INSPECTION, dt.date(2022, 5, 1), [wang])  # not a training
    assert names(training.untrained_this_term(db, on)) == ["王五", "张三"]


def test_a_deputy_who_left_is_not_untrained(db: Database, actor: Actor, three: list[int]) -> None:
    mandate_id = deputies.search_ids(db, deputies.DeputyQuery(text="王五"))[0]
    deputies.change_status(db, actor, mandate_id, DeputyStatus.TRANSFERRED, dt.date(2025, 3, 1))
    assert names(training.untrained_this_term(db, dt.date(2026, 6, 1))) == ["李四", "张三"]
    assert names(training.untrained_this_term(db, dt.date(2025, 2, 28))) == ["李四", "王五", "张三"]


# --- the demo ---------------------------------------------------------------------------------------


def test_the_demo_plan_is_about_half_held_and_leaves_some_untrained(
        db: Database, actor: Actor) -> None:
    fill_demo(db, actor)  # this year's plan comes with the demo township
    year = dt.date.today().year
    plan = training.get_plan(db, year)
    count = len(plan.sessions)
    assert 8 <= count <= 10
    assert plan.title == f"{year}年度青山镇人大代表学习培训计划" and "学习培训" in plan.goals
    held = [s for s in plan.sessions if s.held]
    past = [s for s in plan.sessions if (s.data.planned_date or dt.date.max) < dt.date.today()]
    assert len(held) == min(len(past), -(-count // 2))
    assert all(s.held_on is not None and s.held_on < dt.date.today() for s in held)
    assert all(s.present > s.excused + s.absent for s in held)
    assert {s.data.form for s in plan.sessions} >= {TrainingForm.LECTURE, TrainingForm.SEMINAR}
    untrained = training.untrained_this_term(db)
    serving = len(rules.shortfalls(db, year)[0].short)  # everyone lacks a suggestion
    if held:
        assert 0 < len(untrained) < serving / 4
    for s in held:  # only deputies serving on the day were invited
        assert s.activity_id is not None and s.held_on is not None
        people = activities.get_activity(db, s.activity_id).data.participants
        with db.session() as session:
            assert training.check_serving(session, [p.deputy_id for p in people], s.held_on) == []
    assert fill_training(db, actor, year, random.Random(7)) == 0  # a plan exists: nothing changes
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(TrainingSession)) == count
