"""Reading the audit log (操作日志) for the log page: ids matching a filter (words, time range,
user, event type, object, result), rows for one page of ids, one entry's before/after values put
into words staff understand, and the filtered entries exported to Excel (administrators only,
itself logged as `audit.export`).

Writing entries is `services.audit`'s job; apart from the export's own entry this module only
reads, so the page can stay lazy at any size of log (it holds ids and asks for rows page by page,
like the roster). Verifying the hash chain is `services.audit_chain`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, distinct, func, or_, select

from presidium_app.domain.accounts import Role
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.deputies import DeputyGroup, LiaisonStation
from presidium_app.domain.enums import DeputyLevel, DeputyStatus, Gender, OpinionAction, SuggestionAction
from presidium_app.domain.township import Term
from presidium_app.domain.validators import chinese_ordinal, normalize_text
from presidium_app.services.audit import Actor, log_event
from presidium_app.services.deputies import FIELD_LABELS
from presidium_app.services.errors import NotFound, PermissionDenied, ServiceError, StorageFailure
from presidium_app.services.permissions import Permission, allows, require
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.storage.database import Database
from presidium_app.storage.files import discard_sheet, file_error_message

# The ledgers' kinds (spec/cli.md) and titles, for `ledger.import.<kind>` and `export.<kind>`.
LEDGER_TITLES = {"deputies": "代表名册", "activities": "代表活动", "opinions": "社情民意",
                 "training": "学习培训"}

# What each action code means, in the words of the office. Codes not listed are named by their
# prefix (PREFIX_LABELS) or, failing that, shown as they are.
ACTION_LABELS = {
    "township.set_up": "初始设置",
    "township.update": "修改乡镇信息",
    "term.save": "保存届次",
    "deputy.add": "新增代表",
    "deputy.update": "修改代表",
    "deputy.status": "状态变动",
    "deputy.remove": "删除代表",
    "deputy.photo": "设置照片",
    "deputy_group.add": "新增代表小组",
    "liaison_station.add": "新增联络站",
    "ledger.import": "导入台账",
    "ledger.deputies.import": "导入代表名册",
    "deputies.import": "导入代表名册",
    "demo.fill": "填入示范数据",
    "demo.activities": "填入示范活动",
    "demo.mailbox": "填入示范社情民意",
    "demo.suggestions": "填入示范代表建议",
    "activity.add": "新增活动",
    "activity.update": "修改活动",
    "activity.remove": "删除活动",
    "attachment.add": "添加附件",
    "attachment.caption": "修改附件说明",
    "attachment.remove": "删除附件",
    "award.add": "新增表彰奖励",
    "award.remove": "删除表彰奖励",
    "training_plan.add": "新建培训计划",
    "training_plan.update": "修改培训计划",
    "training_plan.remove": "删除培训计划",
    "training_session.add": "新增培训场次",
    "training_session.update": "修改培训场次",
    "training_session.remove": "删除培训场次",
    "training_session.hold": "登记举办培训",
    "opinion.register_raised": "登记代表收集的意见",
    "mailbox_opening.add": "登记开箱",
    "handling_unit.add": "新增承办单位",
    "handling_unit.update": "修改承办单位",
    "handling_unit.delete": "删除承办单位",
    "suggestion.update": "修改代表建议",
    "suggestion.contact": "登记沟通联系",
    "settings.update": "修改设置",
    "calendar.set": "设置节假日",
    "calendar.remove": "删除节假日设置",
    "wall_rule.update": "修改上墙制度",
    "wall_rule.reset": "恢复默认制度",
    "user.login": "登录",
    "user.logout": "退出登录",
    "user.lock": "锁定屏幕",
    "user.unlock": "解除屏幕锁定",
    "user.add": "新增账户",
    "user.reset": "重置密码",
    "user.password": "修改密码",
    "user.role": "修改角色",
    "user.disable": "停用账户",
    "user.enable": "启用账户",
    "user.lift_lockout": "解除账户锁定",
    "backup.create": "备份",
    "backup.restore": "从备份恢复",
    "audit.export": "导出操作日志",
    **{f"opinion.{a.value}": f"社情民意{a.label}" for a in OpinionAction},
    **{f"suggestion.{a.value}": f"代表建议{a.label}" for a in SuggestionAction},
    **{f"ledger.import.{kind}": f"导入{title}" for kind, title in LEDGER_TITLES.items()},
    **{f"export.{kind}": f"导出{title}" for kind, title in LEDGER_TITLES.items()},
}

# Families of actions: the label of a code not listed above.
PREFIX_LABELS = {
    "print.": "打印文书",
    "export.": "导出",
    "ledger.import.": "导入台账",
    "mailbox_choice.": "修改选项",
    "backup.": "备份与恢复",
    "user.": "账户",
}

# The log page's 事件类型 filter: key → (label, action prefixes it covers).
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "accounts": ("登录与账户", ("user.",)),
    "roster": ("代表名册", ("deputy.", "deputy_group.", "liaison_station.")),
    "activities": ("代表活动", ("activity.", "attachment.", "award.")),
    "training": ("学习培训", ("training_plan.", "training_session.")),
    "mailbox": ("社情民意", ("opinion.", "mailbox_opening.", "mailbox_choice.", "handling_unit.")),
    "suggestions": ("代表建议", ("suggestion.",)),
    "import": ("导入", ("ledger.import", "deputies.import")),
    "export": ("导出", ("export.", "audit.export")),
    "print": ("打印", ("print.",)),
    "backup": ("备份与恢复", ("backup.",)),
    "settings": ("设置", ("township.", "term.", "settings.", "calendar.", "wall_rule.", "demo.")),
}

OBJECT_LABELS = {
    "township": "乡镇",
    "term": "届次",
    "mandate": "代表",
    "deputy": "代表",
    "deputy_group": "代表小组",
    "liaison_station": "联络站",
    "ledger": "台账",
    "activity": "活动",
    "attachment": "附件",
    "award": "表彰奖励",
    "training_plan": "培训计划",
    "training_session": "培训场次",
    "training-session": "培训场次",
    "opinion": "社情民意",
    "mailbox_opening": "开箱记录",
    "mailbox_choice": "选项",
    "handling_unit": "承办单位",
    "suggestion": "代表建议",
    "setting": "设置",
    "calendar_day": "节假日",
    "wall_rule": "上墙制度",
    "user_account": "账户",
    "backup": "备份",
    "audit_log": "操作日志",
    "year": "年度",
    "month": "月份",
    "none": "",
}

_FIELDS_BY_OBJECT: dict[str, dict[str, str]] = {
    "township": {"name": "乡镇名称", "county": "所属县（市、区）", "address": "地址",
                 "phone": "电话", "term": "当前届次"},
    "term": {"ordinal": "届次", "start_year": "起始年份", "end_year": "结束年份",
             "is_current": "当前届次"},
    "deputy_group": {"name": "名称"},
    "liaison_station": {"name": "名称", "address": "地址"},
}
_DEPUTY_FIELDS = {**FIELD_LABELS, "photo": "照片", "reason": "原因", "by_election": "补选"}
# Keys that bulk actions (import, demo) put in their entries.
_GENERAL_FIELDS = {
    "file": "文件", "path": "文件", "imported": "导入条数", "rejected": "拒绝条数",
    "created": "新增", "updated": "更新", "unchanged": "无变化", "deputies": "代表人数",
    "persons": "人员数", "previous_deputies": "上届代表人数", "scale": "数据倍数",
    "groups": "代表小组数", "stations": "联络站数", "dry_run": "试导入",
    "folder": "保存位置", "rows": "条数", "year": "年度", "zip": "备份文件", "kept": "保留的当前数据",
    "role": "角色", "display_name": "姓名", "disabled": "停用", "filter": "筛选条件",
}


@dataclass(frozen=True)
class AuditQuery:
    """The log page's filter: words to find (user, action, summary), failures only, the days
    `since`..`until` (both included), one user, one event type (a CATEGORIES key), objects of
    some types (and one object id), and the result (`success` True/False; None: both)."""

    text: str = ""
    failures_only: bool = False
    since: dt.date | None = None
    until: dt.date | None = None
    user: str = ""
    category: str = ""
    object_types: tuple[str, ...] = field(default_factory=tuple)
    object_id: int | None = None
    success: bool | None = None


@dataclass(frozen=True)
class AuditRow:
    """One line of the log table."""

    id: int
    at: dt.datetime
    user: str
    action: str
    action_label: str
    object_label: str
    summary: str
    success: bool


@dataclass(frozen=True)
class ChangedField:
    label: str
    before: str
    after: str
    changed: bool


@dataclass(frozen=True)
class AuditDetail:
    """One entry with its values before and after, each field labelled and formatted."""

    row: AuditRow
    fields: list[ChangedField]


def action_label(action: str) -> str:
    """导出代表名册 for export.deputies; a family's name for an unlisted member; else the code."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    for prefix, label in PREFIX_LABELS.items():
        if action.startswith(prefix):
            return label
    return action


