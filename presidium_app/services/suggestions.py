"""Deputy suggestions (代表建议, DOMAIN.md §5): registration (new or from an opinion), referral to a
lead unit and assisting units, replies classed A–D, the deputy's rating, re-handling when the
deputy is dissatisfied, and every contact between the unit and the deputy (三访两见面).

As for opinions, `TRANSITIONS` is the one source of truth of the flow: the page asks
`allowed_actions` which buttons to offer, and `apply_action` refuses anything else. Every step
appends a `SuggestionEvent` in the transaction that moves the status.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from presidium_app.domain.deputies import Deputy
from presidium_app.domain.enums import (
    ContactKind,
    ContactStage,
    ResultClass,
    Satisfaction,
    SuggestionAction,
    SuggestionStatus,
)
from presidium_app.domain.mailbox import HandlingUnit, Opinion
from presidium_app.domain.suggestions import (
    Suggestion,
    SuggestionAssistingUnit,
    SuggestionContact,
    SuggestionCoSigner,
    SuggestionEvent,
)
from presidium_app.services import settings, workdays
from presidium_app.services.audit import Actor, check_version, now, unit_of_work
from presidium_app.services.errors import NotFound, ServiceError, ValidationFailed
from presidium_app.services.mailbox import check_units
from presidium_app.storage.database import Database

S = SuggestionStatus
A = SuggestionAction

# (current status, action) -> new status. Nothing else is allowed.
TRANSITIONS: dict[tuple[SuggestionStatus, SuggestionAction], SuggestionStatus] = {
    (S.REGISTERED, A.REFER): S.REFERRED,
    (S.REFERRED, A.UNIT_RETURN): S.REGISTERED,  # misdirected: back to the presidium to refer again
    (S.REFERRED, A.REPLY): S.REPLIED,
    (S.REPLIED, A.RATE): S.RATED,  # 满意 or 基本满意
    (S.REPLIED, A.REDO): S.REFERRED,  # 不满意: re-handled by the unit with a new deadline
    (S.RATED, A.CLOSE): S.CLOSED,
}

# Contacts that count as the "visits and meetings" of 三访两见面.
VISIT_KINDS = frozenset({ContactKind.VISIT, ContactKind.SITE})
MEETING_KINDS = frozenset({ContactKind.MEETING})


class TransitionRefused(ServiceError):
    """The action is not allowed in the suggestion's current status."""


def allowed_actions(status: SuggestionStatus) -> list[SuggestionAction]:
    """The actions the flow allows from `status`, in the order of the enum (for the buttons)."""
    return [action for action in SuggestionAction if (status, action) in TRANSITIONS]


def next_status(status: SuggestionStatus, action: SuggestionAction) -> SuggestionStatus:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        allowed = "、".join(a.label for a in allowed_actions(status)) or "无（已办结）"
        raise TransitionRefused(
            f"该建议当前状态为“{status.label}”，不能执行“{action.label}”。当前可执行：{allowed}"
        ) from None


# --- registration -------------------------------------------------------------------------------


@dataclass
class SuggestionInput:
    submitted_on: dt.date
    title: str
    content: str
    lead_deputy_id: int | None
    co_signer_ids: list[int] = field(default_factory=list)
    category: str = ""
    opinion_id: int | None = None
    note: str = ""


