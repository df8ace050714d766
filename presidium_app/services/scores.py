"""Performance scores (履职积分, DOMAIN.md §3): each deputy's points for a year, by the columns of
the township score sheet, with a grade.

The points table is the settings `points.*` and the thresholds `grades.*`. Activities map to the
sheet's columns as follows (attendance 出席 only, unless said otherwise):

- 参加人代会: 人代会 attended × points.congress_session, minus points.congress_absence for each
  recorded 缺席 at a 人代会 (a session is recorded sitting by sitting, so one 缺席 is one half day
  of unexcused absence; 请假 costs nothing);
- 审议发言: every attended activity where the deputy spoke (Participation.spoke) × points.speech;
- 提出议案建议: suggestions made in the year (rules.suggestion_counts, zero until suggestions
  exist) × points.suggestion;
- 列席及其他活动: 列席会议, 民生实事票决 and 其他 × points.attend_meeting;
- 视察调研执法检查: 视察, 执法检查, 专题调研, 专题询问 × points.inspection;
- 代表小组活动: 代表小组活动 and 学习培训 × points.group_meeting (the setting reads
  “代表小组活动、学习培训”);
- 联系群众: 接待选民 and 代表述职 × points.voter_contact.

总分 = points.base + the columns. Grade 好 from grades.good, 一般 from grades.fair, else 差. A deputy
graded 差 this year and the year before gets the advisory 建议辞职 (DOMAIN.md: two poor years lead
to advice to resign); the previous year is scored with today's table, and only if the person held
a mandate then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.deputies import Deputy, DeputyGroup, Mandate
from presidium_app.domain.enums import ActivityType, Attendance
from presidium_app.domain.township import Term
from presidium_app.services import settings
from presidium_app.services.rules import serving_mandates, suggestion_counts, term_for_year
from presidium_app.storage.database import Database

GOOD, FAIR, POOR = "好", "一般", "差"
ADVICE_TO_RESIGN = "建议辞职"


@dataclass(frozen=True)
class ScoreColumn:
    key: str
    label: str


SCORE_COLUMNS: tuple[ScoreColumn, ...] = (
    ScoreColumn("congress", "参加人代会"),
    ScoreColumn("speech", "审议发言"),
    ScoreColumn("suggestion", "提出议案建议"),
    ScoreColumn("meetings", "列席及其他活动"),
    ScoreColumn("inspections", "视察调研执法检查"),
    ScoreColumn("group", "代表小组活动"),
    ScoreColumn("voters", "联系群众"),
)

# Activity type → the column its attendance (出席) scores in.
TYPE_COLUMNS: dict[ActivityType, str] = {
    ActivityType.CONGRESS_SESSION: "congress",
    ActivityType.ATTEND_MEETING: "meetings",
    ActivityType.LIVELIHOOD_VOTE: "meetings",
    ActivityType.OTHER: "meetings",
    ActivityType.INSPECTION: "inspections",
    ActivityType.LAW_ENFORCEMENT_CHECK: "inspections",
    ActivityType.RESEARCH: "inspections",
    ActivityType.INQUIRY: "inspections",
    ActivityType.GROUP_MEETING: "group",
    ActivityType.TRAINING: "group",
    ActivityType.VOTER_RECEPTION: "voters",
    ActivityType.DUTY_REPORT: "voters",
}
# What is counted (SCORE_COLUMNS keys, and the congress absences) → its points setting; an
# absence subtracts.
POINTS: dict[str, str] = {
    "congress": "points.congress_session",
    "congress_absence": "points.congress_absence",
    "speech": "points.speech",
    "suggestion": "points.suggestion",
    "meetings": "points.attend_meeting",
    "inspections": "points.inspection",
    "group": "points.group_meeting",
    "voters": "points.voter_contact",
}


@dataclass(frozen=True)
class ScoreRow:
    """One deputy's line of the score sheet (乡镇评定 row) for `year`."""

    deputy_id: int
    mandate_id: int | None
    name: str
    group: str
    year: int
    base: float
    columns: dict[str, float]  # SCORE_COLUMNS key → points
    total: float
    grade: str
    previous_grade: str | None = None
    advice: str = ""  # 建议辞职 after two poor years
    counts: dict[str, int] = field(default_factory=dict)  # what was counted, for the sheet's notes

    @property
    def advise_resign(self) -> bool:
        return bool(self.advice)


def grade(total: float, values: dict[str, float]) -> str:
    if total >= values["grades.good"]:
        return GOOD
    if total >= values["grades.fair"]:
        return FAIR
    return POOR


@dataclass
class _Tally:
    columns: dict[str, float]
    counts: dict[str, int]


def _count_columns() -> list[Any]:
    """One SUM(CASE …) per counted item: the database adds up a deputy's year in one row."""
    present = Participation.attendance == Attendance.PRESENT
    columns = []
    for key in POINTS:
        if key == "suggestion":
            continue
        if key == "speech":
            condition = and_(present, Participation.spoke.is_(True))
        elif key == "congress_absence":
            condition = and_(Participation.attendance == Attendance.ABSENT,
                             Activity.type == ActivityType.CONGRESS_SESSION)
        else:
            types = [t for t, column in TYPE_COLUMNS.items() if column == key]
            condition = and_(present, Activity.type.in_(types))
        columns.append(func.sum(case((condition, 1), else_=0)).label(key))
    return columns


