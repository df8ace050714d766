"""The deputy roster ledger (代表名册): template, import with a rejection report, and export.

A row is one person in one term (a mandate), as in the roster: a deputy re-elected has two rows.
The columns are those of spec/ledgers.md, written in that order, so an export imports back with
no change. The same person is the same ID number, else the same name and birth date, so a
re-import updates and never duplicates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload

from presidium_app.domain.deputies import Deputy, DeputyGroup, LiaisonStation, Mandate
from presidium_app.domain.enums import DeputyLevel, DeputyStatus, Gender
from presidium_app.domain.township import Term
from presidium_app.domain.validators import (
    InvalidValue,
    chinese_ordinal,
    id_check_digit,
    parse_term_name,
)
from presidium_app.ledgers.common import (
    Column,
    ImportOutcome,
    Rejection,
    RowProblems,
    Sheet,
    SheetRow,
    add_dropdowns,
    cell_code,
    cell_date,
    cell_plain,
    cell_text,
    logged_export,
    name_key,
    new_workbook,
    read_sheet,
    report_progress,
    save_workbook,
    write_header,
    write_ledger,
    write_notes_sheet,
)
from presidium_app.services.audit import Actor, storage_message, unit_of_work
from presidium_app.services.deputies import (
    FIELD_LABELS,
    DeputyInput,
    UpsertResult,
    find_person,
    upsert_in_session,
    validate_input,
)
from presidium_app.services.errors import StorageFailure, ValidationFailed
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.storage.database import Database

KIND = "deputies"
TITLE = "代表名册"
AUDIT_ACTION = "ledger.import.deputies"


_EXAMPLE_ID = "36102519700517131" + id_check_digit("36102519700517131")


def _column(field_name: str, **options: Any) -> Column:
    """A column whose header is the service's label of the field, so messages and files agree."""
    return Column(FIELD_LABELS[field_name], field_name, **options)


COLUMNS: tuple[Column, ...] = (
    _column("name", required=True, width=10, aliases=("代表姓名",),
            help="代表的姓名。", example="张三丰"),
    _column("gender", required=True, width=6, choices=tuple(Gender.labels()),
            help="男或女。填写了正确的公民身份号码时可以不填，由号码得出。", example="男"),
    _column("ethnicity", width=8, help="如：汉族、畲族。", example="汉族"),
    _column("birth_date", kind="date", width=12, aliases=("出生年月日",),
            help="可写成1970-05-17、1970/5/17、1970.5.17或1970年5月17日；"
                 "不填时由公民身份号码得出。",
            example="1970-05-17"),
    _column("id_number", kind="code", width=21, aliases=("身份证号", "身份证号码", "身份证"),
            help="18位，末位可为X。本列为“文本”格式，请勿改成数字格式，否则后几位会丢失。"
                 "号码中的出生日期和性别须与出生日期、性别两列一致。",
            example=_EXAMPLE_ID),
    _column("political_status", width=10, help="如：中共党员、群众、民主党派名称。",
            example="中共党员"),
    _column("education", width=10, aliases=("学历",), help="如：大学本科、大专、高中。",
            example="高中"),
    _column("workplace", width=28, aliases=("工作单位", "单位及职务", "工作单位和职务"),
            help="如：东坑村党支部书记。", example="东坑村党支部书记"),
    _column("mobile", kind="code", width=14, aliases=("手机", "手机号", "联系电话"),
            help="11位手机号码，中间可有空格或短横线。", example="138 1234 5678"),
    _column("levels", required=True, width=12, aliases=("层级", "代表级别"),
            help="乡镇、县、市、省、全国；同时是几级代表的，用“、”分开，如：县、乡镇。",
            example="乡镇、县"),
    _column("term_id", required=True, width=11,
            help="如：第十九届。系统中没有的届次会自动新建（起止年份请到设置中补充）。",
            example="第十九届"),
    _column("constituency", width=14, aliases=("原选举单位", "选举单位"),
            help="当选的选区或原选举单位。", example="第1选区"),
    _column("group_id", width=12, aliases=("所在代表小组",),
            help="代表小组的名称；系统中没有的会自动新建。", example="东坑片代表小组"),
    _column("station_id", width=14, aliases=("代表联络站", "代表之家"),
            help="联络站的名称；系统中没有的会自动新建。", example="东坑代表联络站"),
    _column("elected_on", kind="date", width=12, help="日期写法同出生日期。", example="2021-09-10"),
    _column("status", width=8, choices=tuple(DeputyStatus.labels()),
            help="在任、辞职、罢免、调离、去世、终止；不填即为在任。", example="在任"),
    _column("left_on", kind="date", width=12,
            help="状态不是“在任”时必须填写；在任代表不填。", example=""),
    _column("notes", width=24, help="其他需要说明的情况。", example=""),
)