def _validate(session: Session, data: SuggestionInput) -> list[int]:
    """Field errors as ValidationFailed; returns the co-signers without repeats or the lead."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "请填写建议标题"
    elif len(data.title.strip()) > 200:
        errors["title"] = "标题过长（最多200字）"
    if not data.content.strip():
        errors["content"] = "请填写建议内容"
    if len(data.category.strip()) > 60:
        errors["category"] = "类别过长（最多60字）"
    if not dt.date(2000, 1, 1) <= data.submitted_on <= dt.date.today() + dt.timedelta(days=366):
        errors["submitted_on"] = "提出日期不合理"
    if data.lead_deputy_id is None:
        errors["lead_deputy_id"] = "请选择领衔代表"
    elif session.get(Deputy, data.lead_deputy_id) is None:
        errors["lead_deputy_id"] = "所选领衔代表不存在"
    co_signers = [d for d in dict.fromkeys(data.co_signer_ids) if d != data.lead_deputy_id]
    missing = [d for d in co_signers if session.get(Deputy, d) is None]
    if missing:
        errors["co_signer_ids"] = "所选附议代表中有不存在的代表"
    if data.opinion_id is not None and session.get(Opinion, data.opinion_id) is None:
        errors["opinion_id"] = "所关联的社情民意条目不存在"
    if errors:
        raise ValidationFailed(errors)
    return co_signers


def _next_seq(session: Session, year: int) -> int:
    return (session.scalar(select(func.max(Suggestion.seq)).where(Suggestion.year == year)) or 0) + 1


def create_suggestion(db: Database, actor: Actor, data: SuggestionInput) -> int:
    """Register a suggestion with the next number of its year; returns its id. A colleague's
    simultaneous registration breaks the unique number: retried once with a fresh number."""
    for attempt in range(2):
        try:
            return _create_once(db, actor, data)
        except IntegrityError:
            if attempt == 1:
                raise ServiceError("编号冲突，建议未保存，请重试。") from None
    raise AssertionError("unreachable")


def _create_once(db: Database, actor: Actor, data: SuggestionInput) -> int:
    with unit_of_work(db, actor, "suggestion.register", "suggestion") as change:
        suggestion = create_in_session(change.session, actor, data)
        change.object_id = suggestion.id
        source = ""
        if data.opinion_id is not None:
            opinion = change.session.get(Opinion, data.opinion_id)
            assert opinion is not None
            source = f"（由社情民意 {opinion.number} 转来）"
        change.summary = f"登记代表建议 {suggestion.number}：{suggestion.title}{source}"
        change.after = {"number": suggestion.number, "title": suggestion.title, "opinion_id": data.opinion_id}
        return suggestion.id


def create_in_session(session: Session, actor: Actor, data: SuggestionInput) -> Suggestion:
    """Register inside the caller's transaction (the demo writes its dozen in one)."""
    co_signers = _validate(session, data)
    assert data.lead_deputy_id is not None
    year = data.submitted_on.year
    suggestion = Suggestion(
        year=year,
        seq=_next_seq(session, year),
        submitted_on=data.submitted_on,
        title=data.title.strip(),
        content=data.content.strip(),
        category=data.category.strip(),
        lead_deputy_id=data.lead_deputy_id,
        opinion_id=data.opinion_id,
        status=S.REGISTERED,
        co_signers=[SuggestionCoSigner(deputy_id=d) for d in co_signers],
    )
    suggestion.events.append(
        SuggestionEvent(
            action=A.REGISTER,
            at=data.submitted_on,
            recorded_at=now(),
            user=actor.name,
            note=data.note.strip(),
            from_status=None,
            to_status=S.REGISTERED,
        )
    )
    session.add(suggestion)
    session.flush()
    return suggestion


def update_suggestion(
    db: Database, actor: Actor, suggestion_id: int, data: SuggestionInput, version: int | None = None
) -> None:
    """Correct a suggestion's text and signers; only before it is referred, since the unit then
    handles exactly what it received."""
    with unit_of_work(db, actor, "suggestion.update", "suggestion") as change:
        session = change.session
        suggestion = _get(session, suggestion_id)
        check_version(suggestion.version, version)
        change.object_id = suggestion_id
        if suggestion.status != S.REGISTERED:
            raise ServiceError(f"建议 {suggestion.number} 已交办，内容不能再修改。")
        co_signers = _validate(session, data)
        assert data.lead_deputy_id is not None
        change.before = {
            "title": suggestion.title,
            "content": suggestion.content,
            "lead_deputy_id": suggestion.lead_deputy_id,
            "co_signers": [c.deputy_id for c in suggestion.co_signers],
        }
        suggestion.title, suggestion.content = data.title.strip(), data.content.strip()
        suggestion.category, suggestion.lead_deputy_id = data.category.strip(), data.lead_deputy_id
        suggestion.submitted_on = data.submitted_on
        suggestion.co_signers = [SuggestionCoSigner(deputy_id=d) for d in co_signers]
        change.after = {
            "title": suggestion.title,
            "content": suggestion.content,
            "lead_deputy_id": suggestion.lead_deputy_id,
            "co_signers": co_signers,
        }
        change.summary = f"修改代表建议 {suggestion.number}"


