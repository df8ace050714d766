"""避头尾: the line breaker every paragraph and table cell goes through."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from presidium_app.printing.linebreak import FORBIDDEN_END, FORBIDDEN_START, break_lines, tokenize, wrap_text


def test_a_comma_that_would_start_a_line_pulls_a_character_down() -> None:
    text = "一二三四五六七八九十，一二三四五六七八九十。"
    lines = wrap_text(text, 10)
    assert lines[0] == "一二三四五六七八九"
    assert lines[1].startswith("十，")
    assert all(line[0] not in FORBIDDEN_START for line in lines)


def test_reportlab_alone_would_start_a_line_with_the_comma() -> None:
    """The case the engine exists for: reportlab's CJK wrap puts "，" at the start of line 2."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from presidium_app.printing.fonts import resolve_fonts

    font = resolve_fonts().name("body")
    style = ParagraphStyle("p", fontName=font, fontSize=10, leading=12, wordWrap="CJK")
    paragraph = Paragraph("一二三四五六七八九十，一二三四五六七八九十。", style)
    paragraph.wrap(100.5, 1000)
    second = paragraph.blPara.lines[1]
    words = second[1] if isinstance(second, tuple) else [w.text for w in second.words]
    assert "".join(words).startswith("，")


def test_an_opening_bracket_does_not_end_a_line() -> None:
    lines = wrap_text("一二三四五六七八九（十）一二三", 10)
    assert lines[0] == "一二三四五六七八九"
    assert lines[1].startswith("（十）")


def test_numbers_and_latin_words_stay_whole() -> None:
    assert "2026" in tokenize("定于2026年3月5日")
    assert "10:30" in tokenize("上午10:30开始")
    lines = wrap_text("一二三四五六七八九2026年度ABC-12号", 10)  # digits are half width
    assert lines[0] == "一二三四五六七八九"
    assert lines[1].startswith("2026年度")
    assert any("ABC-12" in line for line in lines)


def test_ellipsis_and_dash_runs_are_one_unit_and_never_start_a_line() -> None:
    lines = wrap_text("一二三四五六七八九十……一二三", 10)
    assert not lines[1].startswith("…")
    assert "……" in "".join(lines)


def test_spaces_break_latin_text_and_are_dropped_at_line_ends() -> None:
    tokens = tokenize("alpha beta gamma delta")
    ranges = break_lines(tokens, [len(t) for t in tokens], 11, 11)
    assert ["".join(tokens[a:b]) for a, b in ranges] == ["alpha beta", "gamma delta"]


@given(st.text(alphabet="一二三四五六七八九十，。、；：？！）（《》“”ab12 ", min_size=1, max_size=120),
       st.integers(min_value=4, max_value=30))
def test_no_line_but_the_first_starts_with_forbidden_punctuation(text: str, width: int) -> None:
    lines = wrap_text(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines[1:]:
        assert line[0] not in FORBIDDEN_START, lines


def test_lines_do_not_end_with_an_opening_bracket_when_avoidable() -> None:
    lines = wrap_text("这是一个测试“引号内容”和《书名》的例子，这是一个测试“引号内容”", 8)
    assert all(line[-1] not in FORBIDDEN_END for line in lines[:-1])
