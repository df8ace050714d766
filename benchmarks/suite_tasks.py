"""One measurement of the suite (`benchmarks.suite`), run in its own process so that start-up and
peak memory are those of a fresh app: `python -m benchmarks.suite_tasks TASK DATA_DIR`. Prints one
JSON object: the figures, the bare baseline where the issue names one, and the process's peak
memory. Every task opens the large demo database the suite made in DATA_DIR and only reads it
(the import task writes into a fresh database of its own).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()  # before Qt and the app are imported: the cold start counts them

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

OPINION_QUERIES = ("道路", "路灯", "低保", "2026-", "张", "138", "自来水", "垃圾清运")
ROSTER_QUERIES = ("zh", "zhang", "zs", "张", "李明", "wang", "13", "村委会")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1),
            "max_ms": round(ordered[-1], 1), "samples": len(ordered)}


def _app() -> Any:
    from PySide6.QtWidgets import QApplication

    from presidium_app.ui.application import configure_application

    app = QApplication.instance() or QApplication([])
    configure_application(app)  # type: ignore[arg-type]
    return app


def _responsive(app: Any) -> None:
    """Returns once the event loop has run a zero timer: the window answers input."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(0, loop.quit)
    loop.exec()
    app.processEvents()


def _open(data_dir: str) -> Any:
    from presidium_app.storage.opening import open_database

    return open_database(data_dir)


def _actor() -> Any:
    from presidium_app.services.audit import Actor

    return Actor("性能测试")


# --- tasks -----------------------------------------------------------------------------------


def start(data_dir: str) -> dict[str, Any]:
    """Cold start: process start → main window shown and responsive, in `app.main`'s order (the
    file's check begun first, beside the imports and Qt's start)."""
    from presidium_app import collector
    from presidium_app.app import open_or_explain
    from presidium_app.storage.opening import start_file_check

    collector.share_heap()
    started = start_file_check(data_dir)
    app = _app()
    from presidium_app.ui.context import AppContext
    from presidium_app.ui.main_window import MainWindow

    db = open_or_explain(data_dir, None, started)
    assert db is not None, "无法打开数据库"
    window = MainWindow(AppContext(db, _actor()))
    window.resize(1366, 800)
    window.show()
    _responsive(app)
    seconds = time.perf_counter() - STARTED
    db.dispose()
    return {"seconds": round(seconds, 3)}


def start_baseline(_data_dir: str) -> dict[str, Any]:
    """A bare PySide6 window: process start → shown and responsive."""
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication([])
    window = QMainWindow()
    window.setCentralWidget(QLabel("主席团工作台"))
    window.resize(1366, 800)
    window.show()
    _responsive(app)
    return {"seconds": round(time.perf_counter() - STARTED, 3)}


def opinion_list(data_dir: str) -> dict[str, Any]:
    """社情民意 opened from the running app's navigation (the main window shown first, on 工作台,
    as a user finds it; the page's module is imported on that first click), on every item of
    all years, then scrolled to its end; then filter-as-you-type over OPINION_QUERIES, each
    typed one character at a time (the search box's own path, `_typing`); then the same prefixes
    searched with Enter, which also opens the first item in the detail pane."""
    app = _app()
    from presidium_app.ui.context import AppContext
    from presidium_app.ui.main_window import MainWindow

    db = _open(data_dir)
    window = MainWindow(AppContext(db, _actor()))
    window.resize(1366, 800)
    window.show()
    _responsive(app)
    t0 = time.perf_counter()
    page = window.show_page("mailbox")
    _responsive(app)
    opened = (time.perf_counter() - t0) * 1000
    rows = page.model.rowCount()
    t1 = time.perf_counter()
    page.table.scrollToBottom()
    page.table.viewport().repaint()
    _responsive(app)
    scrolled = (time.perf_counter() - t1) * 1000
    keystrokes = _typing(app, page, OPINION_QUERIES)
    page.reset_filters()
    enter = _pressing_enter(app, page, OPINION_QUERIES)
    db.dispose()
    return {"open_ms": round(opened, 1), "rows": rows, "scroll_to_end_ms": round(scrolled, 1),
            "filter": figures(keystrokes), "enter": figures(enter)}


def _typing(app: Any, page: Any, queries: tuple[str, ...]) -> list[float]:
    """Each query typed one character at a time, as the search box sees typing: the text
    changes, the page's search timer starts, and the list refreshes when it fires. The timer's
    pause (which waits for the next key) is set to zero, so each sample is the time from the
    keystroke to the refreshed window, without the deliberate wait."""
    page._search_timer.setInterval(0)
    samples = []
    for query in queries:
        for end in range(1, len(query) + 1):
            t0 = time.perf_counter()
            page.search.setText(query[:end])
            _responsive(app)
            samples.append((time.perf_counter() - t0) * 1000)
    return samples


