"""Every registered document, printed from the demo township and read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from presidium_app.domain.activities import Participation
from presidium_app.printing import registry
from presidium_app.printing.fonts import resolve_fonts
from presidium_app.printing.layout import GB_LINE, LAYOUTS
from presidium_app.printing.registry import PrintRequest, RenderedDocument, UnknownDocument
from presidium_app.services import attachments, training
from presidium_app.services.audit import Actor, count_entries
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
Printed = dict[str, tuple[RenderedDocument, list[Page]]]
A4 = (210, 297)
FORMAL = LAYOUTS["formal"]
BOARD = LAYOUTS["board-a4"]


def _busiest_activity(db: Database) -> int:
    """The year's activity with the most invited deputies (its sign-in sheet runs over a page)."""
    ids = {i for i, _label in registry.choices(db, "sign-in-sheet", YEAR)}
    with db.session() as session:
        rows = session.execute(select(Participation.activity_id, func.count())
                               .group_by(Participation.activity_id).order_by(func.count().desc()))
        return next(a for a, _n in rows if a in ids)


@pytest.fixture(scope="module")
def objects(demo_db: Database, tmp_path_factory: pytest.TempPathFactory) -> dict[str, int | None]:
    """The object each document is printed for; the activity gets two photos first."""
    activity = _busiest_activity(demo_db)
    folder = tmp_path_factory.mktemp("photos")
    for number, size in enumerate(((1600, 1200), (900, 1400))):
        path = folder / f"现场{number}.jpg"
        Image.new("RGB", size, (90, 140, 200)).save(path)
        attachments.add_attachment(demo_db, Actor("测试员"), activity, path, caption=f"活动现场{number + 1}")
    chosen: dict[str, int | None] = {}
    for key, spec in registry.DOCUMENTS.items():
        if spec.needs in ("year", "none"):
            chosen[key] = None
        elif spec.needs == "activity" and spec.choose is None:  # not only some kinds of activity
            chosen[key] = activity
        else:
            options = registry.choices(demo_db, key, YEAR)
            chosen[key] = options[-1][0] if options else None  # the first of the year: held
    return chosen


@pytest.fixture(scope="module")
def printed(demo_db: Database, objects: dict[str, int | None]) -> Printed:
    result = {}
    for key in KEYS:
        rendered = registry.render(demo_db, key, PrintRequest(YEAR, objects[key]), Actor("测试员"))
        result[key] = (rendered, read_pdf(rendered.pdf))
    return result


# The binder and its index assemble every other document; test_year_documents checks them page
# by page against this same list, so they are not built a second time here.
KEYS = [key for key in registry.DOCUMENTS if key not in ("binder", "binder-index")]


def test_keys_are_lowercase_hyphenated_ascii_with_chinese_titles() -> None:
    for key, spec in registry.DOCUMENTS.items():
        assert key == spec.key and key.isascii() and key == key.lower() and " " not in key
        assert key[0].isalpha() and all(part.isalnum() for part in key.split("-"))  # …-a3
        assert spec.title and not spec.title.isascii()
        assert spec.needs in registry.NEEDS


@pytest.mark.parametrize("key", KEYS)
def test_the_pdf_opens_with_its_page_count_and_paper(printed: Printed,
                                                    key: str) -> None:
    rendered, pages = printed[key]
    assert rendered.pdf.startswith(b"%PDF") and rendered.pages == len(pages) >= 1
    assert rendered.title
    for page in pages:
        assert (round(page.width_mm), round(page.height_mm)) in (A4, A4[::-1], (297, 420))