def category_of(action: str) -> str:
    """The CATEGORIES key an action belongs to ('' for none)."""
    for key, (_label, prefixes) in CATEGORIES.items():
        if action.startswith(prefixes):
            return key
    return ""


def object_label(object_type: str, object_id: int | None) -> str:
    label = OBJECT_LABELS.get(object_type, object_type)
    if object_id is None:
        return label
    return f"{label} {object_id}号" if label else f"{object_id}号"


def object_choices() -> list[tuple[str, tuple[str, ...]]]:
    """The 对象 filter's entries: (label, the object types it covers), one per label."""
    grouped: dict[str, list[str]] = {}
    for code, label in OBJECT_LABELS.items():
        if label:
            grouped.setdefault(label, []).append(code)
    return [(label, tuple(codes)) for label, codes in grouped.items()]


def users(db: Database) -> list[str]:
    """Everyone named in the log, for the 操作人 filter."""
    with db.session() as session:
        return sorted(session.scalars(select(distinct(AuditEntry.user))))


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.failures_only or query.success is False:
        conditions.append(AuditEntry.success.is_(False))
    elif query.success is True:
        conditions.append(AuditEntry.success.is_(True))
    if query.since is not None:
        conditions.append(AuditEntry.at >= dt.datetime.combine(query.since, dt.time()))
    if query.until is not None:
        conditions.append(AuditEntry.at < dt.datetime.combine(query.until + dt.timedelta(days=1), dt.time()))
    if query.user:
        conditions.append(AuditEntry.user == query.user)
    if query.category:
        _label, prefixes = CATEGORIES[query.category]
        conditions.append(or_(*(AuditEntry.action.startswith(p, autoescape=True) for p in prefixes)))
    if query.object_types:
        conditions.append(AuditEntry.object_type.in_(query.object_types))
    if query.object_id is not None:
        conditions.append(AuditEntry.object_id == query.object_id)
    for token in normalize_text(query.text).split():
        actions = [code for code, label in ACTION_LABELS.items() if token in label]
        actions += [f"{code}." for code, label in OBJECT_LABELS.items() if label and token in label]
        actions += [prefix for prefix, label in PREFIX_LABELS.items() if token in label]
        alternatives: list[ColumnElement[bool]] = [
            AuditEntry.summary.contains(token),
            AuditEntry.user.contains(token),
            AuditEntry.action.contains(token),
        ]
        alternatives += [AuditEntry.action.startswith(a) if a.endswith(".")
                         else AuditEntry.action == a for a in actions]
        conditions.append(or_(*alternatives))
    return conditions


