"""The opinions ledger (社情民意): template, import with a rejection report, and export.

A row is one item. 编号 (2026-0042) is kept as written; blank, the app numbers the item (the next
number of the year it was received, in the order received, after the numbers the file gives). A
number's year must be the year received, as the app itself numbers.

The dates of a row are the item's history, rebuilt step by step through the mailbox's own flow
(`services.mailbox.TRANSITIONS`: `register_many_in_session` for new items, in bulk, and
`apply_action_in_session` for items on record), never written around it: 登记 at 收到日期; 交办 at
交办日期 to 承办单位 with 办理期限 (blank: the settings' default); 答复 at 答复日期 with 答复内容; 反馈
and then 回访 (满意, 基本满意) or 不满意重办 (不满意) at 回访日期; 办结 at 回访日期 when the status is
已办结. 不予受理 and 转信访 are recorded at 答复日期 (blank: 收到日期) with 答复内容 as the reason
(blank: “台账导入”). A 承办单位 the directory lacks is created (told in notes).

状态 is one of the six of spec/ledgers.md. The app's two steps between reply and close have no
status of their own in the ledger: 已反馈 and 已回访 are written 已答复, and 回访日期 and 满意度 tell
how far it went. So 已答复 with a 回访日期 and 满意 is an item followed up but not closed, and a
blank status with 回访日期 and 满意 is read as 已办结 (a satisfied follow-up closes an item).
A row shows the current round of handling: the last 交办 (none once the unit returned it), the
last reply after it, and the follow-up after that reply (so an item sent back by a 不满意
follow-up is 已交办 with that reply and 回访日期/不满意, until the unit replies again). Export and the
comparison on re-import use this one view of the recorded steps, so an export imports back
unchanged and export → import → export gives the same rows. What no column holds (the 反馈 day,
assisting units, a 重办 deadline, earlier rounds) is not in the ledger: a fresh import dates 反馈
at 回访日期 and takes the 重办 deadline from the settings.

The same item is the same 编号; with 编号 blank, the same 收到日期, 反映人 and 内容. A row of an
item on record changes nothing when it shows what the app would export; a row that goes further
(now has a 答复日期, say) appends the missing steps; a row that differs from what is recorded
(other content, a recorded step missing or changed) is rejected naming the column: recorded steps
are append-only and are corrected in the app, not by a file. The ledger is internal: export writes
the submitter's full name and phone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload

from presidium_app.domain.enums import Channel, OpinionAction, OpinionStatus, Satisfaction
from presidium_app.domain.mailbox import HandlingUnit, Opinion, OpinionEvent, Submitter
from presidium_app.domain.validators import InvalidValue, split_names
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
    is_blank,
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
from presidium_app.services import settings
from presidium_app.services.activities import RosterNames
from presidium_app.services.audit import Actor, storage_message, unit_of_work
from presidium_app.services.errors import StorageFailure
from presidium_app.services.mailbox import (
    OpinionInput,
    StepInput,
    SubmitterInput,
    apply_action_in_session,
    next_status,
    register_many_in_session,
)
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.storage.database import Database

KIND = "opinions"
TITLE = "社情民意"
AUDIT_ACTION = "ledger.import.opinions"
IMPORT_NOTE = "台账导入"  # the note of 登记, and the reason of 不予受理/转信访 given none

S = OpinionStatus
A = OpinionAction

# The statuses a ledger writes, and what the app's in-between ones are written as.
LEDGER_STATUSES = (S.REGISTERED, S.ASSIGNED, S.REPLIED, S.CLOSED, S.REJECTED, S.REDIRECTED)
_WRITTEN_AS = {S.FED_BACK: S.REPLIED, S.FOLLOWED_UP: S.REPLIED}

COLUMNS: tuple[Column, ...] = (
    Column("编号", "number", kind="code", width=11, aliases=("登记编号", "条目编号"),
           help="年份-序号，如2026-0042；年份须为收到日期的年份。留空由软件按收到日期顺序编号。"
                "同一编号即同一条目。", example="2026-0042"),
    Column("收到日期", "received_on", required=True, kind="date", width=12,
           aliases=("日期", "收到时间", "登记日期", "受理日期"),
           help="可写成2026-03-05、2026/3/5、2026.3.5、2026年3月5日，也可以是Excel日期。",
           example="2026-03-05"),
    Column("来源渠道", "channel", required=True, width=10, choices=tuple(Channel.labels()),
           aliases=("来源", "渠道"), help="、".join(Channel.labels()) + "之一。", example="信箱"),
    Column("反映人", "submitter", width=10, aliases=("反映人姓名", "姓名", "来信人"),
           help="留空表示匿名。编号留空时，收到日期、反映人和内容都相同的视为同一条目。", example="陈光明"),
    Column("联系电话", "phone", kind="code", width=14, aliases=("电话", "手机号码", "联系方式"),
           help="手机或固定电话，可带空格或“-”。", example="138 1234 5678"),
    Column("所在村（社区）", "village", width=12, aliases=("所在村", "村（社区）", "村(居)", "村居"),
           help="反映人所在的村或社区。", example="东坑村"),
    Column("类别", "category", width=10, aliases=("分类", "问题类别"),
           help="如交通道路、农业农村、环境卫生、教育医疗、社会保障、基层治理、其他。", example="交通道路"),
    Column("内容", "content", required=True, width=40, aliases=("反映内容", "主要内容", "意见内容"),
           help="反映的问题或意见建议。", example="东坑村至镇区道路破损严重，雨天积水，请求维修。"),
    Column("接收代表", "deputy", width=10, aliases=("接待代表", "转交代表"),
           help="接收该条目的代表（一人），须是代表名册中的代表；名册中有同名代表时写成王伟(1234)。",
           example="张三丰"),
    Column("承办单位", "unit", width=14, aliases=("主办单位",),
           help="交办的主办单位；目录中没有的单位会自动新建。填写交办日期时必填。", example="镇交通管理站"),
    Column("交办日期", "assigned_on", kind="date", width=12, help="交办给承办单位的日期。",
           example="2026-03-06"),
    Column("办理期限", "deadline", kind="date", width=12, aliases=("期限", "办结期限"),
           help="承办单位应答复的日期；留空按“设置”中的办理期限计算。", example="2026-04-05"),
    Column("答复日期", "replied_on", kind="date", width=12,
           help="承办单位答复的日期；不予受理、转信访的条目填写告知日期（留空按收到日期）。",
           example="2026-03-30"),
    Column("答复内容", "reply", width=30, aliases=("答复情况", "办理结果", "办理情况"),
           help="答复的内容；不予受理、转信访的条目填写理由。", example="已安排维修，4月底前完工。"),
    Column("回访日期", "followed_up_on", kind="date", width=12, aliases=("回访时间",),
           help="向反映人反馈并回访的日期；须同时填写满意度。", example="2026-04-02"),
    Column("满意度", "satisfaction", width=10, choices=tuple(Satisfaction.labels()),
           aliases=("回访满意度", "满意程度"),
           help="满意、基本满意、不满意之一。不满意表示已退回承办单位重办，状态为已交办。", example="满意"),
    Column("状态", "status", width=10, choices=tuple(s.label for s in LEDGER_STATUSES),
           aliases=("办理状态",),
           help="、".join(s.label for s in LEDGER_STATUSES) + "之一；留空按所填日期确定。"
                "已反馈、已回访的条目填“已答复”，并填写回访日期和满意度。", example="已办结"),
)

_FIELD_ORDER = {c.field: i for i, c in enumerate(COLUMNS)}
_LABELS = {c.field: c.header for c in COLUMNS}

_NOTES = (
    "1. 第一个工作表“社情民意”的第一行是列名，请勿修改；列名带*的为必填列。列的顺序可以调整，"
    "多出的列会被忽略。",
    "2. 每行填写一个条目。编号相同的为同一条目；编号留空的，收到日期、反映人和内容都相同的为同一条目。"
    "重复导入同一文件不会重复登记。",
    "3. 各日期即办理过程：交办日期（须填承办单位）→答复日期→回访日期（须填满意度），日期不能倒序。"
    "满意度为不满意的，表示已退回承办单位重办。",
    "4. 状态留空时按所填日期确定；回访满意或基本满意即视为已办结。状态与日期矛盾的行不会导入。",
    "5. 已导入的条目，台账中新增的办理步骤（如补填了答复日期）会追加到软件中；已记录的步骤不能通过"
    "台账修改，请在软件中处理。",
    "6. 有错误的行不会导入，软件会生成错误报告（行号、列、原因），改正后重新导入即可。",
)


# --- the steps of one item and what a row shows of them -------------------------------------------


@dataclass(frozen=True)
class _Step:
    """One step of the flow as the ledger knows it (a recorded event, or one a row asks for)."""

    action: OpinionAction
    at: dt.date
    to_status: OpinionStatus
    unit: str = ""
    deadline: dt.date | None = None
    note: str = ""
    reason: str = ""
    satisfaction: Satisfaction | None = None


@dataclass(frozen=True)
class _View:
    """What a row shows of an item's steps (see the module's docstring); `status` is the app's."""

    assigned_on: dt.date | None = None
    unit: str = ""
    deadline: dt.date | None = None
    replied_on: dt.date | None = None
    reply: str = ""
    followed_up_on: dt.date | None = None
    satisfaction: Satisfaction | None = None
    status: OpinionStatus = S.REGISTERED


