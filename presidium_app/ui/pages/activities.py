"""代表活动: find activities by type, dates, deputy and group; see one in detail (who came, what
was said, its photos); add, edit, delete, import, export. The table is a lazy model over activity
ids, with the attendance counted in SQL, so ten thousand activities scroll and filter at once."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any, cast

from PySide6.QtCore import QByteArray, QDate, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
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

from presidium_app.domain.enums import ActivityType, Attendance, DeputyStatus
from presidium_app.services import activities, archive, deputies, organisation, township
from presidium_app.services.activities import ActivityQuery, ActivityRecord, RosterNames
from presidium_app.services.deputies import DeputyQuery
from presidium_app.services.errors import NotFound, ServiceError
from presidium_app.ui import ledger_actions, messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs import activity_dialog
from presidium_app.ui.dialogs.activity_dialog import (
    ActivityDialog,
    mailbox_button,
    register_opinions,
)
from presidium_app.ui.models.activity_model import TOPIC_COLUMN, ActivityModel
from presidium_app.ui.prefs import Option
from presidium_app.ui.widgets.actions import action_button, make_action
from presidium_app.ui.widgets.attachments import AttachmentsStrip
from presidium_app.ui.widgets.attendance import deputy_labels, roster_names
from presidium_app.ui.widgets.choices import enum_member
from presidium_app.ui.widgets.dates import DATE_FORMAT, from_qdate, to_qdate
from presidium_app.ui.widgets.print_button import print_button
from presidium_app.ui.widgets.shortcuts import widget_shortcut
from presidium_app.ui.widgets.table import configure_record_table

ACTIVITIES_SPLITTER = Option("activities/splitter", QByteArray())
SEARCH_DELAY_MS = 60
SUGGEST_DELAY_MS = 120
SUGGESTIONS = 20
SEARCH_PLACEHOLDER = "主题、地点、组织单位或摘要中的文字"
NAME_ROLE = Qt.ItemDataRole.UserRole + 1

# Date presets of the 时间 filter: (label, key); the dates follow the preset, and editing a
# date makes it 自定义.
PRESETS = (("本年度", "this_year"), ("上年度", "last_year"), ("本届", "term"), ("全部", "all"),
           ("自定义", "custom"))
EARLIEST = dt.date(2000, 1, 1)  # activities before 2000 are refused by the service



def _combo(min_width: int = 100) -> QComboBox:
    combo = QComboBox()
    combo.setMinimumWidth(min_width)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setDateRange(to_qdate(EARLIEST), QDate(2100, 12, 31))
    return edit


class DeputyPicker(QLineEdit):
    """Type a name or its pinyin initials (zsf), pick from the list: the filter is that person.
    Suggestions come from the roster search (all terms), twenty at a time."""

    chosen = Signal()  # the chosen deputy changed (None included)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.deputy_id: int | None = None
        self.deputy_name = ""
        self.setPlaceholderText("姓名或拼音")
        self.setClearButtonEnabled(True)
        self.setToolTip("输入代表姓名或拼音首字母（如 zsf），从列表中选择：只显示邀请了该代表的活动")
        self.suggestions = QStandardItemModel(self)
        self.completer_ = QCompleter(self.suggestions, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCompletionRole(NAME_ROLE)
        self.completer_.setMaxVisibleItems(12)
        self.completer_.setWidget(self)
        # The overload that gives the chosen row (its mandate id), not only its text.
        cast(Any, self.completer_.activated)[QModelIndex].connect(self._picked)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SUGGEST_DELAY_MS)
        self._timer.timeout.connect(self.suggest)
        self.textEdited.connect(self._edited)
        self.textChanged.connect(self._changed)
        self.returnPressed.connect(self._entered)

    def _edited(self, _text: str) -> None:
        if self.deputy_id is not None:
            self._set(None, "")
        self._timer.start()

    def _changed(self, text: str) -> None:
        if not text and self.deputy_id is not None:
            self._set(None, "")

    def suggest(self, popup: bool = True) -> int:
        """Fill the list under the box from the roster search; returns how many were found."""
        self._timer.stop()
        self.suggestions.clear()
        text = self.text().strip()
        if not text:
            self._hide_popup()
            return 0
        ids = deputies.search_ids(self.ctx.db, DeputyQuery(text=text))[:SUGGESTIONS]
        rows = deputies.load_rows(self.ctx.db, ids)
        for mandate_id in ids:
            row = rows.get(mandate_id)
            if row is None:
                continue
            details = "，".join(p for p in (row.group, row.term, row.status.label
                                           if row.status != DeputyStatus.SERVING else "") if p)
            item = QStandardItem(f"{row.name}　{details}" if details else row.name)
            item.setData(mandate_id, Qt.ItemDataRole.UserRole)
            item.setData(row.name, NAME_ROLE)
            self.suggestions.appendRow(item)
        if popup and self.suggestions.rowCount() and self.hasFocus():
            self.completer_.complete()
        return self.suggestions.rowCount()

    def _hide_popup(self) -> None:
        popup = self.completer_.popup()
        if popup is not None:
            popup.hide()

    def _picked(self, index: QModelIndex) -> None:
        mandate_id = index.data(Qt.ItemDataRole.UserRole)
        if mandate_id is not None:
            self.choose_mandate(int(mandate_id), str(index.data(NAME_ROLE)))

    def _entered(self) -> None:
        """Enter without picking: take the first suggestion."""
        if self.deputy_id is not None or not self.text().strip():
            return
        if self._timer.isActive() or not self.suggestions.rowCount():
            self.suggest(popup=False)
        if self.suggestions.rowCount():
            self._picked(self.suggestions.index(0, 0))
            self._hide_popup()

    def choose_mandate(self, mandate_id: int, name: str) -> None:
        try:
            deputy_id = archive.mandate_deputy(self.ctx.db, mandate_id)
        except NotFound:
            return
        self._set(deputy_id, name)

    def _set(self, deputy_id: int | None, name: str) -> None:
        self.deputy_id, self.deputy_name = deputy_id, name
        if deputy_id is not None and self.text() != name:
            self.blockSignals(True)
            self.setText(name)
            self.blockSignals(False)
        self.setProperty("chosen", deputy_id is not None)
        self.chosen.emit()

    def clear_choice(self) -> None:
        self._timer.stop()
        self.blockSignals(True)
        self.clear()
        self.blockSignals(False)
        self.deputy_id, self.deputy_name = None, ""


class ActivityDetail(QScrollArea):
    """The selected activity: what, when, where, who came, what was said, its photos."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.activity_id: int | None = None
        self._names: RosterNames | None = None
        self.setObjectName("detailPane")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("detailBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 14, 14, 14)
        layout.setSpacing(8)
        self.topic = QLabel()
        self.topic.setObjectName("detailName")
        self.topic.setWordWrap(True)
        self.topic.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.when = QLabel()
        self.when.setObjectName("hint")
        self.when.setWordWrap(True)
        layout.addWidget(self.topic)
        layout.addWidget(self.when)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(6)
        self.values: dict[str, QLabel] = {}
        for key, label in (("place", "地点"), ("organiser", "组织单位"), ("group", "代表小组"),
                           ("station", "联络站"), ("voters", "选民人数"),
                           ("other", "其他参加人员")):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            caption = QLabel(label)
            caption.setObjectName("fieldCaption")
            self.values[key] = value
            self.form.addRow(caption, value)
        layout.addLayout(self.form)

        self.texts: dict[str, QLabel] = {}
        for key, title in (("attendance", "出席情况"), ("summary", "内容摘要"),
                           ("opinions", "意见建议"), ("follow_up", "后续跟踪")):
            heading = QLabel(title)
            heading.setObjectName("sectionTitle")
            layout.addSpacing(4)
            layout.addWidget(heading)
            text = QLabel()
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setTextFormat(Qt.TextFormat.RichText if key == "attendance"
                               else Qt.TextFormat.PlainText)
            self.texts[key] = text
            layout.addWidget(text)
            if key == "opinions":
                self.mailbox = mailbox_button()
                self.mailbox.clicked.connect(self._register_opinions)
                layout.addWidget(self.mailbox, 0, Qt.AlignmentFlag.AlignLeft)
        heading = QLabel("照片与文件")
        heading.setObjectName("sectionTitle")
        layout.addSpacing(4)
        layout.addWidget(heading)
        self.attachments = AttachmentsStrip(ctx, self, editable=False)
        layout.addWidget(self.attachments)
        layout.addStretch(1)

        self.empty = QLabel("在左侧列表中选择一次活动，\n这里显示其详细情况。")
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(body)
        self.setWidget(self.stack)
        self.show_none()

    def show_none(self) -> None:
        self.activity_id = None
        self.stack.setCurrentIndex(0)

    def forget_names(self) -> None:
        """The roster may have changed: read the names again next time."""
        self._names = None

    def show_record(self, record: ActivityRecord, groups: dict[int, str],
                    stations: dict[int, str]) -> None:
        data = record.data
        self.activity_id = record.id
        self.stack.setCurrentIndex(1)
        self.topic.setText(data.topic)
        when = f"{data.type.label}　{data.activity_date.isoformat()}"
        if data.start_time:
            when += f"　{data.start_time:%H:%M}"
            if data.end_time:
                when += f"—{data.end_time:%H:%M}"
        self.when.setText(when)
        texts = {
            "place": data.place, "organiser": data.organiser,
            "group": groups.get(data.group_id, "") if data.group_id else "",
            "station": stations.get(data.station_id, "") if data.station_id else "",
            "voters": f"{data.voters_count} 人" if data.voters_count else "",
            "other": data.other_participants,
        }
        for key, label in self.values.items():
            text = texts[key]
            label.setText(text or "—")
            label.setProperty("blank", not text)
            # Rows that only some types have are left out when empty.
            if key in ("group", "station", "voters"):
                self.form.setRowVisible(label, bool(text))
        self.texts["attendance"].setText(self._attendance_html(record))
        for key, text in (("summary", data.summary), ("opinions", data.opinions_raised),
                          ("follow_up", data.follow_up)):
            self.texts[key].setText(text or "—")
        reception = data.type == ActivityType.VOTER_RECEPTION
        self.mailbox.setVisible(reception)
        self.mailbox.setEnabled(activity_dialog.mailbox_handler is not None and bool(data.opinions_raised))
        self.attachments.set_activity(record.id)

    def _attendance_html(self, record: ActivityRecord) -> str:
        people = record.data.participants
        if not people:
            return "<span style='color:#6b7280'>未登记参加代表</span>"
        if self._names is None:
            # Read once, not per selection: ten thousand names take a noticeable moment.
            self._names = roster_names(self.ctx.db)
        names = deputy_labels(self.ctx.db, [p.deputy_id for p in people], self._names)
        lines = []
        counts = {a: [names[p.deputy_id] for p in people if p.attendance == a] for a in Attendance}
        lines.append(f"应到 {len(people)} 人，出席 {len(counts[Attendance.PRESENT])}，"
                     f"请假 {len(counts[Attendance.EXCUSED])}，缺席 {len(counts[Attendance.ABSENT])}")
        for attendance, who in counts.items():
            if who:
                lines.append(f"<b>{attendance.label}</b>：{escape('、'.join(who))}")
        spoke = [names[p.deputy_id] for p in people if p.spoke]
        if spoke:
            lines.append(f"<b>审议发言</b>：{escape('、'.join(spoke))}")
        rated = [f"{names[p.deputy_id]}（{p.rating.label}）" for p in people if p.rating]
        if rated:
            lines.append(f"<b>选民测评</b>：{escape('、'.join(rated))}")
        return "<br>".join(lines)

    def _register_opinions(self) -> None:
        if self.activity_id is not None:
            register_opinions(self, self.ctx, self.activity_id)


class ActivitiesPage(QWidget):
    """Deputy activities. Dialogs open with `open()` (not exec), kept in `self.dialog`."""

    changed = Signal()  # an activity was saved, deleted or imported: other pages may refresh

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: Any = None
        self.summary_dialog: Any = None
        self._loading_filters = False
        self._groups: dict[int, str] = {}
        self._stations: dict[int, str] = {}
        self.model = ActivityModel(ctx.db, self)
        self._build()
        self.reload_filters()
        self.apply_preset("this_year")
        self.refresh()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.add_action = make_action(self, "新增活动", self.add_activity, "Ctrl+N",
                                       "登记一次代表活动：出席情况、内容、照片")
        self.edit_action = make_action(self, "修改", self.edit_selected, None,
                                        "修改所选活动（回车或双击）")
        self.delete_action = make_action(self, "删除", self.delete_selected, None,
                                          "删除录错的活动（Delete）")
        self.import_action = make_action(self, "导入", self.import_activities, "Ctrl+I",
                                          "从Excel台账导入代表活动")
        self.export_action = make_action(self, "导出", self.export_activities, "Ctrl+E",
                                          "把代表活动导出为Excel台账（所选时间在同一年时只导出该年）")
        self.template_action = make_action(self, "下载模板", self.save_template, None,
                                            "保存空白的代表活动Excel模板")
        make_action(self, "查找", self.focus_search, "Ctrl+F")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)

        top = QHBoxLayout()
        top.setSpacing(8)
        title = QLabel("代表活动")
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
        for action in (self.import_action, self.export_action, self.template_action):
            top.addWidget(action_button(action))
        self.print_button = print_button(
            self, ("activity-notice", "sign-in-sheet", "activity-record", "voter-reception-record"),
            self.selected_id)
        top.addWidget(self.print_button)
        layout.addLayout(top)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.type_filter = _combo(96)
        self.preset = _combo(72)
        for preset_label, preset_key in PRESETS:
            self.preset.addItem(preset_label, preset_key)
        self.date_from = _date_edit()
        self.date_to = _date_edit()
        self.deputy_filter = DeputyPicker(self.ctx)
        self.deputy_filter.setFixedWidth(112)
        # Group names are long (第一代表小组（东片）): the combo takes spare room, and elides
        # them on a small screen rather than pushing the row out of the window.
        self.group_filter = QComboBox()
        self.group_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.group_filter.setMinimumContentsLength(5)
        self.group_filter.setMaximumWidth(190)
        self.group_filter.setToolTip("只显示以该代表小组名义登记的活动（代表小组活动）")
        dash = QLabel("至")
        dash.setObjectName("filterCaption")
        groups: list[tuple[str, list[QWidget]]] = [
            ("类型", [self.type_filter]),
            ("时间", [self.preset, self.date_from, dash, self.date_to]),
            ("代表", [self.deputy_filter]), ("代表小组", [self.group_filter])]
        for number, (caption, widgets) in enumerate(groups):
            label = QLabel(caption)
            label.setObjectName("filterCaption")
            label.setBuddy(widgets[0])
            if number:
                filters.addSpacing(12)
            filters.addWidget(label)
            for widget in widgets:
                filters.addWidget(widget, 2 if widget is self.group_filter else 0)
        self.type_filter.currentIndexChanged.connect(self._filters_changed)
        self.group_filter.currentIndexChanged.connect(self._filters_changed)
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.date_from.dateChanged.connect(self._dates_changed)
        self.date_to.dateChanged.connect(self._dates_changed)
        self.deputy_filter.chosen.connect(self._filters_changed)
        filters.addSpacing(12)
        self.reset_button = QPushButton("清除条件")
        self.reset_button.setObjectName("flat")
        self.reset_button.setToolTip("清空搜索和筛选，回到本年度的全部活动")
        self.reset_button.clicked.connect(self.reset_filters)
        filters.addWidget(self.reset_button)
        filters.addStretch(1)
        layout.addLayout(filters)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        for action, primary in ((self.add_action, True), (self.edit_action, False),
                                (self.delete_action, False)):
            actions.addWidget(action_button(action, primary))
        actions.addStretch(1)
        hint = QLabel("双击或回车修改；右键有更多操作")
        hint.setObjectName("hint")
        actions.addWidget(hint)
        actions.addSpacing(12)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        actions.addWidget(self.count_label)
        layout.addLayout(actions)

        self.table = QTableView()
        self.table.setObjectName("activitiesTable")
        configure_record_table(self.table, self.model, stretch=TOPIC_COLUMN)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        for enter in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            widget_shortcut(enter, self.table, self.edit_selected)
        widget_shortcut(Qt.Key.Key_Delete, self.table, self.delete_selected)

        self.empty = QLabel()
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty)

        self.detail = ActivityDetail(self.ctx)
        self.detail.setMinimumWidth(280)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table_stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([860, 310])
        state = self.ctx.prefs.get(ACTIVITIES_SPLITTER)
        if state:
            self.splitter.restoreState(state)
        self.splitter.splitterMoved.connect(
            lambda *_: self.ctx.prefs.set(ACTIVITIES_SPLITTER, self.splitter.saveState()))
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        QWidget.setTabOrder(self.search, self.type_filter)
        self._update_actions()

    # -- filters ----------------------------------------------------------------------------
    def reload_filters(self) -> None:
        """Fill the type and group combos, keeping what was chosen where possible."""
        self._loading_filters = True
        try:
            keep_type, keep_group = self.type_filter.currentData(), self.group_filter.currentData()
            self.type_filter.clear()
            self.type_filter.addItem("全部", None)
            for kind in ActivityType:
                self.type_filter.addItem(kind.label, kind.value)
            groups = organisation.list_groups(self.ctx.db)
            self._groups = {g.id: g.name for g in groups}
            self._stations = {s.id: s.name for s in organisation.list_stations(self.ctx.db)}
            self.group_filter.clear()
            self.group_filter.addItem("全部", None)
            for group in groups:
                self.group_filter.addItem(group.name, group.id)
            self.type_filter.setCurrentIndex(max(0, self.type_filter.findData(keep_type)))
            self.group_filter.setCurrentIndex(max(0, self.group_filter.findData(keep_group)))
        finally:
            self._loading_filters = False

    def preset_dates(self, key: str) -> tuple[dt.date, dt.date] | None:
        today = dt.date.today()
        if key == "this_year":
            return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
        if key == "last_year":
            return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
        if key == "term":
            term = township.current_term(self.ctx.db)
            if term is None or not term.start_year:
                return None
            end = dt.date(term.end_year, 12, 31) if term.end_year else today
            return dt.date(term.start_year, 1, 1), end
        if key == "all":
            return EARLIEST, today + dt.timedelta(days=366)
        return None

    def apply_preset(self, key: str) -> None:
        """Set the 时间 preset and its dates (no refresh: the caller refreshes)."""
        loading, self._loading_filters = self._loading_filters, True
        try:
            self.preset.setCurrentIndex(max(0, self.preset.findData(key)))
            dates = self.preset_dates(key)
            if dates is not None:
                self.date_from.setDate(to_qdate(dates[0]))
                self.date_to.setDate(to_qdate(dates[1]))
        finally:
            self._loading_filters = loading

    def _preset_changed(self) -> None:
        if self._loading_filters:
            return
        self.apply_preset(str(self.preset.currentData()))
        self.refresh()

    def _dates_changed(self) -> None:
        if self._loading_filters:
            return
        self._loading_filters = True
        self.preset.setCurrentIndex(self.preset.findData("custom"))
        self._loading_filters = False
        self.refresh()

    def set_dates(self, date_from: dt.date, date_to: dt.date) -> None:
        """Choose a custom date range (for callers and tests)."""
        self._loading_filters = True
        self.preset.setCurrentIndex(self.preset.findData("custom"))
        self.date_from.setDate(to_qdate(date_from))
        self.date_to.setDate(to_qdate(date_to))
        self._loading_filters = False
        self.refresh()

    def _filters_changed(self) -> None:
        if not self._loading_filters:
            self.refresh()

    def reset_filters(self) -> None:
        self._loading_filters = True
        self.type_filter.setCurrentIndex(0)
        self.group_filter.setCurrentIndex(0)
        self.deputy_filter.clear_choice()
        self.search.clear()
        self._loading_filters = False
        self._search_timer.stop()
        self.apply_preset("this_year")
        self.refresh()

    def query(self) -> ActivityQuery:
        everything = self.preset.currentData() == "all"
        return ActivityQuery(
            text=self.search.text(),
            type=enum_member(ActivityType, self.type_filter.currentData()),
            date_from=None if everything else from_qdate(self.date_from.date()),
            date_to=None if everything else from_qdate(self.date_to.date()),
            deputy_id=self.deputy_filter.deputy_id,
            group_id=self.group_filter.currentData(),
        )

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.refresh()
        if self.model.rowCount() and not self.selected_id():
            self.select_id(self.model.id_at(0))

    def _year_of_dates(self) -> int | None:
        """The one year the date filter covers, if it covers exactly one (for the export)."""
        query = self.query()
        if query.date_from and query.date_to and query.date_from.year == query.date_to.year:
            return query.date_from.year
        return None

    # -- data -------------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        """Ask the service for the ids matching search and filters; keep the selection."""
        keep = select if select is not None else self.selected_id()
        query = self.query()
        ids = activities.search_ids(self.ctx.db, query)
        self.model.set_ids(ids)
        self.count_label.setText(f"共 {len(ids)} 次活动")
        if ids:
            self.table_stack.setCurrentWidget(self.table)
        else:
            plain = (not query.text and query.type is None and query.deputy_id is None
                     and query.group_id is None)
            if plain and self.preset.currentData() == "all":
                self.empty.setText("还没有登记代表活动。\n点“新增活动”逐次录入，"
                                   "或点“导入”从Excel台账导入。")
            elif plain:
                self.empty.setText("所选时间内没有代表活动。\n可以换个时间（如“上年度”“全部”），"
                                   "或点“新增活动”登记。")
            else:
                self.empty.setText("没有符合条件的活动。可以换个条件，或点“清除条件”。")
            self.table_stack.setCurrentWidget(self.empty)
        if keep is not None and self.model.row_of(keep) is not None:
            self.select_id(keep)
        else:
            self._selection_changed()

    def activate(self) -> None:
        """Called by the main window each time the page is shown."""
        self.reload_filters()
        self.detail.forget_names()
        self.model.invalidate()
        self.refresh()

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.id_at(index.row())

    def select_id(self, activity_id: int | None) -> None:
        row = self.model.row_of(activity_id) if activity_id is not None else None
        if row is None:
            self.table.clearSelection()
            self._selection_changed()
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self._selection_changed()

    def _selection_changed(self) -> None:
        self._update_actions()
        activity_id = self.selected_id()
        if activity_id is None:
            self.detail.show_none()
            return
        try:
            record = activities.get_activity(self.ctx.db, activity_id)
        except NotFound:
            self.detail.show_none()
            return
        self.detail.show_record(record, self._groups, self._stations)

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.select_id(self.model.id_at(index.row()))
            self.edit_selected()

    def _update_actions(self) -> None:
        has = self.selected_id() is not None
        for action in (self.edit_action, self.delete_action):
            action.setEnabled(has)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        menu.addAction(self.edit_action)
        menu.addSeparator()
        menu.addAction(self.add_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))
        self.menu = menu

    def _saved(self, activity_id: int | None) -> None:
        if activity_id is not None:
            self.model.invalidate([activity_id])
            if activity_id not in activities.search_ids(self.ctx.db, self.query()):
                # Hidden by the filters: show the year of the activity with no other condition.
                self._show_everything_around(activity_id)
        self.refresh(select=activity_id)
        self.changed.emit()

    def _show_everything_around(self, activity_id: int) -> None:
        try:
            on = activities.get_activity(self.ctx.db, activity_id).data.activity_date
        except NotFound:
            return
        self._loading_filters = True
        self.search.clear()
        self._search_timer.stop()
        self.type_filter.setCurrentIndex(0)
        self.group_filter.setCurrentIndex(0)
        self.deputy_filter.clear_choice()
        self.preset.setCurrentIndex(self.preset.findData("custom"))
        self.date_from.setDate(to_qdate(dt.date(on.year, 1, 1)))
        self.date_to.setDate(to_qdate(dt.date(on.year, 12, 31)))
        self._loading_filters = False

    # -- actions ----------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def add_activity(self) -> ActivityDialog:
        dialog = ActivityDialog(self.ctx, None, self)
        return self._open(dialog)

    def edit_selected(self) -> ActivityDialog | None:
        activity_id = self.selected_id()
        if activity_id is None:
            return None
        try:
            dialog = ActivityDialog(self.ctx, activity_id, self)
        except NotFound as exc:
            messages.warn(self, "无法修改", exc.message)
            self.refresh()
            return None
        return self._open(dialog)

    def _open(self, dialog: ActivityDialog) -> ActivityDialog:
        self.dialog = dialog
        # On 取消 too: “保存并添加照片或文件…” may have saved before the dialog closed.
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: ActivityDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        if dialog.saved_activity_id is not None:
            self._saved(dialog.saved_activity_id)
        elif dialog.activity_id is not None:
            self.model.invalidate([dialog.activity_id])  # attachments may have changed
            self._selection_changed()
        dialog.deleteLater()

    def delete_selected(self) -> bool:
        activity_id = self.selected_id()
        if activity_id is None:
            return False
        try:
            record = activities.get_activity(self.ctx.db, activity_id)
        except NotFound:
            self.refresh()
            return False
        data = record.data
        files = len(record.attachment_ids)
        parts = [f"{len(data.participants)} 名代表的出席记录"] if data.participants else []
        if files:
            parts.append(f"{files} 个照片和文件")
        along = f"活动的{'和'.join(parts)}将一并删除，" if parts else ""
        confirmed = messages.ask(
            self, "删除代表活动",
            f"确定删除 {data.activity_date.isoformat()} 的{data.type.label}“{data.topic}”吗？",
            yes="删除", no="不删除", danger=True,
            detail=f"{along}删除后无法恢复。删除只用于纠正录错的记录。")
        if not confirmed:
            return False
        try:
            activities.remove_activity(self.ctx.db, self.ctx.actor, activity_id)
        except ServiceError as exc:
            messages.warn(self, "未能删除", exc.message)
            return False
        self.refresh()
        self.changed.emit()
        return True

    def import_activities(self) -> bool:
        def imported(outcome: Any, dialog: Any) -> None:
            self.summary_dialog = dialog
            self.model.invalidate()
            self.refresh()
            self.changed.emit()

        return ledger_actions.import_ledger(self, self.ctx, "activities", imported)

    def export_activities(self) -> bool:
        return ledger_actions.export_ledger(self, self.ctx, "activities", year=self._year_of_dates())

    def save_template(self) -> bool:
        return ledger_actions.save_template(self, self.ctx, "activities")
