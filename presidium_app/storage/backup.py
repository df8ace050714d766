"""Backups of a SQLite data dir: snapshots, verification, rotation, zips and restore. No Qt here.

A snapshot is taken with SQLite's online backup API (one read transaction, so it is consistent
while the app keeps writing), never by copying the live file. The photo and attachment files are
content-addressed and never changed in place, so a backup hard-links them (copying only where the
file system cannot link). Every backup is written to a hidden temporary folder and renamed into
place when complete: a full disk leaves nothing half written.

Layout: `<data>/backups/<YYYYMMDD-HHMMSS>-<reason>/` holding `presidium.db` (journal mode DELETE,
one self-contained file), `photos/`, `attachments/` (without the thumbnails, which are made again
when shown) and `manifest.json`.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from presidium_app import __version__
from presidium_app.storage.database import DatabaseError
from presidium_app.storage.paths import DataPaths

AUTO, MANUAL, BEFORE_MIGRATION, BEFORE_RESTORE = "auto", "manual", "before-migration", "before-restore"
REASONS = {AUTO: "自动备份", MANUAL: "手动备份", BEFORE_MIGRATION: "升级前备份", BEFORE_RESTORE: "恢复前备份"}
KEEP_OTHER = 5  # manual, before-migration and before-restore backups: the newest 5 of each
KEEP_LAST_AUTO = 3  # the newest automatic backups, whatever their day (the morning's, after a bad afternoon)
DB_NAME, MANIFEST = "presidium.db", "manifest.json"
FILE_FOLDERS = ("photos", "attachments")
SKIPPED = {"thumbs"}  # attachments/thumbs: made again from the files when shown
STAMP = "%Y%m%d-%H%M%S"

Report = Callable[[str], None]


class BackupError(DatabaseError):
    """A backup or restore that could not be done; the Chinese message names the file or folder.
    Whatever was being written has been removed again."""


@dataclass(frozen=True)
class BackupInfo:
    id: str  # the folder's name
    path: Path
    created_at: dt.datetime
    reason: str
    schema_revision: str | None
    db_sha256: str
    audit_head: str | None  # the newest audit entry's hash inside the snapshot
    files: int
    size: int  # bytes: the database and the files
    app_version: str

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


def backups_dir(paths: DataPaths) -> Path:
    return paths.root / "backups"


def os_message(exc: OSError, folder: Path) -> str:
    """What the disk said, in Chinese, naming the folder."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"磁盘空间已满，无法写入 {folder}。请清理磁盘或换一个位置后重试，未留下不完整的文件。"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"文件夹 {folder} 为只读或没有写入权限。请检查文件夹权限后重试，未留下不完整的文件。"
    return f"无法写入 {folder}：{exc.strerror or exc}。未留下不完整的文件。"


def _sqlite_message(exc: sqlite3.Error, folder: Path) -> str:
    text = str(exc).lower()
    if "full" in text:
        return os_message(OSError(errno.ENOSPC, "full"), folder)
    if "readonly" in text or "read-only" in text:
        return os_message(OSError(errno.EROFS, "read-only"), folder)
    return f"无法读写数据库：{exc}（{folder}）"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)


def check_file(path: Path, *, quick: bool = False) -> list[str]:
    """SQLite's own check of a database file, opened read-only: [] when it is sound. A file that
    cannot be opened at all (permissions, locked) raises sqlite3.OperationalError: not damage."""
    try:
        connection = _read_only(path)
        try:
            pragma = "quick_check" if quick else "integrity_check"
            rows = [str(r[0]) for r in connection.execute(f"PRAGMA {pragma}")]
        finally:
            connection.close()
    except sqlite3.OperationalError:
        raise
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def _scalar(connection: sqlite3.Connection, sql: str) -> str | None:
    try:
        row = connection.execute(sql).fetchone()
    except sqlite3.Error:
        return None  # an empty or older database without that table
    return str(row[0]) if row and row[0] is not None else None


def _snapshot(source: Path, target: Path) -> None:
    """The whole database in one step of the backup API: one read transaction, a consistent state."""
    src = sqlite3.connect(str(source), timeout=30)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def _fsync(path: Path) -> None:
    with path.open("rb") as stream:
        os.fsync(stream.fileno())


def _file_list(folder: Path) -> Iterable[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(".part") and not SKIPPED & set(p.relative_to(folder).parts)
    )


