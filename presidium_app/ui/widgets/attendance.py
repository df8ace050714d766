"""The attendance list of an activity (参加代表): tick the deputies invited, then say for each one
whether they came (出席), were excused (请假) or stayed away (缺席).

`AttendanceEditor` is shared by the activity form and the training page's "hold this session"
dialog, so its API is small and stable:

    editor = AttendanceEditor(ctx, parent)
    editor.load(on, participants)        # candidates: deputies serving on `on`
    editor.set_date(on)                  # the date changed: new candidates, ticks kept
    editor.participants()                # -> list[ParticipantInput]
    editor.set_show_spoke(True)          # 人代会: 审议发言
    editor.set_show_rating(True)         # 代表述职: 选民测评

Who may be invited on a date is the service's answer (`activities.invitable_deputies`); the widget
only keeps ticks. A ticked deputy who is not serving on the date (the date was changed, or an old
record) stays in the list, greyed and marked, so no tick is dropped without the user seeing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import Attendance, Satisfaction
from presidium_app.services import activities, organisation
from presidium_app.services.activities import ParticipantInput, RosterNames
from presidium_app.services.search import classify_token, name_keys
from presidium_app.storage.database import Database
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.choices import enum_member

Index = QModelIndex | QPersistentModelIndex
NOT_SERVING = QColor("#8a8f98")
NOT_SERVING_TEXT = "活动当日不在任"


class Col(IntEnum):
    NAME = 0
    GROUP = 1
    PRESENT = 2
    EXCUSED = 3
    ABSENT = 4
    SPOKE = 5
    RATING = 6


HEADERS = {
    Col.NAME: "姓名", Col.GROUP: "代表小组", Col.PRESENT: "出席", Col.EXCUSED: "请假",
    Col.ABSENT: "缺席", Col.SPOKE: "审议发言", Col.RATING: "选民测评",
}
HEADER_TIPS = {
    Col.NAME: "勾选即邀请该代表参加（应到）",
    Col.PRESENT: "受邀代表出席了活动", Col.EXCUSED: "受邀代表事先请了假",
    Col.ABSENT: "受邀代表未请假也未出席", Col.SPOKE: "人代会期间在审议中发了言",
    Col.RATING: "代表述职时选民的测评结果",
}
ATTENDANCE_COLUMNS = {Col.PRESENT: Attendance.PRESENT, Col.EXCUSED: Attendance.EXCUSED,
                      Col.ABSENT: Attendance.ABSENT}
NO_RATING = "未测评"


def roster_names(db: Database) -> RosterNames:
    """The roster's names, read once (one query) for many look-ups."""
    with db.session() as session:
        return RosterNames(session)


def deputy_labels(db: Database, deputy_ids: list[int],
                  names: RosterNames | None = None) -> dict[int, str]:
    """Names for deputy ids, with the ID tail where the roster has two of the same name (as the
    ledger writes them). One query over the roster (or `names` read before), for lists that are
    not a day's candidates."""
    if not deputy_ids:
        return {}
    if names is None:
        names = roster_names(db)
    labels = {}
    for deputy_id in deputy_ids:
        try:
            labels[deputy_id] = names.label(deputy_id)
        except KeyError:
            labels[deputy_id] = "（已删除的代表）"
    return labels


@dataclass
class AttendanceRow:
    """One deputy in the list, ticked or not."""

    deputy_id: int
    name: str
    group_name: str = ""
    group_id: int | None = None
    serving: bool = True
    invited: bool = False
    attendance: Attendance = Attendance.PRESENT
    spoke: bool = False
    rating: Satisfaction | None = None
    note: str = ""
    _keys: tuple[str, str] | None = None

    def keys(self) -> tuple[str, str]:
        """Full pinyin and initials, computed the first time someone types Latin letters."""
        if self._keys is None:
            self._keys = name_keys(self.name.split("(")[0])
        return self._keys

    def matches(self, token: str) -> bool:
        if classify_token(token) == "latin":
            low = token.lower()
            pinyin, initials = self.keys()
            return initials.startswith(low) or low in pinyin
        return token in self.name or token in self.group_name


@dataclass(frozen=True)
class Counts:
    invited: int
    present: int
    excused: int
    absent: int

    def text(self) -> str:
        return (f"应到 {self.invited} 人，出席 {self.present}，请假 {self.excused}，"
                f"缺席 {self.absent}")


def _is_checked(value: Any) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    return value == Qt.CheckState.Checked.value


