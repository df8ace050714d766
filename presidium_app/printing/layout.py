"""Page templates and the document builder every printed document uses.

A document module makes a `Document` with a layout (`formal`, `form`, `ledger`, `board-a4`,
`board-a3`), adds content with its methods (title, paragraph, heading, table, photos, signature…)
and calls `render()`, which returns the PDF bytes and the page count:

    doc = Document("formal", "关于开展视察活动的通知", township="临川县青山镇")
    doc.title("关于开展视察活动的通知")
    doc.paragraph("各位代表：", indent=False)
    doc.paragraph("经研究，定于2026年3月5日……")
    doc.signature("青山镇人大主席团", dt.date(2026, 3, 1))
    rendered = doc.render()   # RenderedDocument(pdf=b"%PDF…", pages=1, title=…)

`formal` is GB/T 9704: A4, top 37 mm, left 28 mm, a 156×225 mm text block of 22 lines of 28
characters of 三号 body font, title 二号 centred, page numbers 四号 "— N —" 7 mm below the text
block, odd pages right and even pages left, one character in. The other layouts keep the same
fonts, margins family and page numbers so a binder looks like one thing.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from presidium_app.printing.fonts import FontSet, resolve_fonts
from presidium_app.printing.model import RenderedDocument, cn_date
from presidium_app.printing.text import Align, Run, TextBlock, TextStyle

log = logging.getLogger(__name__)

# Chinese size names in points (PRINTING.md).
SIZES = {"初号": 42.0, "小初": 36.0, "一号": 26.0, "小一": 24.0, "二号": 22.0, "小二": 18.0,
         "三号": 16.0, "小三": 15.0, "四号": 14.0, "小四": 12.0, "五号": 10.5, "小五": 9.0,
         "六号": 7.5}

# GB/T 9704 text block and grid.
GB_LEFT, GB_TOP, GB_WIDTH, GB_HEIGHT = 28 * mm, 37 * mm, 156 * mm, 225 * mm
GB_LINES, GB_CHARS = 22, 28
GB_LINE = GB_HEIGHT / GB_LINES  # ≈ 28.9 pt
PAGE_NUMBER_GAP = 7 * mm
PAGE_NUMBER_SIZE = SIZES["四号"]
GRID_COLOUR = colors.black
HEADER_FILL = colors.Color(0.92, 0.92, 0.92)
LABEL_FILL = colors.Color(0.96, 0.96, 0.96)


@dataclass(frozen=True)
class PageLayout:
    """A page size with its text block (margins in points) and the type sizes of its content."""

    key: str
    pagesize: tuple[float, float]
    left: float
    top: float
    width: float
    height: float
    body_size: float
    leading: float
    title_size: float
    table_size: float
    page_numbers: bool = True
    grid: bool = False  # the GB/T 9704 grid: fixed character advance and line pitch

    @property
    def bottom(self) -> float:
        return self.pagesize[1] - self.top - self.height

    @property
    def right(self) -> float:
        return self.pagesize[0] - self.left - self.width

    @property
    def char_space(self) -> float:
        """Character spacing making GB_CHARS body characters fill the line exactly (grid only)."""
        if not self.grid:
            return 0.0
        return (self.width - GB_CHARS * self.body_size) / (GB_CHARS - 1)


_A4_W, _A4_H = A4
_A3_W, _A3_H = A3
_LW, _LH = landscape(A4)
LAYOUTS: dict[str, PageLayout] = {
    "formal": PageLayout("formal", A4, GB_LEFT, GB_TOP, GB_WIDTH, GB_HEIGHT, SIZES["三号"], GB_LINE,
                         SIZES["二号"], SIZES["小四"], grid=True),
    # Forms, slips and sign-in sheets: the same text block, smaller type, a looser grid.
    "form": PageLayout("form", A4, GB_LEFT, GB_TOP, GB_WIDTH, GB_HEIGHT, SIZES["四号"], 21.0,
                       SIZES["小二"], SIZES["小四"]),
    # Wide tables: A4 landscape, the same margins turned (binding edge on the left).
    "ledger": PageLayout("ledger", landscape(A4), GB_LEFT, 30 * mm, _LW - GB_LEFT - 26 * mm,
                         _LH - 30 * mm - 30 * mm, SIZES["小四"], 20.0, SIZES["小二"], SIZES["五号"]),
    # Wall boards: large type, no page numbers.
    "board-a4": PageLayout("board-a4", A4, 25 * mm, 25 * mm, _A4_W - 50 * mm, _A4_H - 50 * mm,
                           SIZES["小二"], 32.0, SIZES["小初"], SIZES["三号"], page_numbers=False),
    "board-a3": PageLayout("board-a3", A3, 35 * mm, 35 * mm, _A3_W - 70 * mm, _A3_H - 70 * mm,
                           SIZES["一号"], 46.0, 52.0, SIZES["二号"], page_numbers=False),
}

CellContent: TypeAlias = str | Flowable | Sequence[Run] | None


class _Template(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, document: Document) -> None:
        layout = document.layout
        super().__init__(buffer, pagesize=layout.pagesize, leftMargin=layout.left,
                         rightMargin=layout.right, topMargin=layout.top, bottomMargin=layout.bottom,
                         title=document.doc_title, author=document.township, creator="主席团工作台",
                         subject=document.doc_title, invariant=1)
        frame = Frame(layout.left, layout.bottom, layout.width, layout.height, id="text",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=document._decorate)])


class Document:
    """A printed document being built: add content, then `render()`."""

    def __init__(self, layout: str | PageLayout, title: str, *, township: str = "",
                 header: str = "", fonts: FontSet | None = None) -> None:
        self.layout = LAYOUTS[layout] if isinstance(layout, str) else layout
        self.doc_title = title
        self.township = township
        self.header = header  # a running header above the text block (forms: the township)
        self.fonts = fonts or resolve_fonts()
        self.story: list[Flowable] = []
        self.pages = 0
        self._styles: dict[tuple[Any, ...], TextStyle] = {}

    # --- measures ------------------------------------------------------------------------------

    @property
    def width(self) -> float:
        return float(self.layout.width)

    @property
    def line(self) -> float:
        return self.layout.leading

    def style(self, role: str = "body", size: float | None = None, **changes: Any) -> TextStyle:
        """The layout's body style, in another role or size if asked (leading follows the size
        outside the grid)."""
        key = (role, size, tuple(sorted(changes.items())))
        if key not in self._styles:
            self._styles[key] = self._style(role, size, changes)
        return self._styles[key]

    def _style(self, role: str, size: float | None, changes: dict[str, Any]) -> TextStyle:
        layout = self.layout
        size = size or layout.body_size
        if layout.grid and size == layout.body_size:
            leading, char_space = layout.leading, layout.char_space
        elif layout.grid:
            leading, char_space = size * 1.5, 0.0
        else:
            leading = layout.leading * size / layout.body_size
            char_space = 0.0
        base = TextStyle(role=role, size=size, leading=leading, char_space=char_space)
        return base.but(**changes)

    def text(self, content: str | Sequence[Run], style: TextStyle) -> TextBlock:
        return TextBlock(content, style, self.fonts)

    # --- content -------------------------------------------------------------------------------

    def add(self, *flowables: Flowable) -> None:
        self.story.extend(flowables)

    def title(self, text: str, *, space_after: float | None = None) -> None:
        """The centred title in the title font; a title of several lines is balanced (lines of
        about equal length), followed by one blank line."""
        layout = self.layout
        # On the GB grid a title line takes one body line (22 pt in 28.9 pt); elsewhere 1.35.
        leading = layout.leading if layout.grid else layout.title_size * 1.35
        style = self.style("title", layout.title_size, align="center", leading=leading,
                           space_after=layout.leading if space_after is None else space_after,
                           keep_with_next=True)
        block = self.text(text, style)
        self.story.append(_Balanced(block, self.width))

    def subtitle(self, text: str, *, role: str = "body", size: float | None = None) -> None:
        """A centred line under the title: （2026年3月5日）, a document number."""
        self.story.append(self.text(text, self.style(role, size, align="center",
                                                      space_after=self.line / 2, keep_with_next=True)))

    def paragraph(self, text: str | Sequence[Run], *, indent: bool = True, align: Align = "justify",
                  role: str = "body", size: float | None = None, space_before: float = 0.0,
                  space_after: float = 0.0, keep_with_next: bool = False) -> None:
        """Body text: the first line of each paragraph (newline) indented two characters."""
        self.story.append(self.text(text, self.style(
            role, size, align=align, indent=2.0 if indent else 0.0, space_before=space_before,
            space_after=space_after, keep_with_next=keep_with_next)))

    def heading(self, text: str, level: int = 1) -> None:
        """Heading levels 一、 （一） 1. （1）: 黑体, 楷体, then body font (bold-free), all in body
        size, indented two characters like the body (GB/T 9704)."""
        role = {1: "heading1", 2: "heading2"}.get(level, "body")
        self.story.append(self.text(text, self.style(role, indent=2.0, keep_with_next=True)))

    def blank(self, lines: float = 1.0) -> None:
        self.story.append(Spacer(self.width, self.line * lines))

    def signature(self, office: str, day: Any, *, lines_before: float = 2.0) -> None:
        """The issuing office and the date at the end: the date four characters in from the
        right, the office centred over it. It is kept on the page of the text before it (a page
        holding only the signature is not allowed)."""
        if self.story:
            self.story[-1].keepWithNext = True
        date_text = cn_date(day) if not isinstance(day, str) else day
        style = self.style(align="right")
        char = style.size + style.char_space
        date_w = stringWidth(date_text, self.fonts.name("body"), style.size) + style.char_space * (
            len(date_text) - 1)
        office_w = stringWidth(office, self.fonts.name("body"), style.size) + style.char_space * (
            len(office) - 1)
        date_indent = 4 * char
        office_indent = max(0.0, date_indent + (date_w - office_w) / 2)
        self.story.append(self.text(office, style.but(
            right_indent=office_indent, space_before=self.line * lines_before, keep_with_next=True)))
        self.story.append(self.text(date_text, style.but(right_indent=date_indent)))

    def fields(self, rows: Sequence[Sequence[tuple[str, CellContent] | None]], widths: Sequence[float],
               *, min_height: float | None = None, tall: dict[int, float] | None = None) -> None:
        """A form's grid of label/value pairs: each row a list of (label, value); `widths` are the
        proportions of label, value, label, value… columns; a row with fewer pairs than others
        spans its last value to the right edge. `tall` gives some rows (by index) a minimum
        height in points (a box to write in)."""
        columns = len(widths)
        data: list[list[CellContent | Flowable]] = []
        spans: list[tuple[Any, ...]] = []
        for r, pairs in enumerate(rows):
            cells: list[CellContent | Flowable] = []
            for pair in pairs:
                if pair is None:
                    continue
                label, value = pair
                spans.append(("BACKGROUND", (len(cells), r), (len(cells), r), LABEL_FILL))
                cells.append(self.label(label))
                cells.append(value)
            if len(cells) < columns:
                spans.append(("SPAN", (len(cells) - 1, r), (columns - 1, r)))
                cells.extend([None] * (columns - len(cells)))
            data.append(cells)
        self.table(data, widths, header_rows=0, extra_style=spans, min_height=min_height,
                   row_heights=dict(tall or {}))

    def label(self, text: str) -> TextBlock:
        return self.text(text, self.style("heading1", self.layout.table_size, align="center"))

    def cell(self, content: CellContent, *, align: Align = "left", role: str = "body",
             size: float | None = None) -> Flowable | None:
        if content is None or isinstance(content, Flowable):
            return content
        return self.text(content, self.style(role, size or self.layout.table_size, align=align))

    def table(self, rows: Sequence[Sequence[CellContent | Flowable]], widths: Sequence[float], *,
              header_rows: int = 1, aligns: Sequence[Align] | None = None,
              min_height: float | None = None, row_heights: dict[int, float] | None = None,
              extra_style: Sequence[tuple[Any, ...]] = (), label_columns: Sequence[int] = (),
              space_before: float = 0.0, space_after: float = 0.0) -> Table:
        """A grid table over the frame width: `widths` are proportions; header rows (黑体,
        centred, shaded) repeat on every page the table runs over; every cell is a TextBlock, so
        cells break lines like paragraphs. Returns the Table (already added)."""
        total = float(sum(widths))
        col_widths = [self.width * w / total for w in widths]
        aligns = list(aligns or ["left"] * len(widths))
        size = self.layout.table_size
        pad = size * 0.35
        data: list[list[Flowable | None]] = []
        for r, row in enumerate(rows):
            cells: list[Flowable | None] = []
            for c, value in enumerate(row):
                if r < header_rows and not isinstance(value, Flowable):
                    cells.append(self.cell(value, align="center", role="heading1"))
                elif c in label_columns and isinstance(value, str):
                    cells.append(self.label(value))
                else:
                    cells.append(self.cell(value, align=aligns[c] if c < len(aligns) else "left"))
            data.append(cells)
        # A spanned cell is as wide as the columns it spans.
        span_width: dict[tuple[int, int], float] = {}
        for command in extra_style:
            if command[0] == "SPAN":
                (c0, r0), (c1, _r1) = command[1], command[2]
                c1 = c1 % len(col_widths)
                span_width[(c0, r0)] = sum(col_widths[c0:c1 + 1])
        heights: list[float | None] = []
        minimum = min_height or size * 1.5 + 2 * pad
        for r, row in enumerate(data):
            wanted = (row_heights or {}).get(r, minimum)
            natural = max((_cell_height(v, span_width.get((c, r), col_widths[c]) - 2 * pad)
                           for c, v in enumerate(row)), default=0.0) + 2 * pad
            heights.append(max(wanted, natural))
        table = Table(data, colWidths=col_widths, rowHeights=heights, repeatRows=header_rows,
                      hAlign="LEFT", spaceBefore=space_before, spaceAfter=space_after)
        style: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.6, GRID_COLOUR),
            ("BOX", (0, 0), (-1, -1), 1.0, GRID_COLOUR),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ]
        if header_rows:
            style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL))
        for c in label_columns:
            style.append(("BACKGROUND", (c, header_rows), (c, -1), LABEL_FILL))
        style.extend(extra_style)
        table.setStyle(TableStyle(style))
        self.story.append(table)
        return table

    def photos(self, photos: Sequence[tuple[Path, str]], *, columns: int = 2,
               height: float = 60 * mm) -> None:
        """Photos in a grid, each scaled to fit its box with its caption under it; a file that
        cannot be read is named instead."""
        if not photos:
            return
        gap = 4 * mm
        box_w = (self.width - gap * (columns - 1)) / columns
        caption_style = self.style("body", SIZES["五号"], align="center")
        cells: list[list[list[Flowable] | None]] = []
        row: list[list[Flowable] | None] = []
        for path, caption in photos:
            picture = photo(path, box_w, height, self.text(f"（照片无法读取：{path.name}）", caption_style))
            parts: list[Flowable] = [picture]
            if caption:
                parts.append(self.text(caption, caption_style))
            row.append(parts)
            if len(row) == columns:
                cells.append(row)
                row = []
        if row:
            cells.append(row + [None] * (columns - len(row)))
        widths: list[float] = []
        for c in range(columns):
            widths.append(box_w)
            if c < columns - 1:
                widths.append(gap)
        data = [[item for c, v in enumerate(r) for item in ((v, None) if c < columns - 1 else (v,))]
                for r in cells]
        table = Table(data, colWidths=widths, hAlign="CENTER")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)]))
        self.story.append(table)

    # --- pages ---------------------------------------------------------------------------------

    def _decorate(self, canvas: Any, _doc: Any) -> None:
        layout = self.layout
        number = canvas.getPageNumber()
        self.pages = max(self.pages, number)
        canvas.saveState()
        if self.header:
            size = SIZES["五号"]
            y = layout.pagesize[1] - layout.top + 4 * mm
            canvas.setFont(self.fonts.name("body"), size)
            canvas.drawString(layout.left, y, self.header)
            canvas.drawRightString(layout.left + layout.width, y, self.doc_title)
            canvas.setLineWidth(0.5)
            canvas.line(layout.left, y - 1.5 * mm, layout.left + layout.width, y - 1.5 * mm)
        if layout.page_numbers:
            draw_page_number(canvas, layout, number, self.fonts.name("body"))
        canvas.restoreState()

    def render(self) -> RenderedDocument:
        """Lay out the story: the PDF and its number of pages. Inside `collecting()` nothing is laid
        out: the document is handed to the collector and an empty RenderedDocument comes back."""
        collector = _COLLECTING.get()
        if collector is not None:
            collector.append(self)
            return RenderedDocument(b"", 0, self.doc_title)
        buffer = io.BytesIO()
        self.pages = 0
        if not self.story:
            self.story.append(Spacer(1, 1))
        template = _Template(buffer, self)
        try:
            template.build(list(self.story))
        finally:
            _untie(template)
        return RenderedDocument(buffer.getvalue(), self.pages, self.doc_title)


def page_number_text(number: int) -> str:
    return f"— {number} —"


def draw_page_number(canvas: Any, layout: PageLayout, number: int, font: str) -> None:
    """"— N —" in 四号, its top 7 mm below the text block: odd pages one character in from the
    right edge of the text block, even pages one character in from the left."""
    size = PAGE_NUMBER_SIZE
    baseline = layout.bottom - PAGE_NUMBER_GAP - 0.88 * size
    canvas.setFont(font, size)
    text = page_number_text(number)
    if number % 2:
        canvas.drawRightString(layout.left + layout.width - size, baseline, text)
    else:
        canvas.drawString(layout.left + size, baseline, text)


def _cell_height(value: Flowable | None, width: float) -> float:
    if value is None:
        return 0.0
    _w, h = value.wrap(width, 1e6)
    return float(h)


class _Balanced(Flowable):
    """A centred title whose lines are balanced: the narrowest width keeping the line count."""

    def __init__(self, block: TextBlock, width: float) -> None:
        super().__init__()
        self.block = block
        self.keepWithNext = True
        count = len(block.lines(width))
        low, high = width / 3, width
        if count > 1:
            for _ in range(20):
                middle = (low + high) / 2
                if len(block.lines(middle)) > count:
                    low = middle
                else:
                    high = middle
        self.inner = high
        block.lines(high)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        _w, self.height = self.block.wrap(min(self.inner, availWidth), availHeight)
        return availWidth, self.height

    def getSpaceAfter(self) -> float:
        return self.block.getSpaceAfter()

    def draw(self) -> None:
        self.block.drawOn(self.canv, (self.width - self.block.width) / 2, 0)


def photo(path: Path, max_width: float, max_height: float, fallback: Flowable) -> Flowable:
    """A photo scaled to fit the box (aspect kept, EXIF rotation applied), or `fallback`."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    try:
        with PILImage.open(path) as opened:
            picture = ImageOps.exif_transpose(opened)
            picture.load()
            if picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            # Large camera pictures are reduced: 200 dpi in the box is plenty for print.
            limit = int(max(max_width, max_height) / 72 * 200)
            picture.thumbnail((limit, limit))
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=85)
            width, height = picture.size
    except (OSError, ValueError, SyntaxError) as exc:
        log.warning("照片无法读取：%s（%s）", path, exc)
        return fallback
    scale = min(max_width / width, max_height / height)
    buffer.seek(0)
    return Image(buffer, width=width * scale, height=height * scale)


