"""活动通知: the formal notice (GB/T 9704 layout) calling the invited deputies to an activity."""

from __future__ import annotations

import datetime as dt

from presidium_app.domain.enums import ActivityType
from presidium_app.printing.documents.common import activity_facts, town
from presidium_app.printing.layout import Document
from presidium_app.printing.model import PrintRequest, RenderedDocument
from presidium_app.services import township
from presidium_app.storage.database import Database

TITLES = {
    ActivityType.CONGRESS_SESSION: "关于出席镇人民代表大会会议的通知",
    ActivityType.ATTEND_MEETING: "关于列席会议的通知",
    ActivityType.LIVELIHOOD_VOTE: "关于开展民生实事项目票决活动的通知",
    ActivityType.DUTY_REPORT: "关于开展代表述职评议活动的通知",
    ActivityType.VOTER_RECEPTION: "关于开展代表接待选民活动的通知",
    ActivityType.OTHER: "关于开展代表活动的通知",
}
# The notice is dated this many days before the activity (the records hold no issuing date).
NOTICE_DAYS_BEFORE = 7


def notice_title(kind: ActivityType) -> str:
    return TITLES.get(kind, f"关于开展{kind.label}活动的通知")


def issue_date(activity_date: dt.date, today: dt.date | None = None) -> dt.date:
    """A week before the activity, or today for one closer than that."""
    today = today or dt.date.today()
    week_before = activity_date - dt.timedelta(days=NOTICE_DAYS_BEFORE)
    return min(week_before, max(today, activity_date.replace(day=1)))


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    facts = activity_facts(db, request.object_id)
    place = town(db)
    title = notice_title(facts.type)
    doc = Document("formal", title, township=place.full_name)
    doc.title(title)
    doc.paragraph(f"{facts.group_name}各位代表：" if facts.group_name else "各位代表：", indent=False)
    doc.paragraph(f"为充分发挥人大代表作用，经{place.office}研究，决定组织开展{facts.type.label}活动。"
                  "现将有关事项通知如下：")
    doc.heading("一、活动主题")
    doc.paragraph(facts.topic)
    doc.heading("二、时间和地点")
    doc.paragraph(f"时间：{facts.when}。")
    if facts.place:
        doc.paragraph(f"地点：{facts.place}。")
    if facts.organiser:
        doc.paragraph(f"组织单位：{facts.organiser}。")
    doc.heading("三、参加人员")
    if facts.people:
        names = "、".join(p.name for p in facts.people)
        doc.paragraph(f"{names}（共{len(facts.people)}名代表）。")
    else:
        doc.paragraph("全体镇人大代表。")
    if facts.other_participants:
        doc.paragraph(f"同时邀请{facts.other_participants.rstrip('。')}参加。")
    doc.heading("四、有关要求")
    doc.paragraph("（一）请参加活动的代表提前安排好工作，准时参加。因故不能参加的，请于活动前一天"
                  f"向{place.office}办公室请假。")
    doc.paragraph("（二）请代表围绕活动主题，提前了解相关情况，广泛听取和收集选民群众的意见建议，"
                  "在活动中提出有针对性的意见和建议。")
    doc.paragraph("（三）活动期间请遵守有关纪律，注意安全。")
    phone = township.get_township(db).phone if place.name else ""
    if phone:
        doc.paragraph(f"联系电话：{phone}")
    doc.signature(place.office, issue_date(facts.date))
    return doc.render()
