"""The look shared by record tables: whole-row selection, fixed row height (so a lazy model is
never asked for every row), column widths from the model's column list."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from presidium_app.ui.models.lazy import LazyTableModel

CELL_PADDING = 18  # the style sheet's 5px each side, the grid line and a little air


def configure_record_table(view: QTableView, model: LazyTableModel, stretch: int | None = None) -> None:
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setShowGrid(False)
    view.setCornerButtonEnabled(False)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    vertical = view.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(max(28, view.fontMetrics().height() + 12))
    vertical.hide()
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setMinimumSectionSize(40)
    text_metrics = view.fontMetrics()
    bold = QFont(view.font())
    bold.setBold(True)
    header_metrics = QFontMetrics(bold)
    for number, column in enumerate(model.columns):
        width = max(text_metrics.horizontalAdvance(column.sample),
                    header_metrics.horizontalAdvance(column.title))
        view.setColumnWidth(number, width + CELL_PADDING)
    if stretch is not None:
        view._fill_column = FillColumn(view, stretch)  # type: ignore[attr-defined]
    else:
        header.setStretchLastSection(True)


class FillColumn(QObject):
    """One column takes the room the others leave, but never less than its own width: unlike
    QHeaderView's Stretch mode, which squeezes it to nothing when the table is narrow."""

    def __init__(self, view: QTableView, column: int) -> None:
        super().__init__(view)
        self.view, self.column = view, column
        self.minimum = view.columnWidth(column)
        self._busy = False
        view.viewport().installEventFilter(self)
        view.horizontalHeader().sectionResized.connect(self._section_resized)

    def _section_resized(self, section: int, _old: int, _new: int) -> None:
        if section != self.column:
            self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            header = self.view.horizontalHeader()
            others = sum(header.sectionSize(i) for i in range(header.count())
                         if i != self.column and not header.isSectionHidden(i))
            room = self.view.viewport().width() - others
            header.resizeSection(self.column, max(self.minimum, room))
        finally:
            self._busy = False
