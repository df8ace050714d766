"""Verifying the audit log's hash chain (防篡改校验): read only, any size of log.

Each entry stores `entry_hash`, the hash of its own content and of the previous entry's hash
(`prev_hash`, see `domain.audit`). Walking the entries in id order finds:

- an entry whose content no longer gives its stored hash: it was edited (changed by hand);
- an entry whose `prev_hash` is not the stored hash of the entry before it: entries were deleted,
  or one was inserted, just before it;
- a chain head (`audit_chain_head`) whose count or last hash does not match the last entry: the
  newest entries were deleted, or entries were added past the software.

The walk reads one snapshot (a read transaction) and streams the rows in batches, so a log of a
million entries is never held in memory at once. An office that writes down the head hash the report
gives (e.g. each month) can later tell even a log rewritten from scratch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from presidium_app.domain.audit import GENESIS, AuditChainHead, AuditEntry, chain_hash
from presidium_app.services.audit_log import action_label
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.storage.database import Database

MAX_LISTED = 20  # problems described one by one; the rest are only counted
BATCH = 2000  # rows fetched at a time
PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class ChainProblem:
    """One place where the chain does not hold. `kind`: edited, break or head."""

    kind: str
    message: str
    entry_id: int | None = None
    at: dt.datetime | None = None


@dataclass
class ChainReport:
    """What a verification found: `verified` entries walked, the chain's end as stored
    (`head_entries`, `head_hash`), the first MAX_LISTED problems and how many there were."""

    verified: int = 0
    head_entries: int = 0
    head_hash: str = GENESIS
    last_hash: str = GENESIS  # the newest entry's stored hash
    problems: list[ChainProblem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: ChainProblem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(problem)

    @property
    def unlisted(self) -> int:
        return self.problem_count - len(self.problems)

    def summary(self) -> str:
        """One line in Chinese: the verdict, the number of entries and the head hash."""
        if self.ok:
            return (f"操作日志校验通过：共 {self.verified} 条记录，首尾相连、未被改动。"
                    f"末尾校验值 {self.head_hash}")
        return (f"操作日志校验发现 {self.problem_count} 处问题（共校验 {self.verified} 条记录），"
                "日志可能被改动或删除过。")

    def lines(self) -> list[str]:
        """The summary, each problem listed, and how many more were not listed."""
        lines = [self.summary(), *(p.message for p in self.problems)]
        if self.unlisted:
            lines.append(f"……另有 {self.unlisted} 处问题未逐条列出")
        if not self.ok:
            lines.append(f"末尾登记：{self.head_entries} 条，校验值 {self.head_hash}")
        return lines


def _where(entry_id: int, at: dt.datetime | None) -> str:
    """第 12 号记录（2026-03-05 09:30:00）: the id and the time, as the log page shows them."""
    return f"第 {entry_id} 号记录（{at:%Y-%m-%d %H:%M:%S}）" if at is not None else f"第 {entry_id} 号记录"


@contextmanager
def _snapshot(source: Database | Engine | Session | Connection) -> Iterator[Connection]:
    """A connection reading one consistent state of the log, so entries committed during the walk
    do not look like tampering. A Session or Connection given by the caller is used as it is."""
    if isinstance(source, Session):
        yield source.connection()
        return
    if isinstance(source, Connection):
        yield source
        return
    engine = source.engine if isinstance(source, Database) else source
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection
        elif connection.dialect.name == "sqlite":
            # pysqlite begins no transaction for reads; without one each statement sees the newest
            # state. BEGIN holds one read snapshot (WAL) until the rollback at close.
            connection.exec_driver_sql("BEGIN")
            try:
                yield connection
            finally:
                connection.exec_driver_sql("ROLLBACK")
        else:
            with connection.begin():
                yield connection


def verify_chain(source: Database | Engine | Session | Connection,
                 progress: Progress = NO_PROGRESS) -> ChainReport:
    """Walk the whole log in id order and report where its hash chain does not hold. Changes
    nothing. `progress` is told every few thousand entries and may cancel."""
    report = ChainReport()
    columns = (AuditEntry.id, AuditEntry.at, AuditEntry.user, AuditEntry.action, AuditEntry.object_type,
               AuditEntry.object_id, AuditEntry.summary, AuditEntry.before, AuditEntry.after,
               AuditEntry.success, AuditEntry.prev_hash, AuditEntry.entry_hash)
    with _snapshot(source) as connection:
        head = connection.execute(select(AuditChainHead.entries, AuditChainHead.last_hash)
                                  .where(AuditChainHead.id == 1)).first()
        if head is not None:
            report.head_entries, report.head_hash = int(head.entries), head.last_hash
        total = report.head_entries
        previous_hash, last_id, last_at = GENESIS, None, None
        rows = connection.execute(select(*columns).order_by(AuditEntry.id)
                                  .execution_options(stream_results=True, yield_per=BATCH))
        try:
            for (entry_id, at, user, action, object_type, object_id, summary, before, after, success,
                 prev_hash, entry_hash) in rows:
                report.verified += 1
                if report.verified % PROGRESS_EVERY == 0:
                    progress.report(report.verified, max(total, report.verified),
                                    f"正在校验第 {report.verified} 条日志")
                if prev_hash != previous_hash:
                    _broken_link(report, entry_id, at, last_id)
                try:
                    digest = chain_hash(prev_hash, at, user, action, object_type or "", object_id,
                                        summary or "", before, after, bool(success))
                except (AttributeError, TypeError, ValueError):  # a field emptied or of the wrong kind
                    digest = ""
                if digest != entry_hash:
                    report.add(ChainProblem(
                        "edited", f"{_where(entry_id, at)}的内容与其校验值不符：这条记录写入后被改动过"
                                  f"（操作人“{user}”，操作“{action_label(action)}”）", entry_id, at))
                previous_hash, last_id, last_at = entry_hash, entry_id, at
        finally:
            rows.close()  # a cancelled walk leaves no server-side cursor open
        report.last_hash = previous_hash
    _check_head(report, head is not None, last_id, last_at)
    progress.report(report.verified, max(report.verified, 1), "校验完成")
    return report


def _broken_link(report: ChainReport, entry_id: int, at: dt.datetime | None, last_id: int | None) -> None:
    """An entry whose `prev_hash` is not the stored hash of the entry before it."""
    where = _where(entry_id, at)
    if last_id is None:
        message = f"{where}之前的记录被删除，或它是后来插入的：链的开头对不上"
    else:
        message = (f"{where}与前一条（第 {last_id} 号）接不上：二者之间有记录被删除，"
                   "或这里插入了不是本软件写入的记录")
    report.add(ChainProblem("break", message, entry_id, at))


def _check_head(report: ChainReport, has_head: bool, last_id: int | None,
                last_at: dt.datetime | None) -> None:
    if not has_head:
        if report.verified:
            report.add(ChainProblem(
                "head", "日志链的末尾登记（audit_chain_head）缺失：无法确认最新的记录是否被删除"))
        return
    if report.head_entries > report.verified:
        report.add(ChainProblem(
            "head", f"日志登记共 {report.head_entries} 条，实际只有 {report.verified} 条："
                    f"有 {report.head_entries - report.verified} 条记录被删除"))
    elif report.head_entries < report.verified:
        report.add(ChainProblem(
            "head", f"日志登记共 {report.head_entries} 条，实际有 {report.verified} 条："
                    f"有 {report.verified - report.head_entries} 条记录不是本软件写入的"))
    if report.head_hash != report.last_hash:
        if last_id is None:
            message = "日志中已没有任何记录，但末尾登记表明曾有记录：全部记录被删除"
        else:
            message = (f"最后一条记录{_where(last_id, last_at)}不是日志登记的末尾："
                       "其后的最新记录被删除，或末尾被改动过")
        report.add(ChainProblem("head", message, last_id, last_at))
