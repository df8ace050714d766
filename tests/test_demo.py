"""The demo township (`init --demo`): a roster that is valid, consistent and realistic."""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from presidium_app import cli
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.deputies import Deputy, Mandate, StatusChange
from presidium_app.domain.enums import (
    Channel,
    DeputyLevel,
    DeputyStatus,
    Gender,
    OpinionAction,
    OpinionStatus,
    ResultClass,
    Satisfaction,
    SuggestionAction,
    SuggestionStatus,
)
from presidium_app.domain.mailbox import MailboxOpening, Opinion, OpinionEvent
from presidium_app.domain.suggestions import Suggestion
from presidium_app.domain.township import Term
from presidium_app.domain.validators import (
    id_birth_date,
    id_gender,
    validate_id_number,
    validate_mobile,
)
from presidium_app.services import (
    deputies,
    mailbox,
    opinion_list,
    organisation,
    settings,
    suggestions,
    township,
    training,
)
from presidium_app.services.audit import Actor
from presidium_app.services.demo import DemoSummary, fill_demo, volumes
from presidium_app.services.deputies import DeputyQuery
from presidium_app.services.errors import ServiceError
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.services.search import name_keys
from presidium_app.services.stats import year_stats
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database
from tests.conftest import TEST_DATABASE_URL_ENV


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


def test_the_volumes_grow_smoothly_from_the_normal_demo_to_a_decade() -> None:
    first, last = volumes(1), volumes(100)
    assert (first.years, first.roster_blocks, first.activity_blocks, first.opinions_per_year,
            first.suggestions_per_year) == (2, 1, 2, 180, 12)
    assert (last.years, last.roster_blocks, last.opinions_per_year) == (10, 4, 9800)
    assert 120 <= last.activity_blocks <= 160 and 250 <= last.suggestions_per_year <= 350
    fields = ("years", "roster_blocks", "activity_blocks", "opinions_per_year", "suggestions_per_year")
    for scale in range(1, 100):
        low, high = volumes(scale), volumes(scale + 1)
        assert all(getattr(low, f) <= getattr(high, f) for f in fields), scale
    today = dt.date(2026, 11, 22)
    assert first.mailbox_start(today) == dt.date(2025, 11, 23) and first.plan_years(today) == [2026]
    assert last.mailbox_start(today) == dt.date(2017, 1, 1)
    assert last.plan_years(today) == list(range(2017, 2027))
    by_year = last.blocks_by_year(2026)
    assert list(by_year) == list(range(2017, 2027)) and sum(by_year.values()) == last.activity_blocks
    assert by_year[2017] >= by_year[2026]  # the odd ones go to the older, complete years


def test_scale_grows_the_roster_by_blocks(medium: tuple[Database, DemoSummary]) -> None:
    db, summary = medium
    assert volumes(SCALE).roster_blocks == 2
    assert (summary.deputies, summary.left, summary.by_election) == (104, 8, 6)
    assert summary.previous_deputies == 64
    people = _deputies(db)
    assert len({p.id_number for p in people}) == len(people)
    assert len({(p.name, p.birth_date) for p in people}) == len(people)
    with db.session() as session:
        changes = session.scalar(select(func.count()).select_from(StatusChange))
    assert changes == 8 + 2  # one departure in each block's previous term too


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
    out = capsys.readouterr().out
    assert "代表 52 人" in out and "代表活动" in out
    size, today = volumes(2), dt.date.today()
    days = (today - size.mailbox_start(today)).days + 1
    assert f"社情民意 {round(size.opinions_per_year * days / 365)} 件" in out
    assert cli.main(["--data-dir", data_dir, "stats", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["opinions"]["total"] > 0 and figures["suggestions"]["total"] > 0


# --- the mailbox and the suggestions, written in bulk ---------------------------------------------

SCALE = 5  # two roster blocks, five years of history, ~3 600 opinions: seconds to build


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoSummary]]:
    """A larger demo, built once for the module; the tests only read it."""
    if os.environ.get(TEST_DATABASE_URL_ENV):
        pytest.skip("规模测试使用本地 SQLite 数据库")  # other tests reset the shared PostgreSQL
    db = open_database(tmp_path_factory.mktemp("medium") / "data")
    actor = Actor("测试员")
    township.set_up_township(db, actor, "青山镇", "临川县", 19, 2021, 2026)
    summary = fill_demo(db, actor, scale=SCALE)
    yield db, summary
    db.dispose()


def _opinions(db: Database) -> list[Opinion]:
    with db.session() as session:
        return list(session.scalars(
            select(Opinion).options(selectinload(Opinion.events).selectinload(OpinionEvent.assisting_units),
                                    selectinload(Opinion.submitter))
            .order_by(Opinion.id)))