def ledger_status(status: OpinionStatus) -> OpinionStatus:
    """The status a ledger writes: 已反馈 and 已回访 are 已答复."""
    return _WRITTEN_AS.get(status, status)


def _view(steps: Sequence[_Step]) -> _View:
    """The current round: the last 交办 (none after a 退回), its reply, that reply's follow-up."""
    assign: _Step | None = None
    reply: _Step | None = None
    visit: _Step | None = None
    for step in steps:
        if step.action == A.ASSIGN:
            assign, reply, visit = step, None, None
        elif step.action == A.UNIT_RETURN:
            assign, reply, visit = None, None, None
        elif step.action == A.REPLY:
            reply, visit = step, None
        elif step.action in (A.FOLLOW_UP, A.REDO):
            visit = step
        elif step.action in (A.REJECT, A.REDIRECT):
            reply = step
    return _View(
        assigned_on=assign.at if assign else None, unit=assign.unit if assign else "",
        deadline=assign.deadline if assign else None, replied_on=reply.at if reply else None,
        reply=(reply.note if reply.action == A.REPLY else reply.reason) if reply else "",
        followed_up_on=visit.at if visit else None, satisfaction=visit.satisfaction if visit else None,
        status=steps[-1].to_status if steps else S.REGISTERED,
    )


