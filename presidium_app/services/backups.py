"""备份与恢复 for the UI and the command line: permission checks and audit entries around
`storage.backup`.

Creating and exporting needs 备份数据 (`backup.create`), restoring 从备份恢复 (`backup.restore`).
A restore replaces the database under the caller's feet: `restore` disposes the caller's
`Database`, and returns the newly opened one, in which the restore's audit entry is written (the
entry in the replaced database would vanish with it). A shared PostgreSQL database is backed up
by its server's administrator with pg_dump, never by this app.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from presidium_app.domain.audit import AuditEntry
from presidium_app.services import settings
from presidium_app.services.audit import SYSTEM, Actor, log_event
from presidium_app.services.errors import PermissionDenied, ServiceError, StorageFailure
from presidium_app.services.permissions import Permission, require
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.storage import backup as store
from presidium_app.storage.backup import BackupError, BackupInfo, Restored
from presidium_app.storage.database import Database, DatabaseError
from presidium_app.storage.opening import open_database
from presidium_app.storage.paths import DataPaths

SHARED_DATABASE = ("这是共享数据库（PostgreSQL），由服务器管理员用 pg_dump 备份和恢复，"
                   "本程序不备份共享数据库。请参阅 docs/postgres.md。")


@dataclass(frozen=True)
class BackupRow:
    info: BackupInfo
    problems: list[str]  # from verifying: [] is a good backup

    @property
    def verified(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class RestoreOutcome:
    database: Database  # the restored database, opened; the caller owns it
    restored: BackupInfo
    kept: BackupInfo | None  # the before-restore backup of what was replaced
    damaged: Path | None  # an unreadable database moved aside


def _db_file(db: Database) -> Path:
    if not db.is_sqlite:
        raise ServiceError(SHARED_DATABASE)
    return Path(db.engine.url.database or "")


def _failed(exc: BackupError) -> StorageFailure:
    return StorageFailure(str(exc))


def list_backups(db: Database, *, verify: bool = False) -> list[BackupRow]:
    """The backups of this data dir, newest first; with `verify`, each checked (slow: off the UI
    thread)."""
    if not db.is_sqlite:
        return []
    found = store.list_backups(db.paths)
    return [BackupRow(info, store.verify_backup(info) if verify else []) for info in found]


def _log_failure(db: Database, actor: Actor, action: str, message: str) -> None:
    # The disk may refuse even the entry; the user still sees the original message.
    with contextlib.suppress(StorageFailure):
        log_event(db, actor, action, "backup", summary=message, success=False)


def _require(db: Database, actor: Actor, permission: Permission, action: str) -> None:
    """A refusal is logged too, as `unit_of_work` logs one."""
    try:
        require(actor.role, permission)
    except PermissionDenied as exc:
        _log_failure(db, actor, action, exc.message)
        raise


def create(db: Database, actor: Actor, reason: str = store.MANUAL, *, to: Path | None = None,
           progress: Progress = NO_PROGRESS) -> tuple[BackupInfo, Path | None]:
    """A backup (and, with `to`, its .zip in that folder); then rotation. Returns the backup and
    the zip's path."""
    _require(db, actor, Permission.BACKUP, "backup.create")
    db_file = _db_file(db)

    def report(text: str) -> None:
        progress.report(0, 0, text)

    try:
        info = store.create_backup(db.paths, reason, db_file, report)
        archive = store.write_zip(info, to, report) if to is not None else None
    except BackupError as exc:
        _log_failure(db, actor, "backup.create", exc.args[0])
        raise _failed(exc) from exc
    rotate(db)
    summary = f"{info.reason_label} {info.id}" + (f"，已写入 {archive}" if archive else "")
    log_event(db, actor, "backup.create", "backup", summary=summary,
              after={"id": info.id, "reason": info.reason, "zip": str(archive) if archive else None})
    return info, archive


def export(db: Database, actor: Actor, backup_id: str, folder: Path,
           progress: Progress = NO_PROGRESS) -> Path:
    """An existing backup as one .zip in any folder (a USB stick)."""
    _require(db, actor, Permission.BACKUP, "backup.create")
    _db_file(db)
    try:
        info = store.find_backup(db.paths, backup_id)
        archive = store.write_zip(info, folder, lambda text: progress.report(0, 0, text))
    except BackupError as exc:
        _log_failure(db, actor, "backup.create", exc.args[0])
        raise _failed(exc) from exc
    log_event(db, actor, "backup.create", "backup", summary=f"备份 {backup_id} 已写入 {archive}",
              after={"id": backup_id, "zip": str(archive)})
    return archive


