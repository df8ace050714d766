"""年度学习培训计划: the year's plan in the formal layout: goals, the sessions as a table, and the
requirements, signed by the presidium."""

from __future__ import annotations

from presidium_app.printing.documents.common import town
from presidium_app.printing.layout import Document
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument
from presidium_app.services import training
from presidium_app.storage.database import Database

HEADER = ("序号", "时间", "培训主题", "形式", "主讲人", "地点", "学时")
WIDTHS = (1.6, 3.0, 4.6, 2.8, 4.0, 4.0, 1.6)


def _day(session: training.SessionRecord) -> str:
    """The day without the year (the title names it): 3月5日, or the month when not fixed."""
    day = session.held_on or session.data.planned_date
    return f"{day.month}月{day.day}日" if day else f"{session.data.planned_month}月"


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    year = request.year_or_current
    plan = training.find_plan(db, year)
    if plan is None:
        raise UnknownDocument(f"{year}年度还没有学习培训计划")
    place = town(db)
    doc = Document("formal", plan.title, township=place.full_name)
    doc.title(plan.title)
    doc.heading("一、培训目标")
    for paragraph in (plan.goals or "").split("\n"):
        if paragraph.strip():
            doc.paragraph(paragraph.strip())
    if not plan.goals.strip():
        doc.paragraph("围绕提高代表依法履职能力，组织全体代表参加集中学习培训。")
    hours = sum(s.data.hours for s in plan.sessions)
    doc.heading("二、培训安排")
    doc.paragraph(f"全年计划安排集中学习培训{len(plan.sessions)}次，共{hours:g}学时，具体安排如下：")
    rows: list[list[str | None]] = [list(HEADER)]
    for number, session in enumerate(plan.sessions, start=1):
        data = session.data
        rows.append([str(number), _day(session), data.topic, data.form.label, data.speaker, data.place,
                     f"{data.hours:g}" if data.hours else ""])
    doc.table(rows, WIDTHS, aligns=("center", "center", "left", "center", "left", "left", "center"),
              space_before=doc.line / 2, space_after=doc.line / 2)
    doc.heading("三、有关要求")
    doc.paragraph("（一）提高认识，认真参学。学习培训是代表依法履职的基础，全体代表要按时参加，"
                  "因故不能参加的须事先请假，并通过自学补上所缺内容。")
    doc.paragraph(f"（二）精心组织，注重实效。{place.office}负责制定每次培训的具体方案，做好通知、"
                  "签到、记录和资料归档工作，培训情况记入代表履职档案。")
    doc.paragraph("（三）学用结合，提升能力。代表要把学习成果运用到视察调研、审议发言、联系选民和"
                  "提出建议等履职活动中，不断提高履职水平。")
    doc.signature(place.office, f"{year}年1月")
    return doc.render()
