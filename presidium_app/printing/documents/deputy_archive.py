"""代表履职档案: one deputy's archive of the year (request.year), in the 8 parts of DOMAIN.md §3
(services.archive.performance_archive), each a heading with its tally and a table of its records;
then the year's score and the rules met or not. Part 1 opens with the person's particulars and
photo (a silhouette box when none), including the mobile number: the document is personal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Table, TableStyle

from presidium_app.printing.documents.common import town
from presidium_app.printing.documents.deputy_board import Silhouette
from presidium_app.printing.layout import GRID_COLOUR, LABEL_FILL, Document, photo
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument, cn_date
from presidium_app.services import deputies
from presidium_app.services.archive import Archive, ArchivePart, ArchiveRow, performance_archive
from presidium_app.services.errors import NotFound
from presidium_app.services.scores import SCORE_COLUMNS
from presidium_app.storage.database import Database

NUMBERS = "一二三四五六七八九十"
PHOTO_W, PHOTO_H = 26 * mm, 35 * mm
ROWS_HEADER = ("日期", "事项", "情形", "说明")
ROWS_WIDTHS = (2.3, 5.4, 2.0, 5.9)
KEEP_TOGETHER = 55 * mm  # a heading, its tally, the header row and two rows
ROLE_HEADERS = {"basic": "情形", "suggestions": "身份", "awards": "情形"}


def _day(day: dt.date | None, year: int | None) -> str:
    if day is None:
        return ""
    if year is not None and day.year == year:
        return f"{day.month}月{day.day}日"
    return cn_date(day)


def _tally(part: ArchivePart) -> str:
    counts = part.counts
    if part.key == "basic":
        return ""
    if part.key == "suggestions":
        return (f"提出或附议代表建议{counts.get('代表建议', 0):g}件，"
                f"收集群众意见{counts.get('收集意见', 0):g}条。")
    if part.key == "awards":
        return f"获表彰奖励{counts.get('表彰', 0):g}次。"
    text = (f"共{len(part.rows)}次：出席{counts.get('出席', 0):g}次，请假{counts.get('请假', 0):g}次，"
            f"缺席{counts.get('缺席', 0):g}次")
    if part.key == "training":
        text += f"；参加培训{counts.get('学时', 0):g}学时"
    return text + "。"


def _particulars(doc: Document, db: Database, archive: Archive) -> None:
    person = archive.person
    path = deputies.photo_path(db, person.photo)
    fallback = Silhouette(PHOTO_W, PHOTO_H, font=doc.fonts.name("body"), label="照片")
    picture = photo(path, PHOTO_W, PHOTO_H, fallback) if path is not None else fallback
    birth = f"{person.birth_date.year}年{person.birth_date.month}月" if person.birth_date else ""
    label, cell = doc.label, doc.cell
    workplace = doc.text(person.workplace, doc.style(size=doc.layout.table_size, align="left"))
    rows: list[list[Any]] = [
        [label("姓　　名"), cell(person.name), label("性　　别"), cell(person.gender), picture],
        [label("民　　族"), cell(person.ethnicity), label("出生年月"), cell(birth), None],
        [label("政治面貌"), cell(person.political_status), label("文化程度"), cell(person.education),
         None],
        [label("联系电话"), cell(person.mobile), label("档案期间"), cell(archive.period), None],
        [label("工作单位及职务"), workplace, None, None, None],
    ]
    # Built here rather than with doc.table: the photo spans four rows, and doc.table would make
    # the first of them as tall as the photo.
    proportions = (2.4, 4.6, 2.4, 4.0, 3.0)
    widths = [doc.width * w / sum(proportions) for w in proportions]
    pad = doc.layout.table_size * 0.35
    row_h = (PHOTO_H + 2 * pad) / 4
    last_h = max(row_h, workplace.wrap(sum(widths[1:]) - 2 * pad, 1e6)[1] + 2 * pad)
    table = Table(rows, colWidths=widths, rowHeights=[row_h] * 4 + [last_h], hAlign="LEFT",
                  spaceAfter=doc.line / 3)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, GRID_COLOUR), ("BOX", (0, 0), (-1, -1), 1.0, GRID_COLOUR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (4, 0), (4, 3), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("SPAN", (4, 0), (4, 3)), ("SPAN", (1, 4), (4, 4)),
        ("BACKGROUND", (0, 0), (0, 4), LABEL_FILL), ("BACKGROUND", (2, 0), (2, 3), LABEL_FILL),
    ]))
    doc.add(table)


def _rows_table(doc: Document, part: ArchivePart, year: int | None) -> None:
    header: list[str | None] = list(ROWS_HEADER)
    header[2] = ROLE_HEADERS.get(part.key, "出席情况")
    rows: list[list[str | None]] = [header]
    for row in part.rows:
        rows.append(_row(row, year if part.key != "basic" else None))
    doc.table(rows, ROWS_WIDTHS, aligns=("center", "left", "center", "left"),
              space_after=doc.line / 3)


def _row(row: ArchiveRow, year: int | None) -> list[str | None]:
    return [_day(row.date, year), row.title, row.role, row.detail]


def _score(doc: Document, archive: Archive) -> None:
    score = archive.score
    if score is None:
        return
    header = ["基础分", *(c.label for c in SCORE_COLUMNS), "总分", "等次"]
    values = [f"{score.base:g}", *(f"{score.columns.get(c.key, 0):g}" for c in SCORE_COLUMNS),
              f"{score.total:g}", score.grade]
    doc.table([header, values], (1.6, 1.9, 1.9, 1.9, 2.1, 2.3, 1.9, 1.9, 1.6, 1.6),
              aligns=["center"] * 10, space_after=doc.line / 3)
    if score.advice:
        doc.paragraph(f"连续两年积分等次为“差”，{score.advice}。", indent=False,
                      size=doc.layout.table_size)


def _rules(doc: Document, archive: Archive) -> None:
    if not archive.shortfalls:
        return
    rows: list[list[str | None]] = [["履职要求", "对象", "应完成", "已完成", "情况"]]
    for rule in archive.shortfalls:
        state = "已完成" if rule.short_by == 0 else f"差{rule.short_by}{rule.unit}"
        rows.append([rule.label, rule.subject, f"{rule.required}{rule.unit}",
                     f"{rule.done}{rule.unit}", state])
    doc.table(rows, (6.4, 3.4, 1.8, 1.8, 2.2), aligns=("left", "center", "center", "center", "center"),
              space_after=doc.line / 3)


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    if request.object_id is None:
        raise UnknownDocument("须指定代表（--id）")
    year = request.year_or_current
    try:
        archive = performance_archive(db, request.object_id, year)
    except NotFound as exc:
        raise UnknownDocument(f"没有编号为 {request.object_id} 的代表") from exc
    place = town(db)
    title = "代表履职档案"
    doc = Document("form", title, township=place.full_name, header=place.office)
    doc.title(title, space_after=0)
    doc.subtitle(f"{archive.person.name}　{archive.period}", role="heading2")
    for number, part in enumerate(archive.parts):
        # A part starts on a new page only when its heading and first rows would not fit: a
        # long table then runs on (its header repeated) rather than leaving half a page blank.
        if number:
            doc.add(CondPageBreak(KEEP_TOGETHER if part.rows else KEEP_TOGETHER / 2))
        doc.paragraph(f"{NUMBERS[number]}、{part.title}", role="heading1", indent=False,
                      space_before=doc.line / 4, space_after=doc.line / 6, keep_with_next=True)
        if part.key == "basic":
            _particulars(doc, db, archive)
        tally = _tally(part)
        if tally:
            doc.paragraph(tally, indent=False, size=doc.layout.table_size, space_after=doc.line / 6)
        if part.rows:
            _rows_table(doc, part, archive.year)
    doc.add(CondPageBreak(KEEP_TOGETHER))
    doc.paragraph(f"附：{archive.score_year}年度履职积分和履职要求", role="heading1", indent=False,
                  space_before=doc.line / 4, space_after=doc.line / 6, keep_with_next=True)
    _score(doc, archive)
    _rules(doc, archive)
    today = min(dt.date.today(), archive.end)
    doc.paragraph(f"整理单位：{place.office}　　　整理日期：{cn_date(today)}", indent=False,
                  align="right", size=doc.layout.table_size, space_before=doc.line / 2)
    return doc.render()
