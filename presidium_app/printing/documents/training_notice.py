"""学习培训通知: the formal notice (GB/T 9704 layout) of one training session of the year's plan:
topic, time and place, speaker and form, who attends, and what is asked of them."""

from __future__ import annotations

import datetime as dt

from presidium_app.printing.documents.activity_notice import issue_date
from presidium_app.printing.documents.common import SessionFacts, session_facts, town
from presidium_app.printing.layout import Document
from presidium_app.printing.model import PrintRequest, RenderedDocument
from presidium_app.services import township
from presidium_app.services.errors import NotFound
from presidium_app.storage.database import Database

TITLE = "关于举办人大代表学习培训的通知"


def _when(facts: SessionFacts) -> str:
    if facts.date is None:
        return f"{facts.year}年{facts.month}月（具体时间另行通知）"
    return facts.when


def _issued(facts: SessionFacts) -> dt.date:
    """A week before the session (as for activity notices); the first of its month when the day
    is not fixed yet."""
    if facts.date is None:
        return dt.date(facts.year, facts.month, 1)
    return issue_date(facts.date)


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    facts = session_facts(db, request.object_id)
    place = town(db)
    doc = Document("formal", TITLE, township=place.full_name)
    doc.title(TITLE)
    doc.paragraph("各位代表：", indent=False)
    plan = f"根据《{facts.plan_title}》，" if facts.plan_title else ""
    doc.paragraph(f"为提高代表依法履职能力，{plan}{place.office}决定举办人大代表学习培训。"
                  "现将有关事项通知如下：")
    # Headings run into their text (一、培训主题：…) so that a notice keeps to one page.
    doc.paragraph([("一、培训主题：", "heading1"), (f"{facts.topic.rstrip('。')}。", "body")])
    where = f"；地点：{facts.place}" if facts.place else "；地点另行通知"
    doc.paragraph([("二、时间和地点：", "heading1"), (f"时间：{_when(facts)}{where}。", "body")])
    hours = f"，共{facts.hours:g}学时" if facts.hours else ""
    speaker = f"，由{facts.speaker}主讲" if facts.speaker else ""
    doc.paragraph([("三、培训形式：", "heading1"), (f"{facts.form}{hours}{speaker}。", "body")])
    audience = facts.audience.strip().rstrip("。") if facts.audience.strip() else "全体镇人大代表"
    doc.paragraph([("四、参加人员：", "heading1"), (f"{audience}。", "body")])
    doc.paragraph([("五、有关要求：", "heading1"), (
        "请参训代表合理安排工作，准时参加并签到，遵守学习纪律，做好学习笔记。因故不能参加的，"
        f"请于培训前一天向{place.office}办公室请假，事后通过自学补上所缺内容。培训情况记入代表履职档案。",
        "body")])
    try:
        phone = township.get_township(db).phone
    except NotFound:
        phone = ""
    if phone:
        doc.paragraph(f"联系电话：{phone}")
    doc.signature(place.office, _issued(facts))
    return doc.render()
