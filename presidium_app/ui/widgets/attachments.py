"""照片与文件 of an activity: a strip of thumbnails (photos) and labelled icons (documents), with
添加 / 打开 / 删除. Copying files runs in the background (`run_operation`); the service decides
what may be attached and makes the thumbnails.

The same widget, read-only, shows the thumbnails in the activities page's detail pane.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QIcon,
    QPainter,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from presidium_app.domain.enums import AttachmentKind
from presidium_app.services import attachments
from presidium_app.services.attachments import AttachmentInfo
from presidium_app.services.errors import ServiceError, ValidationFailed
from presidium_app.services.progress import Progress
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.operations import error_text, run_operation
from presidium_app.ui.widgets.shortcuts import widget_shortcut

Index = QModelIndex | QPersistentModelIndex
ICON_SIZE = QSize(112, 84)
FILE_FILTER = ("照片和文件 (*.jpg *.jpeg *.png *.pdf *.doc *.docx *.xls *.xlsx *.wps *.txt);;"
               "照片 (*.jpg *.jpeg *.png);;文件 (*.pdf *.doc *.docx *.xls *.xlsx *.wps *.txt);;"
               "所有文件 (*)")
ADD_TIP = "选择一张或多张照片（JPG、PNG），或PDF、Word、Excel文件；可按住Ctrl多选"
# The colour of a document's label by what kind of file it is (Word blue, Excel green, PDF red).
DOCUMENT_COLOURS = {".pdf": "#c0392b", ".doc": "#2b5797", ".docx": "#2b5797", ".wps": "#2b5797",
                    ".xls": "#1e7b34", ".xlsx": "#1e7b34", ".txt": "#6b7280"}



def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}MB"
    return f"{max(1, round(size / 1024))}KB"


def _document_icon(suffix: str, missing: bool = False) -> QIcon:
    """A page with its file type written large: documents have no picture of their own."""
    pixmap = QPixmap(ICON_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    page = QRect(ICON_SIZE.width() // 2 - 28, 6, 56, ICON_SIZE.height() - 12)
    painter.setPen(QPen(QColor("#c5cdd8"), 1))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRoundedRect(page, 3, 3)
    colour = QColor("#9aa3af") if missing else QColor(DOCUMENT_COLOURS.get(suffix, "#4b5563"))
    band = QRect(page.left() - 6, page.center().y() - 10, page.width() + 12, 20)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(band, 3, 3)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(11)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(band, Qt.AlignmentFlag.AlignCenter,
                     "已丢失" if missing else (suffix.lstrip(".").upper() or "文件"))
    painter.end()
    return QIcon(pixmap)


def _photo_icon(path: Path | None) -> QIcon:
    """The thumbnail centred on a fixed-size canvas, so the strip's items line up."""
    canvas = QPixmap(ICON_SIZE)
    canvas.fill(Qt.GlobalColor.transparent)
    picture = QPixmap(str(path)) if path is not None else QPixmap()
    painter = QPainter(canvas)
    if picture.isNull():
        painter.setPen(QColor("#9aa3af"))
        painter.drawRect(canvas.rect().adjusted(8, 4, -9, -5))
        painter.drawText(canvas.rect(), Qt.AlignmentFlag.AlignCenter, "无法显示")
    else:
        scaled = picture.scaled(ICON_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                Qt.TransformationMode.SmoothTransformation)
        painter.drawPixmap((ICON_SIZE.width() - scaled.width()) // 2,
                           (ICON_SIZE.height() - scaled.height()) // 2, scaled)
    painter.end()
    return QIcon(canvas)


@dataclass
class AttachmentItem:
    info: AttachmentInfo
    icon: QIcon = field(default_factory=QIcon)


class AttachmentsModel(QAbstractListModel):
    """An activity's attachments: caption (or file name) under a thumbnail or document icon."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[AttachmentItem] = []

    def set_items(self, items: list[AttachmentItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list[AttachmentItem]:
        return list(self._items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        info = item.info
        if role == Qt.ItemDataRole.DisplayRole:
            return info.caption or info.original_name
        if role == Qt.ItemDataRole.DecorationRole:
            return item.icon
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [info.original_name]
            if info.caption:
                lines.append(info.caption)
            lines.append(f"{info.kind.label}，{size_text(info.size)}，"
                         f"{info.added_by} {info.added_at:%Y-%m-%d} 添加")
            lines.append("双击打开" if info.exists else "文件已不在附件文件夹中，请从备份恢复")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.UserRole:
            return info.id
        return None


class AttachmentsStrip(QWidget):
    """Thumbnails of one activity. `editable` adds the buttons; `ensure_activity` is called when
    files are added before the activity exists (the form saves it first and returns its id)."""

    changed = Signal()  # attachments were added or removed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 editable: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editable = editable
        self.activity_id: int | None = None
        self.ensure_activity: Callable[[], int | None] | None = None
        self.last_errors: list[str] = []
        self.busy = False  # files are being copied in the background
        self.model = AttachmentsModel(self)
        self._build()
        self.set_activity(None)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.add_button = QPushButton("添加照片或文件…")
        self.add_button.setToolTip(ADD_TIP)
        self.add_button.clicked.connect(self.choose_files)
        self.open_button = QPushButton("打开")
        self.open_button.setToolTip("用电脑上的看图或办公软件打开所选附件（双击也可）")
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton("删除")
        self.remove_button.setToolTip("删除所选附件（Delete）")
        self.remove_button.clicked.connect(self.remove_selected)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        if self.editable:
            row = QHBoxLayout()
            row.setSpacing(6)
            row.addWidget(self.add_button)
            row.addWidget(self.open_button)
            row.addWidget(self.remove_button)
            row.addStretch(1)
            row.addWidget(self.count_label)
            layout.addLayout(row)

        self.view = QListView()
        self.view.setObjectName("attachmentStrip")
        self.view.setModel(self.model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setFlow(QListView.Flow.LeftToRight)
        self.view.setWrapping(True)
        self.view.setUniformItemSizes(True)
        self.view.setIconSize(ICON_SIZE)
        self.view.setGridSize(QSize(ICON_SIZE.width() + 16,
                                    ICON_SIZE.height() + self.fontMetrics().height() + 16))
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.setWordWrap(False)
        self.view.setSpacing(2)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.doubleClicked.connect(lambda index: self.open_attachment(index.data(
            Qt.ItemDataRole.UserRole)))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            widget_shortcut(key, self.view, self.open_selected)
        if self.editable:
            widget_shortcut(Qt.Key.Key_Delete, self.view, self.remove_selected)

        self.empty = QLabel()
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.stack.setMinimumHeight(self.view.gridSize().height() + 8)
        if not self.editable:
            # Shown inside a scrolling pane: as tall as its thumbnails, with no scroll bar of its own.
            self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.stack, 1)

    def set_ensure_activity(self, ensure: Callable[[], int | None] | None) -> None:
        """How to get an activity id when files are added before the activity exists."""
        self.ensure_activity = ensure
        self.refresh()

    # -- data ------------------------------------------------------------------------------
    def set_activity(self, activity_id: int | None) -> None:
        self.activity_id = activity_id
        self.refresh()

    def refresh(self) -> None:
        """Read the list again; thumbnails are small JPEGs the service made when the photo was
        added, so reading them here is quick."""
        items: list[AttachmentItem] = []
        if self.activity_id is not None:
            try:
                infos = attachments.list_attachments(self.ctx.db, self.activity_id)
            except ServiceError:
                infos = []
            for info in infos:
                items.append(AttachmentItem(info, self._icon(info)))
        self.model.set_items(items)
        count = len(items)
        photos = sum(1 for i in items if i.info.kind == AttachmentKind.PHOTO)
        self.count_label.setText(f"照片 {photos} 张，文件 {count - photos} 个" if count else "")
        if count:
            self.stack.setCurrentWidget(self.view)
        else:
            if self.activity_id is None and self.editable:
                self.empty.setText("新活动需先保存，才能添加照片和文件。\n"
                                   "点“保存并添加照片或文件…”会先保存本次活动，再选择文件。")
            elif self.editable:
                self.empty.setText("还没有照片或文件。点“添加照片或文件…”选择活动照片、签到表、"
                                   "会议材料等。")
            else:
                self.empty.setText("没有照片或文件")
            self.stack.setCurrentWidget(self.empty)
        self._update_buttons()
        self._fit_height()

    def _fit_height(self) -> None:
        """Read-only: tall enough for every row of thumbnails at the current width."""
        if self.editable:
            return
        grid = self.view.gridSize()
        room = max(grid.width(), self.width() - 2 * self.view.frameWidth() - 4)
        per_row = max(1, room // grid.width())
        rows = max(1, math.ceil(self.model.rowCount() / per_row))
        self.stack.setFixedHeight(rows * grid.height() + 2 * self.view.frameWidth() + 8)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _icon(self, info: AttachmentInfo) -> QIcon:
        suffix = Path(info.stored_name).suffix.lower()
        if not info.exists:
            return _document_icon(suffix, missing=True)
        if info.kind == AttachmentKind.PHOTO:
            try:
                thumb = attachments.thumbnail_file(self.ctx.db, info.id)
            except ServiceError:
                thumb = None
            return _photo_icon(thumb)
        return _document_icon(suffix)

    def count(self) -> int:
        return self.model.rowCount()

    def selected_id(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isSelected(index):
            return None
        value = index.data(Qt.ItemDataRole.UserRole)
        return int(value) if value is not None else None

    def select_row(self, row: int) -> None:
        self.view.setCurrentIndex(self.model.index(row, 0))

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        self.open_button.setEnabled(has)
        self.remove_button.setEnabled(has and self.editable)
        if self.activity_id is None and self.ensure_activity is not None:
            self.add_button.setText("保存并添加照片或文件…")
            self.add_button.setToolTip("新活动需先保存：先保存本次活动，再选择要添加的照片或文件")
        else:
            self.add_button.setText("添加照片或文件…")
            self.add_button.setToolTip(ADD_TIP)
        self.add_button.setEnabled(self.activity_id is not None or self.ensure_activity is not None)

    # -- actions ---------------------------------------------------------------------------
    def choose_files(self) -> bool:
        """Ask for files and add them; a new activity is saved first (through the form)."""
        if self.activity_id is None:
            if self.ensure_activity is None:
                return False
            activity_id = self.ensure_activity()
            if activity_id is None:
                return False  # the form could not save: its fields say why
            self.set_activity(activity_id)
        paths, _ = QFileDialog.getOpenFileNames(self, "添加活动照片或文件",
                                                self.ctx.prefs.last_folder(), FILE_FILTER)
        if not paths:
            return False
        self.ctx.prefs.remember_folder(paths[0])
        self.add_files([Path(p) for p in paths])
        return True

    def add_files(self, paths: list[Path]) -> None:
        """Copy the files into the data dir in the background, one transaction each: a file
        refused (too big, wrong type) does not stop the others, and each refusal is listed."""
        activity_id = self.activity_id
        if activity_id is None or not paths:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def work(progress: Progress) -> tuple[int, list[str], bool]:
            added, errors = 0, list[str]()
            for number, path in enumerate(paths):
                if progress.cancelled:
                    return added, errors, True
                progress.report(number, len(paths), f"正在复制 {path.name}…")
                try:
                    attachments.add_attachment(db, actor, activity_id, path)
                    added += 1
                except ValidationFailed as exc:
                    errors.append("；".join(exc.field_errors.values()))
                except ServiceError as exc:
                    errors.append(f"{path.name}：{exc.message}")
            return added, errors, False

        def done(result: tuple[int, list[str], bool]) -> None:
            if not isValid(self):
                return  # the form was closed meanwhile; the files are in, the page re-reads them
            self.busy = False
            added, errors, cancelled = result
            self.last_errors = errors
            self.refresh()
            if added:
                self.view.setCurrentIndex(self.model.index(self.model.rowCount() - 1, 0))
                self.changed.emit()
            if cancelled:
                messages.inform(self, "已取消", f"已取消，之前已添加的 {added} 个附件保留。")
            elif errors:
                messages.warn(self, "有文件未能添加",
                              f"已添加 {added} 个，{len(errors)} 个未能添加：", "\n".join(errors))

        def failed(error: BaseException) -> None:
            if not isValid(self):
                return
            self.busy = False
            self.refresh()
            messages.warn(self, "未能添加附件", error_text(error))

        self.busy = True
        run_operation(self, f"正在添加 {len(paths)} 个照片或文件…", work, done, failed)

    def remove_selected(self) -> bool:
        attachment_id = self.selected_id()
        if attachment_id is None or not self.editable:
            return False
        info = next(i.info for i in self.model.items() if i.info.id == attachment_id)
        if not messages.ask(self, "删除附件", f"确定删除附件“{info.original_name}”吗？",
                            yes="删除", no="不删除", danger=True,
                            detail="删除后无法恢复。原文件如果还在你的电脑上，不受影响。"):
            return False
        try:
            attachments.remove_attachment(self.ctx.db, self.ctx.actor, attachment_id)
        except ServiceError as exc:
            messages.warn(self, "未能删除", exc.message)
            self.refresh()
            return False
        self.refresh()
        self.changed.emit()
        return True

    def open_selected(self) -> bool:
        attachment_id = self.selected_id()
        return attachment_id is not None and self.open_attachment(attachment_id)

    def open_attachment(self, attachment_id: int | None) -> bool:
        """Open the stored file with the program the computer uses for it."""
        if attachment_id is None:
            return False
        try:
            path = attachments.attachment_file(self.ctx.db, int(attachment_id))
        except ServiceError as exc:
            messages.warn(self, "无法打开附件", exc.message)
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            messages.warn(self, "无法打开附件", "这台电脑上没有能打开该文件的程序。",
                          f"文件位置：{path}")
            return False
        return True
