"""制度上墙: the eight rule texts of the activity room (services.wall_rules.list_rules: the
township's text where it edited one), one rule a page on an A4 (or A3) board: the title large and
centred, the paragraphs in large type, the presidium's name at the foot. A text too long for the
page at the board's type size is set smaller, down to a floor, before it would run onto a second
page."""

from __future__ import annotations

from reportlab.platypus import PageBreak

from presidium_app.printing.documents.common import town
from presidium_app.printing.layout import SIZES, Document
from presidium_app.printing.model import PrintRequest, RenderedDocument
from presidium_app.services.wall_rules import RuleText, list_rules
from presidium_app.storage.database import Database

TITLE = "制度上墙"
# Body sizes tried in turn, largest first, per board (points).
BODY_SIZES = {
    "board-a4": (SIZES["小二"], SIZES["三号"], SIZES["小三"], SIZES["四号"], SIZES["小四"]),
    "board-a3": (SIZES["一号"], SIZES["小一"], SIZES["二号"], SIZES["小二"], SIZES["三号"]),
}


def _height(doc: Document, rule: RuleText, size: float) -> float:
    """The height of one rule's page at body size `size` (title, paragraphs, office)."""
    total = doc.layout.title_size * 1.35 + doc.line
    for paragraph in rule.paragraphs:
        block = doc.text(paragraph, doc.style(size=size, indent=2.0))
        total += block.wrap(doc.width, 1e6)[1]
    total += doc.style(size=size).leading * 2
    return total


def _rule_page(doc: Document, rule: RuleText, office: str) -> None:
    sizes = BODY_SIZES[doc.layout.key]
    size = next((s for s in sizes if _height(doc, rule, s) <= doc.layout.height), sizes[-1])
    doc.title(rule.title)
    for paragraph in rule.paragraphs:
        doc.paragraph(paragraph, size=size)
    doc.paragraph(office, indent=False, align="right", size=size,
                  space_before=doc.style(size=size).leading)


def build_rules(db: Database, layout: str) -> RenderedDocument:
    place = town(db)
    doc = Document(layout, TITLE, township=place.full_name)
    for number, rule in enumerate(list_rules(db)):
        if number:
            doc.add(PageBreak())
        _rule_page(doc, rule, place.office)
    return doc.render()


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    return build_rules(db, "board-a4")


def build_a3(db: Database, request: PrintRequest) -> RenderedDocument:
    return build_rules(db, "board-a3")
