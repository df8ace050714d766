"""What several documents read: the township, an activity with its people, a training session, and
the objects a document can be printed for. Read-only: sessions are opened and closed here, and the
documents get plain dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.deputies import Deputy, DeputyGroup, Mandate
from presidium_app.domain.enums import ActivityType, AttachmentKind, Attendance
from presidium_app.domain.mailbox import Opinion
from presidium_app.domain.suggestions import Suggestion
from presidium_app.domain.training import TrainingPlan, TrainingSession
from presidium_app.printing.model import UnknownDocument, cn_date, cn_time, cn_weekday
from presidium_app.services import activities, attachments, township
from presidium_app.services.errors import NotFound
from presidium_app.services.rules import term_for_year, year_window
from presidium_app.storage.database import Database


@dataclass(frozen=True)
class Town:
    name: str  # 青山镇
    full_name: str  # 临川县青山镇
    office: str  # 青山镇人大主席团


def town(db: Database) -> Town:
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
            return [(i, f"{year}-{seq:03d} {d.isoformat()} {_short(c)}") for i, seq, d, c in rows]
        if needs == "suggestion":
            rows = session.execute(
                select(Suggestion.id, Suggestion.seq, Suggestion.submitted_on, Suggestion.title)
                .where(Suggestion.year == year)
                .order_by(Suggestion.submitted_on.desc(), Suggestion.id.desc()))
            return [(i, f"{year}-{seq:03d} {d.isoformat()} {t}") for i, seq, d, t in rows]
    if needs == "deputy":
        serving = activities.invitable_deputies(db, min(last, dt.date.today()) if first <= dt.date.today()
                                                else last)
        return [(d.deputy_id, f"{d.display_name or d.name}（{d.group_name}）" if d.group_name
                 else d.display_name or d.name) for d in serving]
    return []


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
