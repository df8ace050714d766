"""What several documents read: the township, an activity with its people, a training session, and
the objects a document can be printed for. Read-only: sessions are opened and closed here, and the
documents get plain dataclasses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.deputies import Deputy, DeputyGroup, Mandate
from presidium_app.domain.enums import ActivityType, AttachmentKind, Attendance, OpinionStatus
from presidium_app.domain.mailbox import Opinion
from presidium_app.domain.suggestions import Suggestion
from presidium_app.domain.training import TrainingPlan, TrainingSession
from presidium_app.printing.model import UnknownDocument, cn_date, cn_time, cn_weekday
from presidium_app.services import activities, attachments, opinion_list, township
from presidium_app.services.errors import NotFound
from presidium_app.services.masking import mask_name, public_submitter
from presidium_app.services.rules import term_for_year, year_window
from presidium_app.storage.database import Database

T = TypeVar("T")
_SHARED: ContextVar[dict[Hashable, object] | None] = ContextVar("shared_lookups", default=None)


@contextmanager
def shared_lookups() -> Iterator[None]:
    """Within the block, the lookups several documents make of one object (the township, an
    activity, an opinion) are read once. The binder builds the notice, sign-in sheet and record of
    each activity and four forms of each opinion: without this it read them 1,000 times over."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _shared(key: Hashable, load: Callable[[], T]) -> T:
    memo = _SHARED.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]  # type: ignore[return-value]


@dataclass(frozen=True)
class Town:
    name: str  # 青山镇
    full_name: str  # 临川县青山镇
    office: str  # 青山镇人大主席团


def town(db: Database) -> Town:
    return _shared("town", lambda: _town(db))


def _town(db: Database) -> Town:
    try:
        info = township.get_township(db)
    except NotFound:
        return Town("", "", "镇人大主席团")
    return Town(info.name, info.full_name, f"{info.name}人大主席团")


NO_GROUP = 1 << 30


@dataclass(frozen=True)
class Person:
    deputy_id: int
    name: str
    group: str  # 代表小组, else the workplace
    attendance: Attendance | None = None
    note: str = ""
    group_order: int = NO_GROUP  # the group's id: groups in the order they were set up


@dataclass(frozen=True)
class ActivityFacts:
    id: int
    type: ActivityType
    date: dt.date
    start: dt.time | None
    end: dt.time | None
    place: str
    topic: str
    organiser: str
    other_participants: str
    voters_count: int
    summary: str
    opinions_raised: str
    follow_up: str
    group_name: str
    people: list[Person] = field(default_factory=list)
    photos: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def when(self) -> str:
        """2026年3月5日（星期四）9:00至11:30"""
        text = f"{cn_date(self.date)}（{cn_weekday(self.date)}）"
        if self.start and self.end:
            return f"{text}{cn_time(self.start)}至{cn_time(self.end)}"
        if self.start:
            return f"{text}{cn_time(self.start)}"
        return text

    def with_attendance(self, attendance: Attendance) -> list[Person]:
        return [p for p in self.people if p.attendance == attendance]


def _group_names(session: Session, deputy_ids: list[int], on: dt.date) -> dict[int, tuple[str, int]]:
    """Each deputy's group (name, id) in the term of `on` (else any term), or their workplace."""
    if not deputy_ids:
        return {}
    term = term_for_year(session, on.year)
    rows = session.execute(
        select(Mandate.deputy_id, Mandate.term_id, DeputyGroup.name, DeputyGroup.id, Deputy.workplace)
        .join(Deputy, Deputy.id == Mandate.deputy_id)
        .outerjoin(DeputyGroup, DeputyGroup.id == Mandate.group_id)
        .where(Mandate.deputy_id.in_(deputy_ids)).order_by(Mandate.term_id))
    names: dict[int, tuple[str, int]] = {}
    for deputy_id, term_id, group, group_id, workplace in rows:
        if deputy_id not in names or (term is not None and term_id == term.id):
            names[deputy_id] = (group or workplace or "", group_id if group else NO_GROUP)
    for deputy_id, workplace in session.execute(
            select(Deputy.id, Deputy.workplace).where(Deputy.id.in_(deputy_ids))):
        names.setdefault(deputy_id, (workplace or "", NO_GROUP))
    return names