def _shown(view: _View, name: str) -> str:
    """A field of a view as a cell shows it, for messages and comparisons."""
    value = getattr(view, name)
    if name == "status":
        return str(ledger_status(value).label)
    if isinstance(value, Satisfaction):
        return str(value.label)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


_HANDLING = frozenset({"assigned_on", "replied_on", "followed_up_on", "status"})


def _differences(row: _View, stored: _View, present: frozenset[str]) -> list[str]:
    """The fields where a row's view and the recorded one differ. A column the file lacks, and a
    blank 办理期限 (the default), say nothing and differ from nothing; nor does the status of a
    file with no column of the handling at all."""
    found = []
    for item in fields(_View):
        name = item.name
        if name not in present and (name != "status" or not present & _HANDLING):
            continue
        if name == "deadline" and row.deadline is None:
            continue
        if name == "unit":
            if name_key(row.unit) != name_key(stored.unit):
                found.append(name)
        elif _shown(row, name) != _shown(stored, name):
            found.append(name)
    return found


# --- template and export ------------------------------------------------------------------------


def write_template(path: Path) -> None:
    """An empty ledger with the header row, the dropdowns and the sheet 填写说明."""
    book, sheet = new_workbook(TITLE)
    write_header(sheet, COLUMNS)
    add_dropdowns(sheet, COLUMNS)
    write_notes_sheet(book, TITLE, COLUMNS, _NOTES)
    save_workbook(book, path)


def _stored_steps(events: Iterable[Any], units: dict[int, str]) -> list[_Step]:
    """The recorded steps (OpinionEvent objects, or rows of their columns) as the ledger knows them."""
    return [
        _Step(e.action, e.at, e.to_status,
              unit=units.get(e.lead_unit_id, "") if e.lead_unit_id is not None else "",
              deadline=e.deadline, note=e.note, reason=e.reason, satisfaction=e.satisfaction)
        for e in events
    ]


def _unit_names(session: Session) -> dict[int, str]:
    return {unit_id: name for unit_id, name in session.execute(select(HandlingUnit.id, HandlingUnit.name))}


def export_file(
    db: Database, actor: Actor, path: Path, year: int | None = None, progress: Progress = NO_PROGRESS
) -> int:
    """Every item (received in `year`, when given) as a ledger row, by number."""
    return logged_export(db, actor, KIND, TITLE, path, year, lambda: _write_export(db, path, year, progress))


def _write_export(db: Database, path: Path, year: int | None, progress: Progress) -> int:
    """Two plain queries (the items with their submitters; every step of them, in order), not
    ORM objects: a year of a large township is 10^4 items and 6·10^4 steps."""
    where = ([] if year is None
             else [Opinion.received_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31))])
    items = (select(Opinion.id, Opinion.year, Opinion.seq, Opinion.received_on, Opinion.channel,
                    Submitter.name, Submitter.phone, Opinion.village, Opinion.category, Opinion.content,
                    Opinion.receiving_deputy_id)
             .outerjoin(Submitter, Submitter.id == Opinion.submitter_id).where(*where)
             .order_by(Opinion.year, Opinion.seq))
    events = (select(OpinionEvent.opinion_id, OpinionEvent.action, OpinionEvent.at, OpinionEvent.to_status,
                     OpinionEvent.lead_unit_id, OpinionEvent.deadline, OpinionEvent.note,
                     OpinionEvent.reason, OpinionEvent.satisfaction)
              .join(Opinion, Opinion.id == OpinionEvent.opinion_id).where(*where).order_by(OpinionEvent.id))
    rows = []
    with db.session() as session:
        names = RosterNames(session)
        units = _unit_names(session)
        steps: dict[int, list[Any]] = defaultdict(list)
        for event in session.execute(events):
            steps[event.opinion_id].append(event)
        found = session.execute(items).all()
    total = len(found)
    for done, item in enumerate(found, start=1):
        report_progress(progress, done, total, f"正在导出第{done}条")
        view = _view(_stored_steps(steps[item.id], units))
        values: dict[str, object] = {
            "number": f"{item.year}-{item.seq:04d}", "received_on": item.received_on,
            "channel": item.channel.label, "submitter": item.name or "", "phone": item.phone or "",
            "village": item.village, "category": item.category, "content": item.content,
            "deputy": names.label(item.receiving_deputy_id) if item.receiving_deputy_id else "",
            "unit": view.unit, "assigned_on": view.assigned_on, "deadline": view.deadline,
            "replied_on": view.replied_on, "reply": view.reply, "followed_up_on": view.followed_up_on,
            "satisfaction": view.satisfaction.label if view.satisfaction else "",
            "status": ledger_status(view.status).label,
        }
        rows.append([values[c.field] for c in COLUMNS])
    return write_ledger(path, TITLE, COLUMNS, rows)


# --- reading one row ----------------------------------------------------------------------------

_NUMBER = re.compile(r"(\d{4})\s*[-—–_/.]\s*(\d{1,4})")
_PHONE = re.compile(r"[0-9+\-() 转]+")


