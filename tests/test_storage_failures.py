"""Failure handling (issue 6, item 3): a full disk, a read-only database, a database locked by a
colleague, and exports written into a full or unwritable place. Each ends with a Chinese message
saying what happened, nothing half written (counts and the audit chain as before), and the same
action succeeding when retried once the cause is gone.

SQLite's own errors are produced the way SQLite produces them: `PRAGMA max_page_count` makes the
file unable to grow (SQLITE_FULL, "database or disk is full"), `PRAGMA query_only` and a
`mode=ro` connection refuse writes (SQLITE_READONLY), and a second connection holding
`BEGIN EXCLUSIVE` makes the app's write wait out its busy timeout (SQLITE_BUSY). The tests run as
root in CI, where chmod would not stop a write, so file permissions are not used.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from presidium_app import cli
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.deputies import Deputy, Mandate, StatusChange
from presidium_app.domain.enums import Channel
from presidium_app.domain.mailbox import Opinion, OpinionEvent, Submitter
from presidium_app.ledgers import registry
from presidium_app.ledgers.common import LedgerNotWritten
from presidium_app.services import audit_log, deputies, mailbox, township
from presidium_app.services.audit import Actor, storage_message
from presidium_app.services.errors import ServiceError, StorageFailure
from presidium_app.services.mailbox import OpinionInput, SubmitterInput
from presidium_app.storage.database import Database
from tests.crash_writer import chain_problem, integrity_check
from tests.helpers import deputy_input, make_id
from tests.storage_faults import ConnectionPragmas

FULL = "磁盘空间已满"
READ_ONLY = "只读"
LOCKED = "占用"
NOT_SAVED = "未保存"
COUNTED = (Deputy, Mandate, StatusChange, Opinion, OpinionEvent, Submitter, AuditEntry)


@pytest.fixture
def sqlite_db(db: Database) -> Database:
    if not db.is_sqlite:
        pytest.skip("SQLite only: the failures are made with SQLite's pragmas and file locks")
    return db


@pytest.fixture
def pragmas(sqlite_db: Database) -> Iterator[ConnectionPragmas]:
    hook = ConnectionPragmas(sqlite_db)
    yield hook
    hook.remove()


def counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in COUNTED}


def letter(number: int) -> OpinionInput:
    """A letter from the mailbox with the writer's name and phone (two tables, one transaction)."""
    return OpinionInput(
        received_on=dt.date(2026, 3, 2), channel=Channel.MAILBOX,
        content=f"第{number}封来信：反映东坑村至西岭村道路破损、雨天积水，请求尽快维修。" * 40,
        submitter=SubmitterInput("李秀英", f"1391234{number:04d}", address="东坑村三组"),
        village="东坑村", category="基础设施")


def term_id(db: Database) -> int:
    term = township.current_term(db)
    assert term is not None
    return term.id


def assert_nothing_written(db: Database, before: dict[str, int]) -> None:
    assert counts(db) == before
    assert chain_problem(db) == ""
    assert integrity_check(db.paths.database_file) == "ok"


# -- the messages ------------------------------------------------------------------------------
@pytest.mark.parametrize(("said", "expected"), [
    ("database or disk is full", FULL),                        # SQLITE_FULL
    ("could not extend file \"base/16384/2619\": No space left on device", FULL),  # PostgreSQL
    ("attempt to write a readonly database", READ_ONLY),       # SQLITE_READONLY
    ("cannot execute INSERT in a read-only transaction", READ_ONLY),  # PostgreSQL hot standby
    ("database is locked", LOCKED),                             # SQLITE_BUSY
    ("database table is locked", LOCKED),                       # SQLITE_LOCKED
    ("canceling statement due to lock timeout", LOCKED),        # PostgreSQL lock_timeout
    ("deadlock detected", LOCKED),                              # PostgreSQL
    ("database disk image is malformed", "损坏"),               # SQLITE_CORRUPT
    ("file is not a database", "损坏"),                         # SQLITE_NOTADB
    ("disk I/O error", "磁盘读写出错"),                          # SQLITE_IOERR (USB stick pulled)
    ("unable to open database file", "无法打开数据库文件"),      # SQLITE_CANTOPEN
    ("server closed the connection unexpectedly", "连接"),       # PostgreSQL server gone
])
def test_storage_message_says_what_happened_in_chinese(said: str, expected: str) -> None:
    message = storage_message(OperationalError("INSERT …", {}, Exception(said)))
    assert expected in message
    assert NOT_SAVED in message
    assert said not in message  # no English error text put before the user


