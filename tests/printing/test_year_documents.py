"""The documents of the year and of the wall, printed from the demo township and read back:
training notice, deputy archive, score sheet, deputy boards, wall rules, annual statistics, and
the binder with its index (page numbers that match, progress and cancel)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from presidium_app.printing import registry
from presidium_app.printing.documents import binder as binder_doc
from presidium_app.printing.documents.common import town
from presidium_app.printing.fonts import resolve_fonts
from presidium_app.printing.layout import LAYOUTS
from presidium_app.printing.registry import PrintRequest
from presidium_app.services import deputies, training, wall_rules
from presidium_app.services.audit import Actor, count_entries
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.services.scores import year_scores
from presidium_app.services.stats import year_stats
from presidium_app.storage.database import Database
from tests.printing.pdfcheck import (
    MM,
    PAGE_NUMBER,
    Page,
    bad_line_starts,
    embedded_font_files,
    read_pdf,
)

YEAR = 2026
SMALL_YEAR = 2024  # a year with few records: a quick binder for progress and cancel
ACTOR = Actor("测试员")
KEYS = ["training-notice", "deputy-archive", "score-sheet", "deputy-board-a3", "deputy-board-a4",
        "wall-rules", "wall-rules-a3", "annual-statistics"]
PAPER = {  # (width, height) in mm
    "training-notice": (210, 297), "deputy-archive": (210, 297), "score-sheet": (297, 210),
    "deputy-board-a3": (297, 420), "deputy-board-a4": (210, 297), "wall-rules": (210, 297),
    "wall-rules-a3": (297, 420), "annual-statistics": (210, 297),
}
MOBILE = re.compile(r"1[3-9]\d{9}")
Printed = dict[str, list[Page]]


def _text(pages: list[Page]) -> str:
    return "\n".join(page.text for page in pages)


@pytest.fixture(scope="module")
def photo_deputy(demo_db: Database, tmp_path_factory: pytest.TempPathFactory) -> int:
    """The first serving deputy of the year, given a photo."""
    deputy_id = registry.choices(demo_db, "deputy-archive", YEAR)[0][0]
    path = tmp_path_factory.mktemp("portrait") / "证件照.jpg"
    Image.new("RGB", (300, 400), (120, 90, 60)).save(path)
    deputies.set_photo(demo_db, ACTOR, deputy_id, path)
    return deputy_id


@pytest.fixture(scope="module")
def objects(demo_db: Database, photo_deputy: int) -> dict[str, int | None]:
    session = registry.choices(demo_db, "training-notice", YEAR)[-1][0]  # the year's first
    return {"training-notice": session, "deputy-archive": photo_deputy}


@pytest.fixture(scope="module")
def printed(demo_db: Database, objects: dict[str, int | None]) -> Printed:
    return {key: read_pdf(registry.render(demo_db, key, PrintRequest(YEAR, objects.get(key)), ACTOR).pdf)
            for key in KEYS}


@pytest.fixture(scope="module")
def binder(demo_db: Database, printed: Printed) -> binder_doc.Binder:
    return binder_doc.build_binder(demo_db, YEAR)


@pytest.fixture(scope="module")
def binder_pages(binder: binder_doc.Binder) -> list[Page]:
    return read_pdf(binder.rendered.pdf)


# --- every document -------------------------------------------------------------------------------


def test_the_documents_are_registered_at_the_end_in_order() -> None:
    keys = list(registry.DOCUMENTS)
    ours = ["training-notice", "deputy-archive", "score-sheet", "deputy-board-a3", "deputy-board-a4",
            "wall-rules", "wall-rules-a3", "annual-statistics", "binder-index", "binder"]
    assert keys[-len(ours):] == ours
    assert registry.DOCUMENTS["deputy-archive"].personal and registry.DOCUMENTS["binder"].personal
    assert not registry.DOCUMENTS["deputy-board-a4"].personal


@pytest.mark.parametrize("key", KEYS)
def test_paper_size(printed: Printed, key: str) -> None:
    for page in printed[key]:
        assert (round(page.width_mm), round(page.height_mm)) == PAPER[key]


@pytest.mark.parametrize("key", KEYS)
def test_fonts_embedded(printed: Printed, key: str) -> None:
    if not resolve_fonts().all_embedded:
        pytest.skip("no TrueType Chinese font on this machine")
    for page in printed[key]:
        embedded = set(embedded_font_files(page))
        assert embedded and {c.font for c in page.chunks if c.text.strip()} <= embedded


@pytest.mark.parametrize("key", KEYS)
def test_no_line_starts_with_a_forbidden_character(printed: Printed, key: str) -> None:
    assert bad_line_starts(printed[key]) == []


# --- each document's facts ------------------------------------------------------------------------


def test_training_notice(demo_db: Database, printed: Printed, objects: dict[str, int | None]) -> None:
    pages = printed["training-notice"]
    text = _text(pages)
    session = next(s for s in training.get_plan(demo_db, YEAR).sessions
                   if s.id == objects["training-notice"])
    assert len(pages) == 1  # a notice keeps to one page
    for phrase in ("关于举办人大代表学习培训的通知", "各位代表：", "一、培训主题", "二、时间和地点",
                   "四、参加人员", "五、有关要求", session.data.topic, "青山镇人大主席团"):
        assert phrase in text
    assert "年0" not in text and "月0" not in text


def test_deputy_archive_has_the_eight_parts_and_the_photo(
        demo_db: Database, printed: Printed, objects: dict[str, int | None]) -> None:
    pages = printed["deputy-archive"]
    text = _text(pages)
    for number, title in zip("一二三四五六七八", ("基本情况", "会议", "视察调研", "学习培训", "小组活动",
                                               "建议意见", "述职与监督", "表彰奖励"), strict=True):
        assert f"{number}、{title}" in text
    from presidium_app.services.archive import performance_archive

    archive = performance_archive(demo_db, objects["deputy-archive"] or 0, YEAR)
    assert archive.person.name in text and f"{YEAR}年度" in text
    assert archive.person.mobile and archive.person.mobile in text  # personal: contact data
    for part in archive.parts[1:]:
        for row in part.rows[:2]:
            assert row.title[:8] in text.replace("\n", "")
    assert "附：2026年度履职积分和履职要求" in text
    rendered = registry.render(demo_db, "deputy-archive", PrintRequest(YEAR, objects["deputy-archive"]),
                               ACTOR)
    assert b"/Subtype /Image" in rendered.pdf or b"/Subtype/Image" in rendered.pdf


def test_printing_an_archive_is_written_to_the_audit_log(demo_db: Database,
                                                         objects: dict[str, int | None]) -> None:
    before = count_entries(demo_db)
    registry.render(demo_db, "deputy-archive", PrintRequest(YEAR, objects["deputy-archive"]), ACTOR)
    assert count_entries(demo_db) == before + 1


def test_score_sheet_lists_every_deputy_with_the_header_on_each_page(demo_db: Database,
                                                                     printed: Printed) -> None:
    pages = printed["score-sheet"]
    rows = year_scores(demo_db, YEAR)
    text = _text(pages)
    assert len(rows) > 40 and len(pages) >= 2
    for row in rows:
        assert row.name in text
    for page in pages:
        header = next(line.text for line in page.lines if line.text.startswith("序号姓名代表小组"))
        assert "总分" in header and "等次" in header
    best = max(rows, key=lambda r: r.total)
    assert any(best.name in line.text and f"{best.total:g}" in line.text and best.grade in line.text
               for page in pages for line in page.lines)
    assert "计分标准" in text and f"共{len(rows)}名代表" in text


@pytest.mark.parametrize("key", ["deputy-board-a3", "deputy-board-a4"])
def test_deputy_board_shows_every_serving_deputy_without_mobiles(demo_db: Database, printed: Printed,
                                                                key: str) -> None:
    pages = printed[key]
    text = _text(pages)
    names = {row.name for row in year_scores(demo_db, YEAR)}
    assert names and all(name in text for name in names)
    assert "青山镇人大代表公示栏" in pages[0].text and "乡镇人大代表" in text
    assert not MOBILE.search(text.replace(" ", ""))  # a public board: no deputy's mobile
    assert "青山镇人大主席团" in text
    for page in pages:  # large type: the names in 小二 (A4) or 小一 (A3) at least
        assert max(line.size for line in page.lines) >= LAYOUTS[key.replace("deputy-", "")].title_size


def test_deputy_board_places_the_photo_and_silhouettes(demo_db: Database, printed: Printed) -> None:
    rendered = registry.render(demo_db, "deputy-board-a4", PrintRequest(YEAR))
    assert b"/Subtype /Image" in rendered.pdf or b"/Subtype/Image" in rendered.pdf
    assert "照片" in _text(printed["deputy-board-a4"])  # the silhouette box of those without one


@pytest.mark.parametrize("key", ["wall-rules", "wall-rules-a3"])
def test_wall_rules_one_rule_a_page(demo_db: Database, printed: Printed, key: str) -> None:
    pages = printed[key]
    rules = wall_rules.list_rules(demo_db)
    assert len(rules) == 8 and len(pages) == 8
    for page, rule in zip(pages, rules, strict=True):
        first = page.lines[0]
        assert first.text == rule.title
        assert first.size == LAYOUTS[key.replace("wall-rules", "board") if key != "wall-rules"
                                     else "board-a4"].title_size
        width = round(page.width_mm * 72 / 25.4)
        centre = first.x + len(first.text) * first.size / 2  # CJK characters are square
        assert abs(centre - width / 2) < first.size * 2
        assert rule.paragraphs[0][:10] in page.text.replace("\n", "")


def test_wall_rules_print_the_townships_text(demo_db: Database) -> None:
    rule = wall_rules.list_rules(demo_db)[2]
    wall_rules.update_rule(demo_db, ACTOR, rule.key, "代表接待选民工作制度（试行）",
                           "一、每月第一个星期五为代表接待选民日。\n二、接待情况当日登记归档。")
    try:
        pages = read_pdf(registry.render(demo_db, "wall-rules", PrintRequest()).pdf)
        assert len(pages) == 8
        assert "".join(line.text for line in pages[2].lines[:2]) == "代表接待选民工作制度（试行）"
        assert "每月第一个星期五为代表接待选民日" in pages[2].text
        assert rule.title not in _text(pages)
    finally:
        wall_rules.reset_rule(demo_db, ACTOR, rule.key)


def test_annual_statistics_carries_the_years_figures(demo_db: Database, printed: Printed) -> None:
    text = _text(printed["annual-statistics"]).replace("\n", "")
    figures = year_stats(demo_db, YEAR)
    for phrase in ("一、代表情况", "二、代表活动", "三、社情民意", "四、代表建议", "五、学习培训",
                   "六、履职要求落实",
                   f"本届在任代表{figures['deputies']['serving']}名",
                   f"全年组织代表活动{figures['activities']['total']}次",
                   f"{figures['activities']['attendance_rate'] * 100:.1f}%",
                   f"全年收集社情民意{figures['opinions']['total']}件",
                   f"逾期未答复{figures['opinions']['overdue']}件",
                   f"代表共提出建议{figures['suggestions']['total']}件",
                   f"举办学习培训{figures['training']['sessions_held']}场",
                   "A类（已解决）", "D类（留作参考）", "青山镇人大主席团"):
        assert phrase in text, phrase


# --- the binder -----------------------------------------------------------------------------------


def _index_numbers(pages: list[Page]) -> list[int]:
    """The numbers of the index's 页码 column, top to bottom, page by page."""
    layout = LAYOUTS["form"]
    column = layout.left + layout.width * (1 - binder_doc.INDEX_WIDTHS[-1] / sum(binder_doc.INDEX_WIDTHS))
    numbers = []
    for page in pages:
        cells = [c for c in page.chunks if c.x >= column and c.text.strip().isdigit()
                 and not PAGE_NUMBER.fullmatch(c.text)]
        numbers += [int(c.text) for c in sorted(cells, key=lambda c: -c.y)]
    return numbers


