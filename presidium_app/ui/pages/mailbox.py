"""社情民意: the mailbox and every other channel, from 登记 to 办结 (DOMAIN.md §4).

Status tabs across the top (each with its count), filters and a search box that filters as you
type, a lazy table over opinion ids (masked submitters, overdue rows in red) and, beside it, the
selected item in full: the submitter's personal data (the office's internal view), the units
with their deadlines and every step taken. The steps the flow allows for that item, and only
those, are buttons; each opens a small form (opinion_action_dialog.py).

Links with other areas:
- `suggestion_handler` (module level, like activity_dialog.mailbox_handler) does “转为代表建议”
  through the suggestions page's form.
- `MailboxPage.show_unit(unit_id)` lists one handling unit's items (e.g. from the units dialog),
  and `MailboxPage.show_opinion(opinion_id)` selects one item whatever the filters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from html import escape
from typing import TYPE_CHECKING, Any

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

from presidium_app.domain.enums import OpinionAction, OpinionStatus
from presidium_app.services import handling_units, mailbox, opinion_list
from presidium_app.services.errors import NotFound
from presidium_app.services.mailbox import TransitionRefused
from presidium_app.services.opinion_list import TABS, EventInfo, OpinionDetail, OpinionFilter
from presidium_app.ui import ledger_actions, messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.models.opinion_model import CONTENT_COLUMN, OpinionModel
from presidium_app.ui.prefs import Option
from presidium_app.ui.widgets.actions import action_button, make_action
from presidium_app.ui.widgets.dates import OptionalDateEdit
from presidium_app.ui.widgets.print_button import print_button
from presidium_app.ui.widgets.shortcuts import widget_shortcut
from presidium_app.ui.widgets.table import configure_record_table

if TYPE_CHECKING:  # the dialogs are imported when first opened: the page opens faster
    from presidium_app.ui.dialogs.handling_units_dialog import HandlingUnitsDialog
    from presidium_app.ui.dialogs.opening_dialog import OpeningDialog
    from presidium_app.ui.dialogs.opinion_action_dialog import OpinionActionDialog
    from presidium_app.ui.dialogs.opinion_dialog import OpinionDialog

A = OpinionAction
S = OpinionStatus

MAILBOX_SPLITTER = Option("mailbox/splitter", QByteArray())
SEARCH_DELAY_MS = 60
# Ids read before the list first shows (a few screens); the rest are read when scrolled to.
FIRST_IDS = 200
SEARCH_PLACEHOLDER = "编号（如 2026-0042）、内容、反映人姓名或电话后四位"

# The step buttons in the order of the flow; the forward step of each status is the blue one,
# and Enter (or a double click) on the list opens it.
STEP_ORDER = (A.ASSIGN, A.REPLY, A.FEED_BACK, A.FOLLOW_UP, A.REDO, A.CLOSE, A.UNIT_RETURN,
              A.REJECT, A.REDIRECT)
FORWARD: dict[OpinionStatus, OpinionAction] = {
    S.REGISTERED: A.ASSIGN, S.ASSIGNED: A.REPLY, S.REPLIED: A.FEED_BACK, S.FED_BACK: A.FOLLOW_UP,
    S.FOLLOWED_UP: A.CLOSE,
}
STEP_TIPS: dict[OpinionAction, str] = {
    A.ASSIGN: "交给主办单位（和协办单位）办理，并定办理期限",
    A.REPLY: "登记承办单位的答复",
    A.FEED_BACK: "把答复告知反映人",
    A.FOLLOW_UP: "回访反映人，记录满意度（满意、基本满意）",
    A.REDO: "回访不满意：退回承办单位重新办理，并定新的期限",
    A.CLOSE: "回访后办结",
    A.UNIT_RETURN: "承办单位认为交办有误而退回，回到待交办",
    A.REJECT: "属于诉讼、仲裁、行政复议等程序的，不予受理（须写明理由）",
    A.REDIRECT: "属于个人诉求的，转信访部门（须写明理由）",
}
FINAL_NOTES: dict[OpinionStatus, str] = {
    S.CLOSED: "已办结，无需再办理。",
    S.REJECTED: "已不予受理，无需再办理。",
    S.REDIRECTED: "已转信访部门，无需再办理。",
}
STATUS_COLOURS: dict[OpinionStatus, tuple[str, str]] = {
    S.REGISTERED: ("#fff4e5", "#b54708"),
    S.ASSIGNED: ("#e8f0fb", "#1d4f8c"),
    S.REPLIED: ("#e6f6f4", "#0f766e"),
    S.FED_BACK: ("#e6f6f4", "#0f766e"),
    S.FOLLOWED_UP: ("#e6f6f4", "#0f766e"),
    S.CLOSED: ("#e6f4ea", "#1e7b34"),
    S.REJECTED: ("#f1f2f4", "#6b7280"),
    S.REDIRECTED: ("#f1f2f4", "#6b7280"),
}
OVERDUE_COLOURS = ("#fdecea", "#b42318")
OVERDUE_TAB = QColor("#b42318")

TAB_STYLE = """
QTabBar::tab { padding: 6px 14px; margin-right: 4px; border: 1px solid #d0d7e2;
               border-radius: 4px; background: #ffffff; }
QTabBar::tab:hover { background: #eef3fa; }
QTabBar::tab:selected { background: #2563a6; border-color: #2563a6; color: #ffffff;
                        font-weight: bold; }
"""

# --- 转为代表建议 ----------------------------------------------------------------------------
# Called with the page, the context and the opinion's id: the suggestions area opens its form
# prefilled from the opinion and keeps the link. Tests put a recorder in its place; set to None,
# the button is shown disabled with a tooltip that says why.
SuggestionHandler = Callable[[QWidget, AppContext, int], object]


def convert_to_suggestion(parent: QWidget, ctx: AppContext, opinion_id: int) -> object:
    from presidium_app.ui.pages.suggestions import convert_opinion  # the other page, on demand

    return convert_opinion(parent, ctx, opinion_id)


suggestion_handler: SuggestionHandler | None = convert_to_suggestion
SUGGESTION_LATER = ("代表建议功能将在后续版本中提供。届时点此按钮，可把这条意见转为代表建议，"
                    "并保留两者的关联。")


def _combo(min_width: int = 100, max_width: int = 170) -> QComboBox:
    combo = QComboBox()
    combo.setMinimumWidth(min_width)
    combo.setMaximumWidth(max_width)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(5)
    return combo


def _lines(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _restyle(widget: QWidget, sheet: str) -> None:
    """Set a style sheet only when it changes: each call re-polishes the widget, and the pane
    is filled again as the selection follows a search."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def event_details(event: EventInfo) -> str:
    """What a step says besides its date, name and who: units, deadline, reason, satisfaction,
    note (plain text, one part per line)."""
    parts: list[str] = []
    if event.lead_unit and event.action in (A.ASSIGN, A.REDO):
        parts.append(f"主办：{event.lead_unit}")
    if event.assisting_units:
        parts.append("协办：" + "、".join(
            f"{u.name}（{u.deadline.isoformat()}前提出意见）" if u.deadline else u.name
            for u in event.assisting_units))
    if event.deadline is not None:
        parts.append(f"办理期限：{event.deadline.isoformat()}")
    if event.satisfaction is not None:
        parts.append(f"满意度：{event.satisfaction.label}")
    if event.reason:
        parts.append(f"理由：{event.reason}")
    if event.note:
        parts.append(event.note)
    return "\n".join(parts)


class OpinionDetailPane(QScrollArea):
    """The selected item in full (internal view: the submitter unmasked). The page puts its step
    buttons into `steps`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opinion_id: int | None = None
        self.timeline_rows: list[tuple[str, str, str, str]] = []
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
                caption.setMinimumWidth(caption.fontMetrics().horizontalAdvance("村（社区）") + 4)
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                self.values[key] = value
                grid.addRow(caption, value)
            self.forms.append(grid)
            return grid

        def heading(text: str, hint: str = "") -> None:
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

        layout.addLayout(form((("received_on", "收到日期"), ("channel", "来源渠道"),
                               ("opening", "开箱记录"), ("deputy", "接收代表"),
                               ("village", "村（社区）"), ("category", "类别"))))
        heading("反映人", "内部信息，列表和公示中隐去")
        layout.addLayout(form((("name", "姓名"), ("phone", "电话"), ("address", "住址"),
                               ("id_number", "身份证号"))))
        heading("反映内容")
        self.content = QLabel()
        self.content.setWordWrap(True)
        self.content.setTextFormat(Qt.TextFormat.PlainText)
        self.content.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.content)
        heading("承办单位")
        layout.addLayout(form((("lead_unit", "主办单位"), ("deadline", "办理期限"),
                               ("assisting", "协办单位"))))
        heading("办理过程")
        self.timeline = QLabel()
        self.timeline.setWordWrap(True)
        self.timeline.setTextFormat(Qt.TextFormat.RichText)
        self.timeline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.timeline)
        layout.addSpacing(6)
        self.convert_button = QPushButton("转为代表建议")
        self.convert_button.setObjectName("flat")
        layout.addWidget(self.convert_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

        self.empty = QLabel("在左侧列表中选择一条社情民意，\n这里显示其详细情况和办理过程。")
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(body)
        self.setWidget(self.stack)
        self.show_none()

    def show_none(self) -> None:
        self.opinion_id = None
        self.timeline_rows = []
        self.stack.setCurrentIndex(0)

    def _set(self, key: str, text: str, hide_when_blank: bool = False) -> None:
        label = self.values[key]
        label.setText(text or "—")
        if hide_when_blank:
            for grid in self.forms:
                if grid.indexOf(label) >= 0:
                    grid.setRowVisible(label, bool(text))

    def show_detail(self, detail: OpinionDetail) -> None:
        self.opinion_id = detail.id
        self.stack.setCurrentIndex(1)
        self.number.setText(detail.number)
        background, colour = STATUS_COLOURS.get(detail.status, ("#f1f2f4", "#374151"))
        self.status_badge.setText(detail.status.label)
        _restyle(self.status_badge,
                 f"background:{background}; color:{colour}; border-radius:9px; padding:2px 10px;")
        self.overdue_badge.setVisible(detail.overdue)
        if detail.overdue:
            self.overdue_badge.setText(f"逾期{detail.overdue_days}天")
            _restyle(self.overdue_badge,
                     f"background:{OVERDUE_COLOURS[0]}; color:{OVERDUE_COLOURS[1]}; border-radius:9px;"
                     " padding:2px 10px; font-weight:bold;")
        self._set("received_on", detail.received_on.isoformat())
        self._set("channel", detail.channel.label)
        self._set("opening", detail.opening, hide_when_blank=True)
        self._set("deputy", detail.receiving_deputy, hide_when_blank=True)
        self._set("village", detail.village)
        self._set("category", detail.category)
        if detail.anonymous:
            self._set("name", "匿名")
        else:
            self._set("name", detail.submitter_name)
        self._set("phone", detail.submitter_phone, hide_when_blank=detail.anonymous)
        self._set("address", detail.submitter_address, hide_when_blank=detail.anonymous)
        self._set("id_number", detail.submitter_id_number, hide_when_blank=True)
        self.content.setText(detail.content)
        assigned = detail.lead_unit_id is not None
        self._set("lead_unit", detail.lead_unit if assigned else
                  ("尚未交办" if detail.status == S.REGISTERED else "未交办"))
        deadline = detail.deadline.isoformat() if detail.deadline else ""
        if detail.overdue:
            deadline += f"（已逾期{detail.overdue_days}天）"
        self._set("deadline", deadline, hide_when_blank=True)
        _restyle(self.values["deadline"],
                 f"color:{OVERDUE_COLOURS[1]}; font-weight:bold;" if detail.overdue else "")
        self._set("assisting", "\n".join(
            f"{u.name}（{u.deadline.isoformat()}前）" if u.deadline else u.name
            for u in detail.assisting_units), hide_when_blank=not assigned)
        self.timeline_rows = [(e.at.isoformat(), e.action_label, e.user, event_details(e))
                              for e in detail.events]
        self.timeline.setText(self._timeline_html())

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


class MailboxPage(QWidget):
    """社情民意. Dialogs open with `open()` (not exec), kept in `self.dialog`."""

    changed = Signal()  # an item was registered or took a step: other pages may refresh

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: Any = None
        self.units_dialog: HandlingUnitsDialog | None = None
        self.summary_dialog: Any = None
        self.menu: QMenu | None = None
        self._loading_filters = False
        self._detail: OpinionDetail | None = None
        self.model = OpinionModel(ctx.db, self)
        self._refreshing = False
        self._shown_query: OpinionFilter | None = None
        self.model.modelReset.connect(self._rows_replaced)
        self._build()
        self.reload_filters()
        self.refresh()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.register_action = make_action(self, "登记", self.register, "Ctrl+N",
                                           "登记来访、电话、微信、网络或代表转交的意见")
        self.opening_action = make_action(self, "开箱登记", self.open_mailbox, "Ctrl+Shift+N",
                                          "记录一次开箱（两人开箱），再逐件登记信件")
        self.next_action = make_action(self, "办理下一步", self.next_step, None,
                                       "打开所选条目的下一步（回车或双击）")
        self.convert_action = make_action(self, "转为代表建议", self.convert_selected, None,
                                          "把这条意见转为代表建议")
        self.units_action = make_action(self, "承办单位", self.open_units, "Ctrl+U",
                                        "承办单位名录：联系人、电话、在办和逾期件数")
        self.import_action = make_action(self, "导入台账…", self.import_opinions, "Ctrl+I",
                                         "从Excel社情民意台账导入，有误的行会逐行列出")
        self.export_action = make_action(self, "导出台账…", self.export_opinions, "Ctrl+E",
                                         "把全部条目导出为Excel台账（含反映人信息，仅供内部使用）")
        self.template_action = make_action(self, "下载空白模板…", self.save_template, None,
                                           "下载社情民意台账的空白模板")
        make_action(self, "查找", self.focus_search, "Ctrl+F")
        make_action(self, "刷新", self.reload, "F5")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)

        top = QHBoxLayout()
        top.setSpacing(8)
        title = QLabel("社情民意")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(16)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(360)
        self.search.setMaximumWidth(560)
        self.search.setToolTip("输入即筛选（Ctrl+F）。可用空格分开多个词，须同时满足。")
        top.addWidget(self.search, 1)
        top.addStretch(0)
        ledger = QPushButton("Excel台账")
        ledger.setToolTip("导入、导出社情民意台账，或下载空白模板（Ctrl+I 导入，Ctrl+E 导出）")
        menu = QMenu(ledger)
        menu.addActions([self.import_action, self.export_action, self.template_action])
        ledger.setMenu(menu)
        top.addWidget(ledger)
        self.print_button = print_button(
            self, ("opinion-form", "assignment-slip", "reply-form", "satisfaction-form", "mailbox-ledger",
                   "public-results"), self.selected_id)
        top.addWidget(self.print_button)
        top.addWidget(action_button(self.units_action))
        top.addWidget(action_button(self.opening_action))
        top.addWidget(action_button(self.register_action, primary=True))
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
        self.village_filter = _combo()
        self.unit_filter = _combo(120, 200)
        self.date_from = OptionalDateEdit()
        self.date_to = OptionalDateEdit()
        for edit, tip in ((self.date_from, "收到日期从（留空不限）"),
                          (self.date_to, "收到日期到（留空不限）")):
            edit.setToolTip(tip)
            edit.edit.setToolTip(tip)
            edit.edit.setSpecialValueText("不限")
            edit.set_start(dt.date.today())
        dash = QLabel("至")
        dash.setObjectName("filterCaption")
        groups: list[tuple[str, list[QWidget]]] = [
            ("类别", [self.category_filter]), ("村（社区）", [self.village_filter]),
            ("主办单位", [self.unit_filter]),
            ("收到日期", [self.date_from, dash, self.date_to])]
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
        self.overdue_only.setToolTip("只显示已交办、超过办理期限仍未答复的条目")
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
        for combo in (self.category_filter, self.village_filter, self.unit_filter):
            combo.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.date_from.changed.connect(self._filters_changed)
        self.date_to.changed.connect(self._filters_changed)
        self.overdue_only.toggled.connect(lambda _c: self._filters_changed())

        self.table = QTableView()
        self.table.setObjectName("opinionsTable")
        configure_record_table(self.table, self.model, stretch=CONTENT_COLUMN)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        for enter in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            widget_shortcut(enter, self.table, self.next_step)

        self.empty = QLabel()
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty)

        self.detail = OpinionDetailPane()
        self.detail.setMinimumWidth(300)
        self.step_actions: dict[OpinionAction, QAction] = {}
        self.step_buttons: dict[OpinionAction, QPushButton] = {}
        forward = set(FORWARD.values())
        for action in STEP_ORDER:
            step = make_action(self, action.label, partial(self.start_action, action), None,
                               STEP_TIPS[action])
            button = action_button(step, primary=action in forward)
            self.step_actions[action] = step
            self.step_buttons[action] = button
            self.detail.steps.addWidget(button)
        self.detail.steps.addStretch(1)
        self.detail.convert_button.clicked.connect(self.convert_action.trigger)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table_stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([860, 320])
        state = self.ctx.prefs.get(MAILBOX_SPLITTER)
        if state:
            self.splitter.restoreState(state)
        self.splitter.splitterMoved.connect(
            lambda *_: self.ctx.prefs.set(MAILBOX_SPLITTER, self.splitter.saveState()))
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

    # -- filters ----------------------------------------------------------------------------
    def reload_filters(self) -> None:
        """Fill the category, village and unit combos, keeping what was chosen where possible."""
        self._loading_filters = True
        try:
            for combo, kind in ((self.category_filter, "category"), (self.village_filter, "village")):
                values = opinion_list.filter_choices(self.ctx.db, kind)
                keep = combo.currentData()
                combo.clear()
                combo.addItem("全部", None)
                for value in values:
                    combo.addItem(value, value)
                combo.setCurrentIndex(max(0, combo.findData(keep)))
            keep = self.unit_filter.currentData()
            self.unit_filter.clear()
            self.unit_filter.addItem("全部", None)
            for unit in handling_units.list_units(self.ctx.db, include_inactive=True):
                self.unit_filter.addItem(unit.name if unit.active else f"{unit.name}（已停用）", unit.id)
            self.unit_filter.setCurrentIndex(max(0, self.unit_filter.findData(keep)))
        finally:
            self._loading_filters = False

    def _filters_changed(self) -> None:
        if not self._loading_filters:
            self.refresh()

    def tab_key(self) -> str:
        return str(self.tabs.tabData(self.tabs.currentIndex()) or "all")

    def set_tab(self, key: str) -> None:
        """Show one status tab (its key from opinion_list.TABS)."""
        for index in range(self.tabs.count()):
            if self.tabs.tabData(index) == key:
                self.tabs.setCurrentIndex(index)
                return

    def query(self) -> OpinionFilter:
        return OpinionFilter(
            tab=self.tab_key(),
            category=self.category_filter.currentData(),
            village=self.village_filter.currentData(),
            lead_unit_id=self.unit_filter.currentData(),
            overdue_only=self.overdue_only.isChecked(),
            received_from=self.date_from.value(),
            received_to=self.date_to.value(),
            text=self.search.text(),
        )

    def _clear_conditions(self) -> None:
        """Every condition back to none, without refreshing (the caller refreshes)."""
        self._loading_filters = True
        try:
            self.search.clear()
            self._search_timer.stop()
            for combo in (self.category_filter, self.village_filter, self.unit_filter):
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

    def show_unit(self, unit_id: int) -> bool:
        """The hook for other areas (e.g. the handling units dialog): list the items whose lead
        unit is `unit_id`, every other condition cleared. False if the unit is unknown."""
        self.reload_filters()
        index = self.unit_filter.findData(unit_id)
        if index < 0:
            return False
        self._clear_conditions()
        self._loading_filters = True
        self.unit_filter.setCurrentIndex(index)
        self._loading_filters = False
        self.refresh()
        return True

    def show_opinion(self, opinion_id: int) -> bool:
        """Select one item, clearing the conditions if they hide it."""
        self.model.invalidate([opinion_id])
        if self.model.row_of(opinion_id) is None:
            self._clear_conditions()
            self.refresh()
        if self.model.row_of(opinion_id) is None:
            return False
        self.select_id(opinion_id)
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
        shown, self._shown_query = self._shown_query, query
        result = opinion_list.list_with_counts(self.ctx.db, query, first=FIRST_IDS)
        counts = result.counts
        self._refreshing = True  # the model's reset here is this refresh's, not a late full read
        try:
            if result.complete:
                self.model.set_ids(result.ids)
            else:
                self.model.set_first_ids(result.ids, result.total,
                                         opinion_list.MatchingIds(self.ctx.db, query))
        finally:
            self._refreshing = False
        for index, tab in enumerate(TABS):
            number = counts.get(tab.key, 0)
            self.tabs.setTabText(index, f"{tab.label} {number}")
            if tab.overdue:
                self.tabs.setTabTextColor(index, OVERDUE_TAB if number else QColor())
        self.count_label.setText(f"共 {result.total} 条")
        if result.total:
            self.table_stack.setCurrentWidget(self.table)
        else:
            self.empty.setText(self._empty_text(query, counts))
            self.table_stack.setCurrentWidget(self.empty)
        # An item asked for, or the selection when the list is read again under the same
        # conditions (F5, the page shown again), is looked for among every id; after a change of
        # tab or filter the selection stays only if its item is among the ids read, so that the
        # change does not read 10^5 ids to find it.
        everywhere = select is not None or query == shown
        found = None if keep is None else (
            self.model.row_of(keep) if everywhere else self.model.loaded_row_of(keep))
        if found is not None:
            self.select_id(keep)
        else:
            self._selection_changed()

    def _rows_replaced(self) -> None:
        """The model took a full read that differed from its first ids (another user's change):
        select the item the pane shows again, or show none."""
        if not self._refreshing:
            self.select_id(self._detail.id if self._detail is not None else None)

    def _empty_text(self, query: OpinionFilter, counts: dict[str, int]) -> str:
        conditions = (query.text.strip() or query.category or query.village
                      or query.lead_unit_id is not None or query.overdue_only
                      or query.received_from or query.received_to)
        if conditions:
            return "没有符合条件的条目。可以换个条件，或点“清除条件”。"
        if counts.get("all", 0) == 0:
            return ("还没有登记社情民意。\n来访、电话、微信等渠道收到的意见，点“登记”（Ctrl+N）录入；\n"
                    "开启信箱后，点“开箱登记”（Ctrl+Shift+N）逐件录入信件。")
        tab = opinion_list.TAB_BY_KEY.get(query.tab)
        if tab is not None and tab.overdue:
            return "没有逾期的条目。"
        return f"“{tab.label if tab else query.tab}”中没有条目。"

    def activate(self) -> None:
        """Called by the main window each time the page is shown."""
        self.reload()

    def open_units(self) -> HandlingUnitsDialog:
        """The units directory; choosing a unit lists its items here."""
        from presidium_app.ui.dialogs.handling_units_dialog import HandlingUnitsDialog

        dialog = HandlingUnitsDialog(self.ctx, self, show_items=True)
        self.units_dialog = dialog
        dialog.unit_chosen.connect(self.show_unit)
        dialog.units_changed.connect(self.reload_filters)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def import_opinions(self) -> bool:
        def imported(_outcome: object, dialog: object) -> None:
            self.summary_dialog = dialog
            self.reload()

        return ledger_actions.import_ledger(self, self.ctx, "opinions", imported)

    def export_opinions(self) -> bool:
        return ledger_actions.export_ledger(self, self.ctx, "opinions")

    def save_template(self) -> bool:
        return ledger_actions.save_template(self, self.ctx, "opinions")

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

    def select_id(self, opinion_id: int | None) -> None:
        row = self.model.row_of(opinion_id) if opinion_id is not None else None
        if row is None:
            self.table.clearSelection()
            self._selection_changed()
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self._selection_changed()

    def _selection_changed(self) -> None:
        opinion_id = self.selected_id()
        self._detail = None
        if opinion_id is not None:
            try:
                self._detail = opinion_list.load_detail(self.ctx.db, opinion_id)
            except NotFound:
                self._detail = None
        if self._detail is None:
            self.detail.show_none()
        else:
            self.detail.show_detail(self._detail)
        self._update_actions()

    def allowed(self) -> list[OpinionAction]:
        """The steps the selected item allows now (none when nothing is selected)."""
        return mailbox.allowed_actions(self._detail.status) if self._detail is not None else []

    def _update_actions(self) -> None:
        allowed = set(self.allowed())
        for action, step in self.step_actions.items():
            step.setEnabled(action in allowed)
            self.step_buttons[action].setVisible(action in allowed)
        detail = self._detail
        self.next_action.setEnabled(detail is not None and FORWARD.get(detail.status) in allowed)
        note = FINAL_NOTES.get(detail.status, "") if detail is not None else ""
        self.detail.steps_note.setText(note)
        self.detail.steps_note.setVisible(bool(note))
        out = detail is None or detail.status in (S.REJECTED, S.REDIRECTED)
        self.convert_action.setEnabled(not out and suggestion_handler is not None)
        self.detail.convert_button.setEnabled(self.convert_action.isEnabled())
        self.detail.convert_button.setToolTip(
            "把这条意见转为代表建议，并保留两者的关联" if suggestion_handler is not None
            else SUGGESTION_LATER)

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
        menu.addAction(self.convert_action)
        menu.addSeparator()
        menu.addAction(self.register_action)
        menu.addAction(self.opening_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))
        self.menu = menu

    def _changed(self, opinion_id: int | None, reveal: bool = True, lists: bool = True) -> None:
        """After any write: rows, counts, filters and the detail read again. A new item hidden
        by the tab or the filters is shown anyway (`reveal`); an item that took a step and left
        the tab makes way for the next one, so a worklist (待交办, 逾期) is worked through in
        place. `lists`: a new item may carry a village or category the filters lack."""
        row = self.model.loaded_row_of(opinion_id) if opinion_id is not None else None
        if opinion_id is not None:
            self.model.invalidate([opinion_id])
        if lists:
            self.reload_filters()
        self.refresh(select=opinion_id)
        if opinion_id is not None and self.selected_id() != opinion_id:
            if reveal:
                self.show_opinion(opinion_id)
            elif row is not None and self.model.rowCount():
                self.select_id(self.model.id_at(min(row, self.model.rowCount() - 1)))
        self.changed.emit()

    # -- actions ----------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def register(self) -> OpinionDialog:
        from presidium_app.ui.dialogs.opinion_dialog import OpinionDialog

        dialog = OpinionDialog(self.ctx, self)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._register_closed(dialog))
        dialog.open()
        return dialog

    def _register_closed(self, dialog: OpinionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        if dialog.saved_id is not None:
            self._changed(dialog.saved_id)
        dialog.deleteLater()

    def open_mailbox(self) -> OpeningDialog:
        """开箱登记: the opening, then the letters one after another."""
        from presidium_app.ui.dialogs.opening_dialog import OpeningDialog

        dialog = OpeningDialog(self.ctx, self)
        self.dialog = dialog
        dialog.saved.connect(self._letter_saved)
        dialog.finished.connect(lambda _r: self._opening_closed(dialog))
        dialog.open()
        return dialog

    def _letter_saved(self, opinion_id: int) -> None:
        self.model.invalidate([opinion_id])
        self.refresh(select=opinion_id)
        self.changed.emit()

    def _opening_closed(self, dialog: OpeningDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        if dialog.saved_ids:
            self._changed(dialog.saved_ids[-1])
        dialog.deleteLater()

    def next_step(self) -> OpinionActionDialog | None:
        """Enter or a double click: the forward step of the selected item (交办, 答复, …)."""
        if self._detail is None:
            return None
        action = FORWARD.get(self._detail.status)
        if action is None:
            note = FINAL_NOTES.get(self._detail.status, "")
            if note:
                messages.inform(self, self._detail.number, note)
            return None
        return self.start_action(action)

    def start_action(self, action: OpinionAction) -> OpinionActionDialog | None:
        """Open the form of one step for the selected item; a step the flow does not allow is
        refused with the service's message (naming the status and the steps allowed)."""
        opinion_id = self.selected_id()
        if opinion_id is None:
            return None
        try:
            detail = opinion_list.load_detail(self.ctx.db, opinion_id)
        except NotFound as exc:
            messages.warn(self, f"不能{action.label}", exc.message)
            self.reload()
            return None
        try:
            mailbox.next_status(detail.status, action)
        except TransitionRefused as exc:
            messages.warn(self, f"不能{action.label}", exc.message)
            return None
        from presidium_app.ui.dialogs.opinion_action_dialog import OpinionActionDialog

        dialog = OpinionActionDialog(self.ctx, detail, action, self)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._action_closed(dialog))
        dialog.open()
        return dialog

    def _action_closed(self, dialog: OpinionActionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        # Also after 取消: a refused save (someone else took a step) shows the latest state.
        self._changed(dialog.opinion_id, reveal=False, lists=False)
        dialog.deleteLater()

    def convert_selected(self) -> bool:
        """转为代表建议, through `suggestion_handler` (set by the suggestions area)."""
        opinion_id = self.selected_id()
        if opinion_id is None:
            return False
        if suggestion_handler is None:
            messages.inform(self, "转为代表建议", SUGGESTION_LATER)
            return False
        suggestion_handler(self, self.ctx, opinion_id)
        self._changed(opinion_id)
        return True
