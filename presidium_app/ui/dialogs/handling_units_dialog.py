"""承办单位名录: the offices, villages and departments items are assigned to, with what each has on
its desk (在办, 逾期, 协办). Opened from 设置 and from the 社情民意 page; `unit_chosen(id)` asks the
opener to list that unit's items.

A unit that has handled anything cannot be deleted (the service refuses and says why); it is
deactivated (停用) instead, so every past item keeps naming it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import handling_units
from presidium_app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from presidium_app.services.handling_units import UnitWorkload
from presidium_app.services.search import name_keys
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.models.lazy import Column, LazyTableModel
from presidium_app.ui.widgets.form import ErrorLabel, FieldForm
from presidium_app.ui.widgets.shortcuts import widget_shortcut
from presidium_app.ui.widgets.table import configure_record_table

Index = QModelIndex | QPersistentModelIndex
INACTIVE = QColor("#9aa3af")
OVERDUE = QColor("#b42318")


@dataclass(frozen=True)
class UnitRow:
    id: int
    name: str
    contact_person: str
    phone: str
    active: bool
    version: int
    load: UnitWorkload


def _count(value: int) -> str:
    return str(value) if value else "—"


UNIT_COLUMNS: list[Column[UnitRow]] = [
    Column("单位名称", lambda r: r.name, "镇交通运输管理所", tooltip=True),
    Column("联系人", lambda r: r.contact_person, "联系人姓"),
    Column("电话", lambda r: r.phone, "0794-63210000"),
    Column("状态", lambda r: "在用" if r.active else "已停用", "已停用"),
    Column("在办", lambda r: _count(r.load.opinions_open + r.load.suggestions_open), "在办"),
    Column("逾期", lambda r: _count(r.load.overdue_total), "逾期"),
    Column("协办中", lambda r: _count(r.load.assisting_open), "协办中"),
]
STATUS, OPEN, LATE, ASSISTING = 3, 4, 5, 6
HEADER_TIPS = {
    OPEN: "作为主办单位、已交办尚未答复的社情民意和代表建议件数",
    LATE: "在办事项中已过办理期限的件数（期限当天不算逾期）",
    ASSISTING: "作为协办单位、主办单位尚未答复的件数",
}


class UnitsModel(LazyTableModel[UnitRow]):
    """The directory's rows, already in memory (a township has a few dozen units)."""

    def __init__(self, parent: Any = None) -> None:
        self.rows: dict[int, UnitRow] = {}
        super().__init__(UNIT_COLUMNS, lambda ids: {i: self.rows[i] for i in ids if i in self.rows}, parent)

    def set_rows(self, rows: list[UnitRow]) -> None:
        self.rows = {row.id: row for row in rows}
        self.invalidate()
        self.set_ids([row.id for row in rows])

    def foreground(self, row: UnitRow, column: int) -> Any:
        if column == LATE and row.load.opinions_overdue:
            return OVERDUE
        return None if row.active else INACTIVE

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column() >= OPEN:
            return int(Qt.AlignmentFlag.AlignCenter)
        return super().data(index, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return HEADER_TIPS.get(section)
        return super().headerData(section, orientation, role)


class HandlingUnitsDialog(QDialog):
    """The directory: list, add, edit, 停用/启用, delete; `unit_chosen` on double-click or on
    "查看其办理事项" (then the dialog closes). With `show_items=False` (nobody can show a
    unit's items) that button is hidden and a double-click edits the unit instead."""

    unit_chosen = Signal(int)
    units_changed = Signal()  # a unit was added, changed, (de)activated or deleted

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, show_items: bool = True,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or dt.date.today()
        self.can_show_items = show_items
        self.editing: UnitRow | None = None  # None: the form adds a new unit
        self.setWindowTitle("承办单位名录")
        self.setMinimumSize(760, 520)
        self.resize(940, 680)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        heading = QLabel("承办单位名录")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        explain = QLabel("交办社情民意和代表建议时，从这里选择主办、协办单位。承办过事项的单位不能删除，"
                         "可以停用：停用后交办时不再出现，已有记录照常显示。")
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        layout.addWidget(explain)

        tools = QHBoxLayout()
        self.new_button = QPushButton("新增单位")
        self.new_button.setToolTip("在下方填写新单位（Ctrl+N）")
        self.new_button.clicked.connect(self.new_unit)
        self.edit_button = QPushButton("修改")
        self.edit_button.setToolTip("在下方修改所选单位（Enter）")
        self.edit_button.clicked.connect(self.edit_selected)
        self.toggle_button = QPushButton("停用")
        self.toggle_button.clicked.connect(self.toggle_active)
        self.delete_button = QPushButton("删除")
        self.delete_button.setToolTip("只能删除从未承办过事项的单位（Delete）")
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.new_button, self.edit_button, self.toggle_button, self.delete_button):
            tools.addWidget(button)
        tools.addStretch(1)
        self.only_active = QCheckBox("只显示在用单位")
        self.only_active.toggled.connect(self._filter_changed)
        tools.addWidget(self.only_active)
        layout.addLayout(tools)

        self.model = UnitsModel(self)
        self.table = QTableView()
        configure_record_table(self.table, self.model, stretch=0)
        self.table.setMinimumHeight(200)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(self._double_clicked)
        widget_shortcut(Qt.Key.Key_Return, self.table, self.edit_selected)
        widget_shortcut(Qt.Key.Key_Enter, self.table, self.edit_selected)
        widget_shortcut(Qt.Key.Key_Delete, self.table, self.delete_selected)
        layout.addWidget(self.table, 1)

        below = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.status = QLabel()
        self.status.setObjectName("savedHint")
        self.items_button = QPushButton("查看其办理事项")
        self.items_button.setToolTip("到社情民意列出所选单位承办的事项（也可双击单位）")
        self.items_button.clicked.connect(self.show_items)
        self.items_button.setVisible(show_items)
        below.addWidget(self.summary)
        below.addSpacing(12)
        below.addWidget(self.status, 1)
        below.addWidget(self.items_button)
        layout.addLayout(below)

        layout.addWidget(self._form_panel())
        self.general_error = ErrorLabel(self)
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox()
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.New), self, self.new_unit)
        self.reload()
        self.new_unit()

    def _form_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("unitForm")
        panel.setStyleSheet("#unitForm { background: #f7f9fc; border: 1px solid #e1e6ee;"
                            " border-radius: 6px; }")
        box = QVBoxLayout(panel)
        box.setContentsMargins(14, 10, 14, 10)
        box.setSpacing(8)
        self.form_title = QLabel()
        self.form_title.setObjectName("sectionTitle")
        box.addWidget(self.form_title)
        self.name = QLineEdit()
        self.name.setMaxLength(80)
        self.name.setPlaceholderText("如：镇交通运输管理所、青山村村民委员会")
        self.contact_person = QLineEdit()
        self.contact_person.setMaxLength(40)
        self.contact_person.setPlaceholderText("经办人姓名")
        self.phone = QLineEdit()
        self.phone.setMaxLength(20)
        self.phone.setPlaceholderText("手机或办公电话")
        grid = QGridLayout()
        self.form = FieldForm(grid, columns=3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        grid.setColumnStretch(5, 2)
        self.form.add("name", "单位名称", self.name, 0, required=True)
        self.form.add("contact_person", "联系人", self.contact_person, 0, column=1)
        self.form.add("phone", "电话", self.phone, 0, column=2)
        box.addLayout(grid)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton("取消修改")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.new_unit)
        self.save_button = QPushButton()
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_unit)
        row.addWidget(self.cancel_button)
        row.addWidget(self.save_button)
        box.addLayout(row)
        return panel

    # -- the list -----------------------------------------------------------------------------
    # Signals reach bound methods, not lambdas: Qt disconnects a slot of a deleted widget, while a
    # lambda would still run (and touch deleted children) when a child signals as it is destroyed.
    def _filter_changed(self, _only_active: bool) -> None:
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        """Read the units and their workload again, keeping the selection where possible."""
        if select_id is None:
            current = self.selected()
            select_id = current.id if current else None
        workload = handling_units.unit_workload(self.ctx.db, self.today)
        units = sorted(handling_units.list_units(self.ctx.db, include_inactive=True),
                       key=lambda u: (name_keys(u.name)[0], u.name))  # in pinyin order, as people look
        rows = [UnitRow(u.id, u.name, u.contact_person, u.phone, u.active, u.version,
                        workload.get(u.id) or UnitWorkload(u.id)) for u in units]
        shown = [r for r in rows if r.active or not self.only_active.isChecked()]
        self.model.set_rows(shown)
        active = sum(1 for r in rows if r.active)
        if not rows:
            self.summary.setText("还没有承办单位，请在下方填写后添加")
        else:
            open_items = sum(r.load.opinions_open + r.load.suggestions_open for r in rows)
            late = sum(r.load.overdue_total for r in rows)
            text = f"共 {len(rows)} 个单位（在用 {active} 个）；主办在办 {open_items} 件"
            self.summary.setText(text + (f"，其中逾期 {late} 件" if late else ""))
        if select_id is not None:
            self.select_unit(select_id)
        self._selection_changed()

    def rows(self) -> list[UnitRow]:
        """The rows shown, in order."""
        return [self.model.rows[i] for i in self.model.ids()]

    def row_named(self, name: str) -> UnitRow | None:
        return next((r for r in self.model.rows.values() if r.name == name), None)

    def selected(self) -> UnitRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select_unit(self, unit_id: int) -> bool:
        row = self.model.row_of(unit_id)
        if row is None:
            self.table.clearSelection()
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        QTimer.singleShot(0, self._show_selected)  # again once the layout has settled
        return True

    def _show_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.table.scrollTo(rows[0])

    def _selection_changed(self, *_args: object) -> None:
        row = self.selected()
        for button in (self.edit_button, self.toggle_button, self.delete_button, self.items_button):
            button.setEnabled(row is not None)
        self.toggle_button.setText("启用" if row is not None and not row.active else "停用")
        self.toggle_button.setToolTip(
            "重新启用，交办时又可选择" if row is not None and not row.active
            else "停用后交办时不再出现，已有记录照常显示")

    def _double_clicked(self, *_args: object) -> None:
        if self.can_show_items:
            self.show_items()
        else:
            self.edit_selected()

    def show_items(self) -> bool:
        """Ask the opener to list the selected unit's items, and close."""
        row = self.selected()
        if row is None:
            return False
        self.unit_chosen.emit(row.id)
        self.accept()
        return True

    # -- the form -----------------------------------------------------------------------------
    def new_unit(self) -> None:
        self.editing = None
        self.form_title.setText("新增承办单位")
        self.save_button.setText("添加单位")
        self.cancel_button.hide()
        for edit in (self.name, self.contact_person, self.phone):
            edit.clear()
        self.form.clear_errors()
        self.general_error.show_message("")
        self.name.setFocus()

    def edit_selected(self) -> bool:
        row = self.selected()
        if row is None:
            return False
        self.editing = row
        self.form_title.setText(f"修改承办单位：{row.name}")
        self.save_button.setText("保存修改")
        self.cancel_button.show()
        self.name.setText(row.name)
        self.contact_person.setText(row.contact_person)
        self.phone.setText(row.phone)
        self.form.clear_errors()
        self.general_error.show_message("")
        self.status.setText("")
        self.name.setFocus()
        self.name.selectAll()
        return True

    def save_unit(self) -> bool:
        self.form.clear_errors()
        self.general_error.show_message("")
        self.status.setText("")
        name, person, phone = self.name.text(), self.contact_person.text(), self.phone.text()
        editing = self.editing
        try:
            if editing is None:
                unit_id = handling_units.add_unit(self.ctx.db, self.ctx.actor, name, person, phone)
                done = f"已添加“{name.strip()}”"
            else:
                unit_id = editing.id
                handling_units.update_unit(self.ctx.db, self.ctx.actor, unit_id, name, person, phone,
                                           active=editing.active, version=editing.version)
                done = f"已保存“{name.strip()}”"
        except ValidationFailed as exc:
            self.general_error.show_message("；".join(self.form.show_errors(exc.field_errors)))
            return False
        except (Conflict, NotFound) as exc:
            messages.warn(self, "未能保存", exc.message, "名录已重新读取，请核对后再修改。")
            self.reload()
            return False
        except ServiceError as exc:
            self.general_error.show_message(exc.message)
            return False
        self.new_unit()
        self.reload(select_id=unit_id)
        self.status.setText(done)
        self.units_changed.emit()
        return True

    # -- 停用/启用 and delete -------------------------------------------------------------------
    def toggle_active(self) -> bool:
        row = self.selected()
        if row is None:
            return False
        self.status.setText("")
        try:
            handling_units.update_unit(self.ctx.db, self.ctx.actor, row.id, row.name, row.contact_person,
                                       row.phone, active=not row.active, version=row.version)
        except ServiceError as exc:
            messages.warn(self, "未能保存", exc.message, "名录已重新读取，请核对后再操作。")
            self.reload()
            return False
        self.reload(select_id=row.id)
        if self.editing is not None and self.editing.id == row.id:
            self.editing = self.model.rows.get(row.id) or self.editing  # the form keeps its text
        self.status.setText(f"已启用“{row.name}”" if not row.active else f"已停用“{row.name}”")
        self.units_changed.emit()
        return True

    def delete_selected(self) -> bool:
        row = self.selected()
        if row is None:
            return False
        self.status.setText("")
        if not messages.ask(self, "删除承办单位", f"删除承办单位“{row.name}”吗？", yes="删除",
                            detail="只有从未承办过事项的单位可以删除；承办过的请改为停用。", danger=True):
            return False
        try:
            handling_units.delete_unit(self.ctx.db, self.ctx.actor, row.id)
        except NotFound as exc:
            messages.warn(self, "不能删除", exc.message)
            self.reload()
            return False
        except ServiceError as exc:
            messages.warn(self, "不能删除", exc.message)
            return False
        if self.editing is not None and self.editing.id == row.id:
            self.new_unit()
        self.reload()
        self.status.setText(f"已删除“{row.name}”")
        self.units_changed.emit()
        return True
