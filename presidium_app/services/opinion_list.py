"""The list of 社情民意 as the mailbox page shows it: filters, status tabs with their counts, one
page of table rows at a time, and everything about one item for the detail pane.

Counting and filtering happen in SQL, so a township with a hundred thousand items lists, counts
and pages them at once: the page's lazy model asks `search_ids` for the matching ids (one plain
query over indexed columns) and `load_rows` for the rows on screen. `count` and `page` are the
same query for callers that need no ids.

Rows are public-safe: the submitter is masked by `masking.public_submitter` (张*丰 138****5678) and
no ID number is ever read. Full personal data comes only from `load_detail`, for the detail pane
(the office's internal view).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    type_coerce,
)
from sqlalchemy.orm import Session

from presidium_app.domain.deputies import Deputy
from presidium_app.domain.enums import Channel, OpinionAction, OpinionStatus, Satisfaction
from presidium_app.domain.mailbox import (
    HandlingUnit,
    MailboxOpening,
    Opinion,
    OpinionAssistingUnit,
    OpinionEvent,
    Submitter,
)
from presidium_app.services import mailbox
from presidium_app.services.errors import NotFound
from presidium_app.services.masking import mask_name, public_submitter
from presidium_app.storage import search_text
from presidium_app.storage.database import Database

S = OpinionStatus
EXCERPT_CHARS = 60


# --- status tabs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusTab:
    """One tab across the top of the list: the statuses it shows (none: every status), or the
    overdue items (逾期: assigned, past the deadline, not replied)."""

    key: str
    label: str
    statuses: frozenset[OpinionStatus] = frozenset()
    overdue: bool = False
    tip: str = ""


TABS: tuple[StatusTab, ...] = (
    StatusTab("all", "全部", tip="全部条目"),
    StatusTab("to_assign", "待交办", frozenset({S.REGISTERED}), tip="已登记，尚未交办"),
    StatusTab("handling", "办理中", frozenset({S.ASSIGNED}), tip="已交办，等待承办单位答复"),
    StatusTab("overdue", "逾期", frozenset({S.ASSIGNED}), overdue=True,
              tip="已交办，超过办理期限仍未答复"),
    StatusTab("to_follow_up", "待反馈/回访", frozenset({S.REPLIED, S.FED_BACK}),
              tip="已答复待反馈，或已反馈待回访"),
    StatusTab("to_close", "待办结", frozenset({S.FOLLOWED_UP}), tip="已回访，尚未办结"),
    StatusTab("closed", "已办结", frozenset({S.CLOSED}), tip="已办结"),
    StatusTab("out", "不予受理/转信访", frozenset({S.REJECTED, S.REDIRECTED}),
              tip="不予受理或转信访的条目"),
)
TAB_BY_KEY = {tab.key: tab for tab in TABS}


# --- the filter ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpinionFilter:
    """What the list shows. Empty values mean no condition; `today` decides what is overdue
    (None: the real today)."""

    tab: str = "all"
    status: OpinionStatus | None = None
    category: str | None = None
    village: str | None = None
    lead_unit_id: int | None = None
    overdue_only: bool = False
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    text: str = ""
    today: dt.date | None = None

    def day(self) -> dt.date:
        return self.today or dt.date.today()


_NUMBER = re.compile(r"^(\d{4})-(\d{0,6})$")


def _token_condition(token: str, indexed: bool) -> ColumnElement[bool]:
    """One word of the search box: a number (2026-0042), digits (the item's sequence or the tail
    of the submitter's phone), or text (content, submitter's name, village). `indexed`: the
    database has the full-text index (SQLite), which finds the text without reading every item."""
    number = _NUMBER.match(token)
    if number:
        year = Opinion.year == int(number.group(1))
        return and_(year, Opinion.seq == int(number.group(2))) if number.group(2) else year
    words = search_text.phrase(token) if indexed else None
    choices: list[ColumnElement[bool]]
    if words is not None:  # content, village, name and the phone's tail, in the index
        found: Select[Any] = select(literal_column("rowid")).select_from(table("opinion_search")).where(
            literal_column("opinion_search").op("MATCH")(words))
        choices = [Opinion.id.in_(found)]
    else:
        choices = [
            Opinion.content.contains(token, autoescape=True),
            Submitter.name.contains(token, autoescape=True),
            Opinion.village.contains(token, autoescape=True),
        ]
        if token.isdigit():
            choices.append(Submitter.phone.endswith(token, autoescape=True))
    if token.isdigit() and len(token) <= 6:
        choices.append(Opinion.seq == int(token))
    return or_(*choices)


def _base_conditions(query: OpinionFilter, indexed: bool) -> list[ColumnElement[bool]]:
    """Every condition but the tab and the status (the tab counts apply these alone)."""
    conditions: list[ColumnElement[bool]] = []
    if query.category:
        conditions.append(Opinion.category == query.category)
    if query.village:
        conditions.append(Opinion.village == query.village)
    if query.lead_unit_id is not None:
        conditions.append(Opinion.lead_unit_id == query.lead_unit_id)
    if query.overdue_only:
        conditions.append(mailbox.overdue_condition(query.day()))
    if query.received_from is not None:
        conditions.append(Opinion.received_on >= query.received_from)
    if query.received_to is not None:
        conditions.append(Opinion.received_on <= query.received_to)
    conditions.extend(_token_condition(token, indexed) for token in query.text.split())
    return conditions


def _tab_condition(tab: StatusTab, today: dt.date) -> ColumnElement[bool] | None:
    if tab.overdue:
        return mailbox.overdue_condition(today)
    if tab.statuses:
        return Opinion.status.in_(sorted(tab.statuses))
    return None


def conditions(query: OpinionFilter, indexed: bool) -> list[ColumnElement[bool]]:
    """The SQL conditions of a filter (an unknown tab matches nothing)."""
    found = _base_conditions(query, indexed)
    tab = TAB_BY_KEY.get(query.tab)
    if tab is None:
        found.append(false())
    else:
        condition = _tab_condition(tab, query.day())
        if condition is not None:
            found.append(condition)
    if query.status is not None:
        found.append(Opinion.status == query.status)
    return found


def _indexed(db: Database) -> bool:
    """The database has the full-text index of the search box (SQLite: migration 0008)."""
    return db.is_sqlite


def _needs_submitter(query: OpinionFilter, indexed: bool) -> bool:
    """A search word looked for with LIKE reads the submitter's name and phone."""
    return any(not _NUMBER.match(token) and (not indexed or search_text.phrase(token) is None)
               for token in query.text.split())


