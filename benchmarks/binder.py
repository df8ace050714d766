"""How fast the year's binder (年度档案汇编) builds for the demo township (`init --demo`).

The binder gathers every document of the year (each document's `build` inside
`layout.collecting()`: its data from the database and its story of flowables) and lays them all
out as one PDF (`layout.render_sections`), the index first. This benchmark times the two phases
apart, over a few rounds (the first warms the font files and SQLite's cache), and reports pages,
seconds and milliseconds per page, with the seconds that 300 pages take at that rate (the issue's
aim: under 3 s for 300 pages on this 2-core machine) and each document's share; and, measured
directly, a binder of the year's first documents that make 300 pages.

    .venv/bin/python -m benchmarks.binder [--year 2026] [--rounds 3] [--out benchmarks/results/binder.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import reportlab

from presidium_app.printing import registry
from presidium_app.printing.documents import binder
from presidium_app.printing.documents.common import shared_lookups, town
from presidium_app.printing.fonts import font_report, resolve_fonts
from presidium_app.printing.layout import Section, collecting, render_sections
from presidium_app.printing.model import PrintRequest
from presidium_app.services import township
from presidium_app.services.audit import Actor
from presidium_app.services.demo import fill_demo
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database

TARGET_PAGES, TARGET_SECONDS = 300, 3.0


def one_round(db: Database, year: int) -> dict[str, Any]:
    start = time.perf_counter()
    sections = binder.collect(db, year)
    gathered = time.perf_counter()
    index, refs = binder.index_document(town(db), year, sections)
    parts = [Section(index)] + [Section(s.document) for s in sections]
    rendered = render_sections(parts, title=f"{year}年度档案汇编", refs=refs)
    done = time.perf_counter()
    pages: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    by_section = []
    for section, part in zip(sections, parts[1:], strict=True):
        pages[section.entry.key] += part.pages
        counts[section.entry.key] += 1
        by_section.append((section.entry, part.pages))
    return {"gather_s": gathered - start, "layout_s": done - gathered, "total_s": done - start,
            "pages": rendered.pages, "index_pages": parts[0].pages, "sections": len(sections),
            "bytes": len(rendered.pdf), "by_document": {k: {"sections": counts[k], "pages": pages[k]}
                                                         for k in counts},
            "by_section": by_section}


def first_300_pages(db: Database, year: int, full: list[tuple[binder.Entry, int]]) -> dict[str, Any]:
    """A binder of the year's first documents, as many as make 300 pages (index included), built
    from scratch: the issue's figure measured directly rather than by the per-page rate."""
    chosen: list[binder.Entry] = []
    pages = 0
    for entry, section_pages in full:
        if pages >= TARGET_PAGES:
            break
        chosen.append(entry)
        pages += section_pages
    start = time.perf_counter()
    sections: list[binder.BinderSection] = []
    with shared_lookups():
        for entry in chosen:
            with collecting() as documents:
                registry.DOCUMENTS[entry.key].build(db, PrintRequest(year, entry.object_id))
            sections += [binder.BinderSection(entry, d.doc_title, d) for d in documents]
        index, refs = binder.index_document(town(db), year, sections)
        parts = [Section(index)] + [Section(s.document) for s in sections]
        rendered = render_sections(parts, title=f"{year}年度档案汇编", refs=refs)
    return {"pages": rendered.pages, "sections": len(sections), "total_s": time.perf_counter() - start}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="年度档案汇编的生成耗时（示范乡镇）")
    parser.add_argument("--year", type=int, default=2026, help="年度（默认 2026，示范数据的年度）")
    parser.add_argument("--rounds", type=int, default=3, help="轮数（第一轮预热，不计入中位数）")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/binder.json"),
                        help="结果 JSON 文件")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="presidium-bench-") as tmp:
        db = open_database(Path(tmp) / "data")
        try:
            actor = Actor("基准测试")
            township.set_up_township(db, actor, "青山镇", "临川县", 19, 2021, 2026)
            summary = fill_demo(db, actor)
            resolve_fonts()
            rounds = [one_round(db, args.year) for _ in range(max(args.rounds, 1))]
            short = [first_300_pages(db, args.year, rounds[-1]["by_section"])
                     for _ in range(max(args.rounds, 1))]
        finally:
            db.dispose()

    measured = rounds[1:] or rounds
    last = rounds[-1]
    figures = {key: round(statistics.median(r[key] for r in measured), 3)
               for key in ("gather_s", "layout_s", "total_s")}
    pages = last["pages"]
    per_page_ms = figures["total_s"] / pages * 1000
    try:
        import _rl_accel  # noqa: F401

        accelerated = True
    except ImportError:
        accelerated = False
    report = {
        "year": args.year,
        "summary": str(summary),
        "pages": pages,
        "index_pages": last["index_pages"],
        "sections": last["sections"],
        "pdf_bytes": last["bytes"],
        **figures,
        "ms_per_page": round(per_page_ms, 2),
        "layout_ms_per_page": round(figures["layout_s"] / pages * 1000, 2),
        "seconds_per_300_pages": round(per_page_ms * TARGET_PAGES / 1000, 2),
        "first_300_pages": {"pages": short[-1]["pages"], "sections": short[-1]["sections"],
                            "total_s": round(statistics.median(r["total_s"] for r in short[1:] or short), 3)},
        "target": f"{TARGET_PAGES} 页 < {TARGET_SECONDS:g} 秒",
        "rounds_measured": len(measured),
        "rounds": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()
                    if k not in ("by_document", "by_section")} for r in rounds],
        "by_document": last["by_document"],
        "fonts": font_report(),
        "rl_accel": accelerated,
        "python": platform.python_version(),
        "reportlab": reportlab.Version,
        "platform": platform.platform(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")

    print(f"示范数据：{summary}")
    print(f"档案汇编：{pages}页（目录{last['index_pages']}页，{last['sections']}份文书），"
          f"{last['bytes'] / 1e6:.1f} MB")
    print(f"整理 {figures['gather_s']:.2f} 秒 + 排版 {figures['layout_s']:.2f} 秒 = "
          f"{figures['total_s']:.2f} 秒（中位数，{len(measured)}轮）")
    verdict = "达标" if report["seconds_per_300_pages"] < TARGET_SECONDS else "未达标"
    print(f"每页 {per_page_ms:.1f} 毫秒（排版 {report['layout_ms_per_page']} 毫秒）；"
          f"按此速度 {TARGET_PAGES} 页约 {report['seconds_per_300_pages']} 秒"
          f"（目标 < {TARGET_SECONDS:g} 秒：{verdict}）")
    first = report["first_300_pages"]
    verdict = "达标" if first["total_s"] < TARGET_SECONDS else "未达标"
    print(f"实测：前 {first['sections']} 份文书成册 {first['pages']} 页（含目录），"
          f"{first['total_s']:.2f} 秒（目标 < {TARGET_SECONDS:g} 秒：{verdict}）")
    print(f"结果已写入 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