class AttendanceModel(QAbstractTableModel):
    """The tick list: the name column is checkable (invited); 出席/请假/缺席 behave as one choice
    per invited row; 审议发言 is a tick and 选民测评 a choice, for the activities that have them."""

    counts_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AttendanceRow] = []

    # -- rows ------------------------------------------------------------------------------
    def set_rows(self, rows: list[AttendanceRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        self.counts_changed.emit()

    def rows(self) -> list[AttendanceRow]:
        return list(self._rows)

    def row_of(self, deputy_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.deputy_id == deputy_id), None)

    def row_at(self, row: int) -> AttendanceRow:
        return self._rows[row]

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Col) - 1))
        self.counts_changed.emit()

    def set_invited(self, row: int, invited: bool) -> bool:
        item = self._rows[row]
        if item.invited == invited:
            return False
        item.invited = invited
        # A fresh tick starts from 出席; an untick forgets the choices made for that row.
        item.attendance, item.spoke, item.rating = Attendance.PRESENT, False, None
        self._row_changed(row)
        return True

    def set_many(self, rows: list[int], invited: bool) -> int:
        """Tick or untick several rows with one update of the view; returns how many changed."""
        changed = 0
        for row in rows:
            item = self._rows[row]
            if item.invited != invited:
                item.invited = invited
                item.attendance, item.spoke, item.rating = Attendance.PRESENT, False, None
                changed += 1
        if changed and self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Col) - 1))
            self.counts_changed.emit()
        return changed

    def set_attendance(self, row: int, attendance: Attendance) -> None:
        """Choosing 请假 for a row not yet ticked ticks it too (the user means that deputy)."""
        item = self._rows[row]
        if not item.invited:
            item.invited, item.spoke, item.rating = True, False, None
        item.attendance = attendance
        self._row_changed(row)

    def participants(self) -> list[ParticipantInput]:
        return [ParticipantInput(r.deputy_id, r.attendance, r.spoke, r.rating, r.note)
                for r in self._rows if r.invited]

    def counts(self) -> Counts:
        invited = [r for r in self._rows if r.invited]
        return Counts(len(invited),
                      sum(r.attendance == Attendance.PRESENT for r in invited),
                      sum(r.attendance == Attendance.EXCUSED for r in invited),
                      sum(r.attendance == Attendance.ABSENT for r in invited))

    # -- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Col)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Col):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Col(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(Col(section))
        if role == Qt.ItemDataRole.TextAlignmentRole and section >= Col.PRESENT:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = index.column()
        invited = self._rows[index.row()].invited
        if column == Col.NAME or (column in ATTENDANCE_COLUMNS and invited) or (
                column == Col.SPOKE and invited):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        if column == Col.RATING and invited:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        column = Col(index.column())
        if role == Qt.ItemDataRole.UserRole:
            return item.deputy_id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Col.NAME:
                return item.name
            if column == Col.GROUP:
                return item.group_name if item.serving else NOT_SERVING_TEXT
            if column == Col.RATING:
                return (item.rating.label if item.rating else NO_RATING) if item.invited else ""
            return None
        if role == Qt.ItemDataRole.EditRole and column == Col.RATING:
            return item.rating.value if item.rating else ""
        if role == Qt.ItemDataRole.CheckStateRole:
            if column == Col.NAME:
                return Qt.CheckState.Checked if item.invited else Qt.CheckState.Unchecked
            if not item.invited:
                return None
            if column in ATTENDANCE_COLUMNS:
                chosen = item.attendance == ATTENDANCE_COLUMNS[column]
                return Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked
            if column == Col.SPOKE:
                return Qt.CheckState.Checked if item.spoke else Qt.CheckState.Unchecked
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if not item.serving:
                return NOT_SERVING
            if column == Col.RATING and item.invited and item.rating is None:
                return NOT_SERVING
            return None
        if role == Qt.ItemDataRole.FontRole and column == Col.NAME and item.invited:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if not item.serving:
                return f"{item.name}在活动日期不在任，请核对是否应邀请"
            if column == Col.NAME:
                return "已邀请（点击取消）" if item.invited else "点击邀请"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= Col.PRESENT:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return False
        row, column = index.row(), index.column()
        item = self._rows[row]
        if role == Qt.ItemDataRole.CheckStateRole:
            checked = _is_checked(value)
            if column == Col.NAME:
                self.set_invited(row, checked)
                return True
            if not item.invited:
                return False
            if column in ATTENDANCE_COLUMNS:
                if not checked:
                    return False  # one of the three is always chosen: pick another instead
                self.set_attendance(row, ATTENDANCE_COLUMNS[Col(column)])
                return True
            if column == Col.SPOKE:
                item.spoke = checked
                self._row_changed(row)
                return True
            return False
        if role == Qt.ItemDataRole.EditRole and column == Col.RATING and item.invited:
            item.rating = enum_member(Satisfaction, value)
            self._row_changed(row)
            return True
        return False


