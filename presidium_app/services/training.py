"""Training (学习培训, DOMAIN.md §6): the annual plan, its sessions, holding a session, and who has
not been trained this term.

A session is planned with a month (always) and a date once the day is known. Holding it records an
activity of type 学习培训 with its attendance (the same `add_activity_in_session` as the activity
form), linked from the session, so hours and coverage always come from the records. The plan's
hours stay on the session; the activity holds when, where and who. Holding is refused in the
future, outside the plan's year, with nobody, or with someone not serving that day (reckoned as
the activity form's tick list reckons it, `activities.serving_periods`), and a session is held
once.

Not trained this term: serving in the current term on the given day, and present (出席) at no
学习培训 activity dated in the term's years, whether or not it came from a plan.

A held session cannot be removed from the plan: its attendance is a record of what deputies did
and the plan entry is what explains it. To undo a holding entered by mistake, delete the training
activity (代表活动): the link is cleared by the database (ON DELETE SET NULL), the session is
planned again and may then be removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.deputies import Deputy, DeputyGroup
from presidium_app.domain.enums import ActivityType, Attendance, TrainingForm
from presidium_app.domain.township import Township
from presidium_app.domain.training import TrainingPlan, TrainingSession
from presidium_app.services import activities
from presidium_app.services.activities import ActivityInput, ParticipantInput, tidy_text
from presidium_app.services.audit import Actor, check_version, unit_of_work
from presidium_app.services.errors import NotFound, ValidationFailed
from presidium_app.services.rules import (
    current_term,
    serving_mandates,
    term_for_year,
    term_window,
)
from presidium_app.storage.database import Database

FIELD_LABELS = {
    "year": "年度", "title": "计划名称", "goals": "培训目标", "planned_month": "计划月份",
    "planned_date": "日期", "topic": "主题", "form": "形式", "speaker": "主讲人",
    "place": "地点", "hours": "学时", "audience": "培训对象", "held_on": "举办日期",
    "participants": "参训代表",
}
MAX_HOURS = 100.0


def default_title(year: int, township_name: str) -> str:
    return f"{year}年度{township_name}人大代表学习培训计划"


def organiser_name(session: Session) -> str:
    """镇人大主席团 with the township's name (青山镇人大主席团), as printed on notices."""
    town = session.get(Township, 1)
    return f"{town.name}人大主席团" if town is not None else "镇人大主席团"


# --- records ------------------------------------------------------------------------------------


@dataclass
class SessionInput:
    """One session as the form or a ledger row gives it. With `planned_date`, the month is the
    date's month; without, the day is not fixed yet."""

    planned_month: int
    topic: str
    form: TrainingForm = TrainingForm.LECTURE
    planned_date: dt.date | None = None
    speaker: str = ""
    place: str = ""
    hours: float = 0.0
    audience: str = ""


@dataclass(frozen=True)
class SessionRecord:
    id: int
    plan_id: int
    data: SessionInput
    version: int
    activity_id: int | None = None
    held_on: dt.date | None = None
    held_place: str = ""
    present: int = 0
    excused: int = 0
    absent: int = 0

    @property
    def held(self) -> bool:
        return self.activity_id is not None

    @property
    def when(self) -> str:
        """The date as staff write it: the held or planned day, else the month."""
        day = self.held_on or self.data.planned_date
        if day is not None:
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{self.data.planned_month}月"


@dataclass(frozen=True)
class PlanCoverage:
    """How far the plan has come: sessions and hours held, and deputies trained by it out of
    those serving (current term, at the end of the plan's year or today)."""

    sessions_planned: int
    sessions_held: int
    hours_planned: float
    hours_held: float
    deputies_trained: int
    deputies_total: int


@dataclass(frozen=True)
class PlanRecord:
    id: int
    year: int
    title: str
    goals: str
    version: int
    sessions: list[SessionRecord] = field(default_factory=list)
    coverage: PlanCoverage | None = None


@dataclass(frozen=True)
class PlanSummary:
    id: int
    year: int
    title: str
    sessions_planned: int
    sessions_held: int
    hours_held: float


@dataclass(frozen=True)
class UntrainedDeputy:
    deputy_id: int
    mandate_id: int
    name: str
    group: str


# --- validation ---------------------------------------------------------------------------------


