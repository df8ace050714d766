"""The activities ledger (代表活动): template, import with a rejection report, and export.

A row is one activity; the same activity is the same date, type and topic (spec/ledgers.md), so a
re-import updates it, and its attendance becomes the file's. Deputies are written by name; every
name must be exactly one deputy of the roster, and where the roster has two of the same name the
last four characters of the ID number tell them apart: 王伟(1234). Export adds that tail only to an
ambiguous name, so an export imports back with no change.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.deputies import Deputy
from presidium_app.domain.enums import ActivityType, Attendance
from presidium_app.domain.validators import InvalidValue, split_names
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
    logged_export,
    new_workbook,
    read_sheet,
    report_progress,
    save_workbook,
    write_header,
    write_ledger,
    write_notes_sheet,
)
from presidium_app.services.activities import (
    FIELD_LABELS,
    ActivityInput,
    ParticipantInput,
    RosterNames,
    activity_input,
    add_activity_in_session,
    update_activity_in_session,
    validate_input,
)
from presidium_app.services.audit import Actor, storage_message, unit_of_work
from presidium_app.services.errors import StorageFailure, ValidationFailed
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.storage.database import Database

KIND = "activities"
TITLE = "代表活动"
AUDIT_ACTION = "ledger.import.activities"

# The three name lists and the attendance each records, in column order.
NAME_LISTS: tuple[tuple[str, str, Attendance], ...] = (
    ("present", FIELD_LABELS["participants"], Attendance.PRESENT),
    ("excused", "请假代表", Attendance.EXCUSED),
    ("absent", "缺席代表", Attendance.ABSENT),
)
_LIST_HELP = ("代表姓名，多人用“、”分开（也可用逗号、分号或空格）。每个姓名须是代表名册中的代表；"
              "名册中有同名代表时，在姓名后加身份证号后四位，如：王伟(1234)。同一代表只能填在一列中。")
# Columns written as they are, and the fields of an activity they fill.
_TEXT_FIELDS = ("place", "organiser", "summary", "opinions_raised")


def _column(field_name: str, **options: Any) -> Column:
    """A column whose header is the service's label of the field, so messages and files agree."""
    return Column(FIELD_LABELS[field_name], field_name, **options)


COLUMNS: tuple[Column, ...] = (
    _column("activity_date", required=True, kind="date", width=12, aliases=("日期", "时间", "活动时间"),
            help="可写成2026-03-05、2026/3/5、2026.3.5、2026年3月5日，也可以是Excel日期。",
            example="2026-03-05"),
    _column("type", required=True, width=12, choices=tuple(ActivityType.labels()),
            aliases=("类型", "活动类别"), help="、".join(ActivityType.labels()) + "之一。",
            example=ActivityType.INSPECTION.label),
    _column("topic", required=True, width=30, aliases=("活动主题", "内容", "活动内容"),
            help="活动的主题。同一天、同一类型、同一主题的活动视为同一活动：重复导入只会更新，不会重复。",
            example="视察农村饮水安全工程"),
    _column("place", width=16, aliases=("活动地点",), help="活动地点。", example="东山村"),
    _column("organiser", width=16, aliases=("组织者", "主办单位", "承办单位"),
            help="如：镇人大主席团、第一代表小组。", example="镇人大主席团"),
    Column(NAME_LISTS[0][1], "present", width=30, aliases=("出席代表", "参加人员"), help=_LIST_HELP,
           example="张三丰、李秀英、王伟(1234)"),
    Column(NAME_LISTS[1][1], "excused", width=16, help=_LIST_HELP, example="赵敏"),
    Column(NAME_LISTS[2][1], "absent", width=16, help=_LIST_HELP, example=""),
    _column("summary", width=40, aliases=("活动内容摘要", "摘要", "活动情况"),
            help="活动的主要内容和经过。", example="实地察看了东山村水厂，听取了镇水利站的情况汇报。"),
    _column("opinions_raised", width=40, aliases=("意见和建议", "收集的意见建议", "意见"),
            help="活动中代表和群众提出的意见建议，每条一行或用1. 2. 编号。",
            example="1. 建议尽快更换老化管网。"),
)

_FIELD_ORDER = {c.field: i for i, c in enumerate(COLUMNS)}