# --- several documents in one PDF (the year's binder) ---------------------------------------------
#
# Rendering each document separately and merging the PDFs embeds the font subsets once per document
# (slow, and a large file). Instead the documents are built as usual inside `collecting()`, which
# keeps their stories, and `render_sections` lays all the stories out as one reportlab document:
# one page template per section (its own page size, margins, header), a page break between
# sections, the page numbers running through the whole PDF.

_COLLECTING: ContextVar[list[Document] | None] = ContextVar("presidium_collecting", default=None)


@contextmanager
def collecting() -> Iterator[list[Document]]:
    """Within the block, `Document.render()` lays nothing out: each document lands in the list
    yielded (with its story), and render returns an empty RenderedDocument (no PDF, 0 pages). A
    document's `build` that returns `doc.render()` can so be put into a binder unchanged."""
    documents: list[Document] = []
    token = _COLLECTING.set(documents)
    try:
        yield documents
    finally:
        _COLLECTING.reset(token)


@dataclass
class Section:
    """One document of a multi-document PDF; `render_sections` sets its first page and page
    count (page numbers of the whole PDF, from 1)."""

    document: Document
    first_page: int = 0
    pages: int = 0


class PageRefs:
    """Page numbers known only once the whole PDF is laid out (an index naming the first page of
    sections that follow it). `cell(target)` is a table cell showing the first page of section
    `target`; `render_sections` fills them in. Each is a PDF form: referenced where the cell is
    drawn, defined after the last page, so one pass of layout is enough (the index's size does not
    depend on the numbers)."""

    def __init__(self, fonts: FontSet, size: float, leading: float) -> None:
        self.fonts = fonts
        self.size = size
        self.leading = leading
        self._cells: list[_PageRef] = []

    def cell(self, target: int) -> Flowable:
        ref = _PageRef(self, len(self._cells), target)
        self._cells.append(ref)
        return ref

    def define(self, canvas: Any, first_pages: Sequence[int]) -> None:
        """Define the form of every cell drawn: the number centred where the cell was drawn."""
        font = self.fonts.name("body")
        for ref in self._cells:
            if ref.drawn_at is None:
                continue
            x, y, width = ref.drawn_at
            canvas.beginForm(ref.form_name, 0, 0, _A3_W * 2, _A3_H * 2)
            canvas.setFont(font, self.size)
            canvas.drawCentredString(x + width / 2, y, str(first_pages[ref.target]))
            canvas.endForm()


