"""The public opinion mailbox (DOMAIN.md §4): registration, openings of the box, handling units,
and the handling flow as an explicit state machine.

`TRANSITIONS` is the one source of truth of the flow: the UI asks `allowed_actions` which buttons
to enable, and `apply_action` refuses anything else with a message naming the current status and
the action. Every step appends an `OpinionEvent` in the same transaction that moves the status, so
the stored status is always the last event's `to_status`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Table, and_, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from presidium_app.domain.base import Base
from presidium_app.domain.deputies import Deputy
from presidium_app.domain.enums import Channel, OpinionAction, OpinionStatus, Satisfaction
from presidium_app.domain.mailbox import (
    HandlingUnit,
    MailboxChoice,
    MailboxOpening,
    Opinion,
    OpinionAssistingUnit,
    OpinionEvent,
    Submitter,
)
from presidium_app.services import settings, workdays
from presidium_app.services.activities import RaisedOpinion
from presidium_app.services.audit import CONFLICT_MESSAGE, Actor, check_version, now, unit_of_work
from presidium_app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from presidium_app.services.locking import check_value
from presidium_app.storage.database import Database

S = OpinionStatus
A = OpinionAction

# (current status, action) -> new status. Nothing else is allowed.
TRANSITIONS: dict[tuple[OpinionStatus, OpinionAction], OpinionStatus] = {
    (S.REGISTERED, A.REJECT): S.REJECTED,
    (S.REGISTERED, A.REDIRECT): S.REDIRECTED,
    (S.REGISTERED, A.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.UNIT_RETURN): S.REGISTERED,  # misdirected: back to the office to reassign
    (S.ASSIGNED, A.REPLY): S.REPLIED,
    (S.REPLIED, A.FEED_BACK): S.FED_BACK,
    (S.FED_BACK, A.FOLLOW_UP): S.FOLLOWED_UP,  # 满意 or 基本满意
    (S.FED_BACK, A.REDO): S.ASSIGNED,  # 不满意: back to the unit with a new deadline
    (S.FOLLOWED_UP, A.CLOSE): S.CLOSED,
}

FINAL_STATUSES = frozenset({S.CLOSED, S.REJECTED, S.REDIRECTED})

DEFAULT_CATEGORIES = ("交通道路", "农业农村", "环境卫生", "教育医疗", "社会保障", "基层治理", "其他")
CHOICE_KINDS = {"village": "村（社区）", "category": "类别"}


class TransitionRefused(ServiceError):
    """The action is not allowed in the opinion's current status."""


def allowed_actions(status: OpinionStatus) -> list[OpinionAction]:
    """The actions the flow allows from `status`, in the order of the enum (for the buttons)."""
    return [action for action in OpinionAction if (status, action) in TRANSITIONS]


def next_status(status: OpinionStatus, action: OpinionAction) -> OpinionStatus:
    """The status after `action`, or TransitionRefused naming both in Chinese."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        allowed = "、".join(a.label for a in allowed_actions(status)) or "无（已是最终状态）"
        raise TransitionRefused(
            f"该条目当前状态为“{status.label}”，不能执行“{action.label}”。当前可执行：{allowed}"
        ) from None


# --- registration -------------------------------------------------------------------------------


@dataclass
class SubmitterInput:
    name: str = ""
    phone: str = ""
    id_number: str | None = None
    address: str = ""


@dataclass
class OpinionInput:
    received_on: dt.date
    channel: Channel
    content: str
    submitter: SubmitterInput | None = None  # None: anonymous
    village: str = ""
    category: str = ""
    receiving_deputy_id: int | None = None
    mailbox_opening_id: int | None = None
    activity_id: int | None = None
    note: str = ""
    number: tuple[int, int] | None = None  # (year, seq) a ledger already gave; None: the next one


@dataclass
class StepInput:
    """One step of the flow to take, as `apply_action` takes it (for `register_many_in_session`)."""

    action: OpinionAction
    on: dt.date
    note: str = ""
    lead_unit_id: int | None = None
    assisting_unit_ids: Sequence[int] = ()
    deadline: dt.date | None = None
    satisfaction: Satisfaction | None = None
    reason: str = ""


class _Lookups:
    """What the checks of a registration or a step read from the database, a query each time:
    the single-item functions ask these; `register_many_in_session` answers the same questions
    from what it loaded once (`_Preloaded`), so both go through the very same rules."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def deputy_exists(self, deputy_id: int) -> bool:
        return self.session.get(Deputy, deputy_id) is not None

    def opening_exists(self, opening_id: int) -> bool:
        return self.session.get(MailboxOpening, opening_id) is not None

    def number_taken(self, year: int, seq: int) -> bool:
        return bool(self.session.scalar(select(Opinion.id).where(Opinion.year == year, Opinion.seq == seq)))

    def unit_usable(self, unit_id: int) -> bool:
        """The unit exists and is in use (may be named in a 交办)."""
        unit = self.session.get(HandlingUnit, unit_id)
        return unit is not None and unit.active


