"""The audit log's hash chain (防篡改): a fresh chain verifies; an edited, deleted or forged entry is
found and named; entries from before the chain's migration are chained by it; `presidium check`
exits 4 after tampering; exports are logged and refused to the read-only role."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import delete, func, insert, select, text, update

from presidium_app.cli import main
from presidium_app.domain.accounts import Role
from presidium_app.domain.audit import AuditEntry, chain_hash
from presidium_app.ledgers import registry
from presidium_app.services import audit_chain, deputies, township
from presidium_app.services.audit import Actor, log_event
from presidium_app.services.audit_chain import MAX_LISTED, verify_chain
from presidium_app.services.errors import PermissionDenied
from presidium_app.storage.database import Database, make_engine
from presidium_app.storage.migrations import alembic_config, upgrade
from presidium_app.storage.paths import DataPaths
from tests.conftest import TEST_DATABASE_URL_ENV, _reset_postgres
from tests.helpers import deputy_input


@pytest.fixture
def logged(db: Database, actor: Actor) -> list[int]:
    """A township, three deputies and a status change: six entries, ids oldest first."""
    term = township.current_term(db)
    assert term is not None
    first = deputies.add_deputy(db, actor, deputy_input(term.id))
    deputies.add_deputy(db, actor, deputy_input(term.id, "李秀英", id_number=None, mobile=""))
    deputies.add_deputy(db, actor, deputy_input(term.id, "王建国", id_number=None, mobile=""))
    log_event(db, actor, "user.login", "user_account", None, "登录成功")
    deputies.update_deputy(db, actor, first, deputies.get_deputy(db, first).data, None, None)
    with db.session() as session:
        return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def execute(db: Database, statement: Any, **params: Any) -> None:
    """What someone with a database tool does: a change that bypasses the app."""
    with db.engine.begin() as connection:
        connection.execute(statement, params)


def test_a_fresh_chain_verifies(db: Database, logged: list[int]) -> None:
    report = verify_chain(db)
    assert report.ok and report.problems == [] and report.problem_count == 0
    assert report.verified == report.head_entries == len(logged) == 6
    with db.session() as session:
        newest = session.get(AuditEntry, logged[-1])
        assert newest is not None and report.head_hash == newest.entry_hash
    assert "校验通过" in report.summary() and report.head_hash in report.summary()


def test_an_empty_log_verifies(empty_db: Database) -> None:
    report = verify_chain(empty_db.engine)
    assert report.ok and report.verified == 0


def test_an_edited_summary_is_found_and_named(db: Database, logged: list[int]) -> None:
    target = logged[2]
    execute(db, text("UPDATE audit_log SET summary = :s WHERE id = :id"), s="什么也没发生", id=target)
    report = verify_chain(db)
    assert not report.ok and report.problem_count == 1
    problem = report.problems[0]
    assert problem.kind == "edited" and problem.entry_id == target
    with db.session() as session:
        entry = session.get(AuditEntry, target)
        assert entry is not None
        assert f"第 {target} 号记录（{entry.at:%Y-%m-%d %H:%M:%S}）" in problem.message
    assert "改动" in problem.message


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(db: Database, logged: list[int]) -> None:
    target = logged[2]
    with db.session() as session:
        entry = session.get(AuditEntry, target)
        assert entry is not None
        forged = chain_hash(entry.prev_hash, entry.at, entry.user, entry.action, entry.object_type,
                            entry.object_id, "什么也没发生", entry.before, entry.after, entry.success)
    execute(db, update(AuditEntry).where(AuditEntry.id == target).values(summary="什么也没发生",
                                                                          entry_hash=forged))
    report = verify_chain(db)
    assert [(p.kind, p.entry_id) for p in report.problems] == [("break", logged[3])]


def test_a_deleted_middle_entry_is_found(db: Database, logged: list[int]) -> None:
    execute(db, delete(AuditEntry).where(AuditEntry.id == logged[3]))
    report = verify_chain(db)
    kinds = [(p.kind, p.entry_id) for p in report.problems]
    assert ("break", logged[4]) in kinds
    assert any(p.kind == "head" and "1 条记录被删除" in p.message for p in report.problems)
    assert report.verified == 5 and report.head_entries == 6


def test_a_deleted_newest_entry_is_found(db: Database, logged: list[int]) -> None:
    execute(db, delete(AuditEntry).where(AuditEntry.id == logged[-1]))
    report = verify_chain(db)
    assert not report.ok
    assert {p.kind for p in report.problems} == {"head"}
    messages = " ".join(p.message for p in report.problems)
    assert "1 条记录被删除" in messages and f"第 {logged[-2]} 号记录" in messages


def test_a_forged_entry_is_found(db: Database, logged: list[int]) -> None:
    """A row added with a database tool, with a hash that matches its own content and a real
    entry's hash as its link."""
    with db.session() as session:
        before = session.get(AuditEntry, logged[2])
        assert before is not None
        at = before.at
        prev = before.entry_hash
    digest = chain_hash(prev, at, "管理员", "deputy.remove", "mandate", 1, "删除代表：张三丰", None, None,
                        True)
    execute(db, insert(AuditEntry).values(at=at, user="管理员", action="deputy.remove", object_type="mandate",
                                          object_id=1, summary="删除代表：张三丰", success=True,
                                          prev_hash=prev, entry_hash=digest))
    report = verify_chain(db)
    assert not report.ok
    # Appended after the newest entry: its link to the newest entry is broken and the head knows
    # one entry less.
    assert any(p.kind == "break" for p in report.problems)
    assert any(p.kind == "head" and "不是本软件写入" in p.message for p in report.problems)