def _pressing_enter(app: Any, page: Any, queries: tuple[str, ...]) -> list[float]:
    """Each query's prefixes searched with Enter: the list refreshes and its first item is
    selected and shown in full (for the report; the target is on typing)."""
    samples = []
    for query in queries:
        for end in range(1, len(query) + 1):
            page.search.blockSignals(True)
            page.search.setText(query[:end])
            page.search.blockSignals(False)
            t0 = time.perf_counter()
            page._search_now()
            _responsive(app)
            samples.append((time.perf_counter() - t0) * 1000)
    return samples


def roster(data_dir: str) -> dict[str, Any]:
    """代表名册 filter-as-you-type (names, pinyin, initials, phone digits, workplace)."""
    app = _app()
    from presidium_app.ui.context import AppContext
    from presidium_app.ui.pages.roster import RosterPage

    db = _open(data_dir)
    page = RosterPage(AppContext(db, _actor()))
    page.resize(1366, 800)
    page.show()
    _responsive(app)
    keystrokes = _typing(app, page, ROSTER_QUERIES)
    rows = page.model.rowCount()
    db.dispose()
    return {"filter": figures(keystrokes), "rows_after_last_query": rows}


def archive(data_dir: str) -> dict[str, Any]:
    """A deputy's 履职档案 dialog opened (services read, dialog shown), for twenty deputies."""
    app = _app()
    from sqlalchemy import select

    from presidium_app.domain.deputies import Mandate
    from presidium_app.ui.context import AppContext
    from presidium_app.ui.dialogs.archive_dialog import ArchiveDialog

    db = _open(data_dir)
    ctx = AppContext(db, _actor())
    with db.session() as session:
        ids = list(session.scalars(select(Mandate.deputy_id).distinct().order_by(Mandate.deputy_id)
                                   .limit(20)))
    samples = []
    for deputy_id in ids:
        t0 = time.perf_counter()
        dialog = ArchiveDialog(ctx, deputy_id)
        dialog.show()
        _responsive(app)
        samples.append((time.perf_counter() - t0) * 1000)
        dialog.close()
        dialog.deleteLater()
    db.dispose()
    return {"open": figures(samples)}


def stats(data_dir: str) -> dict[str, Any]:
    """`stats --json`'s figures for each of the last three years (the service the CLI runs)."""
    import datetime as dt

    from presidium_app.services.stats import year_stats

    db = _open(data_dir)
    samples = []
    year = dt.date.today().year
    for y in (year, year - 1, year - 2, year):
        t0 = time.perf_counter()
        year_stats(db, y)
        samples.append((time.perf_counter() - t0) * 1000)
    db.dispose()
    return {"year_stats": figures(samples)}


def _ledger_file(data_dir: str) -> Path:
    return Path(data_dir).parent / "opinions-10k.xlsx"


def export(data_dir: str) -> dict[str, Any]:
    """The opinions ledger of the year with the most items, written to .xlsx (≈10^4 rows)."""
    from sqlalchemy import func, select

    from presidium_app.domain.mailbox import Opinion
    from presidium_app.ledgers import registry

    db = _open(data_dir)
    with db.session() as session:
        year, count = session.execute(select(Opinion.year, func.count()).group_by(Opinion.year)
                                      .order_by(func.count().desc()).limit(1)).one()
    target = _ledger_file(data_dir)
    t0 = time.perf_counter()
    rows = registry.ledger("opinions").export_file(db, _actor(), target, year=year)
    seconds = time.perf_counter() - t0
    db.dispose()
    target.with_suffix(".json").write_text(json.dumps({"year": year}), encoding="utf-8")
    return {"seconds": round(seconds, 2), "rows": rows, "year": year, "items_that_year": count}


def _copy_without_year(data_dir: str, folder: str) -> int:
    """A copy of the township in `folder` whose items of the ledger's year were removed (as
    when an office brings in a year it kept in Excel); returns that year."""
    import sqlite3

    year = int(json.loads(_ledger_file(data_dir).with_suffix(".json").read_text(encoding="utf-8"))["year"])
    copy = sqlite3.connect(Path(folder) / "presidium.db")
    with sqlite3.connect(Path(data_dir) / "presidium.db") as original:
        original.backup(copy)
    ids = "SELECT id FROM opinion WHERE year = ?"
    copy.execute(f"UPDATE suggestion SET opinion_id = NULL WHERE opinion_id IN ({ids})", (year,))
    for table in ("opinion_assisting_unit", "opinion_event"):
        copy.execute(f"DELETE FROM {table} WHERE opinion_id IN ({ids})", (year,))
    copy.execute("DELETE FROM opinion WHERE year = ?", (year,))
    copy.commit()
    copy.close()
    return year


