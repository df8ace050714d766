"""履职档案: one deputy's performance archive in the 8 parts of DOMAIN.md §3, for one year of a
term or the whole term, with the year's score and the rules not yet met.

Everything shown comes from `services.archive.performance_archive` (assembled from the records,
never typed twice); only 表彰奖励 is added and removed here, because honours come from outside.
The archive is one HTML document: it reads like the printed binder page, and the print center
(a later issue) prints the same parts. The list on the left jumps to each part.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import Attendance
from presidium_app.domain.validators import format_date
from presidium_app.services import archive, awards, deputies, township
from presidium_app.services.archive import Archive, ArchivePart
from presidium_app.services.awards import AwardRecord
from presidium_app.services.errors import ServiceError
from presidium_app.services.rules import RuleProgress
from presidium_app.services.scores import SCORE_COLUMNS, ScoreRow
from presidium_app.services.township import TermInfo
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.award_dialog import AwardDialog
from presidium_app.ui.widgets.print_button import open_in_print_center

NUMERALS = "一二三四五六七八九十"
SCORE_ANCHOR, RULES_ANCHOR = "score", "rules"
REMOVE_AWARD, ADD_AWARD = "award-remove:", "award-add"
PRINT_NOTE = "打印时按这里的8个部分成册（在打印中心预览后打印或另存为PDF）。"

# Units of the figures a part counts (services.archive's `counts` keys); attendance is 次.
COUNT_UNITS = {"届次": "届", "学时": "学时", "代表建议": "件", "收集意见": "次", "表彰": "项"}
COUNT_CAPTIONS = {"届次": "任职", "收集意见": "接待选民时收集意见", "学时": "参训"}
EMPTY_TEXTS = {
    "suggestions": "本期间没有代表建议，接待选民时也没有记下意见。",
    "awards": "本期间没有表彰奖励记录。",
}
SUGGESTIONS_LATER = "代表建议在“代表建议”功能启用后自动列入；目前列出的是接待选民时收集的意见。"
ABSENCE_KEY = "congress_absence"  # services.scores counts 缺席 at 人代会 under this key

STYLE = """
body { color: #1f2937; }
h2 { font-size: 13pt; color: #1d3354; margin: 20px 0 6px 0; }
p { margin: 2px 0 6px 0; }
table.rows { border-collapse: collapse; border-color: #d0d7e2; margin: 2px 0 4px 0; }
table.rows th { background-color: #eef2f7; color: #374151; font-weight: bold; text-align: left;
                padding: 5px 8px; }
table.rows td { padding: 5px 8px; vertical-align: top; }
table.info td { padding: 3px 14px 3px 0; }
td.caption { color: #6b7280; }
.muted { color: #6b7280; }
.short { color: #b42318; font-weight: bold; }
.ok { color: #1e7b34; }
"""


# --- the document ---------------------------------------------------------------------------------


def _date(value: dt.date | None) -> str:
    return format_date(value) if value else "—"


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br>") if value else "<span class='muted'>—</span>"


def _figure(value: float) -> str:
    return f"{value:g}"


def count_text(part: ArchivePart) -> str:
    """The part's figures in words: 出席 3 次、请假 1 次、缺席 0 次、参训 6 学时."""
    pieces = []
    for key, value in part.counts.items():
        if key == "学时" and not value:
            continue
        caption = COUNT_CAPTIONS.get(key, key)
        pieces.append(f"{caption} {_figure(value)} {COUNT_UNITS.get(key, '次')}")
    return "，".join(pieces)


def _table(headers: list[str], rows: list[list[str]], widths: list[int] | None = None) -> str:
    cols = "".join(f"<th width='{w}%'>{h}</th>" if widths else f"<th>{h}</th>"
                   for h, w in zip(headers, widths or [0] * len(headers), strict=True))
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (f"<table class='rows' width='100%' border='1' cellspacing='0' cellpadding='5'>"
            f"<tr>{cols}</tr>{body}</table>")


def _section(number: int, key: str, title: str) -> str:
    return f"<h2><a name='part-{key}'>{NUMERALS[number]}、{title}</a></h2>"


def _basic(arch: Archive, part: ArchivePart, photo: str | None) -> str:
    person = arch.person
    pairs = [("姓名", person.name), ("性别", person.gender), ("民族", person.ethnicity),
             ("出生日期", _date(person.birth_date) if person.birth_date else ""),
             ("政治面貌", person.political_status), ("文化程度", person.education),
             ("工作单位及职务", person.workplace), ("联系电话", person.mobile)]
    cells = [f"<td class='caption'>{c}</td><td>{_text(v)}</td>" for c, v in pairs]
    info = "".join(f"<tr>{cells[i]}{cells[i + 1]}</tr>" for i in range(0, len(cells), 2))
    info_table = f"<table class='info'>{info}</table>"
    if photo:
        info_table = (f"<table width='100%'><tr><td>{info_table}</td>"
                      f"<td align='right' width='110'><img src='{photo}' width='96'></td></tr></table>")
    rows = [[_date(r.date), escape(r.title), escape(r.role), _text(r.detail)] for r in part.rows]
    history = _table(["日期", "任职情况", "情况", "说明"], rows, [16, 34, 12, 38]) if rows else ""
    return info_table + history


def _activities(part: ArchivePart) -> str:
    if not part.rows:
        return f"<p class='muted'>{EMPTY_TEXTS.get(part.key, '本期间没有记录。')}</p>"
    rows = []
    for r in part.rows:
        role = escape(r.role)
        if r.role == Attendance.ABSENT.label:
            role = f"<span class='short'>{role}</span>"
        elif r.role == Attendance.EXCUSED.label:
            role = f"<span class='muted'>{role}</span>"
        rows.append([_date(r.date), escape(r.title), role, _text(r.detail)])
    return (f"<p class='muted'>{count_text(part)}</p>"
            + _table(["日期", "事项", "出席情况", "说明"], rows, [16, 34, 12, 38]))


def _awards(part: ArchivePart, records: list[AwardRecord]) -> str:
    add = f"<p><a href='{ADD_AWARD}'>添加表彰奖励…</a></p>"
    if not records:
        return f"<p class='muted'>{EMPTY_TEXTS['awards']}</p>{add}"
    rows = [[_date(a.awarded_on), escape(a.title), _text(a.issuer),
             f"<a href='{REMOVE_AWARD}{a.id}'>删除</a>"] for a in records]
    return (f"<p class='muted'>{count_text(part)}</p>"
            + _table(["日期", "表彰奖励", "授予单位", ""], rows, [16, 44, 32, 8]) + add)


def score_counts(score: ScoreRow) -> list[str] | None:
    """How many of each column's items were counted (the sheet's 次数 row), or None when the
    service counted by something else than the columns."""
    if not any(c.key in score.counts for c in SCORE_COLUMNS):
        return None
    cells = []
    for column in SCORE_COLUMNS:
        cell = str(score.counts.get(column.key, 0))
        absent = score.counts.get(ABSENCE_KEY, 0) if column.key == "congress" else 0
        if absent:
            cell += f"<br><span class='short'>缺席 {absent}</span>"
        cells.append(cell)
    return cells


def _score(arch: Archive) -> str:
    title = f"<h2><a name='{SCORE_ANCHOR}'>附一、{arch.score_year}年度履职积分</a></h2>"
    score = arch.score
    if score is None:
        return title + "<p class='muted'>没有积分。</p>"
    headers = ["", "基础分", *(c.label for c in SCORE_COLUMNS), "总分", "等次"]
    rows = []
    counts = score_counts(score)
    if counts is not None:
        rows.append(["<span class='muted'>次数</span>", "", *counts, "", ""])
    rows.append(["<span class='muted'>得分</span>", _figure(score.base),
                 *(_figure(score.columns.get(c.key, 0)) for c in SCORE_COLUMNS),
                 f"<b>{_figure(score.total)}</b>", f"<b>{escape(score.grade)}</b>"])
    notes = []
    if score.previous_grade:
        notes.append(f"上一年度等次：{escape(score.previous_grade)}。")
    if score.advice:
        notes.append(f"<span class='short'>连续两年等次为“差”，{escape(score.advice)}。</span>")
    notes.append("总分 = 基础分 + 各项得分（无故缺席人代会扣分）；"
                 "分值和等次线在“设置 → 履职要求与积分”中修改。")
    return title + _table(headers, rows) + "".join(f"<p class='muted'>{n}</p>" for n in notes)


def progress_text(item: RuleProgress) -> str:
    """One rule for one deputy in words, e.g. 今年 0 次，差 1 次 / 本届 5 次，已达到."""
    when = "今年" if item.period == "年" else "本届"
    who = "" if item.subject == "本人" else f"{item.subject}"
    done = f"{who}{when}已 {item.done} {item.unit}"
    if item.short_by:
        return f"{done}，差 {item.short_by} {item.unit}"
    return f"{done}，已达到"


def rule_text(item: RuleProgress) -> str:
    return f"{item.label} {item.required} {item.unit}"


def _rules(arch: Archive) -> str:
    title = f"<h2><a name='{RULES_ANCHOR}'>附二、履职要求完成情况（{arch.score_year}年）</a></h2>"
    active = [p for p in arch.shortfalls if p.required > 0]
    if not active:
        return title + "<p class='muted'>该代表目前不在本届在任，不作履职提醒。</p>"
    rows = []
    for item in sorted(active, key=lambda p: p.short_by == 0):
        state = (f"<span class='short'>差 {item.short_by} {item.unit}</span>" if item.short_by
                 else "<span class='ok'>已达到</span>")
        rows.append([escape(rule_text(item)), escape(progress_text(item)), state])
    return title + _table(["履职要求", "完成情况", ""], rows, [46, 38, 16])


def archive_html(arch: Archive, award_records: list[AwardRecord], photo: str | None = None) -> str:
    """The whole archive as one HTML document: period, summary, the 8 parts, score, rules (the
    deputy's name is the dialog's heading)."""
    short = [p for p in arch.shortfalls if p.short_by and p.required > 0]
    summary = []
    if arch.score is not None:
        summary.append(f"{arch.score_year}年度积分 <b>{_figure(arch.score.total)}</b> 分，"
                       f"等次 <b>{escape(arch.score.grade)}</b>")
    if short:
        summary.append(f"<span class='short'>{len(short)} 项履职要求尚未达到</span>")
    elif arch.shortfalls:
        summary.append("<span class='ok'>各项履职要求均已达到</span>")
    html = [f"<p style='font-size:12pt'><b>{escape(arch.period)}</b><span class='muted'>"
            f"（{format_date(arch.start)}至{format_date(arch.end)}）</span></p>"]
    if summary:
        html.append(f"<p>{'；'.join(summary)}。</p>")
    for number, part in enumerate(arch.parts):
        html.append(_section(number, part.key, part.title))
        if part.key == "basic":
            html.append(_basic(arch, part, photo))
        elif part.key == "awards":
            html.append(_awards(part, award_records))
        else:
            html.append(_activities(part))
            if part.key == "suggestions" and not part.counts.get("代表建议"):
                html.append(f"<p class='muted'>{SUGGESTIONS_LATER}</p>")
    html.append(_score(arch))
    html.append(_rules(arch))
    return "".join(html)


def part_caption(part: ArchivePart) -> str:
    """The left list's line for a part: its title and how many entries it has."""
    if part.key == "basic":
        return part.title
    return f"{part.title}（{len(part.rows)}）"


# --- periods ------------------------------------------------------------------------------------


def term_years(term: TermInfo | None, today: dt.date) -> list[int]:
    """The years of the term up to this year, newest first (this year alone without a term)."""
    if term is None:
        return [today.year]
    first = term.start_year or (term.end_year - 5 if term.end_year else today.year)
    last = term.end_year or first + 5
    years = [y for y in range(first, last + 1) if y <= today.year] or [first]
    return sorted(years, reverse=True)


class ArchiveDialog(QDialog):
    """The archive of the person `deputy_id` (Deputy.id) in `term_id` (default: the current term).
    Opened with `open()`; reads the services again whenever the period changes."""

    def __init__(self, ctx: AppContext, deputy_id: int, parent: QWidget | None = None,
                 term_id: int | None = None, year: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.deputy_id = deputy_id
        self.archive: Archive | None = None
        self.award_dialog: AwardDialog | None = None
        terms = township.list_terms(ctx.db)
        self.term = next((t for t in terms if t.id == term_id), None) or next(
            (t for t in terms if t.is_current), None)
        self.setModal(True)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setMinimumSize(QSize(900, 600))
        self.resize(1120, 780)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.heading = QLabel()
        self.heading.setObjectName("dialogHeading")
        top.addWidget(self.heading)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("hint")
        top.addSpacing(8)
        top.addWidget(self.subtitle, 1)
        caption = QLabel("期间")
        caption.setObjectName("filterCaption")
        self.period = QComboBox()
        self.period.setMinimumWidth(230)
        self.period.setToolTip("选择一个年度，或整个届次（Ctrl+PgUp / Ctrl+PgDown 切换）")
        caption.setBuddy(self.period)
        top.addWidget(caption)
        top.addWidget(self.period)
        layout.addLayout(top)

        self.parts = QListWidget()
        self.parts.setObjectName("archiveParts")
        self.parts.setMinimumWidth(170)
        self.parts.setMaximumWidth(240)
        self.parts.currentRowChanged.connect(self._part_chosen)
        self.view = QTextBrowser()
        self.view.setObjectName("archiveView")
        self.view.setOpenLinks(False)
        # The document wraps to the width; tables of 100% must not add a needless scroll bar.
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.anchorClicked.connect(self._link_clicked)
        self.view.verticalScrollBar().valueChanged.connect(lambda _v: self._follow_scroll())
        self._tops: dict[str, float] | None = None  # where each part starts, once laid out
        self._jumping = False
        self.view.document().documentLayout().documentSizeChanged.connect(self._forget_tops)
        self.view.document().setDefaultStyleSheet(STYLE)
        self.view.document().setDocumentMargin(18)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.parts)
        splitter.addWidget(self.view)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([190, 900])
        layout.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        self.print_note = QLabel(PRINT_NOTE)
        self.print_note.setObjectName("hint")
        self.print_note.setWordWrap(True)
        bottom.addWidget(self.print_note, 1)
        self.print_button = QPushButton("打印…")
        self.print_button.setToolTip("在打印中心预览并打印这份履职档案（Ctrl+P）")
        self.print_button.clicked.connect(self.print_archive)
        bottom.addWidget(self.print_button)
        self.add_award_button = QPushButton("添加表彰奖励…")
        self.add_award_button.setToolTip("记入“表彰奖励”部分（Ctrl+N）")
        self.add_award_button.clicked.connect(self.add_award)
        close = QPushButton("关闭")
        close.setObjectName("primary")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        bottom.addWidget(self.add_award_button)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("Ctrl+N"), self, self.add_award)
        QShortcut(QKeySequence("Ctrl+P"), self, self.print_archive)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, lambda: self._step_period(1))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, lambda: self._step_period(-1))

        self._fill_periods(year)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        self.reload()

    # -- period ---------------------------------------------------------------------------------
    def _fill_periods(self, year: int | None) -> None:
        today = dt.date.today()
        years = term_years(self.term, today)
        for value in years:
            self.period.addItem(f"{value}年度", value)
        if self.term is not None:
            span = self.term.label.removeprefix(self.term.name)
            self.period.addItem(f"{self.term.name}全部{span}", None)
        wanted = year if year is not None else (today.year if today.year in years else years[0])
        self.period.setCurrentIndex(max(0, self.period.findData(wanted)))

    def chosen_year(self) -> int | None:
        """The chosen year, or None for the whole term."""
        value = self.period.currentData()
        return int(value) if value is not None else None

    def set_period(self, year: int | None) -> None:
        """Show `year`, or the whole term for None."""
        index = self.period.count() - 1 if year is None else self.period.findData(year)
        if index >= 0:
            self.period.setCurrentIndex(index)

    def _step_period(self, step: int) -> None:
        index = self.period.currentIndex() + step
        if 0 <= index < self.period.count():
            self.period.setCurrentIndex(index)

    # -- content --------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the archive for the chosen period and show it, keeping the part being read."""
        keep = self.parts.currentRow()
        year = self.chosen_year()
        try:
            arch = archive.performance_archive(
                self.ctx.db, self.deputy_id, year=year,
                term_id=None if year is not None or self.term is None else self.term.id)
            records = awards.list_awards(self.ctx.db, self.deputy_id, arch.start, arch.end)
        except ServiceError as exc:
            self.archive = None
            self.setWindowTitle("履职档案")
            self.heading.setText("履职档案")
            self.view.setHtml(f"<p>{escape(exc.message)}</p>")
            self.parts.clear()
            self.add_award_button.setEnabled(False)
            return
        self.archive = arch
        self.setWindowTitle(f"{arch.person.name} 履职档案")
        self.heading.setText(f"{arch.person.name} 履职档案")
        self.subtitle.setText("，".join(p for p in (arch.person.gender, arch.person.workplace) if p))
        photo = deputies.photo_path(self.ctx.db, arch.person.photo)
        photo_url = QUrl.fromLocalFile(str(photo)).toString() if photo else None
        records.reverse()  # oldest first, as every other part
        self.view.setHtml(archive_html(arch, records, photo_url))
        self.parts.blockSignals(True)
        self.parts.clear()
        for part in arch.parts:
            item = QListWidgetItem(part_caption(part))
            item.setData(Qt.ItemDataRole.UserRole, f"part-{part.key}")
            self.parts.addItem(item)
        short = sum(1 for p in arch.shortfalls if p.short_by and p.required > 0)
        for anchor, text in ((SCORE_ANCHOR, f"{arch.score_year}年度积分"),
                             (RULES_ANCHOR, f"履职提醒（{short}）" if short else "履职提醒")):
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, anchor)
            self.parts.addItem(item)
        keep = keep if 0 <= keep < self.parts.count() else 0
        self.parts.setCurrentRow(keep)
        self.parts.blockSignals(False)
        if keep:
            self._part_chosen(keep)  # go on reading the same part in the new period
        else:
            self.view.verticalScrollBar().setValue(0)  # the period and summary lines too

    def part_titles(self) -> list[str]:
        """The titles of the 8 parts, in the order shown."""
        return [p.title for p in self.archive.parts] if self.archive else []

    def text(self) -> str:
        return self.view.toPlainText()

    def _part_chosen(self, row: int) -> None:
        item = self.parts.item(row)
        if item is not None:
            self._jumping = True
            try:
                self.view.scrollToAnchor(str(item.data(Qt.ItemDataRole.UserRole)))
            finally:
                self._jumping = False

    def _forget_tops(self, *_args: Any) -> None:
        self._tops = None

    def _anchor_tops(self) -> dict[str, float]:
        """Where each part starts in the document (pixels from the top)."""
        if self._tops is not None:
            return self._tops
        document = self.view.document()
        layout = document.documentLayout()
        tops: dict[str, float] = {}
        block = document.begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                for name in iterator.fragment().charFormat().anchorNames():
                    tops.setdefault(name, layout.blockBoundingRect(block).top())
                iterator += 1
            block = block.next()
        self._tops = tops
        return tops

    def _follow_scroll(self) -> None:
        """Mark in the left list the part being read, as the document scrolls."""
        if self.parts.count() == 0 or self._jumping:
            return
        tops = self._anchor_tops()
        bar = self.view.verticalScrollBar()
        if bar.value() >= bar.maximum() > 0:
            row = self.parts.count() - 1
        else:
            y = bar.value() + 40
            row = 0
            for number in range(self.parts.count()):
                top = tops.get(str(self.parts.item(number).data(Qt.ItemDataRole.UserRole)))
                if top is not None and top <= y:
                    row = number
        if row != self.parts.currentRow():
            self.parts.blockSignals(True)
            self.parts.setCurrentRow(row)
            self.parts.blockSignals(False)

    def _link_clicked(self, url: QUrl) -> None:
        target = url.toString()
        if target == ADD_AWARD:
            self.add_award()
        elif target.startswith(REMOVE_AWARD):
            self.remove_award(int(target.removeprefix(REMOVE_AWARD)))

    # -- awards ---------------------------------------------------------------------------------
    def print_archive(self) -> bool:
        """Close and show the archive of the chosen year in 打印中心 (a whole term prints the
        current year, the unit the printed archive is kept by)."""
        target = self.parentWidget()
        year = self.period.currentData() or dt.date.today().year
        self.accept()
        return target is not None and open_in_print_center(target, "deputy-archive", self.deputy_id, year)

    def add_award(self) -> AwardDialog | None:
        if self.archive is None:
            return None
        today = dt.date.today()
        start, end = self.archive.start, self.archive.end
        default = today if start <= today <= end else min(end, today)
        dialog = AwardDialog(self.ctx, self.deputy_id, self.archive.person.name, self, default)
        self.award_dialog = dialog
        dialog.accepted.connect(lambda: self._award_added(dialog))
        dialog.finished.connect(lambda _r: self._award_closed(dialog))
        dialog.open()
        return dialog

    def _award_added(self, dialog: AwardDialog) -> None:
        awarded_on = dialog.chosen_date()
        if self.archive is not None and not self.archive.start <= awarded_on <= self.archive.end:
            # Show the period holding the new record, so the user sees it was saved.
            index = self.period.findData(awarded_on.year)
            self.period.setCurrentIndex(index if index >= 0 else self.period.count() - 1)
        self.reload()
        self._show_part("awards")

    def _award_closed(self, dialog: AwardDialog) -> None:
        if self.award_dialog is dialog:
            self.award_dialog = None
        dialog.deleteLater()

    def remove_award(self, award_id: int) -> bool:
        record = next((a for a in awards.list_awards(self.ctx.db, self.deputy_id)
                       if a.id == award_id), None)
        if record is None:
            self.reload()
            return False
        if not messages.ask(self, "删除表彰记录",
                            f"确定删除“{record.title}”（{format_date(record.awarded_on)}）吗？",
                            yes="删除", no="不删除", danger=True,
                            detail="只用于纠正录错的记录，删除后无法恢复。"):
            return False
        try:
            awards.remove_award(self.ctx.db, self.ctx.actor, award_id)
        except ServiceError as exc:
            messages.warn(self, "未能删除", exc.message)
        self.reload()
        self._show_part("awards")
        return True

    def _show_part(self, key: str) -> None:
        for row in range(self.parts.count()):
            item: Any = self.parts.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == f"part-{key}":
                self.parts.setCurrentRow(row)
                self._part_chosen(row)
                return
