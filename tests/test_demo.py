"""The demo township (`init --demo`): a roster that is valid, consistent and realistic."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from presidium_app import cli
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.deputies import Deputy, Mandate, StatusChange
from presidium_app.domain.enums import DeputyLevel, DeputyStatus, Gender
from presidium_app.domain.township import Term
from presidium_app.domain.validators import (
    id_birth_date,
    id_gender,
    validate_id_number,
    validate_mobile,
)
from presidium_app.services import deputies, organisation, township
from presidium_app.services.audit import Actor
from presidium_app.services.demo import DemoSummary, fill_demo
from presidium_app.services.deputies import DeputyQuery
from presidium_app.services.errors import ServiceError
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.services.search import name_keys
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database


@pytest.fixture
def demo(db: Database, actor: Actor) -> tuple[Database, DemoSummary]:
    return db, fill_demo(db, actor)


def _deputies(db: Database) -> list[Deputy]:
    with db.session() as session:
        return list(session.scalars(select(Deputy).order_by(Deputy.id)))


def _mandates(db: Database) -> list[Mandate]:
    """Every mandate with its deputy, term and history loaded (usable after the session)."""
    with db.session() as session:
        mandates = list(session.scalars(select(Mandate).order_by(Mandate.id)))
        for m in mandates:
            _ = m.deputy.name, m.term.ordinal, list(m.status_changes), m.group, m.station
        return mandates


def _current(db: Database) -> list[Mandate]:
    return [m for m in _mandates(db) if m.term.is_current]


def test_summary_names_what_was_filled(demo: tuple[Database, DemoSummary]) -> None:
    db, summary = demo
    assert (summary.deputies, summary.left, summary.by_election) == (52, 4, 3)
    assert (summary.groups, summary.stations) == (5, 3)
    assert str(summary).startswith("代表 52 人（其中离任 4 人、补选 3 人），代表小组 5 个，联络站 3 个")
    assert "第十八届" in str(summary)
    assert len(_current(db)) == summary.deputies


def test_every_id_number_is_valid_and_agrees_with_birth_date_and_sex(
    demo: tuple[Database, DemoSummary],
) -> None:
    people = _deputies(demo[0])
    assert len(people) > 60
    for person in people:
        assert person.id_number is not None
        assert validate_id_number(person.id_number) == person.id_number
        assert id_birth_date(person.id_number) == person.birth_date
        assert id_gender(person.id_number) == person.gender
        assert person.id_number[:2] == "36"  # one province: a county and its neighbours
        assert validate_mobile(person.mobile) == person.mobile
        assert (person.name_pinyin, person.name_initials) == name_keys(person.name)
    assert len({p.id_number for p in people}) == len(people)
    assert len({p.mobile for p in people}) == len(people)
    assert any(p.id_number and p.id_number.endswith("X") for p in people)


def test_every_record_passes_the_roster_validation(demo: tuple[Database, DemoSummary]) -> None:
    """What the edit form would say if staff opened and saved each record: nothing to correct."""
    db = demo[0]
    for mandate in _mandates(db):
        record = deputies.get_deputy(db, mandate.id)
        assert deputies.validate_input(record.data) == record.data


def test_the_roster_looks_like_a_real_township(demo: tuple[Database, DemoSummary]) -> None:
    people = _deputies(demo[0])
    women = sum(1 for p in people if p.gender == Gender.FEMALE) / len(people)
    assert 0.2 <= women <= 0.4
    ethnicities = collections.Counter(p.ethnicity for p in people)
    assert ethnicities.most_common(1)[0][0] == "汉族" and len(ethnicities) > 1
    parties = collections.Counter(p.political_status for p in people)
    assert parties["中共党员"] > len(people) / 2 and parties["群众"] > 0
    assert set(parties) & {"民盟盟员", "民建会员", "民进会员", "九三学社社员", "农工党党员"}
    assert {"初中", "高中", "大专", "本科"} <= {p.education for p in people}
    assert any(len(p.name) == 2 for p in people) and any(len(p.name) == 3 for p in people)
    posts = " ".join(p.workplace for p in people)
    for post in ("党支部书记", "村委会主任", "中心小学", "卫生院", "合作社理事长", "镇长"):
        assert post in posts
    for person in people:
        assert person.birth_date is not None
        assert 20 <= (dt.date(2021, 11, 16) - person.birth_date).days // 365 <= 70


def test_same_name_different_persons(demo: tuple[Database, DemoSummary]) -> None:
    people = _deputies(demo[0])
    by_name = collections.defaultdict(list)
    for person in people:
        by_name[person.name].append(person.birth_date)
    assert len(by_name["王伟"]) == 2
    assert len(set(by_name["王伟"])) == 2
    found = deputies.search_ids(demo[0], DeputyQuery(text="wangwei"))
    assert len(found) >= 2


def test_departures_have_a_date_a_reason_and_history(demo: tuple[Database, DemoSummary]) -> None:
    mandates = _mandates(demo[0])
    gone = [m for m in mandates if m.status != DeputyStatus.SERVING]
    current_gone = [m for m in gone if m.term.is_current]
    assert {m.status for m in current_gone} == {
        DeputyStatus.RESIGNED, DeputyStatus.TRANSFERRED, DeputyStatus.DECEASED}
    assert len(current_gone) == 4
    for m in gone:
        assert m.left_on is not None
        assert m.elected_on is not None and m.elected_on <= m.left_on
        last = m.status_changes[-1]
        assert (last.old_status, last.new_status) == (DeputyStatus.SERVING, m.status)
        assert last.changed_on == m.left_on
        assert last.reason.strip()
    for m in current_gone:
        assert m.left_on is not None and 2022 <= m.left_on.year <= 2025
    for m in mandates:
        if m.status == DeputyStatus.SERVING:
            assert m.left_on is None


def test_by_elections_fill_seats_after_the_departures(demo: tuple[Database, DemoSummary]) -> None:
    current = _current(demo[0])
    replacements = [m for m in current if m.by_election]
    assert len(replacements) == 3
    for new in replacements:
        left = [m for m in current if m.constituency == new.constituency and m.left_on]
        assert left, f"{new.deputy.name}补选的选区无人离任"
        assert new.elected_on is not None
        assert any(m.left_on is not None and m.left_on < new.elected_on for m in left)
        assert new.status == DeputyStatus.SERVING


def test_two_terms_and_persons_who_sat_in_both(demo: tuple[Database, DemoSummary]) -> None:
    db = demo[0]
    terms = township.list_terms(db)
    assert [(t.ordinal, t.start_year, t.end_year, t.is_current) for t in terms] == [
        (18, 2016, 2021, False), (19, 2021, 2026, True)]
    mandates = _mandates(db)
    terms_of = collections.defaultdict(set)
    for m in mandates:
        terms_of[m.deputy_id].add(m.term.ordinal)
    both = [d for d, t in terms_of.items() if t == {18, 19}]
    only_previous = [d for d, t in terms_of.items() if t == {18}]
    assert len(both) == 20
    assert len(only_previous) == 12
    assert demo[1].previous_deputies == 32


def test_levels_constituencies_groups_and_stations(demo: tuple[Database, DemoSummary]) -> None:
    db = demo[0]
    current = _current(db)
    county = [m for m in current if DeputyLevel.COUNTY in m.levels]
    city = [m for m in current if DeputyLevel.CITY in m.levels]
    assert len(county) == 8
    assert all(DeputyLevel.TOWNSHIP in m.levels for m in county)
    assert 1 <= len(city) <= 2
    assert sum(1 for m in current if DeputyLevel.TOWNSHIP in m.levels) >= 50
    groups = [g.name for g in organisation.list_groups(db)]
    assert groups[0] == "第一代表小组（东片）" and len(groups) == 5
    stations = [s.name for s in organisation.list_stations(db)]
    assert "青山镇人大代表之家" in stations and len(stations) == 3
    for m in current:
        assert m.group is not None and m.station is not None
        assert m.constituency
        if DeputyLevel.TOWNSHIP in m.levels:
            assert m.constituency.startswith("第") and m.constituency.endswith("选区")
    assert {m.group.name for m in current if m.group} == set(groups)
    assert {m.station.name for m in current if m.station} == set(stations)


def test_one_audit_entry_for_the_roster(demo: tuple[Database, DemoSummary]) -> None:
    with demo[0].session() as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "demo.fill")))
    assert len(entries) == 1
    assert entries[0].success and "代表 52 人" in entries[0].summary


def test_running_twice_is_refused_and_changes_nothing(
    demo: tuple[Database, DemoSummary], actor: Actor,
) -> None:
    db = demo[0]
    before = len(_mandates(db))
    with pytest.raises(ServiceError) as info:
        fill_demo(db, actor)
    assert "已有" in info.value.message
    assert len(_mandates(db)) == before
    assert len(organisation.list_groups(db)) == 5


def test_refused_before_the_township_is_set_up(empty_db: Database, actor: Actor) -> None:
    with pytest.raises(ServiceError) as info:
        fill_demo(empty_db, actor)
    assert "乡镇" in info.value.message


def test_the_same_demo_every_time(tmp_path: Path, demo: tuple[Database, DemoSummary],
                                  actor: Actor) -> None:
    other = open_database(tmp_path / "other")
    try:
        township.set_up_township(other, actor, "青山镇", "临川县", 19, 2021, 2026)
        fill_demo(other, actor)
        first = [(p.name, p.id_number, p.mobile, p.workplace) for p in _deputies(demo[0])]
        second = [(p.name, p.id_number, p.mobile, p.workplace) for p in _deputies(other)]
        assert first == second
    finally:
        other.dispose()


def test_progress_is_reported_and_cancel_writes_no_deputy(db: Database, actor: Actor) -> None:
    seen: list[tuple[int, int, str]] = []
    progress = Progress(lambda done, total, text: seen.append((done, total, text)))
    progress.cancel()
    with pytest.raises(Cancelled):
        fill_demo(db, actor, progress=progress)
    assert deputies.count(db, DeputyQuery()) == 0
    # Groups and stations made before the cancel are reused by the next run, not duplicated.
    progress = Progress(lambda done, total, text: seen.append((done, total, text)))
    assert fill_demo(db, actor, progress=progress).deputies == 52
    assert len(organisation.list_groups(db)) == 5
    assert seen and seen[-1][0] == seen[-1][1]
    assert all(text for _, _, text in seen)


def test_scale_multiplies_the_roster(db: Database, actor: Actor) -> None:
    summary = fill_demo(db, actor, scale=3)
    assert (summary.deputies, summary.left, summary.by_election) == (156, 12, 9)
    assert summary.previous_deputies == 96
    people = _deputies(db)
    assert len({p.id_number for p in people}) == len(people)
    assert len({(p.name, p.birth_date) for p in people}) == len(people)
    with db.session() as session:
        changes = session.scalar(select(func.count()).select_from(StatusChange))
    assert changes == 12 + 3  # one departure in each block's previous term too


def test_scale_must_be_positive(db: Database, actor: Actor) -> None:
    with pytest.raises(ServiceError):
        fill_demo(db, actor, scale=0)


def test_a_first_term_township_named_xiang(empty_db: Database, actor: Actor) -> None:
    """No previous term to fill; posts say 乡长, not 镇长."""
    township.set_up_township(empty_db, actor, "白云乡", "", 1, 2024, 2029)
    summary = fill_demo(empty_db, actor)
    assert summary.previous_term == "" and "上届" not in str(summary)
    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Term)) == 1
    posts = [p.workplace for p in _deputies(empty_db)]
    assert "白云乡人民政府乡长" in posts
    assert not any("镇" in post for post in posts)
    assert "白云乡人大代表之家" in [s.name for s in organisation.list_stations(empty_db)]


def test_a_term_without_years(empty_db: Database, actor: Actor) -> None:
    township.set_up_township(empty_db, actor, "青山镇", "临川县", 19, None, None)
    summary = fill_demo(empty_db, actor)
    assert summary.deputies >= 49
    for m in _mandates(empty_db):
        assert m.elected_on is not None and m.elected_on <= dt.date.today()
        assert m.left_on is None or m.left_on <= dt.date.today()


def test_cli_init_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = str(tmp_path / "cli")
    code = cli.main(["--data-dir", data_dir, "init", "--township", "青山镇", "--demo"])
    out = capsys.readouterr().out
    assert code == 0
    assert "已填入示范数据：代表 52 人（其中离任 4 人、补选 3 人），代表小组 5 个，联络站 3 个" in out
    # A second run refuses with one Chinese line, and the roster stays as it was.
    code = cli.main(["--data-dir", data_dir, "init", "--demo"])
    captured = capsys.readouterr()
    assert code == 1
    assert "已有" in captured.err and "Traceback" not in captured.err


def test_cli_init_demo_with_scale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = str(tmp_path / "cli")
    assert cli.main(["--data-dir", data_dir, "init", "--township", "青山镇", "--demo",
                     "--scale", "2"]) == 0
    assert "代表 104 人" in capsys.readouterr().out