# -- a full disk -------------------------------------------------------------------------------
def new_deputy(db: Database, number: int) -> deputies.DeputyInput:
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=number)
    return deputy_input(term_id(db), f"代表{number}", birth_date=birth, id_number=make_id(birth, 131),
                        workplace=f"东坑村第{number}村民小组组长")


def test_full_disk_refuses_the_write_whole_and_the_retry_succeeds(
        sqlite_db: Database, actor: Actor, pragmas: ConnectionPragmas) -> None:
    db = sqlite_db
    pragmas.set("PRAGMA max_page_count = {page_count}")
    failure: StorageFailure | None = None
    for number in range(1, 200):  # letters are registered until the file cannot grow any more
        before = counts(db)
        try:
            mailbox.register_opinion(db, actor, letter(number))
        except StorageFailure as exc:
            failure = exc
            break
    assert failure is not None, "the file never filled up"
    assert FULL in failure.message and NOT_SAVED in failure.message
    assert_nothing_written(db, before)

    pragmas.clear()  # the office frees some space; the same letter is registered on retry
    opinion_id = mailbox.register_opinion(db, actor, letter(number))
    after = counts(db)
    assert after["Opinion"] == before["Opinion"] + 1
    assert after["Submitter"] == before["Submitter"] + 1
    assert after["AuditEntry"] == before["AuditEntry"] + 1
    assert mailbox.get_opinion(db, opinion_id).seq == before["Opinion"] + 1  # no number skipped
    assert chain_problem(db) == ""


def test_full_disk_adding_deputies(sqlite_db: Database, actor: Actor, pragmas: ConnectionPragmas) -> None:
    """A deputy is a person, a mandate and the first status entry: all of them or none."""
    db = sqlite_db
    pragmas.set("PRAGMA max_page_count = {page_count}")
    failure: StorageFailure | None = None
    for number in range(1, 2000):
        before = counts(db)
        try:
            deputies.add_deputy(db, actor, new_deputy(db, number))
        except StorageFailure as exc:
            failure = exc
            break
    assert failure is not None, "the file never filled up"
    assert FULL in failure.message
    assert_nothing_written(db, before)
    assert deputies.count(db, deputies.DeputyQuery()) == number - 1

    pragmas.clear()
    mandate_id = deputies.add_deputy(db, actor, new_deputy(db, number))
    assert deputies.get_deputy(db, mandate_id).data.name == f"代表{number}"
    assert counts(db)["Mandate"] == before["Mandate"] + 1
    assert chain_problem(db) == ""


# -- a read-only database ----------------------------------------------------------------------
def test_read_only_database_refuses_the_write_and_the_retry_succeeds(
        sqlite_db: Database, actor: Actor, pragmas: ConnectionPragmas) -> None:
    db = sqlite_db
    before = counts(db)
    pragmas.set("PRAGMA query_only = ON")
    with pytest.raises(StorageFailure) as raised:
        deputies.add_deputy(db, actor, deputy_input(term_id(db)))
    assert READ_ONLY in raised.value.message and NOT_SAVED in raised.value.message
    with pytest.raises(StorageFailure, match=READ_ONLY):
        mailbox.register_opinion(db, actor, letter(1))
    assert deputies.count(db, deputies.DeputyQuery()) == 0  # reading still works
    assert_nothing_written(db, before)

    pragmas.clear()
    mandate_id = deputies.add_deputy(db, actor, deputy_input(term_id(db)))
    assert deputies.get_deputy(db, mandate_id).data.name == "张三丰"
    assert counts(db)["AuditEntry"] == before["AuditEntry"] + 1
    assert chain_problem(db) == ""


def test_file_opened_read_only_gives_the_same_message(sqlite_db: Database, actor: Actor) -> None:
    """The file itself read-only (as a read-only file or medium opens): SQLite's mode=ro."""
    before = counts(sqlite_db)
    read_only = Database(f"sqlite:///file:{sqlite_db.paths.database_file}?mode=ro&uri=true",
                         sqlite_db.paths)
    try:
        with pytest.raises(StorageFailure) as raised:
            mailbox.register_opinion(read_only, actor, letter(1))
    finally:
        read_only.dispose()
    assert READ_ONLY in raised.value.message
    assert_nothing_written(sqlite_db, before)


