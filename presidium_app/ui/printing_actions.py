"""Printing and saving a rendered document (presidium_app.printing): print through QPrinter, with
the printer and paper the user chooses, and save as PDF.

Printing draws each page rendered by PDFium at the printer's resolution (capped at MAX_PRINT_DPI,
in bands so no page needs one huge bitmap) onto the printer's QPainter. That runs on the worker
thread of `run_operation`, with progress and cancel: QPainter may paint on a QPrinter outside the
UI thread, and no widget is touched there.

Saving writes a temporary file in the target folder and renames it over the target, so a full
disk or a crash never leaves half a PDF under the chosen name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from presidium_app.services import township
from presidium_app.services.errors import ServiceError, StorageFailure
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.storage import files
from presidium_app.ui import messages
from presidium_app.ui.application import APP_TITLE
from presidium_app.ui.context import AppContext
from presidium_app.ui.operations import error_text, run_operation
from presidium_app.ui.widgets.pdf_preview import PdfPages

PDF_FILTER = "PDF 文件 (*.pdf)"
MAX_PRINT_DPI = 600            # enough for text on office laser printers; more only costs memory
BAND_PIXELS = 8_000_000        # pixels rendered at once (32 MB) when printing one page
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\r\n\t]+')


# -- saving ----------------------------------------------------------------------------------
def suggested_name(ctx: AppContext, title: str) -> str:
    """青山镇签到表_20260305.pdf: the township, the document, today; safe as a file name."""
    try:
        name = township.get_township(ctx.db).name
    except Exception:
        name = ""
    stem = UNSAFE_NAME.sub("_", f"{name}{title}").strip(" ._") or "文档"
    return f"{stem}_{dt.date.today():%Y%m%d}.pdf"


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` all or nothing; raises StorageFailure naming the file."""
    try:
        files.write_atomic(target, data)
    except OSError as exc:
        raise StorageFailure(files.file_error_message(exc, target)) from exc


def ask_save_path(parent: QWidget, ctx: AppContext, title: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, "另存为PDF", str(Path(ctx.prefs.last_folder()) / suggested_name(ctx, title)),
        PDF_FILTER)
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    return target


def save_pdf(parent: QWidget, ctx: AppContext, data: bytes, title: str,
             on_saved: Callable[[Path], None] | None = None) -> bool:
    """Ask where, then write the PDF in the background. False when the user chose no file."""
    target = ask_save_path(parent, ctx, title)
    if target is None:
        return False
    ctx.prefs.remember_folder(target)

    def succeeded(_: object) -> None:
        if on_saved is not None:
            on_saved(target)

    def failed(error: BaseException) -> None:
        messages.warn(parent, "无法保存PDF", error_text(error))

    run_operation(parent, f"正在保存 {target.name}…", lambda _p: write_atomic(target, data),
                  succeeded, failed, cancellable=False)
    return True


# -- printing --------------------------------------------------------------------------------
def make_printer(pages: PdfPages, title: str) -> QPrinter:
    """A printer set up for the document: its paper if standard (A4, A3…; else A4), the
    orientation of its first page, full page (the PDF carries its own margins)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setCreator(APP_TITLE)
    printer.setFullPage(True)
    width, height = pages.sizes[0] if len(pages) else (595.0, 842.0)
    size = QPageSize(QSizeF(min(width, height), max(width, height)), QPageSize.Unit.Point,
                     "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    standard = size.id() != QPageSize.PageSizeId.Custom
    printer.setPageSize(size if standard else QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if width > height
                               else QPageLayout.Orientation.Portrait)
    printer.setFromTo(1, max(1, len(pages)))
    return printer


def ask_printer(parent: QWidget, printer: QPrinter, pages: int) -> bool:
    """The system print dialog: printer, paper, copies, page range. True to print."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    dialog.setMinMax(1, max(1, pages))
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies, True)
    return dialog.exec() == QDialog.DialogCode.Accepted


