"""An editable short list of names the opinion form offers (村（社区）, 类别): add, rename, remove,
move up and down, then save the whole list at once (services.mailbox.set_choices). Opinions keep
the text they were registered with, so renaming or removing an entry never rewrites history."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import mailbox
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.ui.context import AppContext
from presidium_app.ui.widgets.form import ErrorLabel
from presidium_app.ui.widgets.shortcuts import widget_shortcut

MAX_LENGTH = 60
ACCEPTED = Qt.ItemDataRole.UserRole  # the item's last accepted name, to undo a bad rename


class ChoiceListEditor(QWidget):
    """One editable list (kind 'village' or 'category'); nothing is stored until 保存."""

    saved = Signal()

    def __init__(self, ctx: AppContext, kind: str, placeholder: str = "",
                 defaults: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.defaults = list(defaults)
        self.what = mailbox.CHOICE_KINDS[kind]
        self.saved_names: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)

        body = QHBoxLayout()
        self.list = QListWidget()
        self.list.setMinimumHeight(170)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.list.currentRowChanged.connect(self._update_buttons)
        self.list.itemChanged.connect(self._renamed)
        widget_shortcut(Qt.Key.Key_Delete, self.list, self.remove_selected)
        body.addWidget(self.list, 1)
        side = QVBoxLayout()
        side.setSpacing(6)
        self.rename_button = QPushButton("改名")
        self.rename_button.setToolTip("修改所选名称（也可双击或按F2）")
        self.rename_button.clicked.connect(self.start_rename)
        self.remove_button = QPushButton("删除")
        self.remove_button.setToolTip("从列表中去掉所选名称（Delete）；已登记的条目不受影响")
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button = QPushButton("上移")
        self.up_button.clicked.connect(self.move_up)
        self.down_button = QPushButton("下移")
        self.down_button.clicked.connect(self.move_down)
        for button in (self.rename_button, self.remove_button, self.up_button, self.down_button):
            side.addWidget(button)
        side.addStretch(1)
        body.addLayout(side)
        layout.addLayout(body, 1)

        add = QHBoxLayout()
        self.new_name = QLineEdit()
        self.new_name.setMaxLength(MAX_LENGTH)
        self.new_name.setPlaceholderText(placeholder)
        self.new_name.returnPressed.connect(self.add_name)
        add_button = QPushButton("添加")
        add_button.clicked.connect(self.add_name)
        add.addWidget(self.new_name, 1)
        add.addWidget(add_button)
        layout.addLayout(add)
        self.error = ErrorLabel()
        layout.addWidget(self.error)

        row = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        self.revert_button = QPushButton("还原")
        self.revert_button.setToolTip("放弃未保存的改动")
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(f"保存{self.what}列表")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.reload()

    # -- the list -----------------------------------------------------------------------------
    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def is_dirty(self) -> bool:
        return self.names() != self.saved_names

    def reload(self) -> None:
        self.saved_names = mailbox.list_choices(self.ctx.db, self.kind)
        self._fill(self.saved_names)
        self.error.show_message("")
        self._update_status()

    def revert(self) -> None:
        self._fill(self.saved_names)
        self.error.show_message("")
        self._update_status()

    def _fill(self, names: Sequence[str], current: int = -1) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for name in names:
            self.list.addItem(self._item(name))
        self.list.blockSignals(False)
        self.list.setCurrentRow(current)
        self._update_buttons()

    @staticmethod
    def _item(name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setData(ACCEPTED, name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        return item

    def _update_buttons(self, *_args: object) -> None:
        row = self.list.currentRow()
        chosen = 0 <= row < self.list.count()
        self.rename_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        self.up_button.setEnabled(chosen and row > 0)
        self.down_button.setEnabled(chosen and row < self.list.count() - 1)

    def _update_status(self, text: str = "") -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        if text:
            self.status.setText(text)
        elif dirty:
            self.status.setText("有改动，点“保存”后登记表才使用新列表")
        elif not self.saved_names:
            self.status.setText("列表还是空的")
        elif self.defaults and self.saved_names == self.defaults:
            self.status.setText(f"共 {len(self.saved_names)} 项（默认列表，可按本乡镇的习惯修改）")
        else:
            self.status.setText(f"共 {len(self.saved_names)} 项")

    def _check(self, name: str, row: int | None = None) -> str | None:
        """The error for `name` as entry `row` (None for a new one), or None when it is fine."""
        if not name:
            return "请填写名称"
        if len(name) > MAX_LENGTH:
            return f"名称过长（最多{MAX_LENGTH}字）"
        if any(other == name for i, other in enumerate(self.names()) if i != row):
            return f"列表中已有“{name}”"
        return None

    # -- editing ------------------------------------------------------------------------------
    def add_name(self, name: str | None = None) -> bool:
        name = (self.new_name.text() if name is None else name).strip()
        problem = self._check(name)
        self.error.show_message(problem or "")
        if problem:
            return False
        self.list.blockSignals(True)
        self.list.addItem(self._item(name))
        self.list.blockSignals(False)
        self.list.setCurrentRow(self.list.count() - 1)
        self.new_name.clear()
        self._update_status()
        return True

    def start_rename(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.editItem(item)

    def rename(self, row: int, name: str) -> bool:
        """What editing the entry in place does (also called by tests)."""
        item = self.list.item(row)
        if item is None:
            return False
        item.setText(name)
        return item.text() == name.strip()

    def _renamed(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        name = item.text().strip()
        problem = self._check(name, row)
        self.list.blockSignals(True)
        item.setText(str(item.data(ACCEPTED)) if problem else name)
        if not problem:
            item.setData(ACCEPTED, name)
        self.list.blockSignals(False)
        self.error.show_message(f"未改名：{problem}" if problem else "")
        self._update_status()

    def remove_selected(self) -> bool:
        row = self.list.currentRow()
        if not 0 <= row < self.list.count():
            return False
        self.list.blockSignals(True)
        self.list.takeItem(row)
        self.list.blockSignals(False)
        self.list.setCurrentRow(min(row, self.list.count() - 1))
        self.error.show_message("")
        self._update_status()
        return True

    def move_up(self) -> bool:
        return self.move_selected(-1)

    def move_down(self) -> bool:
        return self.move_selected(1)

    def move_selected(self, delta: int) -> bool:
        row = self.list.currentRow()
        target = row + delta
        if not (0 <= row < self.list.count() and 0 <= target < self.list.count()):
            return False
        names = self.names()
        names.insert(target, names.pop(row))
        self._fill(names, current=target)
        self._update_status()
        return True

    def save(self) -> bool:
        if self.defaults and not self.names():
            self.error.show_message(f"{self.what}列表至少要保留一项")
            return False
        try:
            mailbox.set_choices(self.ctx.db, self.ctx.actor, self.kind, self.names(),
                                opened_with=self.saved_names)
        except ValidationFailed as exc:
            self.error.show_message("；".join(exc.field_errors.values()))
            return False
        except ServiceError as exc:
            self.error.show_message(exc.message)
            return False
        current = self.list.currentRow()
        self.saved_names = mailbox.list_choices(self.ctx.db, self.kind)
        self._fill(self.saved_names, current=min(current, len(self.saved_names) - 1))
        self.error.show_message("")
        self._update_status(f"已保存（共 {len(self.saved_names)} 项），新登记的社情民意按此列表选择")
        self.saved.emit()
        return True