class _PageRef(Flowable):
    def __init__(self, refs: PageRefs, number: int, target: int) -> None:
        super().__init__()
        self.refs = refs
        self.target = target
        self.form_name = f"pageref{number}"
        self.drawn_at: tuple[float, float, float] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.refs.leading
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        baseline = self.height - self.refs.leading / 2 - 0.38 * self.refs.size
        x0, y0 = canvas.absolutePosition(0, baseline)
        x1, _y1 = canvas.absolutePosition(self.width, baseline)
        self.drawn_at = (x0, y0, x1 - x0)
        # The form holds page coordinates: draw it with the page's own coordinate system, so text
        # extraction (which ignores a form's placement) reads the right positions too.
        a, b, c, d, e, f = canvas._currentMatrix
        det = a * d - b * c
        canvas.saveState()
        canvas.transform(d / det, -b / det, -c / det, a / det, (c * f - d * e) / det,
                         (b * e - a * f) / det)
        canvas.doForm(self.form_name)
        canvas.restoreState()


class _SectionStart(Flowable):
    """A marker of no size opening a section: tells `render_sections` the page it starts on."""

    _ZEROSIZE = True

    def __init__(self, index: int, started: Callable[[int, int], None]) -> None:
        super().__init__()
        self.index = index
        self.started = started
        self.width = self.height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self.started(self.index, self.canv.getPageNumber())


