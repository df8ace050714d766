"""`presidium stats --json` (spec/cli.md): the keys `activities`, `training` and `shortfalls`,
next to the existing ones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from presidium_app.cli import main
from presidium_app.domain.enums import ActivityType, Attendance
from presidium_app.services import settings, stats, training
from presidium_app.services.activities import ParticipantInput
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database
from tests.test_training import add_deputy, record, session_input

T, A = ActivityType, Attendance


def test_the_keys_are_exactly_the_spec_s(db: Database) -> None:
    figures = stats.year_stats(db, 2026)
    assert list(figures) == ["year", "deputies", "activities", "training", "shortfalls"]
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