def _where(query: AuditQuery) -> ColumnElement[bool]:
    return and_(True, *_conditions(query))


def search_ids(db: Database, query: AuditQuery) -> list[int]:
    """Entry ids matching the filter, newest first."""
    statement = (select(AuditEntry.id).where(_where(query))
                 .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    with db.session() as session:
        return list(session.scalars(statement))


def count(db: Database, query: AuditQuery) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(_where(query))) or 0


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        id=entry.id, at=entry.at, user=entry.user, action=entry.action,
        action_label=action_label(entry.action),
        object_label=object_label(entry.object_type, entry.object_id),
        summary=entry.summary, success=bool(entry.success),
    )


def load_rows(db: Database, ids: list[int]) -> dict[int, AuditRow]:
    """The table lines of the given entries (one page of the lazy log model)."""
    if not ids:
        return {}
    with db.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.id.in_(ids)))
        return {e.id: _row(e) for e in entries}


def _parse(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"": text}
    return value if isinstance(value, dict) else {"": value}


class _Formatter:
    """Turns stored codes (status codes, ids of terms and groups) back into the names staff use."""

    def __init__(self, db: Database) -> None:
        with db.session() as session:
            self.terms = {t.id: t.name for t in session.scalars(select(Term))}
            self.groups = {g.id: g.name for g in session.scalars(select(DeputyGroup))}
            self.stations = {s.id: s.name for s in session.scalars(select(LiaisonStation))}

    def __call__(self, key: str, value: Any) -> str:
        if value is None or value == "":
            return "（空）"
        if isinstance(value, bool):
            return "是" if value else "否"
        if key == "status":
            member = DeputyStatus.from_label(str(value))
            return member.label if member else str(value)
        if key == "gender":
            member = Gender.from_label(str(value))
            return member.label if member else str(value)
        if key == "levels":
            codes = [c for c in str(value).split(",") if c]
            return "、".join(lvl.label for lvl in DeputyLevel if lvl.value in codes) or str(value)
        if key == "term_id":
            return self.terms.get(value, str(value)) if isinstance(value, int) else str(value)
        if key in ("ordinal", "term") and isinstance(value, int):
            return f"第{chinese_ordinal(value)}届"
        if key == "group_id":
            return self.groups.get(value, str(value)) if isinstance(value, int) else str(value)
        if key == "station_id":
            return self.stations.get(value, str(value)) if isinstance(value, int) else str(value)
        return str(value)


