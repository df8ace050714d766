"""社情民意交办单: the presidium's slip handing one opinion to its lead unit (and assisting units) with
the deadline and what the unit must do, and a receipt the unit signs and returns. Not internal:
the submitter's name is masked and neither phone nor ID number is printed."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from presidium_app.domain.enums import OpinionAction, OpinionStatus
from presidium_app.printing.documents.common import (
    CutLine,
    masked_submitter,
    opinion_choices,
    opinion_detail,
    town,
)
from presidium_app.printing.layout import CellContent, Document
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument, cn_date
from presidium_app.services import mailbox, settings, township
from presidium_app.services.errors import NotFound
from presidium_app.storage.database import Database

TITLE = "社情民意交办单"
WIDTHS = (2.4, 4.4, 2.4, 4.4)
# Items handed to a unit at least once and not taken back: they have a slip.
ASSIGNED = frozenset({OpinionStatus.ASSIGNED, OpinionStatus.REPLIED, OpinionStatus.FED_BACK,
                      OpinionStatus.FOLLOWED_UP, OpinionStatus.CLOSED})
HANDOVERS = (OpinionAction.ASSIGN, OpinionAction.REDO)


def choices(db: Database, year: int) -> list[tuple[int, str]]:
    return opinion_choices(db, year, ASSIGNED)


def _phone(db: Database) -> str:
    try:
        return township.get_township(db).phone
    except NotFound:
        return ""


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    detail = opinion_detail(db, request.object_id)
    handover = next((e for e in reversed(detail.events) if e.action in HANDOVERS), None)
    if handover is None or detail.status not in ASSIGNED or not detail.lead_unit:
        raise UnknownDocument(f"社情民意 {detail.number} 尚未交办（当前状态：{detail.status.label}），"
                              "没有交办单可打印")
    place = town(db)
    redo = handover.action == OpinionAction.REDO
    title = f"{TITLE}（重新办理）" if redo else TITLE
    doc = Document("form", TITLE, township=place.full_name, header=place.office)
    doc.title(title, space_after=doc.line / 2)

    lead = handover.lead_unit or detail.lead_unit
    deadline = detail.deadline or handover.deadline
    assisting = detail.assisting_units
    assisting_text = "、".join(unit.name for unit in assisting) or "无"
    # The assisting units by the day their view is due to the lead unit.
    due: dict[str, list[str]] = {}
    for unit in assisting:
        due.setdefault(cn_date(unit.deadline) if unit.deadline else "", []).append(unit.name)
    rows: list[list[tuple[str, CellContent] | None]] = [
        [("编　　号", detail.number), ("交办日期", cn_date(handover.at))],
        [("反 映 人", masked_submitter(detail, phone=False)), ("村（社区）", detail.village)],
        [("来源渠道", detail.channel.label), ("类　　别", detail.category)],
        [("收到日期", cn_date(detail.received_on)),
         ("办理期限", cn_date(deadline) if deadline else "")],
    ]
    tall = {len(rows): 25 * mm}
    rows.append([("反映内容", detail.content)])
    if redo and handover.note:
        rows.append([("回访意见", f"反映人不满意，要求重新办理：{handover.note}")])
    rows.append([("主办单位", lead)])
    rows.append([("协办单位", assisting_text)])
    doc.fields(rows, WIDTHS, tall=tall)

    return_days = int(settings.get(db, "deadlines.return_working_days"))
    return_by = mailbox.return_due(db, handover.at)
    doc.paragraph("办理要求", role="heading1", indent=False, size=doc.layout.table_size,
                  space_before=doc.line / 2, space_after=doc.line / 6, keep_with_next=True)
    requirements = [
        f"请于{cn_date(deadline)}前将办理情况书面答复{place.office}，答复意见由单位负责人签字"
        "并加盖公章，同时填写《办理答复反馈单》。" if deadline else
        f"请在规定期限内将办理情况书面答复{place.office}。",
    ]
    if assisting:
        views = "；".join(f"{'、'.join(names)}请于{day}前" if day else f"{'、'.join(names)}请及时"
                         for day, names in due.items())
        requirements.append(f"{views}将协办意见送主办单位，由主办单位汇总后统一答复。")
    requirements.append(
        f"如认为交办事项不属于本单位职责范围，请自交办之日起{return_days}个工作日内"
        f"（{cn_date(return_by)}前）书面说明理由退回{place.office}，不得自行转办或拖延。")
    requirements.append("办理中请主动与反映人沟通，答复内容应具体明确；到期确实不能办结的，"
                        "应说明原因和计划办结时间。")
    phone = _phone(db)
    if phone:
        requirements.append(f"联系电话：{phone}。")
    numbered = "\n".join(f"{number}. {text}" for number, text in enumerate(requirements, start=1))
    doc.paragraph(numbered, size=doc.layout.table_size)
    doc.signature(place.office, handover.at, lines_before=0.6)

    # The receipt: kept whole, on the page of the slip when it fits.
    font = doc.fonts.name("body")
    size = doc.layout.table_size
    start = len(doc.story)
    doc.add(CutLine("请沿虚线剪下回执，签收后交回", font, size * 0.9, doc.line / 4))
    doc.paragraph("回　执", role="heading1", indent=False, align="center", size=size * 1.2,
                  space_after=doc.line / 4)
    doc.paragraph(f"编号：{detail.number}　　主办单位：{lead}　　交办日期：{cn_date(handover.at)}",
                  indent=False, align="left", size=size, space_after=doc.line / 2)
    doc.paragraph("承办单位签收：____________　　日期：____________", indent=False, align="left",
                  size=size)
    doc.story[start:] = [KeepTogether(doc.story[start:])]
    return doc.render()
