"""The benchmark suite of issue 7: a decade of a large township, and how fast the app answers.

    .venv/bin/python -m benchmarks.suite [--scale 100] [--only start,stats] [--out FILE]

First (once, then reused) it makes the large database with `presidium init --demo --scale N` in
benchmarks/results/scale-N/ and times that. Then every measurement runs in a fresh process
(`benchmarks.suite_tasks`), so cold start and peak memory are a real app's. Beside the figures the
issue gives a bare baseline for, the same run measures that baseline (a bare PySide6 window; raw
openpyxl reading the same file; reportlab alone rendering 300 comparable pages) and reports the
ratio, because absolute times on shared machines drift; for the same reason each task runs
three times (`--repeat`) and the figure is the median of its runs. Results go to JSON; the table
printed says which target is met.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = Path("benchmarks/results")
ORDER = ("start_baseline", "start", "opinion_list", "roster", "archive", "stats", "export", "import",
         "import_baseline", "binder", "binder_baseline", "stalls")
TASK_TIMEOUT = 900
RUN_ONCE = ("stalls",)  # its figure is the worst moment of a long run; repeating adds little


@dataclass(frozen=True)
class Target:
    label: str
    path: tuple[str, ...]  # into the results: task, then keys
    limit: float
    unit: str
    baseline: tuple[str, ...] | None = None


TARGETS = (
    Target("冷启动到主窗口可操作", ("start", "seconds"), 1.5, "s", ("start_baseline", "seconds")),
    Target("打开社情民意列表", ("opinion_list", "open_ms"), 200, "ms"),
    Target("社情民意逐键筛选（95%）", ("opinion_list", "filter", "p95_ms"), 100, "ms"),
    Target("代表名册逐键筛选（95%）", ("roster", "filter", "p95_ms"), 100, "ms"),
    Target("打开履职档案（95%）", ("archive", "open", "p95_ms"), 300, "ms"),
    Target("年度统计 stats（最慢一次）", ("stats", "year_stats", "max_ms"), 500, "ms"),
    Target("导入一万行社情民意台账", ("import", "seconds"), 5, "s", ("import_baseline", "seconds")),
    Target("导出同一台账", ("export", "seconds"), 5, "s"),
    Target("300页档案汇编", ("binder", "seconds"), 3, "s", ("binder_baseline", "seconds")),
    Target("后台导入时界面最长停顿", ("stalls", "import", "longest_stall_ms"), 100, "ms"),
    Target("后台导出时界面最长停顿", ("stalls", "export", "longest_stall_ms"), 100, "ms"),
    Target("后台备份时界面最长停顿", ("stalls", "backup", "longest_stall_ms"), 100, "ms"),
    Target("后台生成300页档案汇编时界面最长停顿", ("stalls", "binder", "longest_stall_ms"), 100, "ms"),
)
MEMORY_LIMIT_MB = 300


def make_database(scale: int, data_dir: Path, rebuild: bool) -> float | None:
    """The large township, made once; the seconds it took, or None when reused."""
    if (data_dir / "presidium.db").exists() and not rebuild:
        return None
    if data_dir.exists():
        shutil.rmtree(data_dir)
    command = [sys.executable, "-m", "presidium_app", "--data-dir", str(data_dir), "init",
               "--township", "青山镇", "--county", "临川县", "--demo", "--scale", str(scale)]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run_task(task: str, data_dir: Path) -> dict[str, Any]:
    try:
        done = subprocess.run([sys.executable, "-m", "benchmarks.suite_tasks", task, str(data_dir)],
                              capture_output=True, text=True, timeout=TASK_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"error": f"超时（{TASK_TIMEOUT} 秒）"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": (done.stderr.strip().splitlines() or ["无输出"])[-1]}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _figure(node: Any, path: tuple[str, ...]) -> float | None:
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node) if isinstance(node, int | float) else None


def value(results: dict[str, Any], path: tuple[str, ...]) -> float | None:
    """The figure at `path`; for a task run several times, the median of its runs."""
    runs = results.get(path[0], {}).get("runs") if isinstance(results.get(path[0]), dict) else None
    if not runs:
        return _figure(results, path)
    figures = [f for f in (_figure(run, path[1:]) for run in runs) if f is not None]
    return round(statistics.median(figures), 3) if figures else None


def _peak(result: Any) -> float | None:
    runs = result.get("runs", [result]) if isinstance(result, dict) else []
    peaks = [r["peak_memory_mb"] for r in runs if isinstance(r.get("peak_memory_mb"), int | float)]
    return max(peaks, default=None)


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for target in TARGETS:
        figure = value(results, target.path)
        row: dict[str, Any] = {"target": target.label, "limit": target.limit, "unit": target.unit,
                               "value": figure, "met": figure is not None and figure <= target.limit}
        if target.baseline is not None:
            base = value(results, target.baseline)
            row["baseline"] = base
            row["ratio"] = round(figure / base, 2) if figure is not None and base else None
        rows.append(row)
    peak = max((p for p in map(_peak, results.values()) if p is not None), default=None)
    rows.append({"target": "峰值内存（各项中最大）", "limit": MEMORY_LIMIT_MB, "unit": "MB", "value": peak,
                 "met": peak is not None and peak <= MEMORY_LIMIT_MB})
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="大规模数据下的性能基准（issue 7）")
    parser.add_argument("--scale", type=int, default=100, help="示范数据规模（默认 100：约十万件社情民意）")
    parser.add_argument("--data", type=Path, help="数据目录（默认 benchmarks/results/scale-N/data）")
    parser.add_argument("--rebuild", action="store_true", help="重新生成大规模数据库")
    parser.add_argument("--only", help="只运行这些项，逗号分隔：" + ",".join(ORDER))
    parser.add_argument("--out", type=Path, default=RESULTS / "suite.json", help="结果 JSON 文件")
    parser.add_argument("--repeat", type=int, default=3,
                        help="每项运行次数，取中位数（默认 3；本机用时随负载浮动）")
    args = parser.parse_args(argv)

    data_dir = (args.data or RESULTS / f"scale-{args.scale}" / "data").resolve()
    print(f"数据目录：{data_dir}")
    made = make_database(args.scale, data_dir, args.rebuild)
    if made is not None:
        print(f"生成示范数据（--scale {args.scale}）：{made:.1f} 秒")
    chosen = [t for t in ORDER if not args.only or t in args.only.split(",")]
    readers = [t for t in ("import", "stalls") if t in chosen]
    if readers and "export" not in chosen:
        chosen.insert(chosen.index(readers[0]), "export")  # they read the export's file
    # Bytecode, as an installed app has it (pip compiles on install; this checkout may run
    # with PYTHONDONTWRITEBYTECODE): a cold start should not time compiling the sources.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "presidium_app", "benchmarks"], check=True)
    results: dict[str, Any] = {}
    for task in chosen:
        start = time.perf_counter()
        runs = [run_task(task, data_dir) for _ in range(1 if task in RUN_ONCE else args.repeat)]
        failed = [run["error"] for run in runs if "error" in run]
        results[task] = {"error": failed[0]} if failed else (runs[0] if len(runs) == 1 else {"runs": runs})
        print(f"  {task:16s} {time.perf_counter() - start:6.1f} 秒  {failed[0] if failed else '完成'}")
    report = {"scale": args.scale, "demo_seconds": round(made, 1) if made is not None else None,
              "results": results, "targets": verdicts(results), "python": platform.python_version(),
              "platform": platform.platform()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")

    print()
    for row in report["targets"]:
        shown = "—" if row["value"] is None else f"{row['value']:g} {row['unit']}"
        ratio = f"（基线 {row['baseline']:g}，{row['ratio']:g} 倍）" if row.get("ratio") else ""
        mark = "达标" if row["met"] else ("未测" if row["value"] is None else "未达标")
        print(f"{row['target']:<24s} {shown:>12s}  目标 ≤ {row['limit']:g} {row['unit']}  {mark}{ratio}")
    print(f"结果已写入 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