def get_detail(db: Database, entry_id: int) -> AuditDetail:
    """One entry's fields before and after, labelled in Chinese; changed fields are marked."""
    with db.session() as session:
        entry = session.get(AuditEntry, entry_id)
        if entry is None:
            raise NotFound("该日志条目不存在")
        row = _row(entry)
        object_type = entry.object_type
        before, after = _parse(entry.before), _parse(entry.after)
    labels = _FIELDS_BY_OBJECT.get(object_type, _DEPUTY_FIELDS)
    keys = [k for k in labels if k in before or k in after]
    keys += sorted(k for k in {*before, *after} if k not in labels)
    labels = {**_GENERAL_FIELDS, **labels}
    fmt = _Formatter(db)
    fields = []
    for key in keys:
        old = fmt(key, before.get(key)) if before else ""
        new = fmt(key, after.get(key)) if after else ""
        changed = bool(before and after) and before.get(key) != after.get(key)
        fields.append(ChangedField(labels.get(key, key or "内容"), old, new, changed))
    return AuditDetail(row, fields)


# --- describing a filter and exporting the entries it finds -------------------------------------


def describe(query: AuditQuery) -> str:
    """The filter in words, for the export's log entry and the sheet's title row."""
    parts = []
    if query.since or query.until:
        since = query.since.isoformat() if query.since else "最早"
        until = query.until.isoformat() if query.until else "今天"
        parts.append(f"时间 {since} 至 {until}")
    if query.user:
        parts.append(f"操作人 {query.user}")
    if query.category:
        parts.append(f"类型 {CATEGORIES[query.category][0]}")
    if query.object_types:
        labels = dict.fromkeys(OBJECT_LABELS.get(t, t) for t in query.object_types)
        parts.append("对象 " + "、".join(labels))
    if query.object_id is not None:
        parts.append(f"编号 {query.object_id}")
    if query.failures_only or query.success is False:
        parts.append("只含失败")
    elif query.success is True:
        parts.append("只含成功")
    if normalize_text(query.text):
        parts.append(f"包含“{normalize_text(query.text)}”")
    return "；".join(parts) or "全部"


EXPORT_HEADERS = (("时间", 20), ("操作人", 12), ("操作", 18), ("对象", 16), ("结果", 8), ("摘要", 50),
                  ("修改前", 50), ("修改后", 50))
EXPORT_BATCH = 1000
CELL_LIMIT = 32000  # Excel holds at most 32767 characters in a cell
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an .xlsx cell may not hold


