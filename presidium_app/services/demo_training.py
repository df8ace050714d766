"""示范数据: the demo township's annual training plans, this year's about half held.

Each plan obeys the rules the training services enforce (sessions validated by
`training.validate_session`; a held session is an activity of type 学习培训, validated by the
activity form's rules, with the attendance of the township deputies serving on its day, of either
term, linked to the session as `training.hold_in_session` links it). A few deputies never come
(busy, far away), so the office sees who has not been trained this term. The demo writes a year's
plan in the unit of work of the year's activities (`fill_plan`); `fill_training` writes one alone.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from presidium_app.domain.enums import ActivityType, Attendance, TrainingForm
from presidium_app.domain.township import Township
from presidium_app.domain.training import TrainingPlan, TrainingSession
from presidium_app.services import activities, training
from presidium_app.services.activities import ActivityInput, ParticipantInput, serving_periods
from presidium_app.services.audit import Actor, unit_of_work
from presidium_app.services.demo_activities import write_inputs
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.services.training import SessionInput
from presidium_app.storage.database import Database

NEVER_ATTEND_SHARE = 0.08  # deputies who skip every session, so some remain untrained
FIELD_TRIP_SHARE = 0.35  # a field trip takes a bus, not the whole congress


@dataclass(frozen=True)
class _Template:
    month: int
    day: int
    topic: str
    form: TrainingForm
    speaker: str
    place: str  # {town} is the township's name
    hours: float
    audience: str
    summary: str
    optional: bool = False


TEMPLATES: tuple[_Template, ...] = (
    _Template(2, 26, "宪法和代表法学习", TrainingForm.LECTURE, "县人大常委会法制工作委员会负责同志",
              "{town}人民政府三楼会议室", 3.0, "全体镇人大代表",
              "系统学习宪法和代表法关于代表权利义务的规定，结合本镇实际讲解代表如何依法履职。"),
    _Template(3, 20, "代表建议撰写方法", TrainingForm.SEMINAR, "县人大常委会代表工作委员会负责同志",
              "{town}人大代表之家", 2.0, "全体镇人大代表",
              "讲解代表建议的选题、调研和撰写要求，点评往年优秀建议和不规范建议各三件。"),
    _Template(4, 17, "乡村振兴政策解读", TrainingForm.SEMINAR, "镇党委副书记",
              "{town}人民政府三楼会议室", 2.0, "全体镇人大代表",
              "解读中央和省市关于全面推进乡村振兴的政策，介绍本镇产业发展和人居环境整治安排。"),
    _Template(5, 22, "预算审查监督基础", TrainingForm.LECTURE, "县财政局预算股负责同志",
              "{town}人民政府三楼会议室", 3.0, "全体镇人大代表",
              "介绍乡镇财政预决算的编制、执行和调整，讲解代表审查预算报告的重点和方法。"),
    _Template(6, 19, "外出考察学习", TrainingForm.FIELD_TRIP, "镇人大主席带队",
              "邻县示范乡镇人大代表之家", 8.0, "各代表小组组长及部分代表",
              "赴邻县示范乡镇考察代表之家建设、民生实事项目票决和代表述职评议的做法。",
              optional=True),
    _Template(7, 16, "代表履职与联系选民", TrainingForm.VIDEO, "全国人大代表履职学习网络课程",
              "{town}人大代表之家", 2.0, "全体镇人大代表",
              "集中观看代表履职网络课程，交流进站接待选民、收集社情民意的做法。", optional=True),
    _Template(8, 27, "生态环境保护法律法规", TrainingForm.SEMINAR, "县生态环境局执法大队负责同志",
              "{town}人民政府三楼会议室", 2.0, "全体镇人大代表",
              "学习环境保护法、水污染防治法的主要规定，结合本镇河道和养殖污染问题开展讨论。",
              optional=True),
    _Template(9, 24, "民生实事项目票决制度", TrainingForm.LECTURE, "镇人大主席",
              "{town}人民政府三楼会议室", 2.0, "全体镇人大代表",
              "讲解民生实事项目征集、票决、监督和评估的程序，部署下一年度项目征集工作。",
              optional=True),
    _Template(10, 22, "安全生产和防灾减灾知识", TrainingForm.SEMINAR, "镇应急管理办公室负责同志",
              "{town}人民政府三楼会议室", 2.0, "全体镇人大代表",
              "学习安全生产法和防汛防地质灾害知识，明确代表在隐患排查中的监督作用。"),
    _Template(11, 19, "代表述职评议要点", TrainingForm.LECTURE, "镇人大副主席",
              "{town}人大代表之家", 2.0, "全体镇人大代表",
              "讲解代表向选民述职的内容、程序和评议方式，安排年底述职工作。"),
)


def _goals(year: int, town: str) -> str:
    return (
        f"围绕提高代表依法履职能力，{year}年组织{town}人大代表开展学习培训，做到新当选和补选代表"
        "全员培训、其他代表每年至少参加一次集中学习。通过学习宪法和代表法、政策解读、业务讲座和外出"
        "考察，使代表熟悉履职程序，掌握建议撰写、预算审查和联系选民的基本方法，提升审议发言和"
        "视察调研的质量。"
    )


def _weekday(day: dt.date) -> dt.date:
    """Trainings are held on working days: a Saturday or Sunday moves to the Friday before."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _attendance(rng: random.Random, never: bool) -> Attendance:
    if never:
        return Attendance.EXCUSED if rng.random() < 0.6 else Attendance.ABSENT
    roll = rng.random()
    if roll < 0.88:
        return Attendance.PRESENT
    return Attendance.EXCUSED if roll < 0.96 else Attendance.ABSENT