_NOTES = (
    "1. 第一个工作表“代表活动”的第一行是列名，请勿修改；列名带*的为必填列。列的顺序可以调整，"
    "多出的列会被忽略。",
    "2. 每行填写一次活动。同一天、同一类型、同一主题的活动视为同一活动：重复导入同一文件不会重复，"
    "修改后重新导入会更新原记录，出席情况以文件为准。",
    "3. 参加代表、请假代表、缺席代表三列填写代表姓名，用“、”分开；姓名须与代表名册一致。"
    "名册中有同名代表时，在姓名后加身份证号后四位，如：王伟(1234)。",
    "4. 日期可写成2026-03-05、2026/3/5、2026.3.5、2026年3月5日，也可以是Excel日期。",
    "5. 有错误的行不会导入，软件会生成错误报告（行号、列、原因），改正后重新导入即可。",
)


# --- template and export ------------------------------------------------------------------------


def write_template(path: Path) -> None:
    """An empty ledger with the header row, the type dropdown and the sheet 填写说明."""
    book, sheet = new_workbook(TITLE)
    write_header(sheet, COLUMNS)
    add_dropdowns(sheet, COLUMNS)
    write_notes_sheet(book, TITLE, COLUMNS, _NOTES)
    save_workbook(book, path)


def export_file(
    db: Database, actor: Actor, path: Path, year: int | None = None, progress: Progress = NO_PROGRESS
) -> int:
    """Every activity (of `year`, when given) as a ledger row, oldest first. Read in two plain
    queries, so ten thousand activities export in seconds."""
    return logged_export(db, actor, KIND, TITLE, path, year, lambda: _write_export(db, path, year, progress))


def _write_export(db: Database, path: Path, year: int | None, progress: Progress) -> int:
    activities = select(Activity.id, Activity.activity_date, Activity.type, Activity.topic,
                        Activity.place, Activity.organiser, Activity.summary,
                        Activity.opinions_raised).order_by(Activity.activity_date, Activity.id)
    people = (select(Participation.activity_id, Participation.deputy_id, Participation.attendance)
              .join(Activity, Activity.id == Participation.activity_id))
    if year is not None:
        within = Activity.activity_date.between(dt.date(year, 1, 1), dt.date(year, 12, 31))
        activities, people = activities.where(within), people.where(within)
    with db.session() as session:
        names = RosterNames(session)
        order = {deputy_id: (pinyin, deputy_id) for deputy_id, pinyin in
                 session.execute(select(Deputy.id, Deputy.name_pinyin))}
        lists: dict[tuple[int, Attendance], list[int]] = defaultdict(list)
        for activity_id, deputy_id, attendance in session.execute(people):
            lists[(activity_id, attendance)].append(deputy_id)
        found = session.execute(activities).all()
    rows = []
    total = len(found)
    for done, (activity_id, date, kind, topic, place, organiser, summary, opinions) in enumerate(
            found, start=1):
        report_progress(progress, done, total, f"正在导出第{done}条")
        values: dict[str, object] = {
            "activity_date": date, "type": kind.label, "topic": topic, "place": place,
            "organiser": organiser, "summary": summary, "opinions_raised": opinions,
        }
        for field_name, _header, attendance in NAME_LISTS:
            ids = sorted(lists.get((activity_id, attendance), []), key=order.__getitem__)
            values[field_name] = "、".join(names.label(i) for i in ids)
        rows.append([values[c.field] for c in COLUMNS])
    return write_ledger(path, TITLE, COLUMNS, rows)


# --- reading one row ----------------------------------------------------------------------------


@dataclass
class _Candidate:
    """A row that passed every check of its own, waiting for the checks across rows."""

    row: int
    data: ActivityInput

    @property
    def key(self) -> tuple[dt.date, ActivityType, str]:
        return self.data.activity_date, self.data.type, self.data.topic


def parse_type(value: object) -> ActivityType:
    text = cell_text(value)
    if not text:
        raise InvalidValue("请填写活动类型")
    kind = ActivityType.from_label(text)
    if not isinstance(kind, ActivityType):
        raise InvalidValue(f"未知的活动类型“{text}”，应为{'、'.join(ActivityType.labels())}之一")
    return kind


def parse_required_date(value: object) -> dt.date:
    found = cell_date(value)
    if found is None:
        raise InvalidValue("请填写活动日期")
    return found