def parse_number(value: object) -> tuple[int, int] | None:
    """2026-0042 → (2026, 42); blank → None (the app numbers it)."""
    if is_blank(value):
        return None
    if isinstance(value, dt.date):
        raise InvalidValue("编号被Excel识别成了日期；请把该列设置为“文本”格式后重新录入，如2026-0042")
    text = cell_text(value)
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise InvalidValue(f"无法识别的编号“{text}”，应写成年份-序号，如2026-0042，或留空由软件编号")
    year, seq = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100 or seq < 1:
        raise InvalidValue(f"编号“{text}”不合理，应写成年份-序号，如2026-0042")
    return year, seq


def parse_channel(value: object) -> Channel:
    text = cell_text(value)
    if not text:
        raise InvalidValue("请填写来源渠道")
    channel = Channel.from_label(text)
    if not isinstance(channel, Channel):
        raise InvalidValue(f"未知的来源渠道“{text}”，应为{'、'.join(Channel.labels())}之一")
    return channel


def parse_satisfaction(value: object) -> Satisfaction | None:
    text = cell_text(value)
    if not text:
        return None
    found = Satisfaction.from_label(text)
    if not isinstance(found, Satisfaction):
        raise InvalidValue(f"未知的满意度“{text}”，应为{'、'.join(Satisfaction.labels())}之一")
    return found


def parse_status(value: object) -> OpinionStatus | None:
    text = cell_text(value)
    if not text:
        return None
    found = OpinionStatus.from_label(text)
    if found in (S.FED_BACK, S.FOLLOWED_UP):
        raise InvalidValue(f"台账中不用“{text}”：请填“已答复”，并填写回访日期和满意度")
    if not isinstance(found, OpinionStatus):
        labels = "、".join(s.label for s in LEDGER_STATUSES)
        raise InvalidValue(f"未知的状态“{text}”，应为{labels}之一，或留空按日期确定")
    return found


def parse_phone(value: object) -> str:
    """A phone as written (spaces and dashes kept, so an export comes back the same)."""
    text = re.sub(r"\s+", " ", cell_code(value, "联系电话"))
    if text and (not _PHONE.fullmatch(text) or not re.search(r"\d", text)):
        raise InvalidValue(f"无法识别的联系电话“{text}”，只能包含数字、空格和“-”")
    if len(text) > 20:
        raise InvalidValue("联系电话过长（最多20位）")
    return text


def parse_deadline(value: object) -> dt.date | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 1000:
        raise InvalidValue("办理期限应填写日期（如2026-04-05）；留空则按设置中的办理期限计算")
    return cell_date(value)


def _phone_key(phone: str) -> str:
    return re.sub(r"[\s\-()]", "", phone)


@dataclass
class _Row:
    """A row that passed its own checks: the item's registration and the steps it shows."""

    row: int
    number: tuple[int, int] | None
    received_on: dt.date
    channel: Channel
    submitter: str
    phone: str
    village: str
    category: str
    content: str
    deputy_id: int | None
    unit: str
    plan: list[_Step] = field(default_factory=list)

    @property
    def identity(self) -> tuple[dt.date, str, str]:
        return self.received_on, self.submitter, self.content

    def input(self) -> OpinionInput:
        person = SubmitterInput(self.submitter, self.phone) if self.submitter or self.phone else None
        return OpinionInput(
            received_on=self.received_on, channel=self.channel, content=self.content, submitter=person,
            village=self.village, category=self.category, receiving_deputy_id=self.deputy_id,
            note=IMPORT_NOTE, number=self.number)


@dataclass
class _Dates:
    """The handling columns of a row, parsed."""

    received_on: dt.date
    unit: str
    assigned_on: dt.date | None
    deadline: dt.date | None
    replied_on: dt.date | None
    reply: str
    followed_up_on: dt.date | None
    satisfaction: Satisfaction | None
    status: OpinionStatus | None


def _deputy(value: object, names: RosterNames) -> int | None:
    found = split_names(cell_text(value))
    if not found:
        return None
    if len(found) > 1:
        raise InvalidValue("接收代表只能填写一位代表")
    name, tail = found[0]
    return names.resolve(name, tail)