def validate_session(data: SessionInput, year: int) -> SessionInput:
    """The input trimmed (month taken from the date), or ValidationFailed naming each field."""
    errors: dict[str, str] = {}
    topic = tidy_text(data.topic)
    if not topic:
        errors["topic"] = "请填写培训主题"
    elif len(topic) > 200:
        errors["topic"] = "主题过长（最多200字）"
    month = data.planned_month
    if data.planned_date is not None:
        if data.planned_date.year != year:
            errors["planned_date"] = f"日期应在{year}年内（本计划的年度）"
        month = data.planned_date.month
    elif not 1 <= month <= 12:
        errors["planned_month"] = "计划月份应为1到12"
    if not 0 <= data.hours <= MAX_HOURS:
        errors["hours"] = f"学时应在0到{MAX_HOURS:g}之间"
    texts = {"speaker": 80, "place": 120, "audience": 120}
    cleaned = {name: tidy_text(getattr(data, name)) for name in texts}
    for name, limit in texts.items():
        if len(cleaned[name]) > limit:
            errors[name] = f"{FIELD_LABELS[name]}过长（最多{limit}字）"
    if errors:
        raise ValidationFailed(errors)
    return replace(data, topic=topic, planned_month=month, hours=round(float(data.hours), 2),
                   speaker=cleaned["speaker"], place=cleaned["place"],
                   audience=cleaned["audience"])


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": "年度不合理"})


def _plan_snapshot(plan: TrainingPlan) -> dict[str, Any]:
    return {"year": plan.year, "title": plan.title, "goals": plan.goals}


def _session_snapshot(row: TrainingSession) -> dict[str, Any]:
    return {c: getattr(row, c) for c in (
        "plan_id", "planned_month", "planned_date", "topic", "form", "speaker", "place", "hours",
        "audience", "activity_id")}


def _same_session(session: Session, plan_id: int, data: SessionInput,
                  except_id: int | None = None) -> TrainingSession | None:
    """A session of the plan with the same topic and the same day (or the same month, for one
    whose day is not fixed): the identity the training ledger uses."""
    statement = select(TrainingSession).where(
        TrainingSession.plan_id == plan_id, TrainingSession.topic == data.topic)
    if data.planned_date is not None:
        statement = statement.where(TrainingSession.planned_date == data.planned_date)
    else:
        statement = statement.where(TrainingSession.planned_date.is_(None),
                                    TrainingSession.planned_month == data.planned_month)
    if except_id is not None:
        statement = statement.where(TrainingSession.id != except_id)
    return session.scalar(statement)


def apply_session(row: TrainingSession, data: SessionInput) -> None:
    """Copy a validated input onto a session (used by the form and the ledger)."""
    for name in ("planned_month", "planned_date", "topic", "form", "speaker", "place", "hours",
                 "audience"):
        setattr(row, name, getattr(data, name))


# --- plans --------------------------------------------------------------------------------------


def create_plan(db: Database, actor: Actor, year: int, title: str = "", goals: str = "") -> int:
    """A new annual plan; one per year. A blank title becomes 2026年度青山镇人大代表学习培训计划."""
    _check_year(year)
    title, goals = tidy_text(title), str(goals or "").strip()
    if len(title) > 120:
        raise ValidationFailed({"title": "计划名称过长（最多120字）"})
    with unit_of_work(db, actor, "training_plan.add", "training_plan") as change:
        session = change.session
        if session.scalar(select(TrainingPlan.id).where(TrainingPlan.year == year)) is not None:
            raise ValidationFailed({"year": f"{year}年度已有学习培训计划，请直接修改"})
        if not title:
            town = session.get(Township, 1)
            title = default_title(year, town.name if town else "")
        plan = TrainingPlan(year=year, title=title, goals=goals)
        session.add(plan)
        session.flush()
        change.object_id, change.summary = plan.id, f"新建学习培训计划：{title}"
        change.after = _plan_snapshot(plan)
        return plan.id


