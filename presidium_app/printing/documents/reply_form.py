"""办理答复反馈单: the lead unit's written reply to one opinion (from the 答复 steps) and the office's
feedback to the submitter (the 反馈 step), the submitter masked. Printed before the reply, the
boxes are left empty for the unit to fill in by hand."""

from __future__ import annotations

from reportlab.lib.units import mm

from presidium_app.domain.enums import OpinionAction
from presidium_app.printing.documents.assignment_slip import ASSIGNED
from presidium_app.printing.documents.common import (
    masked_submitter,
    opinion_choices,
    opinion_detail,
    town,
)
from presidium_app.printing.layout import CellContent, Document
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument, cn_date
from presidium_app.services.opinion_list import EventInfo
from presidium_app.storage.database import Database

TITLE = "社情民意办理答复反馈单"
WIDTHS = (2.4, 4.4, 2.4, 4.4)


def choices(db: Database, year: int) -> list[tuple[int, str]]:
    return opinion_choices(db, year, ASSIGNED)


def _dated(events: list[EventInfo]) -> str:
    """One step's note, or several (an item handled again) each with its date."""
    if len(events) == 1:
        return events[0].note
    return "\n".join(f"{cn_date(e.at)}：{e.note}" for e in events)


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    detail = opinion_detail(db, request.object_id)
    assign = next((e for e in detail.events if e.action == OpinionAction.ASSIGN), None)
    if assign is None or detail.status not in ASSIGNED:
        raise UnknownDocument(f"社情民意 {detail.number} 尚未交办（当前状态：{detail.status.label}），"
                              "没有答复反馈单可打印")
    place = town(db)
    doc = Document("form", TITLE, township=place.full_name, header=place.office)
    doc.title(TITLE, space_after=doc.line / 4)
    doc.subtitle(f"编号：{detail.number}", size=doc.layout.table_size)

    replies = [e for e in detail.events if e.action == OpinionAction.REPLY]
    feedbacks = [e for e in detail.events if e.action == OpinionAction.FEED_BACK]
    assisting = "、".join(unit.name for unit in detail.assisting_units) or "无"
    rows: list[list[tuple[str, CellContent] | None]] = [
        [("编　　号", detail.number), ("收到日期", cn_date(detail.received_on))],
        [("反 映 人", masked_submitter(detail)), ("村（社区）", detail.village)],
        [("类　　别", detail.category), ("交办日期", cn_date(assign.at))],
        [("主办单位", detail.lead_unit), ("办理期限", cn_date(detail.deadline) if detail.deadline else "")],
        [("协办单位", assisting)],
    ]
    tall = {len(rows): 25 * mm}
    rows.append([("反映内容", detail.content)])
    tall[len(rows)] = 55 * mm
    rows.append([("答复情况", _dated(replies) if replies else "")])
    rows.append([("答复日期", cn_date(replies[-1].at) if replies else ""), ("单位负责人", "")])
    tall[len(rows)] = 30 * mm
    rows.append([("反馈情况", _dated(feedbacks) if feedbacks else "")])
    rows.append([("反馈日期", cn_date(feedbacks[-1].at) if feedbacks else ""),
                 ("反 馈 人", feedbacks[-1].user if feedbacks else "")])
    doc.fields(rows, WIDTHS, tall=tall)
    doc.paragraph("说明：“答复情况”由承办单位填写，单位负责人签字并加盖公章后送主席团办公室；"
                  "“反馈情况”由主席团办公室将答复意见告知反映人后填写。", indent=False,
                  size=doc.layout.table_size * 0.9, space_before=doc.line / 3)
    return doc.render()
