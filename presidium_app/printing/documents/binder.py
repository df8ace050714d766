"""年度档案汇编 and 档案目录: the year's binder, every document of the year in binder order (the
order of `registry.DOCUMENTS`; a document about objects once for each object of the year, oldest
first), preceded by the index (档案目录) whose page numbers are the pages printed at the foot of
the binder's pages ("— N —", running through the whole binder, the index's own pages included).

Speed: the documents are built as usual but inside `layout.collecting()`, which keeps their
stories instead of rendering each, and `layout.render_sections` lays them all out as one PDF with
one set of font subsets (rendering each and merging with pypdf took 4.3 s for 102 pages, mostly
re-embedding fonts per document). The index's numbers are PDF forms filled in after the last page
(`layout.PageRefs`), so one layout pass is enough: the index has one row per section, so its own
length is known before the numbers are.

What goes in: every registered document but the binder and its index, and but the A3 variants
of the wall boards (a binder is A4; their A4 versions are in it). A document that has nothing to
print for the year (no training plan yet) is left out and so not listed. Board pages, unnumbered
on the wall, get a page number in the binder so the index can name them.

`build_binder` takes a `Progress`: it reports each section as it is gathered and again as it is
laid out, and raises Cancelled when the user cancels.

The binder runs on a worker thread while the window stays responsive, but the garbage collector
holds the GIL: as the gathered stories grow to hundreds of MB, each full collection scanned them
all and froze the window for up to 1.4 s. So each section is moved to the collector's permanent
generation (`gc.freeze`) once built, and everything is handed back (`gc.unfreeze`) at the end.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field

from presidium_app.printing.documents.common import Town, shared_lookups, town
from presidium_app.printing.fonts import resolve_fonts
from presidium_app.printing.layout import (
    CellContent,
    Document,
    PageRefs,
    Section,
    collecting,
    render_sections,
)
from presidium_app.printing.model import PrintRequest, RenderedDocument, UnknownDocument
from presidium_app.services.audit import Actor, unit_of_work
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.storage.database import Database

log = logging.getLogger(__name__)

BINDER_KEY, INDEX_KEY = "binder", "binder-index"
INDEX_HEADER = ("序号", "文书名称", "内容", "页码")
INDEX_WIDTHS = (1.2, 5.2, 8.0, 1.6)


@dataclass(frozen=True)
class Entry:
    """One document of the binder: which document, for which object (None: the year or none)."""

    key: str
    title: str
    object_id: int | None
    label: str  # what the index's 内容 column says: the object, or the year


@dataclass
class BinderSection:
    entry: Entry
    title: str  # the document's own title (活动签到表 → 视察活动签到表)
    document: Document
    first_page: int = 0
    pages: int = 0


@dataclass
class Binder:
    """The binder as printed, with where each section starts (index pages first)."""

    rendered: RenderedDocument
    index_pages: int
    sections: list[BinderSection] = field(default_factory=list)


def included(key: str) -> bool:
    return key not in (BINDER_KEY, INDEX_KEY) and not key.endswith("-a3")


def entries(db: Database, year: int) -> list[Entry]:
    """The binder's documents in binder order."""
    from presidium_app.printing import registry

    found: list[Entry] = []
    for key, spec in registry.DOCUMENTS.items():
        if not included(key):
            continue
        if spec.needs in ("year", "none"):
            found.append(Entry(key, spec.title, None, f"{year}年度" if spec.needs == "year" else ""))
            continue
        for object_id, label in reversed(registry.choices(db, key, year)):
            found.append(Entry(key, spec.title, object_id, label))
    return found


def collect(db: Database, year: int, progress: Progress = NO_PROGRESS, *,
            steps: int | None = None) -> list[BinderSection]:
    """Build every document of the year without rendering it: its Document, story and all."""
    from presidium_app.printing import registry

    listed = entries(db, year)
    steps = steps or len(listed)
    sections: list[BinderSection] = []
    with shared_lookups():
        for number, entry in enumerate(listed):
            progress.report(number, steps, f"整理：{entry.title} {entry.label}".strip())
            with collecting() as documents:
                try:
                    registry.DOCUMENTS[entry.key].build(db, PrintRequest(year, entry.object_id))
                except UnknownDocument as exc:
                    log.info("档案汇编略过%s（%s）：%s", entry.title, entry.label, exc)
                    continue
            for document in documents:
                sections.append(BinderSection(entry, document.doc_title, document))
            gc.freeze()  # long-lived until the binder is laid out: not for the collector to scan
    return sections