def update_plan(db: Database, actor: Actor, plan_id: int, title: str, goals: str,
                version: int | None = None) -> None:
    """Save the plan's title and goals (the year stays: its sessions are dated in it)."""
    title, goals = tidy_text(title), str(goals or "").strip()
    if not title:
        raise ValidationFailed({"title": "请填写计划名称"})
    if len(title) > 120:
        raise ValidationFailed({"title": "计划名称过长（最多120字）"})
    with unit_of_work(db, actor, "training_plan.update", "training_plan") as change:
        plan = change.session.get(TrainingPlan, plan_id)
        if plan is None:
            raise NotFound("该学习培训计划已不存在")
        check_version(plan.version, version)
        change.before = _plan_snapshot(plan)
        plan.title, plan.goals = title, goals
        change.object_id, change.summary = plan_id, f"修改学习培训计划：{title}"
        change.after = _plan_snapshot(plan)


def remove_plan(db: Database, actor: Actor, plan_id: int) -> None:
    """Delete a plan entered by mistake; refused while any of its sessions is held."""
    with unit_of_work(db, actor, "training_plan.remove", "training_plan") as change:
        plan = change.session.get(TrainingPlan, plan_id)
        if plan is None:
            raise NotFound("该学习培训计划已不存在")
        held = sum(1 for s in plan.sessions if s.activity_id is not None)
        if held:
            raise ValidationFailed({"plan": f"该计划已有{held}场培训举办并记入活动记录，不能删除"})
        change.before = _plan_snapshot(plan)
        change.object_id, change.summary = plan_id, f"删除学习培训计划：{plan.title}"
        change.session.delete(plan)


def _plan_query(year: int | None, plan_id: int | None) -> Any:
    statement = select(TrainingPlan).options(
        selectinload(TrainingPlan.sessions).selectinload(TrainingSession.activity)
        .selectinload(Activity.participations))
    if plan_id is not None:
        return statement.where(TrainingPlan.id == plan_id)
    return statement.where(TrainingPlan.year == year)


def _session_record(row: TrainingSession) -> SessionRecord:
    data = SessionInput(
        planned_month=row.planned_month, topic=row.topic, form=row.form,
        planned_date=row.planned_date, speaker=row.speaker, place=row.place, hours=row.hours,
        audience=row.audience)
    activity = row.activity
    if activity is None:
        return SessionRecord(row.id, row.plan_id, data, row.version)
    tally = {a: 0 for a in Attendance}
    for p in activity.participations:
        tally[p.attendance] += 1
    return SessionRecord(
        row.id, row.plan_id, data, row.version, activity.id, activity.activity_date,
        activity.place, tally[Attendance.PRESENT], tally[Attendance.EXCUSED],
        tally[Attendance.ABSENT])


def get_plan(db: Database, year: int | None = None, *, plan_id: int | None = None) -> PlanRecord:
    """The plan of `year` (or by id) with its sessions in calendar order and its coverage."""
    if year is None and plan_id is None:
        raise ValueError("get_plan needs a year or a plan id")
    with db.session() as session:
        plan = session.scalar(_plan_query(year, plan_id))
        if plan is None:
            raise NotFound(f"{year}年度还没有学习培训计划" if plan_id is None
                           else "该学习培训计划已不存在")
        sessions = sorted(plan.sessions, key=lambda s: (
            (s.activity.activity_date if s.activity else s.planned_date)
            or dt.date(plan.year, s.planned_month, 28), s.id))
        records = [_session_record(s) for s in sessions]
        coverage = _coverage(session, plan, records)
        return PlanRecord(plan.id, plan.year, plan.title, plan.goals, plan.version, records,
                          coverage)


def find_plan(db: Database, year: int) -> PlanRecord | None:
    """The plan of `year`, or None when there is none yet."""
    try:
        return get_plan(db, year)
    except NotFound:
        return None


def list_plans(db: Database) -> list[PlanSummary]:
    """Every plan, newest year first, with its sessions planned and held counted in SQL."""
    held_hours = func.sum(case((TrainingSession.activity_id.isnot(None), TrainingSession.hours),
                               else_=0.0))
    statement = (
        select(TrainingPlan.id, TrainingPlan.year, TrainingPlan.title,
               func.count(TrainingSession.id), func.count(TrainingSession.activity_id), held_hours)
        .outerjoin(TrainingSession, TrainingSession.plan_id == TrainingPlan.id)
        .group_by(TrainingPlan.id, TrainingPlan.year, TrainingPlan.title)
        .order_by(TrainingPlan.year.desc())
    )
    with db.session() as session:
        return [PlanSummary(pid, year, title, planned, held, float(hours or 0))
                for pid, year, title, planned, held, hours in session.execute(statement)]


