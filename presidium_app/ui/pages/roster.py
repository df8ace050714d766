"""代表名册: search and filter the roster, see one deputy in detail (with the performance rules
they have not met yet), and add, edit, change status, open the performance archive, set a photo,
delete, import, export. The table is a lazy model over mandate ids."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
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
    QTableView,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import DeputyLevel, DeputyStatus
from presidium_app.domain.validators import format_date
from presidium_app.services import deputies, organisation, rules, township
from presidium_app.services.deputies import DeputyQuery, DeputyRecord
from presidium_app.services.errors import NotFound, ServiceError
from presidium_app.services.rules import RuleProgress
from presidium_app.ui import ledger_actions, messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.archive_dialog import ArchiveDialog, progress_text, rule_text
from presidium_app.ui.dialogs.deputy_dialog import DeputyDialog
from presidium_app.ui.dialogs.status_dialog import StatusDialog
from presidium_app.ui.models.roster_model import TERM_COLUMN, WORKPLACE_COLUMN, RosterModel
from presidium_app.ui.prefs import ROSTER_SPLITTER
from presidium_app.ui.widgets.actions import action_button, make_action
from presidium_app.ui.widgets.choices import enum_member
from presidium_app.ui.widgets.shortcuts import widget_shortcut
from presidium_app.ui.widgets.table import configure_record_table

DETAIL_DELAY_MS = 150  # the detail pane waits this long after the last keystroke
SEARCH_DELAY_MS = 60
SEARCH_PLACEHOLDER = "姓名、拼音首字母（如 zsf）、身份证或手机号后几位"
PHOTO_SIZE = QSize(120, 160)


def _combo(min_width: int = 110) -> QComboBox:
    combo = QComboBox()
    combo.setMinimumWidth(min_width)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def reminders_html(progress: list[RuleProgress]) -> str:
    """履职提醒 of one deputy: the rules not met first (with how many are missing), then those
    met, one short line each; rules set to 0 are left out."""
    active = [p for p in progress if p.required > 0]
    short = [p for p in active if p.short_by]
    met = [p for p in active if not p.short_by]
    lines = [f"<span style='color:#b42318'>●</span> {escape(rule_text(item))}："
             f"<span style='color:#b42318'>{escape(progress_text(item))}</span>" for item in short]
    if not short and met:
        lines.append("<span style='color:#1e7b34'>各项履职要求均已达到。</span>")
    elif met:
        lines.append("<span style='color:#1e7b34'>已达到：</span>" + "；".join(
            f"{escape(rule_text(p))}" for p in met))
    return "<p style='margin:0 0 4px 0'>" + "</p><p style='margin:0 0 4px 0'>".join(lines) + "</p>"


class DeputyDetail(QScrollArea):
    """The selected deputy: photo, the main fields, the rules not yet met (履职提醒) and the
    history of status changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("detailBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 14, 14, 14)
        layout.setSpacing(10)
        top = QHBoxLayout()
        self.photo = QLabel()
        self.photo.setObjectName("photo")
        self.photo.setFixedSize(PHOTO_SIZE)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        top.addWidget(self.photo)
        heading = QVBoxLayout()
        self.name = QLabel()
        self.name.setObjectName("detailName")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("hint")
        self.subtitle.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("statusBadge")
        heading.addWidget(self.name)
        heading.addWidget(self.subtitle)
        heading.addWidget(self.status, 0, Qt.AlignmentFlag.AlignLeft)
        heading.addStretch(1)
        top.addLayout(heading, 1)
        layout.addLayout(top)
        reminders_title = QHBoxLayout()
        title = QLabel("履职提醒")
        title.setObjectName("sectionTitle")
        reminders_title.addWidget(title)
        reminders_title.addStretch(1)
        self.archive_button = QPushButton("履职档案")
        self.archive_button.setObjectName("flat")
        self.archive_button.setToolTip("查看这位代表的履职档案（Ctrl+D）")
        reminders_title.addWidget(self.archive_button)
        layout.addLayout(reminders_title)
        self.reminders = QLabel()
        self.reminders.setObjectName("reminders")
        self.reminders.setWordWrap(True)
        self.reminders.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.reminders)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(6)
        self.values: dict[str, QLabel] = {}
        for key, label in (
            ("id_number", "身份证号"), ("birth", "出生日期"), ("ethnicity", "民族"),
            ("political", "政治面貌"), ("education", "文化程度"), ("workplace", "工作单位"),
            ("mobile", "手机号码"), ("levels", "代表层级"), ("term", "届次"),
            ("constituency", "选区"), ("group", "代表小组"), ("station", "联络站"),
            ("elected", "当选日期"), ("notes", "备注"),
        ):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            caption = QLabel(label)
            caption.setObjectName("fieldCaption")
            self.form.addRow(caption, value)
        layout.addLayout(self.form)
        history_title = QLabel("状态变动记录")
        history_title.setObjectName("sectionTitle")
        layout.addWidget(history_title)
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.history)
        layout.addStretch(1)
        self.empty = QLabel("在左侧名册中选择一名代表，\n这里显示其详细信息。")
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(body)
        self.setWidget(self.stack)
        self.show_none()

    def show_none(self) -> None:
        self.stack.setCurrentIndex(0)

    def show_reminders(self, progress: list[RuleProgress] | None) -> None:
        """The deputy's progress on each rule this year and term; None: not serving this term."""
        if progress is None:
            self.reminders.setText("<span style='color:#6b7280'>不是本届在任代表，不作提醒。</span>")
        elif not any(p.required > 0 for p in progress):
            self.reminders.setText("<span style='color:#6b7280'>没有设置履职要求。</span>")
        else:
            self.reminders.setText(reminders_html(progress))

    def show_record(self, record: DeputyRecord, row: Any, photo: Path | None) -> None:
        data = record.data
        self.stack.setCurrentIndex(1)
        self.name.setText(data.name)
        gender = data.gender.label if data.gender else ""
        self.subtitle.setText("，".join(p for p in (gender, data.ethnicity, data.political_status) if p))
        serving = data.status == DeputyStatus.SERVING
        status_text = data.status.label
        if not serving and data.left_on:
            status_text += f"（{format_date(data.left_on)}）"
        self.status.setText(status_text)
        self.status.setProperty("serving", serving)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        pixmap = QPixmap(str(photo)) if photo else QPixmap()
        if pixmap.isNull():
            self.photo.setPixmap(QPixmap())
            self.photo.setText("暂无照片")
        else:
            self.photo.setText("")
            self.photo.setPixmap(pixmap.scaled(
                PHOTO_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        elected = format_date(data.elected_on) if data.elected_on else ""
        if data.by_election:
            elected = (elected + "（补选）") if elected else "补选"
        texts = {
            "id_number": data.id_number, "birth": format_date(data.birth_date) if data.birth_date else "",
            "ethnicity": data.ethnicity, "political": data.political_status,
            "education": data.education, "workplace": data.workplace, "mobile": data.mobile,
            "levels": "、".join(lvl.label for lvl in data.levels), "term": record.term_name,
            "constituency": data.constituency, "group": getattr(row, "group", ""),
            "station": getattr(row, "station", ""), "elected": elected, "notes": data.notes,
        }
        for key, label in self.values.items():
            text = texts.get(key) or ""
            label.setText(text or "—")
            label.setProperty("blank", not text)
        if record.history:
            lines = []
            for event in reversed(record.history):
                old = event.old_status.label if event.old_status else "—"
                reason = f"：{event.reason}" if event.reason else ""
                lines.append(f"<b>{format_date(event.changed_on)}</b>　{old} → "
                             f"{event.new_status.label}{reason}"
                             f"<br><span style='color:#6b7280'>登记人 {event.recorded_by}</span>")
            self.history.setText("<br>".join(lines))
        else:
            self.history.setText("<span style='color:#6b7280'>无</span>")


class RosterPage(QWidget):
    """The roster. Dialogs open with `open()` (not exec), kept in `self.dialog` until closed."""

    changed = Signal()  # something in the roster was saved: other pages may refresh

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: Any = None
        self.summary_dialog: Any = None
        self._loading_filters = False
        self.model = RosterModel(ctx.db, self)
        self._shown: int | None = None  # the mandate the detail pane shows
        self._typing = False
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self._selection_changed)
        self._build()
        self.reload_filters()
        self.refresh()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.add_action = make_action(self, "新增代表", self.add_deputy, "Ctrl+N", "录入一名新代表")
        self.edit_action = make_action(self, "修改", self.edit_selected, None,
                                       "修改所选代表的信息（回车或双击）")
        self.status_action = make_action(self, "状态变动", self.change_status_selected, None,
                                          "登记辞职、调离、去世等离任情况")
        self.archive_action = make_action(self, "履职档案", self.archive_selected, "Ctrl+D",
                                           "查看所选代表的履职档案（按年度或整届）")
        self.photo_action = make_action(self, "设置照片", self.set_photo_selected, None,
                                         "为所选代表选择一张JPG或PNG照片")
        self.delete_action = make_action(self, "删除", self.delete_selected, None,
                                          "删除录错的记录（Delete）")
        self.import_action = make_action(self, "导入名册", self.import_roster, "Ctrl+I",
                                          "从Excel台账导入代表名册")
        self.export_action = make_action(self, "导出名册", self.export_roster, "Ctrl+E",
                                          "把名册导出为Excel台账")
        self.template_action = make_action(self, "下载模板", self.save_template, None,
                                            "保存空白的代表名册Excel模板")
        make_action(self, "查找", self.focus_search, "Ctrl+F")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)

        top = QHBoxLayout()
        top.setSpacing(8)
        title = QLabel("代表名册")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(16)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(420)
        self.search.setMaximumWidth(620)
        self.search.setToolTip("输入即筛选（Ctrl+F）。可用空格分开多个词，须同时满足。")
        top.addWidget(self.search, 1)
        top.addStretch(0)
        for action in (self.import_action, self.export_action, self.template_action):
            top.addWidget(action_button(action))
        layout.addLayout(top)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.term_filter = _combo(120)
        self.level_filter = _combo(80)
        self.status_filter = _combo(80)
        self.group_filter = _combo(120)
        self.station_filter = _combo(120)
        for number, (caption, combo) in enumerate((
                ("届次", self.term_filter), ("代表层级", self.level_filter),
                ("状态", self.status_filter), ("代表小组", self.group_filter),
                ("联络站", self.station_filter))):
            label = QLabel(caption)
            label.setObjectName("filterCaption")
            label.setBuddy(combo)
            if number:
                filters.addSpacing(12)
            filters.addWidget(label)
            filters.addWidget(combo)
            combo.currentIndexChanged.connect(self._filters_changed)
        filters.addSpacing(12)
        self.reset_button = QPushButton("清除条件")
        self.reset_button.setObjectName("flat")
        self.reset_button.setToolTip("清空搜索，回到当前届次的全部代表")
        self.reset_button.clicked.connect(self.reset_filters)
        filters.addWidget(self.reset_button)
        filters.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        filters.addWidget(self.count_label)
        layout.addLayout(filters)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        for action, primary in ((self.add_action, True), (self.edit_action, False),
                                (self.status_action, False), (self.archive_action, False),
                                (self.photo_action, False), (self.delete_action, False)):
            actions.addWidget(action_button(action, primary))
        actions.addStretch(1)
        hint = QLabel("双击或回车修改；Ctrl+D 看履职档案；右键有更多操作")
        hint.setObjectName("hint")
        actions.addWidget(hint)
        layout.addLayout(actions)

        self.table = QTableView()
        self.table.setObjectName("rosterTable")
        configure_record_table(self.table, self.model, stretch=WORKPLACE_COLUMN)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            widget_shortcut(key, self.table, self.edit_selected)
        widget_shortcut(Qt.Key.Key_Delete, self.table, self.delete_selected)

        self.empty = QLabel()
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty)

        self.detail = DeputyDetail()
        self.detail.setMinimumWidth(260)
        self.detail.archive_button.clicked.connect(self.archive_action.trigger)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table_stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([900, 270])
        state = self.ctx.prefs.get(ROSTER_SPLITTER)
        if state:
            self.splitter.restoreState(state)
        self.splitter.splitterMoved.connect(
            lambda *_: self.ctx.prefs.set(ROSTER_SPLITTER, self.splitter.saveState()))
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_typed)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        QWidget.setTabOrder(self.search, self.term_filter)
        self._update_actions()

    # -- filters ----------------------------------------------------------------------------
    def reload_filters(self) -> None:
        """Fill the filter combos from the database, keeping what was chosen where possible."""
        self._loading_filters = True
        try:
            keep = {combo: combo.currentData() for combo in self._filter_combos()}
            first_time = self.term_filter.count() == 0
            self.term_filter.clear()
            current = township.current_term(self.ctx.db)
            for term in reversed(township.list_terms(self.ctx.db)):
                self.term_filter.addItem(term.name + ("（当前）" if term.is_current else ""), term.id)
            self.term_filter.addItem("全部届次", None)
            self.level_filter.clear()
            self.level_filter.addItem("全部", None)
            for level in DeputyLevel:
                self.level_filter.addItem(level.label, level.value)
            self.status_filter.clear()
            self.status_filter.addItem("全部", None)
            for status in DeputyStatus:
                self.status_filter.addItem(status.label, status.value)
            self.group_filter.clear()
            self.group_filter.addItem("全部", None)
            for item in organisation.list_groups(self.ctx.db):
                self.group_filter.addItem(item.name, item.id)
            self.station_filter.clear()
            self.station_filter.addItem("全部", None)
            for item in organisation.list_stations(self.ctx.db):
                self.station_filter.addItem(item.name, item.id)
            for combo, value in keep.items():
                index = combo.findData(value)
                combo.setCurrentIndex(index if index >= 0 else 0)
            if first_time and current is not None:
                self.term_filter.setCurrentIndex(max(0, self.term_filter.findData(current.id)))
        finally:
            self._loading_filters = False

    def _filter_combos(self) -> list[QComboBox]:
        return [self.term_filter, self.level_filter, self.status_filter, self.group_filter,
                self.station_filter]

    def _filters_changed(self) -> None:
        if not self._loading_filters:
            self.refresh()

    def reset_filters(self) -> None:
        self._loading_filters = True
        current = township.current_term(self.ctx.db)
        self.term_filter.setCurrentIndex(
            max(0, self.term_filter.findData(current.id)) if current else 0)
        for combo in self._filter_combos()[1:]:
            combo.setCurrentIndex(0)
        self.search.clear()
        self._loading_filters = False
        self._search_timer.stop()
        self.refresh()

    def query(self) -> DeputyQuery:
        level, status = self.level_filter.currentData(), self.status_filter.currentData()
        return DeputyQuery(
            text=self.search.text(), term_id=self.term_filter.currentData(),
            level=enum_member(DeputyLevel, level), status=enum_member(DeputyStatus, status),
            group_id=self.group_filter.currentData(), station_id=self.station_filter.currentData(),
        )

    def search_typed(self) -> None:
        """What each pause in typing runs: the search, with the detail pane left to follow."""
        self._typing = True  # see _selection_changed
        try:
            self.refresh()
        finally:
            self._typing = False

    def _search_now(self) -> None:
        """Enter in the search box: search at once and select the first match."""
        self._search_timer.stop()
        self.refresh()
        if self.model.rowCount() and not self.selected_id():
            self.select_id(self.model.id_at(0))

    # -- data -------------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        """Ask the service for the ids matching search and filters; keep the selection."""
        if select is not None:
            self._shown = None  # a record was just saved: show it afresh
        keep = select if select is not None else self.selected_id()
        query = self.query()
        ids = deputies.search_ids(self.ctx.db, query)
        self.model.set_ids(ids)
        # One term chosen: its name in every row says nothing, and the room is better used.
        self.table.setColumnHidden(TERM_COLUMN, query.term_id is not None)
        self.count_label.setText(f"共 {len(ids)} 人")
        if ids:
            self.table_stack.setCurrentWidget(self.table)
        else:
            filtered = query != DeputyQuery(term_id=query.term_id)
            self.empty.setText(
                "没有符合条件的代表。可以换个关键词，或点“清除条件”。" if filtered else
                "这一届的名册还是空的。\n点“新增代表”逐个录入，或点“导入名册”从Excel台账导入。")
            self.table_stack.setCurrentWidget(self.empty)
        if keep is not None and self.model.row_of(keep) is not None:
            self.select_id(keep)
        else:
            self._selection_changed()

    def activate(self) -> None:
        """Called by the main window each time the page is shown."""
        self._shown = None  # records may have changed on another page
        self.reload_filters()
        self.model.invalidate()
        self.refresh()

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.id_at(index.row())

    def select_id(self, mandate_id: int | None) -> None:
        row = self.model.row_of(mandate_id) if mandate_id is not None else None
        if row is None:
            self.table.clearSelection()
            self._selection_changed()
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self._selection_changed()

    def _selection_changed(self) -> None:
        self._update_actions()
        mandate_id = self.selected_id()
        if mandate_id is not None and mandate_id == self._shown:
            return  # typing in the search box kept the same deputy: nothing to reload
        if self._typing:
            # Reading a deputy's record and reminders costs tens of milliseconds; done on every
            # keystroke it would make typing stutter at 10^4 deputies.
            self._detail_timer.start()
            return
        self._detail_timer.stop()
        self._shown = mandate_id
        if mandate_id is None:
            self.detail.show_none()
            return
        try:
            record = deputies.get_deputy(self.ctx.db, mandate_id)
        except NotFound:
            self.detail.show_none()
            return
        row = self.model.record(self.model.row_of(mandate_id) or 0)
        self.detail.show_record(record, row, deputies.photo_path(self.ctx.db, record.photo))
        self.detail.show_reminders(self._reminders(record))

    def _reminders(self, record: DeputyRecord) -> list[RuleProgress] | None:
        """This year's and this term's rules for a serving deputy of the current term (a few
        counting queries in the service); None for a past mandate or a deputy who left."""
        term = township.current_term(self.ctx.db)
        if (term is None or record.data.term_id != term.id
                or record.data.status != DeputyStatus.SERVING):
            return None
        return rules.deputy_shortfalls(self.ctx.db, record.deputy_id, dt.date.today().year)

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.select_id(self.model.id_at(index.row()))
            self.edit_selected()

    def _update_actions(self) -> None:
        has = self.selected_id() is not None
        for action in (self.edit_action, self.status_action, self.archive_action,
                       self.photo_action, self.delete_action):
            action.setEnabled(has)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        for action in (self.edit_action, self.archive_action, self.status_action,
                       self.photo_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.add_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))
        self.menu = menu

    def _saved(self, mandate_id: int | None) -> None:
        if mandate_id is not None:
            self.model.invalidate([mandate_id])
        self.refresh(select=mandate_id)
        self.changed.emit()

    # -- actions ----------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def add_deputy(self) -> DeputyDialog:
        dialog = DeputyDialog(self.ctx, None, self)
        term_id = self.term_filter.currentData()
        if term_id is not None:
            dialog.term.setCurrentIndex(max(0, dialog.term.findData(term_id)))
        return self._open(dialog, lambda: self._after_add(dialog))

    def _after_add(self, dialog: DeputyDialog) -> None:
        mandate_id = dialog.saved_mandate_id
        if mandate_id is not None and mandate_id not in deputies.search_ids(self.ctx.db, self.query()):
            # Hidden by the current search or filters: show the new deputy's whole term instead.
            self._loading_filters = True
            self.search.clear()
            self._search_timer.stop()
            for combo in self._filter_combos()[1:]:
                combo.setCurrentIndex(0)
            term_id = dialog.collect().term_id
            self.term_filter.setCurrentIndex(max(0, self.term_filter.findData(term_id)))
            self._loading_filters = False
        self._saved(mandate_id)

    def edit_selected(self) -> DeputyDialog | None:
        mandate_id = self.selected_id()
        if mandate_id is None:
            return None
        try:
            dialog = DeputyDialog(self.ctx, mandate_id, self)
        except NotFound as exc:
            messages.warn(self, "无法修改", exc.message)
            self.refresh()
            return None
        return self._open(dialog, lambda: self._saved(mandate_id))

    def change_status_selected(self) -> StatusDialog | None:
        mandate_id = self.selected_id()
        if mandate_id is None:
            return None
        try:
            dialog = StatusDialog(self.ctx, mandate_id, self)
        except NotFound as exc:
            messages.warn(self, "无法变动状态", exc.message)
            self.refresh()
            return None
        return self._open(dialog, lambda: self._saved(mandate_id))

    def archive_selected(self) -> ArchiveDialog | None:
        """The selected deputy's performance archive, in the term of the selected row."""
        mandate_id = self.selected_id()
        if mandate_id is None:
            return None
        try:
            record = deputies.get_deputy(self.ctx.db, mandate_id)
            dialog = ArchiveDialog(self.ctx, record.deputy_id, self, term_id=record.data.term_id)
        except NotFound as exc:
            messages.warn(self, "无法查看履职档案", exc.message)
            self.refresh()
            return None
        return self._open(dialog, lambda: None)

    def _open(self, dialog: Any, on_accepted: Any) -> Any:
        self.dialog = dialog
        dialog.accepted.connect(on_accepted)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: Any) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def set_photo_selected(self) -> None:
        mandate_id = self.selected_id()
        if mandate_id is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, "选择代表照片", self.ctx.prefs.last_folder(),
                                              "照片 (*.jpg *.jpeg *.png);;所有文件 (*)")
        if not path:
            return
        self.ctx.prefs.remember_folder(path)
        try:
            record = deputies.get_deputy(self.ctx.db, mandate_id)
            deputies.set_photo(self.ctx.db, self.ctx.actor, record.deputy_id, Path(path))
        except ServiceError as exc:
            messages.warn(self, "照片未能设置", exc.message)
            return
        self._saved(mandate_id)

    def delete_selected(self) -> bool:
        mandate_id = self.selected_id()
        if mandate_id is None:
            return False
        try:
            record = deputies.get_deputy(self.ctx.db, mandate_id)
        except NotFound:
            self.refresh()
            return False
        confirmed = messages.ask(
            self, "删除代表记录",
            f"确定删除 {record.data.name}（{record.term_name}）的代表记录吗？",
            yes="删除", no="不删除", danger=True,
            detail="删除只用于纠正录错的记录，删除后无法恢复。\n"
                   "代表辞职、调离、去世等离任情况，请用“状态变动”登记，不要删除——"
                   "这样其历史记录和履职情况都会保留。")
        if not confirmed:
            return False
        try:
            deputies.remove_deputy(self.ctx.db, self.ctx.actor, mandate_id)
        except ServiceError as exc:
            messages.warn(self, "未能删除", exc.message)
            return False
        self.refresh()
        self.changed.emit()
        return True

    def import_roster(self) -> bool:
        def imported(outcome: Any, dialog: Any) -> None:
            self.summary_dialog = dialog
            self.reload_filters()
            self.model.invalidate()
            self.refresh()
            self.changed.emit()

        return ledger_actions.import_ledger(self, self.ctx, "deputies", imported)

    def export_roster(self) -> bool:
        return ledger_actions.export_ledger(self, self.ctx, "deputies")

    def save_template(self) -> bool:
        return ledger_actions.save_template(self, self.ctx, "deputies")
