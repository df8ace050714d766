"""What every Excel ledger shares: reading the first sheet, matching headers, parsing the cells
people really type, the rejection report, and writing sheets staff can keep working in.

Staff files come from Excel and WPS with title rows, stray spaces, full-width characters, `*` on
required headers and numbers Excel mangled; everything here is tolerant of that, and says in
Chinese exactly what it could not understand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import digits
from typing import IO, Literal, Protocol, TypeVar
from xml.parsers import expat

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from presidium_app.domain.validators import InvalidValue, normalize_text, parse_date
from presidium_app.services.audit import Actor, log_event
from presidium_app.services.errors import PermissionDenied, ServiceError, StorageFailure
from presidium_app.services.permissions import permission_for, require
from presidium_app.services.progress import NO_PROGRESS, Cancelled, Progress
from presidium_app.storage.database import Database
from presidium_app.storage.files import discard_sheet, file_error_message

T = TypeVar("T")

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
PROGRESS_STEP = 50
HEADER_SEARCH_ROWS = 10
LAST_EXCEL_ROW = 1048576
REQUIRED_MARK = "*"


# --- outcome and errors -------------------------------------------------------------------------


class LedgerUnreadable(ServiceError):
    """The file cannot be read as a ledger at all (missing, not .xlsx, required columns absent)."""

    exit_code = 2


class LedgerNotWritten(ServiceError):
    """The output file could not be written (folder missing, file open in Excel, disk full)."""


@dataclass(frozen=True)
class Rejection:
    """One problem of one row: `row` as Excel shows it, `column` the header, `reason` in Chinese."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did (or, for a dry run, would do)."""

    imported: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        """Rows refused (a row with several problems has several rejections)."""
        return len({r.row for r in self.rejections})


class Ledger(Protocol):
    """What the command line and the UI call on a ledger kind (a module satisfies it)."""

    KIND: str
    TITLE: str

    def write_template(self, path: Path) -> None: ...

    def import_file(
        self, db: Database, actor: Actor, path: Path, dry_run: bool = False,
        progress: Progress = NO_PROGRESS,
    ) -> ImportOutcome: ...

    def export_file(
        self, db: Database, actor: Actor, path: Path, year: int | None = None,
        progress: Progress = NO_PROGRESS,
    ) -> int: ...


def logged_export(db: Database, actor: Actor, kind: str, title: str, path: Path, year: int | None,
                  write: Callable[[], int]) -> int:
    """Run `write` (which saves the file and returns its row count) as the export of a ledger:
    the role must allow 导入导出台账 (else PermissionDenied, no file, a failed entry in the log), and
    the export is logged as `export.<kind>` with the file and the count. A file that could not be
    written is logged as a failure; an export the log cannot record is removed again."""
    action = f"export.{kind}"
    what = f"{title}（{year}年）" if year is not None else title
    try:
        require(actor.role, permission_for(action))
    except PermissionDenied as exc:
        with contextlib.suppress(StorageFailure):
            log_event(db, actor, action, "ledger", summary=f"导出{what}被拒绝：{exc.message}",
                      success=False)
        raise
    try:
        count = write()
    except Cancelled:
        raise
    except ServiceError as exc:
        with contextlib.suppress(StorageFailure):
            log_event(db, actor, action, "ledger", summary=f"导出{what}失败：{exc.message}", success=False,
                      after={"file": path.name, "folder": str(path.resolve().parent)})
        raise
    after: dict[str, object] = {"file": path.name, "folder": str(path.resolve().parent), "rows": count}
    if year is not None:
        after["year"] = year
    try:
        log_event(db, actor, action, "ledger", summary=f"导出{what} {count} 条：{path.name}", after=after)
    except StorageFailure:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return count


def default_report_path(input: Path) -> Path:
    """名册.xlsx → 名册.errors.xlsx, next to the input, where staff will look for it."""
    return input.with_name(f"{input.stem}.errors.xlsx")


def report_progress(progress: Progress, done: int, total: int, text: str) -> None:
    """Report every PROGRESS_STEP rows and at the end: often enough to cancel, rarely enough to
    cost nothing."""
    if done % PROGRESS_STEP == 0 or done == total:
        progress.report(done, total, text)


# --- columns and headers ------------------------------------------------------------------------

CellKind = Literal["text", "date", "code"]