def _headers(sheet: Sheet) -> dict[str, str]:
    """Field → the column's header as the file writes it (the spec's header when absent)."""
    return {c.field: sheet.header(c) for c in COLUMNS}


def _participants(
    sheet_row: SheetRow, header: dict[str, str], names: RosterNames, problems: RowProblems
) -> list[ParticipantInput]:
    """The three lists as participants; each name must be exactly one deputy, and appear once."""
    participants: list[ParticipantInput] = []
    placed: dict[int, str] = {}  # deputy id → the column it was first written in
    for field_name, _label, attendance in NAME_LISTS:
        column = header[field_name]
        for name, tail in split_names(cell_text(sheet_row.get(field_name))):
            written = f"{name}({tail})" if tail else name
            try:
                deputy_id = names.resolve(name, tail)
            except InvalidValue as exc:
                problems.add(column, str(exc))
                continue
            if deputy_id in placed:
                if placed[deputy_id] == column:
                    problems.add(column, f"{written}在本列中填写了两次")
                else:
                    problems.add(column, f"{written}已填在“{placed[deputy_id]}”中，同一代表只能填在一列")
                continue
            placed[deputy_id] = column
            participants.append(ParticipantInput(deputy_id, attendance))
    return participants


def _parse_row(
    sheet_row: SheetRow, header: dict[str, str], names: RosterNames
) -> _Candidate | list[Rejection]:
    """One row checked on its own: every problem found, or the normalised candidate."""
    problems = RowProblems(sheet_row.row)
    get = sheet_row.get
    date = problems.parse(header["activity_date"], parse_required_date, get("activity_date"))
    kind = problems.parse(header["type"], parse_type, get("type"))
    participants = _participants(sheet_row, header, names, problems)
    data = ActivityInput(
        type=kind or ActivityType.OTHER, activity_date=date or dt.date.today(),
        topic=cell_plain(get("topic")), place=cell_plain(get("place")),
        organiser=cell_plain(get("organiser")), summary=cell_plain(get("summary")),
        opinions_raised=cell_plain(get("opinions_raised")), participants=participants,
    )
    try:
        data = validate_input(data)
    except ValidationFailed as exc:
        for field_name, reason in exc.field_errors.items():
            if field_name == "activity_date" and date is None:
                continue
            column = header.get(field_name) or FIELD_LABELS.get(field_name, field_name)
            if not problems.has(column):
                problems.add(column, reason)
    if problems:
        return problems.rejections
    return _Candidate(sheet_row.row, data)


def _check_rows(
    sheet: Sheet, names: RosterNames, progress: Progress
) -> tuple[list[_Candidate], list[Rejection]]:
    candidates: list[_Candidate] = []
    rejections: list[Rejection] = []
    header = _headers(sheet)
    total = len(sheet.rows)
    progress.report(0, total, "正在校验")
    first_row: dict[tuple[dt.date, ActivityType, str], int] = {}
    for done, sheet_row in enumerate(sheet.rows, start=1):
        report_progress(progress, done, total, f"正在校验第{sheet_row.row}行")
        parsed = _parse_row(sheet_row, header, names)
        if isinstance(parsed, list):
            rejections.extend(parsed)
            continue
        earlier = first_row.setdefault(parsed.key, parsed.row)
        if earlier != parsed.row:
            rejections.append(Rejection(
                parsed.row, header["topic"],
                f"与第{earlier}行是同一活动（日期、类型和主题都相同），重复填写；请删去其中一行或合并为一行"))
            continue
        candidates.append(parsed)
    order = {text: _FIELD_ORDER[name] for name, text in header.items()}
    rejections.sort(key=lambda r: (r.row, order.get(r.column, len(order))))
    return candidates, rejections


# --- writing ------------------------------------------------------------------------------------


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


_LOAD_BATCH = 500


def _existing(session: Session, candidates: list[_Candidate]) -> dict[tuple[dt.date, ActivityType, str],
                                                                     Activity]:
    """The activities on record with the candidates' dates, with their attendance, by identity
    (the oldest of any twins a form made before the rule existed)."""
    dates = sorted({c.data.activity_date for c in candidates})
    found: dict[tuple[dt.date, ActivityType, str], Activity] = {}
    for start in range(0, len(dates), _LOAD_BATCH):
        statement = (select(Activity).options(selectinload(Activity.participations))
                     .where(Activity.activity_date.in_(dates[start:start + _LOAD_BATCH]))
                     .order_by(Activity.id))
        for activity in session.scalars(statement):
            found.setdefault((activity.activity_date, activity.type, activity.topic), activity)
    return found