def rotate(db: Database) -> list[str]:
    """Delete the backups the settings (保留每日/每周/每月备份) no longer keep."""
    values = settings.get_all(db)
    return store.rotate(db.paths, int(values["backup.keep_daily"]), int(values["backup.keep_weekly"]),
                        int(values["backup.keep_monthly"]))


def resolve_source(paths: DataPaths, source: str | Path) -> tuple[BackupInfo, bool]:
    """A backup named by its id or a .zip file; True when it was unpacked (and must be discarded)."""
    text = str(source)
    if text.lower().endswith(".zip"):
        return store.unpack_zip(paths, Path(text)), True
    return store.find_backup(paths, text), False


def restore(db: Database, actor: Actor, source: str | Path,
            progress: Progress = NO_PROGRESS) -> RestoreOutcome:
    """Replace the database and its files with a backup (an id or a .zip), keeping a copy of what
    it replaces. `db` is disposed; use the outcome's database from now on."""
    _require(db, actor, Permission.RESTORE, "backup.restore")
    db_file = _db_file(db)
    try:
        info, unpacked = resolve_source(db.paths, source)
    except BackupError as exc:
        _log_failure(db, actor, "backup.restore", exc.args[0])
        raise _failed(exc) from exc
    db.dispose()
    try:
        done = store.restore_backup(db.paths, info, db_file, lambda text: progress.report(0, 0, text))
    except BackupError as exc:
        _log_failure(db, actor, "backup.restore", exc.args[0])
        raise _failed(exc) from exc
    finally:
        if unpacked:
            store.discard_unpacked(info)
    return _reopen(db.paths, db.url, actor, done)


def restore_damaged(paths: DataPaths, url: str, actor: Actor, source: str | Path,
                    progress: Progress = NO_PROGRESS) -> RestoreOutcome:
    """At start, when the database cannot be read: the damaged file is moved aside (never
    deleted) and the backup put in its place. No permission can be checked in a database that
    cannot be read; nothing is lost either way."""
    db_file = Path(make_url(url).database or "")
    try:
        info, unpacked = resolve_source(paths, source)
        try:
            done = store.restore_backup(paths, info, db_file, lambda text: progress.report(0, 0, text))
        finally:
            if unpacked:
                store.discard_unpacked(info)
    except BackupError as exc:
        raise _failed(exc) from exc
    return _reopen(paths, url, actor, done)


def _reopen(paths: DataPaths, url: str, actor: Actor, done: Restored) -> RestoreOutcome:
    try:
        database = open_database(paths.root, url)
    except DatabaseError as exc:
        raise StorageFailure(f"已恢复备份 {done.source.id}，但无法打开：{exc}") from exc
    kept = f"；原数据已保留为备份 {done.kept.id}" if done.kept else ""
    aside = f"；损坏的数据库文件已移到 {done.damaged}" if done.damaged else ""
    log_event(database, actor, "backup.restore", "backup",
              summary=f"从{done.source.reason_label} {done.source.id} 恢复{kept}{aside}",
              after={"id": done.source.id, "kept": done.kept.id if done.kept else None,
                     "damaged": str(done.damaged) if done.damaged else None})
    return RestoreOutcome(database, done.source, done.kept, done.damaged)


def size_text(size: int) -> str:
    """Bytes as an office reads them: 12.3 MB."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def newest_good_backup(paths: DataPaths) -> BackupInfo | None:
    """The newest backup that verifies: what the damaged-database dialog offers first."""
    return next((info for info in store.list_backups(paths) if not store.verify_backup(info)), None)


# Entries that record a session, not a change of data: no reason for a backup by themselves.
SESSION_EVENTS = ("user.login", "user.logout", "user.lock", "user.unlock")


def needs_backup(db: Database) -> bool:
    """True when something was recorded since the newest backup was taken: the audit log holds
    entries after the one that was newest in that snapshot (backup entries themselves aside)."""
    if not db.is_sqlite:
        return False
    backups = store.list_backups(db.paths)
    with db.session() as session:
        if not backups or backups[0].audit_head is None:
            return bool(session.scalar(select(func.count()).select_from(AuditEntry)))
        last = session.scalar(select(AuditEntry.id).where(AuditEntry.entry_hash == backups[0].audit_head))
        if last is None:  # that snapshot's history is not this database's (e.g. after a restore)
            return True
        later = select(func.count()).select_from(AuditEntry).where(
            AuditEntry.id > last, AuditEntry.action.not_like("backup.%"),
            AuditEntry.action.not_in(SESSION_EVENTS))
        return bool(session.scalar(later))


def auto_backup(db: Database, progress: Progress = NO_PROGRESS) -> BackupInfo | None:
    """The automatic backup (on start, on close, daily): only when something changed."""
    if not needs_backup(db):
        return None
    info, _ = create(db, SYSTEM, store.AUTO, progress=progress)
    return info
