"""社情民意台账: every opinion of a year (`mailbox-ledger`) or of one month of it
(`mailbox-ledger-month`, the object is the month 1–12) in a landscape table whose header repeats
on every page, overdue items shaded, and a summary under it: the total, by status, overdue and
the satisfaction rate (the year's figures are those of services.stats). The submitter is masked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from reportlab.lib import colors
from sqlalchemy import case, select

from presidium_app.domain.enums import OpinionAction, OpinionStatus, Satisfaction
from presidium_app.domain.mailbox import HandlingUnit, Opinion, OpinionEvent, Submitter
from presidium_app.printing.documents.common import town
from presidium_app.printing.layout import LAYOUTS, SIZES, CellContent, Document
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument, cn_date
from presidium_app.printing.text import Align
from presidium_app.services import mailbox, stats
from presidium_app.services.masking import mask_name, public_submitter
from presidium_app.services.opinion_list import excerpt
from presidium_app.storage.database import Database

TITLE = "社情民意台账"
HEADER = ("编号", "收到日期", "渠道", "反映人", "村（居）", "类别", "反映内容摘要", "承办单位",
          "办理期限", "答复日期", "满意度", "办理状态")
# The ledger's cells in 小五: twelve columns and a two-line excerpt on a landscape page.
LAYOUT = replace(LAYOUTS["ledger"], table_size=SIZES["小五"])
# Points of the 689 pt text block: four characters fit a date, 满意度 or status column.
WIDTHS = (50, 45, 28, 36, 45, 45, 200, 72, 45, 45, 45, 45)
ALIGNS: tuple[Align, ...] = ("center", "center", "center", "center", "center", "center", "left",
                             "left", "center", "center", "center", "center")
EXCERPT = 40
OVERDUE_FILL = colors.Color(1.0, 0.90, 0.90)
# The summary's status words, in the order of services.stats (反馈 and 回访 count as replied).
STATUS_WORDS = {"registered": "待交办", "assigned": "办理中", "replied": "已答复（含已反馈、已回访）",
                "closed": "已办结", "rejected": "不予受理", "redirected": "转信访"}


@dataclass(frozen=True)
class LedgerRow:
    """One opinion as the ledgers and the public list show it: the submitter already masked."""

    id: int
    number: str
    received_on: dt.date
    channel: str
    submitter_name: str  # 张*丰, or 匿名
    submitter: str  # 张*丰 138****5678, or 匿名
    village: str
    category: str
    content: str
    lead_unit: str
    deadline: dt.date | None
    status: OpinionStatus
    overdue_days: int
    replied_on: dt.date | None = None
    reply: str = ""
    satisfaction: Satisfaction | None = None


def ledger_rows(db: Database, year: int, first: dt.date | None = None, last: dt.date | None = None,
                statuses: Iterable[OpinionStatus] | None = None,
                today: dt.date | None = None) -> list[LedgerRow]:
    """The year's opinions (received between `first` and `last` if given), by number, with the
    latest reply and rating of each: two queries."""
    today = today or dt.date.today()
    conditions: list[Any] = [Opinion.year == year]
    if first is not None and last is not None:
        conditions.append(Opinion.received_on.between(first, last))
    if statuses is not None:
        conditions.append(Opinion.status.in_(sorted(statuses)))
    late = case((mailbox.overdue_condition(today), 1), else_=0)
    statement = (
        select(Opinion.id, Opinion.year, Opinion.seq, Opinion.received_on, Opinion.channel,
               Submitter.name, Submitter.phone, Opinion.village, Opinion.category, Opinion.content,
               HandlingUnit.name, Opinion.deadline, Opinion.status, late)
        .outerjoin(Submitter, Submitter.id == Opinion.submitter_id)
        .outerjoin(HandlingUnit, HandlingUnit.id == Opinion.lead_unit_id)
        .where(*conditions).order_by(Opinion.seq))
    steps = (
        select(OpinionEvent.opinion_id, OpinionEvent.action, OpinionEvent.at, OpinionEvent.note,
               OpinionEvent.satisfaction)
        .join(Opinion, Opinion.id == OpinionEvent.opinion_id)
        .where(*conditions, OpinionEvent.action.in_(
            [OpinionAction.REPLY, OpinionAction.FOLLOW_UP, OpinionAction.REDO]))
        .order_by(OpinionEvent.id))
    replies: dict[int, tuple[dt.date, str]] = {}
    ratings: dict[int, Satisfaction] = {}
    rows: list[LedgerRow] = []
    with db.session() as session:
        for opinion_id, action, at, note, satisfaction in session.execute(steps):
            if action == OpinionAction.REPLY:
                replies[opinion_id] = (at, note)
            elif satisfaction is not None:
                ratings[opinion_id] = satisfaction
        for (opinion_id, number_year, seq, received_on, channel, name, phone, village, category,
             content, unit, deadline, status, is_late) in session.execute(statement):
            replied = replies.get(opinion_id)
            masked = mask_name(name or "")
            rows.append(LedgerRow(
                id=opinion_id, number=f"{number_year}-{seq:04d}", received_on=received_on,
                channel=channel.label, submitter_name=masked or "匿名",
                submitter=public_submitter(name or "", phone or "") if (name or phone) else "匿名",
                village=village, category=category, content=content, lead_unit=unit or "",
                deadline=deadline, status=status,
                overdue_days=(today - deadline).days if is_late and deadline else 0,
                replied_on=replied[0] if replied else None, reply=replied[1] if replied else "",
                satisfaction=ratings.get(opinion_id)))
    return rows


def short_date(day: dt.date | None, year: int) -> str:
    """1月5日 within the ledger's year, 2027年1月5日 outside it, empty for none."""
    if day is None:
        return ""
    return f"{day.month}月{day.day}日" if day.year == year else cn_date(day)


