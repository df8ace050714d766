"""工作台: the township at a glance — current term, serving deputies by level, who is short of
which performance rule (履职提醒), who left this term, opinions and suggestions open and overdue —
and the first things an office does (add a deputy, import the roster). A deputy in the reminders
opens their performance archive; an opinion or suggestion card opens its page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import DeputyLevel, DeputyStatus
from presidium_app.domain.validators import format_date
from presidium_app.services import deputies, rules, stats, township, training
from presidium_app.services.deputies import DeputyQuery
from presidium_app.services.rules import RuleStatus
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.archive_dialog import ArchiveDialog
from presidium_app.ui.widgets.shortcuts import widget_shortcut

Index = QModelIndex | QPersistentModelIndex

LEFT_SHOWN = 12
LEVEL_CAPTIONS = {
    DeputyLevel.TOWNSHIP: "乡镇人大代表", DeputyLevel.COUNTY: "县人大代表",
    DeputyLevel.CITY: "市人大代表", DeputyLevel.PROVINCE: "省人大代表",
    DeputyLevel.NATIONAL: "全国人大代表",
}


class StatCard(QFrame):
    """A figure with its caption; a card given a target is clickable and says so with its cursor."""

    clicked = Signal()

    def __init__(self, caption: str, accent: bool = False, parent: QWidget | None = None,
                 clickable: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("statCardAccent" if accent else "statCard")
        self.clickable = clickable
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip("点击查看")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(2)
        self.number = QLabel("0")
        self.number.setObjectName("statNumber")
        self.caption = QLabel(caption)
        self.caption.setObjectName("statCaption")
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def set_value(self, value: int, unit: str = "人") -> None:
        self.number.setText(f"{value}<span style='font-size:13px; font-weight:normal'> {unit}</span>")

    def set_warning(self, on: bool) -> None:
        """Red while something is overdue, so it catches the eye (restyled through its name)."""
        self.setObjectName("statCardWarning" if on else "statCard")
        self.style().unpolish(self)
        self.style().polish(self)

    def mouseReleaseEvent(self, event: Any) -> None:
        if self.clickable:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


SHORT_COLOUR, MET_COLOUR, OFF_COLOUR = QColor("#b42318"), QColor("#1e7b34"), QColor("#6b7280")


_dots: dict[str, QPixmap] = {}


def _dot(colour: QColor) -> QPixmap:
    """A small filled circle: red for a rule someone is short of, green when all meet it."""
    name = colour.name()
    if name not in _dots:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        _dots[name] = pixmap
    return _dots[name]


def rule_title(status: RuleStatus) -> str:
    """每年至少向选民述职 1 次."""
    return f"{status.label} {status.required} {status.unit}"


def rule_state(status: RuleStatus) -> str:
    """How the township stands on one rule: 12 人未达到 / 全部达到 / 未作要求."""
    if status.required <= 0:
        return "未作要求（设置中为0）"
    who = "人" if status.subject == "代表" else "个小组"
    if status.short:
        return f"{len(status.short)} {who}未达到（共 {status.checked} {who}）"
    return f"全部达到（共 {status.checked} {who}）"


def period_text(status: RuleStatus) -> str:
    return f"统计期间：{format_date(status.start)}至{format_date(status.end)}"


class ShortfallModel(QAbstractItemModel):
    """The rules (top level) and, under each, the deputies or groups short of it. A list view
    shows the rules; a table whose root index is the chosen rule shows who is short of it.

    A rule's index has internal id 0; a person's index has its rule's row + 1."""

    HEADERS = ("姓名", "代表小组", "已完成 / 应完成", "还差")
    NAME, GROUP, DONE, SHORT = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.statuses: list[RuleStatus] = []
        self.first_header = self.HEADERS[0]

    def set_statuses(self, statuses: Sequence[RuleStatus]) -> None:
        self.beginResetModel()
        self.statuses = list(statuses)
        self.endResetModel()

    def set_first_header(self, text: str) -> None:
        """姓名 for a deputy rule, 代表小组 for the group rule."""
        if text != self.first_header:
            self.first_header = text
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)

    def rule_index(self, key: str) -> QModelIndex:
        row = next((n for n, s in enumerate(self.statuses) if s.key == key), None)
        return self.index(row, 0) if row is not None else QModelIndex()

    def status_of(self, index: Index) -> RuleStatus | None:
        """The rule of a rule's index or of a person's index."""
        if not index.isValid():
            return None
        row = index.row() if index.internalId() == 0 else index.internalId() - 1
        return self.statuses[row] if 0 <= row < len(self.statuses) else None

    def deputy_id(self, index: Index) -> int | None:
        """The deputy (Deputy.id) of a person's row; None for a rule or a group."""
        status = self.status_of(index)
        if status is None or index.internalId() == 0 or status.subject != "代表":
            return None
        return status.short[index.row()].subject_id

    # -- Qt model interface ------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Any = None) -> Any:
        if index is None:  # QObject.parent()
            return QObject.parent(self)
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.statuses)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self.statuses[parent.row()].short)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal
                or not 0 <= section < len(self.HEADERS)):
            return None
        return self.first_header if section == 0 else self.HEADERS[section]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        status = self.status_of(index)
        if status is None:
            return None
        if index.internalId() == 0:
            return self._rule_data(status, index.column(), role)
        if not 0 <= index.row() < len(status.short):
            return None
        item = status.short[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (item.name, item.group, f"{item.done} / {item.required} {status.unit}",
                    f"差 {item.short_by} {status.unit}")[column]
        if role == Qt.ItemDataRole.UserRole:
            return item.subject_id
        if role == Qt.ItemDataRole.ForegroundRole and column == self.SHORT:
            return SHORT_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and status.subject == "代表":
            return f"双击查看{item.name}的履职档案"
        return None

    def _rule_data(self, status: RuleStatus, column: int, role: int) -> Any:
        if column != 0:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{rule_title(status)}\n{rule_state(status)}"
        if role == Qt.ItemDataRole.UserRole:
            return status.key
        if role == Qt.ItemDataRole.DecorationRole:
            if status.required <= 0:
                return _dot(OFF_COLOUR)
            return _dot(SHORT_COLOUR if status.short else MET_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            return period_text(status)
        return None


# (HandlingOverview field, caption, page, tab of the page it opens)
HANDLING_CARDS = (
    ("opinions_to_assign", "社情民意待交办", "mailbox", "to_assign"),
    ("opinions_in_hand", "社情民意办理中", "mailbox", "handling"),
    ("opinions_overdue", "社情民意已逾期", "mailbox", "overdue"),
    ("opinions_to_follow_up", "社情民意待反馈、回访", "mailbox", "to_follow_up"),
    ("opinions_to_close", "社情民意待办结", "mailbox", "to_close"),
    ("suggestions_to_refer", "代表建议待交办", "suggestions", "to_refer"),
    ("suggestions_in_hand", "代表建议办理中", "suggestions", "handling"),
    ("suggestions_overdue", "代表建议已逾期", "suggestions", "overdue"),
)


class HomePage(QWidget):
    add_deputy_requested = Signal()
    import_requested = Signal()
    page_requested = Signal(str)
    handling_requested = Signal(str, str)  # page, tab

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        body.setObjectName("pageBody")
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)

        self.township_label = QLabel()
        self.township_label.setObjectName("homeTitle")
        self.term_label = QLabel()
        self.term_label.setObjectName("hint")
        layout.addWidget(self.township_label)
        layout.addWidget(self.term_label)

        actions = QHBoxLayout()
        actions.setSpacing(10)
        self.add_button = QPushButton("新增代表")
        self.add_button.setObjectName("primary")
        self.add_button.setToolTip("录入一名新代表（Ctrl+N）")
        self.add_button.clicked.connect(self.add_deputy_requested)
        self.import_button = QPushButton("导入名册")
        self.import_button.setToolTip("从Excel台账导入代表名册（Ctrl+I）")
        self.import_button.clicked.connect(self.import_requested)
        roster_button = QPushButton("查看代表名册")
        roster_button.clicked.connect(lambda: self.page_requested.emit("roster"))
        for button in (self.add_button, self.import_button, roster_button):
            button.setMinimumHeight(36)
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)

        section = QLabel("在任代表")
        section.setObjectName("sectionTitle")
        layout.addWidget(section)
        cards = QGridLayout()
        cards.setHorizontalSpacing(12)
        self.total_card = StatCard("本届在任代表（合计）", accent=True)
        cards.addWidget(self.total_card, 0, 0)
        self.level_cards: dict[DeputyLevel, StatCard] = {}
        for number, level in enumerate(DeputyLevel, start=1):
            card = StatCard(LEVEL_CAPTIONS[level])
            self.level_cards[level] = card
            cards.addWidget(card, 0, number)
        self.left_card = StatCard("本届已离任")
        cards.addWidget(self.left_card, 0, len(DeputyLevel) + 1)
        for column in range(len(DeputyLevel) + 2):
            cards.setColumnStretch(column, 1)
        layout.addLayout(cards)
        note = QLabel("同一代表兼任几级人大代表的，在各级分别计数，合计按人数计。")
        note.setObjectName("hint")
        layout.addWidget(note)

        self.dialog: ArchiveDialog | None = None
        self._handling_section(layout)
        self._rules_section(layout)

        left_title = QLabel("本届离任代表")
        left_title.setObjectName("sectionTitle")
        layout.addWidget(left_title)
        self.left_list = QLabel()
        self.left_list.setObjectName("panel")
        self.left_list.setTextFormat(Qt.TextFormat.RichText)
        self.left_list.setWordWrap(True)
        self.left_list.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.left_list)

        layout.addStretch(1)
        self.activate()

    def _handling_section(self, layout: QVBoxLayout) -> None:
        """社情民意 and 代表建议 still open, by whose turn it is, with the overdue in red; a card
        opens its page on the matching tab."""
        title = QLabel("社情民意与代表建议办理情况")
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        self.handling_cards: dict[str, StatCard] = {}
        for number, (key, caption, area, tab) in enumerate(HANDLING_CARDS):
            card = StatCard(caption, clickable=True)
            card.clicked.connect(lambda a=area, t=tab: self.handling_requested.emit(a, t))
            self.handling_cards[key] = card
            grid.addWidget(card, number // 4, number % 4)
        for column in range(4):
            grid.setColumnStretch(column, 1)
        layout.addLayout(grid)

    def load_handling(self, today: dt.date) -> None:
        overview = stats.handling_overview(self.ctx.db, today)
        for key, card in self.handling_cards.items():
            value = getattr(overview, key)
            card.set_value(value, "件")
            if key.endswith("overdue"):
                card.set_warning(value > 0)

    def _rules_section(self, layout: QVBoxLayout) -> None:
        """履职提醒: the rules on the left, who is short of the chosen one on the right."""
        head = QHBoxLayout()
        title = QLabel("履职提醒")
        title.setObjectName("sectionTitle")
        head.addWidget(title)
        head.addSpacing(12)
        self.rules_period = QLabel()
        self.rules_period.setObjectName("hint")
        head.addWidget(self.rules_period, 1)
        layout.addLayout(head)

        panel = QFrame()
        panel.setObjectName("panel")
        row = QHBoxLayout(panel)
        row.setContentsMargins(0, 0, 0, 0)  # the style sheet pads the panel
        row.setSpacing(14)
        self.rules_model = ShortfallModel(self)
        self.rule_list = QListView()
        self.rule_list.setObjectName("ruleList")
        self.rule_list.setModel(self.rules_model)
        self.rule_list.setFixedWidth(340)
        self.rule_list.setSpacing(4)
        self.rule_list.setWordWrap(True)
        self.rule_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rule_list.selectionModel().currentChanged.connect(lambda *_: self._rule_chosen())
        row.addWidget(self.rule_list)

        right = QVBoxLayout()
        right.setSpacing(6)
        self.rule_heading = QLabel()
        self.rule_heading.setObjectName("sectionTitle")
        self.rule_heading.setWordWrap(True)
        self.rule_hint = QLabel()
        self.rule_hint.setObjectName("hint")
        self.rule_hint.setWordWrap(True)
        right.addWidget(self.rule_heading)
        right.addWidget(self.rule_hint)
        self.short_table = QTableView()
        self.short_table.setObjectName("shortTable")
        self.short_table.setModel(self.rules_model)
        self.short_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.short_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.short_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.short_table.setAlternatingRowColors(True)
        self.short_table.setShowGrid(False)
        self.short_table.setWordWrap(False)
        self.short_table.setCornerButtonEnabled(False)
        self.short_table.verticalHeader().hide()
        self.short_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.short_table.verticalHeader().setDefaultSectionSize(
            max(28, self.short_table.fontMetrics().height() + 12))
        header = self.short_table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(True)
        self.short_table.activated.connect(self._person_activated)
        self.short_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_archive_button())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            widget_shortcut(key, self.short_table, self.open_selected_archive)
        self.short_empty = QLabel()
        self.short_empty.setObjectName("emptyHint")
        self.short_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.short_empty.setWordWrap(True)
        self.short_stack = QStackedWidget()
        self.short_stack.addWidget(self.short_table)
        self.short_stack.addWidget(self.short_empty)
        right.addWidget(self.short_stack, 1)
        bottom = QHBoxLayout()
        self.untrained_label = QLabel()
        bottom.addWidget(self.untrained_label)
        training_button = QPushButton("到学习培训查看")
        training_button.setObjectName("flat")
        training_button.setToolTip("打开“学习培训”，查看未参加培训的代表和培训计划")
        training_button.clicked.connect(lambda: self.page_requested.emit("training"))
        bottom.addWidget(training_button)
        bottom.addStretch(1)
        self.archive_button = QPushButton("查看履职档案")
        self.archive_button.setToolTip("查看所选代表的履职档案（双击或回车）")
        self.archive_button.clicked.connect(self.open_selected_archive)
        bottom.addWidget(self.archive_button)
        right.addLayout(bottom)
        row.addLayout(right, 1)
        panel.setMinimumHeight(360)
        layout.addWidget(panel)

    def activate(self) -> None:
        """Re-read the figures; called each time the page is shown."""
        info = township.get_township(self.ctx.db)
        term = township.current_term(self.ctx.db)
        self.township_label.setText(f"{info.full_name}人大主席团")
        today = dt.date.today()
        self.term_label.setText(
            f"当前届次：{term.label if term else '未设置'}　　今天是{format_date(today)}")
        figures = stats.deputy_counts(self.ctx.db)
        self.total_card.set_value(figures["serving"])
        for level, card in self.level_cards.items():
            card.set_value(figures["by_level"].get(level.value, 0))
        self.load_rules(today)
        self.load_handling(today)
        total_left, left = self._left_this_term(term.id if term else None)
        self.left_card.set_value(total_left)
        if not left:
            self.left_list.setText("<span style='color:#6b7280'>本届暂无离任代表。</span>")
            return
        lines = []
        for name, status, left_on, reason in left:
            when = format_date(left_on) if left_on else ""
            extra = f"，{escape(reason)}" if reason else ""
            lines.append(f"<tr><td style='padding:3px 18px 3px 0'><b>{escape(name)}</b></td>"
                         f"<td style='padding:3px 18px 3px 0'>{status}</td>"
                         f"<td style='padding:3px 18px 3px 0'>{when}</td>"
                         f"<td style='padding:3px 0; color:#6b7280'>{extra.lstrip('，')}</td></tr>")
        more = (f"<p style='color:#6b7280'>另有 {total_left - len(left)} 人，"
                "可在代表名册中按“状态”筛选查看。</p>") if total_left > len(left) else ""
        self.left_list.setText(f"<table>{''.join(lines)}</table>{more}")

    # -- 履职提醒 ------------------------------------------------------------------------------
    def load_rules(self, today: dt.date | None = None) -> None:
        """Re-read who is short of each rule (a few GROUP BY queries in the services), keeping the
        rule that was chosen."""
        today = today or dt.date.today()
        keep = self.chosen_rule()
        statuses = rules.shortfalls(self.ctx.db, today.year, today)
        term = township.current_term(self.ctx.db)
        if term is None:
            self.rules_period.setText("尚未设置当前届次，设置后这里显示每位代表的履职要求完成情况。")
        else:
            self.rules_period.setText(f"年度要求按{today.year}年计，届次要求按{term.label}计，"
                                      "统计到今天。要求的次数可在“设置”中修改。")
        self.rules_model.set_statuses(statuses)
        untrained = training.untrained_count(self.ctx.db, today) if term else 0
        self.untrained_label.setText(f"本届未参加学习培训 <b>{untrained}</b> 人")
        if not statuses:
            self.short_empty.setText("没有需要提醒的事项。")
            self.short_stack.setCurrentWidget(self.short_empty)
            self.rule_heading.setText("")
            self.rule_hint.setText("")
            self.archive_button.setEnabled(False)
            return
        wanted = keep or next((s.key for s in statuses if s.short), statuses[0].key)
        self.select_rule(wanted)

    def chosen_rule(self) -> str | None:
        status = self.rules_model.status_of(self.rule_list.currentIndex())
        return status.key if status else None

    def select_rule(self, key: str) -> None:
        index = self.rules_model.rule_index(key)
        if not index.isValid():
            index = self.rules_model.index(0, 0)
        self.rule_list.setCurrentIndex(index)
        self._rule_chosen()

    def _rule_chosen(self) -> None:
        index = self.rule_list.currentIndex()
        status = self.rules_model.status_of(index)
        if status is None:
            return
        self.rules_model.set_first_header("姓名" if status.subject == "代表" else "代表小组")
        self.short_table.setRootIndex(index)
        self.short_table.setColumnHidden(ShortfallModel.GROUP, status.subject != "代表")
        for column, width in ((ShortfallModel.NAME, 130), (ShortfallModel.GROUP, 190),
                              (ShortfallModel.DONE, 130)):
            self.short_table.setColumnWidth(column, width)
        self.rule_heading.setText(f"{rule_title(status)}：{rule_state(status)}")
        hints = [period_text(status) + "。"]
        if status.short and status.subject == "代表":
            hints.append("双击姓名查看其履职档案。")
        self.rule_hint.setText("".join(hints))
        if status.short:
            self.short_stack.setCurrentWidget(self.short_table)
        else:
            self.short_empty.setText("这项要求没有设置（为0）。" if status.required <= 0 else
                                     f"{'全体在任代表' if status.subject == '代表' else '各代表小组'}"
                                     "都已达到这项要求。")
            self.short_stack.setCurrentWidget(self.short_empty)
        self.short_table.clearSelection()
        self._update_archive_button()

    def short_names(self, key: str) -> list[str]:
        """Who is short of the rule `key`, as listed (for tests and the screenshots)."""
        rule = self.rules_model.rule_index(key)
        return [self.rules_model.index(r, 0, rule).data()
                for r in range(self.rules_model.rowCount(rule))]

    def _person_activated(self, index: QModelIndex) -> None:
        deputy_id = self.rules_model.deputy_id(index)
        if deputy_id is not None:
            self.open_archive(deputy_id)

    def open_selected_archive(self) -> ArchiveDialog | None:
        deputy_id = self.selected_deputy()
        return self.open_archive(deputy_id) if deputy_id is not None else None

    def selected_deputy(self) -> int | None:
        rows = self.short_table.selectionModel().selectedRows()
        return self.rules_model.deputy_id(rows[0]) if rows else None

    def _update_archive_button(self) -> None:
        self.archive_button.setEnabled(self.selected_deputy() is not None)

    def open_archive(self, deputy_id: int) -> ArchiveDialog:
        """The deputy's performance archive, over the home page."""
        dialog = ArchiveDialog(self.ctx, deputy_id, self)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._archive_closed(dialog))
        dialog.open()
        return dialog

    def _archive_closed(self, dialog: ArchiveDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _left_this_term(
        self, term_id: int | None
    ) -> tuple[int, list[tuple[str, str, dt.date | None, str]]]:
        """How many left this term, and the first few (name, status, date, reason)."""
        if term_id is None:
            return 0, []
        ids: list[int] = []
        for status in DeputyStatus:
            if status != DeputyStatus.SERVING:
                ids += deputies.search_ids(self.ctx.db, DeputyQuery(term_id=term_id, status=status))
        result = [(d.name, d.status.label, d.left_on, d.reason)
                  for d in deputies.departures(self.ctx.db, ids[:LEFT_SHOWN])]
        result.sort(key=lambda item: item[2] or dt.date.min, reverse=True)
        return len(ids), result
