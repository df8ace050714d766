"""The list of 代表建议 as the suggestions page shows it: filters, status tabs with their counts, one
page of table rows at a time, and everything about one suggestion for the detail pane.

As for the mailbox (`opinion_list`), counting and filtering happen in SQL: the page's lazy model
asks `search_ids` for the matching ids and `load_rows` for the rows on screen; `count` and `page`
are the same query for callers that need no ids. The search box matches the number (2026-007),
the title, the content and the names of the lead deputy and the co-signers (characters or pinyin).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, exists, false, func, or_, select
from sqlalchemy.orm import Session, aliased

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
from presidium_app.services import mailbox, suggestions
from presidium_app.services.errors import NotFound
from presidium_app.services.search import classify_token
from presidium_app.storage.database import Database

S = SuggestionStatus
A = SuggestionAction
CO_SIGNER_NAMES_SHOWN = 2  # the table names this many co-signers, then "等N人"


# --- status tabs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusTab:
    """One tab across the top of the list: the statuses it shows (none: every status), or the
    overdue suggestions (逾期: referred, past the deadline, not replied)."""

    key: str
    label: str
    statuses: frozenset[SuggestionStatus] = frozenset()
    overdue: bool = False
    tip: str = ""


TABS: tuple[StatusTab, ...] = (
    StatusTab("all", "全部", tip="全部代表建议"),
    StatusTab("to_refer", "待交办", frozenset({S.REGISTERED}), tip="已登记，尚未交办承办单位"),
    StatusTab("handling", "办理中", frozenset({S.REFERRED}), tip="已交办，等待承办单位答复"),
    StatusTab("overdue", "逾期", frozenset({S.REFERRED}), overdue=True,
              tip="已交办，超过答复期限仍未答复"),
    StatusTab("to_rate", "待测评", frozenset({S.REPLIED}), tip="已答复，等待代表测评满意度"),
    StatusTab("to_close", "待办结", frozenset({S.RATED}), tip="代表已测评，尚未办结"),
    StatusTab("closed", "已办结", frozenset({S.CLOSED}), tip="已办结"),
)
TAB_BY_KEY = {tab.key: tab for tab in TABS}


# --- the filter ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionFilter:
    """What the list shows. Empty values mean no condition; `today` decides what is overdue
    (None: the real today). `deputy_id` matches the lead deputy or any co-signer."""

    tab: str = "all"
    status: SuggestionStatus | None = None
    category: str | None = None
    lead_unit_id: int | None = None
    deputy_id: int | None = None
    result_class: ResultClass | None = None
    overdue_only: bool = False
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    text: str = ""
    today: dt.date | None = None

    def day(self) -> dt.date:
        return self.today or dt.date.today()


_NUMBER = re.compile(r"^(\d{4})-(\d{0,4})$")


def _co_signed_by(deputy_condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Some co-signer of the suggestion meets the condition (on `Deputy`)."""
    return exists(
        select(SuggestionCoSigner.id)
        .join(Deputy, Deputy.id == SuggestionCoSigner.deputy_id)
        .where(SuggestionCoSigner.suggestion_id == Suggestion.id, deputy_condition)
    )


def _token_condition(token: str, lead: Any) -> ColumnElement[bool]:
    """One word of the search box: a number (2026-007, or 2026- for the year), a bare sequence
    number, Latin letters (a deputy's pinyin initials or full pinyin), or text (title, content,
    the lead deputy's or a co-signer's name)."""
    number = _NUMBER.match(token)
    if number:
        year = Suggestion.year == int(number.group(1))
        return and_(year, Suggestion.seq == int(number.group(2))) if number.group(2) else year
    if classify_token(token) == "latin":
        low = token.lower()

        def pinyin(person: Any) -> ColumnElement[bool]:
            return or_(person.name_initials.startswith(low, autoescape=True),
                       person.name_pinyin.contains(low, autoescape=True))

        return or_(pinyin(lead), _co_signed_by(pinyin(Deputy)),
                   Suggestion.title.contains(token, autoescape=True))
    choices: list[ColumnElement[bool]] = [
        Suggestion.title.contains(token, autoescape=True),
        Suggestion.content.contains(token, autoescape=True),
        lead.name.contains(token, autoescape=True),
        _co_signed_by(Deputy.name.contains(token, autoescape=True)),
    ]
    if token.isdigit() and len(token) <= 4:
        choices.append(Suggestion.seq == int(token))
    return or_(*choices)