def _link_tree(source: Path, target: Path, *, merge: bool = False) -> tuple[int, int]:
    """Hard links (a copy where linking is impossible) of every file under source; with `merge`,
    files already in target are left as they are."""
    count = size = 0
    for path in _file_list(source):
        destination = target / path.relative_to(source)
        if merge and destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, destination)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise
            shutil.copy2(path, destination)
        count += 1
        size += path.stat().st_size
    return count, size


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _unique_id(folder: Path, created: dt.datetime, reason: str) -> str:
    base = f"{created.strftime(STAMP)}-{reason}"
    name, n = base, 1
    while (folder / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def create_backup(paths: DataPaths, reason: str, database_file: Path | None = None,
                  report: Report | None = None) -> BackupInfo:
    """A complete backup in `<data>/backups/`, or BackupError with nothing left behind."""
    source = database_file or paths.database_file
    if reason not in REASONS:
        raise ValueError(reason)
    if not source.exists():
        raise BackupError(f"数据库文件不存在：{source}")
    folder = backups_dir(paths)
    created = dt.datetime.now()
    work: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".part-", dir=folder))
        # The files first, then the database: a file removed in between stays in the backup
        # (harmless, files are content-addressed), never a record pointing at a missing file.
        if report:
            report("正在备份照片和附件…")
        files = size = 0
        for name in FILE_FOLDERS:
            count, bytes_ = _link_tree(paths.root / name, work / name)
            files, size = files + count, size + bytes_
        if report:
            report("正在备份数据库…")
        _snapshot(source, work / DB_NAME)
        problems = check_file(work / DB_NAME)
        if problems:
            raise BackupError(f"数据库 {source} 未通过完整性检查，未生成备份：{problems[0]}")
        _fsync(work / DB_NAME)
        connection = _read_only(work / DB_NAME)
        try:
            revision = _scalar(connection, "SELECT version_num FROM alembic_version")
            head = _scalar(connection, "SELECT last_hash FROM audit_chain_head WHERE id = 1")
        finally:
            connection.close()
        backup_id = _unique_id(folder, created, reason)
        info = BackupInfo(
            id=backup_id, path=folder / backup_id, created_at=created, reason=reason,
            schema_revision=revision, db_sha256=_sha256(work / DB_NAME), audit_head=head, files=files,
            size=size + (work / DB_NAME).stat().st_size, app_version=__version__,
        )
        (work / MANIFEST).write_text(_manifest_json(info), encoding="utf-8")
        _fsync(work / MANIFEST)
        work.rename(info.path)
        work = None
    except OSError as exc:
        raise BackupError(os_message(exc, folder)) from exc
    except sqlite3.Error as exc:
        raise BackupError(_sqlite_message(exc, folder)) from exc
    finally:
        if work is not None:
            _remove(work)
    return info