def _validate(session: Session, data: OpinionInput) -> None:
    errors = _registration_errors(data, _Lookups(session))
    if errors:
        raise ValidationFailed(errors)


def _registration_errors(data: OpinionInput, known: _Lookups) -> dict[str, str]:
    """The field errors of a registration (empty: it may be registered)."""
    errors: dict[str, str] = {}
    if not data.content.strip():
        errors["content"] = "请填写反映内容"
    if not dt.date(2000, 1, 1) <= data.received_on <= dt.date.today() + dt.timedelta(days=366):
        errors["received_on"] = "收到日期不合理"
    if len(data.village.strip()) > 60:
        errors["village"] = "村（社区）名称过长（最多60字）"
    if len(data.category.strip()) > 60:
        errors["category"] = "类别过长（最多60字）"
    if data.submitter is not None:
        if len(data.submitter.name.strip()) > 40:
            errors["submitter"] = "反映人姓名过长（最多40字）"
        if len(data.submitter.phone.strip()) > 20:
            errors["submitter"] = "反映人电话过长（最多20位）"
    if data.receiving_deputy_id is not None and not known.deputy_exists(data.receiving_deputy_id):
        errors["receiving_deputy_id"] = "所选接收代表不存在"
    if data.mailbox_opening_id is not None:
        if not known.opening_exists(data.mailbox_opening_id):
            errors["mailbox_opening_id"] = "所选开箱记录不存在"
        elif data.channel != Channel.MAILBOX:
            errors["mailbox_opening_id"] = "只有来源为信箱的条目才能关联开箱记录"
    if data.number is not None:
        year, seq = data.number
        if year != data.received_on.year:
            errors["number"] = f"编号的年份{year}与收到日期的年份{data.received_on.year}不一致"
        elif not 1 <= seq <= 9999:
            errors["number"] = "编号的序号应在1到9999之间"
        elif known.number_taken(year, seq):
            errors["number"] = f"编号{year}-{seq:04d}已被其他条目使用"
    return errors


def _next_seq(session: Session, year: int) -> int:
    """max + 1 within the year; the unique (year, seq) constraint catches a colleague's race."""
    return (session.scalar(select(func.max(Opinion.seq)).where(Opinion.year == year)) or 0) + 1


def register_opinion(db: Database, actor: Actor, data: OpinionInput) -> int:
    """Register an item with the next number of its year (or the one `data.number` gives); returns
    its id.

    Two colleagues registering at once may compute the same number: the second insert breaks the
    unique constraint, and the registration is retried once with a fresh number."""
    for attempt in range(2):
        try:
            return _register_once(db, actor, data)
        except IntegrityError:
            if attempt == 1:
                raise ServiceError("编号冲突，登记未保存，请重试。") from None
    raise AssertionError("unreachable")


def _register_once(db: Database, actor: Actor, data: OpinionInput) -> int:
    with unit_of_work(db, actor, "opinion.register", "opinion") as change:
        opinion = register_in_session(change.session, actor, data)
        change.object_id = opinion.id
        change.summary = f"登记社情民意 {opinion.number}（{data.channel.label}）"
        change.after = {"number": opinion.number, "channel": data.channel, "category": opinion.category}
        return opinion.id