def draft_from_opinion(db: Database, opinion_id: int) -> SuggestionInput:
    """A suggestion form filled from an opinion: its content, category and receiving deputy (as
    the lead deputy), its first clause as the title (关于…的建议), dated today."""
    with db.session() as session:
        opinion = session.get(Opinion, opinion_id)
        if opinion is None:
            raise NotFound(f"社情民意条目不存在（{opinion_id}）")
        first_clause = re.split(r"[，。；！？,.;!?\n]", opinion.content.strip(), maxsplit=1)[0]
        title = first_clause[:40].strip()
        return SuggestionInput(
            submitted_on=max(dt.date.today(), opinion.received_on),
            title=f"关于{title}的建议" if title and not title.startswith("关于") else title,
            content=opinion.content,
            lead_deputy_id=opinion.receiving_deputy_id,
            category=opinion.category,
            opinion_id=opinion.id,
        )


def suggestions_for_opinion(db: Database, opinion_id: int) -> list[Suggestion]:
    """The suggestions an opinion led to (the link back from the opinion)."""
    with db.session() as session:
        return list(
            session.scalars(
                select(Suggestion).where(Suggestion.opinion_id == opinion_id).order_by(Suggestion.id)
            )
        )


def _get(session: Session, suggestion_id: int) -> Suggestion:
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise NotFound(f"代表建议不存在（{suggestion_id}）")
    return suggestion


def get_suggestion(db: Database, suggestion_id: int) -> Suggestion:
    """One suggestion with its deputies, unit, co-signers and contacts loaded for the detail pane."""
    with db.session() as session:
        suggestion = session.get(
            Suggestion,
            suggestion_id,
            options=[
                selectinload(Suggestion.lead_deputy),
                selectinload(Suggestion.lead_unit),
                selectinload(Suggestion.co_signers).selectinload(SuggestionCoSigner.deputy),
                selectinload(Suggestion.contacts).selectinload(SuggestionContact.unit),
            ],
        )
        if suggestion is None:
            raise NotFound(f"代表建议不存在（{suggestion_id}）")
        return suggestion


def suggestion_history(db: Database, suggestion_id: int) -> list[SuggestionEvent]:
    """Every step, oldest first, with the unit and assisting units each 交办 named."""
    with db.session() as session:
        _get(session, suggestion_id)
        return list(
            session.scalars(
                select(SuggestionEvent)
                .where(SuggestionEvent.suggestion_id == suggestion_id)
                .options(
                    selectinload(SuggestionEvent.lead_unit),
                    selectinload(SuggestionEvent.assisting_units).selectinload(SuggestionAssistingUnit.unit),
                )
                .order_by(SuggestionEvent.id)
            )
        )


# --- the flow -----------------------------------------------------------------------------------


def apply_action(
    db: Database,
    actor: Actor,
    suggestion_id: int,
    action: SuggestionAction,
    on: dt.date,
    note: str = "",
    lead_unit_id: int | None = None,
    assisting_unit_ids: Sequence[int] = (),
    deadline: dt.date | None = None,
    result_class: ResultClass | None = None,
    satisfaction: Satisfaction | None = None,
    reason: str = "",
    version: int | None = None,
) -> SuggestionStatus:
    """Take one step; returns the new status. Deadlines left empty come from the settings:
    a reply within 3 months of referral (at most 6), re-handling within 1 month."""
    values = settings.get_all(db)
    with unit_of_work(db, actor, f"suggestion.{action.value}", "suggestion") as change:
        session = change.session
        change.object_id = suggestion_id
        suggestion = _get(session, suggestion_id)
        check_version(suggestion.version, version)
        before = suggestion.status
        after = apply_action_in_session(
            session,
            actor,
            suggestion,
            action,
            on,
            values,
            note=note,
            lead_unit_id=lead_unit_id,
            assisting_unit_ids=assisting_unit_ids,
            deadline=deadline,
            result_class=result_class,
            satisfaction=satisfaction,
            reason=reason,
        )
        change.summary = f"建议 {suggestion.number}：{action.label}（{before.label} → {after.label}）"
        change.before = {"status": before}
        change.after = {
            "status": after,
            "deadline": suggestion.deadline,
            "result_class": suggestion.result_class,
            "satisfaction": suggestion.satisfaction,
        }
        return after