def _sorted_people(people: list[Person], pinyin: dict[int, str]) -> list[Person]:
    """By group, then by pinyin: how a sign-in sheet is read out."""
    return sorted(people, key=lambda p: (p.group_order, pinyin.get(p.deputy_id, ""), p.deputy_id))


def _people(session: Session, participations: list[Participation], on: dt.date) -> list[Person]:
    groups = _group_names(session, [p.deputy_id for p in participations], on)
    pinyin = {p.deputy_id: p.deputy.name_pinyin for p in participations}
    people = []
    for p in participations:
        group, order = groups.get(p.deputy_id, ("", NO_GROUP))
        people.append(Person(p.deputy_id, p.deputy.name, group, p.attendance, p.note, order))
    return _sorted_people(people, pinyin)


def activity_facts(db: Database, activity_id: int | None, *, with_photos: bool = False) -> ActivityFacts:
    if activity_id is None:
        raise UnknownDocument("须指定活动（--id）")
    return _shared(("activity", activity_id, with_photos),
                   lambda: _activity_facts(db, activity_id, with_photos))


def _activity_facts(db: Database, activity_id: int, with_photos: bool) -> ActivityFacts:
    with db.session() as session:
        activity = session.scalar(
            select(Activity).where(Activity.id == activity_id)
            .options(selectinload(Activity.participations).selectinload(Participation.deputy)))
        if activity is None:
            raise UnknownDocument(f"没有编号为 {activity_id} 的活动")
        people = _people(session, list(activity.participations), activity.activity_date)
        facts = ActivityFacts(
            activity.id, activity.type, activity.activity_date, activity.start_time, activity.end_time,
            activity.place, activity.topic, activity.organiser, activity.other_participants,
            activity.voters_count, activity.summary, activity.opinions_raised, activity.follow_up,
            activity.group.name if activity.group else "", people)
    if with_photos:
        folder = attachments.attachments_dir(db)
        for info in attachments.list_attachments(db, activity_id):
            if info.kind == AttachmentKind.PHOTO:
                facts.photos.append((folder / info.stored_name, info.caption or info.original_name))
    return facts


@dataclass(frozen=True)
class SessionFacts:
    id: int
    year: int
    plan_title: str
    topic: str
    form: str
    speaker: str
    place: str
    hours: float
    audience: str
    date: dt.date | None
    month: int
    held: bool
    start: dt.time | None
    end: dt.time | None
    people: list[Person]

    @property
    def when(self) -> str:
        if self.date is None:
            return f"{self.year}年{self.month}月"
        text = f"{cn_date(self.date)}（{cn_weekday(self.date)}）"
        if self.start and self.end:
            text += f"{cn_time(self.start)}至{cn_time(self.end)}"
        return text