def render_sections(sections: Sequence[Section], *, title: str, township: str = "",
                    refs: PageRefs | None = None,
                    on_section: Callable[[int], None] | None = None) -> RenderedDocument:
    """Lay out several documents (collected with `collecting()`) as one PDF: each starts on a new
    page in its own layout, page numbers run through (a board, which has none on its own, gets
    one here so every page of a binder is numbered). `on_section(i)` is called as section i starts
    to be laid out (progress; it may raise to cancel). Sets each section's first page and page
    count; `refs` are the page references of an index among the sections."""
    if not sections:
        raise ValueError("render_sections needs at least one section")
    buffer = io.BytesIO()
    first_layout = sections[0].document.layout
    starts = [0] * len(sections)
    last_page = 0

    def started(index: int, page: int) -> None:
        starts[index] = page
        if on_section is not None:
            on_section(index)

    def decorate(document: Document, canvas: Any, doc: Any) -> None:
        nonlocal last_page
        last_page = max(last_page, canvas.getPageNumber())
        document._decorate(canvas, doc)
        if not document.layout.page_numbers:
            canvas.saveState()
            draw_page_number(canvas, document.layout, canvas.getPageNumber(), document.fonts.name("body"))
            canvas.restoreState()

    template = BaseDocTemplate(buffer, pagesize=first_layout.pagesize, title=title, author=township,
                               creator="主席团工作台", subject=title, invariant=1)
    templates: list[PageTemplate] = []
    story: list[Flowable] = []
    for index, section in enumerate(sections):
        layout = section.document.layout
        frame = Frame(layout.left, layout.bottom, layout.width, layout.height, id=f"text{index}",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        templates.append(PageTemplate(
            id=f"s{index}", frames=[frame], pagesize=layout.pagesize,
            onPage=lambda canvas, doc, document=section.document: decorate(document, canvas, doc)))
        if index:
            story += [NextPageTemplate(f"s{index}"), PageBreak()]
        story.append(_SectionStart(index, started))
        story.extend(section.document.story or [Spacer(1, 1)])
    template.addPageTemplates(templates)
    template._doSave = 0  # the page references are defined after the last page, then saved
    try:
        template.build(story)
        for index, section in enumerate(sections):
            following = starts[index + 1] if index + 1 < len(sections) else last_page + 1
            section.first_page, section.pages = starts[index], following - starts[index]
        if refs is not None:
            refs.define(template.canv, starts)
        template.canv.save()
    finally:
        _untie(template)
    return RenderedDocument(buffer.getvalue(), last_page, title)


def _untie(template: BaseDocTemplate) -> None:
    """Break the reference cycle reportlab's template makes with itself (`_nameSpace["doc"]`, for
    its `docEval`), once it is built or has failed. The cycle holds the whole laid-out PDF (its
    pages, page streams, frames and whatever the flowables keep: 10^5 objects for a 300-page
    binder) until the cyclic collector runs; that collection held the GIL for 0.1–0.2 s when a
    background job ended, freezing the window. Untied, reference counting frees it all at once."""
    template._nameSpace.clear()
