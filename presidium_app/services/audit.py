"""The audit log and the unit of work that writes it.

Every change runs inside `unit_of_work`: the acting user's role is checked first
(`permissions.permission_for`), then the change and its audit entry commit together or not at
all; a refused change leaves an entry with success=False, written after the rollback. Each entry
is chained to the one before by its hash (`domain.audit.chain_hash`); `record` takes the chain's
head row for update first, so concurrent writers append one after the other.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from presidium_app.domain.accounts import Role, UserAccount
from presidium_app.domain.audit import AuditChainHead, AuditEntry, entry_chain_hash
from presidium_app.services.errors import Conflict, PermissionDenied, ServiceError, StorageFailure
from presidium_app.services.permissions import permission_for, require
from presidium_app.storage.database import Database


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a service acts: the signed-in account (`user_id`), or the
    built-in administrator of a database that has no accounts yet (`user_id` None)."""

    name: str
    role: Role = Role.ADMIN
    user_id: int | None = None


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
) -> AuditEntry:
    """Append one entry to the chain (inside the caller's transaction)."""
    # Update the head first: on PostgreSQL the row lock, on SQLite the write lock, is held from
    # here to the commit, so no other writer reads the same last hash.
    session.execute(update(AuditChainHead).where(AuditChainHead.id == 1)
                    .values(entries=AuditChainHead.entries + 1))
    head = session.get(AuditChainHead, 1, populate_existing=True)
    if head is None:  # a database created before the chain's migration ran cannot get here
        head = AuditChainHead(id=1, entries=1)
        session.add(head)
    entry = AuditEntry(
        at=now(),
        user=actor.name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        before=_to_json(before),
        after=_to_json(after),
        success=success,
        prev_hash=head.last_hash,
    )
    entry.entry_hash = entry_chain_hash(entry)
    head.last_hash = entry.entry_hash
    session.add(entry)
    return entry


def log_event(db: Database, actor: Actor, action: str, object_type: str = "", object_id: int | None = None,
              summary: str = "", *, success: bool = True, after: dict[str, Any] | None = None) -> None:
    """An entry for something that changes no record (a sign-in, an export, a print, a backup)
    and needs no permission check of its own: the caller has checked, or it is a refusal."""
    try:
        with db.transaction() as session:
            record(session, actor, action, object_type, object_id, summary, after=after, success=success)
    except OperationalError as exc:
        raise StorageFailure(storage_message(exc)) from exc


CONFLICT_MESSAGE = "该记录已被他人修改并保存，请关闭后重新打开再修改。您的修改未保存。"


def check_version(current: int, opened_with: int | None) -> None:
    """Refuse a save made from a form opened before someone else saved the same record."""
    if opened_with is not None and current != opened_with:
        raise Conflict(CONFLICT_MESSAGE)


def storage_message(error: DBAPIError) -> str:
    """A Chinese message for what the disk or database said (SQLite's and PostgreSQL's wording);
    every one says the change was not saved and what to do before retrying."""
    text = str(error.orig).lower() if error.orig is not None else str(error).lower()

    def said(*phrases: str) -> bool:
        return any(phrase in text for phrase in phrases)

    if said("locked", "busy", "lock timeout", "lock_timeout", "deadlock", "could not obtain lock"):
        return "数据库正被其他程序或同事占用，本次修改未保存。请稍后重试。"
    if said("disk is full", "database or disk is full", "no space", "disk full", "quota"):
        return "磁盘空间已满，本次修改未保存。请清理磁盘后重试。"
    if said("readonly", "read-only", "read only", "access permission denied"):
        return "数据库或数据目录为只读，本次修改未保存。请检查文件夹、U盘的写保护或权限后重试。"
    if said("malformed", "not a database"):
        return "数据库文件已损坏，本次修改未保存。请运行“检查”并从备份恢复。"
    if said("disk i/o error", "i/o error", "input/output error"):
        return "磁盘读写出错，本次修改未保存。请检查磁盘或U盘是否已拔出、连接是否松动，然后重试。"
    if said("unable to open database file", "cannot open"):
        return ("无法打开数据库文件（文件或文件夹可能已被移动、删除或无权访问），本次修改未保存。"
                "请检查后重试。")
    if said("server closed the connection", "could not connect", "connection refused",
            "terminating connection", "connection to server", "connection is closed", "ssl syscall",
            "network"):
        return "与数据库服务器的连接已中断，本次修改未保存。请检查网络和服务器后重试。"
    return f"数据库写入失败，本次修改未保存。请稍后重试；如仍失败，请运行“检查”。（{error.orig}）"


def current_role(db: Database, actor: Actor) -> Role:
    """The role the account holds now, not the one it signed in with: an administrator's change
    (another role, the account disabled) applies to the very next write of a session in progress."""
    if actor.user_id is None:
        return actor.role
    with db.session() as session:
        row = session.execute(select(UserAccount.role, UserAccount.disabled)
                              .where(UserAccount.id == actor.user_id)).one_or_none()
    if row is None or row.disabled:
        raise PermissionDenied(f"账户“{actor.name}”已停用或已不存在，未做任何修改")
    role: Role = row.role
    return role


@contextmanager
def unit_of_work(db: Database, actor: Actor, action: str, object_type: str) -> Iterator[Change]:
    """One user action: one transaction holding the change and its audit entry."""
    change: Change | None = None
    try:
        require(current_role(db, actor), permission_for(action))
    except PermissionDenied as exc:
        _record_failure(db, actor, action, object_type, None, exc)
        raise
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
