"""社情民意登记表: the office's internal registration form of one opinion, with the submitter's full
name, phone and address (a personal document: its printing is written to the audit log)."""

from __future__ import annotations

from reportlab.lib.units import mm

from presidium_app.domain.enums import Channel, OpinionAction, OpinionStatus
from presidium_app.domain.mailbox import MailboxOpening
from presidium_app.printing.documents.common import cn_date_or_blank, opinion_detail, town
from presidium_app.printing.layout import CellContent, Document
from presidium_app.printing.model import PrintRequest, RenderedDocument, cn_date
from presidium_app.services.activities import get_activity
from presidium_app.services.errors import NotFound
from presidium_app.storage.database import Database

TITLE = "社情民意登记表"
WIDTHS = (2.4, 4.4, 2.4, 4.4)


def _opening_text(db: Database, opening_id: int | None) -> str:
    """2026年1月5日王秀英、张丽华开箱（本次共1件）"""
    if opening_id is None:
        return ""
    with db.session() as session:
        opening = session.get(MailboxOpening, opening_id)
        if opening is None:
            return ""
        return (f"{cn_date(opening.opened_on)}{opening.opened_by_1}、{opening.opened_by_2}开箱"
                f"（本次共{opening.item_count}件）")


def _activity_text(db: Database, activity_id: int | None) -> str:
    if activity_id is None:
        return ""
    try:
        record = get_activity(db, activity_id)
    except NotFound:
        return ""
    data = record.data
    return f"{cn_date(data.activity_date)}{data.type.label}：{data.topic}"


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    detail = opinion_detail(db, request.object_id)
    place = town(db)
    doc = Document("form", TITLE, township=place.full_name, header=place.office)
    doc.title(TITLE, space_after=doc.line / 4)
    doc.subtitle(f"编号：{detail.number}", size=doc.layout.table_size)
    register = next((e for e in detail.events if e.action == OpinionAction.REGISTER), None)
    assign = next((e for e in reversed(detail.events) if e.action == OpinionAction.ASSIGN), None)

    if detail.anonymous:
        who: list[tuple[str, CellContent] | None] = [("反 映 人", "匿名"), ("联系电话", "")]
    else:
        who = [("反 映 人", detail.submitter_name), ("联系电话", detail.submitter_phone)]
    rows: list[list[tuple[str, CellContent] | None]] = [
        [("编　　号", detail.number), ("收到日期", cn_date(detail.received_on))],
        [("来源渠道", detail.channel.label), ("类　　别", detail.category)],
        who,
        [("住　　址", "" if detail.anonymous else detail.submitter_address)],
        [("村（社区）", detail.village), ("接收代表", detail.receiving_deputy)],
    ]
    if detail.channel == Channel.MAILBOX or detail.mailbox_opening_id is not None:
        rows.append([("开箱记录", _opening_text(db, detail.mailbox_opening_id) or "未关联开箱记录")])
    activity = _activity_text(db, detail.activity_id)
    if activity:
        rows.append([("来源活动", activity)])
    tall = {len(rows): 70 * mm}
    rows.append([("反映内容", detail.content)])
    tall[len(rows)] = 25 * mm
    if assign is not None:
        units = "、".join(a.name for a in assign.assisting_units)
        proposal = (f"交{assign.lead_unit or detail.lead_unit}办理"
                    + (f"，{units}协办" if units else "")
                    + (f"，办理期限至{cn_date(assign.deadline)}" if assign.deadline else "")
                    + f"（{cn_date(assign.at)}交办）。")
    elif detail.status in (OpinionStatus.REJECTED, OpinionStatus.REDIRECTED):
        refused = next((e for e in reversed(detail.events)
                        if e.action in (OpinionAction.REJECT, OpinionAction.REDIRECT)), None)
        why = (refused.reason or refused.note) if refused else ""
        proposal = detail.status.label + (f"：{why}" if why else "")
        if refused is not None:
            proposal += f"（{cn_date(refused.at)}）。"
    else:
        proposal = ""
    rows.append([("拟办意见", proposal)])
    tall[len(rows)] = 18 * mm
    rows.append([("领导批示", "")])
    rows.append([("登 记 人", register.user if register else ""),
                 ("登记日期", cn_date_or_blank(register.at if register else detail.received_on))])
    if register is not None and register.note:
        rows.append([("备　　注", register.note)])
    doc.fields(rows, WIDTHS, tall=tall)
    doc.paragraph("本表含反映人个人信息，仅供内部登记办理使用，不得公开或外传。", indent=False,
                  size=doc.layout.table_size * 0.9, space_before=doc.line / 3)
    return doc.render()