def register_in_session(session: Session, actor: Actor, data: OpinionInput) -> Opinion:
    """Register inside the caller's transaction (a ledger import registers many items in one);
    the number is `data.number` when given, else the next of the year."""
    _validate(session, data)
    person = _submitter_values(data)
    submitter = Submitter(**person) if person is not None else None
    if submitter is not None:
        session.add(submitter)
    year = data.received_on.year
    seq = data.number[1] if data.number is not None else _next_seq(session, year)
    opinion = Opinion(**_opinion_values(data, seq), submitter=submitter, status=S.REGISTERED)
    session.add(opinion)
    session.flush()
    session.add(OpinionEvent(opinion_id=opinion.id, recorded_at=now(), user=actor.name,
                             **_register_event_values(data)))
    return opinion


def _submitter_values(data: OpinionInput) -> dict[str, Any] | None:
    """The submitter's row, or None when anonymous (no name and no phone)."""
    if data.submitter is None or not (data.submitter.name.strip() or data.submitter.phone.strip()):
        return None
    return {
        "name": data.submitter.name.strip(),
        "phone": data.submitter.phone.strip(),
        "id_number": (data.submitter.id_number or "").strip() or None,
        "address": data.submitter.address.strip(),
    }


def _opinion_values(data: OpinionInput, seq: int) -> dict[str, Any]:
    """The item's registered fields (not its submitter, status, unit or deadline)."""
    return {
        "year": data.received_on.year,
        "seq": seq,
        "received_on": data.received_on,
        "channel": data.channel,
        "village": data.village.strip(),
        "category": data.category.strip(),
        "content": data.content.strip(),
        "receiving_deputy_id": data.receiving_deputy_id,
        "mailbox_opening_id": data.mailbox_opening_id,
        "activity_id": data.activity_id,
    }


def _register_event_values(data: OpinionInput) -> dict[str, Any]:
    """The 登记 event (without its item, time and user): the same columns as a step's."""
    return {
        "action": A.REGISTER, "at": data.received_on, "note": data.note.strip(), "reason": "",
        "from_status": None, "to_status": S.REGISTERED, "lead_unit_id": None, "deadline": None,
        "satisfaction": None,
    }


def get_opinion(db: Database, opinion_id: int) -> Opinion:
    with db.session() as session:
        opinion = session.get(
            Opinion, opinion_id, options=[selectinload(Opinion.submitter), selectinload(Opinion.lead_unit)]
        )
        if opinion is None:
            raise NotFound(f"社情民意条目不存在（{opinion_id}）")
        return opinion


def opinion_history(db: Database, opinion_id: int) -> list[OpinionEvent]:
    """Every step of one item, oldest first, with the assisting units each 交办 named."""
    with db.session() as session:
        if session.get(Opinion, opinion_id) is None:
            raise NotFound(f"社情民意条目不存在（{opinion_id}）")
        return list(
            session.scalars(
                select(OpinionEvent)
                .where(OpinionEvent.opinion_id == opinion_id)
                .options(selectinload(OpinionEvent.assisting_units))
                .order_by(OpinionEvent.id)
            )
        )


# --- the flow -----------------------------------------------------------------------------------


def apply_action(
    db: Database,
    actor: Actor,
    opinion_id: int,
    action: OpinionAction,
    on: dt.date,
    note: str = "",
    lead_unit_id: int | None = None,
    assisting_unit_ids: Sequence[int] = (),
    deadline: dt.date | None = None,
    satisfaction: Satisfaction | None = None,
    reason: str = "",
    version: int | None = None,
) -> OpinionStatus:
    """Take one step of the flow; returns the new status.

    Refused (TransitionRefused) when the status does not allow it, ValidationFailed when a field
    the step needs is missing. Deadlines left empty come from the settings (办理期限)."""
    values = settings.get_all(db)
    with unit_of_work(db, actor, f"opinion.{action.value}", "opinion") as change:
        session = change.session
        change.object_id = opinion_id
        opinion = session.get(Opinion, opinion_id)
        if opinion is None:
            raise NotFound(f"社情民意条目不存在（{opinion_id}）")
        check_version(opinion.version, version)
        before = opinion.status
        after = apply_action_in_session(
            session, actor, opinion, action, on, values, note=note, lead_unit_id=lead_unit_id,
            assisting_unit_ids=assisting_unit_ids, deadline=deadline, satisfaction=satisfaction,
            reason=reason,
        )
        change.summary = f"{opinion.number}：{action.label}（{before.label} → {after.label}）"
        change.before = {"status": before}
        change.after = {"status": after, "deadline": opinion.deadline, "lead_unit_id": opinion.lead_unit_id}
        return after


