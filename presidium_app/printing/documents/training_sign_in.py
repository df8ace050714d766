"""培训签到表: a training session's facts and its sign-in grid (the deputies recorded when it was
held, else every deputy serving on its day)."""

from __future__ import annotations

from presidium_app.printing.documents.common import session_facts, town
from presidium_app.printing.documents.sign_in_sheet import sign_in_table
from presidium_app.printing.layout import Document
from presidium_app.printing.model import PrintRequest, RenderedDocument
from presidium_app.storage.database import Database


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    facts = session_facts(db, request.object_id)
    place = town(db)
    title = "人大代表学习培训签到表"
    doc = Document("form", title, township=place.full_name, header=place.office)
    doc.title(title, space_after=doc.line / 2)
    hours = f"{facts.hours:g}学时" if facts.hours else ""
    doc.fields([
        [("培训主题", facts.topic)],
        [("时　　间", facts.when), ("学　　时", hours)],
        [("地　　点", facts.place or "")],
        [("主 讲 人", facts.speaker or ""), ("形　　式", facts.form)],
    ], (2.2, 7.0, 2.0, 2.4))
    doc.blank(0.5)
    sign_in_table(doc, facts.people)
    doc.paragraph(f"应到{len(facts.people)}人，实到　　人。", indent=False, size=doc.layout.table_size,
                  space_before=doc.line / 3)
    return doc.render()