def _merged(activity: Activity, data: ActivityInput, present: frozenset[str]) -> ActivityInput:
    """What the record becomes: the file's columns over it, the rest as it was. The attendance
    is the file's; a list whose column the file lacks keeps its deputies, and every deputy keeps
    what the ledger has no column for (spoke, rating, note)."""
    current = activity_input(activity)
    merged = replace(current, **{name: getattr(data, name) for name in _TEXT_FIELDS
                                 if name in present})
    if not any(field_name in present for field_name, _label, _attendance in NAME_LISTS):
        return merged
    in_file = {attendance for field_name, _label, attendance in NAME_LISTS if field_name in present}
    old = {p.deputy_id: p for p in current.participants}
    participants = [replace(old[p.deputy_id], attendance=p.attendance) if p.deputy_id in old else p
                    for p in data.participants]
    listed = {p.deputy_id for p in data.participants}
    participants += [p for p in current.participants
                     if p.deputy_id not in listed and p.attendance not in in_file]
    return replace(merged, participants=participants)


def _write(
    session: Session, candidates: list[_Candidate], present: frozenset[str], progress: Progress
) -> _Counts:
    counts = _Counts()
    existing = _existing(session, candidates)
    total = len(candidates)
    for done, candidate in enumerate(candidates, start=1):
        report_progress(progress, done, total, f"正在写入第{candidate.row}行")
        activity = existing.get(candidate.key)
        if activity is None:
            add_activity_in_session(session, candidate.data)
            counts.created += 1
        elif update_activity_in_session(session, activity, _merged(activity, candidate.data, present)):
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


# --- import -------------------------------------------------------------------------------------


class _DryRunDone(Exception):
    """Raised at the end of a dry run to roll back everything the run wrote."""

    def __init__(self, counts: _Counts) -> None:
        super().__init__("dry run")
        self.counts = counts


def import_file(
    db: Database, actor: Actor, path: Path, dry_run: bool = False,
    progress: Progress = NO_PROGRESS,
) -> ImportOutcome:
    """Check every row; write the valid ones in one transaction, refuse the others with row,
    column and reason. A dry run runs the very same code and rolls back."""
    sheet = read_sheet(path, COLUMNS)
    with db.session() as session:
        names = RosterNames(session)
    candidates, rejections = _check_rows(sheet, names, progress)
    counts = _run(db, actor, path, sheet, candidates, rejections, dry_run, progress)
    notes = []
    if sheet.header_row != 1:
        notes.append(f"列名在第{sheet.header_row}行，已从第{sheet.header_row + 1}行起读取")
    return ImportOutcome(
        imported=counts.created + counts.updated + counts.unchanged, rejections=rejections,
        unknown_columns=sheet.unknown_columns, created=counts.created, updated=counts.updated,
        unchanged=counts.unchanged, notes=notes,
    )


def _run(
    db: Database, actor: Actor, path: Path, sheet: Sheet, candidates: list[_Candidate],
    rejections: list[Rejection], dry_run: bool, progress: Progress,
) -> _Counts:
    if not candidates:
        return _Counts()
    if dry_run:
        try:
            with db.transaction() as session:
                raise _DryRunDone(_write(session, candidates, sheet.fields, progress))
        except _DryRunDone as done:
            return done.counts
        except OperationalError as exc:
            raise StorageFailure(storage_message(exc)) from exc
    rejected_rows = len({r.row for r in rejections})
    with unit_of_work(db, actor, AUDIT_ACTION, "activity") as change:
        counts = _write(change.session, candidates, sheet.fields, progress)
        change.summary = (
            f"导入代表活动“{path.name}”：新增{counts.created}条，更新{counts.updated}条，"
            f"未变{counts.unchanged}条，拒绝{rejected_rows}行"
        )
        change.after = {"file": str(path), "created": counts.created, "updated": counts.updated,
                        "unchanged": counts.unchanged, "rejected_rows": rejected_rows}
    return counts