_FIELD_ORDER = {c.field: i for i, c in enumerate(COLUMNS)}
PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "id_number", "political_status",
                 "education", "workplace", "mobile", "notes")
_MANDATE_FIELDS = ("constituency", "group_id", "station_id", "elected_on")

_NOTES = (
    "1. 第一个工作表“代表名册”的第一行是列名，请勿修改；列名带*的为必填列。列的顺序可以调整，"
    "多出的列会被忽略。",
    "2. 每行填写一位代表在一个届次的情况；连任两届的代表填两行。",
    "3. 同一代表以公民身份号码识别，没有号码时以姓名加出生日期识别；重复导入同一文件只会更新，不会重复。",
    "4. 日期可写成2026-03-05、2026/3/5、2026.3.5、2026年3月5日，也可以是Excel日期。",
    "5. 公民身份号码、手机号码两列为“文本”格式。若粘贴后显示为1.1E+17之类的数字，说明后几位已丢失，"
    "请重新录入。",
    "6. 有错误的行不会导入，软件会生成错误报告（行号、列、原因），改正后重新导入即可。",
)


# --- template and export ------------------------------------------------------------------------


def write_template(path: Path) -> None:
    """An empty roster with the header row, dropdowns and the sheet 填写说明."""
    book, sheet = new_workbook(TITLE)
    write_header(sheet, COLUMNS)
    add_dropdowns(sheet, COLUMNS)
    write_notes_sheet(book, TITLE, COLUMNS, _NOTES)
    save_workbook(book, path)


def export_file(
    db: Database, actor: Actor, path: Path, year: int | None = None, progress: Progress = NO_PROGRESS
) -> int:
    """The roster as a ledger, one row per mandate, in roster order; with `year`, only the
    mandates of a term covering that year whose deputy served at some point in it."""
    return logged_export(db, actor, KIND, TITLE, path, year, lambda: _write_export(db, path, year, progress))


def _write_export(db: Database, path: Path, year: int | None, progress: Progress) -> int:
    with db.session() as session:
        mandates = list(session.scalars(_export_query(year)))
        total = len(mandates)
        rows = []
        for done, mandate in enumerate(mandates, start=1):
            report_progress(progress, done, total, f"正在导出第{done}条")
            rows.append(_export_values(mandate))
    return write_ledger(path, TITLE, COLUMNS, rows)


def _export_query(year: int | None) -> Select[tuple[Mandate]]:
    statement = (
        select(Mandate).join(Mandate.deputy).join(Mandate.term)
        .options(selectinload(Mandate.deputy), selectinload(Mandate.term),
                 selectinload(Mandate.group), selectinload(Mandate.station))
        .order_by(Term.ordinal.desc(), Deputy.name_pinyin, Deputy.id, Mandate.id)
    )
    if year is not None:
        statement = statement.where(
            Term.start_year <= year, Term.end_year >= year,
            or_(Mandate.left_on.is_(None), Mandate.left_on >= dt.date(year, 1, 1)),
            or_(Mandate.elected_on.is_(None), Mandate.elected_on <= dt.date(year, 12, 31)),
        )
    return statement


def _export_values(mandate: Mandate) -> list[object]:
    deputy = mandate.deputy
    values: dict[str, object] = {
        "name": deputy.name, "gender": deputy.gender.label, "ethnicity": deputy.ethnicity,
        "birth_date": deputy.birth_date, "id_number": deputy.id_number or "",
        "political_status": deputy.political_status, "education": deputy.education,
        "workplace": deputy.workplace, "mobile": deputy.mobile,
        "levels": "、".join(level.label for level in mandate.levels),
        "term_id": mandate.term.name, "constituency": mandate.constituency,
        "group_id": mandate.group.name if mandate.group else "",
        "station_id": mandate.station.name if mandate.station else "",
        "elected_on": mandate.elected_on, "status": mandate.status.label,
        "left_on": mandate.left_on, "notes": deputy.notes,
    }
    return [values[c.field] for c in COLUMNS]