def _filtered(statement: Select[Any], query: OpinionFilter,
              where: list[ColumnElement[bool]], indexed: bool) -> Select[Any]:
    if _needs_submitter(query, indexed):
        statement = statement.outerjoin(Submitter, Submitter.id == Opinion.submitter_id)
    return statement.where(and_(True, *where))


def _ordered_ids(query: OpinionFilter, indexed: bool) -> Select[Any]:
    """Newest number first: the (year, seq) unique index gives this order."""
    statement = _filtered(select(Opinion.id), query, conditions(query, indexed), indexed)
    return statement.order_by(Opinion.year.desc(), Opinion.seq.desc())


def _driver_rows(session: Session, statement: Select[Any]) -> list[Any]:
    """The rows as the database driver gives them, for columns that need no conversion (ids,
    codes, counts): for the 10^5 ids of a decade, skipping SQLAlchemy's Row objects saves a
    third of the time it takes to open the list."""
    result = session.connection().execute(statement)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def search_ids(db: Database, query: OpinionFilter, offset: int = 0, limit: int | None = None) -> list[int]:
    """Ids of the matching items, newest number first (for the lazy model); `offset` and
    `limit` read a part of them."""
    statement = _ordered_ids(query, _indexed(db))
    if offset or limit is not None:
        statement = statement.offset(offset).limit(limit)
    with db.session() as session:
        return [row[0] for row in _driver_rows(session, statement)]


class MatchingIds:
    """The ids a filter matches, where the page's list takes the ids past its first ones. With
    no condition at all they come in the order of the (year, seq) index, so a page scrolled to is
    one OFFSET/LIMIT read; under a condition the database sorts every match for any part, so
    they are read all at once, the first time, and kept. The day that decides what is overdue
    is fixed when the list is made: a page left open past midnight reads the same list."""

    def __init__(self, db: Database, query: OpinionFilter) -> None:
        self.db = db
        self.query = replace(query, today=query.day())
        self._all: list[int] | None = None

    def slice(self, offset: int, limit: int) -> list[int]:
        if self._all is None and not conditions(self.query, indexed=False):
            return search_ids(self.db, self.query, offset, limit)
        return self.all()[offset:offset + limit]

    def all(self) -> list[int]:
        if self._all is None:
            self._all = search_ids(self.db, self.query)
        return list(self._all)


