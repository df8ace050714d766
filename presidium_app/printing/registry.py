"""The one list of printable documents, shared by the command line (`presidium print`) and 打印中心.

Each document is a `DocumentSpec` with a `build(db, request)` function in its own module under
`printing/documents/`; `DOCUMENTS` lists them in binder order. `render` looks the document up,
builds it and, for a document holding personal data (`personal=True`: names with phone numbers,
addresses or ID numbers), writes one audit entry `print.<key>` naming the document and the object.
Documents without personal data are not logged: previews and reprints would fill the log with
entries that tell nothing about anyone's data. `choices` lists what a document can be printed
for (the year's activities, sessions, …), newest first, for the UI picker and `print --all`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from presidium_app.printing.documents import (
    activity_notice,
    activity_record,
    sign_in_sheet,
    training_plan,
    training_sign_in,
)
from presidium_app.printing.documents.common import object_choices
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument
from presidium_app.services.audit import SYSTEM, Actor, unit_of_work
from presidium_app.storage.database import Database

__all__ = ["DOCUMENTS", "NEEDS", "DocumentSpec", "PrintRequest", "RenderedDocument", "UnknownDocument",
           "choices", "render", "spec"]

# What a document is about, and the word the messages use for it.
NEEDS = {"year": "年度", "activity": "活动", "training-session": "培训场次", "opinion": "社情民意",
         "suggestion": "代表建议", "deputy": "代表", "none": ""}


@dataclass(frozen=True)
class DocumentSpec:
    key: str  # 'sign-in-sheet' (lowercase ASCII, hyphenated)
    title: str  # '签到表'
    needs: str  # 'year', 'activity', 'training-session', 'opinion', 'suggestion', 'deputy' or 'none'
    personal: bool  # holds personal data: its printing is written to the audit log
    build: Callable[[Database, PrintRequest], RenderedDocument]


# In binder order.
DOCUMENTS: dict[str, DocumentSpec] = {
    spec.key: spec
    for spec in (
        DocumentSpec("training-plan", "年度学习培训计划", "year", False, training_plan.build),
        DocumentSpec("training-sign-in-sheet", "培训签到表", "training-session", False,
                     training_sign_in.build),
        DocumentSpec("activity-notice", "活动通知", "activity", False, activity_notice.build),
        DocumentSpec("sign-in-sheet", "签到表", "activity", False, sign_in_sheet.build),
        DocumentSpec("activity-record", "活动记录", "activity", False, activity_record.build),
    )
}


def spec(key: str) -> DocumentSpec:
    found = DOCUMENTS.get(key)
    if found is None:
        raise UnknownDocument(f"没有名为“{key}”的文书（可用 print --list 查看全部文书）")
    return found


def render(db: Database, key: str, request: PrintRequest, actor: Actor | None = None) -> RenderedDocument:
    """Build a document; an unknown key or object raises UnknownDocument (a NotFound)."""
    document = spec(key)
    needs = NEEDS.get(document.needs, "")
    if document.needs not in ("year", "none") and request.object_id is None:
        raise UnknownDocument(f"打印“{document.title}”须指定{needs}（--id）")
    rendered = document.build(db, request)
    if document.personal:
        with unit_of_work(db, actor or SYSTEM, f"print.{key}", document.needs) as change:
            change.object_id = request.object_id
            change.summary = f"打印{document.title}：{rendered.title}（{rendered.pages}页）"
    return rendered


def choices(db: Database, key: str, year: int) -> list[tuple[int, str]]:
    """The objects the document can be printed for in `year`, newest first: (id, label).
    Empty for a document of the year ('year') or of nothing ('none')."""
    return object_choices(db, spec(key).needs, year)
