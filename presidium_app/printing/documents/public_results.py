"""社情民意办理结果公示: the year's replied and closed opinions for the wall of the activity room,
with the unit's reply in short. Public: the submitter appears only as services.masking shows it
(张*丰 138****5678, or 匿名), masked as the rows are read; no full name, phone or ID
number reaches the page."""

from __future__ import annotations

import datetime as dt

from reportlab.platypus import KeepTogether

from presidium_app.domain.enums import OpinionStatus
from presidium_app.printing.documents.common import PageMark, town
from presidium_app.printing.documents.mailbox_ledger import LedgerRow, ledger_rows, short_date
from presidium_app.printing.layout import Document
from presidium_app.printing.model import PrintRequest, RenderedDocument
from presidium_app.printing.text import Align
from presidium_app.services import township
from presidium_app.services.errors import NotFound
from presidium_app.services.opinion_list import excerpt
from presidium_app.storage.database import Database

TITLE = "社情民意办理结果公示"
HEADER = ("序号", "编号", "收到日期", "反映人", "类别", "反映内容摘要", "办理结果", "办理状态")
# Points of the 689 pt landscape text block; the two texts fill two lines of their columns.
WIDTHS = (30, 58, 52, 68, 52, 190, 187, 52)
ALIGNS: tuple[Align, ...] = ("center", "center", "center", "center", "center", "left", "left", "center")
SHOWN = frozenset({OpinionStatus.REPLIED, OpinionStatus.FED_BACK, OpinionStatus.FOLLOWED_UP,
                   OpinionStatus.CLOSED})
EXCERPT = 34
KEEP_WITH_CLOSING = 2  # rows kept with 特此公示 and the signature when these would stand alone


def _issue_date(year: int, today: dt.date | None = None) -> dt.date:
    """Today for the current year; the last day of a past year (its list as posted)."""
    today = today or dt.date.today()
    return today if year >= today.year else dt.date(year, 12, 31)


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    year = request.year_or_current
    rows = ledger_rows(db, year, statuses=SHOWN)
    rendered, alone = _render(db, year, rows, keep=0)
    if alone:
        # The closing went onto a page of its own: lay out again with the last rows kept with it
        # (they start that page under a header of their own).
        rendered, _alone = _render(db, year, rows, keep=KEEP_WITH_CLOSING)
    return rendered


def _render(db: Database, year: int, rows: list[LedgerRow], keep: int) -> tuple[RenderedDocument, bool]:
    """The list; `keep` last rows form a table of their own kept with the closing. Also says
    whether the closing (特此公示 and the signature) stands alone on the last page."""
    place = town(db)
    title = f"{place.name}{year}年{TITLE}" if place.name else f"{year}年{TITLE}"
    doc = Document("ledger", title, township=place.full_name, header=place.office)
    doc.title(title, space_after=doc.line / 2)
    try:
        phone = township.get_township(db).phone
    except NotFound:
        phone = ""
    contact = f"（电话：{phone}）" if phone else ""
    closed = sum(1 for row in rows if row.status == OpinionStatus.CLOSED)
    doc.paragraph(
        f"为接受群众监督，推动社情民意件件有着落、事事有回音，现将{year}年收到并已答复的社情民意"
        f"办理结果公示如下（共{len(rows)}件，其中已办结{closed}件）。对办理结果如有意见，请向"
        f"{place.office}反映{contact}。为保护反映人隐私，姓名和电话已作部分隐藏。",
        size=doc.layout.body_size, space_after=doc.line / 3)
    lines: list[list[str | None]] = [
        [str(number), row.number, short_date(row.received_on, year), row.submitter.replace(" ", "\n"),
         row.category, excerpt(row.content, EXCERPT), excerpt(row.reply, EXCERPT), row.status.label]
        for number, row in enumerate(rows, start=1)]
    keep = min(keep, len(lines) - 1) if len(lines) > 1 else 0
    head, tail = lines[:len(lines) - keep], lines[len(lines) - keep:]
    if not rows:
        doc.table([list(HEADER), ["本年度暂无已答复的社情民意"] + [None] * (len(HEADER) - 1)], WIDTHS,
                  aligns=ALIGNS, extra_style=[("SPAN", (0, 1), (-1, 1))])
    else:
        doc.table([list(HEADER), *head], WIDTHS, aligns=ALIGNS)
    table_end = PageMark()
    doc.add(table_end)
    start = len(doc.story)
    if tail:
        doc.table([list(HEADER), *tail], WIDTHS, aligns=ALIGNS)
    doc.paragraph("特此公示。", space_before=doc.line / 2)
    doc.signature(place.office, _issue_date(year), lines_before=1.0)
    closing_end = PageMark()
    doc.add(closing_end)
    doc.story[start:] = [KeepTogether(doc.story[start:])]
    rendered = doc.render()
    alone = table_end.page is not None and closing_end.page is not None and closing_end.page > table_end.page
    return rendered, alone and not tail
