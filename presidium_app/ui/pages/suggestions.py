"""代表建议: a deputy's formal suggestion from 登记 to 办结 (DOMAIN.md §5), laid out like the
社情民意 page so the two read alike.

Status tabs across the top (each with its count), filters and a search box that filters as you
type, a lazy table over suggestion ids (overdue rows in red) and, beside it, the selected
suggestion in full: the deputies, the opinion it came from, the units and their deadlines, the
result class and the deputy's rating, every contact with the deputy against 三访两见面, and every
step taken. The steps the flow allows (`suggestions.allowed_actions`), and only those, are
buttons; each opens a small form (suggestion_action_dialog.py).

For other areas: `SuggestionsPage.show_suggestion(id)` selects one suggestion whatever the
filters, `opinion_requested` asks the window to show the opinion a suggestion came from, and
`convert_opinion` is the mailbox's “转为代表建议” (its `suggestion_handler` signature): the form
prefilled from the opinion, then the new suggestion shown on this page.
"""

from __future__ import annotations

from functools import partial
from html import escape
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import ResultClass, SuggestionAction, SuggestionStatus
from presidium_app.services import handling_units, suggestion_list, suggestions
from presidium_app.services.errors import NotFound
from presidium_app.services.suggestion_list import TABS, EventInfo, SuggestionDetail, SuggestionFilter
from presidium_app.services.suggestions import SuggestionInput, TransitionRefused
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.contact_dialog import ContactDialog
from presidium_app.ui.dialogs.suggestion_action_dialog import SuggestionActionDialog
from presidium_app.ui.dialogs.suggestion_dialog import SuggestionDialog
from presidium_app.ui.models.suggestion_model import (
    FIXED_COLUMNS,
    HIDDEN_AT_FIRST,
    TITLE_COLUMN,
    SuggestionModel,
)
from presidium_app.ui.prefs import Option
from presidium_app.ui.widgets.actions import action_button, make_action
from presidium_app.ui.widgets.choices import enum_member
from presidium_app.ui.widgets.dates import OptionalDateEdit
from presidium_app.ui.widgets.print_button import print_button
from presidium_app.ui.widgets.shortcuts import widget_shortcut
from presidium_app.ui.widgets.table import configure_record_table

A = SuggestionAction
S = SuggestionStatus

SUGGESTIONS_SPLITTER = Option("suggestions/splitter", QByteArray())
# The titles of the columns shown beyond the fixed ones ("" until the user chooses).
SUGGESTIONS_COLUMNS = Option("suggestions/columns", "")
SEARCH_DELAY_MS = 60
SEARCH_PLACEHOLDER = "编号（如 2026-007）、标题、内容或代表姓名（拼音首字母亦可）"

# The step buttons in the order of the flow; the forward step of each status is the blue one,
# and Enter (or a double click) on the list opens it.
STEP_ORDER = (A.REFER, A.REPLY, A.RATE, A.REDO, A.CLOSE, A.UNIT_RETURN)
FORWARD: dict[SuggestionStatus, SuggestionAction] = {
    S.REGISTERED: A.REFER, S.REFERRED: A.REPLY, S.REPLIED: A.RATE, S.RATED: A.CLOSE,
}
STEP_TIPS: dict[SuggestionAction, str] = {
    A.REFER: "交给主办单位（和协办单位）办理，并定答复期限（默认三个月）",
    A.REPLY: "登记承办单位的答复和办理结果分类（A/B/C/D）",
    A.RATE: "登记代表的测评：满意或基本满意",
    A.REDO: "代表不满意：退回承办单位重新办理，并定新的期限（默认一个月）",
    A.CLOSE: "代表测评后办结",
    A.UNIT_RETURN: "承办单位认为交办有误而退回，回到待交办（须写明理由）",
}
FINAL_NOTES: dict[SuggestionStatus, str] = {S.CLOSED: "已办结，无需再办理。"}
STATUS_COLOURS: dict[SuggestionStatus, tuple[str, str]] = {
    S.REGISTERED: ("#fff4e5", "#b54708"),
    S.REFERRED: ("#e8f0fb", "#1d4f8c"),
    S.REPLIED: ("#e6f6f4", "#0f766e"),
    S.RATED: ("#e6f6f4", "#0f766e"),
    S.CLOSED: ("#e6f4ea", "#1e7b34"),
}
OVERDUE_COLOURS = ("#fdecea", "#b42318")
OVERDUE_TAB = QColor("#b42318")
TAB_TEXT = QColor("#374151")  # set per tab (not in the style sheet), so 逾期 can turn red
BADGE = "background:{}; color:{}; border-radius:9px; padding:2px 10px;"
REQUIRED_VISITS, REQUIRED_MEETINGS = 3, 2  # 三访两见面 (the service's tally text says so too)