def test_a_forged_entry_inside_the_chain_is_found(db: Database, logged: list[int]) -> None:
    """A row slipped between two real entries (here: an id freed by a deletion reused)."""
    with db.session() as session:
        victim = session.get(AuditEntry, logged[3])
        previous = session.get(AuditEntry, logged[2])
        assert victim is not None and previous is not None
        values = {c.name: getattr(victim, c.key) for c in AuditEntry.__mapper__.columns}
    execute(db, delete(AuditEntry).where(AuditEntry.id == logged[3]))
    values["summary"] = "伪造的记录"
    values["entry_hash"] = chain_hash(previous.entry_hash, values["at"], values["user"], values["action"],
                                      values["object_type"], values["object_id"], values["summary"],
                                      values["before"], values["after"], values["success"])
    execute(db, insert(AuditEntry).values(**values))
    report = verify_chain(db)
    assert [(p.kind, p.entry_id) for p in report.problems] == [("break", logged[4])]


def test_problems_past_twenty_are_counted_not_listed(db: Database, actor: Actor) -> None:
    for number in range(MAX_LISTED + 5):
        log_event(db, actor, "user.login", "user_account", None, f"登录 {number}")
    execute(db, text("UPDATE audit_log SET summary = summary || '!'"))
    report = verify_chain(db)
    assert report.problem_count == MAX_LISTED + 6  # every entry, the township's set-up included
    assert len(report.problems) == MAX_LISTED and report.unlisted == 6
    assert "另有 6 处问题" in "\n".join(report.lines())


