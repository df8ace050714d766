"""The PDF preview: page count, lazy rendering of only the pages near the viewport, zoom, and
the banded rendering printing uses."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from presidium_app.services.errors import ServiceError
from presidium_app.ui.widgets.pdf_preview import CACHE_PAGES, PdfPages, PdfPreview


def make_pdf(pages: int = 2, landscape_pages: tuple[int, ...] = (1,)) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for index in range(pages):
        size = landscape(A4) if index in landscape_pages else A4
        pdf.setPageSize(size)
        pdf.setFont("Helvetica", 24)
        pdf.drawString(72, size[1] - 100, f"Page {index + 1}")
        pdf.rect(50, 50, size[0] - 100, size[1] - 100)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def preview(qtbot: Any) -> PdfPreview:
    widget = PdfPreview()
    qtbot.addWidget(widget)
    widget.resize(700, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def settle(qtbot: Any) -> None:
    qtbot.wait(30)


def test_page_count_sizes_and_label(preview: PdfPreview, qtbot: Any) -> None:
    preview.set_pdf(make_pdf(), "签到表")
    settle(qtbot)
    assert preview.page_count() == 2
    assert preview.current_page() == 1
    assert preview.page_label.text() == "第 1 / 2 页"
    assert "签到表" in preview.title_label.text()
    portrait, landscape = preview.sheets
    assert portrait.height() > portrait.width()
    assert landscape.width() > landscape.height()


def test_only_pages_near_the_viewport_are_rendered(preview: PdfPreview, qtbot: Any) -> None:
    preview.set_pdf(make_pdf(300, ()), "年度档案")
    settle(qtbot)
    visible = preview.visible_pages()
    assert visible and visible[0] == 0 and len(visible) <= 2
    assert preview.rendered_pages() <= {0, 1, 2}
    assert preview.render_count <= 3
    assert preview.cached_image(299) is None

    bar = preview.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    settle(qtbot)
    assert 299 in preview.rendered_pages()
    assert preview.current_page() == 300
    assert preview.page_label.text() == "第 300 / 300 页"
    assert len(preview.rendered_pages()) <= CACHE_PAGES
    assert preview.render_count <= 7

    preview.show_page(150)
    settle(qtbot)
    assert 149 in preview.rendered_pages()


def test_zoom_changes_the_page_size_and_keys_work(preview: PdfPreview, qtbot: Any) -> None:
    preview.set_pdf(make_pdf(), "测试")
    settle(qtbot)
    assert preview.fit_width
    fitted = preview.sheets[0].width()
    preview.zoom_in()
    assert not preview.fit_width
    assert preview.sheets[0].width() > fitted
    preview.set_zoom(1.0)
    at_100 = preview.sheets[0].size()
    assert preview.zoom_label.text() == "100%"
    qtbot.keyClick(preview.scroll_area, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert preview.sheets[0].width() < at_100.width()
    qtbot.keyClick(preview.scroll_area, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert preview.sheets[0].size() == at_100
    qtbot.keyClick(preview.scroll_area, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert preview.fit_width and preview.sheets[0].width() == fitted
    settle(qtbot)
    image = preview.cached_image(0)
    assert image is not None
    assert abs(image.width() / image.devicePixelRatio() - preview.sheets[0].sheet_rect().width()) <= 1


def test_clear_and_unreadable_pdf(preview: PdfPreview) -> None:
    preview.set_pdf(make_pdf(), "测试")
    preview.clear("没有文档")
    assert preview.page_count() == 0 and preview.current_page() == 0
    assert preview.message.text() == "没有文档"
    assert not preview.fit_button.isEnabled()
    with pytest.raises(ServiceError, match="无法读取"):
        preview.set_pdf(b"not a pdf")


def test_bands_stitch_into_the_whole_page() -> None:
    pages = PdfPages(make_pdf())
    try:
        for rotation in (0, 270):
            scale = 100 / 72
            whole = pages.render(1, scale, rotation)
            rows = pages.full_height(1, scale, rotation)
            assert whole.height() == rows
            stitched = QImage(whole.size(), whole.format())
            painter = QPainter(stitched)
            top = 0
            for end in (137, 400, rows):
                band = pages.render(1, scale, rotation, (top, end))
                assert band.height() == end - top
                painter.drawImage(0, top, band)
                top = end
            painter.end()
            assert stitched == whole
    finally:
        pages.close()
