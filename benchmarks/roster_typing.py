"""The roster page as staff see it in the large demo township (`init --demo --scale 100`): what one
keystroke in the search box costs.

`benchmarks.roster_filter` times the service alone; this one drives the real RosterPage offscreen
and splits each keystroke into (1) the search and model update the page runs on the UI thread
after each pause in typing (`search_ids`, the model reset, the selection kept or cleared)
and (2) painting the visible rows. Target: (1) under 50 ms.

    .venv/bin/python -m benchmarks.roster_typing [--scale 100] [--out benchmarks/results/roster_typing.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.roster_filter import QUERY_SETS, ROUNDS, TARGET_MS, _figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="名册页面逐键筛选的耗时（含表格刷新与绘制）")
    parser.add_argument("--scale", type=int, default=100,
                        help="示范数据规模（默认 100：十年、两届约三百名代表）")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/roster_typing.json"))
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from presidium_app.services import township
    from presidium_app.services.audit import Actor
    from presidium_app.services.demo import fill_demo
    from presidium_app.storage.opening import open_database
    from presidium_app.ui.application import configure_application
    from presidium_app.ui.context import AppContext
    from presidium_app.ui.pages.roster import RosterPage

    app = QApplication.instance() or QApplication([])
    configure_application(app)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory(prefix="presidium-bench-") as folder:
        db = open_database(folder)
        actor = Actor("性能测试")
        township.set_up_township(db, actor, "青山镇", "临川县", 19, 2021, 2026)
        start = time.perf_counter()
        fill_demo(db, actor, scale=args.scale)
        fill_seconds = time.perf_counter() - start
        page = RosterPage(AppContext(db, actor))
        page.resize(1366, 800)
        page.show()
        page.activate()
        app.processEvents()
        search: list[float] = []
        paint: list[float] = []
        for _ in range(ROUNDS):
            for texts in QUERY_SETS.values():
                for text in texts:
                    page.search.blockSignals(True)  # time the search directly, not the debounce
                    page.search.setText(text)
                    page.search.blockSignals(False)
                    t0 = time.perf_counter()
                    page.search_typed()  # what the search box's timer runs
                    t1 = time.perf_counter()
                    page.table.viewport().repaint()
                    app.processEvents()
                    t2 = time.perf_counter()
                    search.append((t1 - t0) * 1000)
                    paint.append((t2 - t1) * 1000)
        deputies = page.model.rowCount()
        db.dispose()
    result: dict[str, Any] = {
        "scale": args.scale,
        "fill_demo_seconds": round(fill_seconds, 1),
        "target_ms": TARGET_MS,
        "search_and_model_update": _figures(search),
        "paint_visible_rows": _figures(paint),
        "whole_keystroke": _figures([a + b for a, b in zip(search, paint, strict=True)]),
        "rows_after_last_query": deputies,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    for key in ("search_and_model_update", "paint_visible_rows", "whole_keystroke"):
        f = result[key]
        print(f"{key:26s} median {f['median_ms']:7.1f} ms  p95 {f['p95_ms']:7.1f} ms",
              f"max {f['max_ms']:7.1f} ms")
    print(f"写入 {args.out}")
    return 0 if result["search_and_model_update"]["p95_ms"] <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