def import_(data_dir: str) -> dict[str, Any]:
    """That ledger imported back into a copy of the township without that year's items: every
    row new, its deputies and handling units known."""
    from presidium_app.ledgers import registry
    from presidium_app.storage.opening import open_database

    with tempfile.TemporaryDirectory(prefix="presidium-import-") as folder:
        year = _copy_without_year(data_dir, folder)
        db = open_database(folder)
        t0 = time.perf_counter()
        outcome = registry.ledger("opinions").import_file(db, _actor(), _ledger_file(data_dir))
        seconds = time.perf_counter() - t0
        db.dispose()
    return {"seconds": round(seconds, 2), "imported": outcome.imported,
            "rejected": outcome.rejected_rows, "year": year}


def import_baseline(data_dir: str) -> dict[str, Any]:
    """Raw openpyxl reading the same file, every cell of every row, nothing checked or stored."""
    from openpyxl import load_workbook

    t0 = time.perf_counter()
    book = load_workbook(_ledger_file(data_dir), read_only=True)
    cells = sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    book.close()
    return {"seconds": round(time.perf_counter() - t0, 2), "cells": cells}


def _first_entries(db: Any, year: int, pages: int = 300) -> list[tuple[Any, int]]:
    """The year's first binder documents that make `pages` pages, each with its page count (a
    large township's whole binder runs to tens of thousands of pages: never built here)."""
    from presidium_app.printing import registry
    from presidium_app.printing.documents import binder
    from presidium_app.printing.model import PrintRequest

    chosen: list[tuple[Any, int]] = []
    total = 0
    for entry in binder.entries(db, year):
        rendered = registry.DOCUMENTS[entry.key].build(db, PrintRequest(year, entry.object_id))
        chosen.append((entry, rendered.pages))
        total += rendered.pages
        if total >= pages:
            break
    return chosen


def binder(data_dir: str) -> dict[str, Any]:
    """A binder of the year's first documents that make 300 pages (benchmarks.binder's
    `first_300_pages`: gathered, laid out and numbered as the app does)."""
    import datetime as dt

    from benchmarks.binder import first_300_pages

    db = _open(data_dir)
    year = dt.date.today().year
    chosen = _first_entries(db, year)
    first_300_pages(db, year, chosen)  # warm fonts and caches, as a user's second run
    result = first_300_pages(db, year, chosen)
    db.dispose()
    return {"seconds": round(result["total_s"], 2), "pages": result["pages"]}


def binder_baseline(_data_dir: str) -> dict[str, Any]:
    """reportlab alone, without our engine, two ways: the floor (300 pages of text drawn straight
    on the canvas: `seconds`, the ratio's base) and reportlab's own layout (platypus: a title,
    paragraphs with its CJK wrapping and a grid table with a repeated header, on 300 pages:
    `platypus_seconds`), in the same embedded TrueType fonts, with page numbers."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    from presidium_app.printing.fonts import resolve_fonts

    fonts = resolve_fonts()
    body = ParagraphStyle("body", fontName=fonts.name("body"), fontSize=16, leading=28.9,
                          wordWrap="CJK", firstLineIndent=32)
    title = ParagraphStyle("title", fontName=fonts.name("title"), fontSize=22, leading=32, alignment=1)
    cell = ParagraphStyle("cell", fontName=fonts.name("body"), fontSize=12, leading=16, wordWrap="CJK")
    text = ("乡镇人大主席团组织代表开展视察调研活动，听取选民意见建议，督促有关单位认真办理，"
            "并将办理结果及时向代表和选民反馈，接受代表和选民的监督。")
    story: list[Any] = []
    for number in range(150):  # two pages each: a page of text, a page of table
        story.append(Paragraph(f"代表活动记录（第{number + 1}号）", title))
        story += [Paragraph(text * 2, body) for _ in range(4)]
        story.append(PageBreak())
        rows = [[Paragraph(h, cell) for h in ("序号", "姓名", "代表小组", "出席情况", "备注")]]
        rows += [[Paragraph(str(r + 1), cell), Paragraph("张三丰", cell), Paragraph("第一代表小组", cell),
                  Paragraph("出席", cell), Paragraph(text[: 12 + r % 10], cell)] for r in range(24)]
        table = Table(rows, colWidths=[15 * mm, 30 * mm, 40 * mm, 25 * mm, 46 * mm], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, "black")]))
        story += [table, PageBreak()]

    def page_number(canvas: Any, doc: Any) -> None:
        canvas.setFont(fonts.name("body"), 14)
        canvas.drawRightString(A4[0] - 26 * mm, 20 * mm, f"— {doc.page} —")

    t0 = time.perf_counter()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, topMargin=37 * mm, bottomMargin=35 * mm,
                                 leftMargin=28 * mm, rightMargin=26 * mm)
    document.build(story, onFirstPage=page_number, onLaterPages=page_number)
    platypus = time.perf_counter() - t0
    return {"seconds": round(_canvas_pages(fonts.name("body")), 2), "pages": 300,
            "platypus_seconds_per_300_pages": round(platypus * 300 / document.page, 2)}


def _canvas_pages(font: str) -> float:
    """The floor: 300 pages of 22 lines of 28 characters drawn straight on the canvas."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    text = "乡镇人大主席团组织代表开展视察调研活动，听取选民意见建议，督促有关单位认真办理。" * 2
    t0 = time.perf_counter()
    canvas = Canvas(io.BytesIO(), pagesize=A4)
    for page in range(300):
        canvas.setFont(font, 16)
        for line in range(22):
            canvas.drawString(79, 740 - line * 28.9, text[(page + line) % 10:][:28])
        canvas.drawRightString(A4[0] - 79, 60, f"— {page + 1} —")
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - t0