def session_facts(db: Database, session_id: int | None) -> SessionFacts:
    """A training session with the deputies to sign: those recorded when it was held, else every
    deputy serving on its day (or at the end of its month)."""
    if session_id is None:
        raise UnknownDocument("须指定培训场次（--id）")
    with db.session() as session:
        row = session.get(TrainingSession, session_id)
        if row is None:
            raise UnknownDocument(f"没有编号为 {session_id} 的培训场次")
        plan = session.get(TrainingPlan, row.plan_id)
        assert plan is not None
        activity = row.activity
        day = activity.activity_date if activity else row.planned_date
        start = activity.start_time if activity else None
        end = activity.end_time if activity else None
        place = (activity.place if activity and activity.place else row.place)
        held_people: list[Person] = []
        if activity is not None:
            held_people = _people(session, list(activity.participations), activity.activity_date)
        facts = SessionFacts(
            id=row.id, year=plan.year, plan_title=plan.title, topic=row.topic, form=row.form.label,
            speaker=row.speaker, place=place, hours=row.hours, audience=row.audience, date=day,
            month=row.planned_month, held=activity is not None, start=start, end=end,
            people=held_people)
    if not facts.held:
        invited = activities.invitable_deputies(db, day or _month_end(facts.year, facts.month))
        people = [Person(d.deputy_id, d.display_name or d.name, d.group_name, None, "",
                         d.group_id if d.group_id is not None else NO_GROUP) for d in invited]
        people.sort(key=lambda p: p.group_order)  # stable: pinyin within a group
        facts.people.extend(people)
    return facts


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def object_choices(db: Database, needs: str, year: int) -> list[tuple[int, str]]:
    """(id, label) of what a document of `needs` can be printed for in `year`, newest first."""
    first, last = year_window(year)
    with db.session() as session:
        if needs == "activity":
            rows = session.execute(
                select(Activity.id, Activity.activity_date, Activity.type, Activity.topic)
                .where(Activity.activity_date.between(first, last))
                .order_by(Activity.activity_date.desc(), Activity.id.desc()))
            return [(i, f"{d.isoformat()} {t.label} {topic}") for i, d, t, topic in rows]
        if needs == "training-session":
            found = session.scalars(
                select(TrainingSession).join(TrainingPlan, TrainingPlan.id == TrainingSession.plan_id)
                .where(TrainingPlan.year == year).options(selectinload(TrainingSession.activity)))
            sessions = []
            for s in found:
                day = s.activity.activity_date if s.activity else s.planned_date
                label = day.isoformat() if day else f"{year}-{s.planned_month:02d}"
                sessions.append((day or _month_end(year, s.planned_month), s.id, f"{label} {s.topic}"))
            sessions.sort(key=lambda item: (item[0], item[1]), reverse=True)
            return [(i, label) for _day, i, label in sessions]
        if needs == "opinion":
            rows = session.execute(
                select(Opinion.id, Opinion.seq, Opinion.received_on, Opinion.content)
                .where(Opinion.year == year).order_by(Opinion.received_on.desc(), Opinion.id.desc()))
            return [(i, f"{year}-{seq:04d} {d.isoformat()} {_short(c)}") for i, seq, d, c in rows]
        if needs == "suggestion":
            rows = session.execute(
                select(Suggestion.id, Suggestion.seq, Suggestion.submitted_on, Suggestion.title)
                .where(Suggestion.year == year)
                .order_by(Suggestion.submitted_on.desc(), Suggestion.id.desc()))
            return [(i, f"{year}-{seq:03d} {d.isoformat()} {t}") for i, seq, d, t in rows]
    if needs == "month":
        return month_choices(year)
    if needs == "deputy":
        serving = activities.invitable_deputies(db, min(last, dt.date.today()) if first <= dt.date.today()
                                                else last)
        return [(d.deputy_id, f"{d.display_name or d.name}（{d.group_name}）" if d.group_name
                 else d.display_name or d.name) for d in serving]
    return []


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the mailbox documents (社情民意) -------------------------------------------------------------


def month_choices(year: int, today: dt.date | None = None) -> list[tuple[int, str]]:
    """The months of `year` a monthly document can be printed for, newest first: every month of a
    past year, the months begun so far of the current one."""
    today = today or dt.date.today()
    last = today.month if year == today.year else (0 if year > today.year else 12)
    return [(month, f"{month}月") for month in range(last, 0, -1)]


def opinion_detail(db: Database, opinion_id: int | None) -> opinion_list.OpinionDetail:
    """One opinion with its submitter, units and every step (the internal view: documents that
    are not internal mask the submitter with `masked_submitter`)."""
    if opinion_id is None:
        raise UnknownDocument("须指定社情民意条目（--id）")
    try:
        return _shared(("opinion", opinion_id), lambda: opinion_list.load_detail(db, opinion_id))
    except NotFound:
        raise UnknownDocument(f"没有编号为 {opinion_id} 的社情民意条目") from None