# --- reading one row ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TermRef:
    """届次 as written: the ordinal, and the years when the cell gives them (第二十届（2026—2031）)."""

    ordinal: int
    start_year: int | None = None
    end_year: int | None = None

    @property
    def name(self) -> str:
        return f"第{chinese_ordinal(self.ordinal)}届"


@dataclass
class _Candidate:
    """A row that passed every check of its own, waiting for the checks across rows."""

    row: int
    data: DeputyInput
    term: TermRef
    group: str
    station: str


_LEVEL_SPLIT = re.compile(r"[、，,;；/\s]+")
_LEVEL_ALIASES = {"乡": DeputyLevel.TOWNSHIP, "镇": DeputyLevel.TOWNSHIP}
_TERM_YEARS = re.compile(r"(.+?)\((\d{4})\s*[-—–~～至到]\s*(\d{4})年?\)")


def parse_gender(value: object) -> Gender:
    text = cell_text(value)
    gender = Gender.from_label(text.removesuffix("性")) if text else None
    if not isinstance(gender, Gender):
        raise InvalidValue(f"性别应为“男”或“女”，不能是“{text}”")
    return gender


def parse_status(value: object) -> DeputyStatus:
    """Blank is 在任: most rows of a roster are serving deputies."""
    text = cell_text(value)
    if not text:
        return DeputyStatus.SERVING
    status = DeputyStatus.from_label(text)
    if not isinstance(status, DeputyStatus):
        raise InvalidValue(f"未知的状态“{text}”，应为{'、'.join(DeputyStatus.labels())}之一")
    return status


def parse_levels(value: object) -> list[DeputyLevel]:
    """县、乡镇 → [township, county]; 乡镇级, 县人大代表 are understood too."""
    levels: list[DeputyLevel] = []
    for part in _LEVEL_SPLIT.split(cell_text(value)):
        if not part:
            continue
        core = part.removesuffix("人大代表").removesuffix("代表").removesuffix("人大")
        core = core.removesuffix("级")
        level = _LEVEL_ALIASES.get(core) or DeputyLevel.from_label(core)
        if not isinstance(level, DeputyLevel):
            raise InvalidValue(
                f"未知的代表层级“{part}”，应为{'、'.join(DeputyLevel.labels())}（可填多个，用“、”分开）"
            )
        if level not in levels:
            levels.append(level)
    return levels


def parse_term(value: object) -> TermRef:
    text = re.sub(r"\s", "", cell_text(value))
    if not text:
        raise InvalidValue("请填写届次，如“第十九届”")
    match = _TERM_YEARS.fullmatch(text)
    if match is None:
        return TermRef(parse_term_name(text))
    start, end = int(match.group(2)), int(match.group(3))
    if not 1949 <= start <= end <= 2100:
        raise InvalidValue(f"届次“{text}”的起止年份不合理")
    return TermRef(parse_term_name(match.group(1)), start, end)


def _headers(sheet: Sheet) -> dict[str, str]:
    """Field → the column's header as the file writes it (the spec's header when absent)."""
    return {c.field: sheet.header(c) for c in COLUMNS}