def test_the_binder_holds_every_document_of_the_year_in_binder_order(
        demo_db: Database, binder: binder_doc.Binder) -> None:
    keys = [s.entry.key for s in binder.sections]
    order = [k for k in registry.DOCUMENTS if binder_doc.included(k)]
    assert [k for k in order if k in keys] == list(dict.fromkeys(keys))  # grouped, in binder order
    assert "binder" not in keys and "binder-index" not in keys
    assert not any(k.endswith("-a3") for k in keys)
    assert keys.count("activity-notice") == len(registry.choices(demo_db, "activity-notice", YEAR))
    assert keys.count("deputy-archive") == len(registry.choices(demo_db, "deputy-archive", YEAR))
    for key in ("score-sheet", "deputy-board-a4", "wall-rules", "annual-statistics", "training-notice"):
        assert key in keys
    assert binder.rendered.pages == sum(s.pages for s in binder.sections) + binder.index_pages


def test_the_index_names_the_pages_where_the_sections_start(
        binder: binder_doc.Binder, binder_pages: list[Page]) -> None:
    assert binder.index_pages >= 2
    index = binder_pages[:binder.index_pages]
    assert "2026年度档案目录" in index[0].text
    assert _index_numbers(index) == [s.first_page for s in binder.sections]
    assert binder.sections[0].first_page == binder.index_pages + 1
    for section in binder.sections:
        page = binder_pages[section.first_page - 1]
        if section.entry.key == "wall-rules":
            assert page.lines[0].text == wall_rules.default_rules()[0].title
        else:
            assert section.title in page.text.replace("\n", ""), (section.title, section.first_page)
    for number, page in enumerate(binder_pages, start=1):  # numbered through, boards included
        assert [c.text for c in page.chunks if PAGE_NUMBER.fullmatch(c.text)] == [f"— {number} —"]


