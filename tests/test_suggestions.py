"""Deputy suggestions (DOMAIN.md §5): registration and its checks, the handling flow (every allowed
and refused step, and random sequences that must never corrupt the history), deadlines, contacts
(三访两见面), the link with opinions, and how suggestions count for rules, scores and the archive."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from presidium_app.domain.enums import (
    Channel,
    ContactKind,
    ContactStage,
    ResultClass,
    Satisfaction,
    SuggestionAction,
    SuggestionStatus,
)
from presidium_app.domain.suggestions import SuggestionEvent
from presidium_app.services import archive, handling_units, mailbox, rules, scores, suggestions
from presidium_app.services.audit import Actor
from presidium_app.services.errors import Conflict, ServiceError, ValidationFailed
from presidium_app.services.suggestions import TRANSITIONS, SuggestionInput, TransitionRefused
from presidium_app.storage.database import Database
from tests.test_training import add_deputy

S = SuggestionStatus
A = SuggestionAction
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def people(db: Database, actor: Actor) -> dict[str, int]:
    ids = {name: add_deputy(db, actor, name, seq)[1] for seq, name in enumerate(("张三", "李四", "王五"))}
    ids["unit"] = handling_units.add_unit(db, actor, "镇交通办", "李主任", "0791-1234567")
    ids["helper"] = handling_units.add_unit(db, actor, "镇财政所")
    return ids


def make(db: Database, actor: Actor, people: dict[str, int], on: dt.date = DAY, **extra: object) -> int:
    data = SuggestionInput(
        submitted_on=on, title="关于修缮村道的建议", content="村道多处破损，雨天积水。",
        lead_deputy_id=people["张三"], co_signer_ids=[people["李四"]], category="交通道路")
    for key, value in extra.items():
        setattr(data, key, value)
    return suggestions.create_suggestion(db, actor, data)


def step(db: Database, actor: Actor, sid: int, action: A, on: dt.date, unit: int | None = None) -> S:
    """One step with the fields the action needs."""
    fields: dict[str, object] = {}
    if action == A.REFER:
        fields["lead_unit_id"] = unit
    elif action == A.REPLY:
        fields.update(result_class=ResultClass.BEING_SOLVED, note="已列入年内维修计划")
    elif action == A.RATE:
        fields["satisfaction"] = Satisfaction.SATISFIED
    elif action == A.UNIT_RETURN:
        fields["reason"] = "不属本单位职责"
    return suggestions.apply_action(db, actor, sid, action, on, **fields)  # type: ignore[arg-type]


# --- registration -------------------------------------------------------------------------------


def test_registration_numbers_per_year_and_keeps_the_signers(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    first = make(db, actor, people)
    second = make(db, actor, people, co_signer_ids=[people["李四"], people["王五"], people["张三"]])
    next_year = make(db, actor, people, on=dt.date(2027, 1, 5))
    numbers = [suggestions.get_suggestion(db, s).number for s in (first, second, next_year)]
    assert numbers == ["2026-001", "2026-002", "2027-001"]
    got = suggestions.get_suggestion(db, second)
    assert got.lead_deputy.name == "张三"
    # The lead deputy named again among the co-signers is dropped; the others keep their order.
    assert [c.deputy.name for c in got.co_signers] == ["李四", "王五"]
    assert got.status == S.REGISTERED
    assert [e.action for e in suggestions.suggestion_history(db, first)] == [A.REGISTER]


def test_registration_names_every_missing_field(db: Database, actor: Actor) -> None:
    with pytest.raises(ValidationFailed) as caught:
        suggestions.create_suggestion(db, actor, SuggestionInput(DAY, " ", "", None))
    assert caught.value.field_errors == {
        "title": "请填写建议标题", "content": "请填写建议内容", "lead_deputy_id": "请选择领衔代表"}


def test_text_can_be_corrected_only_before_referral(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    sid = make(db, actor, people)
    data = SuggestionInput(DAY, "关于村道维修的建议", "更正后的内容", people["王五"], [people["张三"]])
    suggestions.update_suggestion(db, actor, sid, data, version=1)
    got = suggestions.get_suggestion(db, sid)
    assert (got.title, got.lead_deputy.name, [c.deputy.name for c in got.co_signers]) == (
        "关于村道维修的建议", "王五", ["张三"])
    with pytest.raises(Conflict):
        suggestions.update_suggestion(db, actor, sid, data, version=1)
    step(db, actor, sid, A.REFER, DAY, people["unit"])
    with pytest.raises(ServiceError, match="已交办，内容不能再修改"):
        suggestions.update_suggestion(db, actor, sid, data)


# --- the flow -----------------------------------------------------------------------------------


def test_the_whole_flow_with_a_dissatisfied_deputy(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    sid = make(db, actor, people)
    assert suggestions.allowed_actions(S.REGISTERED) == [A.REFER]
    suggestions.apply_action(db, actor, sid, A.REFER, DAY, lead_unit_id=people["unit"],
                             assisting_unit_ids=[people["helper"]])
    got = suggestions.get_suggestion(db, sid)
    # Three months for the reply, one month for the assisting unit's view (the defaults).
    assert (got.status, got.deadline) == (S.REFERRED, dt.date(2026, 6, 2))
    assert [(u.unit.name, u.deadline) for u in suggestions.current_assisting_units(db, sid)] == [
        ("镇财政所", dt.date(2026, 4, 2))]
    suggestions.apply_action(db, actor, sid, A.REPLY, dt.date(2026, 5, 10),
                             result_class=ResultClass.PLANNED, note="列入明年计划")
    suggestions.apply_action(db, actor, sid, A.REDO, dt.date(2026, 5, 20), note="代表认为应今年修")
    got = suggestions.get_suggestion(db, sid)
    assert (got.status, got.satisfaction, got.deadline) == (
        S.REFERRED, Satisfaction.DISSATISFIED, dt.date(2026, 6, 20))  # re-handled within a month
    suggestions.apply_action(db, actor, sid, A.REPLY, dt.date(2026, 6, 15),
                             result_class=ResultClass.SOLVED, note="已修缮完毕")
    suggestions.apply_action(db, actor, sid, A.RATE, dt.date(2026, 6, 20),
                             satisfaction=Satisfaction.SATISFIED)
    suggestions.apply_action(db, actor, sid, A.CLOSE, dt.date(2026, 6, 21))
    got = suggestions.get_suggestion(db, sid)
    assert (got.status, got.result_class, got.satisfaction) == (
        S.CLOSED, ResultClass.SOLVED, Satisfaction.SATISFIED)
    history = suggestions.suggestion_history(db, sid)
    assert [e.action for e in history] == [A.REGISTER, A.REFER, A.REPLY, A.REDO, A.REPLY, A.RATE, A.CLOSE]
    assert [e.result_class for e in history if e.action == A.REPLY] == [
        ResultClass.PLANNED, ResultClass.SOLVED]
    assert suggestions.allowed_actions(S.CLOSED) == []


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", [a for a in A if a != A.REGISTER])
def test_every_step_is_allowed_exactly_where_the_table_says(status: S, action: A) -> None:
    if (status, action) in TRANSITIONS:
        assert suggestions.next_status(status, action) == TRANSITIONS[(status, action)]
    else:
        with pytest.raises(TransitionRefused, match=f"当前状态为“{status.label}”，不能执行“{action.label}”"):
            suggestions.next_status(status, action)


def test_a_refused_step_changes_nothing(db: Database, actor: Actor, people: dict[str, int]) -> None:
    sid = make(db, actor, people)
    with pytest.raises(TransitionRefused, match="当前可执行：交办"):
        step(db, actor, sid, A.REPLY, DAY)
    assert [e.action for e in suggestions.suggestion_history(db, sid)] == [A.REGISTER]
    assert suggestions.get_suggestion(db, sid).version == 1


def test_each_step_asks_for_what_it_needs(db: Database, actor: Actor, people: dict[str, int]) -> None:
    sid = make(db, actor, people)
    with pytest.raises(ValidationFailed) as caught:
        suggestions.apply_action(db, actor, sid, A.REFER, DAY)
    assert caught.value.field_errors == {"lead_unit_id": "请选择主办单位"}
    with pytest.raises(ValidationFailed, match="六个月"):
        suggestions.apply_action(db, actor, sid, A.REFER, DAY, lead_unit_id=people["unit"],
                                 deadline=dt.date(2026, 10, 1))
    with pytest.raises(ValidationFailed) as caught:
        suggestions.apply_action(db, actor, sid, A.REFER, DAY, lead_unit_id=people["unit"],
                                 assisting_unit_ids=[people["unit"]])
    assert caught.value.field_errors == {"assisting_unit_ids": "主办单位不能同时是协办单位"}
    step(db, actor, sid, A.REFER, DAY, people["unit"])
    with pytest.raises(ValidationFailed) as caught:
        suggestions.apply_action(db, actor, sid, A.REPLY, DAY)
    assert set(caught.value.field_errors) == {"result_class", "note"}
    with pytest.raises(ValidationFailed, match="早于上一步"):
        step(db, actor, sid, A.REPLY, DAY - dt.timedelta(days=1))
    step(db, actor, sid, A.REPLY, DAY)
    with pytest.raises(ValidationFailed, match="不满意重办"):
        suggestions.apply_action(db, actor, sid, A.RATE, DAY, satisfaction=Satisfaction.DISSATISFIED)


def test_a_misdirected_suggestion_goes_back_to_be_referred_again(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    sid = make(db, actor, people)
    step(db, actor, sid, A.REFER, DAY, people["unit"])
    with pytest.raises(ValidationFailed, match="退回的理由"):
        suggestions.apply_action(db, actor, sid, A.UNIT_RETURN, DAY)
    step(db, actor, sid, A.UNIT_RETURN, DAY + dt.timedelta(days=3))
    got = suggestions.get_suggestion(db, sid)
    assert (got.status, got.lead_unit_id, got.deadline) == (S.REGISTERED, None, None)
    step(db, actor, sid, A.REFER, DAY + dt.timedelta(days=4), people["helper"])
    assert suggestions.get_suggestion(db, sid).lead_unit_id == people["helper"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(st.sampled_from([a for a in A if a != A.REGISTER]), max_size=12))
def test_no_sequence_of_steps_corrupts_the_history(
        db: Database, actor: Actor, people: dict[str, int], actions: list[A]) -> None:
    sid = make(db, actor, people)
    expected = [S.REGISTERED]
    for number, action in enumerate(actions):
        on = DAY + dt.timedelta(days=number)
        try:
            expected.append(step(db, actor, sid, action, on, people["unit"]))
        except TransitionRefused:
            assert (expected[-1], action) not in TRANSITIONS
    history = suggestions.suggestion_history(db, sid)
    assert [e.to_status for e in history] == expected
    assert all(e.from_status == prev.to_status for prev, e in itertools.pairwise(history))
    got = suggestions.get_suggestion(db, sid)
    assert got.status == expected[-1]
    assert got.version == len(expected)  # one version per accepted step, none for a refused one
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(SuggestionEvent).where(
            SuggestionEvent.suggestion_id == sid)) == len(expected)


def test_overdue_is_past_the_deadline_and_not_yet_replied(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    late = make(db, actor, people)
    step(db, actor, late, A.REFER, DAY, people["unit"])
    answered = make(db, actor, people)
    step(db, actor, answered, A.REFER, DAY, people["unit"])
    step(db, actor, answered, A.REPLY, DAY)
    deadline = suggestions.get_suggestion(db, late).deadline
    assert deadline is not None
    assert suggestions.overdue_count(db, deadline) == 0  # the deadline day itself is in time
    assert suggestions.overdue_count(db, deadline + dt.timedelta(days=1)) == 1


# --- contacts -----------------------------------------------------------------------------------


def test_contacts_are_recorded_and_tallied_against_three_visits_two_meetings(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    sid = make(db, actor, people)
    for on, stage, kind in ((DAY, ContactStage.BEFORE, ContactKind.VISIT),
                            (DAY + dt.timedelta(days=10), ContactStage.DURING, ContactKind.MEETING),
                            (DAY + dt.timedelta(days=20), ContactStage.DURING, ContactKind.SITE),
                            (DAY + dt.timedelta(days=30), ContactStage.AFTER, ContactKind.PHONE)):
        suggestions.add_contact(db, actor, sid, on, stage, kind, people["unit"], "李主任、张三")
    got = suggestions.get_suggestion(db, sid)
    assert next((c.stage, c.kind) for c in got.contacts) == (ContactStage.BEFORE, ContactKind.VISIT)
    tally = suggestions.contact_tally(got.contacts)
    assert (tally.visits, tally.meetings, tally.total) == (2, 1, 4)
    assert tally.text == "走访2次、见面1次（要求三访两见面）"
    with pytest.raises(ValidationFailed, match="早于建议提出日期"):
        suggestions.add_contact(db, actor, sid, DAY - dt.timedelta(days=1), ContactStage.BEFORE,
                                ContactKind.PHONE)


# --- from an opinion ----------------------------------------------------------------------------


def test_an_opinion_becomes_a_suggestion_and_both_know_it(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    oid = mailbox.register_opinion(db, actor, mailbox.OpinionInput(
        received_on=DAY, channel=Channel.DEPUTY, content="村口路灯不亮，夜间出行不便。\n请尽快修复。",
        category="基层治理", receiving_deputy_id=people["王五"]))
    draft = suggestions.draft_from_opinion(db, oid)
    assert (draft.title, draft.lead_deputy_id, draft.category, draft.opinion_id) == (
        "关于村口路灯不亮的建议", people["王五"], "基层治理", oid)
    draft.submitted_on = DAY
    sid = suggestions.create_suggestion(db, actor, draft)
    assert suggestions.get_suggestion(db, sid).opinion_id == oid
    assert [s.id for s in suggestions.suggestions_for_opinion(db, oid)] == [sid]


# --- counting for the rules, the score and the archive -----------------------------------------


def test_a_suggestion_counts_for_its_lead_and_co_signers(
        db: Database, actor: Actor, people: dict[str, int]) -> None:
    make(db, actor, people)  # 张三 leads, 李四 co-signs
    make(db, actor, people, on=dt.date(2025, 12, 31), lead_deputy_id=people["王五"], co_signer_ids=[])
    short = {s.key: s for s in rules.shortfalls(db, 2026, dt.date(2026, 6, 1))}["rules.suggestions_per_year"]
    assert [(s.name, s.done) for s in short.short] == [("王五", 0)]  # last year's does not count
    with db.session() as session:
        assert rules.suggestion_counts(session, [people[n] for n in ("张三", "李四", "王五")], 2026) == {
            people["张三"]: 1, people["李四"]: 1}
    row = next(r for r in scores.year_scores(db, 2026) if r.deputy_id == people["李四"])
    assert row.counts["suggestion"] == 1
    part = archive.performance_archive(db, people["李四"], year=2026).part("suggestions")
    assert [(r.title, r.role) for r in part.rows] == [("关于修缮村道的建议", "附议")]
    assert part.counts["代表建议"] == 1
