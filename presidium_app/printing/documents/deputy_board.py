"""代表公示栏: the wall board of the township's serving deputies (A3 or A4): a grid of cards, each
with the photo (a silhouette box when there is none), the name in large type, the constituency or
group, the level and the liaison station; every sheet carries the township's title and, at its
foot, the office's phone.

Contact: the board hangs in a public room. A deputy's mobile number is personal data and no
setting lets the office publish it, so the board never prints it: each card names the deputy's
liaison station (代表联络站, where voters meet deputies) and the foot gives the presidium office's
phone from the township settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from presidium_app.domain.deputies import Mandate
from presidium_app.domain.enums import DeputyLevel
from presidium_app.printing.documents.common import town
from presidium_app.printing.layout import SIZES, Document, photo
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument
from presidium_app.services import deputies, township
from presidium_app.services.errors import NotFound
from presidium_app.services.rules import serving_mandates, term_for_year
from presidium_app.storage.database import Database

PHOTO_FILL = colors.Color(0.93, 0.93, 0.93)
FIGURE_FILL = colors.Color(0.78, 0.78, 0.78)
CARD_LINE = colors.Color(0.55, 0.55, 0.55)


class Silhouette(Flowable):
    """The box a missing photo leaves: light grey, with a head-and-shoulders figure and a word."""

    def __init__(self, width: float, height: float, *, font: str = "", label: str = "") -> None:
        super().__init__()
        self.width, self.height = width, height
        self.font, self.label = font, label

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas, w, h = self.canv, self.width, self.height
        canvas.saveState()
        canvas.setFillColor(PHOTO_FILL)
        canvas.setStrokeColor(CARD_LINE)
        canvas.setLineWidth(0.5)
        canvas.rect(0, 0, w, h, stroke=1, fill=1)
        canvas.setFillColor(FIGURE_FILL)
        head = min(w, h) * 0.2
        canvas.circle(w / 2, h * 0.62, head, stroke=0, fill=1)
        path = canvas.beginPath()
        path.moveTo(w * 0.12, 0)
        path.curveTo(w * 0.12, h * 0.3, w * 0.3, h * 0.42, w / 2, h * 0.42)
        path.curveTo(w * 0.7, h * 0.42, w * 0.88, h * 0.3, w * 0.88, 0)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
        if self.font and self.label:
            size = min(w, h) * 0.09
            canvas.setFillColor(colors.Color(0.45, 0.45, 0.45))
            canvas.setFont(self.font, size)
            canvas.drawCentredString(w / 2, h * 0.08, self.label)
        canvas.restoreState()


@dataclass(frozen=True)
class BoardDeputy:
    name: str
    constituency: str
    group: str
    levels: str  # 县、乡镇人大代表
    station: str
    photo: Path | None
    order: tuple[Any, ...]


@dataclass(frozen=True)
class Board:
    """How a board is set on its paper: a grid of columns × rows cards a sheet."""

    layout: str
    columns: int
    rows: int
    name_size: float
    detail_size: float
    subtitle_size: float


BOARDS = {
    "a4": Board("board-a4", 4, 3, SIZES["小二"], SIZES["小四"], SIZES["四号"]),
    "a3": Board("board-a3", 5, 4, SIZES["小一"], SIZES["四号"], SIZES["小二"]),
}
DETAIL_LINES = 4  # room kept under the name: constituency, level (may take two), station
PAD = 2 * mm


def levels_text(levels: list[DeputyLevel]) -> str:
    """The congresses a deputy sits in, highest first: 县、乡镇人大代表."""
    return "、".join(level.label for level in reversed(levels)) + "人大代表"


def board_date(year: int, today: dt.date | None = None) -> dt.date:
    """The day whose serving deputies a board of `year` shows: 31 December, or today if earlier."""
    return min(today or dt.date.today(), dt.date(year, 12, 31))


def serving_deputies(db: Database, year: int) -> tuple[str, list[BoardDeputy]]:
    """(term label, the deputies serving on the board's day) ordered by group, then pinyin."""
    on = board_date(year)
    with db.session() as session:
        term = term_for_year(session, year)
        if term is None:
            raise UnknownDocument("尚未设置届次，无法打印代表公示栏")
        ids = [row.id for row in session.execute(serving_mandates(term.id, on))]
        mandates = session.scalars(
            select(Mandate).where(Mandate.id.in_(ids)).options(
                selectinload(Mandate.deputy), selectinload(Mandate.group),
                selectinload(Mandate.station)))
        found = []
        for m in mandates:
            found.append(BoardDeputy(
                m.deputy.name, m.constituency, m.group.name if m.group else "", levels_text(m.levels),
                m.station.name if m.station else "", deputies.photo_path(db, m.deputy.photo),
                (m.group_id is None, m.group_id or 0, m.deputy.name_pinyin, m.deputy_id)))
        label = term.label
    found.sort(key=lambda d: d.order)
    return label, found


def _card(doc: Document, board: Board, person: BoardDeputy, card_w: float, photo_w: float,
          photo_h: float) -> list[Flowable]:
    detail = doc.style("body", board.detail_size, align="center", leading=board.detail_size * 1.3)
    parts: list[Flowable] = []
    fallback = Silhouette(photo_w, photo_h, font=doc.fonts.name("body"), label="照片")
    if person.photo is not None:
        parts.append(photo(person.photo, photo_w, photo_h, fallback))
    else:
        parts.append(fallback)
    parts.append(doc.text(person.name, doc.style("heading1", board.name_size, align="center",
                                                 leading=board.name_size * 1.5)))
    # Each line on one line where a slightly smaller size allows (a long station name), else
    # wrapped at the board's size.
    inner = card_w - 2 * PAD
    for line in (person.constituency or person.group, person.levels, person.station):
        if not line:
            continue
        natural = stringWidth(line, doc.fonts.name("body"), board.detail_size)
        size = board.detail_size
        if natural > inner and natural * 0.8 <= inner:
            size = board.detail_size * inner / natural * 0.98
        parts.append(doc.text(line, detail.but(size=size)))
    return parts


def _height(flowable: Flowable, width: float) -> float:
    _w, h = flowable.wrap(width, 1e6)
    return float(h + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def build_board(db: Database, request: PrintRequest, size: str) -> RenderedDocument:
    board = BOARDS[size]
    year = request.year_or_current
    place = town(db)
    term_label, people = serving_deputies(db, year)
    title = f"{place.name}人大代表公示栏" if place.name else "人大代表公示栏"
    doc = Document(board.layout, title, township=place.full_name)
    try:
        phone = township.get_township(db).phone
    except NotFound:
        phone = ""
    contact = f"联系电话：{phone}（{place.office}）" if phone else f"联系单位：{place.office}"
    per_page = board.columns * board.rows
    pages = [people[i:i + per_page] for i in range(0, len(people), per_page)] or [[]]
    card_w = doc.width / board.columns
    for number, chunk in enumerate(pages):
        if number:
            doc.add(PageBreak())
        start = len(doc.story)
        doc.title(title, space_after=doc.line * 0.2)
        count = f"（{number + 1}/{len(pages)}）" if len(pages) > 1 else ""
        doc.subtitle(f"{term_label}　共{len(people)}名{count}", size=board.subtitle_size)
        heads = doc.story[start:]
        footer = doc.text(f"选民可到代表联络站约见代表，反映意见建议。{contact}", doc.style(
            "body", board.detail_size, align="center", space_before=doc.line * 0.4))
        used = sum(_height(f, doc.width) for f in [*heads, footer])
        # Every row as tall as the sheet allows; the photo takes what the text leaves.
        row_h = (doc.layout.height - used - 2 * mm) / board.rows
        photo_h = (row_h - 2.5 * PAD - board.name_size * 1.5
                   - DETAIL_LINES * board.detail_size * 1.3)
        photo_w = min(photo_h * 0.75, card_w - 4 * PAD)
        cells = [_card(doc, board, person, card_w, photo_w, photo_w / 0.75) for person in chunk]
        rows: list[list[Any]] = [cells[i:i + board.columns] for i in range(0, len(cells), board.columns)]
        if rows and len(rows[-1]) < board.columns:
            rows[-1] = rows[-1] + [None] * (board.columns - len(rows[-1]))
        if rows:
            table = Table(rows, colWidths=[card_w] * board.columns, rowHeights=[row_h] * len(rows),
                          hAlign="CENTER")
            style: list[tuple[Any, ...]] = [
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                ("TOPPADDING", (0, 0), (-1, -1), PAD * 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
            ]
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    if cell is not None:
                        style.append(("BOX", (c, r), (c, r), 0.6, CARD_LINE))
            table.setStyle(TableStyle(style))
            doc.add(table)
        else:
            doc.paragraph("本届暂无在任代表。", indent=False, align="center")
        doc.add(footer)
    return doc.render()


def build_a3(db: Database, request: PrintRequest) -> RenderedDocument:
    return build_board(db, request, "a3")


def build_a4(db: Database, request: PrintRequest) -> RenderedDocument:
    return build_board(db, request, "a4")
