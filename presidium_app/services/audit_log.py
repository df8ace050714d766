"""Reading the audit log (操作日志) for the log page: ids matching a filter, rows for one page of
ids, and one entry's before/after values put into words staff understand.

Writing entries is `services.audit`'s job; this module only reads, so the page can stay lazy at any
size of log (it holds ids and asks for rows page by page, like the roster).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.deputies import DeputyGroup, LiaisonStation
from presidium_app.domain.enums import DeputyLevel, DeputyStatus, Gender
from presidium_app.domain.township import Term
from presidium_app.domain.validators import chinese_ordinal, normalize_text
from presidium_app.services.deputies import FIELD_LABELS
from presidium_app.services.errors import NotFound
from presidium_app.storage.database import Database

# What each action code means, in the words of the office. Unknown codes are shown as they are.
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
}

OBJECT_LABELS = {
    "township": "乡镇",
    "term": "届次",
    "mandate": "代表",
    "deputy": "代表",
    "deputy_group": "代表小组",
    "liaison_station": "联络站",
    "ledger": "台账",
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
}


@dataclass(frozen=True)
class AuditQuery:
    """The log page's filter: words to find (user, action, summary) and failures only."""

    text: str = ""
    failures_only: bool = False


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
    return ACTION_LABELS.get(action, action)


def object_label(object_type: str, object_id: int | None) -> str:
    label = OBJECT_LABELS.get(object_type, object_type)
    if object_id is None:
        return label
    return f"{label} {object_id}号"


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.failures_only:
        conditions.append(AuditEntry.success.is_(False))
    for token in normalize_text(query.text).split():
        actions = [code for code, label in ACTION_LABELS.items() if token in label]
        actions += [f"{code}." for code, label in OBJECT_LABELS.items() if token in label]
        alternatives: list[ColumnElement[bool]] = [
            AuditEntry.summary.contains(token),
            AuditEntry.user.contains(token),
            AuditEntry.action.contains(token),
        ]
        alternatives += [AuditEntry.action.startswith(a) if a.endswith(".")
                         else AuditEntry.action == a for a in actions]
        conditions.append(or_(*alternatives))
    return conditions


def search_ids(db: Database, query: AuditQuery) -> list[int]:
    """Entry ids matching the filter, newest first."""
    statement = (select(AuditEntry.id).where(and_(True, *_conditions(query)))
                 .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    with db.session() as session:
        return list(session.scalars(statement))


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