@dataclass(frozen=True)
class Column:
    """One column of a ledger: its header, the field it fills, and how it is written.

    `code` columns (ID and phone numbers) are text cells, so Excel never turns them into numbers.
    """

    header: str
    field: str
    required: bool = False
    kind: CellKind = "text"
    width: float = 12
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    help: str = ""
    example: str = ""

    @property
    def title(self) -> str:
        """The header text in files: required columns carry `*`, so staff see what to fill."""
        return self.header + REQUIRED_MARK if self.required else self.header


def header_key(text: object) -> str:
    """The comparable form of a header: half-width, no spaces, no `*` or （必填） marks."""
    key = unicodedata.normalize("NFKC", str(text or ""))
    key = re.sub(r"\s", "", key).replace("(必填)", "")
    return key.strip("*")


@dataclass(frozen=True)
class SheetRow:
    """One non-blank data row: the Excel row number and the raw cell values by field."""

    row: int
    values: dict[str, object]

    def get(self, field_name: str) -> object:
        return self.values.get(field_name)


@dataclass(frozen=True)
class Sheet:
    """The first sheet of a ledger file, its headers matched to fields. `headers` gives each
    field's header as the file writes it (without `*`), so a rejection names the column staff
    see, even under an alias such as 身份证号."""

    rows: list[SheetRow]
    fields: frozenset[str]
    unknown_columns: list[str]
    header_row: int
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, column: Column) -> str:
        return self.headers.get(column.field, column.header)


# --- reading ------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_ZIP_MAGIC = b"PK"


def read_sheet(path: Path, columns: Sequence[Column]) -> Sheet:
    """The first sheet of an .xlsx ledger; LedgerUnreadable (naming the file) when it is not one
    or lacks a required column."""
    _check_file(path)
    try:
        with path.open("rb") as handle:
            grid = _read_first_sheet(handle)
    except OSError as exc:
        raise LedgerUnreadable(f"无法读取文件“{path}”：{exc.strerror or exc}") from exc
    except Exception as exc:  # openpyxl raises many kinds of errors for a damaged file
        raise LedgerUnreadable(
            f"文件“{path}”无法作为Excel工作簿打开（可能已损坏），请在Excel/WPS中打开并另存为.xlsx后重试"
        ) from exc
    return _parse_grid(path, grid, columns)


def _check_file(path: Path) -> None:
    """Catch the usual wrong files early, with a message that says what to do."""
    if not path.exists():
        raise LedgerUnreadable(f"文件不存在：“{path}”")
    if path.is_dir():
        raise LedgerUnreadable(f"“{path}”是文件夹，不是Excel文件")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise LedgerUnreadable(f"无法读取文件“{path}”：{exc.strerror or exc}") from exc
    if head.startswith(_OLE_MAGIC):
        raise LedgerUnreadable(
            f"文件“{path}”是旧版.xls格式或设置了打开密码，请在Excel/WPS中取消密码并另存为.xlsx后重试"
        )
    if not head.startswith(_ZIP_MAGIC):
        if path.suffix.lower() in (".csv", ".txt"):
            raise LedgerUnreadable(f"文件“{path}”是CSV或文本文件，请在Excel/WPS中打开并另存为.xlsx后重试")
        raise LedgerUnreadable(
            f"文件“{path}”不是有效的.xlsx文件（可能已损坏，或是改了扩展名的CSV等其他文件），"
            "请在Excel/WPS中打开并另存为.xlsx后重试"
        )


def _read_first_sheet(handle: IO[bytes]) -> list[tuple[object, ...]]:
    """Every row of the first sheet as values, as openpyxl's read-only sheet gives them with its
    size reset (WPS and other writers sometimes record a wrong one), read in one go so the file
    is closed after. openpyxl reads the workbook's small parts (which part is the first sheet, the
    shared strings, the date styles); the sheet itself is parsed here in one pass
    (`_SheetValues`): openpyxl's read-only sheet parses a sheet that records no size (as
    openpyxl's write-only mode saves them) twice, and builds objects for every text cell, which
    tripled the time at 10^5 cells."""
    reader = ExcelReader(handle, read_only=True, data_only=True)
    try:  # the steps of `load_workbook`, except reading every sheet
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        for _sheet, rel in reader.parser.find_sheets():  # the first worksheet, as `load_workbook` finds it
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                book = reader.wb
                values = _SheetValues(reader.shared_strings, book.epoch, book._date_formats,
                                      book._timedelta_formats)
                with reader.archive.open(rel.target) as source:
                    return values.parse(source)
        return []
    finally:
        reader.archive.close()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"  # expat's "namespace}name"