def _parse_row(sheet_row: SheetRow, header: dict[str, str]) -> _Candidate | list[Rejection]:
    """One row checked on its own: every problem found, or the normalised candidate."""
    problems = RowProblems(sheet_row.row)
    get = sheet_row.get

    def code(field_name: str) -> str:
        return problems.parse(header[field_name],
                              lambda v: cell_code(v, header[field_name]), get(field_name)) or ""

    gender_text = cell_text(get("gender"))
    gender = problems.parse(header["gender"], parse_gender, gender_text) if gender_text else None
    birth_date = problems.parse(header["birth_date"], cell_date, get("birth_date"))
    id_number, mobile = code("id_number"), code("mobile")
    levels = problems.parse(header["levels"], parse_levels, get("levels")) or []
    term = problems.parse(header["term_id"], parse_term, get("term_id"))
    status = problems.parse(header["status"], parse_status, get("status"))
    elected_on = problems.parse(header["elected_on"], cell_date, get("elected_on"))
    left_on = problems.parse(header["left_on"], cell_date, get("left_on"))
    data = DeputyInput(
        name=cell_text(get("name")), gender=gender, term_id=0, levels=levels,
        ethnicity=cell_text(get("ethnicity")), birth_date=birth_date, id_number=id_number,
        political_status=cell_text(get("political_status")),
        education=cell_text(get("education")), workplace=cell_text(get("workplace")),
        mobile=mobile, constituency=cell_text(get("constituency")),
        status=status or DeputyStatus.SERVING, elected_on=elected_on, left_on=left_on,
        notes=cell_plain(get("notes")),
    )
    try:
        data = validate_input(data)
    except ValidationFailed as exc:
        _add_field_errors(problems, exc.field_errors, sheet_row, header)
    if problems or term is None:
        return problems.rejections
    return _Candidate(sheet_row.row, data, term, cell_plain(get("group_id")),
                      cell_plain(get("station_id")))


def _add_field_errors(
    problems: RowProblems, field_errors: dict[str, str], sheet_row: SheetRow,
    header: dict[str, str],
) -> None:
    """The service's reasons, against the columns; a column already refused while reading is
    not reported twice (nor is 离任日期 when the 状态 itself was not understood)."""
    for field_name, reason in field_errors.items():
        column = header.get(field_name) or FIELD_LABELS.get(field_name, field_name)
        if problems.has(column):
            continue
        if field_name == "left_on" and problems.has(header["status"]):
            continue
        if field_name == "gender" and not cell_text(sheet_row.get("gender")):
            reason = "未填写性别（填写了正确的公民身份号码时可以不填）"
        elif field_name == "levels" and not cell_text(sheet_row.get("levels")):
            reason = "请填写代表层级：乡镇、县、市、省、全国，可填多个，用“、”分开"
        problems.add(column, reason)


# --- checks across rows -------------------------------------------------------------------------


def _shown(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Gender):
        return value.label
    return str(value)


@dataclass
class _Person:
    """The rows of one person in the file, and the personal details they give together."""

    rows: list[_Candidate] = field(default_factory=list)
    known: dict[str, tuple[object, int]] = field(default_factory=dict)

    def conflict(self, data: DeputyInput) -> tuple[str, object, int] | None:
        """The first personal detail this row gives differently from an earlier row."""
        for name in PERSON_FIELDS:
            value = getattr(data, name)
            if value and name in self.known and self.known[name][0] != value:
                return name, *self.known[name]
        return None

    def take(self, candidate: _Candidate) -> None:
        self.rows.append(candidate)
        for name in PERSON_FIELDS:
            value = getattr(candidate.data, name)
            if value and name not in self.known:
                self.known[name] = (value, candidate.row)


class _People:
    """Who is who among the rows, by the rule of find_person: the same ID number, else the same
    name and birth date (a different ID number means a different person)."""

    def __init__(self) -> None:
        self.people: list[_Person] = []
        self._by_id: dict[str, _Person] = {}
        self._by_name_birth: dict[tuple[str, dt.date | None], list[_Person]] = {}

    def match(self, data: DeputyInput) -> _Person | None:
        if data.id_number and data.id_number in self._by_id:
            return self._by_id[data.id_number]
        for person in self._by_name_birth.get((data.name, data.birth_date), []):
            if not data.id_number or "id_number" not in person.known:
                return person
        return None

    def add(self, person: _Person | None, candidate: _Candidate) -> None:
        if person is None:
            person = _Person()
            self.people.append(person)
            self._by_name_birth.setdefault(
                (candidate.data.name, candidate.data.birth_date), []).append(person)
        person.take(candidate)
        if candidate.data.id_number:
            self._by_id.setdefault(candidate.data.id_number, person)


