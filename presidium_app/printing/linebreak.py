"""Chinese line breaking (避头尾, PRINTING.md), the one place every paragraph and table cell is broken.

Text is cut into tokens that are never split: one CJK character, one Latin word or number
(`2026`, `10:30`, `A-12`, `3.5`), a run of ellipses or dashes (…… and —— stay together), or a
run of spaces. `break_lines` fills lines greedily and then moves the break back when it would put
a forbidden character at a line start (，。、；：？！）…) or leave an opening bracket or quote at a
line end (（《“…): the line gets one character shorter and is justified, as a careful typesetter
(and Word's 避头尾) does. Only when no allowed break exists within a few tokens does punctuation
hang past the right edge.

reportlab's own wordWrap='CJK' lets "，" start a line; the document engine therefore uses
`TextBlock` (layout.py), which breaks with this module, for every paragraph and cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Never at the start of a line: full-width and half-width closing punctuation.
FORBIDDEN_START = frozenset(
    "，。、；：？！）」』】》〉”’…—%"  # PRINTING.md
    "〕〗］｝％～·・‰℃．｡､"  # their relatives
    ",.;:?!)]}"  # half-width forms
)
# Never at the end of a line: opening brackets and quotes.
FORBIDDEN_END = frozenset("（「『【《〈“‘〔〖［｛([{")

_TOKEN = re.compile(
    r"[A-Za-z0-9]+(?:[.,:/'\-_@&+][A-Za-z0-9]+)*"  # a Latin word or a number, kept whole
    r"|…+|—+|-{2,}|\.{2,}"  # ellipses and dashes: one unit
    r"|[ \t\u3000]+"  # spaces: a break opportunity
    r"|.",  # anything else: one character
    re.DOTALL,
)
FUZZ = 0.01
# How many tokens a break may move back to avoid a forbidden start or end.
MAX_PULL_BACK = 4


def tokenize(text: str) -> list[str]:
    """Unbreakable units of a line of text (no newlines: split paragraphs first)."""
    return _TOKEN.findall(text)


def is_space(token: str) -> bool:
    return token.isspace()


def may_break_before(tokens: Sequence[str], k: int) -> bool:
    """Whether a line may end before tokens[k]: the next line would not start with a forbidden
    character and this one would not end with an opening bracket (spaces in between ignored)."""
    n = len(tokens)
    if k <= 0 or k >= n:
        return True
    after = k
    while after < n and is_space(tokens[after]):
        after += 1
    if after < n and tokens[after][0] in FORBIDDEN_START:
        return False
    before = k - 1
    while before >= 0 and is_space(tokens[before]):
        before -= 1
    return not (before >= 0 and tokens[before][-1] in FORBIDDEN_END)


def break_lines(
    tokens: Sequence[str],
    widths: Sequence[float],
    first_width: float,
    width: float,
    tail: float = 0.0,
) -> list[tuple[int, int]]:
    """Lines as (start, end) token index ranges, spaces at line ends and starts left out.

    `widths[i]` is the advance of token i (character spacing included); `tail` is what the last
    character of a line adds beyond its visible edge (the character spacing), so a line fits when
    sum(widths) - tail <= the line's width.
    """
    lines: list[tuple[int, int]] = []
    n = len(tokens)
    start = 0
    while start < n and is_space(tokens[start]) and lines:
        start += 1
    while start < n:
        available = first_width if not lines else width
        used = 0.0
        i = start
        while i < n and (i == start or used + widths[i] - tail <= available + FUZZ):
            used += widths[i]
            i += 1
        if i >= n:
            end = n
        else:
            end = i
            k = i
            while k > start and i - k <= MAX_PULL_BACK and not may_break_before(tokens, k):
                k -= 1
            if k > start and may_break_before(tokens, k):
                end = k
            else:
                # Nothing better within reach: closing punctuation hangs past the edge.
                while end < n and (is_space(tokens[end]) or tokens[end][0] in FORBIDDEN_START) \
                        and not may_break_before(tokens, end):
                    end += 1
        last = end
        while last > start + 1 and is_space(tokens[last - 1]):
            last -= 1
        lines.append((start, last))
        start = end
        while start < n and is_space(tokens[start]):
            start += 1
    return lines


def wrap_text(text: str, chars_per_line: float) -> list[str]:
    """Break a plain text of equal-width characters into lines of `chars_per_line` (a CJK
    character counts 1, a Latin character 1/2): a simple entry point for tests and logs."""
    tokens = tokenize(text)
    widths = [sum(1.0 if ord(c) >= 0x2E80 or c in "“”‘’…—" else 0.5 for c in t) for t in tokens]
    ranges = break_lines(tokens, widths, chars_per_line, chars_per_line)
    return ["".join(tokens[a:b]) for a, b in ranges]