@pytest.mark.parametrize("key", KEYS)
def test_text_stays_in_the_text_block_and_pages_are_numbered(
        printed: Printed, key: str) -> None:
    _rendered, pages = printed[key]
    for number, page in enumerate(pages, start=1):
        if (round(page.width_mm), round(page.height_mm)) != A4:
            continue
        layout = FORMAL  # form and formal share the text block
        numbers = [c for c in page.chunks if PAGE_NUMBER.fullmatch(c.text)]
        if max((c.size for c in page.chunks), default=0) >= BOARD.title_size:
            # A wall board (its title in 小初): its own margins; a page number only in a binder.
            layout = BOARD
            assert [c.text for c in numbers] in ([], [f"— {number} —"])
        else:
            assert [c.text for c in numbers] == [f"— {number} —"]
        top = layout.pagesize[1] - layout.top
        for chunk in page.chunks:
            if chunk in numbers or chunk.y > top:  # the page number; a form's running header
                continue
            assert layout.left - 0.5 <= chunk.x < layout.left + layout.width, chunk
            assert layout.bottom - 0.5 <= chunk.y <= top, chunk
        for chunk in page.chunks:
            if chunk.y > top:
                assert (chunk.y - top) / MM == pytest.approx(4, abs=0.1)  # header 4 mm above


@pytest.mark.parametrize("key", KEYS)
def test_fonts_are_embedded(printed: Printed, key: str) -> None:
    if not resolve_fonts().all_embedded:
        pytest.skip("no TrueType Chinese font on this machine")
    for page in printed[key][1]:
        embedded = set(embedded_font_files(page))
        assert embedded and {chunk.font for chunk in page.chunks if chunk.text.strip()} <= embedded


@pytest.mark.parametrize("key", KEYS)
def test_no_line_starts_with_forbidden_punctuation(
        printed: Printed, key: str) -> None:
    assert bad_line_starts(printed[key][1]) == []


@pytest.mark.parametrize("key", ["activity-notice", "training-plan"])
def test_formal_documents_keep_the_grid(printed: Printed,
                                        key: str) -> None:
    """Body lines sit on the 22 rows of the GB/T 9704 grid and hold at most 28 characters."""
    first_baseline = FORMAL.pagesize[1] - FORMAL.top - GB_LINE / 2 - 0.38 * FORMAL.body_size
    _rendered, pages = printed[key]
    page = pages[0]
    body = [line for line in page.lines if line.size == FORMAL.body_size and line.y > FORMAL.bottom]
    assert body
    rows = [(first_baseline - line.y) / GB_LINE for line in body]
    before_table = rows if key == "activity-notice" else rows[:4]
    assert all(abs(r - round(r)) < 0.02 for r in before_table)
    assert max(rows) <= 21.02
    for line in body:
        if all(ord(c) > 0x2E80 for c in line.text):
            assert len(line.text) <= 28


def test_activity_notice_names_everything(printed: Printed) -> None:
    text = "".join(page.text for page in printed["activity-notice"][1])
    for phrase in ("各位代表：", "一、活动主题", "二、时间和地点", "三、参加人员", "四、有关要求",
                   "青山镇人大主席团"):
        assert phrase in text
    assert "年" in text and "月" in text and "日" in text and "年0" not in text and "月0" not in text


def test_sign_in_sheet_lists_every_invited_deputy_with_the_header_on_each_page(
        demo_db: Database, objects: dict[str, int | None],
        printed: Printed) -> None:
    from presidium_app.services.activities import get_activity

    rendered, pages = printed["sign-in-sheet"]
    record = get_activity(demo_db, objects["sign-in-sheet"] or 0)
    text = "".join(page.text for page in pages)
    assert len(record.data.participants) > 20 and rendered.pages >= 2
    with demo_db.session() as session:
        from presidium_app.domain.deputies import Deputy

        names = session.scalars(select(Deputy.name).where(
            Deputy.id.in_([p.deputy_id for p in record.data.participants])))
        for name in names:
            assert name in text
    for page in pages:
        header = [line.text for line in page.lines if line.text.startswith("序号")]
        assert header == ["序号姓名代表小组/单位签到备注"]
    assert f"应到{len(record.data.participants)}人" in text