def _parse_row(sheet_row: SheetRow, header: dict[str, str], names: RosterNames,
               today: dt.date) -> _Row | list[Rejection]:
    """One row checked on its own: every problem found, or the row with its steps."""
    problems = RowProblems(sheet_row.row)
    get = sheet_row.get

    number = problems.parse(header["number"], parse_number, get("number"))
    received = problems.parse(header["received_on"], cell_date, get("received_on"))
    if received is None and not problems.has(header["received_on"]):
        problems.add(header["received_on"], "请填写收到日期")
    channel = problems.parse(header["channel"], parse_channel, get("channel"))
    phone = problems.parse(header["phone"], parse_phone, get("phone")) or ""
    deputy_id = problems.parse(header["deputy"], lambda v: _deputy(v, names), get("deputy"))
    texts = {name: cell_plain(get(name)) for name in ("submitter", "village", "category", "content",
                                                      "unit", "reply")}
    for name, limit in (("submitter", 40), ("village", 60), ("category", 60), ("unit", 80)):
        if len(texts[name]) > limit:
            problems.add(header[name], f"{_LABELS[name]}过长（最多{limit}字）")
    if not texts["content"]:
        problems.add(header["content"], "请填写反映内容")
    dates = {name: problems.parse(header[name], cell_date, get(name))
             for name in ("assigned_on", "replied_on", "followed_up_on")}
    deadline = problems.parse(header["deadline"], parse_deadline, get("deadline"))
    satisfaction = problems.parse(header["satisfaction"], parse_satisfaction, get("satisfaction"))
    status = problems.parse(header["status"], parse_status, get("status"))
    if received is not None:
        if received > today:
            problems.add(header["received_on"], f"收到日期（{received.isoformat()}）晚于今天")
        elif received.year < 2000:
            problems.add(header["received_on"], "收到日期不合理（早于2000年）")
        if number is not None and number[0] != received.year:
            problems.add(header["number"], f"编号{number[0]}-{number[1]:04d}的年份与收到日期"
                                           f"（{received.isoformat()}）的年份不一致；编号的前四位应为收到日期的年份")
    unreadable = any(problems.has(header[n]) for n in ("received_on", "assigned_on", "deadline",
                                                          "replied_on", "followed_up_on", "satisfaction",
                                                          "status"))
    if received is None or unreadable:
        return problems.rejections
    row_dates = _Dates(received, texts["unit"], dates["assigned_on"], deadline, dates["replied_on"],
                       texts["reply"], dates["followed_up_on"], satisfaction, status)
    final = _check_flow(row_dates, problems, header, today)
    if problems or channel is None:
        return problems.rejections
    return _Row(sheet_row.row, number, received, channel, texts["submitter"], phone, texts["village"],
                texts["category"], texts["content"], deputy_id, texts["unit"], _plan(row_dates, final))


def _check_flow(d: _Dates, problems: RowProblems, header: dict[str, str],
                today: dt.date) -> OpinionStatus | None:
    """The dates must be a path of the flow and agree with 状态. Returns where the row ends
    beyond its dates (已办结, 不予受理, 转信访), or None when the dates say it all."""
    h = header
    before = len(problems.rejections)
    filled = {name: bool(getattr(d, name)) for name in ("unit", "assigned_on", "deadline", "replied_on",
                                                         "reply", "followed_up_on", "satisfaction")}
    for name in ("assigned_on", "replied_on", "followed_up_on"):
        day = getattr(d, name)
        if day is not None and day > today:
            problems.add(h[name], f"{h[name]}（{day.isoformat()}）晚于今天；尚未发生的步骤请不要填写")
    if d.status in (S.REJECTED, S.REDIRECTED):
        wrong = [h[n] for n in ("unit", "assigned_on", "deadline", "followed_up_on", "satisfaction")
                 if filled[n]]
        if wrong:
            problems.add(h["status"], f"状态为“{d.status.label}”的条目未交办，不应填写{'、'.join(wrong)}")
        if d.replied_on is not None and d.replied_on < d.received_on:
            problems.add(h["replied_on"], f"{h['replied_on']}（{d.replied_on.isoformat()}）早于收到日期"
                                          f"（{d.received_on.isoformat()}）")
        return d.status
    needs = (
        ("assigned_on", "unit", "unit", "填写了交办日期，请同时填写承办单位"),
        ("unit", "assigned_on", "assigned_on", "填写了承办单位，请同时填写交办日期"),
        ("deadline", "assigned_on", "deadline", "填写了办理期限，但未填写交办日期"),
        ("replied_on", "assigned_on", "replied_on", "填写了答复日期，但未填写交办日期（须先交办，才有答复）"),
        ("reply", "replied_on", "reply", "填写了答复内容，请同时填写答复日期"),
        ("followed_up_on", "replied_on", "followed_up_on",
         "填写了回访日期，但未填写答复日期（须先答复，才能回访）"),
        ("followed_up_on", "satisfaction", "satisfaction", "填写了回访日期，请同时填写满意度"),
        ("satisfaction", "followed_up_on", "followed_up_on", "填写了满意度，请同时填写回访日期"),
    )
    for given, wanted, column, reason in needs:
        if filled[given] and not filled[wanted] and not problems.has(h[column]):
            problems.add(h[column], reason)
    earlier: tuple[str, dt.date] = ("收到日期", d.received_on)
    for name in ("assigned_on", "replied_on", "followed_up_on"):
        day = getattr(d, name)
        if day is None:
            continue
        if day < earlier[1]:
            problems.add(h[name], f"{h[name]}（{day.isoformat()}）早于{earlier[0]}"
                                  f"（{earlier[1].isoformat()}）")
        earlier = (h[name], day)
    if d.deadline is not None and d.assigned_on is not None and d.deadline < d.assigned_on:
        problems.add(h["deadline"], f"{h['deadline']}（{d.deadline.isoformat()}）早于交办日期"
                                    f"（{d.assigned_on.isoformat()}）")
    if len(problems.rejections) > before:
        return None
    reason = _status_conflict(d, h)
    if reason:
        problems.add(h["status"], reason)
        return None
    satisfied = d.followed_up_on is not None and d.satisfaction != Satisfaction.DISSATISFIED
    if d.status == S.CLOSED or (d.status is None and satisfied):
        return S.CLOSED
    return None