def count(db: Database, query: OpinionFilter) -> int:
    indexed = _indexed(db)
    statement = _filtered(select(func.count(Opinion.id)), query, conditions(query, indexed), indexed)
    with db.session() as session:
        return int(session.scalar(statement) or 0)


def _counts_by_tab(by_status: dict[OpinionStatus, int], overdue_total: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for tab in TABS:
        if tab.overdue:
            counts[tab.key] = overdue_total
        elif tab.statuses:
            counts[tab.key] = sum(by_status.get(status, 0) for status in tab.statuses)
        else:
            counts[tab.key] = sum(by_status.values())
    return counts


def tab_counts(db: Database, query: OpinionFilter) -> dict[str, int]:
    """Items per tab under the filter's other conditions (its tab and status are ignored): one
    GROUP BY status and one count of the overdue ones, both read from the (status, deadline)
    index without visiting the items when no other condition is set."""
    indexed = _indexed(db)
    base = _base_conditions(query, indexed)
    by_status_statement = _filtered(select(Opinion.status, func.count(Opinion.id)), query, base,
                                    indexed).group_by(Opinion.status)
    overdue_statement = _filtered(select(func.count(Opinion.id)), query,
                                  [*base, mailbox.overdue_condition(query.day())], indexed)
    with db.session() as session:
        by_status = {status: int(number) for status, number in session.execute(by_status_statement)}
        overdue_total = int(session.scalar(overdue_statement) or 0)
    return _counts_by_tab(by_status, overdue_total)


@dataclass(frozen=True)
class ListResult:
    """What the page needs after each keystroke: the ids of the chosen tab (all of them, or only
    the first ones when `total` says there are more), and every tab's count."""

    ids: list[int]
    counts: dict[str, int]
    total: int

    @property
    def complete(self) -> bool:
        return len(self.ids) >= self.total


def _tab_total(db: Database, query: OpinionFilter, counts: dict[str, int]) -> int:
    """How many items the chosen tab lists: its count, unless a status narrows it further."""
    if query.tab not in TAB_BY_KEY:
        return 0
    return count(db, query) if query.status is not None else counts[query.tab]


def list_with_counts(db: Database, query: OpinionFilter, first: int | None = None) -> ListResult:
    """`search_ids` and `tab_counts` together. Without a text search both are index-friendly
    queries, and with `first` only that many ids are read (the rest when the list needs them:
    the page shows a decade's items without reading 10^5 ids first); with a text search, a single
    pass over the matching rows gives every id and the counts, so each letter's content is
    scanned once per keystroke, not twice."""
    if not query.text.strip():
        counts = tab_counts(db, query)
        total = _tab_total(db, query, counts)
        ordered = _ordered_ids(query, _indexed(db))
        with db.session() as session:
            rows = _driver_rows(session, ordered if first is None else ordered.limit(first))
        return ListResult([row[0] for row in rows], counts, total)
    today = query.day()
    tab = TAB_BY_KEY.get(query.tab)
    late = case((mailbox.overdue_condition(today), 1), else_=0)
    # The status as its stored code name: no enum conversion per row.
    code = type_coerce(Opinion.status, String)
    indexed = _indexed(db)
    statement = (_filtered(select(Opinion.id, code, late), query, _base_conditions(query, indexed), indexed)
                 .order_by(Opinion.year.desc(), Opinion.seq.desc()))
    wanted = {s.value for s in tab.statuses} if tab is not None else set()
    only = query.status.value if query.status is not None else None
    ids: list[int] = []
    by_code: dict[str, int] = {}
    overdue_total = 0
    with db.session() as session:
        for opinion_id, status, is_late in _driver_rows(session, statement):
            by_code[status] = by_code.get(status, 0) + 1
            overdue_total += is_late
            if tab is None or (only is not None and status != only):
                continue
            if (tab.overdue and not is_late) or (wanted and status not in wanted):
                continue
            ids.append(opinion_id)
    by_status = {s: by_code.get(s.value, 0) for s in OpinionStatus}
    return ListResult(ids, _counts_by_tab(by_status, overdue_total), len(ids))


# --- rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpinionRow:
    """One line of the list. The submitter is masked (`submitter`: 张*丰 138****5678,
    `submitter_name`: 张*丰, both 匿名 when there is none); the full name and phone are never
    here, nor the ID number."""

    id: int
    number: str
    received_on: dt.date
    channel: Channel
    channel_label: str
    submitter: str
    submitter_name: str
    village: str
    category: str
    excerpt: str
    lead_unit: str
    deadline: dt.date | None
    status: OpinionStatus
    status_label: str
    overdue: bool
    overdue_days: int


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The content on one line, cut with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _row_statement() -> Select[Any]:
    return (
        select(Opinion.id, Opinion.year, Opinion.seq, Opinion.received_on, Opinion.channel,
               Submitter.name, Submitter.phone, Opinion.village, Opinion.category,
               # Only the start of the text: a long letter is never read in full for a list.
               func.substr(Opinion.content, 1, EXCERPT_CHARS * 2), HandlingUnit.name,
               Opinion.deadline, Opinion.status)
        .outerjoin(Submitter, Submitter.id == Opinion.submitter_id)
        .outerjoin(HandlingUnit, HandlingUnit.id == Opinion.lead_unit_id)
    )


def _make_rows(session: Session, statement: Select[Any],
               today: dt.date) -> list[OpinionRow]:
    rows = []
    for (opinion_id, year, seq, received_on, channel, name, phone, village, category, content,
         unit, deadline, status) in session.execute(statement):
        late = status == S.ASSIGNED and deadline is not None and deadline < today
        rows.append(OpinionRow(
            id=opinion_id, number=f"{year}-{seq:04d}", received_on=received_on, channel=channel,
            channel_label=channel.label,
            submitter=public_submitter(name or "", phone or "") if (name or phone) else "匿名",
            submitter_name=mask_name(name or "") or "匿名",
            village=village, category=category, excerpt=excerpt(content or ""),
            lead_unit=unit or "", deadline=deadline, status=status, status_label=status.label,
            overdue=late, overdue_days=(today - deadline).days if late and deadline else 0,
        ))
    return rows


def load_rows(db: Database, ids: Sequence[int], today: dt.date | None = None) -> dict[int, OpinionRow]:
    """The table lines of the given items (one page of the lazy model), in one query."""
    if not ids:
        return {}
    statement = _row_statement().where(Opinion.id.in_(list(ids)))
    with db.session() as session:
        return {row.id: row for row in _make_rows(session, statement, today or dt.date.today())}


def page(db: Database, query: OpinionFilter, offset: int = 0, limit: int = 100) -> list[OpinionRow]:
    """One page of the list in SQL (OFFSET/LIMIT), in the list's order."""
    matching = _ordered_ids(query, _indexed(db)).offset(max(offset, 0)).limit(max(limit, 0)).subquery()
    statement = (_row_statement().join(matching, matching.c.id == Opinion.id)
                 .order_by(Opinion.year.desc(), Opinion.seq.desc()))
    with db.session() as session:
        return _make_rows(session, statement, query.day())


# --- choices for the filters --------------------------------------------------------------------


def filter_choices(db: Database, kind: str) -> list[str]:
    """The village or category filter's entries: the editable list first, then any other value
    items carry (staff may type a village the list does not have yet)."""
    listed = mailbox.list_choices(db, kind)
    with db.session() as session:
        used = list(session.scalars(_distinct_values(kind)))
    return listed + [value for value in used if value not in listed]


def _distinct_values(kind: str) -> Select[Any]:
    """The distinct non-empty villages (or categories) of the items, in order: each next value is
    one step in the column's index (a recursive query), so a dozen villages cost a dozen index
    lookups instead of a pass over 10^5 items. Plain SQL that SQLite and PostgreSQL both run."""
    column = Opinion.village if kind == "village" else Opinion.category
    values = select(func.min(column).label("value")).where(column > "").cte("used_values", recursive=True)
    following = select(func.min(column)).where(column > values.c.value).scalar_subquery()
    values = values.union_all(select(following).where(values.c.value.is_not(None)))
    return select(values.c.value).where(values.c.value.is_not(None)).order_by(values.c.value)


# --- one item in full (the internal view) -------------------------------------------------------


@dataclass(frozen=True)
class AssistingUnitInfo:
    name: str
    deadline: dt.date | None


@dataclass(frozen=True)
class EventInfo:
    """One step of the timeline with the names the pane shows."""

    at: dt.date
    action: OpinionAction
    action_label: str
    user: str
    note: str
    reason: str
    lead_unit: str
    assisting_units: tuple[AssistingUnitInfo, ...]
    deadline: dt.date | None
    satisfaction: Satisfaction | None
    to_status: OpinionStatus


@dataclass(frozen=True)
class OpinionDetail:
    """Everything about one item, the submitter's personal data included: only for the detail
    pane and internal forms, never for lists or public prints."""

    id: int
    number: str
    version: int
    received_on: dt.date
    channel: Channel
    status: OpinionStatus
    village: str
    category: str
    content: str
    anonymous: bool
    submitter_name: str
    submitter_phone: str
    submitter_address: str
    submitter_id_number: str
    receiving_deputy: str
    opening: str
    mailbox_opening_id: int | None
    activity_id: int | None
    lead_unit: str
    lead_unit_id: int | None
    deadline: dt.date | None
    overdue: bool
    overdue_days: int
    assisting_units: tuple[AssistingUnitInfo, ...]
    events: tuple[EventInfo, ...] = field(default_factory=tuple)


def load_detail(db: Database, opinion_id: int, today: dt.date | None = None) -> OpinionDetail:
    """One item with its submitter, units and every step, oldest first (a handful of queries)."""
    today = today or dt.date.today()
    with db.session() as session:
        opinion = session.get(Opinion, opinion_id)
        if opinion is None:
            raise NotFound(f"社情民意条目不存在（{opinion_id}）")
        submitter = opinion.submitter
        deputy = session.get(Deputy, opinion.receiving_deputy_id) if opinion.receiving_deputy_id else None
        opening = (session.get(MailboxOpening, opinion.mailbox_opening_id)
                   if opinion.mailbox_opening_id else None)
        events = list(session.scalars(
            select(OpinionEvent).where(OpinionEvent.opinion_id == opinion_id).order_by(OpinionEvent.id)))
        assists = list(session.execute(
            select(OpinionAssistingUnit.event_id, HandlingUnit.name, OpinionAssistingUnit.deadline)
            .join(HandlingUnit, HandlingUnit.id == OpinionAssistingUnit.unit_id)
            .where(OpinionAssistingUnit.opinion_id == opinion_id)
            .order_by(OpinionAssistingUnit.id)))
        unit_ids = {e.lead_unit_id for e in events if e.lead_unit_id} | (
            {opinion.lead_unit_id} if opinion.lead_unit_id else set())
        units: dict[int, str] = {
            unit_id: name for unit_id, name in session.execute(
                select(HandlingUnit.id, HandlingUnit.name).where(HandlingUnit.id.in_(unit_ids)))}
        by_event: dict[int, list[AssistingUnitInfo]] = {}
        for event_id, name, deadline in assists:
            by_event.setdefault(event_id, []).append(AssistingUnitInfo(name, deadline))
        timeline = tuple(
            EventInfo(at=e.at, action=e.action, action_label=e.action.label, user=e.user,
                      note=e.note, reason=e.reason,
                      lead_unit=units.get(e.lead_unit_id, "") if e.lead_unit_id else "",
                      assisting_units=tuple(by_event.get(e.id, [])), deadline=e.deadline,
                      satisfaction=e.satisfaction, to_status=e.to_status)
            for e in events)
        latest_assign = next((e.id for e in reversed(events) if e.action == OpinionAction.ASSIGN), None)
        # A unit's return (退回) clears the lead unit: the assisting units of that 交办 went too.
        current_assists = (tuple(by_event.get(latest_assign, []))
                           if latest_assign is not None and opinion.lead_unit_id is not None else ())
        late = mailbox.is_overdue(opinion, today)
        return OpinionDetail(
            id=opinion.id, number=opinion.number, version=opinion.version,
            received_on=opinion.received_on, channel=opinion.channel, status=opinion.status,
            village=opinion.village, category=opinion.category, content=opinion.content,
            anonymous=submitter is None,
            submitter_name=submitter.name if submitter else "",
            submitter_phone=submitter.phone if submitter else "",
            submitter_address=submitter.address if submitter else "",
            submitter_id_number=(submitter.id_number or "") if submitter else "",
            receiving_deputy=deputy.name if deputy else "",
            opening=(f"{opening.opened_on.isoformat()} {opening.opened_by_1}、{opening.opened_by_2}"
                     f"开箱（共{opening.item_count}件）") if opening else "",
            mailbox_opening_id=opinion.mailbox_opening_id, activity_id=opinion.activity_id,
            lead_unit=units.get(opinion.lead_unit_id, "") if opinion.lead_unit_id else "",
            lead_unit_id=opinion.lead_unit_id, deadline=opinion.deadline, overdue=late,
            overdue_days=(today - opinion.deadline).days if late and opinion.deadline else 0,
            assisting_units=current_assists, events=timeline,
        )