def apply_action_in_session(
    session: Session,
    actor: Actor,
    opinion: Opinion,
    action: OpinionAction,
    on: dt.date,
    values: Mapping[str, float],
    note: str = "",
    lead_unit_id: int | None = None,
    assisting_unit_ids: Sequence[int] = (),
    deadline: dt.date | None = None,
    satisfaction: Satisfaction | None = None,
    reason: str = "",
) -> OpinionStatus:
    """One step inside the caller's transaction (a ledger import rebuilds many histories in one),
    with the same checks as `apply_action`; `values` are the settings (`settings.get_all`)."""
    standing = _Standing(opinion.status, opinion.received_on,
                         max((e.at for e in opinion.events), default=opinion.received_on),
                         opinion.lead_unit_id, opinion.deadline)
    step = StepInput(action, on, note=note, lead_unit_id=lead_unit_id,
                     assisting_unit_ids=assisting_unit_ids, deadline=deadline, satisfaction=satisfaction,
                     reason=reason)
    fields, assisting = _take_step(standing, step, values, _Lookups(session))
    event = OpinionEvent(opinion_id=opinion.id, recorded_at=now(), user=actor.name, **fields)
    opinion.events.append(event)  # the loaded history sees it too; flushed with the rest
    if assisting:
        assisting_due = workdays.add_months(on, int(values["deadlines.assisting_months"]))
        for unit_id in assisting:
            session.add(
                OpinionAssistingUnit(
                    event=event, opinion_id=opinion.id, unit_id=unit_id, deadline=assisting_due
                )
            )
    if action in (A.ASSIGN, A.REDO, A.UNIT_RETURN):
        opinion.lead_unit_id = standing.lead_unit_id
        opinion.deadline = standing.deadline
    opinion.status = standing.status
    return standing.status


@dataclass
class _Standing:
    """Where an item stands in the flow: what a step is checked against, and what it moves."""

    status: OpinionStatus
    received_on: dt.date
    last: dt.date  # the day of the latest step
    lead_unit_id: int | None
    deadline: dt.date | None


def _take_step(standing: _Standing, step: StepInput, values: Mapping[str, float],
               known: _Lookups) -> tuple[dict[str, Any], list[int]]:
    """The event of `step` (without its item, time and user) and the assisting units it names,
    by the flow's rules: TransitionRefused when the status does not allow it, ValidationFailed
    naming the fields. `standing` moves on to where the step leaves the item."""
    action, on = step.action, step.on
    before = standing.status
    after = next_status(before, action)
    errors: dict[str, str] = {}
    if on < standing.received_on:
        errors["on"] = "办理日期不能早于收到日期"
    if standing.received_on <= on < standing.last:
        errors["on"] = f"办理日期不能早于上一步的日期（{standing.last.isoformat()}）"
    event: dict[str, Any] = {
        "action": action, "at": on, "note": step.note.strip(), "reason": step.reason.strip(),
        "from_status": before, "to_status": after, "lead_unit_id": None, "deadline": None,
        "satisfaction": None,
    }
    assisting: list[int] = []
    if action in (A.REJECT, A.REDIRECT, A.UNIT_RETURN) and not step.reason.strip():
        errors["reason"] = f"请填写{action.label}的理由"
    if action == A.ASSIGN:
        assisting = list(dict.fromkeys(step.assisting_unit_ids))
        errors.update(_unit_errors(known, step.lead_unit_id, assisting))
        event["lead_unit_id"] = step.lead_unit_id
        event["deadline"] = step.deadline or on + dt.timedelta(days=int(values["deadlines.opinion_days"]))
    elif action == A.REDO:
        if step.satisfaction not in (None, Satisfaction.DISSATISFIED):
            errors["satisfaction"] = "只有回访不满意才退回重办"
        event["satisfaction"] = Satisfaction.DISSATISFIED
        event["lead_unit_id"] = standing.lead_unit_id
        event["deadline"] = step.deadline or on + dt.timedelta(days=int(values["deadlines.redo_days"]))
    elif action == A.FOLLOW_UP:
        if step.satisfaction is None:
            errors["satisfaction"] = "请选择满意度"
        elif step.satisfaction == Satisfaction.DISSATISFIED:
            errors["satisfaction"] = "回访不满意时请选择“不满意重办”"
        event["satisfaction"] = step.satisfaction
    if event["deadline"] is not None and event["deadline"] < on:
        errors["deadline"] = "办理期限不能早于交办日期"
    if errors:
        raise ValidationFailed(errors)
    if action in (A.ASSIGN, A.REDO):
        standing.lead_unit_id, standing.deadline = event["lead_unit_id"], event["deadline"]
    elif action == A.UNIT_RETURN:
        standing.lead_unit_id, standing.deadline = None, None
    standing.status = after
    standing.last = max(standing.last, on)
    return event, assisting