_ROW, _VALUE, _INLINE = _MAIN + "row", _MAIN + "v", _MAIN + "is"


# The sheet's XML is inflated and parsed this much at a time, not in ParseFile's 2 KB reads: each
# read lets go of the GIL (zlib, the file) and takes it straight back, and with reads a few ms apart
# the UI thread's wait for the GIL never came to ask for it (see ui.operations): the window froze
# while a large ledger was read. A piece takes ~30 ms to parse, in Python that hands the GIL over.
_SHEET_CHUNK = 1 << 18


class _SheetValues:
    """The rows of a worksheet's XML as values, cell for cell as openpyxl's read-only sheet gives
    them (`data_only`, `values_only`, size reset): numbers as int or float, or as dates by their
    style; shared strings; an inline string as its text and its runs' text (not phonetic runs);
    booleans; errors as their text; formulas as their cached value. A row is as long as its last
    cell's column; a row missing from the file is (). Parsed by expat's callbacks, building no
    element tree (the callbacks are written for speed: they run for each of 10^5 cells)."""

    def __init__(self, strings: Sequence[str], epoch: dt.datetime, date_styles: Container[object],
                 timedelta_styles: Container[object]) -> None:
        self.strings = strings
        self.epoch = epoch
        self.date_styles = date_styles
        self.timedelta_styles = timedelta_styles
        self.rows: list[tuple[object, ...]] = []
        self.next_row = 1  # the number of the next row to give
        self.depth = 0  # of the element open
        self.row_depth = 0  # of the <row> open, 0: none
        self.row_number = 0
        self.cells: list[tuple[int, object]] = []
        self.column = 0
        self.columns: dict[str, int] = {}  # column letters → number
        self.kind = "n"
        self.style: int | str = 0
        self.value: list[str] | None = None  # the text of the cell's first <v>
        self.inline = 0  # the cell's first <is>: 0 not seen, 1 open, 2 read
        self.plain: list[str] | None = None  # its <t>
        self.runs: list[list[str] | None] = []  # the <t> of each of its <r>
        self.run_open = False
        self.target: list[str] | None = None  # where character data goes

    def parse(self, source: IO[bytes]) -> list[tuple[object, ...]]:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        for chunk in iter(lambda: source.read(_SHEET_CHUNK), b""):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
        return self.rows

    def _text(self, data: str) -> None:
        if self.target is not None:
            self.target.append(data)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.target = None  # an element's text is what comes before its first child
        depth = self.depth = self.depth + 1
        level = depth - self.row_depth if self.row_depth else -1
        if level == 1:  # a cell
            self.kind = attributes.get("t", "n")
            style = attributes.get("s", 0)
            self.style = int(style) if style else style
            coordinate = attributes.get("r")
            if coordinate:
                letters = coordinate.rstrip(digits)
                column = self.columns.get(letters)
                self.column = (column if column is not None and len(letters) < len(coordinate)
                               else self._column(coordinate, letters))
            else:
                self.column += 1
            self.value = None
            if self.inline:
                self.inline = 0
                self.plain = None
                self.runs = []
                self.run_open = False
        elif level == 2:
            if name == _VALUE and self.value is None:
                self.value = self.target = []
            elif name == _INLINE and not self.inline:
                self.inline = 1
        elif level == -1:
            if name == _ROW:
                self._open_row(attributes)
        elif self.inline == 1:  # openpyxl's `Text` takes the children of <is> by local name
            local = name.rpartition("}")[2]
            if level == 3 and local == "t":
                self.plain = self.target = []
            elif level == 3 and local == "r":
                self.runs.append(None)
                self.run_open = True
            elif level == 4 and local == "t" and self.run_open:
                self.runs[-1] = self.target = []

    def _end(self, _name: str) -> None:
        self.target = None
        depth = self.depth
        self.depth = depth - 1
        if not self.row_depth:
            return
        level = depth - self.row_depth
        if level == 1:  # a cell
            value: object = None
            if self.kind == "inlineStr":
                if self.inline:
                    value = "".join(self.plain or ()) + "".join("".join(run) for run in self.runs if run)
            elif self.value:
                value = self._typed("".join(self.value))
            self.cells.append((self.column, value))
        elif level == 0:
            self._close_row()
        elif level == 2:
            if self.inline == 1:
                self.inline = 2
        elif level == 3:
            self.run_open = False

    def _column(self, coordinate: str, letters: str) -> int:
        """The column of A12 as openpyxl's `coordinate_to_tuple` reads it (or refuses it); kept by
        its letters, so the next cells of the column are looked up."""
        column = coordinate_to_tuple(coordinate)[1]
        if letters != coordinate and not any(c in digits for c in letters):
            self.columns[letters] = column
        return column

    def _typed(self, text: str) -> object:
        if self.kind == "n":
            number = float(text) if "." in text or "E" in text or "e" in text else int(text)
            if self.style not in self.date_styles:
                return number
            try:
                return from_excel(number, self.epoch, timedelta=self.style in self.timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"  # openpyxl's value for a date out of range
        if self.kind == "s":
            return self.strings[int(text)]
        if self.kind == "b":
            return bool(int(text))
        if self.kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text), "e" (an error such as #N/A)

    def _open_row(self, attributes: dict[str, str]) -> None:
        self.row_depth = self.depth
        number = attributes.get("r")
        if number is None:
            self.row_number += 1
        else:
            try:
                self.row_number = int(number)
            except ValueError:
                value = float(number)
                if not value.is_integer():
                    raise ValueError(f"{number} is not a valid row number") from None
                self.row_number = int(value)
        self.column = 0
        self.cells = []

    def _close_row(self) -> None:
        self.row_depth = 0
        while self.next_row < self.row_number:
            self.rows.append(())
            self.next_row += 1
        if self.next_row == self.row_number:  # a row repeated or out of order is skipped
            self.rows.append(self._row_values())
            self.next_row += 1

    def _row_values(self) -> tuple[object, ...]:
        if not self.cells:
            return ()
        width = self.cells[-1][0]
        values: list[object] = [None] * width
        for column, value in self.cells:
            if 1 <= column <= width:
                values[column - 1] = value
        return tuple(values)


def _lookup(columns: Sequence[Column]) -> dict[str, Column]:
    table: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            table[header_key(name)] = column
    return table


def _map_header(
    cells: Sequence[object], lookup: dict[str, Column]
) -> tuple[dict[int, Column], list[str], list[tuple[Column, int, int]]]:
    """Column index → Column for one candidate header row, plus unknown and repeated headers."""
    mapping: dict[int, Column] = {}
    unknown: list[str] = []
    repeated: list[tuple[Column, int, int]] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = normalize_text(cell)
        if not text:
            continue
        column = lookup.get(header_key(text))
        if column is None:
            unknown.append(text)
        elif column.field in seen:
            repeated.append((column, seen[column.field], index))
        else:
            seen[column.field] = index
            mapping[index] = column
    return mapping, unknown, repeated


def _parse_grid(path: Path, grid: list[tuple[object, ...]], columns: Sequence[Column]) -> Sheet:
    lookup = _lookup(columns)
    required = [c for c in columns if c.required]
    best: tuple[int, dict[int, Column], list[str], list[tuple[Column, int, int]]] | None = None
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        mapping, unknown, repeated = _map_header(cells, lookup)
        found = {c.field for c in mapping.values()}
        if all(c.field in found for c in required):
            best = (index, mapping, unknown, repeated)
            break
        if best is None or len(mapping) > len(best[1]):
            best = (index, mapping, unknown, repeated)
    index, mapping, unknown, repeated = best if best else (0, {}, [], [])
    found = {c.field for c in mapping.values()}
    missing = [c.header for c in required if c.field not in found]
    if missing:
        raise LedgerUnreadable(
            f"文件“{path}”缺少必填列：{'、'.join(missing)}（第一个工作表的第一行应为列名，可参照模板）"
        )
    if repeated:
        column, first, second = repeated[0]
        raise LedgerUnreadable(
            f"文件“{path}”中“{column.header}”列出现了两次（第{get_column_letter(first + 1)}列和"
            f"第{get_column_letter(second + 1)}列），请删去其中一列"
        )
    rows = [SheetRow(number, values) for number, values in _data_rows(grid, index, mapping)]
    headers = {c.field: header_key(grid[index][i]) for i, c in mapping.items()}
    return Sheet(rows, frozenset(found), unknown, index + 1, headers)


def _data_rows(
    grid: list[tuple[object, ...]], header_index: int, mapping: dict[int, Column]
) -> Iterable[tuple[int, dict[str, object]]]:
    """Rows under the header with something in a known column (a 序号 alone is not a row)."""
    for index in range(header_index + 1, len(grid)):
        cells = grid[index]
        values = {c.field: cells[i] if i < len(cells) else None for i, c in mapping.items()}
        if any(not is_blank(v) for v in values.values()):
            yield index + 1, values


# --- cells --------------------------------------------------------------------------------------


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not normalize_text(value))


