"""The performance archive (DOMAIN.md §3): the 8 parts in order, assembled from the records, for a
year or a whole term."""

from __future__ import annotations

import datetime as dt

import pytest

from presidium_app.domain.enums import ActivityType, Attendance, DeputyStatus, Satisfaction
from presidium_app.services import (
    activities,
    archive,
    awards,
    deputies,
    organisation,
    rules,
    scores,
    township,
    training,
)
from presidium_app.services.activities import ParticipantInput
from presidium_app.services.audit import Actor
from presidium_app.services.errors import NotFound, ValidationFailed
from presidium_app.storage.database import Database
from tests.test_training import add_deputy, record, session_input

T, A = ActivityType, Attendance
TITLES = ["基本情况", "会议", "视察调研", "学习培训", "小组活动", "建议意见", "述职与监督", "表彰奖励"]


@pytest.fixture
def zhang(db: Database, actor: Actor) -> int:
    """张三: a deputy of 第十八届 and 第十九届 with a record in 2019, 2025 and 2026."""
    group = organisation.add_group(db, actor, "第一代表小组").id
    old = township.ensure_term(db, actor, 18, 2016, 2021)
    old_mandate, deputy = add_deputy(db, actor, "张三", 1, term_id=old.id,
                                     elected_on=dt.date(2016, 11, 16))
    deputies.change_status(db, actor, old_mandate, DeputyStatus.TERMINATED, dt.date(2021, 11, 15),
                           "届满")
    add_deputy(db, actor, "张三", 1, group_id=group)
    _, other = add_deputy(db, actor, "李四", 2)

    record(db, actor, T.INSPECTION, dt.date(2019, 5, 1), [deputy], "上届视察")
    record(db, actor, T.CONGRESS_SESSION, dt.date(2025, 3, 1), [deputy], "第四次会议", spoke=[deputy],
           place="镇政府大礼堂")
    record(db, actor, T.INSPECTION, dt.date(2025, 5, 1), [deputy], "视察农村公路")
    record(db, actor, T.VOTER_RECEPTION, dt.date(2025, 6, 1), [deputy, other], "进站接待",
           opinions_raised="1. 东山村道路坑洼\n2. 路灯不亮")
    record(db, actor, T.GROUP_MEETING, dt.date(2025, 7, 1), [deputy], "小组学习", group_id=group)
    report = record(db, actor, T.DUTY_REPORT, dt.date(2025, 12, 31), [deputy], "年度述职")
    with_rating = activities.get_activity(db, report)
    with_rating.data.participants[0].rating = Satisfaction.SATISFIED
    activities.update_activity(db, actor, with_rating.id, with_rating.data)

    record(db, actor, T.ATTEND_MEETING, dt.date(2026, 3, 1), {deputy: A.EXCUSED}, "列席镇政府常务会")
    record(db, actor, T.LIVELIHOOD_VOTE, dt.date(2026, 3, 2), [deputy], "民生实事票决")
    record(db, actor, T.OTHER, dt.date(2026, 3, 3), [deputy], "植树活动")
    record(db, actor, T.RESEARCH, dt.date(2026, 4, 1), {deputy: A.ABSENT}, "产业调研")
    record(db, actor, T.INQUIRY, dt.date(2026, 4, 2), [deputy], "专题询问")
    record(db, actor, T.LAW_ENFORCEMENT_CHECK, dt.date(2026, 4, 3), [deputy], "食品安全检查")
    record(db, actor, T.TRAINING, dt.date(2026, 4, 10), [deputy], "县里组织的网络培训")
    record(db, actor, T.GROUP_MEETING, dt.date(2026, 5, 1), [deputy], "小组活动", group_id=group)
    record(db, actor, T.VOTER_RECEPTION, dt.date(2026, 5, 2), [deputy], "进站接待（无意见）")
    record(db, actor, T.VOTER_RECEPTION, dt.date(2026, 5, 3), {deputy: A.ABSENT}, "未到场的接待",
           opinions_raised="不该记入他的建议意见")
    plan_id = training.create_plan(db, actor, 2026)
    session_id = training.add_session(db, actor, plan_id, session_input(month=3))
    training.hold_session(db, actor, session_id, dt.date(2026, 3, 20), [ParticipantInput(deputy)])
    awards.add_award(db, actor, deputy, dt.date(2026, 1, 10), "优秀人大代表", "临川县人大常委会")
    awards.add_award(db, actor, deputy, dt.date(2019, 1, 10), "履职积极分子", "青山镇人大主席团")
    return deputy


