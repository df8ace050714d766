"""The performance archive (履职档案) of one deputy, in the 8 parts of DOMAIN.md §3, assembled from
the records (roster, activities and their attendance, training sessions, awards), never typed
twice. A year or a whole term is chosen; every part is filtered by date. Plain dataclasses: the
print center renders them.

Which records go where:
1 基本情况: the person, each mandate (term, levels, constituency, group, station) and every
  status change (all terms: this is who the deputy is, not what they did in the period);
2 会议: 人代会, 列席会议, 民生实事票决, and 其他 (列席及其他活动, as on the score sheet);
3 视察调研: 视察, 执法检查, 专题调研, 专题询问;
4 学习培训: 学习培训, with the hours, form and speaker of the plan session when it is linked;
5 小组活动: 代表小组活动;
6 建议意见: the deputy's suggestions (`suggestion_rows`, as lead deputy or co-signer) and the
  opinions raised at voter receptions the deputy attended or received for the mailbox;
7 述职与监督: 代表述职 with the voters' rating, and 接待选民;
8 表彰奖励: awards.
Every activity row carries the deputy's attendance (出席/请假/缺席); the counts sum it up.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.awards import Award
from presidium_app.domain.deputies import Deputy, Mandate
from presidium_app.domain.enums import ActivityType, Attendance
from presidium_app.domain.mailbox import Opinion
from presidium_app.domain.suggestions import Suggestion, SuggestionCoSigner
from presidium_app.domain.township import Term
from presidium_app.domain.training import TrainingSession
from presidium_app.services.errors import NotFound
from presidium_app.services.rules import (
    RuleProgress,
    current_term,
    deputy_shortfalls,
    term_window,
    year_window,
)
from presidium_app.services.scores import ScoreRow, deputy_score
from presidium_app.storage.database import Database

PARTS: tuple[tuple[str, str], ...] = (
    ("basic", "基本情况"),
    ("meetings", "会议"),
    ("inspections", "视察调研"),
    ("training", "学习培训"),
    ("group", "小组活动"),
    ("suggestions", "建议意见"),
    ("reporting", "述职与监督"),
    ("awards", "表彰奖励"),
)

TYPE_PARTS: dict[ActivityType, str] = {
    ActivityType.CONGRESS_SESSION: "meetings",
    ActivityType.ATTEND_MEETING: "meetings",
    ActivityType.LIVELIHOOD_VOTE: "meetings",
    ActivityType.OTHER: "meetings",
    ActivityType.INSPECTION: "inspections",
    ActivityType.LAW_ENFORCEMENT_CHECK: "inspections",
    ActivityType.RESEARCH: "inspections",
    ActivityType.INQUIRY: "inspections",
    ActivityType.TRAINING: "training",
    ActivityType.GROUP_MEETING: "group",
    ActivityType.DUTY_REPORT: "reporting",
    ActivityType.VOTER_RECEPTION: "reporting",
}

OPINIONS_ROLE = "接待选民时收集"


@dataclass(frozen=True)
class ArchiveRow:
    """One line of a part: when, what, the deputy's role or attendance, and details."""

    date: dt.date | None
    title: str
    role: str
    detail: str
    activity_id: int | None = None


@dataclass(frozen=True)
class ArchivePart:
    key: str
    title: str
    rows: list[ArchiveRow]
    counts: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonInfo:
    name: str
    gender: str
    ethnicity: str
    birth_date: dt.date | None
    political_status: str
    education: str
    workplace: str
    mobile: str
    photo: str | None


@dataclass(frozen=True)
class Archive:
    """The archive for the period [start, end]: the 8 parts in order, then the deputy's
    shortfalls and score for `score_year` (the chosen year, or the term's latest year so far)."""

    deputy_id: int
    person: PersonInfo
    period: str  # 2026年度 / 第十九届（2021—2026）
    start: dt.date
    end: dt.date
    year: int | None
    term_id: int | None
    parts: list[ArchivePart]
    score_year: int
    shortfalls: list[RuleProgress]
    score: ScoreRow | None

    def part(self, key: str) -> ArchivePart:
        return next(p for p in self.parts if p.key == key)


