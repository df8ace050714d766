"""The kill test at length: the app's write path in a child process, SIGKILLed at random moments,
over many rounds on one database (issue 6, item 4; the CI version is tests/test_crash_safety.py).

After every kill: SQLite's integrity check, the app opening the database, every write the child
reported committed present with its audit entry, every record paired with its one audit entry
(reported or not), the audit chain whole. At the end every write of
every round is checked again. Writes JSON with the figures (rounds, writes, losses).

    .venv/bin/python -m benchmarks.crash_kill [--rounds 200] [--max-delay 0.8] [--seed N]
        [--data-dir DIR] [--out benchmarks/results/crash_kill.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.crash_writer import Reported, prepare, run_round, verify_database


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="强杀（SIGKILL）测试：随机时刻杀死写入进程，检查数据无丢失")
    parser.add_argument("--rounds", type=int, default=200, help="轮数（默认 200）")
    parser.add_argument("--max-delay", type=float, default=0.8, help="就绪后最多等待多少秒再杀死（默认 0.8）")
    parser.add_argument("--seed", type=int, default=None, help="随机数种子（默认取当前时间）")
    parser.add_argument("--data-dir", type=Path, default=None, help="数据目录（默认新建临时目录）")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/crash_kill.json"))
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)

    with tempfile.TemporaryDirectory(prefix="presidium-kill-") as folder:
        data_dir = args.data_dir or Path(folder) / "data"
        prepare(data_dir)
        everything: list[Reported] = []
        failures: list[dict[str, Any]] = []
        exits: Counter[str] = Counter()
        started = time.perf_counter()
        for number in range(args.rounds):
            result = run_round(data_dir, number, rng, args.max_delay)
            everything += result.reported
            exits[str(result.exit_code)] += 1
            check = result.check
            if not check.ok or result.exit_code != -9:
                failures.append({"round": number, "exit_code": result.exit_code,
                                 "integrity": check.integrity, "losses": check.losses,
                                 "chain_problem": check.chain_problem, "unpaired": check.unpaired,
                                 "stderr": result.stderr[-2000:]})
            if (number + 1) % 20 == 0 or number + 1 == args.rounds:
                print(f"{number + 1}/{args.rounds} 轮，已报告提交 {len(everything)} 次，"
                      f"失败 {len(failures)} 轮", flush=True)
        elapsed = time.perf_counter() - started
        final = verify_database(data_dir, everything)

    kinds = Counter(item.kind for item in everything)
    report = {
        "benchmark": "crash_kill",
        "seed": seed,
        "rounds": args.rounds,
        "max_delay_s": args.max_delay,
        "writes_reported": len(everything),
        "writes_by_kind": dict(sorted(kinds.items())),
        "losses": len(final.losses),
        "lost": final.losses[:50],
        "rounds_failed": len(failures),
        "failures": failures[:20],
        "exit_codes": dict(exits),
        "final_integrity_check": final.integrity,
        "final_audit_chain": final.chain_problem or "ok",
        "final_records_without_audit_entry": final.unpaired,
        "audit_entries": final.audit_entries,
        "seconds": round(elapsed, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{args.rounds} 轮，报告已提交的写入 {len(everything)} 次，丢失 {len(final.losses)} 次，"
          f"失败 {len(failures)} 轮，完整性检查 {final.integrity}，日志链 {report['final_audit_chain']}"
          f"（{elapsed:.0f} 秒）→ {args.out}")
    return 0 if final.ok and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
