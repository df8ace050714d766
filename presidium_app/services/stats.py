"""The year's key figures (`presidium stats --json`, the 统计 page). Counted in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.deputies import Deputy, Mandate
from presidium_app.domain.enums import (
    ActivityType,
    Attendance,
    DeputyLevel,
    DeputyStatus,
    Gender,
    OpinionStatus,
    ResultClass,
    Satisfaction,
    SuggestionStatus,
)
from presidium_app.domain.mailbox import Opinion, OpinionEvent
from presidium_app.domain.suggestions import Suggestion
from presidium_app.domain.township import Term
from presidium_app.domain.training import TrainingSession
from presidium_app.services import mailbox, rules, suggestions, training
from presidium_app.storage.database import Database


def year_stats(db: Database, year: int) -> dict[str, Any]:
    """The keys of spec/cli.md, in its order.

    "This term" figures are taken on 31 December of the year, or today if that is earlier.
    """
    with db.session() as session:
        figures: dict[str, Any] = {"year": year, "deputies": _deputies(session)}
        figures["activities"] = _activities(session, year)
        figures["opinions"] = _opinions(session, year, dt.date.today())
        figures["suggestions"] = _suggestions(session, year)
        figures["training"] = _training(session, year)
    on = min(dt.date.today(), dt.date(year, 12, 31))
    figures["training"]["untrained_this_term"] = training.untrained_count(db, on)
    figures["shortfalls"] = _shortfalls(db, year, on)
    return figures


def deputy_counts(db: Database) -> dict[str, Any]:
    """The "deputies" figures of `year_stats` alone (工作台's cards need no more)."""
    with db.session() as session:
        return _deputies(session)


AGE_BANDS = ((35, "35岁及以下"), (45, "36至45岁"), (55, "46至55岁"), (200, "56岁及以上"))
NOT_GIVEN = "未填写"


@dataclass(frozen=True)
class Structure:
    """代表结构: the serving deputies of the current term by gender, age, party, education and
    ethnicity (what a work report and the county's returns ask for). Each is (label, count)."""

    serving: int
    gender: list[tuple[str, int]]
    age: list[tuple[str, int]]
    political_status: list[tuple[str, int]]
    education: list[tuple[str, int]]
    ethnicity: list[tuple[str, int]]


def deputy_structure(db: Database, on: dt.date) -> Structure:
    """Counted in SQL by GROUP BY (ages by year of birth, then banded), as on `on`."""
    with db.session() as session:
        term_id = session.scalar(select(Term.id).where(Term.is_current.is_(True)))
        serving = (select(Deputy).join(Mandate, Mandate.deputy_id == Deputy.id)
                   .where(Mandate.term_id == term_id, Mandate.status == DeputyStatus.SERVING.value)
                   .subquery())

        def grouped(column: Any) -> list[tuple[Any, int]]:
            rows = session.execute(select(column, func.count()).group_by(column)
                                   .order_by(func.count().desc(), column))
            return [(value, int(count)) for value, count in rows]

        genders = dict(grouped(serving.c.gender))
        gender = [(g.label, genders.get(g.value, 0)) for g in Gender]
        bands = dict.fromkeys([label for _limit, label in AGE_BANDS] + [NOT_GIVEN], 0)
        for birth, count in grouped(serving.c.birth_date):
            if birth is None:
                bands[NOT_GIVEN] += count
                continue
            age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
            bands[next(label for limit, label in AGE_BANDS if age <= limit)] += count
        ethnicities = grouped(serving.c.ethnicity)
        han = sum(c for e, c in ethnicities if e == "汉族")
        blank = sum(c for e, c in ethnicities if not e)
        total = sum(count for _g, count in gender)
        ethnicity = [("汉族", han), ("少数民族", total - han - blank)]
        if blank:
            ethnicity.append((NOT_GIVEN, blank))
        return Structure(
            serving=total, gender=gender, age=[(k, v) for k, v in bands.items() if v or k != NOT_GIVEN],
            political_status=[(value or NOT_GIVEN, n) for value, n in grouped(serving.c.political_status)],
            education=[(value or NOT_GIVEN, n) for value, n in grouped(serving.c.education)],
            ethnicity=ethnicity,
        )


def _deputies(session: Session) -> dict[str, Any]:
    term_id = session.scalar(select(Term.id).where(Term.is_current.is_(True)))
    serving = select(Mandate.levels_text).where(
        Mandate.term_id == term_id, Mandate.status == DeputyStatus.SERVING.value
    )
    by_level = {}
    for level in DeputyLevel:
        by_level[level.value] = (
            session.scalar(
                select(func.count()).select_from(
                    serving.where(Mandate.levels_text.contains(f",{level.value},")).subquery()
                )
            )
            or 0
        )
    total = session.scalar(select(func.count()).select_from(serving.subquery())) or 0
    return {"serving": total, "by_level": by_level}


def _activities(session: Session, year: int) -> dict[str, Any]:
    """Activities dated in the year by type (every type, 0 included) and the attendance rate
    present / (present + excused + absent) over their invitations."""
    start, end = rules.year_window(year)
    in_year = Activity.activity_date.between(start, end)
    by_type = {t.value: 0 for t in ActivityType}
    for type_, count in session.execute(
            select(Activity.type, func.count()).where(in_year).group_by(Activity.type)):
        by_type[type_.value] = count
    attendance = {a: 0 for a in Attendance}
    for value, count in session.execute(
            select(Participation.attendance, func.count())
            .join(Activity, Activity.id == Participation.activity_id)
            .where(in_year).group_by(Participation.attendance)):
        attendance[value] = count
    invited = sum(attendance.values())
    rate = attendance[Attendance.PRESENT] / invited if invited else 0.0
    return {"total": sum(by_type.values()), "by_type": by_type,
            "attendance_rate": round(rate, 4)}


# The spec's six status keys: the two steps between reply and close (反馈, 回访) count as replied.
SPEC_STATUS = {
    OpinionStatus.REGISTERED: "registered", OpinionStatus.ASSIGNED: "assigned",
    OpinionStatus.REPLIED: "replied", OpinionStatus.FED_BACK: "replied",
    OpinionStatus.FOLLOWED_UP: "replied", OpinionStatus.CLOSED: "closed",
    OpinionStatus.REJECTED: "rejected", OpinionStatus.REDIRECTED: "redirected",
}


def _opinions(session: Session, year: int, today: dt.date) -> dict[str, Any]:
    """Opinions received in the year by status, how many of them are overdue today, and the
    satisfaction rate over the items whose latest rating falls in the year."""
    by_status = dict.fromkeys(dict.fromkeys(SPEC_STATUS.values()), 0)
    for status, count in session.execute(
            select(Opinion.status, func.count()).where(Opinion.year == year).group_by(Opinion.status)):
        by_status[SPEC_STATUS[status]] += count
    overdue = session.scalar(select(func.count()).select_from(Opinion).where(
        Opinion.year == year, mailbox.overdue_condition(today))) or 0
    start, end = rules.year_window(year)
    latest = (select(func.max(OpinionEvent.id))
              .where(OpinionEvent.satisfaction.is_not(None), OpinionEvent.at.between(start, end))
              .group_by(OpinionEvent.opinion_id))
    ratings = dict.fromkeys(Satisfaction, 0)
    for satisfaction, count in session.execute(
            select(OpinionEvent.satisfaction, func.count())
            .where(OpinionEvent.id.in_(latest)).group_by(OpinionEvent.satisfaction)):
        ratings[satisfaction] = count
    rated = sum(ratings.values())
    pleased = ratings[Satisfaction.SATISFIED] + ratings[Satisfaction.BASICALLY_SATISFIED]
    return {"total": sum(by_status.values()), "by_status": by_status, "overdue": overdue,
            "satisfaction_rate": round(pleased / rated, 4) if rated else 0.0}


def _suggestions(session: Session, year: int) -> dict[str, Any]:
    """Suggestions put forward in the year, and by the result class of their latest reply."""
    by_result = {r.letter: 0 for r in ResultClass}
    for result, count in session.execute(
            select(Suggestion.result_class, func.count())
            .where(Suggestion.year == year, Suggestion.result_class.is_not(None))
            .group_by(Suggestion.result_class)):
        by_result[result.letter] = count
    total = session.scalar(select(func.count()).select_from(Suggestion).where(Suggestion.year == year))
    return {"total": total or 0, "by_result": by_result}


def _training(session: Session, year: int) -> dict[str, Any]:
    """Plan sessions held in the year (by the date of their activity) and their planned hours."""
    start, end = rules.year_window(year)
    held, hours = session.execute(
        select(func.count(), func.coalesce(func.sum(TrainingSession.hours), 0.0))
        .join(Activity, Activity.id == TrainingSession.activity_id)
        .where(Activity.activity_date.between(start, end))).one()
    return {"sessions_held": held, "hours": float(hours)}


def _shortfalls(db: Database, year: int, on: dt.date) -> dict[str, int]:
    """How many deputies are short of the suggestions rule this year and of the inspections rule
    this term; the numbers of the rules are the settings (the key names the default 5)."""
    counts = rules.short_counts(db, year, on)
    return {"no_suggestion_this_year": counts["rules.suggestions_per_year"],
            "under_five_inspections_this_term": counts["rules.inspections_per_term"]}


@dataclass(frozen=True)
class HandlingOverview:
    """What the 工作台 shows of the mailbox and the suggestions: open items by step, and overdue."""

    opinions_to_assign: int  # 已登记
    opinions_in_hand: int  # 已交办
    opinions_overdue: int
    opinions_to_follow_up: int  # 已答复, 已反馈: the office feeds back and follows up
    opinions_to_close: int  # 已回访
    suggestions_to_refer: int
    suggestions_in_hand: int
    suggestions_overdue: int


def handling_overview(db: Database, today: dt.date) -> HandlingOverview:
    """Open opinions and suggestions of every year, counted in SQL by status."""
    with db.session() as session:
        opinions = dict(session.execute(
            select(Opinion.status, func.count()).group_by(Opinion.status)).tuples().all())
        overdue = session.scalar(select(func.count()).select_from(Opinion).where(
            mailbox.overdue_condition(today))) or 0
        by_status = dict(session.execute(
            select(Suggestion.status, func.count()).group_by(Suggestion.status)).tuples().all())
        late = session.scalar(select(func.count()).select_from(Suggestion).where(
            suggestions.overdue_condition(today))) or 0
    s = OpinionStatus
    return HandlingOverview(
        opinions_to_assign=opinions.get(s.REGISTERED, 0),
        opinions_in_hand=opinions.get(s.ASSIGNED, 0),
        opinions_overdue=overdue,
        opinions_to_follow_up=opinions.get(s.REPLIED, 0) + opinions.get(s.FED_BACK, 0),
        opinions_to_close=opinions.get(s.FOLLOWED_UP, 0),
        suggestions_to_refer=by_status.get(SuggestionStatus.REGISTERED, 0),
        suggestions_in_hand=by_status.get(SuggestionStatus.REFERRED, 0),
        suggestions_overdue=late,
    )
