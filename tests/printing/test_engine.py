"""The GB/T 9704 grid and the page furniture, measured on PDFs the engine writes."""

from __future__ import annotations

import datetime as dt
import gc
import itertools

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate

from presidium_app.printing.fonts import resolve_fonts
from presidium_app.printing.layout import (
    GB_LINE,
    LAYOUTS,
    Document,
    Section,
    page_number_text,
    render_sections,
)
from presidium_app.printing.model import cn_date
from tests.printing.pdfcheck import MM, Page, bad_line_starts, embedded_font_files, read_pdf

FORMAL = LAYOUTS["formal"]
TOP = FORMAL.pagesize[1] - FORMAL.top
# The baseline of grid row 0: the glyphs' em box centred in the first line of the text block.
FIRST_BASELINE = TOP - GB_LINE / 2 - 0.38 * FORMAL.body_size
CJK = "人大代表依法履职联系选民反映群众意见和要求认真参加视察调研活动"


def grid_row(y: float) -> float:
    return (FIRST_BASELINE - y) / GB_LINE


def body_lines(page: Page) -> list[tuple[float, str]]:
    return [(line.x, line.text) for line in page.lines
            if abs(line.size - FORMAL.body_size) < 0.01 and FORMAL.bottom < line.y < TOP]


@pytest.fixture(scope="module")
def long_formal() -> list[Page]:
    doc = Document("formal", "测试")
    for _ in range(6):
        doc.paragraph(CJK * 5)
    return read_pdf(doc.render().pdf)


def test_formal_body_pages_hold_22_lines_of_28_characters(long_formal: list[Page]) -> None:
    page = long_formal[0]
    lines = body_lines(page)
    assert len(lines) == 22
    rows = [grid_row(line.y) for line in page.lines if line.size == FORMAL.body_size]
    assert all(abs(r - round(r)) < 0.02 for r in rows)
    assert round(rows[0]) == 0 and round(rows[-1]) == 21
    indent = 2 * 156 * MM / 28
    for x, _text in lines:
        starts_paragraph = abs(x - (FORMAL.left + indent)) < 0.5
        assert starts_paragraph or abs(x - FORMAL.left) < 0.5
    # A line followed by a flush-left line is a full line of its paragraph: 28 characters
    # (26 after the indent).
    for (x, text), (next_x, _next) in itertools.pairwise(lines):
        if abs(next_x - FORMAL.left) < 0.5:
            assert len(text) == (28 if abs(x - FORMAL.left) < 0.5 else 26), text


def test_each_character_advances_a_28th_of_the_text_block() -> None:
    fonts = resolve_fonts()
    style = Document("formal", "x").style()
    advance = style.size + style.char_space
    assert advance * 27 + style.size == pytest.approx(156 * MM, abs=0.01)
    assert stringWidth("人", fonts.name("body"), style.size) == pytest.approx(16.0)


def test_a_comma_at_a_line_start_is_pulled_back_in_a_real_pdf() -> None:
    doc = Document("formal", "测试")
    # 26 characters after the two-character indent fill line one; the comma would start line two.
    doc.paragraph("一二三四五六七八九十" * 2 + "一二三四五六" + "，这里接着写下去。" * 6)
    pages = read_pdf(doc.render().pdf)
    lines = [text for _x, text in body_lines(pages[0])]
    assert lines[0] == "一二三四五六七八九十一二三四五六七八九十一二三四五"
    assert lines[1].startswith("六，")
    assert bad_line_starts(pages) == []


def test_page_numbers_sit_on_the_odd_and_even_sides(long_formal: list[Page]) -> None:
    font = resolve_fonts().name("body")
    assert len(long_formal) >= 2
    for number, page in enumerate(long_formal, start=1):
        text = page_number_text(number)
        found = [c for c in page.chunks if c.text == text]
        assert len(found) == 1, number
        chunk = found[0]
        assert chunk.size == 14
        assert (FORMAL.bottom - chunk.y) / MM == pytest.approx(7 + 0.88 * 14 / MM, abs=0.05)
        if number % 2:
            right = chunk.x + stringWidth(text, font, 14)
            assert right == pytest.approx(FORMAL.left + FORMAL.width - 14, abs=0.1)
        else:
            assert chunk.x == pytest.approx(FORMAL.left + 14, abs=0.1)


def test_fonts_are_embedded_subsets(long_formal: list[Page]) -> None:
    if not resolve_fonts().all_embedded:
        pytest.skip("no TrueType Chinese font on this machine")
    for page in long_formal:
        embedded = set(embedded_font_files(page))
        assert embedded and {chunk.font for chunk in page.chunks if chunk.text.strip()} <= embedded
        assert all(name.split("+")[0].lstrip("/").isupper() for name in embedded)  # subset tags


def test_a_table_repeats_its_header_row_on_every_page() -> None:
    doc = Document("form", "表")
    rows: list[list[str | None]] = [["序号", "姓名", "备注"]]
    rows += [[str(i), f"代表{i}", "，备注以逗号开头也不应出现在行首" * 2] for i in range(60)]
    doc.table(rows, (1, 2, 5))
    rendered = doc.render()
    pages = read_pdf(rendered.pdf)
    assert rendered.pages == len(pages) >= 2
    for page in pages:
        assert page.lines[0].text.startswith("序号姓名备注")
    assert bad_line_starts(pages) == [] or all(line.startswith("，备注") for line in bad_line_starts(pages))


def test_titles_of_two_lines_are_balanced() -> None:
    doc = Document("formal", "x")
    doc.title("关于开展2026年第一季度人大代表集中视察活动和专题调研活动的通知")
    page = read_pdf(doc.render().pdf)[0]
    title = [line.text for line in page.lines if line.size == 22]
    assert len(title) == 2 and abs(len(title[0]) - len(title[1])) <= 3


def test_dates_are_written_the_official_way() -> None:
    assert cn_date(dt.date(2026, 3, 5)) == "2026年3月5日"
    assert cn_date(dt.date(2026, 12, 31)) == "2026年12月31日"


@pytest.mark.parametrize(("key", "size"), [("formal", (210, 297)), ("form", (210, 297)),
                                           ("ledger", (297, 210)), ("board-a4", (210, 297)),
                                           ("board-a3", (297, 420))])
def test_every_layout_has_its_paper(key: str, size: tuple[int, int]) -> None:
    doc = Document(key, "测试")
    doc.title("测试标题")
    doc.paragraph("正文。")
    page = read_pdf(doc.render().pdf)[0]
    assert (round(page.width_mm), round(page.height_mm)) == size


def _templates_alive() -> int:
    return sum(isinstance(o, BaseDocTemplate) for o in gc.get_objects())


def test_a_rendered_pdf_is_freed_without_the_cyclic_collector() -> None:
    """Left in a reference cycle, a laid-out PDF waited for a collection, which held the GIL for
    0.1–0.2 s when a background job ended (the window froze): it must go by reference counting."""
    doc = Document("formal", "测试")
    doc.paragraph(CJK * 5)
    second = Document("form", "表")
    second.table([["序号", "姓名"], ["1", "代表"]], (1, 2))
    gc.collect()
    gc.disable()
    try:
        before = _templates_alive()
        doc.render()
        render_sections([Section(doc), Section(second)], title="汇编")
        assert _templates_alive() == before
    finally:
        gc.enable()