def _check_across_rows(
    candidates: list[_Candidate], header: dict[str, str]
) -> tuple[list[_Candidate], list[Rejection]]:
    """The same person twice in one term rejects the later row, naming the earlier one; the
    rows of one person in several terms must agree on the person, and fill each other's blanks
    (so the rows write the same details, and a re-import changes nothing)."""
    people = _People()
    rejections: list[Rejection] = []
    for candidate in candidates:
        person = people.match(candidate.data)
        if person is not None:
            rejection = _same_person_problem(person, candidate, header)
            if rejection is not None:
                rejections.append(rejection)
                continue
        people.add(person, candidate)
    kept: list[_Candidate] = []
    for person in people.people:
        merged: dict[str, Any] = {name: value for name, (value, _row) in person.known.items()}
        for candidate in person.rows:
            candidate.data = replace(candidate.data, **merged)
            kept.append(candidate)
    kept.sort(key=lambda c: c.row)
    return kept, rejections


def _same_person_problem(
    person: _Person, candidate: _Candidate, header: dict[str, str]
) -> Rejection | None:
    data = candidate.data
    earlier = next((c for c in person.rows if c.term.ordinal == candidate.term.ordinal), None)
    if earlier is not None:
        by_id = bool(data.id_number) and earlier.data.id_number == data.id_number
        return Rejection(
            candidate.row, header["id_number" if by_id else "name"],
            f"与第{earlier.row}行是同一人、同一届次（{candidate.term.name}），重复填写；请删去其中一行",
        )
    conflict = person.conflict(data)
    if conflict is None:
        return None
    name, value, row = conflict
    return Rejection(
        candidate.row, header[name],
        f"与第{row}行是同一人，但{header[name]}不同（第{row}行为“{_shown(value)}”）；同一人的个人信息应一致",
    )


# --- writing ------------------------------------------------------------------------------------


