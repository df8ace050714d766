"""The opinion mailbox: numbering, submitters, openings, handling units, and the state machine of
the handling flow (every allowed and refused step, and random sequences of steps)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.enums import Channel, OpinionAction, OpinionStatus, Satisfaction
from presidium_app.domain.mailbox import Opinion, OpinionEvent, Submitter
from presidium_app.services import handling_units, mailbox
from presidium_app.services import settings as app_settings
from presidium_app.services.audit import Actor
from presidium_app.services.errors import Conflict, ServiceError, ValidationFailed
from presidium_app.services.mailbox import TRANSITIONS, TransitionRefused
from presidium_app.storage.database import Database

S = OpinionStatus
A = OpinionAction
D = dt.date
START = D(2026, 3, 2)

# A path from 登记 to every status, through allowed steps only.
PATHS: dict[OpinionStatus, list[OpinionAction]] = {
    S.REGISTERED: [],
    S.ASSIGNED: [A.ASSIGN],
    S.REPLIED: [A.ASSIGN, A.REPLY],
    S.FED_BACK: [A.ASSIGN, A.REPLY, A.FEED_BACK],
    S.FOLLOWED_UP: [A.ASSIGN, A.REPLY, A.FEED_BACK, A.FOLLOW_UP],
    S.CLOSED: [A.ASSIGN, A.REPLY, A.FEED_BACK, A.FOLLOW_UP, A.CLOSE],
    S.REJECTED: [A.REJECT],
    S.REDIRECTED: [A.REDIRECT],
}

EXPECTED_ALLOWED = {
    (S.REGISTERED, A.REJECT),
    (S.REGISTERED, A.REDIRECT),
    (S.REGISTERED, A.ASSIGN),
    (S.ASSIGNED, A.REPLY),
    (S.ASSIGNED, A.UNIT_RETURN),
    (S.REPLIED, A.FEED_BACK),
    (S.FED_BACK, A.FOLLOW_UP),
    (S.FED_BACK, A.REDO),
    (S.FOLLOWED_UP, A.CLOSE),
}


def valid_args(action: OpinionAction, unit_id: int) -> dict[str, Any]:
    """What a form would fill in for each step."""
    if action == A.ASSIGN:
        return {"lead_unit_id": unit_id}
    if action in (A.REJECT, A.REDIRECT, A.UNIT_RETURN):
        return {"reason": "属于诉讼程序" if action == A.REJECT else "个人诉求"}
    if action == A.FOLLOW_UP:
        return {"satisfaction": Satisfaction.SATISFIED}
    if action == A.REDO:
        return {"satisfaction": Satisfaction.DISSATISFIED}
    return {}


def register(db: Database, actor: Actor, received_on: dt.date = START, **kwargs: Any) -> int:
    data = mailbox.OpinionInput(
        received_on=received_on,
        channel=kwargs.pop("channel", Channel.VISIT),
        content=kwargs.pop("content", "村口道路破损，雨天积水"),
        **kwargs,
    )
    return mailbox.register_opinion(db, actor, data)


def drive(db: Database, actor: Actor, opinion_id: int, status: OpinionStatus, unit_id: int) -> None:
    for step, action in enumerate(PATHS[status], start=1):
        mailbox.apply_action(
            db, actor, opinion_id, action, START + dt.timedelta(days=step), **valid_args(action, unit_id)
        )


@pytest.fixture
def unit(db: Database, actor: Actor) -> int:
    return handling_units.add_unit(db, actor, "镇交通办", "李四", "0791-1234567")


# --- the transition table -----------------------------------------------------------------------


@pytest.mark.parametrize(("status", "action"), list(itertools.product(S, A)))
def test_transition_table(status: OpinionStatus, action: OpinionAction) -> None:
    if (status, action) in EXPECTED_ALLOWED:
        assert action in mailbox.allowed_actions(status)
        assert mailbox.next_status(status, action) == TRANSITIONS[(status, action)]
    else:
        assert action not in mailbox.allowed_actions(status)
        with pytest.raises(TransitionRefused) as refused:
            mailbox.next_status(status, action)
        assert f"“{status.label}”" in refused.value.message
        assert f"“{action.label}”" in refused.value.message


def test_the_table_is_exactly_the_flow() -> None:
    assert set(TRANSITIONS) == EXPECTED_ALLOWED
    for final in mailbox.FINAL_STATUSES:
        assert mailbox.allowed_actions(final) == []
    # Every status is reachable by its path.
    for status, path in PATHS.items():
        current = S.REGISTERED
        for action in path:
            current = TRANSITIONS[(current, action)]
        assert current == status


def test_every_step_through_the_service(db: Database, actor: Actor, unit: int) -> None:
    """Each (status, action) pair on a real item: allowed steps move it and leave an event;
    refused ones leave status and history alone and log a failed audit entry."""
    for status, action in itertools.product(S, A):
        opinion_id = register(db, actor)
        drive(db, actor, opinion_id, status, unit)
        before = [e.id for e in mailbox.opinion_history(db, opinion_id)]
        on = START + dt.timedelta(days=10)
        if (status, action) in EXPECTED_ALLOWED:
            new = mailbox.apply_action(
                db, actor, opinion_id, action, on, note="经办", **valid_args(action, unit)
            )
            assert new == TRANSITIONS[(status, action)]
            history = mailbox.opinion_history(db, opinion_id)
            assert [e.id for e in history[:-1]] == before
            last = history[-1]
            assert (last.action, last.from_status, last.to_status) == (action, status, new)
            assert (last.at, last.user, last.note) == (on, actor.name, "经办")
            assert mailbox.get_opinion(db, opinion_id).status == new
        else:
            with pytest.raises(TransitionRefused, match=status.label):
                mailbox.apply_action(db, actor, opinion_id, action, on, **valid_args(action, unit))
            assert mailbox.get_opinion(db, opinion_id).status == status
            assert [e.id for e in mailbox.opinion_history(db, opinion_id)] == before
            with db.session() as session:
                entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
            assert entry is not None and entry.success is False
            assert entry.action == f"opinion.{action.value}"


# --- random sequences ---------------------------------------------------------------------------

STEP = st.tuples(
    st.integers(min_value=0, max_value=2),  # which of three items
    st.one_of(st.sampled_from(list(A)), st.integers(min_value=0, max_value=2)),  # int: an allowed one
    st.booleans(),  # fill the form correctly, or leave out what the step needs
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, max_size=14))
def test_random_sequences_keep_history_and_counts(
    db: Database, actor: Actor, unit: int, steps: list[tuple[int, OpinionAction | int, bool]]
) -> None:
    ids = [register(db, actor) for _ in range(3)]
    expected = {opinion_id: S.REGISTERED for opinion_id in ids}
    seen: dict[int, list[tuple[int, str, str | None, str]]] = {i: _events(db, i) for i in ids}
    for day, (which, choice, well_filled) in enumerate(steps, start=1):
        opinion_id = ids[which]
        if isinstance(choice, OpinionAction):
            action = choice
        else:  # bias towards the flow, so deep states (办结, 重办) are reached often
            allowed_now = mailbox.allowed_actions(expected[opinion_id]) or [A.REPLY]
            action = allowed_now[choice % len(allowed_now)]
        args = valid_args(action, unit) if well_filled else {}
        allowed = (expected[opinion_id], action) in TRANSITIONS
        needs_input = action in (A.ASSIGN, A.REJECT, A.REDIRECT, A.UNIT_RETURN, A.FOLLOW_UP)
        try:
            mailbox.apply_action(db, actor, opinion_id, action, START + dt.timedelta(days=day), **args)
        except TransitionRefused:
            assert not allowed
        except ValidationFailed:
            assert allowed and needs_input and not well_filled
        else:
            assert allowed and (well_filled or not needs_input)
            expected[opinion_id] = TRANSITIONS[(expected[opinion_id], action)]
        for i in ids:
            events = _events(db, i)
            assert events[: len(seen[i])] == seen[i]  # append-only
            seen[i] = events
            assert events[0][1:3] == ("register", None)
            for previous, current in itertools.pairwise(events):
                assert current[2] == previous[3]
            assert mailbox.get_opinion(db, i).status == events[-1][3] == expected[i]
    with db.session() as session:
        total = len(list(session.scalars(select(Opinion.id))))
    counts = mailbox.counts_by_status(db)
    assert sum(counts.values()) == total
    assert set(counts) == {s.value for s in S}


def _events(db: Database, opinion_id: int) -> list[tuple[int, str, str | None, str]]:
    return [
        (e.id, e.action.value, e.from_status.value if e.from_status else None, e.to_status.value)
        for e in mailbox.opinion_history(db, opinion_id)
    ]


# --- the steps' details -------------------------------------------------------------------------


def test_assignment_takes_default_deadlines_from_settings(db: Database, actor: Actor, unit: int) -> None:
    helper = handling_units.add_unit(db, actor, "镇农业农村办")
    app_settings.update(db, actor, {"deadlines.opinion_days": 15, "deadlines.redo_days": 10})
    opinion_id = register(db, actor)
    on = D(2026, 3, 31)
    mailbox.apply_action(
        db, actor, opinion_id, A.ASSIGN, on, lead_unit_id=unit, assisting_unit_ids=[helper, helper]
    )
    opinion = mailbox.get_opinion(db, opinion_id)
    assert opinion.deadline == D(2026, 4, 15)
    assert opinion.lead_unit_id == unit
    assisting = mailbox.current_assisting_units(db, opinion_id)
    assert [(a.unit_id, a.deadline) for a in assisting] == [(helper, D(2026, 4, 30))]

    mailbox.apply_action(db, actor, opinion_id, A.REPLY, D(2026, 4, 10), note="已修复")
    mailbox.apply_action(db, actor, opinion_id, A.FEED_BACK, D(2026, 4, 11))
    mailbox.apply_action(db, actor, opinion_id, A.REDO, D(2026, 4, 20), note="路面仍积水")
    opinion = mailbox.get_opinion(db, opinion_id)
    assert (opinion.status, opinion.deadline, opinion.lead_unit_id) == (S.ASSIGNED, D(2026, 4, 30), unit)
    redo = mailbox.opinion_history(db, opinion_id)[-1]
    assert redo.satisfaction == Satisfaction.DISSATISFIED


def test_an_explicit_deadline_wins_and_may_not_precede_the_step(
    db: Database, actor: Actor, unit: int
) -> None:
    opinion_id = register(db, actor)
    with pytest.raises(ValidationFailed) as failed:
        mailbox.apply_action(
            db, actor, opinion_id, A.ASSIGN, D(2026, 3, 10), lead_unit_id=unit, deadline=D(2026, 3, 9)
        )
    assert "deadline" in failed.value.field_errors
    mailbox.apply_action(
        db, actor, opinion_id, A.ASSIGN, D(2026, 3, 10), lead_unit_id=unit, deadline=D(2026, 3, 20)
    )
    assert mailbox.get_opinion(db, opinion_id).deadline == D(2026, 3, 20)


def test_steps_need_their_fields(db: Database, actor: Actor, unit: int) -> None:
    opinion_id = register(db, actor)
    for action, field in ((A.REJECT, "reason"), (A.REDIRECT, "reason"), (A.ASSIGN, "lead_unit_id")):
        with pytest.raises(ValidationFailed) as failed:
            mailbox.apply_action(db, actor, opinion_id, action, START)
        assert field in failed.value.field_errors
    with pytest.raises(ValidationFailed, match="早于收到日期"):
        mailbox.apply_action(db, actor, opinion_id, A.REJECT, START - dt.timedelta(days=1), reason="x")
    mailbox.apply_action(db, actor, opinion_id, A.REJECT, START, reason="已进入诉讼程序")
    event = mailbox.opinion_history(db, opinion_id)[-1]
    assert (event.to_status, event.reason) == (S.REJECTED, "已进入诉讼程序")


def test_follow_up_needs_a_positive_satisfaction(db: Database, actor: Actor, unit: int) -> None:
    opinion_id = register(db, actor)
    drive(db, actor, opinion_id, S.FED_BACK, unit)
    on = D(2026, 3, 20)
    with pytest.raises(ValidationFailed, match="满意度"):
        mailbox.apply_action(db, actor, opinion_id, A.FOLLOW_UP, on)
    with pytest.raises(ValidationFailed, match="不满意重办"):
        mailbox.apply_action(db, actor, opinion_id, A.FOLLOW_UP, on, satisfaction=Satisfaction.DISSATISFIED)
    mailbox.apply_action(
        db, actor, opinion_id, A.FOLLOW_UP, on, satisfaction=Satisfaction.BASICALLY_SATISFIED
    )
    mailbox.apply_action(db, actor, opinion_id, A.CLOSE, on)
    assert mailbox.get_opinion(db, opinion_id).status == S.CLOSED


def test_a_misdirected_item_returns_to_the_office(db: Database, actor: Actor, unit: int) -> None:
    opinion_id = register(db, actor)
    assigned_on = D(2026, 9, 30)
    mailbox.apply_action(db, actor, opinion_id, A.ASSIGN, assigned_on, lead_unit_id=unit)
    assert mailbox.return_due(db, assigned_on) == D(2026, 10, 9)
    mailbox.apply_action(db, actor, opinion_id, A.UNIT_RETURN, D(2026, 10, 8), reason="不属本单位职责")
    opinion = mailbox.get_opinion(db, opinion_id)
    assert (opinion.status, opinion.lead_unit_id, opinion.deadline) == (S.REGISTERED, None, None)


def test_stale_form_is_refused(db: Database, actor: Actor, unit: int) -> None:
    opinion_id = register(db, actor)
    opened = mailbox.get_opinion(db, opinion_id).version
    mailbox.apply_action(db, actor, opinion_id, A.ASSIGN, START, lead_unit_id=unit, version=opened)
    with pytest.raises(Conflict):
        mailbox.apply_action(db, actor, opinion_id, A.REPLY, START, version=opened)


def test_events_cannot_be_changed(db: Database, actor: Actor) -> None:
    opinion_id = register(db, actor)
    with pytest.raises(ValueError, match="只能追加"), db.transaction() as session:
        event = session.scalars(select(OpinionEvent).where(OpinionEvent.opinion_id == opinion_id)).one()
        event.note = "改写"
    with pytest.raises(ValueError, match="只能追加"), db.transaction() as session:
        session.delete(session.scalars(select(OpinionEvent)).first())
    assert mailbox.opinion_history(db, opinion_id)[0].note == ""


# --- overdue ------------------------------------------------------------------------------------


def test_overdue(db: Database, actor: Actor, unit: int) -> None:
    late = register(db, actor)
    waiting = register(db, actor)
    mailbox.apply_action(db, actor, late, A.ASSIGN, START, lead_unit_id=unit)
    deadline = START + dt.timedelta(days=30)
    opinion = mailbox.get_opinion(db, late)
    assert opinion.deadline == deadline
    assert not mailbox.is_overdue(opinion, deadline)  # the last day is still in time
    assert mailbox.is_overdue(opinion, deadline + dt.timedelta(days=1))
    assert not mailbox.is_overdue(mailbox.get_opinion(db, waiting), deadline + dt.timedelta(days=99))
    assert mailbox.overdue_ids(db, deadline) == []
    assert mailbox.overdue_ids(db, deadline + dt.timedelta(days=1)) == [late]

    mailbox.apply_action(db, actor, late, A.REPLY, deadline + dt.timedelta(days=3))
    assert not mailbox.is_overdue(mailbox.get_opinion(db, late), deadline + dt.timedelta(days=9))
    assert mailbox.overdue_ids(db, deadline + dt.timedelta(days=9)) == []


# --- registration -------------------------------------------------------------------------------


def test_numbers_run_per_year(db: Database, actor: Actor) -> None:
    first = register(db, actor, D(2026, 1, 5))
    second = register(db, actor, D(2026, 12, 30))
    next_year = register(db, actor, D(2027, 1, 2))
    numbers = [mailbox.get_opinion(db, i).number for i in (first, second, next_year)]
    assert numbers == ["2026-0001", "2026-0002", "2027-0001"]
    history = mailbox.opinion_history(db, first)
    assert [(e.action, e.from_status, e.to_status) for e in history] == [(A.REGISTER, None, S.REGISTERED)]


def test_two_registrations_at_once_get_different_numbers(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(db, actor)
    real = mailbox._next_seq
    calls: list[int] = []

    def colleague_was_faster(session: Any, year: int) -> int:
        calls.append(year)
        return 1 if len(calls) == 1 else real(session, year)

    monkeypatch.setattr(mailbox, "_next_seq", colleague_was_faster)
    second = register(db, actor)
    assert len(calls) == 2
    assert mailbox.get_opinion(db, second).number == "2026-0002"


def test_anonymous_and_named_submitters(db: Database, actor: Actor) -> None:
    anonymous = register(db, actor, channel=Channel.PHONE)
    named = register(
        db,
        actor,
        channel=Channel.WECHAT,
        submitter=mailbox.SubmitterInput(name=" 张三丰 ", phone="13812345678", address="青山村3组"),
        village="青山村",
        category="交通道路",
    )
    assert mailbox.get_opinion(db, anonymous).submitter_id is None
    opinion = mailbox.get_opinion(db, named)
    assert opinion.submitter is not None
    assert (opinion.submitter.name, opinion.submitter.phone) == ("张三丰", "13812345678")
    assert (opinion.village, opinion.category) == ("青山村", "交通道路")
    with db.session() as session:
        assert len(list(session.scalars(select(Submitter)))) == 1
    with pytest.raises(ValidationFailed) as failed:
        register(db, actor, content="  ")
    assert "content" in failed.value.field_errors


def test_mailbox_openings(db: Database, actor: Actor) -> None:
    with pytest.raises(ValidationFailed, match="同一人"):
        mailbox.record_opening(db, actor, START, "王五", "王五", 2)
    with pytest.raises(ValidationFailed, match="两人"):
        mailbox.record_opening(db, actor, START, "王五", "", 2)
    opening = mailbox.record_opening(db, actor, START, "王五", "赵六", 2)
    items = [register(db, actor, channel=Channel.MAILBOX, mailbox_opening_id=opening) for _ in range(2)]
    assert [o.id for o in mailbox.opening_items(db, opening)] == items
    with pytest.raises(ValidationFailed, match="信箱"):
        register(db, actor, channel=Channel.PHONE, mailbox_opening_id=opening)


def test_handling_units(db: Database, actor: Actor, unit: int) -> None:
    with pytest.raises(ValidationFailed, match="已有名为"):
        handling_units.add_unit(db, actor, "镇交通办")
    spare = handling_units.add_unit(db, actor, "镇民政办")
    handling_units.delete_unit(db, actor, spare)
    opinion_id = register(db, actor)
    mailbox.apply_action(db, actor, opinion_id, A.ASSIGN, START, lead_unit_id=unit)
    with pytest.raises(ServiceError, match="停用"):
        handling_units.delete_unit(db, actor, unit)
    version = handling_units.list_units(db)[0].version
    handling_units.update_unit(
        db, actor, unit, "镇交通办", "李四", "0791-7654321", active=False, version=version
    )
    with pytest.raises(Conflict):
        handling_units.update_unit(db, actor, unit, "镇交通办", version=version)
    assert handling_units.list_units(db) == []
    assert [u.phone for u in handling_units.list_units(db, include_inactive=True)] == ["0791-7654321"]
    other = register(db, actor)
    with pytest.raises(ValidationFailed, match="停用"):
        mailbox.apply_action(db, actor, other, A.ASSIGN, START, lead_unit_id=unit)


def test_editable_lists(db: Database, actor: Actor) -> None:
    assert mailbox.list_choices(db, "category") == list(mailbox.DEFAULT_CATEGORIES)
    assert mailbox.list_choices(db, "village") == []
    mailbox.set_choices(db, actor, "village", ["青山村", " 绿水社区 ", "", "青山村"])
    assert mailbox.list_choices(db, "village") == ["青山村", "绿水社区"]
    mailbox.set_choices(db, actor, "category", ["交通道路", "其他"])
    assert mailbox.list_choices(db, "category") == ["交通道路", "其他"]
    with pytest.raises(ValidationFailed):
        mailbox.list_choices(db, "colour")
