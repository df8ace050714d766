"""`TextBlock`: the one paragraph flowable of the engine (every paragraph and every table cell).

It breaks lines with `linebreak.break_lines` (避头尾, Latin words and numbers whole), sets a fixed
character spacing (the GB/T 9704 grid: 28 characters of 三号 fill 156 mm), justifies every line
but a paragraph's last, indents the first line by a number of characters, and splits across pages
line by line. Runs of text may use different font roles (a 黑体 label before 仿宋 text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from presidium_app.printing.fonts import FontSet, resolve_fonts
from presidium_app.printing.linebreak import break_lines, is_space, tokenize

Align = Literal["justify", "left", "center", "right"]
# A run of text and the font role it is set in ("body", "title", "heading1", "heading2").
Run = tuple[str, str]
# Justification never spreads characters further apart than this share of the font size.
MAX_JUSTIFY_GAP = 0.6


@dataclass(frozen=True)
class TextStyle:
    """How a block of text is set. Lengths are in points; `indent` is in characters."""

    role: str = "body"
    size: float = 16.0
    leading: float = 24.0
    align: Align = "justify"
    indent: float = 0.0
    char_space: float = 0.0
    left_indent: float = 0.0
    right_indent: float = 0.0
    space_before: float = 0.0
    space_after: float = 0.0
    keep_with_next: bool = False

    def but(self, **changes: Any) -> TextStyle:
        return replace(self, **changes)


class _Token(NamedTuple):  # a tuple, not a dataclass: a binder makes 10^5 of them
    text: str
    font: str
    width: float  # advance including the character spacing


@lru_cache(maxsize=1 << 16)
def _token(text: str, font: str, size: float, char_space: float) -> _Token:
    """A measured token. Cached: a binder sets the same few thousand characters 10^5 times."""
    return _Token(text, font, float(stringWidth(text, font, size)) + char_space * len(text))


_Hard = tuple[list[_Token], bool, bool]


@dataclass(frozen=True)
class _Line:
    tokens: tuple[_Token, ...]
    indented: bool
    last: bool  # last line of its paragraph: not justified
    hard: int  # which paragraph (text between newlines)
    end: int  # token index in that paragraph where the line ends


class TextBlock(Flowable):
    """A paragraph (newlines start new paragraphs, each indented) set on the engine's rules."""

    def __init__(self, content: str | Sequence[Run], style: TextStyle, fonts: FontSet | None = None) -> None:
        super().__init__()
        self.style = style
        self.fonts = fonts or resolve_fonts()
        runs: Sequence[Run] = [(content, style.role)] if isinstance(content, str) else content
        # Paragraphs: tokens, first line indented, continued on the next page (last line justified).
        self._hard: list[_Hard] = []
        current: list[_Token] = []
        for text, role in runs:
            font = self.fonts.name(role)
            for number, piece in enumerate(str(text).split("\n")):
                if number:
                    self._hard.append((current, True, False))
                    current = []
                current.extend(_token(t, font, style.size, style.char_space) for t in tokenize(piece))
        self._hard.append((current, True, False))
        self._cache: tuple[float, list[_Line]] | None = None
        self.keepWithNext = style.keep_with_next
        self.width = self.height = 0.0

    @classmethod
    def _from_parts(cls, proto: TextBlock, hard: list[_Hard]) -> TextBlock:
        block = cls.__new__(cls)
        Flowable.__init__(block)
        block.style, block.fonts, block._hard, block._cache = proto.style, proto.fonts, hard, None
        block.keepWithNext = proto.keepWithNext
        block.width = block.height = 0.0
        return block

    # --- layout -------------------------------------------------------------------------------

    @property
    def _indent_width(self) -> float:
        return self.style.indent * (self.style.size + self.style.char_space)

    def lines(self, width: float) -> list[_Line]:
        if self._cache is not None and self._cache[0] == width:
            return self._cache[1]
        style = self.style
        lines: list[_Line] = []
        text_width = width - style.left_indent - style.right_indent
        for number, (tokens, indented, continued) in enumerate(self._hard):
            first = text_width - (self._indent_width if indented else 0.0)
            ranges = break_lines([t.text for t in tokens], [t.width for t in tokens], first, text_width,
                                 tail=style.char_space) or [(0, 0)]
            for index, (a, b) in enumerate(ranges):
                lines.append(_Line(tuple(tokens[a:b]), indented and index == 0,
                                   index == len(ranges) - 1 and not continued, number, b))
        self._cache = (width, lines)
        return lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = len(self.lines(availWidth)) * self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self.lines(availWidth)
        fit = int((availHeight + 0.01) // self.style.leading)
        if fit <= 0:
            return []
        if fit >= len(lines):
            return [self]
        cut = lines[fit - 1]
        head_hard = list(self._hard[:cut.hard])
        tokens, indented, continued = self._hard[cut.hard]
        rest = tokens[cut.end:]
        while rest and is_space(rest[0].text):
            rest = rest[1:]
        head_hard.append((tokens[:cut.end], indented, bool(rest) or continued))
        tail_hard: list[_Hard] = []
        if rest:
            tail_hard.append((rest, False, continued))
        tail_hard.extend(self._hard[cut.hard + 1:])
        head = self._from_parts(self, head_hard)
        head.style = self.style.but(space_after=0.0)
        head.keepWithNext = False
        tail = self._from_parts(self, tail_hard)
        tail.style = self.style.but(space_before=0.0)
        return [head, tail]

    def getSpaceBefore(self) -> float:
        return self.style.space_before

    def getSpaceAfter(self) -> float:
        return self.style.space_after

    def natural_width(self) -> float:
        """The width of the longest paragraph on one line (for balancing titles and cells)."""
        return max((sum(t.width for t in tokens) - self.style.char_space for tokens, _, _ in self._hard),
                   default=0.0)

    # --- drawing ------------------------------------------------------------------------------

    def draw(self) -> None:
        style = self.style
        canvas = self.canv
        size, leading = style.size, style.leading
        # The glyphs' em box (about 0.88 above and 0.12 below the baseline) centred in the line.
        baseline = self.height - leading / 2 - 0.38 * size
        text_width = self.width - style.left_indent - style.right_indent
        for line in self.lines(self.width):
            if line.tokens:
                self._draw_line(canvas, line, baseline, text_width)
            baseline -= leading

    def _draw_line(self, canvas: Any, line: _Line, baseline: float, text_width: float) -> None:
        style = self.style
        x = style.left_indent + (self._indent_width if line.indented else 0.0)
        available = text_width - (self._indent_width if line.indented else 0.0)
        chars = sum(len(t.text) for t in line.tokens)
        natural = sum(t.width for t in line.tokens) - style.char_space
        extra = available - natural
        spacing = style.char_space
        if style.align == "justify" and not line.last and chars > 1 and extra > 0:
            gap = extra / (chars - 1)
            if gap <= MAX_JUSTIFY_GAP * style.size:
                spacing += gap
        elif style.align == "center":
            x += extra / 2
        elif style.align == "right":
            x += extra
        text = canvas.beginText(x, baseline)
        text.setCharSpace(spacing)
        font = None
        chunk = ""
        for token in line.tokens:
            if token.font != font:
                if chunk:
                    text.textOut(chunk)
                    chunk = ""
                font = token.font
                text.setFont(font, style.size)
            chunk += token.text
        if chunk:
            text.textOut(chunk)
        canvas.drawText(text)
