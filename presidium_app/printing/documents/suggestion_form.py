"""代表建议办理单: one deputy suggestion from referral to close: the suggestion and its deputies, the
lead and assisting units and the deadline, every reply with its result class (A 已解决 …), every
contact between the unit and the deputy with the tally against 三访两见面, the deputy's rating as
tick boxes, and any re-handling after a dissatisfied rating."""

from __future__ import annotations

from reportlab.lib.units import mm

from presidium_app.domain.enums import Satisfaction, SuggestionAction
from presidium_app.printing.documents.common import CheckBoxes, town
from presidium_app.printing.layout import CellContent, Document
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument, cn_date
from presidium_app.printing.text import Align
from presidium_app.services import suggestion_list
from presidium_app.services.errors import NotFound
from presidium_app.storage.database import Database

TITLE = "代表建议办理单"
WIDTHS = (2.4, 4.4, 2.4, 4.4)
REPLY_HEADER = ("答复日期", "办理结果", "答复内容")
REPLY_WIDTHS = (3.2, 3.0, 7.4)
CONTACT_HEADER = ("日期", "阶段", "方式", "承办单位", "参加人员及情况")
CONTACT_WIDTHS = (3.3, 1.6, 2.1, 3.4, 5.6)


def _detail(db: Database, suggestion_id: int | None) -> suggestion_list.SuggestionDetail:
    if suggestion_id is None:
        raise UnknownDocument("须指定代表建议（--id）")
    try:
        return suggestion_list.load_detail(db, suggestion_id)
    except NotFound:
        raise UnknownDocument(f"没有编号为 {suggestion_id} 的代表建议") from None


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    detail = _detail(db, request.object_id)
    place = town(db)
    doc = Document("form", TITLE, township=place.full_name, header=place.office)
    doc.title(TITLE, space_after=doc.line / 4)
    doc.subtitle(f"编号：{detail.number}", size=doc.layout.table_size)
    size = doc.layout.table_size
    events = detail.events
    refer = next((e for e in events if e.action == SuggestionAction.REFER), None)
    replies = [e for e in events if e.action == SuggestionAction.REPLY]
    ratings = [e for e in events if e.action in (SuggestionAction.RATE, SuggestionAction.REDO)
               and e.satisfaction is not None]
    redos = [e for e in events if e.action == SuggestionAction.REDO]
    closed = next((e for e in reversed(events) if e.action == SuggestionAction.CLOSE), None)

    assisting = "；".join(
        f"{unit.name}（{cn_date(unit.deadline)}前提出协办意见）" if unit.deadline else unit.name
        for unit in detail.assisting_units) or "无"
    deadline = cn_date(detail.deadline) if detail.deadline else ""
    if detail.overdue:
        deadline += f"（已逾期{detail.overdue_days}天）"
    rows: list[list[tuple[str, CellContent] | None]] = [
        [("编　　号", detail.number), ("提出日期", cn_date(detail.submitted_on))],
        [("标　　题", detail.title)],
        [("领衔代表", detail.lead_deputy), ("类　　别", detail.category)],
        [("附议代表", "、".join(detail.co_signers) or "无")],
    ]
    if detail.opinion_number:
        rows.append([("来源", f"由社情民意 {detail.opinion_number} 转为代表建议")])
    tall = {len(rows): 28 * mm}
    rows.append([("建议内容", detail.content)])
    rows += [
        [("主办单位", detail.lead_unit), ("交办日期", cn_date(refer.at) if refer else "")],
        [("协办单位", assisting)],
        [("答复期限", deadline), ("办理状态", detail.status.label)],
    ]
    doc.fields(rows, WIDTHS, tall=tall)

    def section(text: str) -> None:
        doc.paragraph(text, role="heading1", indent=False, size=size * 1.1,
                      space_before=doc.line / 2, space_after=doc.line / 6, keep_with_next=True)

    section("一、办理答复")
    reply_rows: list[list[str | None]] = [list(REPLY_HEADER)]
    for e in replies:
        result = f"{e.result_class.letter} {e.result_class.label}" if e.result_class else ""
        reply_rows.append([cn_date(e.at), result, e.note])
    style = []
    if not replies:
        reply_rows.append(["承办单位尚未答复", None, None])
        style.append(("SPAN", (0, 1), (-1, 1)))
    doc.table(reply_rows, REPLY_WIDTHS, aligns=("center", "center", "left"), extra_style=style)
    doc.paragraph("办理结果分类：A 已解决　B 正在解决　C 列入计划　D 留作参考", indent=False,
                  size=size * 0.9, space_before=doc.line / 6)

    section("二、联系代表情况（三访两见面）")
    # The unit column only when a contact was made by another unit than the lead unit.
    by_other = any(c.unit and c.unit != detail.lead_unit for c in detail.contacts)
    columns = [0, 1, 2, 3, 4] if by_other else [0, 1, 2, 4]
    contact_rows: list[list[str | None]] = [[CONTACT_HEADER[i] for i in columns]]
    for c in detail.contacts:
        people = "；".join(part for part in (c.people, c.note) if part)
        cells = [cn_date(c.contacted_on), c.stage.label, c.kind.label, c.unit, people]
        contact_rows.append([cells[i] for i in columns])
    style = []
    if not detail.contacts:
        contact_rows.append(["尚无联系记录"] + [None] * (len(columns) - 1))
        style.append(("SPAN", (0, 1), (-1, 1)))
    aligns: list[Align] = ["center", "center", "center", "left", "left"]
    doc.table(contact_rows, [CONTACT_WIDTHS[i] for i in columns], aligns=[aligns[i] for i in columns],
              extra_style=style)
    doc.paragraph(f"合计：{detail.tally.text}", indent=False, size=size,
                  space_before=doc.line / 6)

    section("三、代表测评")
    current = ratings[-1] if ratings else None
    boxes = CheckBoxes([s.label for s in Satisfaction],
                       current.satisfaction.label if current and current.satisfaction else None,
                       doc.fonts.name("body"), size)
    rate_rows: list[list[tuple[str, CellContent] | None]] = [
        [("测评结果", boxes)],
        [("测评日期", cn_date(current.at) if current else ""),
         ("办结日期", cn_date(closed.at) if closed else "")],
    ]
    if current is not None and current.note:
        rate_rows.append([("代表意见", current.note)])
    if redos:
        rate_rows.append([("重新办理", "\n".join(
            f"{cn_date(e.at)}代表测评不满意，退回{e.lead_unit or detail.lead_unit}重新办理"
            + (f"，期限至{cn_date(e.deadline)}" if e.deadline else "")
            + (f"（{e.note}）" if e.note else "") + "。" for e in redos))])
    else:
        rate_rows.append([("重新办理", "无")])
    doc.fields(rate_rows, WIDTHS)
    return doc.render()
