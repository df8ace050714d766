"""签到表: the activity's facts and a table of invited deputies with a wide, empty signature column;
the header row repeats on every page. A few blank rows follow for deputies not on the list."""

from __future__ import annotations

from collections.abc import Sequence

from presidium_app.printing.documents.common import Person, activity_facts, town
from presidium_app.printing.layout import Document
from presidium_app.printing.model import PrintRequest, RenderedDocument
from presidium_app.storage.database import Database

BLANK_ROWS = 3
ROW_HEIGHT = 30.0  # points: room for a handwritten signature
HEADER = ("序号", "姓名", "代表小组/单位", "签到", "备注")
WIDTHS = (1.0, 2.2, 4.2, 4.0, 2.2)


def sign_in_table(doc: Document, people: Sequence[Person], blank_rows: int = BLANK_ROWS) -> None:
    """The sign-in grid every sign-in sheet shares."""
    rows: list[list[str | None]] = [list(HEADER)]
    for number, person in enumerate(people, start=1):
        rows.append([str(number), person.name, person.group, None, None])
    for number in range(len(people) + 1, len(people) + 1 + blank_rows):
        rows.append([str(number), None, None, None, None])
    doc.table(rows, WIDTHS, aligns=("center", "center", "left", "left", "left"), min_height=ROW_HEIGHT)


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    facts = activity_facts(db, request.object_id)
    place = town(db)
    kind = facts.type.label
    title = f"{kind}活动签到表" if kind.endswith(("察", "研", "查", "询")) else "代表活动签到表"
    doc = Document("form", title, township=place.full_name, header=place.office)
    doc.title(title, space_after=doc.line / 2)
    doc.fields([
        [("活动主题", facts.topic)],
        [("时　　间", facts.when)],
        [("地　　点", facts.place or "")],
        [("组织单位", facts.organiser or place.office)],
    ], (2.2, 11.4))
    doc.blank(0.5)
    sign_in_table(doc, facts.people)
    doc.paragraph(f"应到{len(facts.people)}人，实到　　人。", indent=False, size=doc.layout.table_size,
                  space_before=doc.line / 3)
    return doc.render()