TAB_STYLE = """
QTabBar::tab { padding: 6px 14px; margin-right: 4px; border: 1px solid #d0d7e2;
               border-radius: 4px; background: #ffffff; }
QTabBar::tab:hover { background: #eef3fa; }
QTabBar::tab:selected { background: #2563a6; border-color: #2563a6; color: #ffffff;
                        font-weight: bold; }
"""


def _combo(min_width: int = 100, max_width: int = 170) -> QComboBox:
    combo = QComboBox()
    combo.setMinimumWidth(min_width)
    combo.setMaximumWidth(max_width)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(5)
    return combo


def _lines(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def result_text(result: ResultClass | None) -> str:
    return f"{result.letter} {result.label}" if result is not None else ""


def event_details(event: EventInfo) -> str:
    """What a step says besides its date, name and who: units, deadline, result, satisfaction,
    reason, note (plain text, one part per line)."""
    parts: list[str] = []
    if event.lead_unit and event.action in (A.REFER, A.REDO):
        parts.append(f"主办：{event.lead_unit}")
    if event.assisting_units:
        parts.append("协办：" + "、".join(
            f"{u.name}（{u.deadline.isoformat()}前提出意见）" if u.deadline else u.name
            for u in event.assisting_units))
    if event.deadline is not None:
        parts.append(f"答复期限：{event.deadline.isoformat()}")
    if event.result_class is not None:
        parts.append(f"办理结果：{result_text(event.result_class)}")
    if event.satisfaction is not None:
        parts.append(f"代表满意度：{event.satisfaction.label}")
    if event.reason:
        parts.append(f"理由：{event.reason}")
    if event.note:
        parts.append(event.note)
    return "\n".join(parts)


def convert_opinion(parent: QWidget, ctx: AppContext, opinion_id: int) -> SuggestionDialog:
    """转为代表建议: open the suggestion form filled from the opinion (`draft_from_opinion`; the
    link is kept); once saved, the main window shows the new suggestion on this page."""
    dialog = SuggestionDialog(ctx, parent, draft=suggestions.draft_from_opinion(ctx.db, opinion_id))

    def saved(suggestion_id: int) -> None:
        window = parent.window()
        show_page = getattr(window, "show_page", None)
        if show_page is not None:
            show_page("suggestions").show_suggestion(suggestion_id)

    dialog.saved.connect(saved)
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()
    return dialog


class SuggestionDetailPane(QScrollArea):
    """The selected suggestion in full. The page puts its step buttons into `steps`."""

    opinion_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.suggestion_id: int | None = None
        self.timeline_rows: list[tuple[str, str, str, str]] = []
        self.contact_rows: list[str] = []
        self.setObjectName("detailPane")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("detailBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 14, 14, 14)
        layout.setSpacing(8)

        head = QHBoxLayout()
        head.setSpacing(8)
        self.number = QLabel()
        self.number.setObjectName("detailName")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_badge = QLabel()
        self.overdue_badge = QLabel()
        head.addWidget(self.number)
        head.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.overdue_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addStretch(1)
        layout.addLayout(head)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 15px; font-weight: bold; color: #1d2b3f;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)

        self.steps = QHBoxLayout()
        self.steps.setSpacing(6)
        self.steps_note = QLabel()
        self.steps_note.setObjectName("hint")
        self.steps_note.setWordWrap(True)
        steps_box = QVBoxLayout()
        steps_box.setSpacing(4)
        steps_box.addLayout(self.steps)
        steps_box.addWidget(self.steps_note)
        layout.addLayout(steps_box)

        self.values: dict[str, QLabel] = {}
        self.forms: list[QFormLayout] = []

        def form(rows: tuple[tuple[str, str], ...]) -> QFormLayout:
            grid = QFormLayout()
            grid.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            grid.setHorizontalSpacing(10)
            grid.setVerticalSpacing(5)
            for key, label in rows:
                value = QLabel()
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                caption = QLabel(label)
                caption.setObjectName("fieldCaption")
                # One caption width for every group, so the values line up down the pane.
                caption.setMinimumWidth(caption.fontMetrics().horizontalAdvance("代表满意度") + 4)
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                self.values[key] = value
                grid.addRow(caption, value)
            self.forms.append(grid)
            return grid

        def heading(text: str, hint: str = "") -> QHBoxLayout:
            row = QHBoxLayout()
            title = QLabel(text)
            title.setObjectName("sectionTitle")
            row.addWidget(title)
            if hint:
                note = QLabel(hint)
                note.setObjectName("hint")
                row.addWidget(note)
            row.addStretch(1)
            layout.addSpacing(4)
            layout.addLayout(row)
            return row

        layout.addLayout(form((("submitted_on", "提出日期"), ("category", "类别"),
                               ("lead_deputy", "领衔代表"), ("co_signers", "附议代表"),
                               ("opinion", "来源"))))
        opinion = self.values["opinion"]
        opinion.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        opinion.setTextFormat(Qt.TextFormat.RichText)
        opinion.linkActivated.connect(self._link)
        heading("建议内容")
        self.content = QLabel()
        self.content.setWordWrap(True)
        self.content.setTextFormat(Qt.TextFormat.PlainText)
        self.content.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.content)
        heading("承办与结果")
        layout.addLayout(form((("lead_unit", "主办单位"), ("deadline", "答复期限"),
                               ("assisting", "协办单位"), ("result", "办理结果"),
                               ("satisfaction", "代表满意度"))))
        contacts_row = heading("联系代表", "三访两见面")
        self.contact_button = QPushButton("记录联系")
        self.contact_button.setToolTip("记录承办单位与代表的一次走访、见面座谈、电话或现场查看")
        contacts_row.addWidget(self.contact_button)
        self.tally = QLabel()
        self.tally.setWordWrap(True)
        layout.addWidget(self.tally)
        self.contacts = QLabel()
        self.contacts.setWordWrap(True)
        self.contacts.setTextFormat(Qt.TextFormat.RichText)
        self.contacts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.contacts)
        heading("办理过程")
        self.timeline = QLabel()
        self.timeline.setWordWrap(True)
        self.timeline.setTextFormat(Qt.TextFormat.RichText)
        self.timeline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.timeline)
        layout.addStretch(1)

        self.empty = QLabel("在左侧列表中选择一件代表建议，\n这里显示其详细情况和办理过程。")
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(body)
        self.setWidget(self.stack)
        self.show_none()

    def show_none(self) -> None:
        self.suggestion_id = None
        self.timeline_rows = []
        self.contact_rows = []
        self.stack.setCurrentIndex(0)

    def _set(self, key: str, text: str, hide_when_blank: bool = False) -> None:
        label = self.values[key]
        label.setText(text or "—")
        if hide_when_blank:
            for grid in self.forms:
                if grid.indexOf(label) >= 0:
                    grid.setRowVisible(label, bool(text))

    def _link(self, link: str) -> None:
        if link.startswith("opinion:"):
            self.opinion_clicked.emit(int(link.split(":", 1)[1]))

    def show_detail(self, detail: SuggestionDetail) -> None:
        self.suggestion_id = detail.id
        self.stack.setCurrentIndex(1)
        self.number.setText(detail.number)
        background, colour = STATUS_COLOURS.get(detail.status, ("#f1f2f4", "#374151"))
        self.status_badge.setText(detail.status.label)
        self.status_badge.setStyleSheet(BADGE.format(background, colour))
        self.overdue_badge.setVisible(detail.overdue)
        if detail.overdue:
            self.overdue_badge.setText(f"逾期{detail.overdue_days}天")
            self.overdue_badge.setStyleSheet(BADGE.format(*OVERDUE_COLOURS) + " font-weight:bold;")
        self.title.setText(detail.title)
        self._set("submitted_on", detail.submitted_on.isoformat())
        self._set("category", detail.category)
        self._set("lead_deputy", detail.lead_deputy)
        self._set("co_signers", "、".join(detail.co_signers))
        opinion = (f"<a href='opinion:{detail.opinion_id}'>社情民意 {escape(detail.opinion_number)}</a>"
                   if detail.opinion_id is not None else "")
        self._set("opinion", opinion, hide_when_blank=True)
        self.values["opinion"].setToolTip("点击查看这条社情民意" if opinion else "")
        self.content.setText(detail.content)
        self._set("lead_unit", detail.lead_unit)
        deadline = detail.deadline.isoformat() if detail.deadline else ""
        if detail.overdue:
            deadline += f"（已逾期{detail.overdue_days}天）"
        self._set("deadline", deadline)
        self.values["deadline"].setStyleSheet(
            f"color:{OVERDUE_COLOURS[1]}; font-weight:bold;" if detail.overdue else "")
        self._set("assisting", "\n".join(
            f"{u.name}（{u.deadline.isoformat()}前）" if u.deadline else u.name
            for u in detail.assisting_units), hide_when_blank=True)
        self._set("result", result_text(detail.result_class))
        self._set("satisfaction", detail.satisfaction.label if detail.satisfaction else "")
        self.tally.setText(detail.tally.text)
        met = detail.tally.visits >= REQUIRED_VISITS and detail.tally.meetings >= REQUIRED_MEETINGS
        self.tally.setStyleSheet("color:#1e7b34;" if met else "")
        self.tally.setToolTip("已达到三访两见面" if met else
                              f"三访两见面：还差走访{max(0, REQUIRED_VISITS - detail.tally.visits)}次、"
                              f"见面{max(0, REQUIRED_MEETINGS - detail.tally.meetings)}次")
        self.contact_rows = [
            "　".join(p for p in (c.contacted_on.isoformat(), f"{c.stage.label}·{c.kind.label}",
                                  c.unit, c.people, c.note) if p)
            for c in detail.contacts]
        self.contacts.setText(self._contacts_html(detail))
        self.timeline_rows = [(e.at.isoformat(), e.action_label, e.user, event_details(e))
                              for e in detail.events]
        self.timeline.setText(self._timeline_html())

    def _contacts_html(self, detail: SuggestionDetail) -> str:
        if not detail.contacts:
            return "<span style='color:#6b7280'>还没有联系记录</span>"
        blocks = []
        for contact in detail.contacts:
            text = (f"<b>{contact.contacted_on.isoformat()}　{escape(contact.stage.label)}·"
                    f"{escape(contact.kind.label)}</b>")
            who = "　".join(p for p in (contact.unit, contact.people) if p)
            if who:
                text += f"　<span style='color:#374151'>{escape(who)}</span>"
            if contact.note:
                text += f"<br><span style='color:#6b7280'>{_lines(contact.note)}</span>"
            blocks.append(f"<p style='margin:0 0 6px 0'>{text}</p>")
        return "".join(blocks)

    def _timeline_html(self) -> str:
        blocks = []
        for number, (at, label, user, details) in enumerate(self.timeline_rows):
            dot = "#2563a6" if number == len(self.timeline_rows) - 1 else "#9aa3af"
            text = (f"<span style='color:{dot}'>●</span> <b>{escape(at)}　{escape(label)}</b>"
                    f"　<span style='color:#6b7280'>{escape(user)}</span>")
            if details:
                text += f"<br><span style='color:#374151'>{_lines(details)}</span>"
            blocks.append(f"<p style='margin:0 0 8px 0'>{text}</p>")
        return "".join(blocks) or "<span style='color:#6b7280'>没有办理记录</span>"


