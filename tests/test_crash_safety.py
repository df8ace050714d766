"""Crash safety, proven (issue 6, item 4): the app's write path in a child process, killed with
SIGKILL at random moments, round after round on the same database. After every kill SQLite's
integrity check passes, the app opens the database, every write the child reported committed is
there (with its audit entry), and the audit chain is whole. `python -m benchmarks.crash_kill` runs
the same rounds hundreds of times."""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from pathlib import Path

import pytest

from presidium_app.domain.enums import ActivityType
from presidium_app.services import activities
from presidium_app.services.activities import ActivityInput
from presidium_app.storage.opening import open_database
from tests.conftest import TEST_DATABASE_URL_ENV
from tests.crash_writer import Reported, prepare, run_round, verify_database

ROUNDS = 25

pytestmark = [
    pytest.mark.skipif(bool(os.environ.get(TEST_DATABASE_URL_ENV)),
                       reason="SQLite only: the kill test checks SQLite's own file"),
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]


def test_killed_writer_loses_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "kill"
    prepare(data_dir)
    rng = random.Random(20260306)
    everything: list[Reported] = []
    kinds: dict[str, int] = {}
    for number in range(ROUNDS):
        result = run_round(data_dir, number, rng, max_delay=0.5)
        assert result.exit_code == -9, f"第{number}轮写入进程不是被杀死的：{result.stderr}"
        check = result.check
        assert check.integrity == "ok", f"第{number}轮后完整性检查：{check.integrity}"
        assert check.opened
        assert check.losses == [], f"第{number}轮丢失了已报告提交的写入：{check.losses}"
        assert check.chain_problem == "", f"第{number}轮后日志链：{check.chain_problem}"
        assert check.unpaired == [], f"第{number}轮后有记录与日志不成对：{check.unpaired}"
        everything += result.reported
        for item in result.reported:
            kinds[item.kind] = kinds.get(item.kind, 0) + 1

    final = verify_database(data_dir, everything)
    print(f"\n强杀测试（SIGKILL）：{ROUNDS}轮，报告已提交的写入{len(everything)}次"
          f"（{', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}），"
          f"丢失{len(final.losses)}次，完整性检查 {final.integrity}，日志{final.audit_entries}条")
    assert final.ok, final
    # the rounds did write, all three kinds, so the test measured something
    assert len(everything) >= 10
    assert set(kinds) == {"deputy", "opinion", "activity"}


def test_check_sees_a_lost_write(tmp_path: Path) -> None:
    """The checks can fail: a write reported but not in the database, and a broken chain."""
    import sqlite3

    data_dir = tmp_path / "kill"
    prepare(data_dir)
    check = verify_database(data_dir, [Reported("opinion", 999, "K0000001")])
    assert check.losses == ["opinion 999 K0000001"]
    assert not check.ok

    connection = sqlite3.connect(data_dir / "presidium.db")
    connection.execute("UPDATE audit_log SET summary = summary || '改' WHERE id = 1")
    connection.commit()
    connection.close()
    check = verify_database(data_dir, [])
    assert "entry_hash" in check.chain_problem

    # a record written without its audit entry (not through unit_of_work) is found too
    db = open_database(data_dir)
    try:
        with db.transaction() as session:
            activities.add_activity_in_session(session, ActivityInput(
                ActivityType.INSPECTION, dt.date(2025, 4, 10), "视察农村饮水安全工程"))
    finally:
        db.dispose()
    check = verify_database(data_dir, [])
    assert check.unpaired and check.unpaired[0].startswith("activity.add")