def _labels(object_type: str) -> dict[str, str]:
    return {**_GENERAL_FIELDS, **_FIELDS_BY_OBJECT.get(object_type, _DEPUTY_FIELDS)}


def _values_text(text: str | None, labels: dict[str, str], fmt: _Formatter) -> str:
    """A stored before/after value as 项目：值 pairs on one line each."""
    values = _parse(text)
    return "\n".join(f"{labels.get(k, k or '内容')}：{fmt(k, v)}" for k, v in values.items())


def _cell(value: str) -> str:
    return _ILLEGAL.sub("", value)[:CELL_LIMIT]


def _export_rows(db: Database, query: AuditQuery, progress: Progress,
                 total: int) -> Iterator[list[object]]:
    fmt = _Formatter(db)
    statement = (select(AuditEntry.at, AuditEntry.user, AuditEntry.action, AuditEntry.object_type,
                        AuditEntry.object_id, AuditEntry.success, AuditEntry.summary, AuditEntry.before,
                        AuditEntry.after)
                 .where(_where(query)).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                 .execution_options(yield_per=EXPORT_BATCH))
    with db.session() as session:
        result = session.execute(statement)
        try:
            for done, row in enumerate(result, start=1):
                if done % EXPORT_BATCH == 0:
                    progress.report(done, total, f"正在导出第 {done} 条")
                labels = _labels(row.object_type)
                yield [row.at, row.user, action_label(row.action),
                       object_label(row.object_type, row.object_id), "成功" if row.success else "失败",
                       _cell(row.summary or ""), _cell(_values_text(row.before, labels, fmt)),
                       _cell(_values_text(row.after, labels, fmt))]
        finally:
            result.close()  # a cancelled export leaves no server-side cursor open


def _write_workbook(path: Path, title: str, rows: Iterator[list[object]]) -> int:
    """A write-only workbook (rows streamed to disk, any number of them), saved through a
    temporary file so a failure never leaves half a file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("操作日志")
    for index, (_header, width) in enumerate(EXPORT_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    caption = WriteOnlyCell(sheet, value=title)
    caption.font = Font(bold=True)
    sheet.append([caption])
    header = []
    for text, _width in EXPORT_HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        header.append(cell)
    sheet.append(header)
    written = 0
    try:
        for values in rows:
            for index, value in enumerate(values):
                if isinstance(value, str) and value.startswith("="):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # text, never a formula, whatever a name or summary starts with
                    values[index] = cell
            sheet.append(values)  # plain values: a styled cell each would triple the time of 10^5 rows
            written += 1
    except BaseException:
        discard_sheet(sheet)
        raise
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp.xlsx")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        discard_sheet(sheet)
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise ServiceError(file_error_message(exc, path)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    return written


def export_entries(db: Database, actor: Actor, query: AuditQuery, path: Path,
                   progress: Progress = NO_PROGRESS) -> int:
    """The entries the filter finds, newest first, as an .xlsx sheet (时间, 操作人, 操作, 对象, 结果,
    摘要, 修改前, 修改后). Administrators only (导出操作日志); refused or done, the export itself
    is logged as `audit.export`. Returns the number of entries written."""
    filter_text = describe(query)
    try:
        require(actor.role, Permission.AUDIT)
    except PermissionDenied as exc:
        with contextlib.suppress(StorageFailure):
            log_event(db, actor, "audit.export", "audit_log", summary=f"导出操作日志被拒绝：{exc.message}",
                      success=False)
        raise
    total = count(db, query)
    progress.report(0, total, "正在导出操作日志")
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    title = f"操作日志（{filter_text}），{stamp} 由 {actor.name} 导出，共 {total} 条"
    written = _write_workbook(path, title, _export_rows(db, query, progress, total))
    try:
        log_event(db, actor, "audit.export", "audit_log", summary=f"导出操作日志 {written} 条：{path.name}",
                  after={"file": path.name, "folder": str(path.resolve().parent), "rows": written,
                         "filter": filter_text})
    except StorageFailure:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return written


def can_export(role: Role) -> bool:
    """Whether the role may export the log (the page enables the button only then)."""
    return allows(role, Permission.AUDIT)