class _References:
    """届次, 代表小组 and 联络站 by name, created when the database does not know them yet
    (an office importing its roster expects that), each creation told in the notes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.notes: list[str] = []
        terms = list(session.scalars(select(Term)))
        groups = list(session.scalars(select(DeputyGroup)))
        stations = list(session.scalars(select(LiaisonStation)))
        people = session.scalars(select(Deputy).options(
            selectinload(Deputy.mandates).selectinload(Mandate.status_changes)))
        # Held here so the session's (weak) identity map keeps them: nothing is queried again
        # row by row, and the roster's mandates with their history come in three queries.
        self._loaded: list[object] = [*terms, *groups, *stations, *people]
        self._terms = {t.ordinal: t.id for t in terms}
        self._groups = {name_key(g.name): g.id for g in groups}
        self._stations = {name_key(s.name): s.id for s in stations}

    def term(self, ref: TermRef) -> int:
        if ref.ordinal not in self._terms:
            term = Term(ordinal=ref.ordinal, start_year=ref.start_year, end_year=ref.end_year,
                        is_current=False)
            self.session.add(term)
            self.session.flush()
            self._loaded.append(term)
            self._terms[ref.ordinal] = term.id
            years = (f"（{ref.start_year}—{ref.end_year}）" if ref.start_year
                     else "，起止年份未知，请到设置中补充")
            self.notes.append(f"新建届次“{ref.name}”{years}")
        return self._terms[ref.ordinal]

    def group(self, name: str) -> int | None:
        key = name_key(name)
        if not key:
            return None
        if key not in self._groups:
            group = DeputyGroup(name=name, notes="")
            self.session.add(group)
            self.session.flush()
            self._loaded.append(group)
            self._groups[key] = group.id
            self.notes.append(f"新建代表小组“{name}”")
        return self._groups[key]

    def station(self, name: str) -> int | None:
        key = name_key(name)
        if not key:
            return None
        if key not in self._stations:
            station = LiaisonStation(name=name, address="")
            self.session.add(station)
            self.session.flush()
            self._loaded.append(station)
            self._stations[key] = station.id
            self.notes.append(f"新建联络站“{name}”")
        return self._stations[key]


def _keep_known(
    data: DeputyInput, deputy: Deputy | None, mandate: Mandate | None, present: frozenset[str]
) -> DeputyInput:
    """What the file does not say stays as it is: columns absent from the file, a blank ID
    number of a person on record, and 补选 (no column for it)."""
    changes: dict[str, Any] = {}
    if deputy is not None:
        if not data.id_number and deputy.id_number:
            changes["id_number"] = deputy.id_number
        for name in PERSON_FIELDS:
            if name not in present and not getattr(data, name):
                kept = getattr(deputy, name)
                changes[name] = kept if name == "birth_date" else kept or ""
    if mandate is not None:
        changes["by_election"] = mandate.by_election
        for name in _MANDATE_FIELDS:
            if name not in present:
                changes[name] = getattr(mandate, name)
        if "status" not in present and "left_on" not in present:
            changes["status"], changes["left_on"] = mandate.status, mandate.left_on
    return replace(data, **changes)


def _write(
    session: Session, actor: Actor, candidates: list[_Candidate], present: frozenset[str],
    progress: Progress,
) -> tuple[UpsertResult, list[str]]:
    references = _References(session)
    result = UpsertResult()
    total = len(candidates)
    for done, candidate in enumerate(candidates, start=1):
        report_progress(progress, done, total, f"正在写入第{candidate.row}行")
        data = replace(
            candidate.data, term_id=references.term(candidate.term),
            group_id=references.group(candidate.group),
            station_id=references.station(candidate.station),
        )
        deputy = find_person(session, data)
        mandate = None if deputy is None else next(
            (m for m in deputy.mandates if m.term_id == data.term_id), None)
        upsert_in_session(session, actor, _keep_known(data, deputy, mandate, present), result)
    return result, references.notes


# --- import -------------------------------------------------------------------------------------


class _DryRunDone(Exception):
    """Raised at the end of a dry run to roll back everything the run wrote."""

    def __init__(self, result: UpsertResult, notes: list[str]) -> None:
        super().__init__("dry run")
        self.result, self.notes = result, notes


def _check_rows(sheet: Sheet, progress: Progress) -> tuple[list[_Candidate], list[Rejection]]:
    candidates: list[_Candidate] = []
    rejections: list[Rejection] = []
    header = _headers(sheet)
    total = len(sheet.rows)
    progress.report(0, total, "正在校验")
    for done, sheet_row in enumerate(sheet.rows, start=1):
        report_progress(progress, done, total, f"正在校验第{sheet_row.row}行")
        parsed = _parse_row(sheet_row, header)
        if isinstance(parsed, list):
            rejections.extend(parsed)
        else:
            candidates.append(parsed)
    kept, duplicates = _check_across_rows(candidates, header)
    rejections.extend(duplicates)
    order = {text: _FIELD_ORDER[name] for name, text in header.items()}
    rejections.sort(key=lambda r: (r.row, order.get(r.column, len(order))))
    return kept, rejections


def import_file(
    db: Database, actor: Actor, path: Path, dry_run: bool = False,
    progress: Progress = NO_PROGRESS,
) -> ImportOutcome:
    """Check every row; write the valid ones in one transaction, refuse the others with row,
    column and reason. A dry run runs the very same code and rolls back, so it tells exactly
    what the import would do."""
    sheet = read_sheet(path, COLUMNS)
    candidates, rejections = _check_rows(sheet, progress)
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
) -> tuple[UpsertResult, list[str]]:
    if not candidates:
        return UpsertResult(), []
    if dry_run:
        return _dry_run(db, actor, candidates, sheet.fields, progress)
    rejected_rows = len({r.row for r in rejections})
    with unit_of_work(db, actor, AUDIT_ACTION, "mandate") as change:
        result, notes = _write(change.session, actor, candidates, sheet.fields, progress)
        change.summary = (
            f"导入代表名册“{path.name}”：新增{result.created}条，更新{result.updated}条，"
            f"未变{result.unchanged}条，拒绝{rejected_rows}行"
        )
        change.after = {"file": str(path), "created": result.created, "updated": result.updated,
                        "unchanged": result.unchanged, "rejected_rows": rejected_rows,
                        "notes": notes}
    return result, notes


def _dry_run(
    db: Database, actor: Actor, candidates: list[_Candidate], present: frozenset[str],
    progress: Progress,
) -> tuple[UpsertResult, list[str]]:
    """The same writes as the import, rolled back: nothing kept, not even an audit entry."""
    try:
        with db.transaction() as session:
            raise _DryRunDone(*_write(session, actor, candidates, present, progress))
    except _DryRunDone as done:
        return done.result, done.notes
    except OperationalError as exc:
        raise StorageFailure(storage_message(exc)) from exc