def _status(row: LedgerRow) -> str:
    return f"{row.status.label}\n逾期{row.overdue_days}天" if row.overdue_days else row.status.label


def _table(doc: Document, rows: list[LedgerRow], year: int, summary: str) -> None:
    """The rows, then the summary as the table's last row (nothing follows the table, so no
    page holds a summary or a note alone)."""
    data: list[list[CellContent]] = [list(HEADER)]
    style: list[tuple[Any, ...]] = []
    for r, row in enumerate(rows, start=1):
        data.append([row.number, short_date(row.received_on, year), row.channel, row.submitter_name,
                     row.village, row.category, excerpt(row.content, EXCERPT), row.lead_unit,
                     short_date(row.deadline, year), short_date(row.replied_on, year),
                     row.satisfaction.label if row.satisfaction else "", _status(row)])
        if row.overdue_days:
            style.append(("BACKGROUND", (0, r), (-1, r), OVERDUE_FILL))
    if not rows:
        data.append(["本期没有社情民意条目"] + [None] * (len(HEADER) - 1))
        style.append(("SPAN", (0, 1), (-1, 1)))
    last = len(data)
    data.append([doc.cell(f"小计：{summary}", align="left")] + [None] * (len(HEADER) - 1))
    style.append(("SPAN", (0, last), (-1, last)))
    doc.table(data, WIDTHS, aligns=ALIGNS, extra_style=style)


def _rate(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _summary(total: int, by_status: dict[str, int], overdue: int, rate: float | None) -> str:
    parts = [f"{STATUS_WORDS[key]}{count}件" for key, count in by_status.items() if count]
    text = f"共{total}件" + (f"，其中{'、'.join(parts)}" if parts else "")
    text += f"；逾期未答复{overdue}件" if overdue else "；无逾期未答复条目"
    text += f"；回访满意率{_rate(rate)}（满意和基本满意件数占回访件数的比例）。" if rate is not None else \
        "；尚无回访测评。"
    return text


def _month_summary(rows: list[LedgerRow]) -> str:
    by_status = dict.fromkeys(STATUS_WORDS, 0)
    for row in rows:
        by_status[stats.SPEC_STATUS[row.status]] += 1
    rated = [row.satisfaction for row in rows if row.satisfaction is not None]
    pleased = sum(1 for s in rated if s != Satisfaction.DISSATISFIED)
    overdue = sum(1 for row in rows if row.overdue_days)
    return _summary(len(rows), by_status, overdue, pleased / len(rated) if rated else None)


def _year_summary(db: Database, year: int) -> str:
    figures = stats.year_stats(db, year)["opinions"]
    by_status = {key: figures["by_status"].get(key, 0) for key in STATUS_WORDS}
    rated = figures["satisfaction_rate"] if any(
        figures["by_status"].get(k, 0) for k in ("replied", "closed")) else None
    return _summary(figures["total"], by_status, figures["overdue"], rated)


def _document(db: Database, title: str, period: str, rows: list[LedgerRow], year: int,
              summary: str) -> RenderedDocument:
    place = town(db)
    doc = Document(LAYOUT, title, township=place.full_name, header=place.office)
    doc.title(f"{place.name}{title}" if place.name else title, space_after=doc.line / 4)
    doc.subtitle(f"（{period}）", size=SIZES["五号"])
    doc.paragraph(f"制表：{place.office}　　制表日期：{cn_date(dt.date.today())}　　"
                  "注：反映人姓名已作部分隐藏；底色标注的条目已超过办理期限仍未答复。",
                  indent=False, size=SIZES["小五"], space_after=doc.line / 6, keep_with_next=True)
    _table(doc, rows, year, summary)
    return doc.render()


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    """The year's ledger."""
    year = request.year_or_current
    rows = ledger_rows(db, year)
    return _document(db, f"{year}年{TITLE}", f"{year}年1月1日至12月31日收到的全部条目", rows, year,
                     _year_summary(db, year))


def build_month(db: Database, request: PrintRequest) -> RenderedDocument:
    """One month's ledger: the object is the month (1–12) of the request's year."""
    year = request.year_or_current
    month = request.object_id
    if month is None or not 1 <= month <= 12:
        raise UnknownDocument(f"没有{month}月：月份应为1到12")
    first = dt.date(year, month, 1)
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    rows = ledger_rows(db, year, first, last)
    return _document(db, f"{year}年{month}月{TITLE}",
                     f"{cn_date(first)}至{cn_date(last)}收到的条目", rows, year, _month_summary(rows))
