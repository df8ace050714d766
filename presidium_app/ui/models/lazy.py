"""A table model that holds only record ids and fetches rows page by page (after Anki's browser
table): the roster and the audit log stay fast at tens of thousands of records, because the view
only ever asks for the rows on screen.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
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


class IdSource(Protocol):
    """Where the ids past the first page come from: a slice of them (for the rows scrolled to)
    or all of them (to find a record), in the list's order."""

    def slice(self, offset: int, limit: int) -> list[int]: ...

    def all(self) -> list[int]: ...


class LazyTableModel(QAbstractTableModel, Generic[RowT]):
    """Ids in, rows out: `loader(ids) -> {id: row}` is called for one page at a time, and loaded
    rows are kept in a bounded cache until the ids change or a row is invalidated.

    Each loaded row's cells are worked out once (`present`), so painting a screen of rows (Qt
    asks several roles of every cell) is a lookup per call. The ids may also be given as the
    first ones and the total (`set_first_ids`): the list shows at once, the ids of a page
    scrolled to are read with it, and all of them only when a record past them is looked for
    (`row_of`, `ids`)."""

    ROLES: frozenset[int] = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole),
                                       int(Qt.ItemDataRole.ForegroundRole)})

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
        self._total = 0
        self._source: IdSource | None = None  # set while only the first ids are here
        self._far: dict[int, list[int]] = {}  # pages of ids past the first, by their first row
        self._cache: OrderedDict[int, tuple[RowT, dict[int, tuple[Any, ...]]]] = OrderedDict()
        self.pages_loaded = 0  # for tests and diagnostics: how often the loader ran

    # -- ids -------------------------------------------------------------------------------
    def set_ids(self, ids: Sequence[int]) -> None:
        """Show these records, in this order; rows already loaded are kept if still wanted."""
        self.beginResetModel()
        self._ids = list(ids)
        self._total = len(self._ids)
        self._source = None
        self._far = {}
        keep = set(self._ids)
        for stale in [i for i in self._cache if i not in keep]:
            del self._cache[stale]
        self.endResetModel()

    def set_first_ids(self, first: Sequence[int], total: int, source: IdSource) -> None:
        """Show `total` records of which only the `first` ids are read; the others come from
        `source` when they are needed."""
        if len(first) >= total:
            self.set_ids(first)
            return
        self.beginResetModel()
        self._ids = list(first)
        self._total = total
        self._source = source
        self._far = {}
        self.endResetModel()

    def _read_all(self) -> None:
        """Read every id. Should the records have changed since the first ids and the total
        were read (another user), the view is reset on the next turn of the event loop: its
        row count cannot change while it is painting."""
        source, self._source = self._source, None
        if source is None:
            return
        first, far, self._ids, self._far = self._ids, self._far, source.all(), {}
        shown = [(0, first), *far.items()]
        if len(self._ids) != self._total or any(self._ids[start:start + len(ids)] != ids
                                                for start, ids in shown):
            QTimer.singleShot(0, self._show_read)

    def _show_read(self) -> None:
        """The view takes the ids read in full (their count or order changed meanwhile)."""
        if self._source is None:
            self.beginResetModel()
            self._total = len(self._ids)
            self.endResetModel()

    def _page_ids(self, start: int) -> list[int]:
        """The ids of the page of rows from `start` (a multiple of PAGE_SIZE)."""
        if self._source is None or start + PAGE_SIZE <= len(self._ids):
            return self._ids[start:start + PAGE_SIZE]
        page = self._far.get(start)
        if page is None:
            page = self._far[start] = self._source.slice(start, PAGE_SIZE)
        return page

    def ids(self) -> list[int]:
        self._read_all()
        return list(self._ids)

    def id_at(self, row: int) -> int | None:
        if 0 <= row < len(self._ids):
            return self._ids[row]
        if self._source is None or not 0 <= row < self._total:
            return None
        start = (row // PAGE_SIZE) * PAGE_SIZE
        page = self._page_ids(start)
        return page[row - start] if row - start < len(page) else None

    def row_of(self, record_id: int) -> int | None:
        """The record's row, reading every id if it is not among those read yet."""
        row = self.loaded_row_of(record_id)
        if row is None and self._source is not None:
            self._read_all()
            return self.loaded_row_of(record_id)
        return row

    def loaded_row_of(self, record_id: int) -> int | None:
        """The record's row if its id has been read (no query)."""
        try:
            return self._ids.index(record_id)
        except ValueError:
            pass
        for start, ids in self._far.items():
            if record_id in ids:
                return start + ids.index(record_id)
        return None

    def invalidate(self, record_ids: Sequence[int] | None = None) -> None:
        """Forget loaded rows (all, or the given ids) so the view re-reads them."""
        if record_ids is None:
            self._cache.clear()
            if self._total:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(self._total - 1, len(self.columns) - 1))
            return
        for record_id in record_ids:
            self._cache.pop(record_id, None)
            row = self.loaded_row_of(record_id)  # a row whose id is not read yet is not on screen
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def record(self, row: int) -> RowT | None:
        """The row's record, loading its page if needed (None if it vanished meanwhile)."""
        entry = self._entry(row)
        return entry[0] if entry is not None else None

    def _entry(self, row: int) -> tuple[RowT, dict[int, tuple[Any, ...]]] | None:
        record_id = self.id_at(row)
        if record_id is None:
            return None
        found = self._cache.get(record_id)
        if found is not None:
            self._cache.move_to_end(record_id)
            return found
        loaded = self._loader(self._page_ids((row // PAGE_SIZE) * PAGE_SIZE))
        self.pages_loaded += 1
        for loaded_id, loaded_row in loaded.items():
            self._cache[loaded_id] = (loaded_row, self.present(loaded_row))
        while len(self._cache) > CACHE_LIMIT:
            self._cache.popitem(last=False)
        return self._cache.get(record_id)

    def present(self, row: RowT) -> dict[int, tuple[Any, ...]]:
        """What each cell of a row shows, per role in `ROLES` (a value per column). Subclasses
        add roles (and list them in `ROLES`)."""
        columns = range(len(self.columns))
        return {
            int(Qt.ItemDataRole.DisplayRole): tuple(column.text(row) for column in self.columns),
            int(Qt.ItemDataRole.ToolTipRole): tuple(column.text(row) if column.tooltip else None
                                                    for column in self.columns),
            int(Qt.ItemDataRole.ForegroundRole): tuple(self.foreground(row, c) for c in columns),
        }

    # -- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title
        if orientation == Qt.Orientation.Vertical and 0 <= section < self._total:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in self.ROLES:  # most of what a view asks: answered without a lookup
            if role == Qt.ItemDataRole.UserRole and index.isValid():
                return self.id_at(index.row())
            return None
        column = index.column()
        if not index.isValid() or not 0 <= column < len(self.columns):
            return None
        entry = self._entry(index.row())
        if entry is None:
            return "（已删除）" if role == Qt.ItemDataRole.DisplayRole else None
        return entry[1][role][column]

    def foreground(self, row: RowT, column: int) -> Any:
        """Override to colour rows (a QColor or None)."""
        return None


_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