def test_progress_is_reported_and_can_cancel(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    from presidium_app.services.progress import Cancelled, Progress

    monkeypatch.setattr(audit_chain, "PROGRESS_EVERY", 2)
    for number in range(6):
        log_event(db, actor, "user.login", "user_account", None, f"登录 {number}")
    seen: list[tuple[int, int]] = []
    verify_chain(db, Progress(lambda done, total, _t: seen.append((done, total))))
    assert (2, 7) in seen and seen[-1][0] == 7
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        verify_chain(db, progress)


def test_entries_logged_during_the_walk_are_not_taken_for_tampering(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk reads one snapshot: a colleague's entry committed just after the head was read,
    or in the middle of the walk, is simply not in it."""
    from sqlalchemy import event

    from presidium_app.services.progress import Progress

    monkeypatch.setattr(audit_chain, "PROGRESS_EVERY", 2)
    for number in range(5):
        log_event(db, actor, "user.login", "user_account", None, f"登录 {number}")
    colleague = Actor("同事")
    fired: list[str] = []

    def after_head_read(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not fired and statement.lstrip().upper().startswith("SELECT") and "audit_chain_head" in statement:
            fired.append(statement)
            log_event(db, colleague, "user.login", "user_account", None, "登录成功")

    def meanwhile(done: int, _total: int, _text: str) -> None:
        if done == 2:
            log_event(db, colleague, "user.login", "user_account", None, "登录成功")

    event.listen(db.engine, "after_cursor_execute", after_head_read)
    try:
        report = verify_chain(db, Progress(meanwhile))
    finally:
        event.remove(db.engine, "after_cursor_execute", after_head_read)
    assert fired
    assert report.ok and report.verified == 6, report.lines()
    assert verify_chain(db).verified == 8


# --- entries logged before the chain existed ----------------------------------------------------


def test_migration_0006_chains_the_entries_of_an_older_database(tmp_path: Path) -> None:
    url = os.environ.get(TEST_DATABASE_URL_ENV)
    if url:
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        command.upgrade(alembic_config(engine), "0005")
        old_log = sa.table("audit_log", sa.column("at", sa.DateTime), sa.column("user", sa.String),
                           sa.column("action", sa.String), sa.column("object_type", sa.String),
                           sa.column("object_id", sa.Integer), sa.column("summary", sa.Text),
                           sa.column("before", sa.Text), sa.column("after", sa.Text),
                           sa.column("success", sa.Boolean))
        start = dt.datetime(2024, 3, 5, 9, 30)
        with engine.begin() as connection:
            connection.execute(old_log.insert(), [
                {"at": start + dt.timedelta(minutes=n), "user": "老管理员", "action": "deputy.add",
                 "object_type": "mandate", "object_id": n, "summary": f"新增代表：第{n}位",
                 "before": None, "after": '{"name": "张三丰"}' if n % 2 else None, "success": n != 3}
                for n in range(1, 8)])
        upgrade(engine)
        report = verify_chain(engine)
        assert report.ok and report.verified == report.head_entries == 7
    finally:
        engine.dispose()
    db = Database(url, DataPaths(tmp_path / "data"))
    try:
        log_event(db, Actor("新管理员"), "user.login", "user_account", None, "登录成功")
        report = verify_chain(db)
        assert report.ok and report.verified == 8
    finally:
        db.dispose()


# --- presidium check ----------------------------------------------------------------------------


def check(db: Database, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    args = ["--data-dir", str(db.paths.root)]
    if not db.is_sqlite:
        args += ["--database-url", db.url]
    code = main([*args, "check"])
    out, _err = capsys.readouterr()
    return code, out


def test_check_exits_4_after_tampering_and_0_before(
        db: Database, logged: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(db, capsys)
    assert code == 0 and "检查完成：未发现问题" in out
    assert f"已校验 {len(logged)} 条记录，首尾相连、未被改动" in out
    with db.engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(AuditEntry)).scalar()
    execute(db, text("UPDATE audit_log SET summary = 'x' WHERE id = :id"), id=logged[1])
    code, out = check(db, capsys)
    assert code == 4
    assert f"[操作日志] 第 {logged[1]} 号记录" in out and "检查完成：发现 1 个问题" in out
    with db.engine.connect() as connection:  # the check wrote nothing, not even a log entry
        assert connection.execute(select(func.count()).select_from(AuditEntry)).scalar() == before


# --- exports are logged -------------------------------------------------------------------------


def test_an_export_is_logged(db: Database, actor: Actor, logged: list[int], tmp_path: Path) -> None:
    target = tmp_path / "名册.xlsx"
    assert registry.ledger("deputies").export_file(db, actor, target) == 3
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert (entry.action, entry.user, entry.success) == ("export.deputies", "测试员", True)
    assert "名册.xlsx" in entry.summary and "3 条" in entry.summary
    assert entry.after is not None and '"rows": 3' in entry.after
    assert verify_chain(db).ok


def test_a_viewer_may_not_export(db: Database, logged: list[int], tmp_path: Path) -> None:
    viewer = Actor("访客", Role.VIEWER)
    target = tmp_path / "名册.xlsx"
    with pytest.raises(PermissionDenied, match="导入导出台账"):
        registry.ledger("deputies").export_file(db, viewer, target)
    assert not target.exists()
    assert list(tmp_path.glob("*.xlsx")) == []
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert (entry.action, entry.user, entry.success) == ("export.deputies", "访客", False)


def test_the_cli_export_is_logged(db: Database, logged: list[int], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--data-dir", str(db.paths.root)]
    if not db.is_sqlite:
        args += ["--database-url", db.url]
    target = tmp_path / "活动.xlsx"
    assert main([*args, "--user", "李会计", "export", "activities", str(target)]) == 0
    capsys.readouterr()
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert (entry.action, entry.user) == ("export.activities", "李会计")
    assert "活动.xlsx" in entry.summary