def _manifest_json(info: BackupInfo) -> str:
    data = {
        "id": info.id, "created_at": info.created_at.isoformat(), "reason": info.reason,
        "schema_revision": info.schema_revision, "db_sha256": info.db_sha256,
        "audit_head": info.audit_head, "files": info.files, "size": info.size,
        "app_version": info.app_version,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def read_backup(path: Path) -> BackupInfo:
    """The backup in a folder, from its manifest; BackupError when there is none."""
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        unpacked = path.name.startswith(".part-")  # a zip's content: named as when it was made
        return BackupInfo(
            id=str(data.get("id", path.name)) if unpacked else path.name, path=path,
            created_at=dt.datetime.fromisoformat(data["created_at"]),
            reason=str(data["reason"]), schema_revision=data.get("schema_revision"),
            db_sha256=str(data["db_sha256"]), audit_head=data.get("audit_head"),
            files=int(data.get("files", 0)), size=int(data.get("size", 0)),
            app_version=str(data.get("app_version", "")),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path} 不是完整的备份（缺少或无法读取 {MANIFEST}）") from exc


def list_backups(paths: DataPaths) -> list[BackupInfo]:
    """Every complete backup, newest first (unfinished `.part-` folders are not backups)."""
    folder = backups_dir(paths)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if path.is_dir() and not path.name.startswith("."):
            try:
                found.append(read_backup(path))
            except BackupError:
                continue
    return sorted(found, key=lambda b: (b.created_at, b.id), reverse=True)


def find_backup(paths: DataPaths, backup_id: str) -> BackupInfo:
    path = backups_dir(paths) / backup_id
    if "/" in backup_id or "\\" in backup_id or backup_id.startswith(".") or not path.is_dir():
        raise BackupError(f"没有编号为 {backup_id} 的备份（{backups_dir(paths)}）")
    return read_backup(path)


def verify_backup(info: BackupInfo) -> list[str]:
    """What is wrong with a backup: [] when its database matches the manifest's checksum, passes
    SQLite's integrity check and its files are all there."""
    db_file = info.path / DB_NAME
    if not db_file.is_file():
        return [f"备份中缺少数据库文件 {db_file}"]
    if _sha256(db_file) != info.db_sha256:
        return [f"备份的数据库文件 {db_file} 与清单的校验值不符，可能已被改动或损坏"]
    try:
        problems = [f"完整性检查：{p}" for p in check_file(db_file)[:5]]
    except sqlite3.OperationalError as exc:
        return [f"无法读取备份的数据库文件 {db_file}：{exc}"]
    files = [p for name in FILE_FOLDERS for p in _file_list(info.path / name)]
    if len(files) < info.files:
        problems.append(f"备份应有照片和附件 {info.files} 个，只找到 {len(files)} 个")
    return problems


# -- rotation --------------------------------------------------------------------------------

def _buckets(keep_daily: int, keep_weekly: int, keep_monthly: int
             ) -> list[tuple[int, Callable[[dt.datetime], tuple[int, ...]]]]:
    return [
        (keep_daily, lambda t: (t.year, t.month, t.day)),
        (keep_weekly, lambda t: tuple(t.isocalendar())[:2]),
        (keep_monthly, lambda t: (t.year, t.month)),
    ]


def to_keep(backups: list[BackupInfo], keep_daily: int, keep_weekly: int, keep_monthly: int) -> set[str]:
    """The ids rotation keeps. Automatic backups: the newest KEEP_LAST_AUTO, and the newest of
    each of the last `keep_daily` days, `keep_weekly` ISO weeks and `keep_monthly` months that have
    one (as restic's --keep-last/--keep-daily…). The other reasons are kept apart: the newest
    KEEP_OTHER of each. The newest backup of all is always kept."""
    newest_first = sorted(backups, key=lambda b: (b.created_at, b.id), reverse=True)
    keep = {newest_first[0].id} if newest_first else set()
    autos = [b for b in newest_first if b.reason == AUTO]
    keep.update(b.id for b in autos[:KEEP_LAST_AUTO])
    for count, bucket in _buckets(keep_daily, keep_weekly, keep_monthly):
        seen: set[tuple[int, ...]] = set()
        for backup in autos:
            key = bucket(backup.created_at)
            if key not in seen and len(seen) < count:
                seen.add(key)
                keep.add(backup.id)
    for reason in REASONS.keys() - {AUTO}:
        keep.update(b.id for b in [b for b in newest_first if b.reason == reason][:KEEP_OTHER])
    return keep


def rotate(paths: DataPaths, keep_daily: int, keep_weekly: int, keep_monthly: int) -> list[str]:
    """Delete the backups rotation does not keep, and unfinished ones; the ids deleted."""
    backups = list_backups(paths)
    keep = to_keep(backups, keep_daily, keep_weekly, keep_monthly)
    removed = [b.id for b in backups if b.id not in keep]
    for backup_id in removed:
        _remove(backups_dir(paths) / backup_id)
    folder = backups_dir(paths)
    for stale in folder.glob(".part-*") if folder.is_dir() else []:
        _remove(stale)
    return removed


# -- zips ------------------------------------------------------------------------------------

def zip_name(info: BackupInfo) -> str:
    return f"presidium-backup-{info.id}.zip"


def write_zip(info: BackupInfo, folder: Path, report: Report | None = None) -> Path:
    """One .zip of a backup in any folder (a USB stick), written to a temporary file and renamed."""
    target = folder / zip_name(info)
    if not folder.is_dir():
        raise BackupError(f"文件夹不存在：{folder}")
    temporary: Path | None = None
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
        temporary = Path(name)
        with os.fdopen(handle, "wb") as stream:
            with zipfile.ZipFile(stream, "w") as archive:
                archive.write(info.path / MANIFEST, MANIFEST, zipfile.ZIP_DEFLATED)
                archive.write(info.path / DB_NAME, DB_NAME, zipfile.ZIP_DEFLATED)
                files = [p for n in FILE_FOLDERS for p in _file_list(info.path / n)]
                for number, path in enumerate(files, 1):
                    if report and number % 50 == 0:
                        report(f"正在写入文件 {number}/{len(files)}…")
                    archive.write(path, path.relative_to(info.path).as_posix(), zipfile.ZIP_STORED)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise BackupError(os_message(exc, folder)) from exc
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return target


def unpack_zip(paths: DataPaths, archive_path: Path) -> BackupInfo:
    """A backup zip unpacked into a hidden folder under backups/ (the caller removes it)."""
    folder = backups_dir(paths)
    work: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".part-unpack-", dir=folder))
        with zipfile.ZipFile(archive_path) as archive:
            names = archive.namelist()
            if MANIFEST not in names or DB_NAME not in names:
                raise BackupError(f"{archive_path} 不是主席团工作台的备份文件")
            for name in names:
                parts = Path(name).parts
                if name.startswith(("/", "\\")) or ".." in parts or (
                        name not in (MANIFEST, DB_NAME) and parts[0] not in FILE_FOLDERS):
                    raise BackupError(f"{archive_path} 含有不属于备份的文件：{name}")
            archive.extractall(work)
        info = read_backup(work)
        work = None
        return info
    except zipfile.BadZipFile as exc:
        raise BackupError(f"{archive_path} 不是有效的 zip 文件或已损坏") from exc
    except OSError as exc:
        if not archive_path.is_file():
            raise BackupError(f"备份文件不存在：{archive_path}") from exc
        raise BackupError(os_message(exc, folder)) from exc
    finally:
        if work is not None:
            _remove(work)