def register_many_in_session(
    session: Session,
    actor: Actor,
    items: Sequence[tuple[OpinionInput, Sequence[StepInput]]],
    values: Mapping[str, float],
    checked: Callable[[int], None] | None = None,
) -> list[int]:
    """Register many items, each followed by its steps, inside the caller's transaction (a ledger
    import brings in a year of items at once). The same checks, numbers, events and final state
    as `register_in_session` and then `apply_action_in_session` item by item, and the first
    refusal raised the same way; but what the checks read is loaded once, and the rows are
    inserted in bulk at the end rather than flushed and looked up per item and per step (which
    took ~5 ms an item). `checked(n)` is called once the first n items are checked (progress; it
    may raise to cancel). Returns the new items' ids, in the order of `items`."""
    if not items:
        return []
    known = _Preloaded(session, {data.received_on.year for data, _ in items})
    months = int(values["deadlines.assisting_months"])
    # The rows to insert; an opinion's "submitter_id" and an event's "opinion_id" are indexes in
    # `submitters` and `opinions` until those are inserted.
    submitters: list[dict[str, Any]] = []
    opinions: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    assisting: list[tuple[int, int, dt.date]] = []  # (index in events, unit id, due)
    for done, (data, steps) in enumerate(items, start=1):
        errors = _registration_errors(data, known)
        if errors:
            raise ValidationFailed(errors)
        opinion = _opinion_values(data, known.take_number(data))
        person = _submitter_values(data)
        opinion["submitter_id"] = None if person is None else len(submitters)
        if person is not None:
            submitters.append(person)
        standing = _Standing(S.REGISTERED, data.received_on, data.received_on, None, None)
        history = [_register_event_values(data)]
        for step in steps:
            event, helpers = _take_step(standing, step, values, known)
            if helpers:
                due = workdays.add_months(step.on, months)
                assisting.extend((len(events) + len(history), unit_id, due) for unit_id in helpers)
            history.append(event)
        opinion.update(status=standing.status, lead_unit_id=standing.lead_unit_id,
                       deadline=standing.deadline, version=1)
        stamp = now()
        for event in history:
            event.update(opinion_id=len(opinions), recorded_at=stamp, user=actor.name)
        opinions.append(opinion)
        events.extend(history)
        if checked is not None:
            checked(done)
    session.flush()  # what the caller added (a new handling unit, say) goes in first
    submitter_ids = insert_rows(session, Submitter, submitters)
    for opinion in opinions:
        if opinion["submitter_id"] is not None:
            opinion["submitter_id"] = submitter_ids[opinion["submitter_id"]]
    opinion_ids = insert_rows(session, Opinion, opinions)
    for event in events:
        event["opinion_id"] = opinion_ids[event["opinion_id"]]
    event_ids = insert_rows(session, OpinionEvent, events, ids=bool(assisting))
    insert_rows(session, OpinionAssistingUnit, [
        {"event_id": event_ids[index], "opinion_id": events[index]["opinion_id"], "unit_id": unit_id,
         "deadline": due} for index, unit_id, due in assisting], ids=False)
    return opinion_ids