def _status_conflict(d: _Dates, header: dict[str, str]) -> str:
    """Why 状态 contradicts the (consistent) dates, or "" when it agrees."""
    redo = d.satisfaction == Satisfaction.DISSATISFIED
    if d.status == S.REGISTERED and d.assigned_on is not None:
        later = "、".join(header[n] for n in ("assigned_on", "replied_on", "followed_up_on") if getattr(d, n))
        return f"状态为“已登记”（尚未交办），但填写了{later}；请核对状态或日期"
    if d.status == S.ASSIGNED:
        if d.assigned_on is None:
            return "状态为“已交办”，但未填写交办日期和承办单位"
        if d.replied_on is not None and not redo:
            return ("状态为“已交办”，但填写了答复日期；已答复的条目状态应为“已答复”"
                    "（回访不满意退回重办的，请填写回访日期和满意度“不满意”）")
    if d.status == S.REPLIED:
        if d.replied_on is None:
            return "状态为“已答复”，但未填写答复日期"
        if redo:
            return "满意度为“不满意”的条目已退回承办单位重办，状态应为“已交办”"
    if d.status == S.CLOSED:
        if d.replied_on is None:
            return "状态为“已办结”，但未填写答复日期（办结前须有答复和回访）"
        if d.followed_up_on is None:
            return "状态为“已办结”，但未填写回访日期和满意度（办结前须回访）"
        if redo:
            return "满意度为“不满意”的条目须退回承办单位重办，不能为“已办结”"
    return ""


def _plan(d: _Dates, final: OpinionStatus | None) -> list[_Step]:
    """The row's steps from 登记, each through `next_status` (the flow's table)."""
    steps = [_Step(A.REGISTER, d.received_on, S.REGISTERED)]

    def add(action: OpinionAction, at: dt.date, unit: str = "", deadline: dt.date | None = None,
            note: str = "", reason: str = "", satisfaction: Satisfaction | None = None) -> None:
        status = next_status(steps[-1].to_status, action)
        steps.append(_Step(action, at, status, unit, deadline, note, reason, satisfaction))

    if final in (S.REJECTED, S.REDIRECTED):
        add(A.REJECT if final == S.REJECTED else A.REDIRECT, d.replied_on or d.received_on,
            reason=d.reply or IMPORT_NOTE)
        return steps
    if d.assigned_on is not None:
        add(A.ASSIGN, d.assigned_on, unit=d.unit, deadline=d.deadline)
    if d.replied_on is not None:
        add(A.REPLY, d.replied_on, note=d.reply)
    if d.followed_up_on is not None and d.satisfaction is not None:
        add(A.FEED_BACK, d.followed_up_on)
        if d.satisfaction == Satisfaction.DISSATISFIED:
            add(A.REDO, d.followed_up_on, satisfaction=d.satisfaction)
        else:
            add(A.FOLLOW_UP, d.followed_up_on, satisfaction=d.satisfaction)
        if final == S.CLOSED:
            add(A.CLOSE, d.followed_up_on)
    return steps


def _check_rows(sheet: Sheet, header: dict[str, str], names: RosterNames, today: dt.date,
                progress: Progress) -> tuple[list[_Row], list[Rejection]]:
    rows: list[_Row] = []
    rejections: list[Rejection] = []
    total = len(sheet.rows)
    progress.report(0, total, "正在校验")
    for done, sheet_row in enumerate(sheet.rows, start=1):
        report_progress(progress, done, total, f"正在校验第{sheet_row.row}行")
        parsed = _parse_row(sheet_row, header, names, today)
        if isinstance(parsed, list):
            rejections.extend(parsed)
        else:
            rows.append(parsed)
    return rows, rejections


# --- rows against the items on record -----------------------------------------------------------

# The column whose date a step takes.
_STEP_COLUMN = {A.ASSIGN: "assigned_on", A.REPLY: "replied_on", A.REJECT: "replied_on",
                A.REDIRECT: "replied_on", A.FEED_BACK: "followed_up_on", A.FOLLOW_UP: "followed_up_on",
                A.REDO: "followed_up_on", A.CLOSE: "followed_up_on"}


@dataclass
class _Work:
    """What writing a row does: register a new item (`opinion_id` None) and take `steps`, or take
    `steps` on the item on record (none: the row is unchanged)."""

    row: _Row
    opinion_id: int | None
    steps: list[_Step]

    def order(self) -> tuple[int, int, int]:
        """Given numbers first, so a blank one never takes a number a later row gives; then
        blank ones in the order received."""
        if self.opinion_id is not None:
            return 2, self.row.row, 0
        if self.row.number is not None:
            return 0, *self.row.number
        return 1, self.row.received_on.toordinal(), self.row.row


class _OnRecord:
    """The items on record of the years the file covers, by number and by identity, and the
    units directory: loaded once for the whole file."""

    def __init__(self, session: Session, rows: list[_Row]) -> None:
        years = sorted({r.received_on.year for r in rows})
        self.units = _unit_names(session)
        self.active = {name_key(u.name): u.active for u in session.scalars(select(HandlingUnit))}
        self.by_number: dict[tuple[int, int], Opinion] = {}
        self.by_identity: dict[tuple[dt.date, str, str], list[Opinion]] = defaultdict(list)
        statement = (select(Opinion).where(Opinion.year.in_(years))
                     .options(selectinload(Opinion.events), selectinload(Opinion.submitter))
                     .order_by(Opinion.year, Opinion.seq))
        for opinion in session.scalars(statement):
            self.by_number[(opinion.year, opinion.seq)] = opinion
            name = opinion.submitter.name if opinion.submitter else ""
            self.by_identity[(opinion.received_on, name, opinion.content)].append(opinion)