def _suggestions(db: Database) -> list[Suggestion]:
    with db.session() as session:
        return list(session.scalars(
            select(Suggestion).options(selectinload(Suggestion.events), selectinload(Suggestion.contacts),
                                       selectinload(Suggestion.co_signers))
            .order_by(Suggestion.id)))


def _check_opinions(db: Database) -> list[Opinion]:
    """Every opinion as the state machine would have left it: each step allowed from the status
    before it, dated in order and not after today, the stored status, unit and deadline those of
    the last steps; numbers gapless per year; letters with the opening that found them."""
    today = dt.date.today()
    found = _opinions(db)
    numbers = collections.defaultdict(list)
    for item in found:
        numbers[item.year].append(item.seq)
        assert item.year == item.received_on.year and item.content and item.category
        events = item.events
        assert events[0].action == OpinionAction.REGISTER and events[0].from_status is None
        assert events[0].to_status == OpinionStatus.REGISTERED and events[0].at == item.received_on
        status, lead, deadline, day = OpinionStatus.REGISTERED, None, None, item.received_on
        for event in events[1:]:
            assert event.from_status == status
            assert mailbox.TRANSITIONS[(status, event.action)] == event.to_status
            assert day <= event.at <= today and event.recorded_at.date() == event.at
            status, day = event.to_status, event.at
            if event.action in (OpinionAction.ASSIGN, OpinionAction.REDO):
                assert event.lead_unit_id is not None and event.deadline is not None
                assert event.deadline >= event.at
                lead, deadline = event.lead_unit_id, event.deadline
            if event.action == OpinionAction.UNIT_RETURN:
                lead, deadline = None, None
            if event.action in (OpinionAction.REJECT, OpinionAction.REDIRECT, OpinionAction.UNIT_RETURN):
                assert event.reason
            if event.action == OpinionAction.FOLLOW_UP:
                assert event.satisfaction in (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)
            if event.action == OpinionAction.REDO:
                assert event.satisfaction == Satisfaction.DISSATISFIED
            for helper in event.assisting_units:
                assert event.action == OpinionAction.ASSIGN and helper.unit_id != event.lead_unit_id
        assert (item.status, item.lead_unit_id, item.deadline) == (status, lead, deadline)
        if item.status == OpinionStatus.ASSIGNED:
            assert item.deadline is not None and item.lead_unit_id is not None
        assert (item.mailbox_opening_id is not None) == (item.channel == Channel.MAILBOX)
        if item.submitter is not None:
            assert item.submitter.name and validate_mobile(item.submitter.phone)
    for seqs in numbers.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    with db.session() as session:
        for opening in session.scalars(select(MailboxOpening)):
            letters = [o for o in found if o.mailbox_opening_id == opening.id]
            assert opening.item_count == len(letters)
            assert all(o.received_on == opening.opened_on for o in letters)
            assert opening.opened_by_1 != opening.opened_by_2
    return found


def _replay_opinion(db: Database, actor: Actor, item: Opinion) -> None:
    """Register the item again through the service and take its steps by `apply_action_in_session`
    (rolled back): the service must accept every step and end where the bulk writer did."""
    values = settings.get_all(db)
    with db.session() as session:
        submitter = None
        if item.submitter is not None:
            submitter = mailbox.SubmitterInput(item.submitter.name, item.submitter.phone,
                                               address=item.submitter.address)
        copy = mailbox.register_in_session(session, actor, mailbox.OpinionInput(
            received_on=item.received_on, channel=item.channel, content=item.content,
            submitter=submitter, village=item.village, category=item.category,
            receiving_deputy_id=item.receiving_deputy_id, mailbox_opening_id=item.mailbox_opening_id))
        for event in item.events[1:]:
            mailbox.apply_action_in_session(
                session, actor, copy, event.action, event.at, values, note=event.note,
                lead_unit_id=event.lead_unit_id if event.action == OpinionAction.ASSIGN else None,
                assisting_unit_ids=[a.unit_id for a in event.assisting_units],
                satisfaction=event.satisfaction, reason=event.reason)
        assert (copy.status, copy.lead_unit_id, copy.deadline) == (item.status, item.lead_unit_id,
                                                                 item.deadline)
        session.rollback()