class _Preloaded(_Lookups):
    """`_Lookups` answered from memory for `register_many_in_session`: each table read in one
    query, and each number the batch takes marked as taken, as a registration flushed one at a
    time would be found by the next item's check."""

    def __init__(self, session: Session, years: Iterable[int]) -> None:
        super().__init__(session)
        self.deputies = set(session.scalars(select(Deputy.id)))
        self.openings = set(session.scalars(select(MailboxOpening.id)))
        self.units = {unit_id: active for unit_id, active in session.execute(
            select(HandlingUnit.id, HandlingUnit.active))}
        self.taken = set(session.execute(
            select(Opinion.year, Opinion.seq).where(Opinion.year.in_(sorted(set(years))))).tuples())
        self.next: dict[int, int] = {}  # year → the next number, as `_next_seq` gives it
        for year, seq in self.taken:
            self.next[year] = max(self.next.get(year, 1), seq + 1)

    def deputy_exists(self, deputy_id: int) -> bool:
        return deputy_id in self.deputies

    def opening_exists(self, opening_id: int) -> bool:
        return opening_id in self.openings

    def number_taken(self, year: int, seq: int) -> bool:
        return (year, seq) in self.taken

    def unit_usable(self, unit_id: int) -> bool:
        return self.units.get(unit_id, False)

    def take_number(self, data: OpinionInput) -> int:
        """The item's seq: the one `data.number` gives, else the next of its year."""
        year = data.received_on.year
        seq = data.number[1] if data.number is not None else self.next.get(year, 1)
        self.taken.add((year, seq))
        self.next[year] = max(self.next.get(year, 1), seq + 1)
        return seq


def insert_rows(session: Session, model: type[Base], rows: list[dict[str, Any]],
                 ids: bool = True) -> list[int]:
    """Rows (each with every column but the id) into the model's table in the session's
    transaction; their new ids in order, when asked. PostgreSQL returns them (RETURNING in the
    order of the rows). SQLite gives a new row the id one above the largest (or the next of its
    sequence), in the order of the rows, and the transaction holds the write lock from the insert
    on: the rows have the last len(rows) ids, read after the insert."""
    if not rows:
        return []
    table = cast(Table, model.__table__)
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        if not ids:
            connection.execute(insert(table), rows)
            return []
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(connection.execute(statement, rows).scalars())
    _insert_sqlite(connection, table, rows)
    if not ids:
        return []
    last = connection.scalar(select(func.max(table.c.id))) or 0
    return list(range(last - len(rows) + 1, last + 1))


_SQLITE_ROWS_PER_INSERT = 1000