class AttendanceFilter(QSortFilterProxyModel):
    """Rows whose name (characters or pinyin initials) or group contains every typed word; with
    `invited_only`, only the ticked ones."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tokens: list[str] = []
        self._invited_only = False
        self.setDynamicSortFilter(True)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._tokens = text.split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_invited_only(self, on: bool) -> None:
        self.beginFilterChange()
        self._invited_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, AttendanceModel):
            return True
        row = model.row_at(source_row)
        if self._invited_only and not row.invited:
            return False
        return all(row.matches(token) for token in self._tokens)


class AttendanceDelegate(QStyledItemDelegate):
    """Draws 出席/请假/缺席 as round choices, lets one click anywhere in a tick cell toggle it (not
    only on the small box), and edits 选民测评 with a drop-down."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._swallow_release = False

    @staticmethod
    def _tick_column(index: Index) -> bool:
        return bool(index.flags() & Qt.ItemFlag.ItemIsUserCheckable)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        column = index.column()
        if column not in ATTENDANCE_COLUMNS and column != Col.SPOKE:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        state = index.data(Qt.ItemDataRole.CheckStateRole)
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if state is None:
            return
        radio = column in ATTENDANCE_COLUMNS
        metric = (QStyle.PixelMetric.PM_ExclusiveIndicatorWidth if radio
                  else QStyle.PixelMetric.PM_IndicatorWidth)
        size = style.pixelMetric(metric, None, widget)
        button = QStyleOptionButton()
        button.rect = QRect(0, 0, size, size)
        button.rect.moveCenter(opt.rect.center())
        button.state = QStyle.StateFlag.State_Enabled | (
            QStyle.StateFlag.State_On if state == Qt.CheckState.Checked
            else QStyle.StateFlag.State_Off)
        primitive = (QStyle.PrimitiveElement.PE_IndicatorRadioButton if radio
                     else QStyle.PrimitiveElement.PE_IndicatorCheckBox)
        style.drawPrimitive(primitive, button, painter, widget)

    def editorEvent(self, event: QEvent, model: QAbstractItemModel,
                    option: QStyleOptionViewItem, index: Index) -> bool:
        if not self._tick_column(index) or not isinstance(event, QMouseEvent):
            return super().editorEvent(event, model, option, index)
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        if event.type() == QEvent.Type.MouseButtonDblClick:
            self._swallow_release = True  # a double click is one toggle, not two
            return True
        if event.type() != QEvent.Type.MouseButtonRelease:
            return False
        if self._swallow_release:
            self._swallow_release = False
            return True
        if not option.rect.contains(event.position().toPoint()):
            return False
        state = index.data(Qt.ItemDataRole.CheckStateRole)
        if index.column() in ATTENDANCE_COLUMNS:
            target = Qt.CheckState.Checked
        else:
            target = (Qt.CheckState.Unchecked if state == Qt.CheckState.Checked
                      else Qt.CheckState.Checked)
        return model.setData(index, target, Qt.ItemDataRole.CheckStateRole)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        if index.column() != Col.RATING:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.addItem(NO_RATING, "")
        for rating in Satisfaction:
            combo.addItem(rating.label, rating.value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class AttendanceView(QTableView):
    """Enter ticks or unticks the current deputy (Space toggles the current cell, as usual)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != (
                QAbstractItemView.State.EditingState):
            current = self.currentIndex()
            if current.isValid():
                name = current.siblingAtColumn(Col.NAME)
                state = name.data(Qt.ItemDataRole.CheckStateRole)
                target = (Qt.CheckState.Unchecked if state == Qt.CheckState.Checked
                          else Qt.CheckState.Checked)
                self.model().setData(name, target, Qt.ItemDataRole.CheckStateRole)
                event.accept()
                return
        super().keyPressEvent(event)


class AttendanceEditor(QWidget):
    """Filter box, 全选 / 全不选 / 按代表小组邀请, the tick list and a live summary."""

    changed = Signal()  # ticks or attendance changed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.on: dt.date | None = None
        self.model = AttendanceModel(self)
        self.proxy = AttendanceFilter(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self.model.counts_changed.connect(self._counts_changed)
        self.set_show_spoke(False)
        self.set_show_rating(False)
        self._counts_changed()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        top = QHBoxLayout()
        top.setSpacing(6)
        self.filter = QLineEdit()
        self.filter.setObjectName("attendanceFilter")
        self.filter.setPlaceholderText("筛选：姓名、拼音首字母或小组")
        self.filter.setClearButtonEnabled(True)
        self.filter.setToolTip("只显示姓名（或拼音首字母，如 zsf）、代表小组中含有这些字的代表；"
                               "已勾选的不会因筛选而取消")
        self.filter.textChanged.connect(self.proxy.set_text)
        self.filter.returnPressed.connect(self._filter_entered)
        top.addWidget(self.filter, 1)
        self.invited_only = QCheckBox("只看已邀请")
        self.invited_only.setToolTip("只显示已勾选的代表，便于核对出席情况")
        self.invited_only.toggled.connect(self.proxy.set_invited_only)
        top.addWidget(self.invited_only)
        layout.addLayout(top)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.group_combo = QComboBox()
        self.group_combo.setObjectName("inviteGroup")
        self.group_combo.setToolTip("选择一个代表小组，勾选该小组在活动当日在任的全部代表")
        self.group_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.group_combo.activated.connect(self._group_chosen)
        buttons.addWidget(self.group_combo)
        self.all_button = QPushButton("全选")
        self.all_button.setToolTip("勾选下表中显示的全部代表（有筛选时只勾选筛选出的）")
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button = QPushButton("全不选")
        self.none_button.setToolTip("取消勾选下表中显示的全部代表（有筛选时只取消筛选出的）")
        self.none_button.clicked.connect(lambda: self.set_all(False))
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        self.note = QLabel()
        self.note.setObjectName("hint")
        buttons.addWidget(self.note)
        layout.addLayout(buttons)

        self.view = AttendanceView()
        self.view.setObjectName("attendanceTable")
        self.view.setModel(self.proxy)
        self.delegate = AttendanceDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.SelectedClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setCornerButtonEnabled(False)
        self.view.setTabKeyNavigation(False)
        vertical = self.view.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(max(26, self.view.fontMetrics().height() + 10))
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Col.GROUP, QHeaderView.ResizeMode.Stretch)
        metrics = self.view.fontMetrics()
        self.view.setColumnWidth(Col.NAME, metrics.horizontalAdvance("欧阳明远(1234)") + 44)
        for column in (Col.PRESENT, Col.EXCUSED, Col.ABSENT):
            self.view.setColumnWidth(column, metrics.horizontalAdvance("出席") + 30)
        self.view.setColumnWidth(Col.SPOKE, metrics.horizontalAdvance("审议发言") + 26)
        self.view.setColumnWidth(Col.RATING, metrics.horizontalAdvance("基本满意") + 40)
        self.view.setMinimumHeight(180)
        layout.addWidget(self.view, 1)

        self.empty = QLabel()
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.empty.hide()
        layout.addWidget(self.empty)
        self.summary = QLabel()
        self.summary.setObjectName("count")
        layout.addWidget(self.summary)
        self.setFocusProxy(self.filter)

    # -- the public API --------------------------------------------------------------------
    def load(self, on: dt.date, participants: list[ParticipantInput]) -> None:
        """Show the deputies serving on `on`, with `participants` ticked as recorded."""
        self.on = on
        candidates = activities.invitable_deputies(self.ctx.db, on)
        recorded = {p.deputy_id: p for p in participants}
        rows = []
        for candidate in candidates:
            row = AttendanceRow(candidate.deputy_id, candidate.display_name or candidate.name,
                                candidate.group_name, candidate.group_id)
            rows.append(row)
        known = {r.deputy_id for r in rows}
        missing = [p.deputy_id for p in participants if p.deputy_id not in known]
        labels = deputy_labels(self.ctx.db, missing)
        # Ticked deputies not serving that day go first of all, so they are seen.
        rows = [AttendanceRow(d, labels[d], serving=False) for d in missing] + rows
        for row in rows:
            found = recorded.get(row.deputy_id)
            if found is not None:
                row.invited, row.attendance, row.spoke = True, found.attendance, found.spoke
                row.rating, row.note = found.rating, found.note
        # Those ticked come first (in the same order), so a record opened shows who was there;
        # later ticks do not move rows under the user's hand.
        rows.sort(key=lambda r: not r.invited)
        self.model.set_rows(rows)
        self._reload_groups()
        self.note.setText("")
        if not candidates:
            self.empty.setText(f"{on.isoformat()}没有在任的代表。请核对活动日期，"
                               "或先在“代表名册”中录入代表。")
        self.empty.setVisible(not candidates)

    def set_date(self, on: dt.date) -> None:
        """The activity's date changed: new candidates, the ticks made so far kept."""
        if on != self.on:
            self.load(on, self.participants())

    def participants(self) -> list[ParticipantInput]:
        return self.model.participants()

    def counts(self) -> Counts:
        return self.model.counts()

    def summary_text(self) -> str:
        return self.counts().text()

    def set_show_spoke(self, show: bool) -> None:
        """人代会: a 审议发言 tick per deputy (scored in the archive)."""
        self.view.setColumnHidden(Col.SPOKE, not show)

    def set_show_rating(self, show: bool) -> None:
        """代表述职: the voters' rating (满意/基本满意/不满意) per deputy who reported."""
        self.view.setColumnHidden(Col.RATING, not show)

    def clear_ratings(self) -> None:
        """Ratings belong to 代表述职 only: forget them when the type changes away from it."""
        for row in self.model.rows():
            row.rating = None
        self._column_changed(Col.RATING)

    def clear_spoke(self) -> None:
        """审议发言 belongs to 人代会 only: forget it when the type changes away from it."""
        for row in self.model.rows():
            row.spoke = False
        self._column_changed(Col.SPOKE)

    def _column_changed(self, column: Col) -> None:
        if self.model.rowCount():
            self.model.dataChanged.emit(self.model.index(0, column),
                                        self.model.index(self.model.rowCount() - 1, column))

    # -- conveniences (buttons, and callers such as tests) ----------------------------------
    def set_invited(self, deputy_id: int, invited: bool = True) -> bool:
        row = self.model.row_of(deputy_id)
        return row is not None and self.model.set_invited(row, invited)

    def set_attendance(self, deputy_id: int, attendance: Attendance) -> bool:
        row = self.model.row_of(deputy_id)
        if row is None:
            return False
        self.model.set_attendance(row, attendance)
        return True

    def visible_rows(self) -> list[int]:
        return [self.proxy.mapToSource(self.proxy.index(r, 0)).row()
                for r in range(self.proxy.rowCount())]

    def set_all(self, invited: bool) -> int:
        changed = self.model.set_many(self.visible_rows(), invited)
        self.note.setText(("已勾选" if invited else "已取消") + f" {changed} 人" if changed else "")
        return changed

    def invite_group(self, group_id: int) -> int:
        """Tick everyone of the group serving on the date; returns how many were newly ticked."""
        rows = [i for i, r in enumerate(self.model.rows()) if r.group_id == group_id and r.serving]
        changed = self.model.set_many(rows, True)
        name = next((self.group_combo.itemText(i) for i in range(self.group_combo.count())
                     if self.group_combo.itemData(i) == group_id), "该小组")
        if not rows:
            self.note.setText(f"{name}在活动当日没有在任代表")
        else:
            self.note.setText(f"已勾选{name} {len(rows)} 人" +
                              (f"（新增 {changed} 人）" if changed != len(rows) else ""))
        return changed

    # -- internals -------------------------------------------------------------------------
    def _reload_groups(self) -> None:
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        self.group_combo.addItem("按代表小组邀请…", None)
        for group in organisation.list_groups(self.ctx.db):
            self.group_combo.addItem(group.name, group.id)
        self.group_combo.setEnabled(self.group_combo.count() > 1)
        self.group_combo.blockSignals(False)

    def _group_chosen(self, index: int) -> None:
        group_id = self.group_combo.itemData(index)
        if group_id is not None:
            self.invite_group(int(group_id))
        self.group_combo.setCurrentIndex(0)

    def _filter_entered(self) -> None:
        """Enter in the filter box ticks the one deputy left, or moves to the list."""
        rows = self.visible_rows()
        if len(rows) == 1:
            self.model.set_invited(rows[0], True)
            self.filter.selectAll()
            return
        if rows:
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            self.view.setCurrentIndex(self.proxy.index(0, Col.NAME))

    def _counts_changed(self) -> None:
        self.summary.setText(self.summary_text())
        self.changed.emit()

    def sizeHint(self) -> QSize:
        return QSize(460, 360)
