"""The activities services (代表活动): recording with attendance, locking, validation, search, the
lazy table's rows, who can be invited, the mailbox seam, and the demo year of activities."""

from __future__ import annotations

import collections
import datetime as dt
import json
from dataclasses import replace

import pytest
from sqlalchemy import select

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.enums import ActivityType, Attendance, DeputyStatus, Satisfaction
from presidium_app.services import activities, deputies, organisation, township
from presidium_app.services.activities import (
    ActivityInput,
    ActivityQuery,
    ParticipantInput,
    serving_periods,
)
from presidium_app.services.audit import Actor
from presidium_app.services.demo import DemoSummary, fill_demo
from presidium_app.services.errors import Conflict, NotFound, ValidationFailed
from presidium_app.storage.database import Database
from tests.helpers import deputy_input, make_id

P, E, A = Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT


@pytest.fixture
def term_id(db: Database) -> int:
    term = township.current_term(db)
    assert term is not None
    return term.id


@pytest.fixture
def people(db: Database, actor: Actor, term_id: int) -> dict[str, int]:
    """Four deputies (name → deputy id); 李秀英 and 赵敏 are in the first group."""
    group = organisation.add_group(db, actor, "第一代表小组").id
    ids = {}
    for number, (name, group_id) in enumerate(
            [("张三丰", None), ("李秀英", group), ("王伟", None), ("赵敏", group)]):
        birth = dt.date(1970 + number, 5, 17)
        mandate = deputies.add_deputy(db, actor, deputy_input(
            term_id, name, birth_date=birth, id_number=make_id(birth, 131 + number * 2),
            mobile=f"1381234567{number}", group_id=group_id))
        ids[name] = deputies.get_deputy(db, mandate).deputy_id
    return ids


def inspection(people: dict[str, int], **changes: object) -> ActivityInput:
    base = ActivityInput(
        type=ActivityType.INSPECTION, activity_date=dt.date(2025, 4, 10),
        topic="视察农村饮水安全工程", place="东山村", organiser="青山镇人大主席团",
        start_time=dt.time(8, 30), end_time=dt.time(12, 0),
        participants=[ParticipantInput(people["张三丰"], P), ParticipantInput(people["李秀英"], E),
                      ParticipantInput(people["王伟"], A)],
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def audit(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                    .order_by(AuditEntry.id)))


def attendance(db: Database, activity_id: int) -> dict[int, Attendance]:
    record = activities.get_activity(db, activity_id)
    return {p.deputy_id: p.attendance for p in record.data.participants}


# --- add, update, remove ----------------------------------------------------------------------------


def test_add_keeps_the_attendance_and_audits(db: Database, actor: Actor, people: dict[str, int]) -> None:
    activity_id = activities.add_activity(db, actor, inspection(people, topic="  视察农村饮水安全工程 "))

    record = activities.get_activity(db, activity_id)
    assert record.data.topic == "视察农村饮水安全工程"
    assert attendance(db, activity_id) == {people["张三丰"]: P, people["李秀英"]: E, people["王伟"]: A}
    assert record.version == 1
    [entry] = audit(db, "activity.add")
    assert (entry.user, entry.object_id, entry.success) == ("测试员", activity_id, True)
    assert entry.summary == "新增视察：视察农村饮水安全工程"
    assert sorted(json.loads(entry.after or "{}")["participants"]) == sorted([
        [people["张三丰"], "present", False, None], [people["李秀英"], "excused", False, None],
        [people["王伟"], "absent", False, None]])


