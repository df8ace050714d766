"""How long `presidium init --demo --scale 100` takes: the large township the other benchmarks use
(ten years, 10^5 opinions, 10^4 activities, two terms of deputies). Target: under a minute.

Runs the real command line in a child process on a fresh data dir and reports its wall-clock
time, its CPU time (user + system: on a shared machine the wall clock also counts the waits for
the processor, the CPU time does not), its peak memory and the rows it made. The load average
at the start is written beside them, so that a slow figure on a busy machine reads as such.

    .venv/bin/python -m benchmarks.demo_scale [--scale 100] [--keep DIR]
                                              [--out benchmarks/results/demo_scale.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TARGET_SECONDS = 60.0
TABLES = ("deputy", "mandate", "activity", "participation", "training_plan", "training_session",
          "opinion", "opinion_event", "submitter", "mailbox_opening", "suggestion", "suggestion_event",
          "suggestion_contact", "audit_log")


def _counts(database: Path) -> dict[str, Any]:
    with sqlite3.connect(database) as connection:
        counts: dict[str, Any] = {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                                  for t in TABLES}
        counts["opinion_years"] = connection.execute(
            "SELECT min(year), max(year), max(seq) FROM opinion").fetchone()
        counts["opinion_status"] = dict(connection.execute(
            "SELECT status, count(*) FROM opinion GROUP BY status ORDER BY status").fetchall())
    counts["database_mb"] = round(database.stat().st_size / 2**20, 1)
    return counts


def run(scale: int, data_dir: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "presidium_app", "--data-dir", str(data_dir), "init",
               "--township", "青山镇", "--county", "临川县", "--demo", "--scale", str(scale)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"init --demo 失败（{done.returncode}）：{done.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "scale": scale,
        "wall_seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(after.ru_maxrss / 1024, 1),  # Linux: kilobytes
        "load_average_at_start": round(load, 2),
        "cpus": os.cpu_count(),
        "output": done.stdout.strip().splitlines(),
        "counts": _counts(data_dir / "presidium.db"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="init --demo --scale N 的耗时、CPU 时间与峰值内存")
    parser.add_argument("--scale", type=int, default=100, help="示范数据规模（默认 100）")
    parser.add_argument("--keep", type=Path, help="把生成的数据目录保留在此（须不存在），供其他基准使用")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/demo_scale.json"))
    args = parser.parse_args(argv)
    if args.keep is not None:
        if args.keep.exists():
            raise SystemExit(f"{args.keep} 已存在")
        result = run(args.scale, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="presidium-demo-") as tmp:
            result = run(args.scale, Path(tmp) / "data")
    result.update({"target_seconds": TARGET_SECONDS, "python": platform.python_version(),
                   "sqlite": sqlite3.sqlite_version, "platform": platform.platform()})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    counts, load = result["counts"], result["load_average_at_start"]
    print(f"init --demo --scale {args.scale}：{result['wall_seconds']:.1f} 秒"
          f"（CPU {result['cpu_seconds']:.1f} 秒，开始时负载 {load:.1f}），"
          f"峰值内存 {result['peak_rss_mb']:.0f} MB")
    print(f"社情民意 {counts['opinion']} 件（办理记录 {counts['opinion_event']} 条），"
          f"代表活动 {counts['activity']} 次（出席记录 {counts['participation']} 条），"
          f"代表建议 {counts['suggestion']} 件，任职 {counts['mandate']} 人次，"
          f"数据库 {counts['database_mb']} MB")
    verdict = "达标" if result["wall_seconds"] < TARGET_SECONDS else "未达标"
    print(f"目标 < {TARGET_SECONDS:.0f} 秒：{verdict}。结果已写入 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
