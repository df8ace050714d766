"""Rules (who is short, at year and term boundaries) and scores (the points table, grades, two poor
years), against DOMAIN.md §3 and the settings."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, insert, select

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.enums import ActivityType, Attendance, DeputyStatus
from presidium_app.services import deputies, organisation, rules, scores, settings
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database
from tests.test_training import add_deputy, record

T = ActivityType
ON = dt.date(2026, 6, 1)
A = Attendance


@pytest.fixture
def town(db: Database, actor: Actor) -> dict[str, int]:
    """张三 and 李四 in 第一小组, 王五 in 第二小组; ids by name (groups as g1, g2)."""
    g1 = organisation.add_group(db, actor, "第一小组").id
    g2 = organisation.add_group(db, actor, "第二小组").id
    ids = {"g1": g1, "g2": g2}
    for seq, (name, group) in enumerate((("张三", g1), ("李四", g1), ("王五", g2))):
        ids[name] = add_deputy(db, actor, name, seq, group_id=group)[1]
    return ids


def by_key(statuses: list[rules.RuleStatus]) -> dict[str, rules.RuleStatus]:
    return {s.key: s for s in statuses}


def short(db: Database, key: str, year: int = 2026, on: dt.date = ON) -> dict[str, tuple[int, int]]:
    """Name → (done, short by) of those short of the rule."""
    return {s.name: (s.done, s.short_by) for s in by_key(rules.shortfalls(db, year, on))[key].short}


# --- rules ------------------------------------------------------------------------------------------


def test_every_rule_is_listed_with_its_setting_period_and_subject(
        db: Database, town: dict[str, int]) -> None:
    statuses = rules.shortfalls(db, 2026, ON)
    assert [(s.key, s.label, s.required, s.unit, s.period, s.subject, s.checked) for s in statuses] == [
        ("rules.suggestions_per_year", "每年至少提出代表建议", 1, "件", "年", "代表", 3),
        ("rules.inspections_per_term", "每届至少参加视察、执法检查、调研", 5, "次", "届", "代表", 3),
        ("rules.trainings_per_term", "每届至少参加学习培训", 1, "次", "届", "代表", 3),
        ("rules.duty_reports_per_year", "每年至少向选民述职", 1, "次", "年", "代表", 3),
        ("rules.voter_receptions_per_year", "每年至少进站接待选民", 2, "次", "年", "代表", 3),
        ("rules.group_meetings_per_year", "代表小组每年至少活动", 6, "次", "年", "代表小组", 2),
    ]
    suggestions = statuses[0]
    assert [(s.name, s.done, s.short_by) for s in suggestions.short] == [
        ("李四", 0, 1), ("王五", 0, 1), ("张三", 0, 1)]
    assert (statuses[1].start, statuses[1].end) == (dt.date(2021, 1, 1), dt.date(2026, 12, 31))
    assert (statuses[3].start, statuses[3].end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_the_last_day_of_a_year_counts_for_it_and_the_first_for_the_next(
        db: Database, actor: Actor, town: dict[str, int]) -> None:
    record(db, actor, T.DUTY_REPORT, dt.date(2025, 12, 31), [town["张三"]])
    record(db, actor, T.DUTY_REPORT, dt.date(2026, 1, 1), [town["李四"]])
    record(db, actor, T.VOTER_RECEPTION, dt.date(2025, 12, 31), [town["王五"]])
    record(db, actor, T.VOTER_RECEPTION, dt.date(2026, 1, 1), [town["王五"]])

    assert short(db, "rules.duty_reports_per_year", 2025) == {"李四": (0, 1), "王五": (0, 1)}
    assert short(db, "rules.duty_reports_per_year", 2026) == {"张三": (0, 1), "王五": (0, 1)}
    assert short(db, "rules.voter_receptions_per_year", 2026)["王五"] == (1, 1)


def test_the_term_runs_from_the_first_day_of_its_first_year_to_the_last_of_its_last(
        db: Database, actor: Actor, town: dict[str, int]) -> None:
    zhang = town["张三"]
    record(db, actor, T.INSPECTION, dt.date(2020, 12, 31), [zhang])  # before the term
    record(db, actor, T.LAW_ENFORCEMENT_CHECK, dt.date(2021, 1, 1), [zhang])
    record(db, actor, T.RESEARCH, dt.date(2023, 7, 1), [zhang])
    record(db, actor, T.INQUIRY, dt.date(2026, 12, 31), [zhang])
    record(db, actor, T.INSPECTION, dt.date(2027, 1, 1), [zhang])  # after it
    record(db, actor, T.INSPECTION, dt.date(2024, 4, 1), {zhang: A.EXCUSED})  # not attended
    record(db, actor, T.TRAINING, dt.date(2024, 4, 1), [zhang])  # not an inspection

    assert short(db, "rules.inspections_per_term")["张三"] == (3, 2)
    assert short(db, "rules.trainings_per_term") == {"李四": (0, 1), "王五": (0, 1)}


def test_a_deputy_who_left_is_not_short(db: Database, actor: Actor, town: dict[str, int]) -> None:
    mandate_id = deputies.search_ids(db, deputies.DeputyQuery(text="王五"))[0]
    deputies.change_status(db, actor, mandate_id, DeputyStatus.RESIGNED, dt.date(2026, 3, 1), "辞职")

    assert "王五" not in short(db, "rules.inspections_per_term")
    assert "王五" in short(db, "rules.inspections_per_term", on=dt.date(2026, 2, 28))
    assert rules.deputy_shortfalls(db, town["王五"], 2026, ON) == []
    # 第二小组 has no serving member left: it is not measured either
    assert short(db, "rules.group_meetings_per_year") == {"第一小组": (0, 6)}


def test_a_by_elected_deputy_owes_the_share_of_the_period_still_ahead(
        db: Database, actor: Actor, town: dict[str, int]) -> None:
    _, zhao = add_deputy(db, actor, "赵六", 9, elected_on=dt.date(2026, 7, 1), by_election=True)
    on = dt.date(2026, 8, 1)
    # 184 of the term's 2191 days: 5 × 184/2191 → 1; 184 of the year's 365 days: 2 × 184/365 → 2
    assert short(db, "rules.inspections_per_term", on=on)["赵六"] == (0, 1)
    assert short(db, "rules.voter_receptions_per_year", on=on)["赵六"] == (0, 2)
    assert short(db, "rules.inspections_per_term", on=on)["张三"] == (0, 5)
    assert "赵六" not in short(db, "rules.inspections_per_term", on=ON)  # not yet elected
    assert "赵六" not in short(db, "rules.duty_reports_per_year", 2025, on=on)  # elected after
    assert rules.prorated(5, dt.date(2026, 7, 1), True, dt.date(2021, 1, 1), dt.date(2026, 12, 31)) == 1
    assert rules.prorated(5, dt.date(2026, 7, 1), False, dt.date(2021, 1, 1), dt.date(2026, 12, 31)) == 5
    assert zhao > 0


def test_group_meetings_count_per_group_in_the_year(
        db: Database, actor: Actor, town: dict[str, int]) -> None:
    for month in range(1, 7):
        record(db, actor, T.GROUP_MEETING, dt.date(2026, month, 10), [town["张三"]],
               group_id=town["g1"])
    for month in range(1, 6):
        record(db, actor, T.GROUP_MEETING, dt.date(2026, month, 10), [town["王五"]],
               group_id=town["g2"])
    record(db, actor, T.GROUP_MEETING, dt.date(2025, 12, 31), [town["王五"]], group_id=town["g2"])
    assert short(db, "rules.group_meetings_per_year") == {"第二小组": (5, 1)}
    assert short(db, "rules.group_meetings_per_year", 2025) == {"第一小组": (0, 6), "第二小组": (1, 5)}


def test_edited_settings_change_who_is_short(
        db: Database, actor: Actor, town: dict[str, int]) -> None:
    record(db, actor, T.DUTY_REPORT, dt.date(2026, 3, 1), [town["张三"], town["李四"]])
    record(db, actor, T.DUTY_REPORT, dt.date(2026, 9, 1), [town["张三"]])
    assert short(db, "rules.duty_reports_per_year") == {"王五": (0, 1)}

    settings.update(db, actor, {"rules.duty_reports_per_year": 2})
    assert short(db, "rules.duty_reports_per_year") == {"王五": (0, 2), "李四": (1, 1)}
    assert by_key(rules.shortfalls(db, 2026, ON))["rules.duty_reports_per_year"].required == 2

    settings.update(db, actor, {"rules.duty_reports_per_year": 0, "rules.inspections_per_term": 3})
    assert short(db, "rules.duty_reports_per_year") == {}  # a rule set to 0 is off
    assert short(db, "rules.inspections_per_term")["张三"] == (0, 3)


def test_one_deputy_sees_every_rule_met_or_not(
        db: Database, actor: Actor, town: dict[str, int]) -> None:
    record(db, actor, T.VOTER_RECEPTION, dt.date(2026, 2, 1), [town["张三"]])
    record(db, actor, T.VOTER_RECEPTION, dt.date(2026, 5, 1), [town["张三"]])
    progress = rules.deputy_shortfalls(db, town["张三"], 2026, ON)
    assert [(p.key, p.subject, p.required, p.done, p.short_by) for p in progress] == [
        ("rules.suggestions_per_year", "本人", 1, 0, 1),
        ("rules.inspections_per_term", "本人", 5, 0, 5),
        ("rules.trainings_per_term", "本人", 1, 0, 1),
        ("rules.duty_reports_per_year", "本人", 1, 0, 1),
        ("rules.voter_receptions_per_year", "本人", 2, 2, 0),
        ("rules.group_meetings_per_year", "第一小组", 6, 0, 6),
    ]
    assert rules.short_counts(db, 2026, ON)["rules.voter_receptions_per_year"] == 2


def test_shortfalls_are_counted_in_sql_fast_at_ten_thousand_activities(
        db: Database, actor: Actor, town: dict[str, int]) -> None:
    people = [town["张三"], town["李四"], town["王五"]]
    kinds = [T.INSPECTION, T.VOTER_RECEPTION, T.DUTY_REPORT, T.TRAINING, T.GROUP_MEETING]
    with db.transaction() as session:
        first = (session.scalar(select(Activity.id).order_by(Activity.id.desc())) or 0) + 1
        rows = [{"id": first + i, "type": kinds[i % 5].value,
                 "activity_date": dt.date(2021, 1, 1) + dt.timedelta(days=i % 2000),
                 "topic": f"活动{i}", "group_id": town["g1"] if i % 5 == 4 else None}
                for i in range(10_000)]
        session.execute(insert(Activity), rows)
        session.execute(insert(Participation), [
            {"activity_id": r["id"], "deputy_id": people[i % 3], "attendance": "present"}
            for i, r in enumerate(rows)])
    # Counted in SQL: a handful of statements whatever the number of activities (a wall-clock
    # limit would be flaky on a loaded machine; benchmarks time it).
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        statuses = by_key(rules.shortfalls(db, 2026, ON))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert statuses["rules.inspections_per_term"].short == []
    assert len(statements) <= 30


# --- scores -----------------------------------------------------------------------------------------


def test_a_hand_computed_score_sheet(db: Database, actor: Actor, town: dict[str, int]) -> None:
    zhang = town["张三"]
    day = dt.date(2026, 3, 1)
    record(db, actor, T.CONGRESS_SESSION, day, [zhang], "第一次会议上午", spoke=[zhang])
    record(db, actor, T.CONGRESS_SESSION, day, [zhang], "第一次会议下午")
    record(db, actor, T.CONGRESS_SESSION, dt.date(2026, 3, 2), {zhang: A.ABSENT}, "第一次会议次日")
    record(db, actor, T.CONGRESS_SESSION, dt.date(2026, 3, 3), {zhang: A.EXCUSED}, "请假不扣分")
    for kind in (T.ATTEND_MEETING, T.LIVELIHOOD_VOTE, T.OTHER):
        record(db, actor, kind, day, [zhang])
    for kind in (T.INSPECTION, T.LAW_ENFORCEMENT_CHECK, T.RESEARCH, T.INQUIRY):
        record(db, actor, kind, day, [zhang])
    record(db, actor, T.INSPECTION, dt.date(2026, 4, 1), {zhang: A.ABSENT}, "缺席视察不扣分")
    record(db, actor, T.GROUP_MEETING, day, [zhang], spoke=[zhang], group_id=town["g1"])
    record(db, actor, T.TRAINING, day, [zhang])
    record(db, actor, T.VOTER_RECEPTION, day, [zhang])
    record(db, actor, T.DUTY_REPORT, day, [zhang])
    record(db, actor, T.INSPECTION, dt.date(2025, 12, 31), [zhang], "上一年度不计")

    row = scores.deputy_score(db, zhang, 2026)

    assert row is not None
    assert row.columns == {
        "congress": 2 * 5 - 1,  # two sittings attended, one unexcused absence
        "speech": 2 * 2,  # spoke at the congress and at the group meeting
        "suggestion": 0,  # no suggestions yet
        "meetings": 3 * 2,  # 列席会议, 民生实事票决, 其他
        "inspections": 4 * 3,  # 视察, 执法检查, 专题调研, 专题询问
        "group": 2 * 2,  # 代表小组活动 and 学习培训
        "voters": 2 * 3,  # 接待选民 and 代表述职
    }
    assert (row.base, row.total, row.grade, row.advice) == (60, 60 + 9 + 4 + 6 + 12 + 4 + 6, "好", "")
    assert [c.label for c in scores.SCORE_COLUMNS] == [
        "参加人代会", "审议发言", "提出议案建议", "列席及其他活动", "视察调研执法检查", "代表小组活动",
        "联系群众"]
    sheet = {r.name: r for r in scores.year_scores(db, 2026)}
    assert list(sheet) == ["李四", "王五", "张三"]
    assert sheet["张三"] == row
    assert (sheet["李四"].total, sheet["李四"].grade) == (60, "一般")

    settings.update(db, actor, {"points.inspection": 5, "points.base": 50})
    again = scores.deputy_score(db, zhang, 2026)
    assert again is not None and again.total == row.total - 10 + 8


def test_grades_follow_the_thresholds(db: Database, actor: Actor) -> None:
    values = settings.get_all(db)
    assert [scores.grade(t, values) for t in (100, 80, 79.5, 60, 59.5, -3)] == [
        "好", "好", "一般", "一般", "差", "差"]
    settings.update(db, actor, {"grades.good": 90, "grades.fair": 70})
    values = settings.get_all(db)
    assert [scores.grade(t, values) for t in (90, 89, 70, 69)] == ["好", "一般", "一般", "差"]


def test_two_poor_years_running_bring_the_advice_to_resign(
        db: Database, actor: Actor, town: dict[str, int]) -> None:
    settings.update(db, actor, {"points.congress_absence": 2})
    zhang, li = town["张三"], town["李四"]
    for year in (2025, 2026):
        record(db, actor, T.CONGRESS_SESSION, dt.date(year, 3, 1), {zhang: A.ABSENT, li: A.ABSENT})
    record(db, actor, T.CONGRESS_SESSION, dt.date(2025, 3, 2), [li])  # 李四 came once in 2025

    sheet = {r.name: r for r in scores.year_scores(db, 2026)}

    assert (sheet["张三"].total, sheet["张三"].grade, sheet["张三"].previous_grade) == (58, "差", "差")
    assert sheet["张三"].advice == "建议辞职" and sheet["张三"].advise_resign
    assert (sheet["李四"].grade, sheet["李四"].previous_grade, sheet["李四"].advice) == ("差", "一般", "")
    assert sheet["王五"].advice == ""


def test_no_advice_for_a_deputy_who_did_not_serve_the_year_before(
        db: Database, actor: Actor, town: dict[str, int]) -> None:
    _, zhao = add_deputy(db, actor, "赵六", 9, elected_on=dt.date(2026, 2, 1), by_election=True)
    record(db, actor, T.CONGRESS_SESSION, dt.date(2026, 3, 1), {zhao: A.ABSENT})
    settings.update(db, actor, {"points.congress_absence": 5})
    row = scores.deputy_score(db, zhao, 2026)
    assert row is not None and (row.grade, row.previous_grade, row.advice) == ("差", None, "")
    assert scores.deputy_score(db, 999_999, 2026) is None