def test_the_binder_keeps_each_documents_paper_and_embeds_the_fonts(
        binder: binder_doc.Binder, binder_pages: list[Page]) -> None:
    for section in binder.sections:
        page = binder_pages[section.first_page - 1]
        width, height = section.document.layout.pagesize
        assert (round(page.width_mm), round(page.height_mm)) == (round(width / MM), round(height / MM))
        assert section.entry.key != "score-sheet" or page.width_mm > page.height_mm
    assert bad_line_starts(binder_pages[:binder.index_pages]) == []
    if resolve_fonts().all_embedded:
        assert embedded_font_files(binder_pages[0])


def test_the_index_printed_alone_has_the_binders_numbers(demo_db: Database,
                                                        binder: binder_doc.Binder,
                                                        binder_pages: list[Page]) -> None:
    index, _refs = binder_doc.index_document(town(demo_db), YEAR, binder.sections,
                                             [s.first_page for s in binder.sections])
    alone = read_pdf(index.render().pdf)
    assert len(alone) == binder.index_pages
    assert _index_numbers(alone) == _index_numbers(binder_pages[:binder.index_pages])
    assert [p.text for p in alone] == [p.text for p in binder_pages[:binder.index_pages]]


def test_binder_progress_reports_each_section(demo_db: Database) -> None:
    seen: list[tuple[int, int, str]] = []
    result = binder_doc.build_binder(demo_db, SMALL_YEAR, Progress(lambda d, t, s: seen.append((d, t, s))))
    sections = len(result.sections)
    assert sections > 0
    assert sum(1 for _d, _t, s in seen if s.startswith("整理")) >= sections
    assert sum(1 for _d, _t, s in seen if s.startswith("排版")) == sections
    done = [d for d, _t, _s in seen]
    assert done == sorted(done) and seen[-1][0] == seen[-1][1]


@pytest.mark.parametrize("phase", ["整理", "排版"])
def test_binder_cancel_raises_cancelled(demo_db: Database, phase: str) -> None:
    progress: Progress

    def report(done: int, total: int, text: str) -> None:
        if text.startswith(phase):
            progress.cancel()

    progress = Progress(report)
    with pytest.raises(Cancelled):
        binder_doc.build_binder(demo_db, SMALL_YEAR, progress)


def test_print_binder_writes_one_audit_entry(demo_db: Database, tmp_path: Path) -> None:
    before = count_entries(demo_db)
    result = binder_doc.print_binder(demo_db, ACTOR, SMALL_YEAR)
    assert result.rendered.pages > result.index_pages
    assert count_entries(demo_db) == before + 1