def _match(session: Session, rows: list[_Row], header: dict[str, str], present: frozenset[str],
           names: RosterNames) -> tuple[list[_Work], list[Rejection]]:
    """Each row's item (on record, or new) and the steps to write; rows naming one item twice,
    or contradicting the record, are rejected."""
    record = _OnRecord(session, rows)
    works: list[_Work] = []
    rejections: list[Rejection] = []
    numbers: dict[tuple[int, int], int] = {}
    identities: dict[tuple[dt.date, str, str], int] = {}
    taken: dict[int, int] = {}  # opinion id → the row that stands for it
    for row in rows:
        problems = RowProblems(row.row)
        opinion: Opinion | None = None
        column = header["number"] if row.number else header["content"]
        if row.number is not None:
            identities.setdefault(row.identity, row.row)
            if row.number in numbers:
                problems.add(column, f"与第{numbers[row.number]}行编号相同；同一编号只能填写一行")
            else:
                numbers[row.number] = row.row
                opinion = record.by_number.get(row.number)
        elif row.identity in identities:
            problems.add(column, f"与第{identities[row.identity]}行是同一条目（收到日期、反映人和内容"
                                 "都相同），重复填写；请删去其中一行")
        else:
            identities[row.identity] = row.row
            same = record.by_identity.get(row.identity, [])
            opinion = next((o for o in same if o.id not in taken), same[0] if same else None)
        if opinion is not None and opinion.id in taken:
            problems.add(column, f"与第{taken[opinion.id]}行是同一条目（系统中的{opinion.number}）；"
                                 "请删去其中一行")
        steps: list[_Step] = []
        if not problems:
            if opinion is None:
                steps = row.plan[1:]
            else:
                taken[opinion.id] = row.row
                steps = _steps_to_add(row, opinion, record, header, present, names, problems)
        for step in steps:
            if step.action == A.ASSIGN and record.active.get(name_key(step.unit)) is False:
                problems.add(header["unit"], f"承办单位“{step.unit}”已停用；请先在承办单位目录中启用，"
                                             "或改填其他单位")
        if problems:
            rejections.extend(problems.rejections)
        else:
            works.append(_Work(row, opinion.id if opinion else None, steps))
    return works, rejections


def _steps_to_add(row: _Row, opinion: Opinion, record: _OnRecord, header: dict[str, str],
                  present: frozenset[str], names: RosterNames, problems: RowProblems) -> list[_Step]:
    """The steps a row of a recorded item adds: none when it shows what is recorded, the rest of
    its steps when it goes further, else a rejection naming the first column that differs."""
    number = opinion.number
    person = opinion.submitter
    recorded = {
        "received_on": opinion.received_on.isoformat(), "channel": opinion.channel.label,
        "submitter": person.name if person else "", "phone": person.phone if person else "",
        "village": opinion.village, "category": opinion.category, "content": opinion.content,
        "deputy": names.label(opinion.receiving_deputy_id) if opinion.receiving_deputy_id else "",
    }
    written = {
        "received_on": row.received_on.isoformat(), "channel": row.channel.label,
        "submitter": row.submitter, "phone": row.phone, "village": row.village,
        "category": row.category, "content": row.content,
        "deputy": names.label(row.deputy_id) if row.deputy_id else "",
    }
    for name, value in recorded.items():
        same = (_phone_key(value) == _phone_key(written[name]) if name == "phone"
                else opinion.receiving_deputy_id == row.deputy_id if name == "deputy"
                else value == written[name])
        if name in present and not same:
            problems.add(header[name], f"与系统中的{number}不一致：系统中为“{value or '（空）'}”，"
                                       f"本行为“{written[name] or '（空）'}”；登记信息请在软件中修改")
    if problems:
        return []
    stored = _view(_stored_steps(opinion.events, record.units))
    differences = _differences(_view(row.plan), stored, present)
    if not differences:
        return []
    for k in range(len(row.plan) - 1, 0, -1):
        prefix = row.plan[:k]
        if prefix[-1].to_status == opinion.status and not _differences(_view(prefix), stored, present):
            rest = row.plan[k:]
            last = opinion.events[-1] if opinion.events else None
            if last is not None and rest[0].at < last.at:
                name = _STEP_COLUMN[rest[0].action]
                problems.add(header[name], f"{header[name]}（{rest[0].at.isoformat()}）早于系统中{number}"
                                           f"已记录的上一步“{last.action.label}”（{last.at.isoformat()}）")
                return []
            return rest
    name = differences[0]
    was, now = _shown(stored, name) or "（空）", _shown(_view(row.plan), name) or "（空）"
    problems.add(header[name], f"与系统中的{number}不一致：{_LABELS[name]}系统中为“{was}”，本行为“{now}”；"
                               "已记录的办理步骤不能通过台账修改或撤销，请在软件中处理")
    return []