def _check_suggestions(db: Database, actor: Actor, sample: int) -> list[Suggestion]:
    today = dt.date.today()
    found = _suggestions(db)
    numbers = collections.defaultdict(list)
    values = settings.get_all(db)
    for number, item in enumerate(found):
        numbers[item.year].append(item.seq)
        assert item.year == item.submitted_on.year and item.title.startswith("关于")
        assert item.lead_deputy_id not in {c.deputy_id for c in item.co_signers}
        status, day = SuggestionStatus.REGISTERED, item.submitted_on
        for event in item.events[1:]:
            assert event.from_status == status
            assert suggestions.TRANSITIONS[(status, event.action)] == event.to_status
            assert day <= event.at <= today
            status, day = event.to_status, event.at
            if event.action == SuggestionAction.REPLY:
                assert event.result_class is not None and event.note
        assert item.status == status
        if item.status == SuggestionStatus.REFERRED:
            assert item.deadline is not None and item.lead_unit_id is not None
        assert all(item.submitted_on <= c.contacted_on <= today for c in item.contacts)
        if number % max(1, len(found) // sample) == 0:
            with db.session() as session:
                copy = suggestions.create_in_session(session, actor, suggestions.SuggestionInput(
                    submitted_on=item.submitted_on, title=item.title, content=item.content,
                    lead_deputy_id=item.lead_deputy_id, co_signer_ids=[c.deputy_id for c in item.co_signers],
                    category=item.category, opinion_id=item.opinion_id))
                for event in item.events[1:]:
                    suggestions.apply_action_in_session(
                        session, actor, copy, event.action, event.at, values, note=event.note,
                        lead_unit_id=event.lead_unit_id if event.action == SuggestionAction.REFER else None,
                        result_class=event.result_class, satisfaction=event.satisfaction,
                        reason=event.reason)
                assert (copy.status, copy.lead_unit_id, copy.deadline, copy.result_class,
                        copy.satisfaction) == (item.status, item.lead_unit_id, item.deadline,
                                               item.result_class, item.satisfaction)
                session.rollback()
    for seqs in numbers.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    return found


def test_the_mailbox_of_the_normal_demo(demo: tuple[Database, DemoSummary], actor: Actor) -> None:
    db, summary = demo
    found = _check_opinions(db)
    assert len(found) == summary.opinions == 180
    today = dt.date.today()
    assert min(o.received_on for o in found) >= today - dt.timedelta(days=364)
    statuses = collections.Counter(o.status for o in found)
    assert statuses[OpinionStatus.CLOSED] > len(found) / 2
    assert statuses[OpinionStatus.REJECTED] + statuses[OpinionStatus.REDIRECTED] > 0
    assert any(mailbox.is_overdue(o, today) for o in found)
    assert {o.channel for o in found} == set(Channel)
    assert any(o.submitter is None for o in found) and any(o.submitter for o in found)
    for item in found:
        _replay_opinion(db, actor, item)
    made = _check_suggestions(db, actor, sample=12)
    assert len(made) == summary.suggestions == 12
    assert {s.year for s in made} == {today.year}
    with db.session() as session:
        entries = list(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("demo.%"))))
    assert entries.count("demo.mailbox") == 1 and entries.count("demo.suggestions") == 1


def test_the_bulk_mailbox_is_what_the_services_would_make(
        medium: tuple[Database, DemoSummary], actor: Actor) -> None:
    db, summary = medium
    found = _check_opinions(db)
    size, today = volumes(SCALE), dt.date.today()
    assert len(found) == summary.opinions
    first = size.mailbox_start(today)
    assert first <= min(o.received_on for o in found) <= first + dt.timedelta(days=14)
    assert set(OpinionStatus) <= {o.status for o in found} | {OpinionStatus.REGISTERED}
    assert any(e.action == OpinionAction.REDO for o in found for e in o.events)
    assert any(e.action == OpinionAction.UNIT_RETURN for o in found for e in o.events)
    assert any(e.assisting_units for o in found for e in o.events)
    for item in found[:: max(1, len(found) // 150)]:
        _replay_opinion(db, actor, item)
    made = _check_suggestions(db, actor, sample=60)
    assert {s.year for s in made} == set(size.plan_years(today))
    assert any(s.opinion_id for s in made)
    assert {s.result_class for s in made} >= {r for r in ResultClass}


def test_the_bulk_rows_load_in_the_list_and_the_figures(medium: tuple[Database, DemoSummary]) -> None:
    db = medium[0]
    every = opinion_list.search_ids(db, opinion_list.OpinionFilter())
    assert len(every) == medium[1].opinions
    for start in range(0, len(every), 500):
        rows = opinion_list.load_rows(db, every[start:start + 500])
        assert len(rows) == len(every[start:start + 500])
    for opinion_id in every[:: max(1, len(every) // 40)]:
        detail = opinion_list.load_detail(db, opinion_id)
        assert detail.events
    size, today = volumes(SCALE), dt.date.today()
    for year in range(today.year - size.years + 1, today.year + 1):
        figures = year_stats(db, year)
        by_status = figures["opinions"]["by_status"]
        assert figures["opinions"]["total"] == sum(by_status.values()) > 0
        assert 0 < figures["opinions"]["satisfaction_rate"] <= 1
        assert figures["suggestions"]["total"] > 0 and figures["activities"]["total"] > 0
        assert figures["training"]["sessions_held"] > 0
        assert training.find_plan(db, year) is not None
    assert volumes(SCALE).years == 5
