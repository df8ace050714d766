"""Backups and restore (issue 6, items 1 and 2): what an office would check after losing a day's
work, a disk or a file: the data comes back exactly, what was replaced is kept, nothing is ever
half written, and a damaged file is never touched."""

from __future__ import annotations

import datetime as dt
import errno
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from presidium_app.cli import main
from presidium_app.domain.accounts import Role
from presidium_app.services import backups, deputies, township
from presidium_app.services.audit import Actor
from presidium_app.services.errors import PermissionDenied, ServiceError, StorageFailure
from presidium_app.storage import backup as store
from presidium_app.storage.database import Database
from presidium_app.storage.opening import DamagedDatabase, open_database
from tests.helpers import deputy_input, make_id

AUDIT_TABLES = ("audit_log", "audit_chain_head")


@pytest.fixture
def db(db: Database) -> Database:
    """Backups are for SQLite: a shared PostgreSQL database is backed up with pg_dump."""
    if not db.is_sqlite:
        pytest.skip("备份与恢复只用于 SQLite：共享数据库由服务器管理员用 pg_dump 备份")
    return db


def tables(path: Path, skip: tuple[str, ...] = AUDIT_TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, read-only: what 'the same data' means."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {name: connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
                for name in sorted(names)  # the search index's own tables: its rows are compared
                if name not in skip and not name.startswith("opinion_search_")}
    finally:
        connection.close()


def add(db: Database, actor: Actor, name: str) -> int:
    term = township.current_term(db)
    assert term is not None
    seq = 2 * len(names(db)) + 1  # odd: a man's number
    number = make_id(dt.date(1970, 5, 17), seq)
    return deputies.add_deputy(db, actor, deputy_input(term.id, name, id_number=number))


def names(db: Database) -> list[str]:
    with db.session() as session:
        from sqlalchemy import select

        from presidium_app.domain.deputies import Deputy

        return sorted(session.scalars(select(Deputy.name)))


