"""活动记录: the record form of an activity (时间、地点、主题、参加人员、缺席人员、内容摘要、意见建议),
with the activity's photos placed and scaled under it."""

from __future__ import annotations

from reportlab.lib.units import mm

from presidium_app.domain.enums import ActivityType, Attendance
from presidium_app.printing.documents.common import activity_facts, town
from presidium_app.printing.layout import Document
from presidium_app.printing.model import PrintRequest, RenderedDocument
from presidium_app.storage.database import Database

WIDTHS = (2.9, 4.9, 2.9, 4.9)


def _names(people: list[str]) -> str:
    return f"{'、'.join(people)}（共{len(people)}人）" if people else "无"


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    facts = activity_facts(db, request.object_id, with_photos=True)
    place = town(db)
    title = "代表活动记录"
    doc = Document("form", title, township=place.full_name, header=place.office)
    doc.title(title, space_after=doc.line / 2)
    present = [p.name for p in facts.with_attendance(Attendance.PRESENT)]
    excused = [p.name for p in facts.with_attendance(Attendance.EXCUSED)]
    absent = [p.name for p in facts.with_attendance(Attendance.ABSENT)]
    missing = "；".join(part for part in (
        f"请假：{'、'.join(excused)}" if excused else "",
        f"缺席：{'、'.join(absent)}" if absent else "") if part) or "无"
    rows: list[list[tuple[str, str | None] | None]] = [
        [("活动类型", facts.type.label), ("组织单位", facts.organiser or place.office)],
        [("时　　间", facts.when)],
        [("地　　点", facts.place or "")],
        [("主　　题", facts.topic)],
        [("参加代表", _names(present))],
        [("缺席人员", missing)],
    ]
    if facts.other_participants:
        rows.append([("其他参加人员", facts.other_participants)])
    if facts.type in (ActivityType.VOTER_RECEPTION, ActivityType.DUTY_REPORT) or facts.voters_count:
        rows.append([("参加选民", f"{facts.voters_count}人" if facts.voters_count else "")])
    tall: dict[int, float] = {}
    tall[len(rows)] = 60 * mm
    rows.append([("活动内容摘要", facts.summary)])
    tall[len(rows)] = 30 * mm
    rows.append([("意见建议", facts.opinions_raised or "无")])
    if facts.follow_up:
        rows.append([("后续跟踪", facts.follow_up)])
    doc.fields(rows, WIDTHS, tall=tall)
    doc.paragraph("记录人：　　　　　　　　审核人：　　　　　　　　", indent=False, align="right",
                  size=doc.layout.table_size, space_before=doc.line / 2)
    if facts.photos:
        doc.paragraph("活动照片", role="heading1", indent=False, align="center",
                      space_before=doc.line / 2, space_after=doc.line / 4, keep_with_next=True)
        doc.photos(facts.photos)
    return doc.render()