def test_training_sign_in_sheet(printed: Printed) -> None:
    text = "".join(page.text for page in printed["training-sign-in-sheet"][1])
    assert "人大代表学习培训签到表" in text and "培训主题" in text and "宪法和代表法学习" in text


def test_training_plan_lists_the_sessions(demo_db: Database,
                                          printed: Printed) -> None:
    text = "".join(page.text for page in printed["training-plan"][1])
    plan = training.get_plan(demo_db, YEAR)
    assert plan.title in text and "一、培训目标" in text
    for session in plan.sessions:
        assert session.data.topic[:6] in text


def test_activity_record_places_the_photos(printed: Printed) -> None:
    rendered, pages = printed["activity-record"]
    text = "".join(page.text for page in pages)
    for label in ("时　　间", "地　　点", "主　　题", "参加代表", "缺席人员", "活动内容摘要", "意见建议",
                  "活动照片"):
        assert label in text
    assert "活动现场1" in text and "活动现场2" in text
    assert b"/Subtype /Image" in rendered.pdf or b"/Subtype/Image" in rendered.pdf


def test_unknown_documents_and_objects_are_refused_in_chinese(demo_db: Database) -> None:
    with pytest.raises(UnknownDocument, match="没有名为"):
        registry.render(demo_db, "no-such-thing", PrintRequest(YEAR))
    with pytest.raises(UnknownDocument, match="没有编号为 999999 的活动"):
        registry.render(demo_db, "sign-in-sheet", PrintRequest(YEAR, 999999))
    with pytest.raises(UnknownDocument, match="须指定"):
        registry.render(demo_db, "sign-in-sheet", PrintRequest(YEAR))
    with pytest.raises(UnknownDocument, match="2019年度还没有学习培训计划"):
        registry.render(demo_db, "training-plan", PrintRequest(2019))
    assert UnknownDocument("x").exit_code == 2


def test_choices_are_the_years_objects_newest_first(demo_db: Database) -> None:
    activities = registry.choices(demo_db, "sign-in-sheet", YEAR)
    dates = [dt.date.fromisoformat(label.split()[0]) for _i, label in activities]
    assert dates and dates == sorted(dates, reverse=True) and all(d.year == YEAR for d in dates)
    sessions = registry.choices(demo_db, "training-sign-in-sheet", YEAR)
    assert len(sessions) == len(training.get_plan(demo_db, YEAR).sessions)
    assert registry.choices(demo_db, "training-plan", YEAR) == []


def test_documents_without_personal_data_leave_no_audit_entry(demo_db: Database,
                                                              objects: dict[str, int | None]) -> None:
    before = count_entries(demo_db)
    registry.render(demo_db, "sign-in-sheet", PrintRequest(YEAR, objects["sign-in-sheet"]), Actor("测试员"))
    assert count_entries(demo_db) == before


def test_a_personal_document_is_written_to_the_audit_log(demo_db: Database, monkeypatch: pytest.MonkeyPatch,
                                                         objects: dict[str, int | None]) -> None:
    from dataclasses import replace

    from presidium_app.services import audit_log

    spec = replace(registry.DOCUMENTS["sign-in-sheet"], personal=True)
    monkeypatch.setitem(registry.DOCUMENTS, "sign-in-sheet", spec)
    before = count_entries(demo_db)
    registry.render(demo_db, "sign-in-sheet", PrintRequest(YEAR, objects["sign-in-sheet"]), Actor("测试员"))
    assert count_entries(demo_db) == before + 1
    assert audit_log is not None


def test_a_damaged_photo_is_named_not_fatal(tmp_path: Path) -> None:
    from presidium_app.printing.layout import Document

    broken = tmp_path / "坏照片.jpg"
    broken.write_bytes(b"\xff\xd8\xff" + b"0" * 100)
    doc = Document("form", "照片")
    doc.photos([(broken, "说明")])
    text = read_pdf(doc.render().pdf)[0].text
    assert "照片无法读取：坏照片.jpg" in text