def stalls(data_dir: str) -> dict[str, Any]:
    """The UI thread's longest stall while each background job the issue names runs through
    `run_operation` (the app's own path): the ledger's import into a copy of the township, its
    export, a backup of the whole database, and a 300-page binder. A 10 ms timer on the UI
    thread records the longest gap between its ticks."""
    app = _app()
    import datetime as dt

    from PySide6.QtWidgets import QLabel

    from benchmarks.binder import first_300_pages
    from presidium_app.ledgers import registry
    from presidium_app.services import backups
    from presidium_app.storage.opening import open_database

    db = _open(data_dir)
    parent = QLabel("主席团工作台")  # the app's window is on screen when a job starts: Qt's fonts
    parent.resize(800, 600)  # and styles are loaded by then, not during the first job's dialog
    parent.show()
    _responsive(app)
    year = dt.date.today().year
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="presidium-stalls-") as folder:
        _copy_without_year(data_dir, folder)
        copy = open_database(folder)
        result["import"] = _stall_while(parent, "import", lambda p: registry.ledger("opinions").import_file(
            copy, _actor(), _ledger_file(data_dir), progress=p))
        result["backup"] = _stall_while(parent, "backup",
                                        lambda p: backups.create(copy, _actor(), progress=p))
        copy.dispose()
    target = Path(data_dir).parent / "stall-export.xlsx"
    result["export"] = _stall_while(parent, "export", lambda p: registry.ledger("opinions").export_file(
        db, _actor(), target, year=year, progress=p))
    chosen = _first_entries(db, year)
    result["binder"] = _stall_while(parent, "binder", lambda _p: first_300_pages(db, year, chosen))
    app.processEvents()
    db.dispose()
    result["longest_stall_ms"] = max(job["longest_stall_ms"] for job in result.values())
    return result


def _stall_while(parent: Any, name: str, work: Callable[[Any], Any]) -> dict[str, Any]:
    from itertools import pairwise

    from PySide6.QtCore import QEventLoop, QTimer

    from presidium_app.ui.operations import run_operation

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    finished: list[float] = []

    def done(_result: Any) -> None:
        finished.append(time.perf_counter())
        loop.quit()

    t0 = time.perf_counter()
    timer.start()
    run_operation(parent, name, work, done, lambda _error: loop.quit())
    loop.exec()
    timer.stop()
    gaps = [(b - a) * 1000 for a, b in pairwise(ticks)]
    end = finished[0] if finished else time.perf_counter()
    return {"job_seconds": round(end - t0, 2), "longest_stall_ms": round(max(gaps, default=0.0), 1),
            "ticks": len(ticks), "finished": bool(finished)}


TASKS: dict[str, Callable[[str], dict[str, Any]]] = {
    "start": start, "start_baseline": start_baseline, "opinion_list": opinion_list, "roster": roster,
    "archive": archive, "stats": stats, "export": export, "import": import_,
    "import_baseline": import_baseline, "binder": binder, "binder_baseline": binder_baseline,
    "stalls": stalls,
}


def main() -> int:
    task, data_dir = sys.argv[1], sys.argv[2]
    result = TASKS[task](data_dir)
    result["peak_memory_mb"] = round(peak_mb(), 1)
    print(json.dumps(result, ensure_ascii=False))
    sys.stdout.flush()
    os._exit(0)  # past PySide6's teardown, which can crash at exit (see tests/conftest.py)


if __name__ == "__main__":
    main()
