"""The training ledger (学习培训): template, import with a rejection report, and export.

A row is one session of a year's plan. With 参训代表 it is a held session: an activity of type
学习培训 with those deputies present, recorded by the same code as "hold this session"; without,
a planned one. 日期 may be a month (2026-03) for a planned session whose day is not fixed yet.

The same session is the same year, date and topic: for a held session the date is the day it was
held, for a planned one its planned day, or its month. Two lenient matches keep staff's files
usable as the year goes on: a held row matches the planned session of that topic whose day was
not fixed yet in the same month (the plan said March, the ledger says held on 3月5日); a month
row matches the session of that topic planned in that month whatever its day (the original plan
file imported again after the days were fixed). A year without a plan gets one (told in notes).

Names in 参训代表 are read as the activities ledger reads them (`RosterNames`): an exact roster
name, or `王伟(1234)` with the last four ID characters when the roster has two of that name; an
unknown or ambiguous name, or a deputy not serving on the day, rejects the row.

The file lists only who was present: a re-import sets them present and removes the present ones
no longer listed, and leaves the excused and absent recorded in the app alone,
so an export imports back unchanged. A blank cell never erases what is on record (形式 blank is
集中授课 for a new session). A held row whose training was already entered as an activity (same
day and topic, through the activities ledger) links that activity instead of recording it twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.enums import ActivityType, Attendance, TrainingForm
from presidium_app.domain.township import Township
from presidium_app.domain.training import TrainingPlan, TrainingSession
from presidium_app.domain.validators import (
    InvalidValue,
    parse_month,
    split_names,
)
from presidium_app.ledgers.common import (
    Column,
    ImportOutcome,
    Rejection,
    RowProblems,
    Sheet,
    SheetRow,
    add_dropdowns,
    cell_date,
    cell_plain,
    cell_text,
    is_blank,
    logged_export,
    new_workbook,
    read_sheet,
    report_progress,
    save_workbook,
    write_header,
    write_ledger,
    write_notes_sheet,
)
from presidium_app.services import training
from presidium_app.services.activities import (
    ParticipantInput,
    RosterNames,
    ServingPeriod,
    find_same_activity,
    serving_periods,
)
from presidium_app.services.audit import Actor, storage_message, unit_of_work
from presidium_app.services.errors import StorageFailure, ValidationFailed
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.services.search import name_keys
from presidium_app.services.training import SessionInput
from presidium_app.storage.database import Database

KIND = "training"
TITLE = "学习培训"
AUDIT_ACTION = "ledger.import.training"

COLUMNS: tuple[Column, ...] = (
    Column("年度", "year", required=True, width=8, aliases=("计划年度",),
           help="培训计划的年度，如2026。", example="2026"),
    Column("日期", "date", required=True, kind="date", width=12,
           aliases=("培训日期", "举办日期", "时间"),
           help="举办或计划举办的日期，如2026-03-20、2026年3月20日；日子未定的计划场次可只写月份，"
                "如2026-03或2026年3月。须在“年度”所写的年份内。",
           example="2026-03-20"),
    Column("主题", "topic", required=True, width=28, aliases=("培训主题", "培训内容"),
           help="培训的主题。同一年度、同一日期、同一主题为同一场次。", example="代表建议撰写方法"),
    Column("形式", "form", width=10, choices=tuple(TrainingForm.labels()), aliases=("培训形式",),
           help="集中授课、专题讲座、视频学习、外出考察、自学；不填为集中授课。", example="专题讲座"),
    Column("主讲人", "speaker", width=18, aliases=("授课人",),
           help="主讲人或带队人。", example="县人大常委会代表工作委员会负责同志"),
    Column("地点", "place", width=22, aliases=("培训地点",),
           help="培训地点。", example="青山镇人大代表之家"),
    Column("学时", "hours", width=6, aliases=("课时",),
           help="计划学时，可有小数，如2或1.5；不填为0。", example="2"),
    Column("培训对象", "audience", width=16, help="如：全体镇人大代表、新当选代表。",
           example="全体镇人大代表"),
    Column("参训代表", "participants", width=40, aliases=("参加代表", "出席代表"),
           help="已举办的场次填写出席的代表，用“、”分开；同名的代表写成“王伟(1234)”，括号内为"
                "身份证号码后四位。填写了参训代表即表示该场次已举办，日期须为举办当天；"
                "尚未举办的计划场次不填。",
           example="张三丰、李秀英、王伟(1234)"),
)
_FIELD_ORDER = {c.field: i for i, c in enumerate(COLUMNS)}
_FIELD_OF_SERVICE = {"planned_date": "date", "planned_month": "date", "topic": "topic",
                     "hours": "hours", "speaker": "speaker", "place": "place",
                     "audience": "audience", "year": "year"}

_NOTES = (
    "1. 第一个工作表“学习培训”的第一行是列名，请勿修改；列名带*的为必填列。列的顺序可以调整，"
    "多出的列会被忽略。",
    "2. 每行填写一场培训。填写了“参训代表”的为已举办的场次，软件会记为一次“学习培训”活动并登记"
    "出席；未填写的为计划场次。",
    "3. 同一年度、同一日期、同一主题为同一场次，重复导入同一文件不会重复。该年度还没有培训计划的，"
    "会自动新建。",
    "4. 日期可写成2026-03-05、2026/3/5、2026.3.5、2026年3月5日；计划场次可只写月份，如2026-03。",
    "5. 参训代表须是举办当天在任的代表；同名代表写成“王伟(1234)”，括号内为身份证号码后四位。",
    "6. 有错误的行不会导入，软件会生成错误报告（行号、列、原因），改正后重新导入即可。",
)


# --- the roster by name, on a day ---------------------------------------------------------------


class _Roster:
    """Names as the activities ledger reads and writes them (`RosterNames`: an exact roster name,
    王伟(1234) when the roster has two), and who served on which day (`serving_periods`, as the
    activity form's tick list reckons it)."""

    def __init__(self, session: Session) -> None:
        self.names = RosterNames(session)
        self._periods: dict[int, list[ServingPeriod]] = defaultdict(list)
        for period in serving_periods(session):
            self._periods[period.deputy_id].append(period)

    def resolve(self, name: str, tail: str | None, day: dt.date) -> int:
        """The deputy id, or InvalidValue saying why the name cannot be placed on that day."""
        deputy_id = self.names.resolve(name, tail)
        if not any(p.serves_on(day) for p in self._periods[deputy_id]):
            raise InvalidValue(f"“{name}”在{day:%Y-%m-%d}不是在任代表")
        return deputy_id

    def label(self, deputy_id: int) -> str:
        return self.names.label(deputy_id)


# --- template and export ------------------------------------------------------------------------


def write_template(path: Path) -> None:
    """An empty ledger with the header row, the 形式 dropdown and the sheet 填写说明."""
    book, sheet = new_workbook(TITLE)
    write_header(sheet, COLUMNS)
    add_dropdowns(sheet, COLUMNS)
    write_notes_sheet(book, TITLE, COLUMNS, _NOTES)
    save_workbook(book, path)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _session_day(row: TrainingSession) -> dt.date | None:
    return row.activity.activity_date if row.activity is not None else row.planned_date


def export_file(
    db: Database, actor: Actor, path: Path, year: int | None = None, progress: Progress = NO_PROGRESS
) -> int:
    """Every session of every plan (or of the plan of `year`), in calendar order."""
    return logged_export(db, actor, KIND, TITLE, path, year, lambda: _write_export(db, path, year, progress))


def _write_export(db: Database, path: Path, year: int | None, progress: Progress) -> int:
    with db.session() as session:
        statement = (
            select(TrainingPlan).order_by(TrainingPlan.year)
            .options(selectinload(TrainingPlan.sessions).selectinload(TrainingSession.activity)
                     .selectinload(Activity.participations))
        )
        if year is not None:
            statement = statement.where(TrainingPlan.year == year)
        plans = list(session.scalars(statement))
        roster = _Roster(session)
        sessions = [(plan, row) for plan in plans for row in sorted(
            plan.sessions, key=lambda s: (_session_day(s) or dt.date(plan.year, s.planned_month, 28),
                                          s.topic, s.id))]
        total, rows = len(sessions), []
        for done, (plan, row) in enumerate(sessions, start=1):
            report_progress(progress, done, total, f"正在导出第{done}条")
            rows.append(_export_values(plan, row, roster))
    return write_ledger(path, TITLE, COLUMNS, rows)


def _export_values(plan: TrainingPlan, row: TrainingSession, roster: _Roster) -> list[object]:
    day = _session_day(row)
    when: object = day if day is not None else f"{plan.year}-{row.planned_month:02d}"
    place, names = row.place, ""
    if row.activity is not None and day is not None:
        place = row.activity.place
        present = [p.deputy_id for p in row.activity.participations
                   if p.attendance == Attendance.PRESENT]
        shown = sorted((roster.label(i) for i in present), key=lambda n: (name_keys(n), n))
        names = "、".join(shown)
    values: dict[str, object] = {
        "year": plan.year, "date": when, "topic": row.topic, "form": row.form.label,
        "speaker": row.speaker, "place": place, "hours": _number(row.hours),
        "audience": row.audience, "participants": names,
    }
    return [values[c.field] for c in COLUMNS]


# --- reading one row ----------------------------------------------------------------------------


@dataclass
class _Candidate:
    """A row that passed every check of its own."""

    row: int
    year: int
    day: dt.date | None  # None: only the month is known
    month: int
    topic: str
    form: TrainingForm | None
    speaker: str
    place: str
    hours: float | None
    audience: str
    participants: list[int] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return bool(self.participants)

    @property
    def key(self) -> tuple[int, object, str]:
        return self.year, self.day or ("month", self.month), self.topic


def parse_year(value: object) -> int:
    text = cell_text(value)
    match = re.fullmatch(r"(\d{4})(?:年度?)?", re.sub(r"\s", "", text))
    if match is None:
        raise InvalidValue(f"无法识别的年度“{text}”，请写成2026" if text else "请填写年度，如2026")
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise InvalidValue(f"年度“{text}”不合理")
    return year


def parse_when(value: object) -> tuple[dt.date | None, int, int]:
    """(day or None, year, month): a date, or a month alone for a planned session."""
    if is_blank(value):
        raise InvalidValue("请填写日期（已举办的写举办当天，计划场次可只写月份）")
    try:
        day = cell_date(value)
    except InvalidValue as exc:
        if not isinstance(value, str):
            raise
        try:
            year, month = parse_month(value)
        except InvalidValue:
            if "无法识别" not in str(exc):
                raise exc from None
            raise InvalidValue(
                f"无法识别的日期“{cell_text(value)}”，请写成2026-03-05，计划场次可只写月份，如2026-03"
            ) from None
        return None, year, month
    assert day is not None
    return day, day.year, day.month


def parse_form(value: object) -> TrainingForm | None:
    text = cell_text(value)
    if not text:
        return None
    form = TrainingForm.from_label(text)
    if not isinstance(form, TrainingForm):
        raise InvalidValue(f"未知的培训形式“{text}”，应为{'、'.join(TrainingForm.labels())}之一")
    return form


def parse_hours(value: object) -> float | None:
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        hours = float(value)
    else:
        text = re.sub(r"\s", "", cell_text(value))
        text = re.sub(r"(学时|课时|小时|h|H)$", "", text)
        try:
            hours = float(text)
        except ValueError:
            raise InvalidValue(f"学时应为数字，如2或1.5，不能是“{cell_text(value)}”") from None
    if not 0 <= hours <= training.MAX_HOURS:
        raise InvalidValue(f"学时应在0到{training.MAX_HOURS:g}之间")
    return round(hours, 2)


def _headers(sheet: Sheet) -> dict[str, str]:
    return {c.field: sheet.header(c) for c in COLUMNS}


def _parse_row(sheet_row: SheetRow, header: dict[str, str],
               roster: _Roster) -> _Candidate | list[Rejection]:
    problems = RowProblems(sheet_row.row)
    get = sheet_row.get
    year = problems.parse(header["year"], parse_year, get("year"))
    when = problems.parse(header["date"], parse_when, get("date"))
    form = problems.parse(header["form"], parse_form, get("form"))
    hours = problems.parse(header["hours"], parse_hours, get("hours"))
    day, month = (when[0], when[2]) if when else (None, 0)
    if year is not None and when is not None and when[1] != year:
        problems.add(header["date"], f"日期不在{year}年内（“年度”为{year}）")
    names = split_names(get("participants"))
    if names and when is not None and day is None:
        problems.add(header["participants"], "填写了参训代表即为已举办的场次，日期须写举办当天，不能只写月份")
    elif names and day is not None and day > dt.date.today():
        problems.add(header["date"], "举办日期晚于今天；尚未举办的场次请不要填写参训代表")
    ids: list[int] = []
    if names and day is not None and not problems.has(header["participants"]):
        seen: set[int] = set()
        for name, tail in names:
            try:
                deputy_id = roster.resolve(name, tail, day)
            except InvalidValue as exc:
                problems.add(header["participants"], str(exc))
                continue
            if deputy_id in seen:
                problems.add(header["participants"], f"“{name}”在参训代表中出现了两次")
            seen.add(deputy_id)
            ids.append(deputy_id)
    data = SessionInput(
        planned_month=month or 1, topic=cell_plain(get("topic")), form=form or TrainingForm.LECTURE,
        planned_date=day, speaker=cell_plain(get("speaker")), place=cell_plain(get("place")),
        hours=hours or 0.0, audience=cell_plain(get("audience")))
    try:
        data = training.validate_session(data, year or (day.year if day else 2000))
    except ValidationFailed as exc:
        for name, reason in exc.field_errors.items():
            column = header[_FIELD_OF_SERVICE.get(name, "topic")]
            if not problems.has(column):
                problems.add(column, reason)
    if problems or year is None or when is None:
        return problems.rejections
    return _Candidate(
        sheet_row.row, year, day, data.planned_month, data.topic, form, data.speaker,
        data.place, hours, data.audience, ids)


def _check_rows(db: Database, sheet: Sheet, progress: Progress
                ) -> tuple[list[_Candidate], list[Rejection]]:
    header = _headers(sheet)
    with db.session() as session:
        roster = _Roster(session)
    candidates: list[_Candidate] = []
    rejections: list[Rejection] = []
    first_row: dict[tuple[int, object, str], int] = {}
    total = len(sheet.rows)
    progress.report(0, total, "正在校验")
    for done, sheet_row in enumerate(sheet.rows, start=1):
        report_progress(progress, done, total, f"正在校验第{sheet_row.row}行")
        parsed = _parse_row(sheet_row, header, roster)
        if isinstance(parsed, list):
            rejections.extend(parsed)
            continue
        if parsed.key in first_row:
            rejections.append(Rejection(
                parsed.row, header["topic"],
                f"与第{first_row[parsed.key]}行是同一场次（同一年度、日期和主题），重复填写；请删去其中一行"))
            continue
        first_row[parsed.key] = parsed.row
        candidates.append(parsed)
    order = {text: _FIELD_ORDER[name] for name, text in header.items()}
    rejections.sort(key=lambda r: (r.row, order.get(r.column, len(order))))
    return candidates, rejections


# --- writing ------------------------------------------------------------------------------------


@dataclass
class _Result:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _state(row: TrainingSession) -> tuple[Any, ...]:
    """What a row of the ledger can change about a session, to tell updated from unchanged."""
    activity = row.activity
    attendance = () if activity is None else tuple(sorted(
        (p.deputy_id, p.attendance.value) for p in activity.participations))
    return (row.planned_month, row.planned_date, row.topic, row.form, row.speaker, row.place,
            row.hours, row.audience, row.activity_id,
            activity.place if activity is not None else None, attendance)


class _Plans:
    """The plans by year, created when missing (told in the notes), their sessions loaded."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.notes: list[str] = []
        plans = session.scalars(select(TrainingPlan).options(
            selectinload(TrainingPlan.sessions).selectinload(TrainingSession.activity)
            .selectinload(Activity.participations)))
        self._by_year = {p.year: p for p in plans}
        town = session.get(Township, 1)
        self._town = town.name if town is not None else ""
        self.used: set[int] = set()

    def plan(self, year: int) -> TrainingPlan:
        if year not in self._by_year:
            title = training.default_title(year, self._town)
            plan = TrainingPlan(year=year, title=title, goals="")
            self.session.add(plan)
            self.session.flush()
            self._by_year[year] = plan
            self.notes.append(f"新建{year}年度学习培训计划“{title}”")
        return self._by_year[year]

    def match(self, plan: TrainingPlan, c: _Candidate) -> TrainingSession | None:
        """The session a row stands for (see the module's docstring), never one an earlier row
        of the same file already took."""
        same = [s for s in plan.sessions if s.topic == c.topic and s.id not in self.used]
        options: tuple[list[TrainingSession], ...]
        if c.day is not None:
            options = (
                [s for s in same if s.activity is not None and s.activity.activity_date == c.day],
                [s for s in same if s.activity is None and s.planned_date == c.day],
                [s for s in same if c.held and s.activity is None and s.planned_date is None
                 and s.planned_month == c.month],
            )
        else:
            options = (
                [s for s in same if s.planned_date is None and s.planned_month == c.month],
                [s for s in same if s.planned_month == c.month],
            )
        found = next((found[0] for found in options if found), None)
        if found is not None:
            self.used.add(found.id)
        return found


def _apply(row: TrainingSession, c: _Candidate, new: bool) -> None:
    """The row's plan details onto the session. A blank cell (or a column the file lacks) never
    erases what is on record: a value is cleared in the app. 地点 of a held row is where it was
    held, which is the activity's."""
    if new:
        row.planned_month, row.planned_date, row.topic = c.month, c.day, c.topic
        row.form, row.hours = c.form or TrainingForm.LECTURE, c.hours or 0.0
        row.speaker, row.place, row.audience = c.speaker, c.place, c.audience
        return
    if c.form is not None:
        row.form = c.form
    if c.hours is not None:
        row.hours = c.hours
    for name in ("speaker", "audience") if c.held else ("speaker", "audience", "place"):
        if getattr(c, name):
            setattr(row, name, getattr(c, name))


def _set_attendance(activity: Activity, c: _Candidate) -> None:
    """Listed deputies present; present ones not listed removed; excused and absent kept."""
    if c.place:
        activity.place = c.place
    wanted = set(c.participants)
    changed = False
    for row in list(activity.participations):
        if row.attendance == Attendance.PRESENT and row.deputy_id not in wanted:
            activity.participations.remove(row)
            changed = True
    existing = {p.deputy_id: p for p in activity.participations}
    for deputy_id in c.participants:
        p = existing.get(deputy_id)
        if p is None:
            activity.participations.append(
                Participation(deputy_id=deputy_id, attendance=Attendance.PRESENT))
            changed = True
        elif p.attendance != Attendance.PRESENT:
            p.attendance = Attendance.PRESENT
            changed = True
    if changed:
        flag_modified(activity, "topic")  # move the activity's version with its attendance


def _hold(session: Session, row: TrainingSession, c: _Candidate) -> None:
    """Hold the session on the row's day (where the row says, else where the plan said). A
    学习培训 activity of that day and topic already on record (entered through the activities
    ledger, say) and not yet linked to a session is this very session: it is linked, not
    recorded twice."""
    assert c.day is not None
    same = find_same_activity(session, c.day, ActivityType.TRAINING, row.topic)
    activity = session.get(Activity, same) if same is not None else None
    linked = same is not None and session.scalar(
        select(TrainingSession.id).where(TrainingSession.activity_id == same)) is not None
    if activity is None or linked:
        attendance = [ParticipantInput(i, Attendance.PRESENT) for i in c.participants]
        training.hold_in_session(session, row, c.day, attendance, place=c.place or None)
        return
    row.activity_id, row.activity = activity.id, activity
    _set_attendance(activity, c)


def _write(session: Session, candidates: list[_Candidate],
           progress: Progress) -> tuple[_Result, list[str]]:
    plans = _Plans(session)
    result = _Result()
    total = len(candidates)
    for done, c in enumerate(candidates, start=1):
        report_progress(progress, done, total, f"正在写入第{c.row}行")
        plan = plans.plan(c.year)
        row = plans.match(plan, c)
        before = None if row is None else _state(row)
        if row is None:
            row = TrainingSession()
            _apply(row, c, new=True)
            plan.sessions.append(row)
            session.flush()
            plans.used.add(row.id)
        else:
            _apply(row, c, new=False)
        if c.held and c.day is not None:
            if row.activity is None:
                _hold(session, row, c)
            else:
                _set_attendance(row.activity, c)
        session.flush()
        if before is None:
            result.created += 1
        elif _state(row) != before:
            result.updated += 1
        else:
            result.unchanged += 1
    return result, plans.notes


# --- import -------------------------------------------------------------------------------------


class _DryRunDone(Exception):
    """Raised at the end of a dry run to roll back everything the run wrote."""

    def __init__(self, result: _Result, notes: list[str]) -> None:
        super().__init__("dry run")
        self.result, self.notes = result, notes


def import_file(
    db: Database, actor: Actor, path: Path, dry_run: bool = False,
    progress: Progress = NO_PROGRESS,
) -> ImportOutcome:
    """Check every row; write the valid ones in one transaction, refuse the others with row,
    column and reason. A dry run runs the very same code and rolls back."""
    sheet = read_sheet(path, COLUMNS)
    candidates, rejections = _check_rows(db, sheet, progress)
    result, notes = _run(db, actor, path, sheet, candidates, rejections, dry_run, progress)
    if sheet.header_row != 1:
        notes.insert(0, f"列名在第{sheet.header_row}行，已从第{sheet.header_row + 1}行起读取")
    return ImportOutcome(
        imported=result.created + result.updated + result.unchanged, rejections=rejections,
        unknown_columns=sheet.unknown_columns, created=result.created, updated=result.updated,
        unchanged=result.unchanged, notes=notes,
    )


def _run(
    db: Database, actor: Actor, path: Path, sheet: Sheet, candidates: list[_Candidate],
    rejections: list[Rejection], dry_run: bool, progress: Progress,
) -> tuple[_Result, list[str]]:
    if not candidates:
        return _Result(), []
    if dry_run:
        try:
            with db.transaction() as session:
                raise _DryRunDone(*_write(session, candidates, progress))
        except _DryRunDone as done:
            return done.result, done.notes
        except OperationalError as exc:
            raise StorageFailure(storage_message(exc)) from exc
    rejected_rows = len({r.row for r in rejections})
    with unit_of_work(db, actor, AUDIT_ACTION, "training_session") as change:
        result, notes = _write(change.session, candidates, progress)
        change.summary = (
            f"导入学习培训台账“{path.name}”：新增{result.created}条，更新{result.updated}条，"
            f"未变{result.unchanged}条，拒绝{rejected_rows}行"
        )
        change.after = {"file": str(path), "created": result.created, "updated": result.updated,
                        "unchanged": result.unchanged, "rejected_rows": rejected_rows,
                        "notes": notes}
    return result, notes

