"""The kill test's two halves: a writer that a parent kills with SIGKILL, and the checks after.

The writer (run as a child process: ``python -m tests.crash_writer DATA_DIR SEED``) opens the
database with the app's own `open_database` and writes through the real services, as staff do:
new deputies, registered opinions (with a submitter's personal data), activities with attendance.
After each service call has returned (committed), it prints ``COMMITTED <kind> <id> <token>`` and
flushes, so the parent knows every write the process reported durable. The token is a text the
record carries (a name, a topic, a content), so the check sees the right record, not just an id.

`run_round` starts the writer, kills it at a random moment and checks the database
(`verify_database`): SQLite's integrity check, the app opening it, every reported write present
with its audit entry, and the audit chain intact (computed here with `entry_chain_hash`).
`tests/test_crash_safety.py` runs a few dozen rounds; `benchmarks/crash_kill.py` runs hundreds.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.audit import GENESIS, AuditChainHead, AuditEntry, entry_chain_hash
from presidium_app.domain.deputies import Deputy, Mandate
from presidium_app.domain.enums import ActivityType, Attendance, Channel
from presidium_app.domain.mailbox import Opinion
from presidium_app.services import activities, deputies, mailbox, search, township
from presidium_app.services.activities import ActivityInput, ParticipantInput
from presidium_app.services.audit import Actor
from presidium_app.services.mailbox import OpinionInput, SubmitterInput
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database
from presidium_app.storage.paths import resolve_data_paths
from tests.helpers import deputy_input, make_id

WRITES_PER_ROUND = 1000  # tokens are seed * 1000 + i, so rounds never collide
KINDS = ("deputy", "opinion", "activity")
AUDIT_TYPES = {"deputy": "mandate", "opinion": "opinion", "activity": "activity"}
ACTIVITY_TYPES = (ActivityType.INSPECTION, ActivityType.RESEARCH, ActivityType.GROUP_MEETING,
                  ActivityType.VOTER_RECEPTION)
ATTENDANCE = (Attendance.PRESENT, Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT)


# -- the child ---------------------------------------------------------------------------------
def prepare(data_dir: Path) -> None:
    """A new database with a township and its current term, as after the first-run wizard."""
    db = open_database(data_dir)
    try:
        township.set_up_township(db, Actor("断电测试"), "青山镇", "临川县", 19, 2021, 2026)
    finally:
        db.dispose()


def write(data_dir: Path, seed: int, limit: int = WRITES_PER_ROUND) -> None:
    """Write until killed (or `limit` writes), reporting each committed write on stdout."""
    db = open_database(data_dir)
    actor = Actor("断电测试")
    rng = random.Random(seed)
    term = township.current_term(db)
    assert term is not None
    with db.session() as session:
        people = list(session.scalars(select(Deputy.id)))
    search.name_keys("张三丰")  # pypinyin loads on first use: ready means ready to write at once
    print("READY", flush=True)
    for i in range(min(limit, WRITES_PER_ROUND)):
        n = seed * WRITES_PER_ROUND + i
        token = f"K{n:07d}"
        kind = "deputy" if len(people) < 4 else rng.choice(KINDS)
        if kind == "deputy":
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=n % 20000)
            mandate_id = deputies.add_deputy(db, actor, deputy_input(
                term.id, f"代表{token}", birth_date=birth,
                id_number=make_id(birth, n // 20000 % 499 * 2 + 1), workplace=token))  # odd: 男
            object_id = mandate_id
            people.append(deputies.get_deputy(db, mandate_id).deputy_id)
        elif kind == "opinion":
            object_id = mailbox.register_opinion(db, actor, OpinionInput(
                received_on=dt.date(2025, 1, 1) + dt.timedelta(days=n % 300),
                channel=rng.choice(list(Channel)), content=f"反映村道路灯损坏 {token}",
                submitter=SubmitterInput(f"群众{token}", f"139{n % 10**8:08d}") if i % 2 else None,
                village="东坑村", category="基础设施"))
        else:
            invited = rng.sample(people, min(len(people), rng.randint(2, 12)))
            object_id = activities.add_activity(db, actor, ActivityInput(
                type=rng.choice(ACTIVITY_TYPES),
                activity_date=dt.date(2025, 1, 1) + dt.timedelta(days=n % 300),
                topic=f"专题活动 {token}", place="东山村", organiser="青山镇人大主席团",
                participants=[ParticipantInput(d, rng.choice(ATTENDANCE)) for d in invited]))
            token = f"{token}:{len(invited)}"
        print(f"COMMITTED {kind} {object_id} {token}", flush=True)
    db.dispose()


# -- the parent --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reported:
    kind: str
    object_id: int
    token: str


@dataclass
class Check:
    integrity: str = ""
    opened: bool = False
    losses: list[str] = field(default_factory=list)
    chain_problem: str = ""
    unpaired: list[str] = field(default_factory=list)  # a record without its audit entry, or back
    audit_entries: int = 0

    @property
    def ok(self) -> bool:
        return (self.integrity == "ok" and self.opened and not self.losses and not self.chain_problem
                and not self.unpaired)


@dataclass
class RoundResult:
    round: int
    killed_after: float  # seconds after the writer said READY (or after its start)
    exit_code: int | None
    reported: list[Reported]
    check: Check
    stderr: str = ""


def integrity_check(database_file: Path) -> str:
    """SQLite's own PRAGMA integrity_check, on a plain connection (not the app's)."""
    connection = sqlite3.connect(database_file)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    result = "; ".join(str(row[0]) for row in rows)
    if problems:
        result += f"; foreign_key_check: {problems[:5]}"
    return result


def chain_problem(db: Database) -> str:
    """'' when every entry links to the one before, its hash is right and the head agrees."""
    with db.session() as session:
        head = session.get(AuditChainHead, 1)
        previous = GENESIS
        count = 0
        for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            count += 1
            if entry.prev_hash != previous:
                return f"第{entry.id}条日志的 prev_hash 与上一条的 entry_hash 不符"
            if entry_chain_hash(entry) != entry.entry_hash:
                return f"第{entry.id}条日志的 entry_hash 与其内容不符"
            previous = entry.entry_hash
        if head is None:
            return "缺少 audit_chain_head"
        if head.entries != count:
            return f"audit_chain_head.entries={head.entries}，而日志有{count}条"
        if head.last_hash != previous:
            return "audit_chain_head.last_hash 不是最后一条日志的 entry_hash"
    return ""


def _present(db: Database, item: Reported) -> bool:
    with db.session() as session:
        if item.kind == "deputy":
            mandate = session.get(Mandate, item.object_id)
            found = mandate is not None and mandate.deputy.workplace == item.token
        elif item.kind == "opinion":
            opinion = session.get(Opinion, item.object_id)
            found = opinion is not None and opinion.content.endswith(item.token)
        else:
            token, _, invited = item.token.partition(":")
            activity = session.get(Activity, item.object_id)
            found = activity is not None and activity.topic.endswith(token) and int(invited) == (
                session.scalar(select(func.count()).select_from(Participation)
                               .where(Participation.activity_id == item.object_id)))
        logged = session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.object_type == AUDIT_TYPES[item.kind], AuditEntry.object_id == item.object_id,
            AuditEntry.success.is_(True)))
        return found and logged == 1


def unpaired(db: Database) -> list[str]:
    """Every record the writer made has its one audit entry and every entry its record, reported
    or not (a kill between the commit and the print leaves a write unreported, never half made)."""
    found = []
    with db.session() as session:
        for model, action in ((Mandate, "deputy.add"), (Opinion, "opinion.register"),
                              (Activity, "activity.add")):
            records = set(session.scalars(select(model.id)))
            logged = list(session.scalars(select(AuditEntry.object_id).where(
                AuditEntry.action == action, AuditEntry.success.is_(True))))
            ids = {i for i in logged if i is not None}
            if len(logged) != len(ids) or ids != records:
                found.append(f"{action}: {len(records)} 条记录，{len(logged)} 条日志，"
                             f"差异 {sorted(records ^ ids)[:10]}")
    return found


def verify_database(data_dir: Path, reported: list[Reported]) -> Check:
    check = Check()
    check.integrity = integrity_check(resolve_data_paths(data_dir).database_file)
    db = open_database(data_dir)
    try:
        check.opened = True
        check.losses = [f"{r.kind} {r.object_id} {r.token}" for r in reported if not _present(db, r)]
        check.chain_problem = chain_problem(db)
        check.unpaired = unpaired(db)
        with db.session() as session:
            check.audit_entries = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    finally:
        db.dispose()
    return check


def _writer_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PRESIDIUM_DATABASE_URL", None)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH", "")]))
    return env


def run_round(data_dir: Path, number: int, rng: random.Random, max_delay: float = 0.8) -> RoundResult:
    """Start a writer, SIGKILL it at a random moment, then check the database it left."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_writer", str(data_dir), str(number)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_writer_env(),
        cwd=Path(__file__).resolve().parent.parent)
    assert child.stdout is not None
    early = rng.random() < 0.1  # now and then kill while it starts and opens the database
    if not early:
        line = child.stdout.readline()
        if line.strip() != "READY":
            out, err = child.communicate(timeout=30)
            raise RuntimeError(f"写入进程未能启动：{line}{out}\n{err}")
    delay = rng.uniform(0.0, max_delay)
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=30)
    reported = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "COMMITTED":
            reported.append(Reported(parts[1], int(parts[2]), parts[3]))
    check = verify_database(data_dir, reported)
    return RoundResult(number, delay, child.returncode, reported, check, err)


def main(argv: list[str]) -> int:
    data_dir, seed = Path(argv[0]), int(argv[1])
    limit = int(argv[2]) if len(argv) > 2 else WRITES_PER_ROUND
    write(data_dir, seed, limit)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