def _tallies(session: Session, values: dict[str, float], deputy_ids: Collection[int],
             year: int) -> dict[int, _Tally]:
    """Deputy id → points by column for `year`: one GROUP BY deputy over the year's
    participations (all deputies, then kept: an IN list of 10^4 ids is slower than the scan)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    wanted = set(deputy_ids)
    counted = [key for key in POINTS if key != "suggestion"]
    statement = (
        select(Participation.deputy_id, *_count_columns())
        .join(Activity, Activity.id == Participation.activity_id)
        .where(Activity.activity_date.between(start, end))
        .group_by(Participation.deputy_id)
    )
    if len(wanted) == 1:
        statement = statement.where(Participation.deputy_id.in_(wanted))
    counts: dict[int, dict[str, int]] = {i: dict.fromkeys(POINTS, 0) for i in wanted}
    for deputy_id, *numbers in session.execute(statement):
        if deputy_id in counts:
            counts[deputy_id].update(zip(counted, (int(n or 0) for n in numbers), strict=True))
    for deputy_id, number in suggestion_counts(session, list(wanted), year).items():
        if deputy_id in counts:
            counts[deputy_id]["suggestion"] = number
    tallies = {}
    for deputy_id, tally in counts.items():
        columns = {c.key: tally[c.key] * values[POINTS[c.key]] for c in SCORE_COLUMNS}
        columns["congress"] -= tally["congress_absence"] * values[POINTS["congress_absence"]]
        tallies[deputy_id] = _Tally({k: float(v) for k, v in columns.items()}, tally)
    return tallies


def _served_in(session: Session, deputy_ids: Collection[int], year: int) -> set[int]:
    """The deputies who held a mandate at some point of `year`."""
    if not deputy_ids:
        return set()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    statement = (
        select(Mandate.deputy_id).join(Term, Term.id == Mandate.term_id)
        .where(Mandate.deputy_id.in_(list(deputy_ids)),
               or_(Term.start_year.is_(None), Term.start_year <= year),
               or_(Term.end_year.is_(None), Term.end_year >= year),
               or_(Mandate.elected_on.is_(None), Mandate.elected_on <= end),
               or_(Mandate.left_on.is_(None), Mandate.left_on > start))
    )
    return set(session.scalars(statement))


def _rows(session: Session, values: dict[str, float], year: int,
          people: list[tuple[int, int | None, str, str]]) -> list[ScoreRow]:
    """Score rows for (deputy id, mandate id, name, group) in order."""
    ids = [p[0] for p in people]
    tallies = _tallies(session, values, ids, year)
    earlier = _served_in(session, ids, year - 1)
    previous = _tallies(session, values, earlier, year - 1)
    base = float(values["points.base"])
    rows = []
    for deputy_id, mandate_id, name, group in people:
        tally = tallies[deputy_id]
        total = base + sum(tally.columns.values())
        this_grade = grade(total, values)
        before = previous.get(deputy_id)
        previous_grade = grade(base + sum(before.columns.values()), values) if before else None
        advice = ADVICE_TO_RESIGN if this_grade == POOR and previous_grade == POOR else ""
        rows.append(ScoreRow(deputy_id, mandate_id, name, group, year, base, dict(tally.columns),
                             total, this_grade, previous_grade, advice, dict(tally.counts)))
    return rows


def year_scores(db: Database, year: int, on: dt.date | None = None) -> list[ScoreRow]:
    """The score sheet of `year`: every deputy serving on `on` (default: 31 December of the year,
    or today if earlier) in the term covering the year, by pinyin of the name."""
    on = on or min(dt.date.today(), dt.date(year, 12, 31))
    values = settings.get_all(db)
    with db.session() as session:
        term = term_for_year(session, year)
        if term is None:
            return []
        groups = {g.id: g.name for g in session.scalars(select(DeputyGroup))}
        serving = sorted(session.execute(serving_mandates(term.id, on)),
                         key=lambda r: (r.name_pinyin, r.deputy_id))
        people = [(r.deputy_id, r.id, r.name, groups.get(r.group_id or 0, "")) for r in serving]
        return _rows(session, values, year, people)


def deputy_score(db: Database, deputy_id: int, year: int) -> ScoreRow | None:
    """One deputy's score for `year`, whether or not they still serve; None for an unknown id."""
    values = settings.get_all(db)
    with db.session() as session:
        deputy = session.get(Deputy, deputy_id)
        if deputy is None:
            return None
        term = term_for_year(session, year)
        mandate = next((m for m in deputy.mandates if term is not None and m.term_id == term.id),
                       deputy.mandates[-1] if deputy.mandates else None)
        group = mandate.group.name if mandate is not None and mandate.group else ""
        people = [(deputy.id, mandate.id if mandate else None, deputy.name, group)]
        return _rows(session, values, year, people)[0]