def _base_conditions(query: SuggestionFilter, lead: Any) -> list[ColumnElement[bool]]:
    """Every condition but the tab and the status (the tab counts apply these alone)."""
    conditions: list[ColumnElement[bool]] = []
    if query.category:
        conditions.append(Suggestion.category == query.category)
    if query.lead_unit_id is not None:
        conditions.append(Suggestion.lead_unit_id == query.lead_unit_id)
    if query.deputy_id is not None:
        conditions.append(or_(
            Suggestion.lead_deputy_id == query.deputy_id,
            exists(select(SuggestionCoSigner.id).where(
                SuggestionCoSigner.suggestion_id == Suggestion.id,
                SuggestionCoSigner.deputy_id == query.deputy_id)),
        ))
    if query.result_class is not None:
        conditions.append(Suggestion.result_class == query.result_class)
    if query.overdue_only:
        conditions.append(suggestions.overdue_condition(query.day()))
    if query.submitted_from is not None:
        conditions.append(Suggestion.submitted_on >= query.submitted_from)
    if query.submitted_to is not None:
        conditions.append(Suggestion.submitted_on <= query.submitted_to)
    conditions.extend(_token_condition(token, lead) for token in query.text.split())
    return conditions


def _tab_condition(tab: StatusTab, today: dt.date) -> ColumnElement[bool] | None:
    if tab.overdue:
        return suggestions.overdue_condition(today)
    if tab.statuses:
        return Suggestion.status.in_(sorted(tab.statuses))
    return None


def _conditions(query: SuggestionFilter, lead: Any) -> list[ColumnElement[bool]]:
    found = _base_conditions(query, lead)
    tab = TAB_BY_KEY.get(query.tab)
    if tab is None:
        found.append(false())
    else:
        condition = _tab_condition(tab, query.day())
        if condition is not None:
            found.append(condition)
    if query.status is not None:
        found.append(Suggestion.status == query.status)
    return found


def _filtered(statement: Select[Any], query: SuggestionFilter, base_only: bool = False) -> Select[Any]:
    """The statement over `Suggestion` with the filter's conditions; the lead deputy is joined
    (as an alias, so co-signer subqueries can use `Deputy`) only when the search needs it."""
    lead = aliased(Deputy, name="lead_deputy")
    if query.text.strip():
        statement = statement.join(lead, lead.id == Suggestion.lead_deputy_id)
    where = _base_conditions(query, lead) if base_only else _conditions(query, lead)
    return statement.where(and_(True, *where))


def _ordered_ids(query: SuggestionFilter) -> Select[Any]:
    """Newest number first: the (year, seq) unique index gives this order."""
    return _filtered(select(Suggestion.id), query).order_by(Suggestion.year.desc(), Suggestion.seq.desc())


def search_ids(db: Database, query: SuggestionFilter) -> list[int]:
    """Ids of the matching suggestions, newest number first (for the lazy model)."""
    with db.session() as session:
        return list(session.connection().execute(_ordered_ids(query)).scalars())


def count(db: Database, query: SuggestionFilter) -> int:
    with db.session() as session:
        return int(session.scalar(_filtered(select(func.count(Suggestion.id)), query)) or 0)