def suggestion_rows(session: Session, deputy_id: int, start: dt.date,
                    end: dt.date) -> list[ArchiveRow]:
    """The deputy's suggestions (lead or co-signer) put forward in [start, end], with where each
    stands: its number, status and, once replied, its result class."""
    signed = select(SuggestionCoSigner.suggestion_id).where(SuggestionCoSigner.deputy_id == deputy_id)
    found = session.scalars(
        select(Suggestion)
        .where(Suggestion.submitted_on.between(start, end),
               or_(Suggestion.lead_deputy_id == deputy_id, Suggestion.id.in_(signed)))
        .order_by(Suggestion.submitted_on, Suggestion.id))
    rows = []
    for suggestion in found:
        detail = f"{suggestion.number}，{suggestion.status.label}"
        if suggestion.result_class is not None:
            detail += f"，{suggestion.result_class.letter}类（{suggestion.result_class.label}）"
        role = "领衔" if suggestion.lead_deputy_id == deputy_id else "附议"
        rows.append(ArchiveRow(suggestion.submitted_on, suggestion.title, role, detail))
    return rows


def received_opinion_rows(session: Session, deputy_id: int, start: dt.date,
                          end: dt.date) -> list[ArchiveRow]:
    """The opinions (社情民意) the deputy received and handed to the office in [start, end]."""
    found = session.scalars(
        select(Opinion)
        .where(Opinion.receiving_deputy_id == deputy_id, Opinion.received_on.between(start, end))
        .order_by(Opinion.received_on, Opinion.id))
    return [ArchiveRow(o.received_on, o.content.strip().splitlines()[0][:40], "接收社情民意",
                       f"{o.number}，{o.category or '未分类'}，{o.status.label}") for o in found]


def _period(session: Session, year: int | None, term_id: int | None
            ) -> tuple[str, dt.date, dt.date, int | None]:
    """(label, start, end, term id) of the chosen period; `year` wins over `term_id`, and
    neither means the current term."""
    if year is not None:
        start, end = year_window(year)
        return f"{year}年度", start, end, None
    term = session.get(Term, term_id) if term_id is not None else current_term(session)
    if term is None:
        raise NotFound("所选届次不存在" if term_id is not None else "尚未设置当前届次")
    start, end = term_window(term)
    return term.label, start, end, term.id


def _basic(session: Session, deputy: Deputy) -> ArchivePart:
    rows: list[ArchiveRow] = []
    for mandate in sorted(deputy.mandates, key=lambda m: m.term.ordinal):
        levels = "、".join(level.label for level in mandate.levels)
        details = [f"选区：{mandate.constituency}" if mandate.constituency else "",
                   f"代表小组：{mandate.group.name}" if mandate.group else "",
                   f"联络站：{mandate.station.name}" if mandate.station else "",
                   f"状态：{mandate.status.label}"]
        rows.append(ArchiveRow(
            mandate.elected_on, f"{mandate.term.label}{levels}人大代表",
            "补选" if mandate.by_election else "当选", "；".join(d for d in details if d)))
        for change in mandate.status_changes:
            old = f"{change.old_status.label}→" if change.old_status else ""
            rows.append(ArchiveRow(change.changed_on, f"{mandate.term.name}代表资格变动",
                                   f"{old}{change.new_status.label}", change.reason))
    return ArchivePart("basic", "基本情况", rows, {"届次": len(deputy.mandates)})


def _role(attendance: Attendance, spoke: bool) -> str:
    return attendance.label + ("、审议发言" if spoke and attendance == Attendance.PRESENT else "")


