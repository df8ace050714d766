"""A table model that holds only record ids and fetches rows page by page (after Anki's browser
table): the roster and the audit log stay fast at tens of thousands of records, because the view
only ever asks for the rows on screen.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

RowT = TypeVar("RowT")
Index = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 100
CACHE_LIMIT = 3000


@dataclass(frozen=True)
class Column(Generic[RowT]):
    """One column: its header, how to show a row in it, and a typical value (its width is measured
    from that text in the current font, so columns fit on any screen and font size)."""

    title: str
    text: Callable[[RowT], str]
    sample: str = "示例文字"
    tooltip: bool = False


class LazyTableModel(QAbstractTableModel, Generic[RowT]):
    """Ids in, rows out: `loader(ids) -> {id: row}` is called for one page at a time, and loaded
    rows are kept in a bounded cache until the ids change or a row is invalidated."""

    def __init__(
        self,
        columns: Sequence[Column[RowT]],
        loader: Callable[[list[int]], dict[int, RowT]],
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._loader = loader
        self._ids: list[int] = []
        self._cache: OrderedDict[int, RowT] = OrderedDict()
        self.pages_loaded = 0  # for tests and diagnostics: how often the loader ran

    # -- ids -------------------------------------------------------------------------------
    def set_ids(self, ids: Sequence[int]) -> None:
        """Show these records, in this order; rows already loaded are kept if still wanted."""
        self.beginResetModel()
        self._ids = list(ids)
        keep = set(self._ids)
        for stale in [i for i in self._cache if i not in keep]:
            del self._cache[stale]
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: int) -> int | None:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return None

    def invalidate(self, record_ids: Sequence[int] | None = None) -> None:
        """Forget loaded rows (all, or the given ids) so the view re-reads them."""
        if record_ids is None:
            self._cache.clear()
            if self._ids:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self._ids) - 1, len(self.columns) - 1))
            return
        for record_id in record_ids:
            self._cache.pop(record_id, None)
            row = self.row_of(record_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def record(self, row: int) -> RowT | None:
        """The row's record, loading its page if needed (None if it vanished meanwhile)."""
        record_id = self.id_at(row)
        if record_id is None:
            return None
        found = self._cache.get(record_id)
        if found is not None:
            self._cache.move_to_end(record_id)
            return found
        start = (row // PAGE_SIZE) * PAGE_SIZE
        page = self._ids[start:start + PAGE_SIZE]
        loaded = self._loader(page)
        self.pages_loaded += 1
        self._cache.update(loaded)
        while len(self._cache) > CACHE_LIMIT:
            self._cache.popitem(last=False)
        return loaded.get(record_id)

    # -- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._ids):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self.columns):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self.id_at(index.row())
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole):
            return None
        row = self.record(index.row())
        if row is None:
            return "（已删除）" if role == Qt.ItemDataRole.DisplayRole else None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.text(row) if column.tooltip else None
        return self.foreground(row, index.column())

    def foreground(self, row: RowT, column: int) -> Any:
        """Override to colour rows (a QColor or None)."""
        return None