def tab_counts(db: Database, query: SuggestionFilter) -> dict[str, int]:
    """Suggestions per tab under the filter's other conditions (its tab and status are ignored):
    one GROUP BY status, the overdue ones counted alongside."""
    overdue = func.sum(case((suggestions.overdue_condition(query.day()), 1), else_=0))
    statement = _filtered(select(Suggestion.status, func.count(Suggestion.id), overdue), query,
                          base_only=True).group_by(Suggestion.status)
    by_status: dict[SuggestionStatus, int] = {}
    overdue_total = 0
    with db.session() as session:
        for status, number, late in session.execute(statement):
            by_status[status] = int(number)
            overdue_total += int(late or 0)
    counts: dict[str, int] = {}
    for tab in TABS:
        if tab.overdue:
            counts[tab.key] = overdue_total
        elif tab.statuses:
            counts[tab.key] = sum(by_status.get(status, 0) for status in tab.statuses)
        else:
            counts[tab.key] = sum(by_status.values())
    return counts


# --- rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionRow:
    """One line of the list."""

    id: int
    number: str
    submitted_on: dt.date
    title: str
    lead_deputy: str
    co_signers: tuple[str, ...]
    category: str
    lead_unit: str
    deadline: dt.date | None
    status: SuggestionStatus
    status_label: str
    result_class: ResultClass | None
    result_letter: str
    satisfaction: Satisfaction | None
    satisfaction_label: str
    overdue: bool
    overdue_days: int

    @property
    def co_signer_count(self) -> int:
        return len(self.co_signers)

    @property
    def co_signers_text(self) -> str:
        """李四、王五, or 李四、王五等5人 when there are more."""
        shown = "、".join(self.co_signers[:CO_SIGNER_NAMES_SHOWN])
        if self.co_signer_count > CO_SIGNER_NAMES_SHOWN:
            return f"{shown}等{self.co_signer_count}人"
        return shown


def _row_statement() -> Select[Any]:
    return (
        select(Suggestion.id, Suggestion.year, Suggestion.seq, Suggestion.submitted_on,
               Suggestion.title, Deputy.name, Suggestion.category, HandlingUnit.name,
               Suggestion.deadline, Suggestion.status, Suggestion.result_class,
               Suggestion.satisfaction)
        .join(Deputy, Deputy.id == Suggestion.lead_deputy_id)
        .outerjoin(HandlingUnit, HandlingUnit.id == Suggestion.lead_unit_id)
    )