def put_file(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def corrupt(path: Path) -> bytes:
    """Garbage over some pages after the header, as a failing disk leaves them."""
    data = bytearray(path.read_bytes())
    data[4096:4096 * 6] = b"\xde\xad\xbe\xef" * (4096 * 5 // 4)
    path.write_bytes(bytes(data))
    return bytes(data)


def test_round_trip_brings_back_the_data_and_files_and_keeps_what_it_replaced(
        db: Database, actor: Actor) -> None:
    add(db, actor, "张三丰")
    photo = put_file(db.paths.photos, "a1.jpg", b"\xff\xd8\xff photo")
    put_file(db.paths.attachments, "b2.pdf", b"%PDF-1.4 minutes")
    info, archive = backups.create(db, actor)
    assert archive is None and not store.verify_backup(info)
    snapshot = tables(info.path / "presidium.db")

    add(db, actor, "李四")
    photo.unlink()
    put_file(db.paths.attachments, "c3.pdf", b"%PDF-1.4 later")
    before = tables(db.paths.database_file)

    outcome = backups.restore(db, actor, info.id)
    restored = outcome.database
    try:
        assert tables(restored.paths.database_file) == snapshot
        assert names(restored) == ["张三丰"]
        assert photo.read_bytes() == b"\xff\xd8\xff photo"
        assert not (restored.paths.attachments / "c3.pdf").exists()
        # what was replaced is a verified backup of its own, with the later file
        assert outcome.kept is not None and outcome.kept.reason == store.BEFORE_RESTORE
        assert not store.verify_backup(outcome.kept)
        assert tables(outcome.kept.path / "presidium.db") == before
        assert (outcome.kept.path / "attachments" / "c3.pdf").read_bytes() == b"%PDF-1.4 later"
    finally:
        restored.dispose()


def test_the_restored_file_is_byte_identical_to_the_snapshot(db: Database, actor: Actor) -> None:
    add(db, actor, "张三丰")
    info = store.create_backup(db.paths, store.MANUAL)
    add(db, actor, "李四")
    db.dispose()
    store.restore_backup(db.paths, info)
    assert db.paths.database_file.read_bytes() == (info.path / "presidium.db").read_bytes()
    assert not Path(f"{db.paths.database_file}-wal").exists()


def test_restore_is_written_into_the_restored_log(db: Database, actor: Actor) -> None:
    info, _ = backups.create(db, actor)
    outcome = backups.restore(db, actor, info.id)
    try:
        from sqlalchemy import select

        from presidium_app.domain.audit import AuditEntry

        with outcome.database.session() as session:
            entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.action == "backup.restore" and entry.success
        assert info.id in entry.summary and "原数据已保留" in entry.summary
    finally:
        outcome.database.dispose()


def test_zip_to_a_usb_folder_restores_on_another_pc(db: Database, actor: Actor, tmp_path: Path) -> None:
    add(db, actor, "张三丰")
    put_file(db.paths.attachments, "b2.pdf", b"%PDF-1.4 minutes")
    usb = tmp_path / "usb"
    usb.mkdir()
    info, archive = backups.create(db, actor, to=usb)
    assert archive is not None and archive.parent == usb and archive.suffix == ".zip"
    assert [p.name for p in usb.iterdir()] == [archive.name]  # no temporary file left

    other = open_database(tmp_path / "other")  # a new PC: an empty database
    outcome = backups.restore(other, actor, archive)
    try:
        assert outcome.restored.id == info.id
        assert names(outcome.database) == ["张三丰"]
        assert (tmp_path / "other" / "attachments" / "b2.pdf").read_bytes() == b"%PDF-1.4 minutes"
        assert not [p for p in (tmp_path / "other" / "backups").iterdir() if p.name.startswith(".")]
    finally:
        outcome.database.dispose()


def test_a_damaged_database_is_moved_aside_never_deleted(db: Database, actor: Actor) -> None:
    for n in range(40):
        add(db, actor, f"代表{n:02d}")
    put_file(db.paths.attachments, "late.pdf", b"%PDF only in the damaged state")
    info = store.create_backup(db.paths, store.MANUAL)
    url = db.url
    db.dispose()
    damaged_bytes = corrupt(db.paths.database_file)

    with pytest.raises(DamagedDatabase) as caught:
        open_database(db.paths.root)
    assert caught.value.path == db.paths.database_file
    assert db.paths.database_file.read_bytes() == damaged_bytes  # opening changed nothing

    assert backups.newest_good_backup(db.paths) == info
    outcome = backups.restore_damaged(db.paths, url, actor, info.id)
    try:
        assert outcome.damaged is not None and outcome.damaged.parent == db.paths.root
        assert outcome.damaged.name.startswith("presidium.db.damaged-")
        assert outcome.damaged.read_bytes() == damaged_bytes
        assert len(names(outcome.database)) == 40
        # the old files were not replaced (their database could not say which it needed)
        assert (db.paths.attachments / "late.pdf").exists()
    finally:
        outcome.database.dispose()


def test_a_backup_taken_while_another_connection_writes_is_consistent(db: Database) -> None:
    with db.transaction() as session:
        from sqlalchemy import text

        session.execute(text("CREATE TABLE ledger_pair (id INTEGER PRIMARY KEY, amount INTEGER)"))
        session.execute(text("CREATE TABLE ledger_total (total INTEGER)"))
        session.execute(text("INSERT INTO ledger_total VALUES (0)"))
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        connection = sqlite3.connect(str(db.paths.database_file), timeout=30)
        while not stop.is_set():
            with connection:  # one transaction: a row and the total move together
                connection.execute("INSERT INTO ledger_pair (amount) VALUES (1)")
                connection.execute("UPDATE ledger_total SET total = total + 1")
            written[0] += 1
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        taken = [store.create_backup(db.paths, store.AUTO) for _ in range(5)]
    finally:
        stop.set()
        thread.join()
    assert written[0] > 0
    for info in taken:
        assert not store.verify_backup(info)
        snapshot = sqlite3.connect(info.path / "presidium.db")
        rows = snapshot.execute("SELECT count(*) FROM ledger_pair").fetchone()[0]
        total = snapshot.execute("SELECT total FROM ledger_total").fetchone()[0]
        snapshot.close()
        assert rows == total


def _no_space(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_stops_a_backup_with_a_message_and_leaves_nothing(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    put_file(db.paths.attachments, "b2.pdf", b"%PDF-1.4 minutes")
    monkeypatch.setattr(store.os, "link", _no_space)
    with pytest.raises(StorageFailure) as caught:
        backups.create(db, actor)
    assert "磁盘空间已满" in caught.value.message and str(store.backups_dir(db.paths)) in caught.value.message
    assert list(store.backups_dir(db.paths).iterdir()) == []
    monkeypatch.undo()
    # and it can be retried
    info, _ = backups.create(db, actor)
    assert not store.verify_backup(info)


def test_a_full_disk_during_restore_changes_nothing(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    info, _ = backups.create(db, actor)
    add(db, actor, "李四")
    before = tables(db.paths.database_file, skip=())
    monkeypatch.setattr(store.shutil, "copyfile", _no_space)
    with pytest.raises(StorageFailure) as caught:
        backups.restore(db, actor, info.id)
    assert "磁盘空间已满" in caught.value.message and str(db.paths.root) in caught.value.message
    monkeypatch.undo()
    after = tables(db.paths.database_file, skip=AUDIT_TABLES)
    assert after == {k: v for k, v in before.items() if k not in AUDIT_TABLES}
    assert not [p for p in db.paths.root.iterdir() if p.name.startswith(".")]
    assert names(db) == ["李四"]


def test_a_read_only_folder_is_named(db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch,
                                     tmp_path: Path) -> None:
    info, _ = backups.create(db, actor)

    def read_only(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(store.tempfile, "mkstemp", read_only)
    with pytest.raises(StorageFailure) as caught:
        backups.export(db, actor, info.id, tmp_path)
    assert "只读" in caught.value.message and str(tmp_path) in caught.value.message


def test_rotation_keeps_the_newest_of_each_day_week_and_month() -> None:
    def made(at: dt.datetime, reason: str = store.AUTO) -> store.BackupInfo:
        backup_id = f"{at:%Y%m%d-%H%M%S}-{reason}"
        return store.BackupInfo(backup_id, Path(backup_id), at, reason, None, "", None, 0, 0, "")

    start = dt.datetime(2026, 1, 1, 9)
    autos = [made(start + dt.timedelta(days=d, hours=h)) for d in range(120) for h in (0, 8)]
    manual = [made(start + dt.timedelta(days=d, hours=1), store.MANUAL) for d in range(8)]
    keep = store.to_keep(autos + manual, keep_daily=7, keep_weekly=4, keep_monthly=12)

    kept_autos = sorted((b for b in autos if b.id in keep), key=lambda b: b.created_at)
    last = autos[-1].created_at
    # the newest 3 whatever their day, and for the last 7 days the evening backup of each
    assert {b.id for b in autos[-store.KEEP_LAST_AUTO:]} <= keep
    week = [(b.created_at.day, b.created_at.hour) for b in kept_autos if (last - b.created_at).days < 7]
    evenings = [(d.day, 17) for d in (last - dt.timedelta(days=n) for n in range(6, -1, -1))]
    assert week == [*evenings[:-1], (last.day, 9), evenings[-1]]
    assert autos[-4].id not in keep  # yesterday morning's
    # every month that has backups keeps its newest (4 months < 12)
    months = {(b.created_at.year, b.created_at.month) for b in kept_autos}
    assert months == {(2026, 1), (2026, 2), (2026, 3), (2026, 4)}
    assert made(dt.datetime(2026, 1, 31, 17)).id in keep
    # 4 weeks: their Sundays' evening backups
    sundays = [b for b in kept_autos if b.created_at.isoweekday() == 7 and b.created_at.hour == 17]
    assert len([b for b in sundays if (last - b.created_at).days < 28]) >= 3
    assert len(kept_autos) <= 3 + 7 + 4 + 12
    # other reasons are kept apart: the newest 5 manual ones
    assert [b.id for b in manual if b.id in keep] == [b.id for b in manual[-5:]]


def test_rotate_deletes_folders_and_keeps_the_newest(db: Database, actor: Actor) -> None:
    taken = [store.create_backup(db.paths, store.MANUAL) for _ in range(7)]
    removed = backups.rotate(db)
    assert sorted(removed) == sorted(b.id for b in taken[:2])
    assert [b.id for b in store.list_backups(db.paths)] == [b.id for b in reversed(taken[2:])]


def test_needs_backup_after_a_change_only(db: Database, actor: Actor) -> None:
    assert backups.needs_backup(db)  # the township was set up, nothing backed up yet
    assert backups.auto_backup(db) is not None
    assert not backups.needs_backup(db)  # the backup's own log entry is no change
    assert backups.auto_backup(db) is None
    add(db, actor, "张三丰")
    assert backups.needs_backup(db)


def test_a_changed_backup_fails_verification(db: Database, actor: Actor) -> None:
    info, _ = backups.create(db, actor)
    with (info.path / "presidium.db").open("r+b") as stream:
        stream.seek(200)
        stream.write(b"x")
    problems = store.verify_backup(info)
    assert problems and "校验值不符" in problems[0]
    with pytest.raises(StorageFailure) as caught:
        backups.restore(db, actor, info.id)
    assert "未通过校验" in caught.value.message


def test_before_migration_backup(db: Database) -> None:
    from alembic import command

    from presidium_app.storage.migrations import alembic_config, head_revision

    command.downgrade(alembic_config(db.engine), "0005")
    db.dispose()
    reopened = open_database(db.paths.root)
    reopened.dispose()
    made = [b for b in store.list_backups(db.paths) if b.reason == store.BEFORE_MIGRATION]
    assert len(made) == 1 and made[0].schema_revision == "0005"
    assert not store.verify_backup(made[0])
    assert head_revision() != "0005"


def test_roles_are_checked(db: Database) -> None:
    from sqlalchemy import select

    from presidium_app.domain.audit import AuditEntry

    viewer, staff = Actor("访客", Role.VIEWER), Actor("小王", Role.STAFF)
    with pytest.raises(PermissionDenied):
        backups.create(db, viewer)
    with db.session() as session:
        refused = session.scalars(select(AuditEntry).where(AuditEntry.action == "backup.create")).one()
    assert (refused.user, refused.success) == ("访客", False)
    info, _ = backups.create(db, staff)
    with pytest.raises(PermissionDenied) as caught:
        backups.restore(db, staff, info.id)
    assert caught.value.exit_code == 5 and "从备份恢复" in caught.value.message


def test_postgres_is_refused_with_the_reason(empty_db: Database, actor: Actor,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    if empty_db.is_sqlite:
        monkeypatch.setattr(Database, "is_sqlite", property(lambda _self: False))
    with pytest.raises(ServiceError) as caught:
        backups.create(empty_db, actor)
    assert "pg_dump" in caught.value.message
    assert not backups.needs_backup(empty_db)


# -- the command line ------------------------------------------------------------------------

def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_create_list_restore(db: Database, actor: Actor, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    add(db, actor, "张三丰")
    db.dispose()
    data = str(db.paths.root)
    code, out, _ = run(capsys, "--data-dir", data, "backup", "create", "--to", str(tmp_path))
    assert code == 0 and "已备份" in out and ".zip" in out
    backup_id = out.split("已备份：")[1].split("（")[0]
    archive = next(tmp_path.glob("*.zip"))

    again = open_database(data)
    add(again, actor, "李四")
    again.dispose()
    code, out, _ = run(capsys, "--data-dir", data, "backup", "list")
    assert code == 0 and backup_id in out and "手动备份" in out and "校验通过" in out

    code, out, _ = run(capsys, "--data-dir", data, "backup", "restore", backup_id)
    assert code == 0 and "原数据已保留为备份" in out and "before-restore" in out
    check = open_database(data)
    assert names(check) == ["张三丰"]
    check.dispose()

    code, out, _ = run(capsys, "--data-dir", data, "backup", "restore", str(archive))
    assert code == 0 and backup_id in out

    code, _, err = run(capsys, "--data-dir", data, "backup", "restore", "no-such-backup")
    assert code == 1 and "no-such-backup" in err and "Traceback" not in err


def test_cli_restores_over_a_damaged_file(db: Database, actor: Actor,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(40):
        add(db, actor, f"代表{n:02d}")
    info = store.create_backup(db.paths, store.MANUAL)
    db.dispose()
    damaged = corrupt(db.paths.database_file)
    code, out, _ = run(capsys, "--data-dir", str(db.paths.root), "backup", "restore", info.id)
    assert code == 0 and "已移到" in out
    aside = next(p for p in db.paths.root.glob("presidium.db.damaged-*")
                 if not p.name.endswith(("-wal", "-shm")))
    assert aside.read_bytes() == damaged


def test_cli_viewer_may_not_restore(db: Database, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from presidium_app.services import accounts

    admin = accounts.create_first_admin(db, "admin", "管理员", "Kx7-office-2026")
    accounts.add_user(db, admin, "guest", "访客", Role.VIEWER, "Kx7-temporary-2026")
    guest = accounts.authenticate(db, "guest", "Kx7-temporary-2026")
    accounts.change_password(db, guest, "Kx7-temporary-2026", "Kx7-visitor-2026")  # no longer temporary
    info = store.create_backup(db.paths, store.MANUAL)
    db.dispose()
    unchanged = ("deputy", "mandate", "township", "backup")
    before = {k: v for k, v in tables(db.paths.database_file).items() if k in unchanged}
    monkeypatch.setenv("PRESIDIUM_PASSWORD", "Kx7-visitor-2026")
    code, _, err = run(capsys, "--data-dir", str(db.paths.root), "--user", "guest",
                       "backup", "restore", info.id)
    assert code == 5 and "从备份恢复" in err
    assert [b.reason for b in store.list_backups(db.paths)] == [store.MANUAL]  # nothing replaced
    assert {k: v for k, v in tables(db.paths.database_file).items() if k in unchanged} == before


def test_a_backup_from_a_newer_version_is_refused_before_anything_changes(db: Database, actor: Actor) -> None:
    import json

    add(db, actor, "张三丰")
    info = store.create_backup(db.paths, store.MANUAL)
    with sqlite3.connect(info.path / "presidium.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    manifest = json.loads((info.path / "manifest.json").read_text(encoding="utf-8"))
    manifest["db_sha256"] = store._sha256(info.path / "presidium.db")  # a well-made backup, only newer
    (info.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    db.dispose()
    before = db.paths.database_file.read_bytes()
    with pytest.raises(store.BackupError, match="9999"):
        store.restore_backup(db.paths, store.read_backup(info.path))
    assert db.paths.database_file.read_bytes() == before
    assert [b.reason for b in store.list_backups(db.paths)] == [store.MANUAL]  # no before-restore


def test_a_database_another_program_has_open_is_not_replaced(db: Database, actor: Actor) -> None:
    add(db, actor, "张三丰")
    info = store.create_backup(db.paths, store.MANUAL)
    add(db, actor, "李四")
    db.dispose()
    other = sqlite3.connect(db.paths.database_file)  # another window, in the middle of a save
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(store.BackupError, match="正被其他程序使用"):
            store.restore_backup(db.paths, info)
    finally:
        other.rollback()
        other.close()
    store.restore_backup(db.paths, info)  # once it is closed, the restore goes ahead
    reopened = open_database(db.paths.root)
    try:
        assert names(reopened) == ["张三丰"]
    finally:
        reopened.dispose()


def test_a_full_disk_restoring_over_a_damaged_file_leaves_it_in_place(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy to restore is made before the damaged file is moved: a full disk then changes
    nothing, and the next start still finds (and offers to repair) the same file."""
    add(db, actor, "张三丰")
    info = store.create_backup(db.paths, store.MANUAL)
    db.dispose()
    damaged_bytes = corrupt(db.paths.database_file)
    monkeypatch.setattr(store.shutil, "copyfile", _no_space)
    with pytest.raises(store.BackupError):
        store.restore_backup(db.paths, info)
    assert db.paths.database_file.read_bytes() == damaged_bytes
    assert not list(db.paths.root.glob("presidium.db.damaged-*"))


def test_damage_only_the_full_check_finds_is_moved_aside_and_the_restore_goes_ahead(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that passes the quick check but fails the full one (an index out of step) cannot
    be copied into a before-restore backup: it is kept whole beside the restored one instead."""
    add(db, actor, "张三丰")
    info = store.create_backup(db.paths, store.MANUAL)
    add(db, actor, "李四")
    db.dispose()
    sound = store.check_file

    def subtle(path: Path, *, quick: bool = False) -> list[str]:
        if quick or info.path in path.parents:
            return sound(path, quick=quick)
        return ["row 3 missing from index ix_deputy_name"]

    monkeypatch.setattr(store, "check_file", subtle)
    restored = store.restore_backup(db.paths, info)
    assert restored.kept is None and restored.damaged is not None and restored.damaged.exists()
    monkeypatch.undo()
    reopened = open_database(db.paths.root)
    try:
        assert names(reopened) == ["张三丰"]
    finally:
        reopened.dispose()
