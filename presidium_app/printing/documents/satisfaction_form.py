"""回访满意度测评表: the office's follow-up with the submitter of one opinion: the reply, the rating
满意/基本满意/不满意 as tick boxes from the recorded follow-up (empty boxes before it), the date and
the note, and earlier ratings of an item handled again. The submitter is masked."""

from __future__ import annotations

from reportlab.lib.units import mm

from presidium_app.domain.enums import OpinionAction, OpinionStatus, Satisfaction
from presidium_app.printing.documents.common import (
    CheckBoxes,
    masked_submitter,
    opinion_choices,
    opinion_detail,
    town,
)
from presidium_app.printing.layout import CellContent, Document
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument, cn_date
from presidium_app.storage.database import Database

TITLE = "社情民意回访满意度测评表"
WIDTHS = (2.4, 4.4, 2.4, 4.4)
# Replied items: the office feeds the reply back and follows up.
REPLIED = frozenset({OpinionStatus.REPLIED, OpinionStatus.FED_BACK, OpinionStatus.FOLLOWED_UP,
                     OpinionStatus.CLOSED})
RATED = (OpinionAction.FOLLOW_UP, OpinionAction.REDO)


def choices(db: Database, year: int) -> list[tuple[int, str]]:
    return opinion_choices(db, year, REPLIED)


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    detail = opinion_detail(db, request.object_id)
    replies = [e for e in detail.events if e.action == OpinionAction.REPLY]
    if not replies:
        raise UnknownDocument(f"社情民意 {detail.number} 尚未答复（当前状态：{detail.status.label}），"
                              "还不能回访测评")
    events = list(detail.events)
    last_reply = max(i for i, e in enumerate(events) if e.action == OpinionAction.REPLY)
    # The rating of the latest reply (a follow-up after it, if any), and those of earlier replies.
    current = next((e for e in events[last_reply + 1:] if e.action in RATED and e.satisfaction), None)
    earlier = [e for e in events[:last_reply] if e.action in RATED and e.satisfaction]
    place = town(db)
    doc = Document("form", TITLE, township=place.full_name, header=place.office)
    doc.title(TITLE, space_after=doc.line / 4)
    doc.subtitle(f"编号：{detail.number}", size=doc.layout.table_size)

    size = doc.layout.table_size
    boxes = CheckBoxes([s.label for s in Satisfaction], current.satisfaction.label
                       if current is not None and current.satisfaction is not None else None,
                       doc.fonts.name("body"), size)
    rows: list[list[tuple[str, CellContent] | None]] = [
        [("编　　号", detail.number), ("收到日期", cn_date(detail.received_on))],
        [("反 映 人", masked_submitter(detail)), ("村（社区）", detail.village)],
        [("类　　别", detail.category), ("承办单位", detail.lead_unit)],
    ]
    tall = {len(rows): 22 * mm}
    rows.append([("反映内容", detail.content)])
    tall[len(rows)] = 28 * mm
    rows.append([("答复情况", f"{replies[-1].note}（{cn_date(replies[-1].at)}答复）")])
    if earlier:
        history = "\n".join(
            f"{cn_date(e.at)}回访：{e.satisfaction.label if e.satisfaction else ''}"
            + ("，已重新交办" if e.action == OpinionAction.REDO else "")
            + (f"（{e.note}）" if e.note else "") for e in earlier)
        rows.append([("此前回访", history)])
    rows.append([("回访日期", cn_date(current.at) if current else ""),
                 ("回 访 人", current.user if current else "")])
    rows.append([("满意度测评", boxes)])
    tall[len(rows)] = 30 * mm
    rows.append([("回访记录", current.note if current else "")])
    if current is not None and current.satisfaction == Satisfaction.DISSATISFIED:
        redo = "已退回承办单位重新办理" + (f"，期限至{cn_date(current.deadline)}" if current.deadline else "")
        rows.append([("处理情况", redo + "。")])
    else:
        closed = next((e for e in reversed(detail.events) if e.action == OpinionAction.CLOSE), None)
        rows.append([("处理情况", f"{cn_date(closed.at)}办结。" if closed else "")])
    doc.fields(rows, WIDTHS, tall=tall)
    doc.paragraph("说明：回访可采取电话、上门或当面等方式，在对应方框内打“√”；测评为“不满意”的，"
                  "由主席团办公室退回承办单位重新办理。", indent=False, size=size * 0.9,
                  space_before=doc.line / 3)
    return doc.render()