def rows(part: archive.ArchivePart) -> list[tuple[dt.date | None, str, str]]:
    return [(r.date, r.title, r.role) for r in part.rows]


def test_the_eight_parts_come_in_order(db: Database, zhang: int) -> None:
    got = archive.performance_archive(db, zhang, year=2026)
    assert [p.title for p in got.parts] == TITLES
    assert [p.key for p in got.parts] == [k for k, _ in archive.PARTS]
    assert got.period == "2026年度" and (got.start, got.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert got.person.name == "张三" and got.person.mobile == "13800000001"


def test_a_year_is_assembled_from_the_records(db: Database, zhang: int) -> None:
    got = archive.performance_archive(db, zhang, year=2026)

    assert rows(got.part("meetings")) == [
        (dt.date(2026, 3, 1), "列席镇政府常务会", "请假"),
        (dt.date(2026, 3, 2), "民生实事票决", "出席"),
        (dt.date(2026, 3, 3), "植树活动", "出席"),
    ]
    assert got.part("meetings").counts == {"出席": 2, "请假": 1, "缺席": 0}
    assert rows(got.part("inspections")) == [
        (dt.date(2026, 4, 1), "产业调研", "缺席"),
        (dt.date(2026, 4, 2), "专题询问", "出席"),
        (dt.date(2026, 4, 3), "食品安全检查", "出席"),
    ]
    training_part = got.part("training")
    assert rows(training_part) == [
        (dt.date(2026, 3, 20), "宪法和代表法学习", "出席"),
        (dt.date(2026, 4, 10), "县里组织的网络培训", "出席"),
    ]
    assert "3学时" in training_part.rows[0].detail and "集中授课" in training_part.rows[0].detail
    assert "学时" not in training_part.rows[1].detail  # not from the plan: no hours known
    assert training_part.counts == {"出席": 2, "请假": 0, "缺席": 0, "学时": 3.0}
    assert rows(got.part("group")) == [(dt.date(2026, 5, 1), "小组活动", "出席")]
    assert got.part("suggestions").rows == []  # the absent deputy's reception raised nothing of his
    assert got.part("suggestions").counts == {"代表建议": 0, "收集意见": 0}
    assert rows(got.part("reporting")) == [
        (dt.date(2026, 5, 2), "进站接待（无意见）", "出席"),
        (dt.date(2026, 5, 3), "未到场的接待", "缺席"),
    ]
    assert [(r.date, r.title, r.detail) for r in got.part("awards").rows] == [
        (dt.date(2026, 1, 10), "优秀人大代表", "临川县人大常委会")]


def test_the_year_before_has_its_own_records(db: Database, zhang: int) -> None:
    got = archive.performance_archive(db, zhang, year=2025)
    meetings = got.part("meetings").rows
    assert [(r.title, r.role) for r in meetings] == [("第四次会议", "出席、审议发言")]
    assert "镇政府大礼堂" in meetings[0].detail
    opinions = got.part("suggestions")
    assert [(r.date, r.role, r.detail) for r in opinions.rows] == [
        (dt.date(2025, 6, 1), "接待选民时收集", "1. 东山村道路坑洼\n2. 路灯不亮")]
    reporting = got.part("reporting").rows
    assert [r.title for r in reporting] == ["进站接待", "年度述职"]
    assert "选民测评：满意" in reporting[1].detail
    assert got.part("awards").rows == [] and got.part("training").rows == []


def test_the_whole_term_and_an_earlier_term(db: Database, zhang: int) -> None:
    term = archive.performance_archive(db, zhang)  # neither: the current term
    assert term.period == "第十九届（2021—2026）" and term.year is None
    assert len(term.part("inspections").rows) == 4  # 2025's and 2026's, not 2019's
    assert len(term.part("awards").rows) == 1

    old_id = next(t.id for t in township.list_terms(db) if t.ordinal == 18)
    old = archive.performance_archive(db, zhang, term_id=old_id)
    assert old.period == "第十八届（2016—2021）"
    assert [r.title for r in old.part("inspections").rows] == ["上届视察"]
    assert [r.title for r in old.part("awards").rows] == ["履职积极分子"]
    assert old.part("meetings").rows == []
    with pytest.raises(NotFound):
        archive.performance_archive(db, zhang, term_id=999)


def test_basic_information_lists_every_mandate_and_status_change(db: Database, zhang: int) -> None:
    basic = archive.performance_archive(db, zhang, year=2026).part("basic")
    assert rows(basic) == [
        (dt.date(2016, 11, 16), "第十八届（2016—2021）乡镇人大代表", "当选"),
        (dt.date(2021, 11, 15), "第十八届代表资格变动", "在任→终止"),
        (dt.date(2021, 11, 16), "第十九届（2021—2026）乡镇人大代表", "当选"),
    ]
    assert "代表小组：第一代表小组" in basic.rows[2].detail and "状态：在任" in basic.rows[2].detail
    assert basic.counts == {"届次": 2}


def test_the_archive_carries_the_year_s_shortfalls_and_score(db: Database, zhang: int) -> None:
    got = archive.performance_archive(db, zhang, year=2026)
    assert got.score_year == 2026
    assert got.score == scores.deputy_score(db, zhang, 2026)
    assert got.shortfalls == rules.deputy_shortfalls(db, zhang, 2026)
    assert got.score is not None and got.score.columns["inspections"] == 2 * 3


def test_a_new_record_shows_in_the_archive_at_once(db: Database, actor: Actor, zhang: int) -> None:
    before = archive.performance_archive(db, zhang, year=2026).part("group").counts["出席"]
    record(db, actor, T.GROUP_MEETING, dt.date(2026, 6, 1), [zhang], "又一次小组活动")
    assert archive.performance_archive(db, zhang, year=2026).part("group").counts["出席"] == before + 1


def test_awards_are_added_listed_and_removed_with_audit(db: Database, actor: Actor, zhang: int) -> None:
    listed = awards.list_awards(db, zhang)
    assert [(a.title, a.deputy_name) for a in listed] == [("优秀人大代表", "张三"), ("履职积极分子", "张三")]
    assert [a.title for a in awards.list_awards(db, start=dt.date(2026, 1, 1))] == ["优秀人大代表"]
    with pytest.raises(ValidationFailed) as info:
        awards.add_award(db, actor, zhang, dt.date.today() + dt.timedelta(days=1), " ")
    assert set(info.value.field_errors) == {"title", "awarded_on"}
    awards.remove_award(db, actor, listed[1].id)
    assert [a.title for a in awards.list_awards(db, zhang)] == ["优秀人大代表"]
    with pytest.raises(NotFound):
        awards.remove_award(db, actor, listed[1].id)


def test_a_past_deputy_s_archive_stays_readable(db: Database, actor: Actor, zhang: int) -> None:
    mandate_id = deputies.search_ids(db, deputies.DeputyQuery(text="张三"))[0]
    assert archive.mandate_deputy(db, mandate_id) == zhang
    record_ = deputies.get_deputy(db, mandate_id)
    deputies.change_status(db, actor, mandate_id, DeputyStatus.RESIGNED, dt.date(2026, 6, 30), "辞职",
                           record_.mandate_version)
    got = archive.performance_archive(db, zhang, year=2026)
    assert got.shortfalls == []  # no longer measured
    assert len(got.part("inspections").rows) == 3