# -- a locked database -------------------------------------------------------------------------
@pytest.fixture
def colleague(sqlite_db: Database) -> Iterator[sqlite3.Connection]:
    """Another program (or a colleague's copy of the app) with its own connection to the file."""
    connection = sqlite3.connect(sqlite_db.paths.database_file, isolation_level=None, timeout=0,
                                 check_same_thread=False)
    yield connection
    if connection.in_transaction:
        connection.execute("ROLLBACK")
    connection.close()


def test_locked_database_refuses_the_write_and_the_retry_succeeds(
        sqlite_db: Database, actor: Actor, pragmas: ConnectionPragmas,
        colleague: sqlite3.Connection) -> None:
    db = sqlite_db
    before = counts(db)
    pragmas.set("PRAGMA busy_timeout = 300")
    colleague.execute("BEGIN EXCLUSIVE")
    started = time.monotonic()
    with pytest.raises(StorageFailure) as raised:
        mailbox.register_opinion(db, actor, letter(1))
    assert time.monotonic() - started < 5  # waited out the busy timeout, did not hang
    assert LOCKED in raised.value.message and NOT_SAVED in raised.value.message
    with pytest.raises(StorageFailure, match=LOCKED):
        deputies.add_deputy(db, actor, deputy_input(term_id(db)))
    assert counts(db) == before  # reading goes on while the colleague writes (WAL)

    colleague.execute("ROLLBACK")
    opinion_id = mailbox.register_opinion(db, actor, letter(1))
    assert mailbox.get_opinion(db, opinion_id).submitter is not None
    assert counts(db)["Opinion"] == before["Opinion"] + 1
    assert counts(db)["AuditEntry"] == before["AuditEntry"] + 1
    assert chain_problem(db) == ""


def test_locked_on_postgresql_gives_the_same_message(db: Database, actor: Actor) -> None:
    """On a shared server a colleague's open transaction holds the audit chain's head row; with a
    lock timeout the write stops with the same message, and succeeds once the lock is gone."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL only: row locks and lock_timeout")
    from sqlalchemy import create_engine, text

    def short_lock_timeout(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        dbapi_connection.commit()

    event.listen(db.engine, "connect", short_lock_timeout)
    db.engine.dispose()
    other = create_engine(db.url)
    try:
        before = counts(db)
        with other.connect() as connection:
            transaction = connection.begin()
            connection.execute(text("SELECT * FROM audit_chain_head WHERE id = 1 FOR UPDATE"))
            with pytest.raises(StorageFailure) as raised:
                mailbox.register_opinion(db, actor, letter(1))
            transaction.rollback()
        assert LOCKED in raised.value.message and NOT_SAVED in raised.value.message
        assert counts(db) == before
        assert mailbox.get_opinion(db, mailbox.register_opinion(db, actor, letter(1))).seq == 1
        assert chain_problem(db) == ""
    finally:
        other.dispose()
        event.remove(db.engine, "connect", short_lock_timeout)
        db.engine.dispose()


def test_write_waits_for_a_short_lock_instead_of_failing(
        sqlite_db: Database, actor: Actor, colleague: sqlite3.Connection) -> None:
    """A colleague's save that takes a moment is waited for (busy timeout), not reported."""
    import threading

    colleague.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.5, lambda: colleague.execute("COMMIT"))
    release.start()
    try:
        opinion_id = mailbox.register_opinion(sqlite_db, actor, letter(1))
    finally:
        release.join()
    assert mailbox.get_opinion(sqlite_db, opinion_id).seq == 1


# -- files written out: ledgers and PDFs --------------------------------------------------------
def _no_space(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _half_written_save(self: Workbook, filename: Any) -> None:
    """openpyxl's save on a disk that fills up: part of the zip written, then ENOSPC."""
    Path(filename).write_bytes(b"PK\x03\x04" + b"\0" * 4096)
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(filename))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@dataclass(frozen=True)
class FileExport:
    """An export that writes one file: how it is started and what it says when the disk is full."""

    file_name: str
    export: Callable[[Database, Actor, Path], int]
    raises: type[ServiceError]
    says: tuple[str, ...]
    succeeded: Callable[[int], bool]