def index_document(place: Town, year: int, sections: list[BinderSection],
                   pages: list[int] | None = None) -> tuple[Document, PageRefs]:
    """The index: one row per section. With `pages` (each section's first page) the numbers are
    plain text; without, they are page references that `render_sections` fills in (the section
    i of the binder is index + 1 + i)."""
    title = f"{year}年度档案目录"
    doc = Document("form", title, township=place.full_name, header=place.office)
    size = doc.layout.table_size
    refs = PageRefs(doc.fonts, size, doc.style(size=size).leading)
    doc.title(title, space_after=0)
    doc.subtitle(f"{place.office}　共{len(sections)}份", size=size)
    rows: list[list[CellContent]] = [list(INDEX_HEADER)]
    for number, section in enumerate(sections):
        page = str(pages[number]) if pages is not None else refs.cell(number + 1)
        rows.append([str(number + 1), section.title, section.entry.label, page])
    if not sections:
        rows.append(["", "本年度没有可汇编的文书", None, None])
    doc.table(rows, INDEX_WIDTHS, aligns=("center", "left", "left", "center"))
    return doc, refs


def build_binder(db: Database, year: int, progress: Progress = NO_PROGRESS) -> Binder:
    """The whole binder: gather (progress 0…n), then lay out (n…2n)."""
    gc.freeze()  # the app's own objects too: a collection now scans only what the binder makes
    try:
        resolve_fonts()  # parsing the font files makes 10^5 objects: loaded, then frozen as well
        gc.freeze()
        return _build_binder(db, year, progress)
    finally:
        gc.unfreeze()


def _build_binder(db: Database, year: int, progress: Progress) -> Binder:
    listed = len(entries(db, year))
    sections = collect(db, year, progress, steps=2 * listed or 1)
    total = 2 * len(sections) or 1
    place = town(db)
    index, refs = index_document(place, year, sections)
    parts = [Section(index)] + [Section(s.document) for s in sections]

    def laid_out(number: int) -> None:
        gc.freeze()
        if number:
            section = sections[number - 1]
            progress.report(len(sections) + number - 1, total,
                            f"排版：{section.title} {section.entry.label}".strip())

    rendered = render_sections(parts, title=f"{year}年度档案汇编", township=place.full_name, refs=refs,
                               on_section=laid_out)
    for section, part in zip(sections, parts[1:], strict=True):
        section.first_page, section.pages = part.first_page, part.pages
    progress.report(total, total, "完成")
    return Binder(rendered, parts[0].pages, sections)


def build(db: Database, request: PrintRequest) -> RenderedDocument:
    return build_binder(db, request.year_or_current).rendered


def build_index(db: Database, request: PrintRequest) -> RenderedDocument:
    """The index alone, its numbers those of the binder (laid out to learn them)."""
    year = request.year_or_current
    binder = build_binder(db, year)
    index, _refs = index_document(town(db), year, binder.sections,
                                  [s.first_page for s in binder.sections])
    rendered = index.render()
    if rendered.pages != binder.index_pages:  # the rows are as tall either way
        log.warning("档案目录单独打印为%d页，汇编中为%d页", rendered.pages, binder.index_pages)
    return rendered


def print_binder(db: Database, actor: Actor, year: int, progress: Progress = NO_PROGRESS) -> Binder:
    """The binder for 打印中心 (in the background, with progress and cancel), with the audit entry
    `registry.render` writes for a document holding personal data (the deputies' archives)."""
    binder = build_binder(db, year, progress)
    with unit_of_work(db, actor, f"print.{BINDER_KEY}", "year") as change:
        change.summary = f"打印年度档案汇编：{year}年度（{binder.rendered.pages}页）"
    return binder
