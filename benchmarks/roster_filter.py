"""How fast the roster filters as staff type, in the large demo township (`init --demo --scale 100`:
ten years, two terms, ~300 deputies, 10^5 opinions).

The roster page re-runs the search on every keystroke: `search_ids` for the matching mandate ids,
then `load_rows` for the first page of 100 rows. This benchmark types a few queries keystroke by
keystroke, with and without the current-term filter, and reports median, p95 and max per
keystroke. Target: under 50 ms.

    .venv/bin/python -m benchmarks.roster_filter [--scale 100] [--out benchmarks/results/roster_filter.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy

from presidium_app.services import deputies, township
from presidium_app.services.audit import Actor
from presidium_app.services.demo import fill_demo
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database

PAGE = 100
TARGET_MS = 50.0
ROUNDS = 5  # every query set is typed this many times; the first round warms the caches

# What staff type: pinyin, pinyin initials, characters, the tail of an ID or phone number.
QUERY_SETS: dict[str, list[str]] = {
    "拼音 zhang": ["z", "zh", "zha", "zhan", "zhang"],
    "拼音 wangw": ["w", "wa", "wan", "wang", "wangw"],
    "首字母 wjg": ["w", "wj", "wjg"],
    "汉字 张三": ["张", "张三"],
    "汉字 王伟": ["王", "王伟"],
    "数字 1234": ["1", "12", "123", "1234"],
    "两个词 wang 138": ["wang", "wang 1", "wang 13", "wang 138"],
}


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _figures(samples: Sequence[float]) -> dict[str, float]:
    return {
        "keystrokes": len(samples),
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_percentile(samples, 0.95), 2),
        "max_ms": round(max(samples), 2),
    }


def keystroke(db: Database, query: deputies.DeputyQuery) -> tuple[float, int]:
    """One keystroke as the roster table does it: the ids, then the first page's rows."""
    start = time.perf_counter()
    ids = deputies.search_ids(db, query)
    rows = deputies.load_rows(db, ids[:PAGE])
    elapsed = (time.perf_counter() - start) * 1000
    assert len(rows) == min(PAGE, len(ids))
    return elapsed, len(ids)


def run(db: Database, current_term_id: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    every: list[float] = []
    for filtered in (False, True):
        term_id = current_term_id if filtered else None
        for label, texts in QUERY_SETS.items():
            samples: list[float] = []
            matches: dict[str, int] = {}
            for round_number in range(ROUNDS):
                for text in texts:
                    ms, found = keystroke(db, deputies.DeputyQuery(text=text, term_id=term_id))
                    matches[text] = found
                    if round_number:  # the first round fills SQLite's page cache
                        samples.append(ms)
            key = f"{label}{'（本届）' if filtered else '（全部届次）'}"
            results[key] = {**_figures(samples), "matches": matches}
            every += samples
    results["overall"] = _figures(every)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="名册逐键筛选的耗时（每键 search_ids + 首页 100 行）")
    parser.add_argument("--scale", type=int, default=100,
                        help="示范数据规模（默认 100：十年、两届约三百名代表）")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/roster_filter.json"),
                        help="结果 JSON 文件")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="presidium-bench-") as tmp:
        db = open_database(Path(tmp) / "data")
        try:
            actor = Actor("基准测试")
            township.set_up_township(db, actor, "青山镇", "临川县", 19, 2021, 2026)
            start = time.perf_counter()
            summary = fill_demo(db, actor, scale=args.scale)
            fill_seconds = time.perf_counter() - start
            print(f"fill_demo(scale={args.scale})：{fill_seconds:.1f} 秒；{summary}")
            term = township.current_term(db)
            assert term is not None
            results = run(db, term.id)
        finally:
            db.dispose()

    report = {
        "scale": args.scale,
        "fill_demo_seconds": round(fill_seconds, 2),
        "summary": str(summary),
        "target_ms": TARGET_MS,
        "page_rows": PAGE,
        "rounds_measured": ROUNDS - 1,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "platform": platform.platform(),
        "query_sets": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")

    width = max(len(k) for k in results) + 2
    print(f"{'查询':<{width}}{'中位数':>10}{'p95':>10}{'最大':>10}  (毫秒/键)")
    for key, figures in results.items():
        print(f"{key:<{width}}{figures['median_ms']:>10.1f}{figures['p95_ms']:>10.1f}"
              f"{figures['max_ms']:>10.1f}")
    overall = results["overall"]
    verdict = "达标" if overall["p95_ms"] < TARGET_MS else "未达标"
    print(f"目标每键 < {TARGET_MS:.0f} 毫秒（p95）：{verdict}。结果已写入 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
