"""打印中心: the document list from the registry, the parameters, preview in the background,
save as PDF (atomic, with clear errors), printing through QPrinter, open_document, and keys.

Most tests use a small fake registry whose documents are a real two-page PDF (one page
landscape) made with reportlab; the last one renders a real document of the demo township when
the document engine is there."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from presidium_app.printing import registry as registry_module
from presidium_app.services.errors import ServiceError
from presidium_app.storage import files
from presidium_app.ui import printing_actions
from presidium_app.ui.pages.printing import PERSONAL_NOTE, PrintingPage

THIS_YEAR = dt.date.today().year


def make_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for index, size in enumerate((A4, landscape(A4))):
        pdf.setPageSize(size)
        pdf.setFont("Helvetica", 24)
        pdf.drawString(72, size[1] - 100, f"Page {index + 1}")
        pdf.rect(50, 50, size[0] - 100, size[1] - 100)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


PDF = make_pdf()


# -- a fake registry with the engine's API ---------------------------------------------------
@dataclass(frozen=True)
class PrintRequest:
    year: int | None = None
    object_id: int | None = None


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    pages: int
    title: str


@dataclass(frozen=True)
class DocumentSpec:
    key: str
    title: str
    needs: str
    personal: bool
    build: Callable[[Any, Any], RenderedDocument]


@dataclass
class FakeRegistry:
    documents: dict[str, DocumentSpec]
    rendered: list[tuple[str, Any, Any]] = field(default_factory=list)
    asked: list[tuple[str, int]] = field(default_factory=list)

    def render(self, db: Any, key: str, request: Any, actor: Any = None) -> RenderedDocument:
        if key not in self.documents:
            raise ServiceError(f"没有“{key}”这份文档")
        self.rendered.append((key, request, actor))
        return RenderedDocument(PDF, 2, self.documents[key].title)

    def choices(self, db: Any, key: str, year: int) -> list[tuple[int, str]]:
        self.asked.append((key, year))
        if self.documents[key].needs == "activity":
            return [(11, f"{year}年3月5日 视察春耕生产"), (7, f"{year}年1月10日 接待选民")]
        if self.documents[key].needs == "deputy":
            return [(3, "张三丰"), (4, "李四")]
        return []


def _spec(key: str, title: str, needs: str, personal: bool) -> DocumentSpec:
    return DocumentSpec(key, title, needs, personal, lambda _db, _r: RenderedDocument(PDF, 2, title))


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeRegistry:
    documents = {spec.key: spec for spec in (
        _spec("training-plan", "年度学习培训计划", "year", False),
        _spec("sign-in-sheet", "签到表", "activity", True),
        _spec("activity-record", "活动记录", "activity", False),
        _spec("deputy-archive", "代表履职档案", "deputy", True),
        _spec("wall-rules", "制度上墙", "none", False),
    )}
    registry = FakeRegistry(documents)
    monkeypatch.setattr(registry_module, "DOCUMENTS", documents)
    monkeypatch.setattr(registry_module, "render", registry.render)
    monkeypatch.setattr(registry_module, "choices", registry.choices)
    return registry


@pytest.fixture
def page(qtbot: Any, ctx: Any, fake: FakeRegistry) -> PrintingPage:
    widget = PrintingPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def previewed(qtbot: Any, page: PrintingPage, pages: int = 2) -> None:
    qtbot.waitUntil(lambda: page.preview_pane.page_count() == pages and page.rendering is None,
                    timeout=10000)


# -- the list and the parameters -----------------------------------------------------------------
def test_the_list_shows_the_documents_grouped(page: PrintingPage) -> None:
    assert page.group_titles() == ["年度文档", "活动", "代表", "通用文档"]
    assert page.document_titles() == ["年度学习培训计划", "签到表", "活动记录", "代表履职档案",
                                      "制度上墙"]
    assert page.current_key() == "training-plan"  # the first document is chosen
    assert page.year.isVisibleTo(page) and page.year.value() == THIS_YEAR
    assert not page.object.isVisibleTo(page)
    assert not page.personal_note.isVisibleTo(page)
    assert page.preview_action.isEnabled()
    assert "预览" in page.preview_pane.message.text()

    page.filter.setText("签到")
    visible = [i.text(0) for i in page._document_items() if not i.isHidden()]
    assert visible == ["签到表"]
    page.filter.clear()

    page.select_document("wall-rules")
    assert not page.year.isVisibleTo(page)
    assert page.current_params() == ("wall-rules", None, None)


def test_a_document_for_an_activity_fills_the_picker(page: PrintingPage, fake: FakeRegistry) -> None:
    page.select_document("sign-in-sheet")
    assert fake.asked[-1] == ("sign-in-sheet", THIS_YEAR)
    assert page.object.isVisibleTo(page) and page.object_caption.text() == "活动"
    assert [page.object.itemText(i) for i in range(page.object.count())] == [
        f"{THIS_YEAR}年3月5日 视察春耕生产", f"{THIS_YEAR}年1月10日 接待选民"]
    assert page.current_params() == ("sign-in-sheet", THIS_YEAR, 11)
    assert page.personal_note.isVisibleTo(page)
    assert page.personal_note.text() == PERSONAL_NOTE

    page.object.setCurrentIndex(1)
    page.year.setValue(THIS_YEAR - 1)
    assert fake.asked[-1] == ("sign-in-sheet", THIS_YEAR - 1)
    assert page.current_params() == ("sign-in-sheet", THIS_YEAR - 1, 7)  # the same activity kept

    page.object.setEditText("不存在的活动")  # typed text that names no choice: nothing to print
    assert page.current_params() is None
    assert not page.preview_action.isEnabled()
    assert "请从列表中选择活动" in page.hint.text()
    page.object.setEditText(f"{THIS_YEAR - 1}年1月10日 接待选民")
    assert page.current_params() == ("sign-in-sheet", THIS_YEAR - 1, 7)
    assert page.preview_action.isEnabled()


# -- preview -----------------------------------------------------------------------------------
def test_preview_renders_in_the_background_and_shows_the_pages(
        qtbot: Any, page: PrintingPage, fake: FakeRegistry, ctx: Any) -> None:
    page.select_document("sign-in-sheet")
    assert page.preview()
    assert page.rendering == ("sign-in-sheet", THIS_YEAR, 11)
    assert not page.preview_action.isEnabled()  # one render at a time
    previewed(qtbot, page)
    assert not page.busy.isVisible()
    key, request, actor = fake.rendered[-1]
    assert key == "sign-in-sheet"
    assert (request.year, request.object_id) == (THIS_YEAR, 11)
    assert actor == ctx.actor  # personal documents are logged under the user who printed
    assert "签到表" in page.preview_pane.title_label.text()
    assert page.preview_pane.page_label.text() == "第 1 / 2 页"

    sheet = page.preview_pane.sheets[0]
    before = sheet.size()
    page.preview_pane.zoom_in()
    assert sheet.width() > before.width() and sheet.height() > before.height()
    page.preview_pane.zoom_out()
    page.preview_pane.zoom_out()
    assert sheet.width() < before.width()

    page.select_document("activity-record")  # another document: the old preview goes
    assert page.preview_pane.page_count() == 0
    page.select_document("sign-in-sheet")  # back: the rendered one shows again, not re-rendered
    assert page.preview_pane.page_count() == 2
    assert len(fake.rendered) == 1


def test_f5_renders_again_and_errors_show_in_the_pane(
        qtbot: Any, page: PrintingPage, fake: FakeRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    page.preview()
    previewed(qtbot, page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(page.tree, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: len(fake.rendered) == 2 and page.rendering is None, timeout=10000)

    def broken(*_args: Any, **_kw: Any) -> Any:
        raise ServiceError("本年度还没有学习培训计划")

    monkeypatch.setattr(registry_module, "render", broken)
    page.preview()
    qtbot.waitUntil(lambda: page.rendering is None, timeout=10000)
    assert "本年度还没有学习培训计划" in page.preview_pane.message.text()
    assert page.preview_action.isEnabled()


# -- save as PDF -------------------------------------------------------------------------------
def test_save_as_pdf_writes_the_exact_bytes_atomically(
        qtbot: Any, page: PrintingPage, ctx: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "导出"
    folder.mkdir()
    target = folder / "签到表"
    offered: list[str] = []

    def get_save_file_name(_parent: Any, _title: str, suggested: str, _filter: str) -> Any:
        offered.append(suggested)
        return str(target), printing_actions.PDF_FILTER

    monkeypatch.setattr(printing_actions.QFileDialog, "getSaveFileName", get_save_file_name)
    page.select_document("sign-in-sheet")
    assert page.save_current()  # not previewed yet: rendered first, then saved
    qtbot.waitUntil(lambda: page.last_saved is not None, timeout=10000)
    saved = folder / "签到表.pdf"
    assert page.last_saved == saved
    assert saved.read_bytes() == PDF
    assert sorted(p.name for p in folder.iterdir()) == ["签到表.pdf"]  # no temporary file left
    assert Path(offered[0]).name.startswith("青山镇签到表_") and offered[0].endswith(".pdf")
    assert str(saved) in page.status.text()
    assert ctx.prefs.last_folder() == str(folder)
    page.preview_pane.page_count()

    saved.write_bytes(b"old")  # saving again replaces the file whole
    assert page.save_current()
    qtbot.waitUntil(lambda: saved.read_bytes() == PDF, timeout=10000)


def test_a_read_only_folder_gives_a_chinese_message_naming_the_file(
        qtbot: Any, page: PrintingPage, tmp_path: Path, messages_log: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "只读"
    folder.mkdir()
    target = folder / "活动记录.pdf"
    monkeypatch.setattr(printing_actions.QFileDialog, "getSaveFileName",
                        lambda *_a: (str(target), printing_actions.PDF_FILTER))
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere: refuse the way a read-only disk does
            def refuse(*_a: Any, **_kw: Any) -> Any:
                raise PermissionError(13, "Permission denied", str(folder))
            monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
        page.select_document("activity-record")
        page.preview()
        previewed(qtbot, page)
        assert page.save_current()
        qtbot.waitUntil(lambda: bool(messages_log.shown), timeout=10000)
    finally:
        folder.chmod(0o755)
    kind, title, text, _detail = messages_log.shown[-1]
    assert (kind, title) == ("warn", "无法保存PDF")
    assert "活动记录.pdf" in text and "没有写入" in text
    assert not target.exists() and list(folder.iterdir()) == []
    assert page.last_saved is None


def test_disk_full_is_named_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def full(*_a: Any, **_kw: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    target = tmp_path / "年度档案.pdf"
    with pytest.raises(ServiceError) as failure:
        printing_actions.write_atomic(target, PDF)
    assert "磁盘空间不足" in failure.value.message and "年度档案.pdf" in failure.value.message
    assert list(tmp_path.iterdir()) == []


# -- printing ----------------------------------------------------------------------------------
def test_printing_draws_every_page_on_the_printer(
        qtbot: Any, page: PrintingPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "printed.pdf"
    seen: dict[str, Any] = {}

    def accept(_parent: Any, printer: QPrinter, pages: int) -> bool:
        seen["pages"] = pages
        seen["orientation"] = printer.pageLayout().orientation()
        seen["size"] = printer.pageLayout().pageSize().id()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(output))
        printer.setResolution(150)
        return True

    monkeypatch.setattr(printing_actions, "ask_printer", accept)
    page.select_document("sign-in-sheet")
    page.preview()
    previewed(qtbot, page)
    assert page.print_current()
    qtbot.waitUntil(lambda: "已送到打印机" in page.status.text(), timeout=15000)
    assert seen["pages"] == 2
    assert seen["size"] == printing_actions.QPageSize.PageSizeId.A4
    assert seen["orientation"] == printing_actions.QPageLayout.Orientation.Portrait

    printed = pdfium.PdfDocument(output.read_bytes())
    try:
        assert len(printed) == 2
        for index in range(2):  # A4 portrait sheets; the landscape page is turned onto its sheet
            width, height = printed.get_page_size(index)
            assert (round(width), round(height)) == (595, 842)
        image = printed[1].render(scale=0.5).to_pil().convert("L")
        assert image.getextrema()[0] < 100  # something was drawn on the turned page
    finally:
        printed.close()


def test_print_dialog_cancelled_prints_nothing(
        page: PrintingPage, monkeypatch: pytest.MonkeyPatch, qtbot: Any) -> None:
    monkeypatch.setattr(printing_actions, "ask_printer", lambda *_a: False)
    page.preview()
    previewed(qtbot, page)
    assert not page.print_current()
    assert page.status.text() == ""


# -- other pages, the window -----------------------------------------------------------------------
def test_open_document_selects_and_previews(
        qtbot: Any, page: PrintingPage, fake: FakeRegistry) -> None:
    assert page.open_document("sign-in-sheet", THIS_YEAR - 1, 7)
    assert page.current_key() == "sign-in-sheet"
    assert page.year.value() == THIS_YEAR - 1
    assert page.current_object_id() == 7
    previewed(qtbot, page)
    key, request, _actor = fake.rendered[-1]
    assert (key, request.year, request.object_id) == ("sign-in-sheet", THIS_YEAR - 1, 7)

    # An object not offered for that year is still printed exactly.
    assert page.open_document("deputy-archive", THIS_YEAR, 99)
    assert page.current_object_id() == 99
    qtbot.waitUntil(lambda: len(fake.rendered) == 2 and page.rendering is None, timeout=10000)
    assert fake.rendered[-1][1].object_id == 99


def test_open_document_refuses_an_unknown_key(page: PrintingPage, messages_log: Any) -> None:
    assert not page.open_document("no-such-document")
    assert "no-such-document" in messages_log.texts()


def test_the_window_builds_the_page_and_the_keys_work(
        qtbot: Any, window: Any, fake: FakeRegistry, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    page = window.show_page("printing")
    assert isinstance(page, PrintingPage)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_F5)
    previewed(qtbot, page)

    pane = page.preview_pane
    pane.set_zoom(1.0)
    qtbot.keyClick(page.tree, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert pane.fit_width
    assert window.current_key() == "printing"  # Ctrl+0 zoomed; it did not open 操作日志
    qtbot.keyClick(page.tree, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert not pane.fit_width

    target = tmp_path / "计划.pdf"
    monkeypatch.setattr(printing_actions.QFileDialog, "getSaveFileName",
                        lambda *_a: (str(target), printing_actions.PDF_FILTER))
    qtbot.keyClick(page.tree, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(target.exists, timeout=10000)

    printed: list[int] = []
    monkeypatch.setattr(printing_actions, "ask_printer", lambda *_a: printed.append(1) or False)
    qtbot.keyClick(page.tree, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == [1]

    window.show_page("home")  # the page's keys act only while it is shown
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == [1]


def test_cancel_stops_printing_between_pages(tmp_path: Path) -> None:
    from presidium_app.services.progress import Cancelled, Progress

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "cancelled.pdf"))
    printer.setResolution(72)
    reports: list[int] = []

    def reported(done: int, _total: int, _text: str) -> None:
        reports.append(done)
        if done == 1:
            progress.cancel()

    progress = Progress(reported)
    with pytest.raises(Cancelled):
        printing_actions.paint_document(printer, PDF, progress)
    assert reports == [0, 1]


def test_page_range_and_copies(tmp_path: Path) -> None:
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "x.pdf"))
    assert printing_actions.page_sequence(printer, 5) == [0, 1, 2, 3, 4]
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert printing_actions.page_sequence(printer, 5) == [1, 2]
    printer.setCopyCount(2)
    printer.setCollateCopies(True)
    expected = [1, 2, 1, 2] if not printer.supportsMultipleCopies() else [1, 2]
    assert printing_actions.page_sequence(printer, 5) == expected


def test_a_real_document_of_the_demo_township(
        qtbot: Any, ctx: Any, db: Any, actor: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    registry = registry_module
    from presidium_app.services import demo

    demo.fill_demo(db, actor)
    key = "sign-in-sheet" if "sign-in-sheet" in registry.DOCUMENTS else next(
        k for k, s in registry.DOCUMENTS.items() if s.needs == "activity")
    year = next(y for y in (THIS_YEAR, THIS_YEAR - 1, THIS_YEAR - 2) if registry.choices(db, key, y))
    object_id, _label = registry.choices(db, key, year)[0]

    page = PrintingPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitExposed(page)
    assert sorted(page.document_titles()) == sorted(spec.title for spec in registry.DOCUMENTS.values())
    assert page.open_document(key, year, object_id)
    qtbot.waitUntil(lambda: page.rendering is None, timeout=20000)
    document = page.rendered
    assert document is not None and document.pages >= 1
    assert page.preview_pane.page_count() == document.pages
    qtbot.waitUntil(lambda: 0 in page.preview_pane.rendered_pages(), timeout=5000)
    image = page.preview_pane.cached_image(0)
    assert image is not None
    gray = image.convertToFormat(image.Format.Format_Grayscale8)
    assert min(gray.pixelColor(x, y).value() for x in range(0, gray.width(), 7)
               for y in range(0, gray.height(), 7)) < 128  # the page shows text, not a blank sheet

    target = tmp_path / "真实文档.pdf"
    monkeypatch.setattr(printing_actions.QFileDialog, "getSaveFileName",
                        lambda *_a: (str(target), printing_actions.PDF_FILTER))
    assert page.save_current()
    qtbot.waitUntil(target.exists, timeout=10000)
    assert target.read_bytes() == document.pdf