def apply_action_in_session(
    session: Session,
    actor: Actor,
    suggestion: Suggestion,
    action: SuggestionAction,
    on: dt.date,
    values: Mapping[str, float],
    note: str = "",
    lead_unit_id: int | None = None,
    assisting_unit_ids: Sequence[int] = (),
    deadline: dt.date | None = None,
    result_class: ResultClass | None = None,
    satisfaction: Satisfaction | None = None,
    reason: str = "",
) -> SuggestionStatus:
    """One step inside the caller's transaction, with every check of `apply_action`; `values`
    are the settings (`settings.get_all`)."""
    before = suggestion.status
    after = next_status(before, action)
    errors: dict[str, str] = {}
    last = max((e.at for e in suggestion.events), default=suggestion.submitted_on)
    if on < last:
        errors["on"] = f"办理日期不能早于上一步的日期（{last.isoformat()}）"
    event = SuggestionEvent(
        suggestion_id=suggestion.id,
        action=action,
        at=on,
        recorded_at=now(),
        user=actor.name,
        note=note.strip(),
        reason=reason.strip(),
        from_status=before,
        to_status=after,
    )
    assisting: list[int] = []
    if action == A.UNIT_RETURN and not reason.strip():
        errors["reason"] = "请填写退回的理由"
    if action == A.REFER:
        assisting = list(dict.fromkeys(assisting_unit_ids))
        errors.update(check_units(session, lead_unit_id, assisting))
        event.lead_unit_id = lead_unit_id
        months = int(values["deadlines.suggestion_months"])
        event.deadline = deadline or workdays.add_months(on, months)
        if event.deadline > workdays.add_months(on, 6):
            errors["deadline"] = "代表建议最迟应在交办之日起六个月内答复"
    elif action == A.REPLY:
        if result_class is None:
            errors["result_class"] = "请选择办理结果分类（A/B/C/D）"
        if not note.strip():
            errors["note"] = "请填写答复内容"
        event.result_class = result_class
    elif action == A.RATE:
        if satisfaction is None:
            errors["satisfaction"] = "请选择代表的满意度"
        elif satisfaction == Satisfaction.DISSATISFIED:
            errors["satisfaction"] = "代表不满意时请选择“不满意重办”"
        event.satisfaction = satisfaction
    elif action == A.REDO:
        event.satisfaction = Satisfaction.DISSATISFIED
        event.lead_unit_id = suggestion.lead_unit_id
        months = int(values["deadlines.suggestion_redo_months"])
        event.deadline = deadline or workdays.add_months(on, months)
    if event.deadline is not None and event.deadline < on:
        errors["deadline"] = "办理期限不能早于交办日期"
    if errors:
        raise ValidationFailed(errors)
    suggestion.events.append(event)  # the loaded history sees it too
    session.flush()
    if action == A.REFER:
        assisting_due = workdays.add_months(on, int(values["deadlines.assisting_months"]))
        for unit_id in assisting:
            session.add(
                SuggestionAssistingUnit(
                    event_id=event.id,
                    suggestion_id=suggestion.id,
                    unit_id=unit_id,
                    deadline=assisting_due,
                )
            )
    if action in (A.REFER, A.REDO):
        suggestion.lead_unit_id = event.lead_unit_id
        suggestion.deadline = event.deadline
    elif action == A.UNIT_RETURN:
        suggestion.lead_unit_id = None
        suggestion.deadline = None
    elif action == A.REPLY:
        suggestion.result_class = result_class
    if action in (A.RATE, A.REDO):
        suggestion.satisfaction = event.satisfaction
    suggestion.status = after
    return after


