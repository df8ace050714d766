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
    annual_statistics,
    assignment_slip,
    binder,
    deputy_archive,
    deputy_board,
    mailbox_ledger,
    opinion_form,
    public_results,
    reply_form,
    satisfaction_form,
    score_sheet,
    sign_in_sheet,
    suggestion_form,
    training_notice,
    training_plan,
    training_sign_in,
    voter_reception_record,
    wall_rules,
)
from presidium_app.printing.documents.common import object_choices
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument
from presidium_app.services.audit import SYSTEM, Actor, unit_of_work
from presidium_app.storage.database import Database

__all__ = ["DOCUMENTS", "NEEDS", "DocumentSpec", "PrintRequest", "RenderedDocument", "UnknownDocument",
           "choices", "render", "spec"]

# What a document is about, and the word the messages use for it.
NEEDS = {"year": "年度", "activity": "活动", "training-session": "培训场次", "opinion": "社情民意",
         "suggestion": "代表建议", "deputy": "代表", "month": "月份", "none": ""}


@dataclass(frozen=True)
class DocumentSpec:
    key: str  # 'sign-in-sheet' (lowercase ASCII, hyphenated)
    title: str  # '签到表'
    needs: str  # 'year', 'activity', 'training-session', 'opinion', 'suggestion', 'deputy', 'month' or 'none'
    personal: bool  # holds personal data: its printing is written to the audit log
    build: Callable[[Database, PrintRequest], RenderedDocument]
    # The objects of a year it prints for, when fewer than every object of its needs (the voter
    # reception record: voter receptions only); None: `object_choices` of its needs.
    choose: Callable[[Database, int], list[tuple[int, str]]] | None = None


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
        DocumentSpec("opinion-form", "社情民意登记表", "opinion", True, opinion_form.build),
        DocumentSpec("assignment-slip", "社情民意交办单", "opinion", False, assignment_slip.build,
                     assignment_slip.choices),
        DocumentSpec("reply-form", "办理答复反馈单", "opinion", False, reply_form.build,
                     reply_form.choices),
        DocumentSpec("satisfaction-form", "回访满意度测评表", "opinion", False, satisfaction_form.build,
                     satisfaction_form.choices),
        DocumentSpec("mailbox-ledger", "社情民意台账", "year", False, mailbox_ledger.build),
        DocumentSpec("mailbox-ledger-month", "社情民意月度台账", "month", False,
                     mailbox_ledger.build_month),
        DocumentSpec("public-results", "社情民意办理结果公示", "year", False, public_results.build),
        DocumentSpec("suggestion-form", "代表建议办理单", "suggestion", False, suggestion_form.build),
        DocumentSpec("voter-reception-record", "接待选民记录", "activity", False,
                     voter_reception_record.build, voter_reception_record.choices),
        DocumentSpec("training-notice", "学习培训通知", "training-session", False, training_notice.build),
        DocumentSpec("deputy-archive", "代表履职档案", "deputy", True, deputy_archive.build),
        DocumentSpec("score-sheet", "代表履职积分表", "year", False, score_sheet.build),
        DocumentSpec("deputy-board-a3", "代表公示栏（A3）", "year", False, deputy_board.build_a3),
        DocumentSpec("deputy-board-a4", "代表公示栏（A4）", "year", False, deputy_board.build_a4),
        DocumentSpec("wall-rules", "制度上墙", "none", False, wall_rules.build),
        DocumentSpec("wall-rules-a3", "制度上墙（A3）", "none", False, wall_rules.build_a3),
        DocumentSpec("annual-statistics", "年度工作统计", "year", False, annual_statistics.build),
        DocumentSpec("binder-index", "档案目录", "year", False, binder.build_index),
        DocumentSpec("binder", "年度档案汇编", "year", True, binder.build),
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
    Empty for a document of the year ('year') or of nothing ('none'); the months of the year for
    a monthly document ('month': (11, '11月'), …)."""
    found = spec(key)
    if found.choose is not None:
        return found.choose(db, year)
    return object_choices(db, found.needs, year)