def test_update_replaces_the_attendance_and_moves_the_version(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    activity_id = activities.add_activity(db, actor, inspection(people))
    changed = inspection(people, participants=[
        ParticipantInput(people["张三丰"], P, spoke=True), ParticipantInput(people["李秀英"], P),
        ParticipantInput(people["赵敏"], E)])

    activities.update_activity(db, actor, activity_id, changed, version=1)

    assert attendance(db, activity_id) == {people["张三丰"]: P, people["李秀英"]: P, people["赵敏"]: E}
    record = activities.get_activity(db, activity_id)
    assert record.version == 2
    assert [p.spoke for p in record.data.participants if p.deputy_id == people["张三丰"]] == [True]
    [entry] = audit(db, "activity.update")
    assert entry.before is not None and entry.after is not None and entry.before != entry.after


def test_saving_an_unchanged_form_keeps_the_version(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    activity_id = activities.add_activity(db, actor, inspection(people))
    record = activities.get_activity(db, activity_id)
    activities.update_activity(db, actor, activity_id, record.data, version=record.version)
    assert activities.get_activity(db, activity_id).version == record.version


def test_a_stale_save_is_a_conflict_and_loses_nothing(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    activity_id = activities.add_activity(db, actor, inspection(people))
    opened = activities.get_activity(db, activity_id)
    activities.update_activity(db, Actor("同事"), activity_id,
                               replace(opened.data, summary="同事先保存的摘要"), version=opened.version)

    with pytest.raises(Conflict, match="已被他人修改"):
        activities.update_activity(db, actor, activity_id, replace(opened.data, summary="我的摘要"),
                                   version=opened.version)

    assert activities.get_activity(db, activity_id).data.summary == "同事先保存的摘要"
    assert [e.success for e in audit(db, "activity.update")] == [True, False]


def test_remove_takes_the_attendance_with_it(db: Database, actor: Actor, people: dict[str, int]) -> None:
    activity_id = activities.add_activity(db, actor, inspection(people))
    activities.remove_activity(db, actor, activity_id)
    with pytest.raises(NotFound):
        activities.get_activity(db, activity_id)
    with db.session() as session:
        assert session.scalars(select(Participation)).all() == []
    assert audit(db, "activity.remove")[0].summary == "删除视察：视察农村饮水安全工程"
    with pytest.raises(NotFound):
        activities.remove_activity(db, actor, activity_id)


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"topic": "  "}, "topic", "请填写活动主题"),
    ({"topic": "长" * 201}, "topic", "主题过长"),
    ({"activity_date": dt.date(1999, 12, 31)}, "activity_date", "活动日期不合理"),
    ({"start_time": dt.time(12, 0), "end_time": dt.time(9, 0)}, "end_time", "结束时间应晚于开始时间"),
    ({"voters_count": -1}, "voters_count", "选民人数不能为负数"),
])
def test_validation_names_the_field(
        db: Database, actor: Actor, people: dict[str, int], changes: dict[str, object],
        field: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        activities.add_activity(db, actor, inspection(people, **changes))
    assert words in info.value.field_errors[field]
    assert words in info.value.message


def test_participants_are_checked(db: Database, actor: Actor, people: dict[str, int]) -> None:
    twice = [ParticipantInput(people["张三丰"]), ParticipantInput(people["张三丰"], E)]
    with pytest.raises(ValidationFailed, match="出现了两次"):
        activities.add_activity(db, actor, inspection(people, participants=twice))
    rated = [ParticipantInput(people["张三丰"], rating=Satisfaction.SATISFIED)]
    with pytest.raises(ValidationFailed, match="只有代表述职活动才有选民测评"):
        activities.add_activity(db, actor, inspection(people, participants=rated))
    activities.add_activity(db, actor, inspection(
        people, type=ActivityType.DUTY_REPORT, participants=rated))
    with pytest.raises(ValidationFailed, match="已不在名册中"):
        activities.add_activity(db, actor, inspection(
            people, topic="另一次", participants=[ParticipantInput(99999)]))


def test_the_same_activity_is_not_recorded_twice(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    """Same date, type and topic is the same activity (spec/ledgers.md)."""
    first = activities.add_activity(db, actor, inspection(people))
    with pytest.raises(ValidationFailed) as info:
        activities.add_activity(db, actor, inspection(people, participants=[]))
    assert "已有主题相同的视察活动" in info.value.field_errors["topic"]
    activities.add_activity(db, actor, inspection(people, type=ActivityType.RESEARCH))
    second = activities.add_activity(db, actor, inspection(people, activity_date=dt.date(2025, 4, 11)))
    with pytest.raises(ValidationFailed, match="已有主题相同"):
        activities.update_activity(db, actor, second, inspection(people))
    activities.update_activity(db, actor, first, inspection(people, summary="保存自己不算重复"))


def test_chinese_punctuation_stays_and_wide_digits_narrow(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    activity_id = activities.add_activity(db, actor, inspection(
        people, topic="视察２０２５年民生实事（第一批），现场察看", place="东山村　村委会"))
    data = activities.get_activity(db, activity_id).data
    assert (data.topic, data.place) == ("视察2025年民生实事（第一批），现场察看", "东山村 村委会")


# --- search and the table ---------------------------------------------------------------------------


@pytest.fixture
def several(db: Database, actor: Actor, people: dict[str, int]) -> dict[str, int]:
    group = organisation.list_groups(db)[0].id
    made = {
        "饮水": inspection(people),
        "食品": inspection(people, type=ActivityType.LAW_ENFORCEMENT_CHECK, topic="食品安全法执法检查",
                         activity_date=dt.date(2025, 6, 1), place="农贸市场", participants=[
                             ParticipantInput(people["赵敏"], P)]),
        "小组": inspection(people, type=ActivityType.GROUP_MEETING, topic="小组学习代表法",
                         activity_date=dt.date(2025, 6, 1), group_id=group, summary="学习100%完成",
                         participants=[ParticipantInput(people["李秀英"], P),
                                       ParticipantInput(people["赵敏"], E)]),
        "去年": inspection(people, topic="视察乡村道路建设养护", activity_date=dt.date(2024, 9, 9),
                         participants=[]),
    }
    return {key: activities.add_activity(db, actor, data) for key, data in made.items()}


def test_search_filters_combine(db: Database, people: dict[str, int], several: dict[str, int]) -> None:
    def found(**filters: object) -> list[int]:
        query = ActivityQuery(**filters)  # type: ignore[arg-type]
        ids = activities.search_ids(db, query)
        assert activities.count(db, query) == len(ids)
        return ids

    s = several
    # newest first; the same day: the last entered first
    assert found() == [s["小组"], s["食品"], s["饮水"], s["去年"]]
    assert found(type=ActivityType.INSPECTION) == [s["饮水"], s["去年"]]
    assert found(date_from=dt.date(2025, 1, 1)) == [s["小组"], s["食品"], s["饮水"]]
    assert found(date_from=dt.date(2025, 4, 10), date_to=dt.date(2025, 4, 10)) == [s["饮水"]]
    assert found(deputy_id=people["赵敏"]) == [s["小组"], s["食品"]]
    assert found(deputy_id=people["赵敏"], type=ActivityType.GROUP_MEETING) == [s["小组"]]
    assert found(group_id=organisation.list_groups(db)[0].id) == [s["小组"]]
    assert found(text="视察") == [s["饮水"], s["去年"]]
    assert found(text="视察 道路") == [s["去年"]]
    assert found(text="农贸") == [s["食品"]]  # the place
    assert found(text="100%") == [s["小组"]] and found(text="%") == [s["小组"]]
    assert found(text="不存在的词") == []


def test_load_rows_counts_attendance_in_one_go(
        db: Database, people: dict[str, int], several: dict[str, int]) -> None:
    rows = activities.load_rows(db, list(several.values()))
    water = rows[several["饮水"]]
    assert (water.date, water.type, water.type_label, water.topic, water.place, water.organiser) == (
        dt.date(2025, 4, 10), ActivityType.INSPECTION, "视察", "视察农村饮水安全工程", "东山村",
        "青山镇人大主席团")
    assert (water.invited, water.present, water.excused, water.absent, water.attachments) == (
        3, 1, 1, 1, 0)
    group = rows[several["小组"]]
    assert (group.invited, group.present, group.excused, group.absent) == (2, 1, 1, 0)
    empty = rows[several["去年"]]
    assert (empty.invited, empty.present, empty.excused, empty.absent) == (0, 0, 0, 0)
    assert activities.load_rows(db, []) == {}


def test_load_rows_is_a_single_query(
        db: Database, people: dict[str, int], several: dict[str, int]) -> None:
    from sqlalchemy import event

    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        activities.load_rows(db, list(several.values()))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


# --- who can be invited -------------------------------------------------------------------------------


def test_invitable_deputies_are_those_serving_on_the_day(
        db: Database, actor: Actor, people: dict[str, int], term_id: int) -> None:
    mandate = next(m for m in deputies.search_ids(db, deputies.DeputyQuery())
                   if deputies.get_deputy(db, m).data.name == "王伟")
    deputies.change_status(db, actor, mandate, DeputyStatus.RESIGNED, dt.date(2024, 6, 30), "辞职")
    birth = dt.date(1985, 1, 1)
    late = deputies.add_deputy(db, actor, deputy_input(
        term_id, "钱新", birth_date=birth, id_number=make_id(birth, 151), mobile="13900000001",
        elected_on=dt.date(2024, 9, 1), by_election=True))

    def names(on: dt.date, group_id: int | None = None) -> list[str]:
        return [d.name for d in activities.invitable_deputies(db, on, group_id)]

    everyone = ["李秀英", "王伟", "张三丰", "赵敏"]  # pinyin order
    assert names(dt.date(2024, 6, 30)) == everyone  # left that very day: still there
    assert names(dt.date(2024, 7, 1)) == ["李秀英", "张三丰", "赵敏"]
    assert names(dt.date(2024, 9, 1)) == ["李秀英", "钱新", "张三丰", "赵敏"]
    assert names(dt.date(2021, 9, 9)) == []  # before the election
    group = organisation.list_groups(db)[0]
    found = activities.invitable_deputies(db, dt.date(2025, 1, 1), group.id)
    assert [(d.name, d.group_name, d.group_id) for d in found] == [
        ("李秀英", group.name, group.id), ("赵敏", group.name, group.id)]
    assert deputies.get_deputy(db, late).data.name == "钱新"


def test_a_past_term_ends_when_the_next_is_elected(
        db: Database, actor: Actor, term_id: int) -> None:
    old = township.ensure_term(db, actor, 18, 2016, 2021)
    birth = dt.date(1960, 1, 1)
    deputies.add_deputy(db, actor, deputy_input(
        old.id, "老代表", birth_date=birth, id_number=make_id(birth, 111), mobile="13900000002",
        elected_on=dt.date(2016, 11, 1)))
    deputies.add_deputy(db, actor, deputy_input(term_id, elected_on=dt.date(2021, 11, 16)))

    def names(on: dt.date) -> list[str]:
        return [d.name for d in activities.invitable_deputies(db, on)]

    assert names(dt.date(2018, 5, 5)) == ["老代表"]
    assert names(dt.date(2021, 11, 15)) == ["老代表"]
    assert names(dt.date(2021, 11, 16)) == ["张三丰"]


def test_two_invitable_deputies_of_one_name_are_told_apart(
        db: Database, actor: Actor, people: dict[str, int], term_id: int) -> None:
    birth = dt.date(1990, 2, 2)
    number = make_id(birth, 171)
    deputies.add_deputy(db, actor, deputy_input(term_id, "王伟", birth_date=birth, id_number=number,
                                                mobile="13900000003"))
    shown = [d.display_name for d in activities.invitable_deputies(db, dt.date(2025, 1, 1))
             if d.name == "王伟"]
    assert len(shown) == 2 and f"王伟({number[-4:]})" in shown
    assert all(s.startswith("王伟(") for s in shown)


def test_raised_opinions_are_the_mailbox_seam(db: Database, actor: Actor, people: dict[str, int]) -> None:
    activity_id = activities.add_activity(db, actor, inspection(
        people, type=ActivityType.VOTER_RECEPTION, voters_count=12,
        opinions_raised="1. 村道破损，建议修复。\n\n2、增设路灯\n（三）不是编号的行"))
    items = activities.raised_opinions(db, activity_id)
    assert [i.content for i in items] == ["村道破损，建议修复。", "增设路灯", "（三）不是编号的行"]
    assert items[0].deputy_ids == (people["张三丰"],) and items[0].channel == "来访"
    assert items[0].received_on == dt.date(2025, 4, 10)


# --- the demo year ------------------------------------------------------------------------------------


@pytest.fixture
def demo(db: Database, actor: Actor) -> tuple[Database, DemoSummary]:
    return db, fill_demo(db, actor)


def _all_activities(db: Database) -> list[Activity]:
    with db.session() as session:
        found = list(session.scalars(select(Activity).order_by(Activity.id)))
        for activity in found:
            _ = list(activity.participations)
        return found


def test_the_demo_has_every_type_this_year(demo: tuple[Database, DemoSummary]) -> None:
    db, summary = demo
    found = _all_activities(db)
    assert summary.activities == len(found) > 100
    assert f"代表活动 {len(found)} 次" in str(summary)
    today = dt.date.today()
    assert all(a.activity_date <= today for a in found)
    assert {a.activity_date.year for a in found} == {today.year - 1, today.year}
    assert {a.type for a in found if a.activity_date.year == today.year - 1} == set(ActivityType)
    # This year's 学习培训 are the held sessions of the demo's plan (see test_training), so in early
    # January there may be none yet; every other type is there.
    this_year = {a.type for a in found if a.activity_date.year == today.year}
    assert this_year >= set(ActivityType) - {ActivityType.TRAINING}
    last_year = [a for a in found if a.activity_date.year == today.year - 1]
    by_type = collections.Counter(a.type for a in last_year)
    assert 1 <= by_type[ActivityType.CONGRESS_SESSION] <= 2
    assert by_type[ActivityType.VOTER_RECEPTION] >= 24
    meetings = collections.Counter(a.group_id for a in last_year if a.type == ActivityType.GROUP_MEETING)
    assert len(meetings) == 5 and min(meetings.values()) < 6 <= max(meetings.values())
    for activity in found:
        assert activity.topic and activity.organiser and activity.participations
        if activity.type == ActivityType.VOTER_RECEPTION:
            assert activity.voters_count > 0 and activity.opinions_raised and activity.station_id
        if activity.type == ActivityType.DUTY_REPORT:
            assert all(p.rating is not None for p in activity.participations)
    topics = " ".join(a.topic for a in found)
    for words in ("饮水", "食品安全", "河长制", "人民代表大会", "民生实事", "接待选民"):
        assert words in topics


def test_the_demo_has_absences_and_the_session_nearly_everyone(
        demo: tuple[Database, DemoSummary]) -> None:
    found = _all_activities(demo[0])
    counts = collections.Counter(p.attendance for a in found for p in a.participations)
    assert counts[P] > 5 * counts[E] > 0 and counts[A] > 0
    for session in (a for a in found if a.type == ActivityType.CONGRESS_SESSION):
        marks = collections.Counter(p.attendance for p in session.participations)
        assert len(session.participations) >= 40
        assert 1 <= marks[E] <= 4 and 1 <= marks[A] <= 2
        assert any(p.spoke for p in session.participations)


def test_the_demo_invites_only_deputies_serving_on_the_day(
        demo: tuple[Database, DemoSummary]) -> None:
    db = demo[0]
    with db.session() as session:
        periods = serving_periods(session)
    by_deputy = collections.defaultdict(list)
    for period in periods:
        by_deputy[period.deputy_id].append(period)
    for activity in _all_activities(db):
        for p in activity.participations:
            assert any(period.serves_on(activity.activity_date) for period in by_deputy[p.deputy_id])
    # and people who left are invited before they left, never after
    assert any(period.end is not None for period in periods)


def test_every_demo_activity_passes_the_form(demo: tuple[Database, DemoSummary]) -> None:
    db = demo[0]
    for activity in _all_activities(db)[:60]:
        record = activities.get_activity(db, activity.id)
        assert activities.validate_input(record.data) == record.data


def test_the_demo_activities_are_one_audit_entry_a_year(demo: tuple[Database, DemoSummary]) -> None:
    entries = audit(demo[0], "demo.activities")
    year = dt.date.today().year
    assert [json.loads(e.after or "{}")["year"] for e in entries] == [year - 1, year]
    assert all(e.success for e in entries)


def test_the_demo_scales_its_activities(db: Database, actor: Actor) -> None:
    summary = fill_demo(db, actor, scale=3)
    assert summary.activities == len(_all_activities(db))
    assert 3 * 100 <= summary.activities <= 3 * 250