FULL_DISK_EXPORTS = [
    FileExport("代表名册.xlsx",
               lambda db, actor, target: registry.ledger("deputies").export_file(db, actor, target),
               LedgerNotWritten, ("代表名册.xlsx", "未能保存"), lambda rows: rows == 1),
    FileExport("操作日志.xlsx",
               lambda db, actor, target: audit_log.export_entries(db, actor, audit_log.AuditQuery(), target),
               ServiceError, ("操作日志.xlsx", "磁盘空间不足"), lambda rows: rows >= 1),
]


@pytest.mark.parametrize("case", FULL_DISK_EXPORTS, ids=["ledger", "audit_log"])
def test_export_to_a_full_disk_names_the_file_and_leaves_no_partial_file(
        case: FileExport, db: Database, actor: Actor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    deputies.add_deputy(db, actor, deputy_input(term_id(db)))
    out = tmp_path / "out"
    out.mkdir()
    target = out / case.file_name
    monkeypatch.setattr(Workbook, "save", _half_written_save)
    with pytest.raises(case.raises) as raised:
        case.export(db, actor, target)
    for fragment in case.says:
        assert fragment in raised.value.message, raised.value.message
    assert "No space" not in raised.value.message
    assert leftovers(out) == []  # neither the file nor its temporary part

    monkeypatch.undo()  # space freed: the same export succeeds
    assert case.succeeded(case.export(db, actor, target))
    assert leftovers(out) == [case.file_name]


def test_file_messages_give_the_reason_in_chinese(
        db: Database, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Workbook, "save", _half_written_save)
    with pytest.raises(LedgerNotWritten) as ledger_failure:
        registry.ledger("deputies").export_file(db, actor, tmp_path / "代表名册.xlsx")
    monkeypatch.setattr(os, "fsync", _no_space)
    with pytest.raises(cli.CliError) as pdf_failure:
        cli.write_atomically(tmp_path / "签到表.pdf", b"%PDF-1.4\n")
    for message in (ledger_failure.value.message, str(pdf_failure.value)):
        assert "磁盘空间不足" in message, message
        assert "No space" not in message


def test_ledger_export_over_a_file_open_elsewhere_keeps_the_old_file(
        db: Database, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replacing a file another program holds (WPS on Windows) fails: the old file stays whole."""
    deputies.add_deputy(db, actor, deputy_input(term_id(db)))
    target = tmp_path / "代表名册.xlsx"
    registry.ledger("deputies").export_file(db, actor, target)
    old = target.read_bytes()

    def refused(*_args: Any) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(LedgerNotWritten) as raised:
        registry.ledger("deputies").export_file(db, actor, target)
    assert "代表名册.xlsx" in raised.value.message and "WPS" in raised.value.message
    monkeypatch.undo()
    assert target.read_bytes() == old
    assert leftovers(tmp_path) == ["data", "代表名册.xlsx"]
    load_workbook(target).close()


def test_cli_export_to_a_full_disk_says_so_and_exits_with_an_error(
        db: Database, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    if not db.is_sqlite:
        pytest.skip("the command line opens the SQLite data dir here")
    deputies.add_deputy(db, actor, deputy_input(term_id(db)))
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(Workbook, "save", _half_written_save)
    code = cli.main(["export", "deputies", str(out / "名册.xlsx")])
    assert code != 0
    err = capsys.readouterr().err
    assert "名册.xlsx" in err and "未能保存" in err
    assert leftovers(out) == []


def test_cli_pdf_into_a_full_disk_leaves_no_partial_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "签到表.pdf"
    monkeypatch.setattr(os, "fsync", _no_space)  # the data did not fit when flushed
    with pytest.raises(cli.CliError) as raised:
        cli.write_atomically(target, b"%PDF-1.4\n" + b"0" * 10_000)
    assert "签到表.pdf" in str(raised.value)
    assert leftovers(tmp_path) == []
    monkeypatch.undo()
    cli.write_atomically(target, b"%PDF-1.4\n")
    assert leftovers(tmp_path) == ["签到表.pdf"]
