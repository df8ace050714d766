"""Deputy activities (代表活动): record one with its invited deputies and their attendance.

`add_activity_in_session` is the one place an activity is built, used by the form, the ledger
import and "hold this training session", so every path checks the same things. The same activity
is the same date, type and topic (spec/ledgers.md), so no path may record it twice.

The activities page is a lazy table over ids, like the roster: `search_ids` gives the ids of a
query (newest first), `load_rows` one page of lines with their attendance counted in SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from presidium_app.domain.activities import Activity, Attachment, Participation
from presidium_app.domain.deputies import Deputy, DeputyGroup, LiaisonStation, Mandate
from presidium_app.domain.enums import ActivityType, Attendance, DeputyLevel, Satisfaction
from presidium_app.domain.township import Term
from presidium_app.domain.validators import InvalidValue, normalize_text
from presidium_app.services.attachments import discard_unused_files
from presidium_app.services.audit import Actor, check_version, unit_of_work
from presidium_app.services.errors import NotFound, ValidationFailed
from presidium_app.storage.database import Database


@dataclass
class ParticipantInput:
    deputy_id: int
    attendance: Attendance = Attendance.PRESENT
    spoke: bool = False
    rating: Satisfaction | None = None
    note: str = ""


@dataclass
class ActivityInput:
    type: ActivityType
    activity_date: dt.date
    topic: str
    place: str = ""
    organiser: str = ""
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    other_participants: str = ""
    voters_count: int = 0
    summary: str = ""
    opinions_raised: str = ""
    follow_up: str = ""
    group_id: int | None = None
    station_id: int | None = None
    participants: list[ParticipantInput] = field(default_factory=list)


FIELD_LABELS = {
    "type": "活动类型", "activity_date": "活动日期", "topic": "主题", "place": "地点",
    "organiser": "组织单位", "start_time": "开始时间", "end_time": "结束时间",
    "other_participants": "其他参加人员", "voters_count": "选民人数", "summary": "内容摘要",
    "opinions_raised": "意见建议", "follow_up": "后续跟踪", "group_id": "代表小组",
    "station_id": "联络站", "participants": "参加代表",
}

# The columns of an activity kept as they are typed (the snapshot and `_apply` share them).
_COLUMNS = ("type", "activity_date", "start_time", "end_time", "place", "topic", "organiser",
            "other_participants", "voters_count", "summary", "opinions_raised", "follow_up",
            "group_id", "station_id")


_WIDE_ALNUM = {code: code - 0xFEE0 for code in (
    *range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}


def tidy_text(value: object) -> str:
    """A one-line text as staff mean it: full-width digits and letters half-width, runs of spaces
    one, ends trimmed; Chinese punctuation（，：“”）stays, as it is printed in the binder."""
    text = str(value or "").translate(_WIDE_ALNUM).replace("\u3000", " ")
    return re.sub(r"\s+", " ", text).strip()


def validate_input(data: ActivityInput) -> ActivityInput:
    """The input trimmed, or ValidationFailed naming each wrong field."""
    errors: dict[str, str] = {}
    topic = tidy_text(data.topic)
    if not topic:
        errors["topic"] = "请填写活动主题"
    elif len(topic) > 200:
        errors["topic"] = "主题过长（最多200字）"
    if not dt.date(2000, 1, 1) <= data.activity_date <= dt.date.today() + dt.timedelta(days=366):
        errors["activity_date"] = "活动日期不合理"
    if data.start_time and data.end_time and data.end_time <= data.start_time:
        errors["end_time"] = "结束时间应晚于开始时间"
    if data.voters_count < 0:
        errors["voters_count"] = "选民人数不能为负数"
    if len(tidy_text(data.place)) > 120:
        errors["place"] = "地点过长（最多120字）"
    if len(tidy_text(data.organiser)) > 120:
        errors["organiser"] = "组织单位过长（最多120字）"
    seen: set[int] = set()
    for participant in data.participants:
        if participant.deputy_id in seen:
            errors["participants"] = "同一代表在名单中出现了两次"
        seen.add(participant.deputy_id)
        if participant.rating is not None and data.type != ActivityType.DUTY_REPORT:
            errors["participants"] = "只有代表述职活动才有选民测评"
    if errors:
        raise ValidationFailed(errors)
    return replace(
        data,
        topic=topic,
        place=tidy_text(data.place),
        organiser=tidy_text(data.organiser),
        other_participants=str(data.other_participants or "").strip(),
        summary=str(data.summary or "").strip(),
        opinions_raised=str(data.opinions_raised or "").strip(),
        follow_up=str(data.follow_up or "").strip(),
    )


def snapshot(activity: Activity) -> dict[str, Any]:
    """The activity as the audit log keeps it (before/after)."""
    data = {c: getattr(activity, c) for c in _COLUMNS}
    data["participants"] = sorted(
        (p.deputy_id, p.attendance.value, p.spoke, p.rating.value if p.rating else None)
        for p in activity.participations)
    return data


def find_same_activity(
    session: Session, activity_date: dt.date, type: ActivityType, topic: str,
    exclude_id: int | None = None,
) -> int | None:
    """The id of the activity with this date, type and topic (the ledger's identity), if any."""
    statement = select(Activity.id).where(
        Activity.activity_date == activity_date, Activity.type == type.value,
        Activity.topic == topic).order_by(Activity.id)
    if exclude_id is not None:
        statement = statement.where(Activity.id != exclude_id)
    return session.scalar(statement.limit(1))


def _check_references(session: Session, data: ActivityInput, activity_id: int | None = None) -> None:
    errors: dict[str, str] = {}
    if data.group_id is not None and session.get(DeputyGroup, data.group_id) is None:
        errors["group_id"] = "所选代表小组不存在"
    if data.station_id is not None and session.get(LiaisonStation, data.station_id) is None:
        errors["station_id"] = "所选联络站不存在"
    ids = [p.deputy_id for p in data.participants]
    if ids:
        found = set(session.scalars(select(Deputy.id).where(Deputy.id.in_(ids))))
        if len(found) != len(set(ids)):
            errors["participants"] = "名单中有代表已不在名册中，请刷新后重试"
    if find_same_activity(session, data.activity_date, data.type, data.topic, activity_id):
        errors["topic"] = (f"{data.activity_date.isoformat()}已有主题相同的{data.type.label}活动，"
                           "请勿重复录入（可打开原记录修改）")
    if errors:
        raise ValidationFailed(errors)


def _apply(activity: Activity, data: ActivityInput) -> None:
    for name in _COLUMNS:
        setattr(activity, name, getattr(data, name))
    existing = {p.deputy_id: p for p in activity.participations}
    wanted = {p.deputy_id: p for p in data.participants}
    for deputy_id, old in existing.items():
        if deputy_id not in wanted:
            activity.participations.remove(old)
    for deputy_id, p in wanted.items():
        row = existing.get(deputy_id)
        if row is None:
            row = Participation(deputy_id=deputy_id)
            activity.participations.append(row)
        row.attendance, row.spoke, row.rating, row.note = p.attendance, p.spoke, p.rating, p.note


def add_activity_in_session(session: Session, data: ActivityInput) -> Activity:
    """Build an activity inside the caller's unit of work (data must be validated)."""
    _check_references(session, data)
    activity = Activity()
    _apply(activity, data)
    session.add(activity)
    session.flush()
    return activity


def update_activity_in_session(session: Session, activity: Activity, data: ActivityInput) -> bool:
    """Save validated data over an activity inside the caller's unit of work; False (and nothing
    touched, not even the version) when the data say what the record already says."""
    before = snapshot(activity)
    _apply(activity, data)
    if snapshot(activity) == before:
        return False
    # Attendance lives in child rows; mark the activity itself changed so its version moves and
    # a second editor's stale save is refused.
    flag_modified(activity, "topic")
    session.flush()
    return True


def add_activity(db: Database, actor: Actor, data: ActivityInput) -> int:
    data = validate_input(data)
    with unit_of_work(db, actor, "activity.add", "activity") as change:
        activity = add_activity_in_session(change.session, data)
        change.object_id = activity.id
        change.summary = f"新增{data.type.label}：{data.topic}"
        change.after = snapshot(activity)
        return activity.id


def update_activity(
    db: Database, actor: Actor, activity_id: int, data: ActivityInput, version: int | None = None
) -> None:
    """Save the form; `version` is the one it was opened with (a stale save is a Conflict)."""
    data = validate_input(data)
    with unit_of_work(db, actor, "activity.update", "activity") as change:
        activity = change.session.get(Activity, activity_id)
        if activity is None:
            raise NotFound("该活动已不存在（可能已被他人删除）")
        check_version(activity.version, version)
        _check_references(change.session, data, activity_id)
        change.before = snapshot(activity)
        update_activity_in_session(change.session, activity, data)
        change.object_id = activity_id
        change.summary = f"修改{data.type.label}：{data.topic}"
        change.after = snapshot(activity)


def remove_activity(db: Database, actor: Actor, activity_id: int) -> None:
    """Delete an activity recorded by mistake, with its attendance and attachments; the files go
    too unless another activity's attachment has the same content."""
    with unit_of_work(db, actor, "activity.remove", "activity") as change:
        activity = change.session.get(Activity, activity_id)
        if activity is None:
            raise NotFound("该活动已不存在")
        stored = [a.stored_name for a in activity.attachments]
        change.before = {**snapshot(activity), "attachments": stored}
        change.object_id = activity_id
        change.summary = f"删除{activity.type.label}：{activity.topic}"
        change.session.delete(activity)
    discard_unused_files(db, stored)


@dataclass(frozen=True)
class ActivityRecord:
    id: int
    data: ActivityInput
    version: int
    attachment_ids: list[int]


def get_activity(db: Database, activity_id: int) -> ActivityRecord:
    with db.session() as session:
        a = session.get(Activity, activity_id)
        if a is None:
            raise NotFound("该活动已不存在")
        return ActivityRecord(a.id, activity_input(a), a.version, [x.id for x in a.attachments])


def activity_input(a: Activity) -> ActivityInput:
    """What the form shows for a stored activity (participants in deputy id order)."""
    participants = [
        ParticipantInput(p.deputy_id, p.attendance, p.spoke, p.rating, p.note)
        for p in sorted(a.participations, key=lambda p: p.deputy_id)
    ]
    return ActivityInput(
        type=a.type, activity_date=a.activity_date, topic=a.topic, place=a.place,
        organiser=a.organiser, start_time=a.start_time, end_time=a.end_time,
        other_participants=a.other_participants, voters_count=a.voters_count,
        summary=a.summary, opinions_raised=a.opinions_raised, follow_up=a.follow_up,
        group_id=a.group_id, station_id=a.station_id, participants=participants,
    )


# --- search and the lazy table ------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityQuery:
    """Search text and filters of the activities page.

    `text`: every word must occur in the topic, place, organiser or summary. `deputy_id`: the
    deputy was invited (whatever the attendance). `group_id`: activities recorded for that deputy
    group (its meetings). Dates are inclusive.
    """

    text: str = ""
    type: ActivityType | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    deputy_id: int | None = None
    group_id: int | None = None


@dataclass(frozen=True)
class ActivityRow:
    """One line of the activities table; the counts come from SQL, not from loaded objects."""

    id: int
    date: dt.date
    type: ActivityType
    type_label: str
    topic: str
    place: str
    organiser: str
    invited: int
    present: int
    excused: int
    absent: int
    attachments: int


def _conditions(query: ActivityQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.type is not None:
        conditions.append(Activity.type == query.type.value)
    if query.date_from is not None:
        conditions.append(Activity.activity_date >= query.date_from)
    if query.date_to is not None:
        conditions.append(Activity.activity_date <= query.date_to)
    if query.group_id is not None:
        conditions.append(Activity.group_id == query.group_id)
    if query.deputy_id is not None:
        conditions.append(Activity.id.in_(
            select(Participation.activity_id).where(Participation.deputy_id == query.deputy_id)
            .correlate(None)))
    for token in normalize_text(query.text).split():
        # autoescape: a typed % or _ is a character, not a LIKE wildcard.
        conditions.append(or_(*(column.contains(token, autoescape=True) for column in (
            Activity.topic, Activity.place, Activity.organiser, Activity.summary))))
    return conditions


def search_ids(db: Database, query: ActivityQuery) -> list[int]:
    """Ids of the activities matching the query, newest first (then the latest entered first)."""
    statement = (select(Activity.id).where(and_(True, *_conditions(query)))
                 .order_by(Activity.activity_date.desc(), Activity.id.desc()))
    with db.session() as session:
        # Plain rows, not ORM results: thousands of ids per keystroke.
        return list(session.connection().execute(statement).scalars())


def count(db: Database, query: ActivityQuery) -> int:
    statement = select(func.count()).select_from(Activity).where(and_(True, *_conditions(query)))
    with db.session() as session:
        return session.scalar(statement) or 0


def load_rows(db: Database, ids: list[int]) -> dict[int, ActivityRow]:
    """The table lines of the given activities (one page of the lazy model), in one query: the
    attendance and attachment counts are grouped in SQL over just these ids."""
    if not ids:
        return {}

    def counted(attendance: Attendance) -> ColumnElement[int]:
        return func.sum(case((Participation.attendance == attendance.value, 1), else_=0))

    people = (
        select(Participation.activity_id.label("activity_id"), func.count().label("invited"),
               counted(Attendance.PRESENT).label("present"),
               counted(Attendance.EXCUSED).label("excused"),
               counted(Attendance.ABSENT).label("absent"))
        .where(Participation.activity_id.in_(ids)).group_by(Participation.activity_id).subquery()
    )
    files = (
        select(Attachment.activity_id.label("activity_id"), func.count().label("files"))
        .where(Attachment.activity_id.in_(ids)).group_by(Attachment.activity_id).subquery()
    )
    statement = (
        select(Activity.id, Activity.activity_date, Activity.type, Activity.topic, Activity.place,
               Activity.organiser, people.c.invited, people.c.present, people.c.excused,
               people.c.absent, files.c.files)
        .outerjoin(people, people.c.activity_id == Activity.id)
        .outerjoin(files, files.c.activity_id == Activity.id)
        .where(Activity.id.in_(ids))
    )
    rows: dict[int, ActivityRow] = {}
    with db.session() as session:
        for (activity_id, date, kind, topic, place, organiser, invited, present, excused, absent,
             attachments) in session.connection().execute(statement):
            rows[activity_id] = ActivityRow(
                id=activity_id, date=date, type=kind, type_label=kind.label, topic=topic,
                place=place, organiser=organiser, invited=invited or 0, present=present or 0,
                excused=excused or 0, absent=absent or 0, attachments=attachments or 0,
            )
    return rows


# --- who can be invited ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ServingPeriod:
    """One mandate as a span of days: from its election (or its term's first year) to the day it
    ended (left, or the next term elected); None is open."""

    deputy_id: int
    name: str
    id_tail: str
    name_pinyin: str
    group_id: int | None
    group_name: str
    station_id: int | None
    term_ordinal: int
    start: dt.date | None
    end: dt.date | None
    township_level: bool = True  # sits in the township congress (not only a county/city deputy)

    def serves_on(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


def serving_periods(session: Session) -> list[ServingPeriod]:
    """Every mandate of the roster as a serving period (three queries, for the tick list and for
    the demo, which asks for thousands of dates).

    A term that is not the current one ends the day before the next term's first election, or at
    the end of its last year when no later term is on record; the current term stays open.
    """
    terms = list(session.execute(select(Term.id, Term.ordinal, Term.start_year, Term.end_year,
                                        Term.is_current)))
    first_elected: dict[int, dt.date | None] = {
        term_id: elected for term_id, elected in session.execute(
            select(Mandate.term_id, func.min(Mandate.elected_on)).group_by(Mandate.term_id))}
    by_ordinal = {t.ordinal: t for t in terms}
    ends: dict[int, dt.date | None] = {}
    starts: dict[int, dt.date | None] = {}
    ordinals: dict[int, int] = {}
    for term in terms:
        ordinals[term.id] = term.ordinal
        starts[term.id] = dt.date(term.start_year, 1, 1) if term.start_year else None
        following = by_ordinal.get(term.ordinal + 1)
        next_start = first_elected.get(following.id) if following is not None else None
        if next_start is not None:
            ends[term.id] = next_start - dt.timedelta(days=1)
        elif not term.is_current and term.end_year:
            ends[term.id] = dt.date(term.end_year, 12, 31)
        else:
            ends[term.id] = None
    statement = (
        select(Mandate.deputy_id, Deputy.name, Deputy.id_number, Deputy.name_pinyin,
               Mandate.group_id, DeputyGroup.name, Mandate.station_id, Mandate.term_id,
               Mandate.elected_on, Mandate.left_on, Mandate.levels_text)
        .join(Deputy, Deputy.id == Mandate.deputy_id)
        .outerjoin(DeputyGroup, DeputyGroup.id == Mandate.group_id)
        .order_by(Mandate.id)
    )
    periods = []
    for (deputy_id, name, id_number, pinyin, group_id, group_name, station_id, term_id,
         elected_on, left_on, levels) in session.execute(statement):
        end = ends[term_id]
        if left_on is not None and (end is None or left_on < end):
            end = left_on
        periods.append(ServingPeriod(
            deputy_id, name, (id_number or "")[-4:], pinyin, group_id, group_name or "",
            station_id, ordinals[term_id], elected_on or starts[term_id], end,
            f",{DeputyLevel.TOWNSHIP.value}," in levels))
    return periods


@dataclass(frozen=True)
class InvitableDeputy:
    """A deputy who can be ticked for an activity on a given date. `display_name` carries the
    last four ID characters when two invitable deputies share a name: 王伟(1234)."""

    deputy_id: int
    name: str
    group_name: str
    group_id: int | None = None
    station_id: int | None = None
    display_name: str = ""


def invitable_deputies(
    db: Database, on: dt.date, group_id: int | None = None
) -> list[InvitableDeputy]:
    """Deputies whose mandate was serving on that date, in pinyin order; with `group_id`, only
    that group's members ("everyone in group X"). A deputy left on the very day still counts."""
    with db.session() as session:
        periods = serving_periods(session)
    chosen: dict[int, ServingPeriod] = {}
    for period in periods:
        if not period.serves_on(on):
            continue
        known = chosen.get(period.deputy_id)
        if known is None or period.term_ordinal > known.term_ordinal:
            chosen[period.deputy_id] = period
    found = [p for p in chosen.values() if group_id is None or p.group_id == group_id]
    found.sort(key=lambda p: (p.name_pinyin, p.deputy_id))
    names: dict[str, int] = defaultdict(int)
    for p in found:
        names[p.name] += 1
    return [
        InvitableDeputy(
            p.deputy_id, p.name, p.group_name, p.group_id, p.station_id,
            f"{p.name}({p.id_tail})" if names[p.name] > 1 and p.id_tail else p.name)
        for p in found
    ]


# --- names as staff write them ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Known:
    deputy_id: int
    tail: str


class RosterNames:
    """The roster's names, to turn what staff write (王伟, 王伟(1234)) into exactly one deputy, and
    a deputy back into what to write. Loaded once (one query) for a whole ledger."""

    def __init__(self, session: Session) -> None:
        self._by_name: dict[str, list[_Known]] = defaultdict(list)
        self._names: dict[int, str] = {}
        self._tails: dict[int, str] = {}
        rows = session.execute(select(Deputy.id, Deputy.name, Deputy.id_number).order_by(Deputy.id))
        for deputy_id, name, id_number in rows:
            tail = (id_number or "")[-4:].upper()
            self._by_name[name].append(_Known(deputy_id, tail))
            self._names[deputy_id] = name
            self._tails[deputy_id] = tail

    def find(self, name: str, id_tail: str | None = None) -> list[int]:
        """Deputies of that name (and, when given, with that ID tail)."""
        known = self._by_name.get(name, [])
        if id_tail:
            known = [k for k in known if k.tail == id_tail.upper()]
        return [k.deputy_id for k in known]

    def resolve(self, name: str, id_tail: str | None = None) -> int:
        """Exactly one deputy, or InvalidValue telling staff what to write."""
        matches = self.find(name, id_tail)
        if len(matches) == 1:
            return matches[0]
        everyone = self._by_name.get(name, [])
        if not everyone:
            raise InvalidValue(f"“{name}”不是名册中的代表，请核对姓名（或先录入代表名册）")
        if id_tail and not matches:
            raise InvalidValue(f"名册中没有身份证号后四位为{id_tail}的{name}，请核对")
        if id_tail:
            raise InvalidValue(f"名册中有{len(matches)}位身份证号后四位为{id_tail}的{name}，无法区分")
        examples = "、".join(f"{name}({k.tail})" for k in everyone if k.tail)
        hint = f"，如：{examples}" if examples else ""
        raise InvalidValue(
            f"名册中有{len(everyone)}位{name}，请在姓名后加身份证号后四位以区分，写成“{name}(后四位)”{hint}")

    def is_ambiguous(self, name: str) -> bool:
        return len(self._by_name.get(name, [])) > 1

    def label(self, deputy_id: int) -> str:
        """What to write for a deputy: the name, with (后四位) only when the name alone is
        ambiguous in the roster, so the text resolves back to the same deputy."""
        name = self._names[deputy_id]
        tail = self._tails[deputy_id]
        return f"{name}({tail})" if self.is_ambiguous(name) and tail else name


def find_deputies_by_name(session: Session, name: str, id_tail: str | None = None) -> list[int]:
    """Ids of the deputies called `name` (and whose ID number ends with `id_tail`, when given)."""
    statement = select(Deputy.id).where(Deputy.name == normalize_text(name)).order_by(Deputy.id)
    if id_tail:
        statement = statement.where(Deputy.id_number.endswith(id_tail.upper()))
    return list(session.scalars(statement))


# --- the seam for the mailbox (社情民意信箱) ----------------------------------------------------------


@dataclass(frozen=True)
class RaisedOpinion:
    """One opinion raised at an activity, as the mailbox will register it (channel 来访: voters
    came to the station). `deputy_ids` are the deputies present, candidates for 接收代表."""

    activity_id: int
    received_on: dt.date
    content: str
    deputy_ids: tuple[int, ...]
    station_id: int | None
    channel: str = "来访"


_ITEM_MARK = re.compile(r"^\s*(?:[0-9０-９]+|[一二三四五六七八九十]+)[.、．)）]\s*")


def raised_opinions(db: Database, activity_id: int) -> list[RaisedOpinion]:
    """The opinions raised at an activity, one per line or numbered item of `opinions_raised`.

    This is the seam the mailbox (next issue) hooks: "register into the mailbox" on a voter
    reception calls this and turns each item into an opinion of its own, keeping the activity's
    text as it is. Nothing here writes.
    """
    with db.session() as session:
        activity = session.get(Activity, activity_id)
        if activity is None:
            raise NotFound("该活动已不存在")
        present = tuple(sorted(p.deputy_id for p in activity.participations
                               if p.attendance == Attendance.PRESENT))
        items = [_ITEM_MARK.sub("", line).strip() for line in activity.opinions_raised.splitlines()]
        return [RaisedOpinion(activity.id, activity.activity_date, item, present, activity.station_id)
                for item in items if item]