# --- writing ------------------------------------------------------------------------------------


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class _Units:
    """The directory by name; a unit the file names and the directory lacks is created once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ids = {name_key(u.name): u.id for u in session.scalars(select(HandlingUnit))}
        self.by_text: dict[str, int] = {}  # as the rows write it (a file names a few units 10^4 times)
        self.notes: list[str] = []

    def id_for(self, name: str) -> int:
        found = self.by_text.get(name)
        if found is not None:
            return found
        key = name_key(name)
        if key not in self.ids:
            unit = HandlingUnit(name=name.strip())
            self.session.add(unit)
            self.session.flush()
            self.ids[key] = unit.id
            self.notes.append(f"承办单位目录中没有“{unit.name}”，已新建该单位")
        self.by_text[name] = self.ids[key]
        return self.ids[key]


def _write(session: Session, actor: Actor, works: list[_Work], values: dict[str, float],
           progress: Progress) -> tuple[_Counts, list[str]]:
    """New items in one batch (`register_many_in_session`: the flow's checks, bulk inserts), then
    the rare rows of items on record that go further, step by step."""
    units = _Units(session)
    counts = _Counts()
    total = len(works)
    ordered = sorted(works, key=_Work.order)
    new = [work for work in ordered if work.opinion_id is None]
    on_record = [work for work in ordered if work.opinion_id is not None]
    items = [(work.row.input(), [_step_input(step, units) for step in work.steps]) for work in new]

    def checked(done: int) -> None:
        report_progress(progress, done, total, f"正在写入第{new[done - 1].row.row}行")

    register_many_in_session(session, actor, items, values, checked)
    counts.created = len(new)
    for done, work in enumerate(on_record, start=len(new) + 1):
        report_progress(progress, done, total, f"正在写入第{work.row.row}行")
        if not work.steps:
            counts.unchanged += 1
            continue
        opinion = session.get(Opinion, work.opinion_id)
        assert opinion is not None  # matched while checking, and items are never deleted
        counts.updated += 1
        for step in work.steps:
            apply_action_in_session(
                session, actor, opinion, step.action, step.at, values, note=step.note,
                lead_unit_id=units.id_for(step.unit) if step.action == A.ASSIGN else None,
                deadline=step.deadline, satisfaction=step.satisfaction, reason=step.reason)
    return counts, units.notes


def _step_input(step: _Step, units: _Units) -> StepInput:
    return StepInput(step.action, step.at, note=step.note,
                     lead_unit_id=units.id_for(step.unit) if step.action == A.ASSIGN else None,
                     deadline=step.deadline, satisfaction=step.satisfaction, reason=step.reason)


# --- import -------------------------------------------------------------------------------------


class _DryRunDone(Exception):
    """Raised at the end of a dry run to roll back everything the run wrote."""

    def __init__(self, counts: _Counts, notes: list[str]) -> None:
        super().__init__("dry run")
        self.counts, self.notes = counts, notes


def import_file(
    db: Database, actor: Actor, path: Path, dry_run: bool = False,
    progress: Progress = NO_PROGRESS,
) -> ImportOutcome:
    """Check every row, against itself and the items on record; write the valid ones in one
    transaction, refuse the others with row, column and reason. A dry run runs the very same code
    and rolls back."""
    sheet = read_sheet(path, COLUMNS)
    header = {c.field: sheet.header(c) for c in COLUMNS}
    values = settings.get_all(db)
    with db.session() as session:
        names = RosterNames(session)
        rows, rejections = _check_rows(sheet, header, names, dt.date.today(), progress)
        works, refused = _match(session, rows, header, sheet.fields, names)
    order = {text: _FIELD_ORDER[name] for name, text in header.items()}
    rejections = sorted(rejections + refused, key=lambda r: (r.row, order.get(r.column, len(order))))
    counts, notes = _run(db, actor, path, works, rejections, values, dry_run, progress)
    if sheet.header_row != 1:
        notes.insert(0, f"列名在第{sheet.header_row}行，已从第{sheet.header_row + 1}行起读取")
    return ImportOutcome(
        imported=counts.created + counts.updated + counts.unchanged, rejections=rejections,
        unknown_columns=sheet.unknown_columns, created=counts.created, updated=counts.updated,
        unchanged=counts.unchanged, notes=notes,
    )


def _run(
    db: Database, actor: Actor, path: Path, works: list[_Work], rejections: list[Rejection],
    values: dict[str, float], dry_run: bool, progress: Progress,
) -> tuple[_Counts, list[str]]:
    if not works:
        return _Counts(), []
    if dry_run:
        try:
            with db.transaction() as session:
                raise _DryRunDone(*_write(session, actor, works, values, progress))
        except _DryRunDone as done:
            return done.counts, done.notes
        except OperationalError as exc:
            raise StorageFailure(storage_message(exc)) from exc
    rejected_rows = len({r.row for r in rejections})
    with unit_of_work(db, actor, AUDIT_ACTION, "opinion") as change:
        counts, notes = _write(change.session, actor, works, values, progress)
        change.summary = (
            f"导入社情民意台账“{path.name}”：新增{counts.created}条，更新{counts.updated}条，"
            f"未变{counts.unchanged}条，拒绝{rejected_rows}行"
        )
        change.after = {"file": str(path), "created": counts.created, "updated": counts.updated,
                        "unchanged": counts.unchanged, "rejected_rows": rejected_rows, "notes": notes}
    return counts, notes