def masked_submitter(detail: opinion_list.OpinionDetail, *, phone: bool = True) -> str:
    """The submitter as a document outside the office shows it (services.masking): 张*丰
    138****5678, the name alone without `phone`, 匿名 for an anonymous item."""
    if detail.anonymous or not (detail.submitter_name or detail.submitter_phone):
        return "匿名"
    if not phone:
        return mask_name(detail.submitter_name) or "匿名"
    return public_submitter(detail.submitter_name, detail.submitter_phone)


def opinion_choices(db: Database, year: int, statuses: frozenset[OpinionStatus]) -> list[tuple[int, str]]:
    """(id, label) of the year's opinions in one of `statuses`, newest first."""
    with db.session() as session:
        rows = session.execute(
            select(Opinion.id, Opinion.year, Opinion.seq, Opinion.received_on, Opinion.content)
            .where(Opinion.year == year, Opinion.status.in_(sorted(statuses)))
            .order_by(Opinion.received_on.desc(), Opinion.id.desc()))
        return [(i, f"{y}-{seq:04d} {d.isoformat()} {_short(c)}") for i, y, seq, d, c in rows]


def cn_date_or_blank(day: dt.date | None) -> str:
    return cn_date(day) if day is not None else ""


class CheckBoxes(Flowable):
    """A row of tick boxes, "☐ 满意　☑ 基本满意　☐ 不满意": the boxes and the tick are drawn, not
    set as characters (few Chinese fonts carry ☐ and ☑); the labels are text."""

    def __init__(self, options: list[str], chosen: str | None, font: str, size: float) -> None:
        super().__init__()
        self.options = options
        self.chosen = chosen
        self.font = font
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.size * 1.5
        return availWidth, self.height

    def draw(self) -> None:
        canvas, size = self.canv, self.size
        baseline = self.height / 2 - size * 0.36
        box = size * 0.9
        bottom = baseline - size * 0.12
        x = 0.0
        canvas.saveState()
        canvas.setFont(self.font, size)
        for label in self.options:
            canvas.setLineWidth(0.8)
            canvas.rect(x, bottom, box, box, stroke=1, fill=0)
            if label == self.chosen:
                canvas.setLineWidth(1.6)
                path = canvas.beginPath()
                path.moveTo(x + box * 0.18, bottom + box * 0.52)
                path.lineTo(x + box * 0.42, bottom + box * 0.22)
                path.lineTo(x + box * 0.85, bottom + box * 0.86)
                canvas.drawPath(path, stroke=1, fill=0)
            x += box + size * 0.3
            canvas.drawString(x, baseline, label)
            x += stringWidth(label, self.font, size) + size * 2
        canvas.restoreState()


class CutLine(Flowable):
    """A dashed line across the frame with a word in its middle: where a receipt is torn off."""

    def __init__(self, text: str, font: str, size: float, space: float) -> None:
        super().__init__()
        self.text = text
        self.font = font
        self.size = size
        self.space = space

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.size * 1.4 + 2 * self.space
        return availWidth, self.height

    def draw(self) -> None:
        canvas, middle = self.canv, self.height / 2
        text_width = stringWidth(self.text, self.font, self.size)
        gap = self.size
        left_end = (self.width - text_width) / 2 - gap
        canvas.saveState()
        canvas.setLineWidth(0.6)
        canvas.setDash(4, 3)
        canvas.line(0, middle, left_end, middle)
        canvas.line(self.width - left_end, middle, self.width, middle)
        canvas.setFont(self.font, self.size)
        canvas.drawCentredString(self.width / 2, middle - self.size * 0.36, self.text)
        canvas.restoreState()


class PageMark(Flowable):
    """A mark of no size that notes the page it lands on (`page`, after the document is built):
    a document can tell whether its closing went onto a page of its own and lay out again."""

    def __init__(self) -> None:
        super().__init__()
        self.page: int | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self.page = int(self.canv.getPageNumber())