def _insert_sqlite(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows into a SQLite table by multi-row INSERTs through the driver, each value converted
    as SQLAlchemy stores it (the dialect's bind processor, run once per distinct value). Not
    SQLAlchemy's executemany, whose per-value work costs more than the insert at 10^5 values;
    and not a statement per row: the search index kept by triggers on `opinion` (FTS5, migration
    0008) is flushed at every statement, which made 10^4 items take ~2 s instead of ~0.4 s."""
    keys = list(rows[0])
    dialect = connection.dialect
    converters: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = []
    for index, key in enumerate(keys):
        processor = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            converters.append((index, processor, {}))
    lines: list[list[Any]] = []
    for row in rows:
        line = [row[key] for key in keys]
        for index, convert, done in converters:
            value = line[index]
            if value is not None:
                stored = done.get(value)
                if stored is None:
                    stored = done[value] = convert(value)
                line[index] = stored
        lines.append(line)
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    per_insert = max(1, min(_SQLITE_ROWS_PER_INSERT,
                            driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(keys)))
    quote = dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(key) for key in keys)}) VALUES "
    marks = "(" + ", ".join("?" for _ in keys) + ")"
    cursor = driver.cursor()
    try:
        for first in range(0, len(lines), per_insert):
            chunk = lines[first:first + per_insert]
            values = [value for line in chunk for value in line]
            cursor.execute(head + ", ".join([marks] * len(chunk)), values)
    finally:
        cursor.close()


def check_units(session: Session, lead_unit_id: int | None, assisting: list[int]) -> dict[str, str]:
    """Field errors of a 交办 (of an opinion or a suggestion): a lead unit chosen and in use, the
    assisting units in use and not the lead unit itself."""
    return _unit_errors(_Lookups(session), lead_unit_id, assisting)


def _unit_errors(known: _Lookups, lead_unit_id: int | None, assisting: list[int]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if lead_unit_id is None:
        errors["lead_unit_id"] = "请选择主办单位"
    elif not known.unit_usable(lead_unit_id):
        errors["lead_unit_id"] = "所选主办单位不存在或已停用"
    if lead_unit_id in assisting:
        errors["assisting_unit_ids"] = "主办单位不能同时是协办单位"
    for unit_id in assisting:
        if not known.unit_usable(unit_id):
            errors["assisting_unit_ids"] = "所选协办单位不存在或已停用"
    return errors


def current_assisting_units(db: Database, opinion_id: int) -> list[OpinionAssistingUnit]:
    """The assisting units named by the latest 交办 of the item."""
    with db.session() as session:
        latest = session.scalar(
            select(func.max(OpinionEvent.id)).where(
                OpinionEvent.opinion_id == opinion_id, OpinionEvent.action == A.ASSIGN
            )
        )
        if latest is None:
            return []
        return list(
            session.scalars(
                select(OpinionAssistingUnit)
                .where(OpinionAssistingUnit.event_id == latest)
                .options(selectinload(OpinionAssistingUnit.unit))
                .order_by(OpinionAssistingUnit.id)
            )
        )


def return_due(db: Database, assigned_on: dt.date) -> dt.date:
    """The last day a unit may return a misdirected item (default 7 working days)."""
    n = int(settings.get(db, "deadlines.return_working_days"))
    return workdays.add_working_days(assigned_on, n, workdays.load_overrides(db))


# --- overdue ------------------------------------------------------------------------------------


def is_overdue(opinion: Opinion, today: dt.date) -> bool:
    """逾期: assigned, not yet replied, and past its deadline (the deadline day itself is in time)."""
    return opinion.status == S.ASSIGNED and opinion.deadline is not None and opinion.deadline < today


def overdue_condition(today: dt.date) -> ColumnElement[bool]:
    """The SQL form of `is_overdue`, for lists and counts."""
    return and_(Opinion.status == S.ASSIGNED, Opinion.deadline.is_not(None), Opinion.deadline < today)


def overdue_ids(db: Database, today: dt.date) -> list[int]:
    with db.session() as session:
        return list(
            session.scalars(select(Opinion.id).where(overdue_condition(today)).order_by(Opinion.deadline))
        )


def counts_by_status(db: Database, year: int | None = None) -> dict[str, int]:
    """Items per status code name (every status present, zero included)."""
    counts = {status.value: 0 for status in OpinionStatus}
    with db.session() as session:
        statement = select(Opinion.status, func.count()).group_by(Opinion.status)
        if year is not None:
            statement = statement.where(Opinion.year == year)
        for status, count in session.execute(statement):
            counts[str(status)] = count
    return counts


# --- mailbox openings ---------------------------------------------------------------------------


def record_opening(
    db: Database,
    actor: Actor,
    opened_on: dt.date,
    opened_by_1: str,
    opened_by_2: str,
    item_count: int,
    note: str = "",
) -> int:
    """Record one opening of the box by two people; items registered later link to it."""
    first, second = opened_by_1.strip(), opened_by_2.strip()
    errors: dict[str, str] = {}
    if not first or not second:
        errors["opened_by"] = "开箱须由两人共同进行，请填写两位开箱人"
    elif first == second:
        errors["opened_by"] = "两位开箱人不能是同一人"
    if len(first) > 40 or len(second) > 40:
        errors["opened_by"] = "开箱人姓名过长（最多40字）"
    if item_count < 0:
        errors["item_count"] = "件数不能为负数"
    if opened_on > dt.date.today() + dt.timedelta(days=1):
        errors["opened_on"] = "开箱日期不能晚于今天"
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work(db, actor, "mailbox_opening.add", "mailbox_opening") as change:
        opening = MailboxOpening(
            opened_on=opened_on,
            opened_by_1=first,
            opened_by_2=second,
            item_count=item_count,
            note=note.strip(),
        )
        change.session.add(opening)
        change.session.flush()
        change.object_id = opening.id
        change.summary = f"开箱记录 {opened_on.isoformat()}：{first}、{second}，{item_count}件"
        return opening.id


def opening_items(db: Database, opening_id: int) -> list[Opinion]:
    with db.session() as session:
        return list(
            session.scalars(
                select(Opinion).where(Opinion.mailbox_opening_id == opening_id).order_by(Opinion.seq)
            )
        )


# --- editable lists: villages and categories ----------------------------------------------------


def list_choices(db: Database, kind: str) -> list[str]:
    """The entries of an editable list; categories start from DOMAIN.md's defaults until edited."""
    _check_kind(kind)
    with db.session() as session:
        names = list(
            session.scalars(
                select(MailboxChoice.name)
                .where(MailboxChoice.kind == kind)
                .order_by(MailboxChoice.position, MailboxChoice.id)
            )
        )
    if not names and kind == "category":
        return list(DEFAULT_CATEGORIES)
    return names


def set_choices(db: Database, actor: Actor, kind: str, names: Iterable[str],
                opened_with: Sequence[str] | None = None) -> None:
    """Replace the list with `names` (trimmed, blanks and repeats dropped), in that order.
    `opened_with` is the list the editor started from: when another user saved the list
    meanwhile, nothing is saved (Conflict), so neither user's entries vanish unseen."""
    _check_kind(kind)
    cleaned = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    for name in cleaned:
        if len(name) > 60:
            raise ValidationFailed({"names": f"“{name[:10]}…”过长（最多60字）"})
    before = list_choices(db, kind)
    with unit_of_work(db, actor, f"mailbox_choice.{kind}", "mailbox_choice") as change:
        session = change.session
        rows = list(session.scalars(
            select(MailboxChoice).where(MailboxChoice.kind == kind)
            .order_by(MailboxChoice.position, MailboxChoice.id).with_for_update()))
        if opened_with is not None:
            current = [r.name for r in rows] or (list(DEFAULT_CATEGORIES) if kind == "category" else [])
            check_value(current, list(opened_with))
        for row in rows:
            session.delete(row)
        session.flush()
        for position, name in enumerate(cleaned):
            session.add(MailboxChoice(kind=kind, name=name, position=position))
        try:
            session.flush()
        except IntegrityError:  # another user saved the same list at the same moment
            raise Conflict(CONFLICT_MESSAGE) from None
        change.summary = f"修改{CHOICE_KINDS[kind]}列表（{len(cleaned)}项）"
        change.before = {"names": before}
        change.after = {"names": cleaned}


def _check_kind(kind: str) -> None:
    if kind not in CHOICE_KINDS:
        raise ValidationFailed({"kind": f"未知的列表：{kind}"})


# --- opinions raised at activities --------------------------------------------------------------


def register_raised(db: Database, actor: Actor, raised: Sequence[RaisedOpinion]) -> list[str]:
    """Register the opinions raised at an activity (a voter reception) in one transaction, each
    linked to the activity, received on its day, channel 来访, anonymous; the receiving deputy is
    the one deputy present, if only one was. An item already registered from the same activity
    with the same content is skipped, so pressing the button twice registers nothing twice.
    Returns the numbers of the new items."""
    numbers: list[str] = []
    with unit_of_work(db, actor, "opinion.register_raised", "opinion") as change:
        session = change.session
        for item in raised:
            known = session.scalar(select(Opinion.id).where(
                Opinion.activity_id == item.activity_id, Opinion.content == item.content.strip()))
            if known is not None:
                continue
            opinion = register_in_session(session, actor, OpinionInput(
                received_on=item.received_on, channel=Channel.VISIT, content=item.content,
                receiving_deputy_id=item.deputy_ids[0] if len(item.deputy_ids) == 1 else None,
                activity_id=item.activity_id, note="由代表活动的意见建议登记"))
            numbers.append(opinion.number)
        change.object_id = raised[0].activity_id if raised else None
        change.summary = f"从代表活动登记社情民意 {len(numbers)} 件：{'、'.join(numbers) or '无新增'}"
    return numbers
