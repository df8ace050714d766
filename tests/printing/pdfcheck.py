"""Reading a printed PDF back for the tests: pages, text lines with their positions, fonts."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader

MM = 72 / 25.4
PAGE_NUMBER = re.compile(r"— \d+ —")
FORBIDDEN_START = "，。、；：？！）」』】》〉”’…—%,.;:?!)"
FORBIDDEN_END = "（「『【《〈“‘(["


@dataclass(frozen=True)
class Chunk:
    """One text-showing operation: its text, where it starts (points from the bottom left),
    the font size and the font resource's base name."""

    text: str
    x: float
    y: float
    size: float
    font: str


@dataclass(frozen=True)
class Line:
    y: float
    x: float
    text: str
    size: float
    chunks: tuple[Chunk, ...]


@dataclass(frozen=True)
class Page:
    width_mm: float
    height_mm: float
    chunks: list[Chunk]
    fonts: dict[str, Any]

    @property
    def lines(self) -> list[Line]:
        """Chunks grouped by baseline, top to bottom, left to right."""
        rows: dict[float, list[Chunk]] = {}
        for chunk in self.chunks:
            if not chunk.text.strip():
                continue
            key = next((y for y in rows if abs(y - chunk.y) < 0.5), chunk.y)
            rows.setdefault(key, []).append(chunk)
        lines = []
        for y in sorted(rows, reverse=True):
            parts = sorted(rows[y], key=lambda c: c.x)
            lines.append(Line(y, parts[0].x, "".join(c.text for c in parts), parts[0].size, tuple(parts)))
        return lines

    @property
    def drawn_lines(self) -> list[str]:
        """The text of each line as drawn: consecutive chunks starting at the same point (one
        line is several chunks where its characters fall in different font subsets)."""
        lines: list[str] = []
        last: tuple[float, float] | None = None
        for chunk in self.chunks:
            at = (round(chunk.x, 2), round(chunk.y, 2))
            if at == last:
                lines[-1] += chunk.text
            else:
                lines.append(chunk.text)
            last = at
        return lines

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def read_pdf(pdf: bytes) -> list[Page]:
    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        chunks: list[Chunk] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float, chunks: list[Chunk] = chunks) -> None:
            text = text.replace("\n", "")
            if not text:
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = str(font.get("/BaseFont", "")) if font else ""
            chunks.append(Chunk(text, x, y, float(size) * float(tm[0] or 1), name))

        page.extract_text(visitor_text=visit)
        box = page.mediabox
        fonts = {}
        resources = page.get("/Resources")
        if resources is not None:
            for key, ref in (resources.get_object().get("/Font") or {}).items():
                fonts[str(key)] = ref.get_object()
        pages.append(Page(float(box.width) / MM, float(box.height) / MM, chunks, fonts))
    return pages


def embedded_font_files(page: Page) -> list[str]:
    """Base names of the page's fonts that carry an embedded TrueType program (FontFile2)."""
    found = []
    for font in page.fonts.values():
        descendants = font.get("/DescendantFonts")
        candidates = [d.get_object() for d in descendants] if descendants else [font]
        for candidate in candidates:
            descriptor = candidate.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                found.append(str(font.get("/BaseFont")))
    return found


def bad_line_starts(pages: list[Page]) -> list[str]:
    """Drawn lines that start with a forbidden character or end with one that must not end a
    line (the page numbers "— N —" aside)."""
    bad = []
    for page in pages:
        for line in page.drawn_lines:
            text = line.strip()
            if PAGE_NUMBER.fullmatch(text):
                continue
            if text and (text[0] in FORBIDDEN_START or text[-1] in FORBIDDEN_END):
                bad.append(text)
    return bad