def page_sequence(printer: QPrinter, count: int) -> list[int]:
    """The page indexes to print, in order, copies included when the printer does not make
    them itself."""
    first, last = 0, count - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(0, printer.fromPage() - 1)
        last = min(count - 1, max(first, printer.toPage() - 1))
    pages = list(range(first, last + 1))
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    if copies == 1:
        return pages
    if printer.collateCopies():
        return pages * copies
    return [index for index in pages for _ in range(copies)]


def draw_page(painter: QPainter, printer: QPrinter, pages: PdfPages, index: int) -> None:
    """Page `index` on the paper at its own size (scaled down only if the paper is smaller),
    centred, turned a quarter when its orientation differs from the paper's."""
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    width_pt, height_pt = pages.sizes[index]
    turn = (width_pt > height_pt) != (paper.width() > paper.height()) and width_pt != height_pt
    rotation = 270 if turn else 0  # the top of a turned page towards the binding (left)
    extent_w, extent_h = (height_pt, width_pt) if turn else (width_pt, height_pt)
    dpi = max(1, printer.resolution())
    device_per_pt = min(dpi / 72, paper.width() / extent_w, paper.height() / extent_h)
    target = QRectF(0, 0, extent_w * device_per_pt, extent_h * device_per_pt)
    target.moveCenter(QRectF(0, 0, paper.width(), paper.height()).center())
    scale = device_per_pt * min(1.0, MAX_PRINT_DPI / dpi)  # bitmap pixels per point
    rows = pages.full_height(index, scale, rotation)
    width_px = max(1, round(extent_w * scale))
    band = max(1, BAND_PIXELS // width_px)
    device_per_row = target.height() / rows
    top = 0
    while top < rows:
        end = min(rows, top + band)
        image = pages.render(index, scale, rotation, (top, end) if (top, end) != (0, rows) else None)
        painter.drawImage(QRectF(target.left(), target.top() + top * device_per_row,
                                 target.width(), image.height() * device_per_row), image)
        top = end


def paint_document(printer: QPrinter, data: bytes, progress: Progress) -> int:
    """Draw the document's pages onto the printer (on the worker thread). Returns the number of
    sheets sent; Cancelled when the user pressed 取消 (the job is aborted)."""
    pages = PdfPages(data)
    try:
        sequence = page_sequence(printer, len(pages))
        painter = QPainter()
        if not painter.begin(printer):
            raise ServiceError(f"无法开始打印：打印机“{printer.printerName() or printer.outputFileName()}”"
                               "没有响应。请检查打印机是否开机、连接正常，然后再试。")
        try:
            for number, index in enumerate(sequence):
                progress.report(number, len(sequence),
                                f"正在打印第 {index + 1} 页（{number + 1} / {len(sequence)}）")
                if number and not printer.newPage():
                    raise ServiceError("打印机没有接受新的一页，打印已停止。请检查打印机后再试。")
                draw_page(painter, printer, pages, index)
            progress.report(len(sequence), len(sequence), "正在发送到打印机…")
        except Cancelled:
            printer.abort()
            raise
        finally:
            if painter.isActive():
                painter.end()
        return len(sequence)
    finally:
        pages.close()


def print_document(parent: QWidget, data: bytes, title: str,
                   on_printed: Callable[[int], None] | None = None) -> bool:
    """Ask for the printer, then print in the background. False when the user cancelled the
    print dialog."""
    try:
        pages = PdfPages(data)
    except ServiceError as exc:
        messages.warn(parent, "无法打印", exc.message)
        return False
    try:
        printer = make_printer(pages, title)
        count = len(pages)
    finally:
        pages.close()
    if not ask_printer(parent, printer, count):
        return False

    def succeeded(sheets: Any) -> None:
        if on_printed is not None:
            on_printed(int(sheets))

    def failed(error: BaseException) -> None:
        if isinstance(error, Cancelled):
            messages.inform(parent, "打印已取消", f"《{title}》的打印已取消。",
                            "已经送到打印机的页面可能仍会打印出来。")
            return
        messages.warn(parent, "无法打印", error_text(error))

    run_operation(parent, f"正在打印《{title}》…",
                  lambda progress: paint_document(printer, data, progress), succeeded, failed)
    return True