class SuggestionsPage(QWidget):
    """代表建议. Dialogs open with `open()` (not exec), kept in `self.dialog`."""

    changed = Signal()  # a suggestion was registered, edited or took a step
    opinion_requested = Signal(int)  # show the opinion a suggestion came from

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: Any = None
        self.menu: QMenu | None = None
        self._loading_filters = False
        self._detail: SuggestionDetail | None = None
        self.model = SuggestionModel(ctx.db, self)
        self._build()
        self.reload_filters()
        self.refresh()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.add_action = make_action(self, "新建建议", self.add_suggestion, "Ctrl+N",
                                      "登记一件代表建议：领衔代表、附议代表、标题和内容")
        self.edit_action = make_action(self, "修改", self.edit_selected, "F2",
                                       "修改所选建议（只在交办前可以修改）")
        self.next_action = make_action(self, "办理下一步", self.next_step, None,
                                       "打开所选建议的下一步（回车或双击）")
        self.contact_action = make_action(self, "记录联系", self.record_contact, "Ctrl+K",
                                          "记录承办单位与代表的一次联系（三访两见面）")
        make_action(self, "查找", self.focus_search, "Ctrl+F")
        make_action(self, "刷新", self.reload, "F5")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)

        top = QHBoxLayout()
        top.setSpacing(8)
        title = QLabel("代表建议")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(16)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(380)
        self.search.setMaximumWidth(560)
        self.search.setToolTip("输入即筛选（Ctrl+F）。可用空格分开多个词，须同时满足。")
        top.addWidget(self.search, 1)
        top.addStretch(0)
        self.edit_button = action_button(self.edit_action)
        self.print_button = print_button(self, ("suggestion-form",), self.selected_id)
        top.addWidget(self.print_button)
        top.addWidget(self.edit_button)
        top.addWidget(action_button(self.add_action, primary=True))
        layout.addLayout(top)

        self.tabs = QTabBar()
        self.tabs.setObjectName("statusTabs")
        self.tabs.setStyleSheet(TAB_STYLE)
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.tabs.setUsesScrollButtons(True)
        for tab in TABS:
            index = self.tabs.addTab(tab.label)
            self.tabs.setTabData(index, tab.key)
            self.tabs.setTabToolTip(index, tab.tip)
        self.tabs.currentChanged.connect(lambda _i: self._filters_changed())
        layout.addWidget(self.tabs)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.category_filter = _combo()
        self.unit_filter = _combo(120, 200)
        self.result_filter = _combo(100, 130)
        self.date_from = OptionalDateEdit()
        self.date_to = OptionalDateEdit()
        for edit, tip in ((self.date_from, "提出日期从（留空不限）"),
                          (self.date_to, "提出日期到（留空不限）")):
            edit.setToolTip(tip)
            edit.edit.setToolTip(tip)
            edit.edit.setSpecialValueText("不限")
        dash = QLabel("至")
        dash.setObjectName("filterCaption")
        groups: list[tuple[str, list[QWidget]]] = [
            ("类别", [self.category_filter]), ("主办单位", [self.unit_filter]),
            ("办理结果", [self.result_filter]),
            ("提出日期", [self.date_from, dash, self.date_to])]
        for number, (caption, widgets) in enumerate(groups):
            label = QLabel(caption)
            label.setObjectName("filterCaption")
            label.setBuddy(widgets[0])
            if number:
                filters.addSpacing(12)
            filters.addWidget(label)
            for widget in widgets:
                filters.addWidget(widget)
        filters.addSpacing(12)
        self.overdue_only = QCheckBox("只看逾期")
        self.overdue_only.setToolTip("只显示已交办、超过答复期限仍未答复的建议")
        filters.addWidget(self.overdue_only)
        filters.addSpacing(8)
        self.reset_button = QPushButton("清除条件")
        self.reset_button.setObjectName("flat")
        self.reset_button.setToolTip("清空搜索和筛选，回到“全部”")
        self.reset_button.clicked.connect(self.reset_filters)
        filters.addWidget(self.reset_button)
        filters.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        filters.addWidget(self.count_label)
        layout.addLayout(filters)
        for combo in (self.category_filter, self.unit_filter, self.result_filter):
            combo.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.date_from.changed.connect(self._filters_changed)
        self.date_to.changed.connect(self._filters_changed)
        self.overdue_only.toggled.connect(lambda _c: self._filters_changed())

        self.table = QTableView()
        self.table.setObjectName("suggestionsTable")
        configure_record_table(self.table, self.model, stretch=TITLE_COLUMN)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        for enter in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            widget_shortcut(enter, self.table, self.next_step)
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setToolTip("右键可选择显示哪些列")
        chosen = str(self.ctx.prefs.get(SUGGESTIONS_COLUMNS) or "")
        shown = set(chosen.split("|")) if chosen else None
        for number, column in enumerate(self.model.columns):
            if number not in FIXED_COLUMNS:
                hidden = number in HIDDEN_AT_FIRST if shown is None else column.title not in shown
                self.table.setColumnHidden(number, hidden)

        self.empty = QLabel()
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty)

        self.detail = SuggestionDetailPane()
        self.detail.setMinimumWidth(300)
        self.detail.opinion_clicked.connect(self.opinion_requested)
        self.detail.contact_button.clicked.connect(self.contact_action.trigger)
        self.step_actions: dict[SuggestionAction, QAction] = {}
        self.step_buttons: dict[SuggestionAction, QPushButton] = {}
        forward = set(FORWARD.values())
        for action in STEP_ORDER:
            step = make_action(self, action.label, partial(self.start_action, action), None,
                               STEP_TIPS[action])
            button = action_button(step, primary=action in forward)
            self.step_actions[action] = step
            self.step_buttons[action] = button
            self.detail.steps.addWidget(button)
        self.detail.steps.addStretch(1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table_stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([900, 300])
        state = self.ctx.prefs.get(SUGGESTIONS_SPLITTER)
        if state:
            self.splitter.restoreState(state)
        self.splitter.splitterMoved.connect(
            lambda *_: self.ctx.prefs.set(SUGGESTIONS_SPLITTER, self.splitter.saveState()))
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        QWidget.setTabOrder(self.search, self.tabs)
        QWidget.setTabOrder(self.tabs, self.category_filter)
        self._update_actions()

    def set_column_visible(self, title: str, visible: bool) -> None:
        """Show or hide a column by its title (the header's menu); remembered for next time."""
        number = next(i for i, c in enumerate(self.model.columns) if c.title == title)
        if number in FIXED_COLUMNS:
            return
        self.table.setColumnHidden(number, not visible)
        fill = getattr(self.table, "_fill_column", None)
        if fill is not None:
            fill.fit()
        shown = [c.title for i, c in enumerate(self.model.columns)
                 if i not in FIXED_COLUMNS and not self.table.isColumnHidden(i)]
        self.ctx.prefs.set(SUGGESTIONS_COLUMNS, "|".join(shown) or "|")

    def _header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for number, column in enumerate(self.model.columns):
            if number in FIXED_COLUMNS:
                continue
            item = menu.addAction(column.title)
            item.setCheckable(True)
            item.setChecked(not self.table.isColumnHidden(number))
            item.toggled.connect(partial(self.set_column_visible, column.title))
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))
        self.menu = menu

    # -- filters ----------------------------------------------------------------------------
    def reload_filters(self) -> None:
        """Fill the category, unit and result combos, keeping what was chosen where possible."""
        self._loading_filters = True
        try:
            keep = self.category_filter.currentData()
            self.category_filter.clear()
            self.category_filter.addItem("全部", None)
            for value in suggestion_list.category_choices(self.ctx.db):
                self.category_filter.addItem(value, value)
            self.category_filter.setCurrentIndex(max(0, self.category_filter.findData(keep)))
            keep = self.unit_filter.currentData()
            self.unit_filter.clear()
            self.unit_filter.addItem("全部", None)
            for unit in handling_units.list_units(self.ctx.db, include_inactive=True):
                self.unit_filter.addItem(unit.name if unit.active else f"{unit.name}（已停用）", unit.id)
            self.unit_filter.setCurrentIndex(max(0, self.unit_filter.findData(keep)))
            if not self.result_filter.count():
                self.result_filter.addItem("全部", None)
                for result in ResultClass:
                    self.result_filter.addItem(result_text(result), result.value)
        finally:
            self._loading_filters = False

    def _filters_changed(self) -> None:
        if not self._loading_filters:
            self.refresh()

    def tab_key(self) -> str:
        return str(self.tabs.tabData(self.tabs.currentIndex()) or "all")

    def set_tab(self, key: str) -> None:
        """Show one status tab (its key from suggestion_list.TABS)."""
        for index in range(self.tabs.count()):
            if self.tabs.tabData(index) == key:
                self.tabs.setCurrentIndex(index)
                return

    def query(self) -> SuggestionFilter:
        return SuggestionFilter(
            tab=self.tab_key(),
            category=self.category_filter.currentData(),
            lead_unit_id=self.unit_filter.currentData(),
            result_class=enum_member(ResultClass, self.result_filter.currentData()),
            overdue_only=self.overdue_only.isChecked(),
            submitted_from=self.date_from.value(),
            submitted_to=self.date_to.value(),
            text=self.search.text(),
            today=self.model.today,
        )

    def _clear_conditions(self) -> None:
        """Every condition back to none, without refreshing (the caller refreshes)."""
        self._loading_filters = True
        try:
            self.search.clear()
            self._search_timer.stop()
            for combo in (self.category_filter, self.unit_filter, self.result_filter):
                combo.setCurrentIndex(0)
            self.date_from.clear()
            self.date_to.clear()
            self.overdue_only.setChecked(False)
            self.tabs.setCurrentIndex(0)
        finally:
            self._loading_filters = False

    def reset_filters(self) -> None:
        self._clear_conditions()
        self.refresh()

    def show_suggestion(self, suggestion_id: int) -> bool:
        """Select one suggestion, clearing the conditions if they hide it (for other areas: the
        mailbox calls it after converting an opinion). False if there is no such suggestion."""
        self.reload_filters()
        self.model.invalidate([suggestion_id])
        self.refresh()
        if self.model.row_of(suggestion_id) is None:
            self._clear_conditions()
            self.refresh()
        if self.model.row_of(suggestion_id) is None:
            return False
        self.select_id(suggestion_id)
        return True

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.refresh()
        if self.model.rowCount() and not self.selected_id():
            self.select_id(self.model.id_at(0))

    # -- data -------------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        """Ask the service for the matching ids and the tab counts; keep the selection."""
        self._search_timer.stop()
        keep = select if select is not None else self.selected_id()
        query = self.query()
        ids = suggestion_list.search_ids(self.ctx.db, query)
        self.model.set_ids(ids)
        counts = suggestion_list.tab_counts(self.ctx.db, query)
        for index, tab in enumerate(TABS):
            number = counts.get(tab.key, 0)
            self.tabs.setTabText(index, f"{tab.label} {number}")
            self.tabs.setTabTextColor(index, OVERDUE_TAB if tab.overdue and number else TAB_TEXT)
        self.count_label.setText(f"共 {len(ids)} 件")
        if ids:
            self.table_stack.setCurrentWidget(self.table)
        else:
            self.empty.setText(self._empty_text(query, counts))
            self.table_stack.setCurrentWidget(self.empty)
        if keep is not None and self.model.row_of(keep) is not None:
            self.select_id(keep)
        else:
            self._selection_changed()

    def tab_count(self, key: str) -> int:
        """The number shown on a tab (for tests and the home page)."""
        for index, tab in enumerate(TABS):
            if tab.key == key:
                return int(self.tabs.tabText(index).rsplit(" ", 1)[-1])
        raise KeyError(key)

    def _empty_text(self, query: SuggestionFilter, counts: dict[str, int]) -> str:
        conditions = (query.text.strip() or query.category or query.lead_unit_id is not None
                      or query.result_class is not None or query.overdue_only
                      or query.submitted_from or query.submitted_to)
        if conditions:
            return "没有符合条件的建议。可以换个条件，或点“清除条件”。"
        if counts.get("all", 0) == 0:
            return ("还没有登记代表建议。\n点“新建建议”（Ctrl+N）登记领衔代表、附议代表和建议内容；\n"
                    "在“社情民意”中也可以把一条意见转为代表建议。")
        tab = suggestion_list.TAB_BY_KEY.get(query.tab)
        if tab is not None and tab.overdue:
            return "没有逾期的建议。"
        return f"“{tab.label if tab else query.tab}”中没有建议。"

    def activate(self) -> None:
        """Called by the main window each time the page is shown."""
        self.reload()

    def reload(self) -> None:
        """Read everything again (F5): lists, rows (a day may have passed: overdue moves)."""
        self.reload_filters()
        self.model.invalidate()
        self.refresh()

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.id_at(index.row())

    def select_id(self, suggestion_id: int | None) -> None:
        row = self.model.row_of(suggestion_id) if suggestion_id is not None else None
        if row is None:
            self.table.clearSelection()
            self._selection_changed()
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self._selection_changed()

    def _selection_changed(self) -> None:
        suggestion_id = self.selected_id()
        self._detail = None
        if suggestion_id is not None:
            try:
                self._detail = suggestion_list.load_detail(self.ctx.db, suggestion_id, self.model.today)
            except NotFound:
                self._detail = None
        if self._detail is None:
            self.detail.show_none()
        else:
            self.detail.show_detail(self._detail)
        self._update_actions()

    def allowed(self) -> list[SuggestionAction]:
        """The steps the selected suggestion allows now (none when nothing is selected)."""
        return suggestions.allowed_actions(self._detail.status) if self._detail is not None else []

    def offered_actions(self) -> list[SuggestionAction]:
        """The step buttons shown now, in the order of the flow."""
        return [a for a in STEP_ORDER if not self.step_buttons[a].isHidden()
                and self.step_buttons[a].isEnabled()]

    def _update_actions(self) -> None:
        allowed = set(self.allowed())
        for action, step in self.step_actions.items():
            step.setEnabled(action in allowed)
            self.step_buttons[action].setVisible(action in allowed)
        detail = self._detail
        self.next_action.setEnabled(detail is not None and FORWARD.get(detail.status) in allowed)
        self.edit_action.setEnabled(detail is not None and detail.status == S.REGISTERED)
        self.edit_button.setToolTip("修改所选建议（F2）" if detail is None or detail.status == S.REGISTERED
                                    else "已交办的建议不能再修改内容")
        self.contact_action.setEnabled(detail is not None)
        self.detail.contact_button.setEnabled(detail is not None)
        note = FINAL_NOTES.get(detail.status, "") if detail is not None else ""
        self.detail.steps_note.setText(note)
        self.detail.steps_note.setVisible(bool(note))

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.select_id(self.model.id_at(index.row()))
            self.next_step()

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.select_id(self.model.id_at(index.row()))
        menu = QMenu(self)
        allowed = self.allowed()
        for action in STEP_ORDER:
            if action in allowed:
                menu.addAction(self.step_actions[action])
        if allowed:
            menu.addSeparator()
        menu.addAction(self.contact_action)
        menu.addAction(self.edit_action)
        menu.addSeparator()
        menu.addAction(self.add_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))
        self.menu = menu

    def _changed(self, suggestion_id: int | None) -> None:
        """After any write: rows, counts, filters and the detail read again."""
        if suggestion_id is not None:
            self.model.invalidate([suggestion_id])
        self.reload_filters()
        self.refresh(select=suggestion_id)
        if suggestion_id is not None and self.selected_id() != suggestion_id:
            self.show_suggestion(suggestion_id)  # hidden by the tab or the filters: show it anyway
        self.changed.emit()

    # -- actions ----------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def add_suggestion(self, draft: SuggestionInput | None = None) -> SuggestionDialog:
        """新建建议 (Ctrl+N), or a prefilled form (a draft from an opinion)."""
        if not isinstance(draft, SuggestionInput):
            draft = None  # called by the QAction, which passes its `checked` flag
        dialog = SuggestionDialog(self.ctx, self, draft=draft)
        return self._open_form(dialog)

    def edit_selected(self) -> SuggestionDialog | None:
        """修改: only while 已登记 (the unit handles exactly what it received)."""
        detail = self._detail
        if detail is None:
            return None
        if detail.status != S.REGISTERED:
            messages.inform(self, "不能修改", f"建议 {detail.number} 已交办，内容不能再修改。")
            return None
        try:
            dialog = SuggestionDialog(self.ctx, self, suggestion_id=detail.id)
        except NotFound as exc:
            messages.warn(self, "无法修改", exc.message)
            self.reload()
            return None
        return self._open_form(dialog)

    def _open_form(self, dialog: SuggestionDialog) -> SuggestionDialog:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._form_closed(dialog))
        dialog.open()
        return dialog

    def _form_closed(self, dialog: SuggestionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        if dialog.saved_suggestion_id is not None:
            self._changed(dialog.saved_suggestion_id)
        dialog.deleteLater()

    def next_step(self) -> SuggestionActionDialog | None:
        """Enter or a double click: the forward step of the selected suggestion."""
        if self._detail is None:
            return None
        action = FORWARD.get(self._detail.status)
        if action is None:
            note = FINAL_NOTES.get(self._detail.status, "")
            if note:
                messages.inform(self, self._detail.number, note)
            return None
        return self.start_action(action)

    def start_action(self, action: SuggestionAction) -> SuggestionActionDialog | None:
        """Open the form of one step for the selected suggestion; a step the flow does not allow
        is refused with the service's message (naming the status and the steps allowed)."""
        suggestion_id = self.selected_id()
        if suggestion_id is None:
            return None
        try:
            detail = suggestion_list.load_detail(self.ctx.db, suggestion_id)
            suggestions.next_status(detail.status, action)
        except (NotFound, TransitionRefused) as exc:
            messages.warn(self, f"不能{action.label}", exc.message)
            self.reload()
            return None
        dialog = SuggestionActionDialog(self.ctx, suggestion_id, action, self)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._step_closed(dialog, suggestion_id))
        dialog.open()
        return dialog

    def _step_closed(self, dialog: QWidget, suggestion_id: int) -> None:
        if self.dialog is dialog:
            self.dialog = None
        # Also after 取消: a refused save (someone else took a step) shows the latest state.
        self._changed(suggestion_id)
        dialog.deleteLater()

    def record_contact(self) -> ContactDialog | None:
        """记录联系 for the selected suggestion."""
        suggestion_id = self.selected_id()
        if suggestion_id is None:
            return None
        try:
            dialog = ContactDialog(self.ctx, suggestion_id, self)
        except NotFound as exc:
            messages.warn(self, "不能记录联系", exc.message)
            self.reload()
            return None
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._step_closed(dialog, suggestion_id))
        dialog.open()
        return dialog