def current_assisting_units(db: Database, suggestion_id: int) -> list[SuggestionAssistingUnit]:
    """The assisting units named by the latest 交办 of the suggestion."""
    with db.session() as session:
        latest = session.scalar(
            select(func.max(SuggestionEvent.id)).where(
                SuggestionEvent.suggestion_id == suggestion_id, SuggestionEvent.action == A.REFER
            )
        )
        if latest is None:
            return []
        return list(
            session.scalars(
                select(SuggestionAssistingUnit)
                .where(SuggestionAssistingUnit.event_id == latest)
                .options(selectinload(SuggestionAssistingUnit.unit))
                .order_by(SuggestionAssistingUnit.id)
            )
        )


# --- contacts (三访两见面) -------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactTally:
    """How often the unit met the deputy: the page shows visits and meetings against 三访两见面."""

    visits: int
    meetings: int
    total: int

    @property
    def text(self) -> str:
        return f"走访{self.visits}次、见面{self.meetings}次（要求三访两见面）"


def add_contact(
    db: Database,
    actor: Actor,
    suggestion_id: int,
    contacted_on: dt.date,
    stage: ContactStage,
    kind: ContactKind,
    unit_id: int | None = None,
    people: str = "",
    note: str = "",
) -> int:
    """Record one contact between a unit and the deputy; contacts are kept at every status."""
    with unit_of_work(db, actor, "suggestion.contact", "suggestion") as change:
        suggestion = _get(change.session, suggestion_id)
        change.object_id = suggestion_id
        contact = add_contact_in_session(
            change.session, actor, suggestion, contacted_on, stage, kind, unit_id, people, note
        )
        when = contacted_on.isoformat()
        change.summary = f"建议 {suggestion.number}：记录{stage.label}{kind.label}（{when}）"
        return contact.id


def add_contact_in_session(
    session: Session,
    actor: Actor,
    suggestion: Suggestion,
    contacted_on: dt.date,
    stage: ContactStage,
    kind: ContactKind,
    unit_id: int | None = None,
    people: str = "",
    note: str = "",
) -> SuggestionContact:
    errors: dict[str, str] = {}
    if contacted_on < suggestion.submitted_on:
        errors["contacted_on"] = "联系日期不能早于建议提出日期"
    if contacted_on > dt.date.today() + dt.timedelta(days=1):
        errors["contacted_on"] = "联系日期不能晚于今天"
    if unit_id is not None and session.get(HandlingUnit, unit_id) is None:
        errors["unit_id"] = "所选承办单位不存在"
    if len(people.strip()) > 200:
        errors["people"] = "参加人员过长（最多200字）"
    if errors:
        raise ValidationFailed(errors)
    contact = SuggestionContact(
        contacted_on=contacted_on,
        stage=stage,
        kind=kind,
        unit_id=unit_id,
        people=people.strip(),
        note=note.strip(),
        recorded_at=now(),
        user=actor.name,
    )
    suggestion.contacts.append(contact)
    session.flush()
    return contact


def contact_tally(contacts: Sequence[SuggestionContact]) -> ContactTally:
    visits = sum(1 for c in contacts if c.kind in VISIT_KINDS)
    meetings = sum(1 for c in contacts if c.kind in MEETING_KINDS)
    return ContactTally(visits, meetings, len(contacts))


# --- overdue and counts -------------------------------------------------------------------------


def is_overdue(suggestion: Suggestion, today: dt.date) -> bool:
    """逾期: referred, not yet replied, past its deadline (the deadline day itself is in time)."""
    return suggestion.status == S.REFERRED and suggestion.deadline is not None and suggestion.deadline < today


def overdue_condition(today: dt.date) -> ColumnElement[bool]:
    """The SQL form of `is_overdue`, for lists and counts."""
    return and_(
        Suggestion.status == S.REFERRED, Suggestion.deadline.is_not(None), Suggestion.deadline < today
    )


def overdue_count(db: Database, today: dt.date) -> int:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Suggestion).where(overdue_condition(today))) or 0
        )