def _detail(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def _hours(value: float) -> str:
    return f"{value:g}学时"


def performance_archive(db: Database, deputy_id: int, year: int | None = None,
                        term_id: int | None = None) -> Archive:
    """The archive of one person (`Deputy.id`) for `year`, or for the term `term_id`, or for the
    current term when neither is given."""
    with db.session() as session:
        deputy = session.get(Deputy, deputy_id)
        if deputy is None:
            raise NotFound("该代表已不在名册中")
        label, start, end, chosen_term = _period(session, year, term_id)
        person = PersonInfo(deputy.name, deputy.gender.label, deputy.ethnicity, deputy.birth_date,
                            deputy.political_status, deputy.education, deputy.workplace,
                            deputy.mobile, deputy.photo)
        parts: dict[str, ArchivePart] = {"basic": _basic(session, deputy)}
        rows: dict[str, list[ArchiveRow]] = {key: [] for key, _ in PARTS}
        tallies: dict[str, Counter[str]] = {key: Counter() for key, _ in PARTS}
        hours_present = 0.0
        opinions: list[ArchiveRow] = []
        statement = (
            select(Activity, Participation, TrainingSession)
            .join(Participation, Participation.activity_id == Activity.id)
            .outerjoin(TrainingSession, TrainingSession.activity_id == Activity.id)
            .where(Participation.deputy_id == deputy_id,
                   Activity.activity_date.between(start, end))
            .order_by(Activity.activity_date, Activity.id)
        )
        for activity, participation, plan_session in session.execute(statement):
            key = TYPE_PARTS[activity.type]
            role = _role(participation.attendance, participation.spoke)
            detail = _detail(activity.type.label, activity.place, activity.organiser)
            if activity.type == ActivityType.TRAINING and plan_session is not None:
                detail = _detail(activity.type.label, plan_session.form.label,
                                 f"主讲：{plan_session.speaker}" if plan_session.speaker else "",
                                 _hours(plan_session.hours), activity.place)
                if participation.attendance == Attendance.PRESENT:
                    hours_present += plan_session.hours
            elif activity.type == ActivityType.DUTY_REPORT and participation.rating is not None:
                detail = _detail(detail, f"选民测评：{participation.rating.label}")
            rows[key].append(ArchiveRow(activity.activity_date, activity.topic, role, detail,
                                        activity.id))
            tallies[key][participation.attendance.label] += 1
            if (activity.type == ActivityType.VOTER_RECEPTION
                    and participation.attendance == Attendance.PRESENT
                    and activity.opinions_raised.strip()):
                opinions.append(ArchiveRow(activity.activity_date, activity.topic, OPINIONS_ROLE,
                                           activity.opinions_raised.strip(), activity.id))
        for key, title in PARTS[1:]:
            counts: dict[str, float] = {a.label: tallies[key][a.label] for a in Attendance}
            parts[key] = ArchivePart(key, title, rows[key], counts)
        parts["training"].counts["学时"] = round(hours_present, 2)
        suggestions = suggestion_rows(session, deputy_id, start, end)
        opinions += received_opinion_rows(session, deputy_id, start, end)
        parts["suggestions"] = ArchivePart(
            "suggestions", "建议意见", suggestions + opinions,
            {"代表建议": len(suggestions), "收集意见": len(opinions)})
        awards = session.scalars(
            select(Award).where(Award.deputy_id == deputy_id, Award.awarded_on.between(start, end))
            .order_by(Award.awarded_on, Award.id))
        award_rows = [ArchiveRow(a.awarded_on, a.title, "获表彰", a.issuer) for a in awards]
        parts["awards"] = ArchivePart("awards", "表彰奖励", award_rows, {"表彰": len(award_rows)})
        current = current_term(session)
        serving_now = current is not None and any(
            m.term_id == current.id and m.left_on is None for m in deputy.mandates)
    score_year = year if year is not None else min(dt.date.today().year, end.year)
    shortfalls = deputy_shortfalls(db, deputy_id, score_year) if serving_now else []
    return Archive(
        deputy_id=deputy_id, person=person, period=label, start=start, end=end, year=year,
        term_id=chosen_term, parts=[parts[key] for key, _ in PARTS], score_year=score_year,
        shortfalls=shortfalls, score=deputy_score(db, deputy_id, score_year),
    )


def mandate_deputy(db: Database, mandate_id: int) -> int:
    """The person (`Deputy.id`) behind a roster row (a mandate), to open their archive."""
    with db.session() as session:
        deputy_id = session.scalar(select(Mandate.deputy_id).where(Mandate.id == mandate_id))
        if deputy_id is None:
            raise NotFound("该代表记录已不存在")
        return deputy_id
