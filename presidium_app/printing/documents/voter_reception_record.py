"""接待选民记录: one voter reception at a liaison station: when and where, the deputies present, how
many voters came, the opinions they raised (one a line) and which of them were registered in the
mailbox (opinions linked to the activity, with their numbers). Only for an activity of type
接待选民: `choices` lists the year's voter receptions."""

from __future__ import annotations

from reportlab.lib.units import mm
from sqlalchemy import select

from presidium_app.domain.activities import Activity
from presidium_app.domain.deputies import LiaisonStation
from presidium_app.domain.enums import ActivityType, Attendance
from presidium_app.domain.mailbox import Opinion
from presidium_app.printing.documents.common import activity_facts, town
from presidium_app.printing.layout import CellContent, Document
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument
from presidium_app.services.activities import raised_opinions
from presidium_app.services.rules import year_window
from presidium_app.storage.database import Database

TITLE = "代表接待选民记录"
WIDTHS = (2.4, 4.4, 2.4, 4.4)
OPINION_HEADER = ("序号", "选民反映的意见建议", "登记情况")
OPINION_WIDTHS = (1.2, 9.6, 2.8)


def choices(db: Database, year: int) -> list[tuple[int, str]]:
    """The year's voter receptions, newest first."""
    first, last = year_window(year)
    with db.session() as session:
        rows = session.execute(
            select(Activity.id, Activity.activity_date, Activity.place, Activity.topic)
            .where(Activity.type == ActivityType.VOTER_RECEPTION,
                   Activity.activity_date.between(first, last))
            .order_by(Activity.activity_date.desc(), Activity.id.desc()))
        return [(i, f"{d.isoformat()} {place or topic}") for i, d, place, topic in rows]


def _station_and_links(db: Database, activity_id: int) -> tuple[str, list[tuple[str, str]]]:
    """The liaison station's name, and the opinions registered from the activity (number, text)."""
    with db.session() as session:
        station = session.scalar(
            select(LiaisonStation.name).join(Activity, Activity.station_id == LiaisonStation.id)
            .where(Activity.id == activity_id))
        linked = [(f"{year}-{seq:04d}", content) for year, seq, content in session.execute(
            select(Opinion.year, Opinion.seq, Opinion.content)
            .where(Opinion.activity_id == activity_id).order_by(Opinion.year, Opinion.seq))]
    return station or "", linked


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    facts = activity_facts(db, request.object_id)
    if facts.type != ActivityType.VOTER_RECEPTION:
        raise UnknownDocument(f"活动 {facts.id} 是“{facts.type.label}”，不是接待选民活动，"
                              "不能打印接待选民记录（请改用活动记录）")
    station, linked = _station_and_links(db, facts.id)
    raised = [item.content for item in raised_opinions(db, facts.id)]
    place = town(db)
    doc = Document("form", TITLE, township=place.full_name, header=place.office)
    doc.title(TITLE, space_after=doc.line / 2)

    present = [p.name for p in facts.with_attendance(Attendance.PRESENT)]
    where = facts.place or station
    if station and facts.place and station not in facts.place:
        where = f"{station}（{facts.place}）"
    rows: list[list[tuple[str, CellContent] | None]] = [
        [("接待时间", facts.when)],
        [("接待地点", where)],
        [("接待代表", f"{'、'.join(present)}（共{len(present)}人）" if present else "")],
        [("接待选民", f"{facts.voters_count}人" if facts.voters_count else ""),
         ("组织单位", facts.organiser or place.office)],
    ]
    if facts.topic:
        rows.insert(2, [("接待主题", facts.topic)])
    doc.fields(rows, WIDTHS)

    doc.paragraph("选民反映的意见建议", role="heading1", indent=False, size=doc.layout.table_size * 1.1,
                  space_before=doc.line / 2, space_after=doc.line / 6, keep_with_next=True)
    numbers = {content.strip(): number for number, content in linked}
    table: list[list[str | None]] = [list(OPINION_HEADER)]
    matched: set[str] = set()
    for item in raised:
        number = numbers.get(item.strip())
        if number:
            matched.add(number)
        table.append([str(len(table)), item, f"已登记\n{number}" if number else "未登记"])
    # Items registered from the reception whose text was edited in the mailbox afterwards.
    for number, content in linked:
        if number not in matched:
            table.append([str(len(table)), content, f"已登记\n{number}"])
    style = []
    if len(table) == 1:
        table.append(["本次接待未记录选民意见建议", None, None])
        style.append(("SPAN", (0, 1), (-1, 1)))
    doc.table(table, OPINION_WIDTHS, aligns=("center", "left", "center"), extra_style=style,
              min_height=10 * mm)
    registered = len(linked)
    doc.paragraph(f"共{len(table) - 1 if raised or linked else 0}条，已登记进入社情民意信箱{registered}条。",
                  indent=False, size=doc.layout.table_size, space_before=doc.line / 6)

    tail: list[list[tuple[str, CellContent] | None]] = []
    tall: dict[int, float] = {}
    tall[len(tail)] = 25 * mm
    tail.append([("接待情况", facts.summary)])
    tall[len(tail)] = 18 * mm
    tail.append([("后续跟踪", facts.follow_up)])
    doc.blank(0.3)
    doc.fields(tail, WIDTHS, tall=tall)
    doc.paragraph("记录人：　　　　　　　　审核人：　　　　　　　　", indent=False, align="right",
                  size=doc.layout.table_size, space_before=doc.line / 2)
    return doc.render()