def _coverage(session: Session, plan: TrainingPlan, records: list[SessionRecord]) -> PlanCoverage:
    on = min(dt.date.today(), dt.date(plan.year, 12, 31))
    term = term_for_year(session, plan.year)
    serving = select(serving_mandates(term.id, on).subquery().c.deputy_id) if term else None
    total = trained = 0
    if serving is not None:
        total = session.scalar(select(func.count()).select_from(serving.subquery())) or 0
        trained = session.scalar(
            select(func.count(func.distinct(Participation.deputy_id)))
            .join(TrainingSession, TrainingSession.activity_id == Participation.activity_id)
            .where(TrainingSession.plan_id == plan.id,
                   Participation.attendance == Attendance.PRESENT,
                   Participation.deputy_id.in_(serving))) or 0
    held = [r for r in records if r.held]
    return PlanCoverage(
        sessions_planned=len(records), sessions_held=len(held),
        hours_planned=round(sum(r.data.hours for r in records), 2),
        hours_held=round(sum(r.data.hours for r in held), 2),
        deputies_trained=trained, deputies_total=total)


def plan_coverage(db: Database, plan_id: int) -> PlanCoverage:
    record = get_plan(db, plan_id=plan_id)
    assert record.coverage is not None
    return record.coverage


# --- sessions -----------------------------------------------------------------------------------


def add_session(db: Database, actor: Actor, plan_id: int, data: SessionInput) -> int:
    """Plan one more session; the same topic on the same day (or month) twice is refused."""
    with unit_of_work(db, actor, "training_session.add", "training_session") as change:
        session = change.session
        plan = session.get(TrainingPlan, plan_id)
        if plan is None:
            raise NotFound("该学习培训计划已不存在")
        data = validate_session(data, plan.year)
        if _same_session(session, plan_id, data) is not None:
            raise ValidationFailed({"topic": "本计划中已有同一日期、同一主题的场次"})
        row = TrainingSession(plan_id=plan_id)
        apply_session(row, data)
        session.add(row)
        session.flush()
        change.object_id, change.summary = row.id, f"新增培训场次：{data.topic}"
        change.after = _session_snapshot(row)
        return row.id


def update_session(db: Database, actor: Actor, session_id: int, data: SessionInput,
                   version: int | None = None) -> None:
    """Save a session. For a held one, its activity's topic follows the new topic, so the plan
    and the record never disagree."""
    with unit_of_work(db, actor, "training_session.update", "training_session") as change:
        session = change.session
        row = session.get(TrainingSession, session_id)
        if row is None:
            raise NotFound("该培训场次已不存在")
        check_version(row.version, version)
        data = validate_session(data, row.plan.year)
        if _same_session(session, row.plan_id, data, except_id=row.id) is not None:
            raise ValidationFailed({"topic": "本计划中已有同一日期、同一主题的场次"})
        change.before = _session_snapshot(row)
        apply_session(row, data)
        if row.activity is not None and row.activity.topic != data.topic:
            row.activity.topic = data.topic
        change.object_id, change.summary = row.id, f"修改培训场次：{data.topic}"
        change.after = _session_snapshot(row)


def remove_session(db: Database, actor: Actor, session_id: int) -> None:
    """Delete a planned session; a held one is refused (see the module's docstring)."""
    with unit_of_work(db, actor, "training_session.remove", "training_session") as change:
        row = change.session.get(TrainingSession, session_id)
        if row is None:
            raise NotFound("该培训场次已不存在")
        if row.activity_id is not None:
            raise ValidationFailed({"session": (
                "该场次已举办，出勤已记入代表活动，不能删除；如系误录，请先在代表活动中删除这次培训活动")})
        change.before = _session_snapshot(row)
        change.object_id, change.summary = row.id, f"删除培训场次：{row.topic}"
        change.session.delete(row)


def check_serving(session: Session, deputy_ids: list[int], on: dt.date) -> list[str]:
    """Names of the deputies not serving on `on` (by the same reckoning as the activity form's
    tick list, `activities.serving_periods`): they cannot have attended as deputies."""
    if not deputy_ids:
        return []
    periods = activities.serving_periods(session)
    ok = {p.deputy_id for p in periods if p.serves_on(on)}
    missing = [i for i in deputy_ids if i not in ok]
    if not missing:
        return []
    return list(session.scalars(select(Deputy.name).where(Deputy.id.in_(missing))
                                .order_by(Deputy.name_pinyin)))


