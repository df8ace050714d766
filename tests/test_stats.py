"""`presidium stats --json` (spec/cli.md): every key, counted from the records of the year."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from presidium_app.cli import main
from presidium_app.domain.enums import (
    ActivityType,
    Attendance,
    Channel,
    OpinionAction,
    ResultClass,
    Satisfaction,
)
from presidium_app.services import handling_units, mailbox, settings, stats, suggestions, training
from presidium_app.services.activities import ParticipantInput
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database
from tests.test_training import add_deputy, record, session_input

T, A = ActivityType, Attendance


def test_the_keys_are_exactly_the_spec_s(db: Database) -> None:
    figures = stats.year_stats(db, 2026)
    assert list(figures) == [
        "year", "deputies", "activities", "opinions", "suggestions", "training", "shortfalls"]
    assert figures["opinions"] == {
        "total": 0, "by_status": {"registered": 0, "assigned": 0, "replied": 0, "closed": 0,
                                  "rejected": 0, "redirected": 0},
        "overdue": 0, "satisfaction_rate": 0.0}
    assert figures["suggestions"] == {"total": 0, "by_result": {"A": 0, "B": 0, "C": 0, "D": 0}}
    assert figures["activities"] == {
        "total": 0, "by_type": {t.value: 0 for t in ActivityType}, "attendance_rate": 0.0}
    assert list(figures["activities"]["by_type"]) == [
        "inspection", "law_enforcement_check", "research", "inquiry", "attend_meeting",
        "congress_session", "voter_reception", "duty_report", "group_meeting", "training",
        "livelihood_vote", "other"]
    assert figures["training"] == {"sessions_held": 0, "hours": 0.0, "untrained_this_term": 0}
    assert figures["shortfalls"] == {
        "no_suggestion_this_year": 0, "under_five_inspections_this_term": 0}
    assert isinstance(figures["activities"]["attendance_rate"], float)
    assert isinstance(figures["training"]["hours"], float)


def test_the_figures_of_a_year_come_from_its_records(db: Database, actor: Actor) -> None:
    ids = [add_deputy(db, actor, name, seq)[1] for seq, name in enumerate(("张三", "李四", "王五"))]
    zhang, li, wang = ids
    record(db, actor, T.INSPECTION, dt.date(2026, 1, 1), {zhang: A.PRESENT, li: A.EXCUSED})
    record(db, actor, T.INSPECTION, dt.date(2026, 12, 31), {zhang: A.PRESENT, wang: A.ABSENT})
    record(db, actor, T.VOTER_RECEPTION, dt.date(2025, 12, 31), [zhang, li, wang])  # other year
    plan_2026 = training.create_plan(db, actor, 2026)
    held = training.add_session(db, actor, plan_2026, session_input(month=3, hours=2.5))
    training.add_session(db, actor, plan_2026, session_input("预算审查监督基础", month=10, hours=3))
    training.hold_session(db, actor, held, dt.date(2026, 3, 12), [
        ParticipantInput(zhang), ParticipantInput(li, A.ABSENT)])
    plan_2025 = training.create_plan(db, actor, 2025)
    earlier = training.add_session(db, actor, plan_2025, session_input(month=5, hours=4))
    training.hold_session(db, actor, earlier, dt.date(2025, 5, 20), [ParticipantInput(wang)])

    figures = stats.year_stats(db, 2026)

    assert figures["deputies"]["serving"] == 3
    by_type = figures["activities"]["by_type"]
    assert (figures["activities"]["total"], by_type["inspection"], by_type["training"],
            by_type["voter_reception"]) == (3, 2, 1, 0)
    assert figures["activities"]["attendance_rate"] == round(3 / 6, 4)  # 3 present of 6 invited
    assert figures["training"] == {"sessions_held": 1, "hours": 2.5, "untrained_this_term": 1}
    assert figures["shortfalls"] == {
        "no_suggestion_this_year": 3, "under_five_inspections_this_term": 3}

    settings.update(db, actor, {"rules.inspections_per_term": 2})
    assert stats.year_stats(db, 2026)["shortfalls"]["under_five_inspections_this_term"] == 2

    earlier_year = stats.year_stats(db, 2025)
    assert earlier_year["activities"]["total"] == 2  # the reception and 2025's training
    assert earlier_year["activities"]["attendance_rate"] == 1.0
    # "this term" counts the whole term's trainings (张三 was trained in 2026), of those serving then
    assert earlier_year["training"] == {"sessions_held": 1, "hours": 4.0, "untrained_this_term": 1}


def test_the_command_prints_them_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "d")
    assert main(["--data-dir", data, "init", "--township", "青山镇"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "stats", "--year", "2026", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) >= {"year", "deputies", "activities", "training", "shortfalls"}
    assert figures["activities"]["by_type"]["livelihood_vote"] == 0
    assert figures["training"]["untrained_this_term"] == 0


def test_opinion_and_suggestion_figures_count_the_year_s_items(db: Database, actor: Actor) -> None:
    lead = add_deputy(db, actor, "张三", 0)[1]
    unit = handling_units.add_unit(db, actor, "镇交通办")
    day = dt.date(2026, 3, 2)

    def opinion(on: dt.date, *steps: tuple[OpinionAction, dict[str, object]]) -> None:
        oid = mailbox.register_opinion(db, actor, mailbox.OpinionInput(on, Channel.PHONE, "路灯坏了"))
        for number, (action, fields) in enumerate(steps):
            mailbox.apply_action(db, actor, oid, action, on + dt.timedelta(days=number), **fields)  # type: ignore[arg-type]

    assign = (OpinionAction.ASSIGN, {"lead_unit_id": unit, "deadline": day + dt.timedelta(days=5)})
    reply = (OpinionAction.REPLY, {})
    feed = (OpinionAction.FEED_BACK, {})
    opinion(day)  # registered
    opinion(day, assign)  # assigned, overdue by now
    opinion(day, assign, reply, feed)  # replied (fed back)
    opinion(day, assign, reply, feed, (OpinionAction.REDO, {}))  # dissatisfied: assigned again
    opinion(day, assign, reply, feed, (OpinionAction.FOLLOW_UP, {"satisfaction": Satisfaction.SATISFIED}),
            (OpinionAction.CLOSE, {}))
    opinion(day, (OpinionAction.REJECT, {"reason": "已进入诉讼程序"}))
    opinion(dt.date(2025, 12, 30), (OpinionAction.REDIRECT, {"reason": "个人诉求"}))  # last year
    for result in (ResultClass.SOLVED, ResultClass.SOLVED, ResultClass.PLANNED, None):
        sid = suggestions.create_suggestion(db, actor, suggestions.SuggestionInput(day, "建议", "内容", lead))
        if result is not None:
            suggestions.apply_action(db, actor, sid, suggestions.A.REFER, day, lead_unit_id=unit)
            suggestions.apply_action(
                db, actor, sid, suggestions.A.REPLY, day, result_class=result, note="答复")

    figures = stats.year_stats(db, 2026)
    assert figures["opinions"] == {
        "total": 6, "by_status": {"registered": 1, "assigned": 2, "replied": 1, "closed": 1,
                                  "rejected": 1, "redirected": 0},
        "overdue": 2, "satisfaction_rate": 0.5}  # one satisfied, one dissatisfied
    assert figures["suggestions"] == {"total": 4, "by_result": {"A": 2, "B": 0, "C": 1, "D": 0}}
    assert stats.year_stats(db, 2025)["opinions"]["by_status"]["redirected"] == 1