def cell_text(value: object) -> str:
    """Text as typed, half-width and trimmed; 13812345678.0 (a number Excel kept) → 13812345678."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    return normalize_text(value)


def cell_plain(value: object) -> str:
    """Free text kept as typed (Chinese punctuation stays full-width): notes, names of things."""
    if isinstance(value, str):
        return value.strip()
    return cell_text(value)


def name_key(name: str) -> str:
    """The comparable form of a name typed by people: 东坑片（一） and 东坑片(一 ) are the same."""
    return re.sub(r"\s", "", normalize_text(name))


def cell_code(value: object, label: str) -> str:
    """An ID or phone number. A long one Excel stored as a number (1.1E+17) has lost its last
    digits for good: refuse it and tell staff to format the column as text."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        raise InvalidValue(
            f"{label}被Excel存成了数字，后几位已丢失；请把该列设置为“文本”格式后重新录入"
        )
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return cell_text(value)


_TIME_TAIL = re.compile(r"(\S+)\s+\d{1,2}:\d{2}(?::\d{2})?")
_LAST_SERIAL = 73051  # 2100-01-01 as an Excel serial number


def cell_date(value: object) -> dt.date | None:
    """A date cell: a real Excel date, text in the forms staff write, or a number Excel left
    behind (20260305, or the serial of a date whose format was lost). Blank → None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise InvalidValue(f"无法识别的日期“{value}”")
    if isinstance(value, int | float):
        return _date_from_number(value)
    if isinstance(value, dt.time):
        raise InvalidValue("这里应填日期，不是时间")
    if isinstance(value, str):
        text = normalize_text(value)
        match = _TIME_TAIL.fullmatch(text)
        value = match.group(1) if match else text
    return parse_date(value)


def _date_from_number(value: float) -> dt.date:
    if float(value).is_integer() and 19000101 <= value <= 21001231:
        return parse_date(str(int(value)))
    if float(value).is_integer() and 1900 <= value <= 2100:
        year = int(value)
        raise InvalidValue(f"“{year}”只有年份，请填写完整日期，如{year}-03-05")
    if 1 <= value < _LAST_SERIAL:
        converted = from_excel(value)
        return converted.date() if isinstance(converted, dt.datetime) else converted
    raise InvalidValue(f"无法识别的日期“{cell_text(value)}”，请写成2026-03-05或2026年3月5日")


class RowProblems:
    """The problems of one row, collected so staff see them all at once, not one per import."""

    def __init__(self, row: int) -> None:
        self.row = row
        self.rejections: list[Rejection] = []

    def add(self, column: str, reason: str) -> None:
        self.rejections.append(Rejection(self.row, column, reason))

    def has(self, column: str) -> bool:
        return any(r.column == column for r in self.rejections)

    def __bool__(self) -> bool:
        return bool(self.rejections)

    def parse(self, column: str, parse: Callable[[object], T], value: object) -> T | None:
        """parse(value), or None with the reason recorded against the column."""
        try:
            return parse(value)
        except InvalidValue as exc:
            self.add(column, str(exc))
            return None


# --- writing ------------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FONT = Font(bold=True, color="C00000")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)


def new_workbook(title: str) -> tuple[Workbook, WriteOnlyWorksheet]:
    """A streaming (write-only) workbook: rows go to the file as they are appended, so a ledger
    of 10^4 rows keeps no 10^5 cell objects in memory (nor leaves them for a slow full garbage
    collection). Sheets are therefore written top to bottom, each row once."""
    book = Workbook(write_only=True)
    return book, book.create_sheet(title)


def _cell(sheet: WriteOnlyWorksheet, value: object, *, font: Font | None = None,
          fill: PatternFill | None = None, alignment: Alignment | None = None,
          number_format: str | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell


def write_header(sheet: WriteOnlyWorksheet, columns: Sequence[Column]) -> None:
    """Row 1: bold titles (required ones in red), frozen, sized; ID and phone columns formatted
    as text and date columns as dates, so what staff type later keeps its form."""
    for index, column in enumerate(columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.kind == "code":
            dimension.number_format = TEXT_FORMAT
        elif column.kind == "date":
            dimension.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 22
    sheet.append([_cell(sheet, c.title, font=_REQUIRED_FONT if c.required else _HEADER_FONT,
                        fill=_HEADER_FILL, alignment=_CENTER) for c in columns])


def add_dropdowns(sheet: WriteOnlyWorksheet, columns: Sequence[Column]) -> None:
    """A list to choose from for columns with fixed values (性别, 状态)."""
    for index, column in enumerate(columns, start=1):
        if not column.choices:
            continue
        letter = get_column_letter(index)
        validation = DataValidation(
            type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True,
            showErrorMessage=True, errorTitle=f"{column.header}填写有误",
            error=f"{column.header}只能是：{'、'.join(column.choices)}",
        )
        validation.add(f"{letter}2:{letter}{LAST_EXCEL_ROW}")
        sheet.data_validations.append(validation)


def write_rows(sheet: WriteOnlyWorksheet, columns: Sequence[Column],
               rows: Iterable[Sequence[object]]) -> int:
    """Data rows under the header: dates as real dates, codes as text cells. Returns the count."""
    formats = [DATE_FORMAT if c.kind == "date" else TEXT_FORMAT if c.kind == "code" else None
               for c in columns]
    count = 0
    for values in rows:
        cells: list[object] = []
        for value, number_format in zip(values, formats, strict=True):
            plain = None if value == "" else value
            cells.append(plain if number_format is None else _cell(sheet, plain, number_format=number_format))
        sheet.append(cells)
        count += 1
    return count


def write_notes_sheet(
    book: Workbook, title: str, columns: Sequence[Column], general: Sequence[str]
) -> None:
    """The sheet 填写说明: general rules, then every column with what to write and an example,
    then an example row laid out as in the ledger."""
    sheet = book.create_sheet("填写说明")
    for letter, width in (("A", 18), ("B", 10), ("C", 60), ("D", 24)):
        sheet.column_dimensions[letter].width = width
    sheet.append([_cell(sheet, f"{title}填写说明", font=Font(bold=True, size=14))])
    for line in general:
        sheet.append([_cell(sheet, line, alignment=Alignment(vertical="top"))])
    sheet.append([])
    sheet.append([_cell(sheet, text, font=_HEADER_FONT, fill=_HEADER_FILL)
                  for text in ("列名", "是否必填", "填写说明", "示例")])
    for column in columns:
        values = (column.title, "必填" if column.required else "选填", column.help, column.example)
        sheet.append([_cell(sheet, value, alignment=_WRAP) for value in values])
    sheet.append([])
    sheet.append([_cell(sheet, "示例行（仅作参考，请勿复制到名册中）：", font=_HEADER_FONT)])
    sheet.append([_cell(sheet, c.title, font=_HEADER_FONT, fill=_HEADER_FILL) for c in columns])
    sheet.append([_cell(sheet, c.example or None, number_format=TEXT_FORMAT) for c in columns])


def write_ledger(path: Path, title: str, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> int:
    """An export: header, rows and dropdowns on one sheet, saved whole or not at all."""
    book, sheet = new_workbook(title)
    write_header(sheet, columns)
    count = write_rows(sheet, columns, rows)
    add_dropdowns(sheet, columns)
    save_workbook(book, path)
    return count


def save_workbook(book: Workbook, path: Path) -> None:
    """Save through a temporary file, so a failed save never leaves half a file behind."""
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp.xlsx")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        for sheet in book.worksheets:
            discard_sheet(sheet)
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise LedgerNotWritten(file_error_message(exc, path)) from exc


def write_report(path: Path, rejections: list[Rejection]) -> None:
    """The rejection report: one line per problem (行号, 列, 原因), in sheet order, so staff can
    fix their file line by line."""
    book, sheet = new_workbook("错误报告")
    report_columns = (
        Column("行号", "row", width=8), Column("列", "column", width=16),
        Column("原因", "reason", width=80),
    )
    write_header(sheet, report_columns)
    for rejection in sorted(rejections, key=lambda r: r.row):
        sheet.append([rejection.row, rejection.column, rejection.reason])
    save_workbook(book, path)