def hold_in_session(session: Session, row: TrainingSession, held_on: dt.date,
                    participants: list[ParticipantInput], place: str | None = None,
                    summary: str = "") -> Activity:
    """Record a session as held, inside the caller's unit of work (the form and the ledger)."""
    if row.activity_id is not None:
        raise ValidationFailed(
            {"session": "该场次已经举办过，不能重复举办；如需修改出勤，请在代表活动中修改"})
    errors: dict[str, str] = {}
    if held_on.year != row.plan.year:
        errors["held_on"] = f"举办日期应在{row.plan.year}年内（本计划的年度）"
    elif held_on > dt.date.today():
        errors["held_on"] = "举办日期不能晚于今天；尚未举办的场次请保留为计划"
    if not participants:
        errors["participants"] = "请选择参训代表"
    absent = check_serving(session, [p.deputy_id for p in participants], held_on)
    if absent and "participants" not in errors:
        errors["participants"] = f"{'、'.join(absent[:5])}在{held_on:%Y-%m-%d}不是在任代表"
    if errors:
        raise ValidationFailed(errors)
    data = activities.validate_input(ActivityInput(
        type=ActivityType.TRAINING, activity_date=held_on, topic=row.topic,
        place=row.place if place is None else place, organiser=organiser_name(session),
        summary=summary, participants=participants))
    activity = activities.add_activity_in_session(session, data)
    row.activity_id = activity.id
    row.activity = activity
    session.flush()
    return activity


def hold_session(db: Database, actor: Actor, session_id: int, held_on: dt.date,
                 participants: list[ParticipantInput], place: str | None = None,
                 summary: str = "", version: int | None = None) -> int:
    """Hold a planned session: one unit of work records the 学习培训 activity with attendance and
    links it to the session. Returns the activity id. A session is held once. `version` is the
    one the form was opened with (a session changed meanwhile is a Conflict)."""
    with unit_of_work(db, actor, "training_session.hold", "training_session") as change:
        row = change.session.get(TrainingSession, session_id)
        if row is None:
            raise NotFound("该培训场次已不存在")
        if row.activity_id is None:  # held meanwhile: hold_in_session says so, more plainly
            check_version(row.version, version)
        change.before = _session_snapshot(row)
        activity = hold_in_session(change.session, row, held_on, participants, place, summary)
        present = sum(1 for p in participants if p.attendance == Attendance.PRESENT)
        change.object_id = row.id
        change.summary = f"举办培训：{row.topic}（{held_on:%Y-%m-%d}，出席{present}人）"
        change.after = {**_session_snapshot(row), "activity": activities.snapshot(activity)}
        return activity.id


# --- who has not been trained -------------------------------------------------------------------


def _untrained_query(session: Session, on: dt.date) -> Any:
    term = current_term(session)
    if term is None:
        return None
    start, end = term_window(term, on)
    trained = (
        select(Participation.deputy_id)
        .join(Activity, Activity.id == Participation.activity_id)
        .where(Activity.type == ActivityType.TRAINING,
               Participation.attendance == Attendance.PRESENT,
               Activity.activity_date.between(start, end))
    )
    serving = serving_mandates(term.id, on).subquery()
    return select(serving).where(serving.c.deputy_id.not_in(trained))


def untrained_this_term(db: Database, on: dt.date | None = None) -> list[UntrainedDeputy]:
    """Deputies serving in the current term on `on` (default today) who attended (出席) no
    training activity dated within the term's years, by pinyin of the name."""
    on = on or dt.date.today()
    with db.session() as session:
        statement = _untrained_query(session, on)
        if statement is None:
            return []
        groups = {g.id: g.name for g in session.scalars(select(DeputyGroup))}
        rows = session.execute(statement.order_by("name_pinyin", "deputy_id")).mappings()
        return [UntrainedDeputy(r["deputy_id"], r["id"], r["name"],
                                groups.get(r["group_id"] or 0, "")) for r in rows]


def untrained_count(db: Database, on: dt.date | None = None) -> int:
    """How many `untrained_this_term` lists, counted in SQL."""
    on = on or dt.date.today()
    with db.session() as session:
        statement = _untrained_query(session, on)
        if statement is None:
            return 0
        return session.scalar(select(func.count()).select_from(statement.subquery())) or 0