def fill_training(db: Database, actor: Actor, year: int, rng: random.Random) -> int:
    """The plan of `year` in its own unit of work (see `fill_plan`). Returns the number of
    sessions planned; 0 when `year` already has a plan (nothing is changed)."""
    if training.find_plan(db, year) is not None:
        return 0
    with unit_of_work(db, actor, "demo.activities", "training_plan") as change:
        planned, held = fill_plan(db, change.session, year, rng)
        change.summary = f"填入{year}年度示范学习培训计划：{planned}场，已举办{held}场"
        change.after = {"year": year, "sessions": planned, "held": held}
    return planned


def fill_plan(db: Database, session: Session, year: int, rng: random.Random,
              progress: Progress = NO_PROGRESS) -> tuple[int, int]:
    """The plan of `year` (8–10 sessions from February to November), inside the caller's unit of
    work; returns (sessions planned, sessions held). This year's is about half held: the
    sessions dated before today, up to half the plan; later past ones are left planned
    (postponed), as happens. An earlier year's plan was held in full.

    Each session is validated as the plan form validates it; each held one is the 学习培训
    activity `training.hold_in_session` records (validated as the activity form validates it,
    the township deputies serving on its day invited), written in bulk with the year's other
    activities rather than one flush of a few hundred attendance rows per session."""
    town_row = session.get(Township, 1)
    town = town_row.name if town_row is not None else ""
    plan = TrainingPlan(year=year, title=training.default_title(year, town), goals=_goals(year, town))
    session.add(plan)
    optional = [t for t in TEMPLATES if t.optional]
    dropped = set(rng.sample(optional, len(TEMPLATES) - rng.randint(8, len(TEMPLATES))))
    today = dt.date.today()
    templates = [t for t in TEMPLATES if t not in dropped]
    sessions: list[tuple[TrainingSession, _Template, dt.date]] = []
    for template in templates:
        day = _weekday(dt.date(year, template.month, template.day)
                       + dt.timedelta(days=rng.randint(-3, 3)))
        # The day of a session more than a month ahead is not fixed yet: only its month.
        known = day <= today + dt.timedelta(days=30)
        data = training.validate_session(SessionInput(
            planned_month=day.month, planned_date=day if known else None, topic=template.topic,
            form=template.form, speaker=template.speaker,
            place=template.place.format(town=town), hours=template.hours,
            audience=template.audience), year)
        row = TrainingSession()
        training.apply_session(row, data)
        plan.sessions.append(row)
        sessions.append((row, template, day))
    session.flush()
    to_hold = [s for s in sessions if s[2] < today]
    if year >= today.year:
        to_hold = to_hold[:math.ceil(len(sessions) / 2)]
    periods = [p for p in serving_periods(session) if p.township_level]
    organiser = training.organiser_name(session)
    never: set[int] = set()
    held: list[tuple[TrainingSession, ActivityInput]] = []
    for row, template, day in to_hold:
        invited = sorted({p.deputy_id for p in periods if p.serves_on(day)})
        if not never and invited:
            never = set(rng.sample(invited, max(3, round(len(invited) * NEVER_ATTEND_SHARE))))
        if template.form == TrainingForm.FIELD_TRIP:
            invited = sorted(rng.sample(invited, max(1, round(len(invited) * FIELD_TRIP_SHARE))))
        participants = [ParticipantInput(d, _attendance(rng, d in never)) for d in invited]
        if not any(p.attendance == Attendance.PRESENT for p in participants):
            continue
        held.append((row, activities.validate_input(ActivityInput(
            type=ActivityType.TRAINING, activity_date=day, topic=row.topic, place=row.place,
            organiser=organiser, summary=template.summary, participants=participants))))
    ids = write_inputs(session, [data for _, data in held], progress, year)
    for (row, _data), activity_id in zip(held, ids, strict=True):
        row.activity_id = activity_id
    session.flush()
    return len(sessions), len(held)
