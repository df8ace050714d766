"""The audit log and the unit of work that writes it.

Every change runs inside `unit_of_work`: the change and its audit entry commit together or not at
all; a refused change leaves an entry with success=False, written after the rollback.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from presidium_app.domain.audit import AuditEntry
from presidium_app.services.errors import Conflict, ServiceError, StorageFailure
from presidium_app.storage.database import Database


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a service acts (accounts and roles come with a later issue)."""

    name: str


SYSTEM = Actor("系统")


@dataclass
class Change:
    """What a unit of work tells the audit log about itself."""

    session: Session
    object_id: int | None = None
    summary: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _to_json(data: dict[str, Any] | None) -> str | None:
    if data is None:
        return None

    def convert(value: Any) -> Any:
        if isinstance(value, enum.Enum):
            return value.value
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        return str(value)

    return json.dumps(data, ensure_ascii=False, default=convert, sort_keys=True)


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | None,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    success: bool = True,
) -> None:
    session.add(
        AuditEntry(
            at=now(),
            user=actor.name,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary,
            before=_to_json(before),
            after=_to_json(after),
            success=success,
        )
    )


CONFLICT_MESSAGE = "该记录已被他人修改并保存，请关闭后重新打开再修改。您的修改未保存。"


def check_version(current: int, opened_with: int | None) -> None:
    """Refuse a save made from a form opened before someone else saved the same record."""
    if opened_with is not None and current != opened_with:
        raise Conflict(CONFLICT_MESSAGE)


def storage_message(error: DBAPIError) -> str:
    """A Chinese message for what the disk or database said."""
    text = str(error.orig).lower() if error.orig is not None else str(error).lower()
    if "locked" in text or "busy" in text:
        return "数据库正被其他程序或同事占用，请稍后重试。本次修改未保存。"
    if "full" in text or "no space" in text:
        return "磁盘空间已满，本次修改未保存。请清理磁盘后重试。"
    if "readonly" in text or "read-only" in text or "read only" in text:
        return "数据目录为只读，无法保存。请检查文件夹权限后重试。"
    if "malformed" in text or "not a database" in text:
        return "数据库文件已损坏，本次修改未保存。请运行“检查”并从备份恢复。"
    return f"数据库写入失败，本次修改未保存：{error.orig}"


@contextmanager
def unit_of_work(db: Database, actor: Actor, action: str, object_type: str) -> Iterator[Change]:
    """One user action: one transaction holding the change and its audit entry."""
    change: Change | None = None
    try:
        with db.transaction() as session:
            change = Change(session)
            yield change
            session.flush()
            record(
                session,
                actor,
                action,
                object_type,
                change.object_id,
                change.summary,
                change.before,
                change.after,
            )
    except StaleDataError:
        err: ServiceError = Conflict(CONFLICT_MESSAGE)
        _record_failure(db, actor, action, object_type, change, err)
        raise err from None
    except OperationalError as exc:
        raise StorageFailure(storage_message(exc)) from exc
    except ServiceError as exc:
        _record_failure(db, actor, action, object_type, change, exc)
        raise


def _record_failure(
    db: Database,
    actor: Actor,
    action: str,
    object_type: str,
    change: Change | None,
    error: ServiceError,
) -> None:
    try:
        with db.transaction() as session:
            record(
                session,
                actor,
                action,
                object_type,
                change.object_id if change else None,
                error.message,
                success=False,
            )
    except OperationalError:
        pass  # the disk refuses even the log entry; the user still sees the original error


def count_entries(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