def _co_signer_names(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    if not ids:
        return names
    for suggestion_id, name in session.execute(
        select(SuggestionCoSigner.suggestion_id, Deputy.name)
        .join(Deputy, Deputy.id == SuggestionCoSigner.deputy_id)
        .where(SuggestionCoSigner.suggestion_id.in_(list(ids)))
        .order_by(SuggestionCoSigner.id)
    ):
        names.setdefault(suggestion_id, []).append(name)
    return names


def _late(status: SuggestionStatus, deadline: dt.date | None, today: dt.date) -> int:
    """Days past the deadline of a referred, unreplied suggestion (0: in time, or not due)."""
    if status == S.REFERRED and deadline is not None and deadline < today:
        return (today - deadline).days
    return 0


def _make_rows(session: Session, statement: Select[Any], today: dt.date) -> list[SuggestionRow]:
    found = list(session.execute(statement))
    co_signers = _co_signer_names(session, [line[0] for line in found])
    rows = []
    for (suggestion_id, year, seq, submitted_on, title, lead, category, unit, deadline, status,
         result, satisfaction) in found:
        late = _late(status, deadline, today)
        rows.append(SuggestionRow(
            id=suggestion_id, number=f"{year}-{seq:03d}", submitted_on=submitted_on, title=title,
            lead_deputy=lead, co_signers=tuple(co_signers.get(suggestion_id, [])),
            category=category, lead_unit=unit or "", deadline=deadline, status=status,
            status_label=status.label, result_class=result,
            result_letter=result.letter if result is not None else "",
            satisfaction=satisfaction,
            satisfaction_label=satisfaction.label if satisfaction is not None else "",
            overdue=late > 0, overdue_days=late,
        ))
    return rows


def load_rows(db: Database, ids: Sequence[int], today: dt.date | None = None) -> dict[int, SuggestionRow]:
    """The table lines of the given suggestions (one page of the lazy model), in two queries."""
    if not ids:
        return {}
    statement = _row_statement().where(Suggestion.id.in_(list(ids)))
    with db.session() as session:
        return {row.id: row for row in _make_rows(session, statement, today or dt.date.today())}


def page(db: Database, query: SuggestionFilter, offset: int = 0, limit: int = 100) -> list[SuggestionRow]:
    """One page of the list in SQL (OFFSET/LIMIT), in the list's order."""
    matching = _ordered_ids(query).offset(max(offset, 0)).limit(max(limit, 0)).subquery()
    statement = (_row_statement().join(matching, matching.c.id == Suggestion.id)
                 .order_by(Suggestion.year.desc(), Suggestion.seq.desc()))
    with db.session() as session:
        return _make_rows(session, statement, query.day())


# --- choices for the filters --------------------------------------------------------------------


def category_choices(db: Database) -> list[str]:
    """The category filter's and form's entries: the mailbox's editable category list first,
    then any other category a suggestion carries (the form allows free typing)."""
    listed = mailbox.list_choices(db, "category")
    with db.session() as session:
        used = [v for v in session.scalars(
            select(distinct(Suggestion.category)).where(Suggestion.category != "")
            .order_by(Suggestion.category)) if v]
    return listed + [value for value in used if value not in listed]


# --- one suggestion in full ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnitDeadline:
    name: str
    deadline: dt.date | None


@dataclass(frozen=True)
class ContactInfo:
    contacted_on: dt.date
    stage: ContactStage
    kind: ContactKind
    unit: str
    people: str
    note: str
    user: str


@dataclass(frozen=True)
class EventInfo:
    """One step of the timeline with the names the pane shows."""

    at: dt.date
    action: SuggestionAction
    action_label: str
    user: str
    note: str
    reason: str
    lead_unit: str
    assisting_units: tuple[UnitDeadline, ...]
    deadline: dt.date | None
    result_class: ResultClass | None
    satisfaction: Satisfaction | None
    to_status: SuggestionStatus


@dataclass(frozen=True)
class SuggestionDetail:
    """Everything the detail pane shows about one suggestion."""

    id: int
    number: str
    version: int
    submitted_on: dt.date
    title: str
    content: str
    category: str
    status: SuggestionStatus
    lead_deputy_id: int
    lead_deputy: str
    co_signer_ids: tuple[int, ...]
    co_signers: tuple[str, ...]
    opinion_id: int | None
    opinion_number: str
    lead_unit_id: int | None
    lead_unit: str
    deadline: dt.date | None
    overdue: bool
    overdue_days: int
    assisting_units: tuple[UnitDeadline, ...]
    result_class: ResultClass | None
    satisfaction: Satisfaction | None
    tally: suggestions.ContactTally
    contacts: tuple[ContactInfo, ...] = field(default_factory=tuple)
    events: tuple[EventInfo, ...] = field(default_factory=tuple)

    @property
    def last_step_on(self) -> dt.date:
        """The date of the latest step: a new step may not be dated before it."""
        return max((e.at for e in self.events), default=self.submitted_on)


def load_detail(db: Database, suggestion_id: int, today: dt.date | None = None) -> SuggestionDetail:
    """One suggestion with its deputies, units, contacts and every step, oldest first."""
    today = today or dt.date.today()
    with db.session() as session:
        suggestion = session.get(Suggestion, suggestion_id)
        if suggestion is None:
            raise NotFound(f"代表建议不存在（{suggestion_id}）")
        lead = session.get(Deputy, suggestion.lead_deputy_id)
        co_signers = list(session.execute(
            select(SuggestionCoSigner.deputy_id, Deputy.name)
            .join(Deputy, Deputy.id == SuggestionCoSigner.deputy_id)
            .where(SuggestionCoSigner.suggestion_id == suggestion_id)
            .order_by(SuggestionCoSigner.id)))
        opinion = session.get(Opinion, suggestion.opinion_id) if suggestion.opinion_id else None
        events = list(session.scalars(
            select(SuggestionEvent).where(SuggestionEvent.suggestion_id == suggestion_id)
            .order_by(SuggestionEvent.id)))
        assists = list(session.execute(
            select(SuggestionAssistingUnit.event_id, HandlingUnit.name, SuggestionAssistingUnit.deadline)
            .join(HandlingUnit, HandlingUnit.id == SuggestionAssistingUnit.unit_id)
            .where(SuggestionAssistingUnit.suggestion_id == suggestion_id)
            .order_by(SuggestionAssistingUnit.id)))
        contacts = list(session.scalars(
            select(SuggestionContact).where(SuggestionContact.suggestion_id == suggestion_id)
            .order_by(SuggestionContact.contacted_on, SuggestionContact.id)))
        unit_ids = ({e.lead_unit_id for e in events if e.lead_unit_id}
                    | {c.unit_id for c in contacts if c.unit_id}
                    | ({suggestion.lead_unit_id} if suggestion.lead_unit_id else set()))
        units: dict[int, str] = {
            unit_id: name for unit_id, name in session.execute(
                select(HandlingUnit.id, HandlingUnit.name).where(HandlingUnit.id.in_(unit_ids)))}
        by_event: dict[int, list[UnitDeadline]] = {}
        for event_id, name, deadline in assists:
            by_event.setdefault(event_id, []).append(UnitDeadline(name, deadline))
        timeline = tuple(
            EventInfo(at=e.at, action=e.action, action_label=e.action.label, user=e.user,
                      note=e.note, reason=e.reason,
                      lead_unit=units.get(e.lead_unit_id, "") if e.lead_unit_id else "",
                      assisting_units=tuple(by_event.get(e.id, [])), deadline=e.deadline,
                      result_class=e.result_class, satisfaction=e.satisfaction,
                      to_status=e.to_status)
            for e in events)
        latest_refer = next((e.id for e in reversed(events) if e.action == A.REFER), None)
        # A unit's return (退回) clears the lead unit: the assisting units of that 交办 went too.
        current_assists = (tuple(by_event.get(latest_refer, []))
                           if latest_refer is not None and suggestion.lead_unit_id is not None else ())
        late = _late(suggestion.status, suggestion.deadline, today)
        return SuggestionDetail(
            id=suggestion.id, number=suggestion.number, version=suggestion.version,
            submitted_on=suggestion.submitted_on, title=suggestion.title,
            content=suggestion.content, category=suggestion.category, status=suggestion.status,
            lead_deputy_id=suggestion.lead_deputy_id, lead_deputy=lead.name if lead else "",
            co_signer_ids=tuple(d for d, _n in co_signers),
            co_signers=tuple(n for _d, n in co_signers),
            opinion_id=suggestion.opinion_id, opinion_number=opinion.number if opinion else "",
            lead_unit_id=suggestion.lead_unit_id,
            lead_unit=units.get(suggestion.lead_unit_id, "") if suggestion.lead_unit_id else "",
            deadline=suggestion.deadline, overdue=late > 0, overdue_days=late,
            assisting_units=current_assists, result_class=suggestion.result_class,
            satisfaction=suggestion.satisfaction,
            tally=suggestions.contact_tally(contacts),
            contacts=tuple(
                ContactInfo(c.contacted_on, c.stage, c.kind,
                            units.get(c.unit_id, "") if c.unit_id else "", c.people, c.note, c.user)
                for c in contacts),
            events=timeline,
        )