def discard_unpacked(info: BackupInfo) -> None:
    if info.path.name.startswith(".part-unpack-"):
        _remove(info.path)


# -- restore ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Restored:
    source: BackupInfo
    kept: BackupInfo | None  # the before-restore backup of what was replaced
    damaged: Path | None  # where an unreadable database was moved aside


def _sidecars(db_file: Path) -> list[Path]:
    return [db_file.with_name(db_file.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def move_aside(db_file: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm) to `<name>.damaged-<stamp>`: never deleted."""
    stamp = dt.datetime.now().strftime(STAMP)
    target = db_file.with_name(f"{db_file.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = db_file.with_name(f"{db_file.name}.damaged-{stamp}-{n}")
    try:
        os.replace(db_file, target)
        for sidecar in _sidecars(db_file):
            if sidecar.exists():
                os.replace(sidecar, target.with_name(target.name + sidecar.name[len(db_file.name):]))
    except OSError as exc:
        raise BackupError(os_message(exc, db_file.parent)) from exc
    return target


def restore_backup(paths: DataPaths, source: BackupInfo, database_file: Path | None = None,
                   report: Report | None = None) -> Restored:
    """Replace the database and the file folders with a backup. Nobody may have the database open.

    The backup is verified first. What is replaced is kept: a readable database as a
    before-restore backup, an unreadable one moved aside. The new files are prepared beside the
    old ones (where a full disk can stop us harmlessly), then renamed into place."""
    db_file = database_file or paths.database_file
    problems = verify_backup(source)
    if problems:
        raise BackupError(f"备份 {source.id} 未通过校验，未做任何恢复：{problems[0]}")
    _refuse_unknown_schema(source)
    kept: BackupInfo | None = None
    damaged: Path | None = None
    if report:
        report("正在准备恢复的数据库…")
    # The copy first: a full disk stops us here, before the current file is moved or copied.
    temporary = _prepare_database(source, db_file)
    fresh: list[Path | None] = []
    replaced = False
    try:
        if db_file.exists():
            kept, damaged = _keep_current(paths, db_file, report)
        if report:
            report("正在恢复数据库…")
        for folder in FILE_FOLDERS:
            fresh.append(_prepare_folder(source.path / folder, paths.root / folder, replace=kept is not None))
        for sidecar in _sidecars(db_file):  # a stale WAL would be replayed onto the restored file
            sidecar.unlink(missing_ok=True)
        os.replace(temporary, db_file)
        replaced = True
    except OSError as exc:
        raise BackupError(os_message(exc, db_file.parent)) from exc
    finally:
        if not replaced:
            temporary.unlink(missing_ok=True)
            for path in fresh:
                if path is not None:
                    _remove(path)
    for folder, prepared in zip(FILE_FOLDERS, fresh, strict=True):
        if prepared is not None:
            _swap_folder(prepared, paths.root / folder)
    return Restored(source, kept, damaged)


def _keep_current(paths: DataPaths, db_file: Path, report: Report | None
                  ) -> tuple[BackupInfo | None, Path | None]:
    """What the restore replaces, kept: a sound database as a before-restore backup; one that is
    damaged (even subtly, when only the full check finds it) moved aside whole."""
    try:
        unreadable = bool(check_file(db_file, quick=True))
    except sqlite3.OperationalError as exc:
        raise BackupError(f"无法读取当前的数据库 {db_file}，未做任何恢复：{exc}") from exc
    if unreadable:
        return None, move_aside(db_file)
    _refuse_if_in_use(db_file)
    if report:
        report("正在保留当前数据的副本…")
    try:
        return create_backup(paths, BEFORE_RESTORE, db_file, report), None
    except BackupError:
        if check_file(db_file):  # damage the quick check missed: the file itself is kept aside
            return None, move_aside(db_file)
        raise  # a full disk or the like: nothing was changed


def _refuse_unknown_schema(source: BackupInfo) -> None:
    """A backup made by a newer version of the app (or not by this app) would replace the data
    with a database this version cannot open: refused before anything is touched."""
    from presidium_app.storage.migrations import is_known_revision

    connection = _read_only(source.path / DB_NAME)
    try:
        revision = _scalar(connection, "SELECT version_num FROM alembic_version")
    finally:
        connection.close()
    if not revision or not is_known_revision(str(revision)):
        raise BackupError(f"备份 {source.id} 的数据库结构版本（{revision or '无'}）不是本软件所能打开的，"
                          "可能来自更新版本的主席团工作台；未做任何恢复")


def _refuse_if_in_use(db_file: Path) -> None:
    """Nobody else may have the database open (another window of the app, the command line):
    their next commit would go to the file being replaced. The WAL is folded into the file first,
    so removing it afterwards loses nothing."""
    message = (f"数据库 {db_file} 正被其他程序使用（如另一个主席团工作台窗口或命令行），"
               "请先关闭后再恢复；未做任何恢复")
    try:
        connection = sqlite3.connect(db_file, timeout=1)
    except sqlite3.Error as exc:
        raise BackupError(message) from exc
    try:
        busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        connection.execute("BEGIN EXCLUSIVE")
        connection.rollback()
    except sqlite3.Error as exc:
        raise BackupError(message) from exc
    finally:
        connection.close()
    if busy is not None and busy[0]:
        raise BackupError(message)


def _prepare_database(source: BackupInfo, db_file: Path) -> Path:
    """The backup's database copied beside the live one (same folder, so os.replace is atomic)."""
    temporary: Path | None = None
    try:
        db_file.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{db_file.name}.", suffix=".part", dir=db_file.parent)
        os.close(handle)
        temporary = Path(name)
        shutil.copyfile(source.path / DB_NAME, temporary)
        if db_file.exists():
            shutil.copymode(db_file, temporary)  # mkstemp made it private to this user
        _fsync(temporary)
        return temporary
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise BackupError(os_message(exc, db_file.parent)) from exc


def _prepare_folder(source: Path, live: Path, *, replace: bool) -> Path | None:
    """A backup's files ready to go in place. With `replace` (the old files are in the
    before-restore backup) a hidden folder to swap in; otherwise (the old database was unreadable)
    the backup's files are added to the live folder and nothing is deleted. Files are
    content-addressed, so extra ones do no harm."""
    if not replace:
        _link_tree(source, live, merge=True)
        return None
    fresh = live.with_name(f".{live.name}.restoring")
    _remove(fresh)
    try:
        fresh.mkdir(parents=True)
        _link_tree(source, fresh)
    except OSError:
        _remove(fresh)
        raise
    return fresh


def _swap_folder(fresh: Path, live: Path) -> None:
    retired = live.with_name(f".{live.name}.replaced")
    try:
        _remove(retired)
        if live.exists():
            live.rename(retired)
        fresh.rename(live)
    except OSError as exc:
        if retired.exists() and not live.exists():
            retired.rename(live)
        raise BackupError(os_message(exc, live)) from exc
    _remove(retired)
