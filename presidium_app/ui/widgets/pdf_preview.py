"""A PDF viewer without QtPdf (PySide6-Essentials has none): pages rendered by PDFium through
pypdfium2 into QImages, stacked vertically in a scroll area, each on a white sheet with a shadow.

Only the pages near the viewport are rendered, a few at a time, and kept in a small cache, so a
binder of hundreds of pages opens at once and scrolls smoothly. Zoom: Ctrl++ / Ctrl+- / Ctrl+0
(fit width), or Ctrl + mouse wheel.

PDFium is not thread-safe: every call into it, from any thread, goes through `PDFIUM_LOCK`
(`PdfPages` does that), so the preview on the UI thread and a print job on the worker thread can
use it at the same time.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from typing import Any

import pypdfium2 as pdfium
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services.errors import ServiceError

PDFIUM_LOCK = threading.RLock()

PX_PER_PT = 96 / 72          # screen pixels per PDF point at 100 %
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.85, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
MIN_ZOOM, MAX_ZOOM = ZOOM_STEPS[0], ZOOM_STEPS[-1]
SHADOW = 6                   # room around each sheet for its shadow
PAGE_SPACING = 10
SIDE_MARGIN = 18
CACHE_PAGES = 16             # rendered pages kept (at ~1000 px wide, about 5 MB each)
NEARBY = 1                   # pages rendered beyond those visible, above and below
BACKGROUND = "#e6e9ee"


class PdfPages:
    """A PDF opened from bytes, safe to use from any one thread at a time per call."""

    def __init__(self, data: bytes) -> None:
        try:
            with PDFIUM_LOCK:
                self._doc = pdfium.PdfDocument(data)
                self.sizes: list[tuple[float, float]] = []
                for i in range(len(self._doc)):
                    width, height = self._doc.get_page_size(i)
                    self.sizes.append((float(width), float(height)))
        except pdfium.PdfiumError as exc:
            raise ServiceError(f"无法读取这份PDF文件：{exc}") from exc

    def __len__(self) -> int:
        return len(self.sizes)

    def render(self, index: int, scale: float, rotation: int = 0,
               rows: tuple[int, int] | None = None) -> QImage:
        """Page `index` at `scale` pixels per point, turned by `rotation` degrees (clockwise).
        `rows` = (first, end) renders only that band of pixel rows of the full image, so a page
        at printer resolution never needs one huge bitmap."""
        with PDFIUM_LOCK:
            page = self._doc[index]
            try:
                crop = (0.0, 0.0, 0.0, 0.0)
                if rows is not None:
                    width, height = page.get_size()
                    full = math.ceil((width if rotation in (90, 270) else height) * scale)
                    top, bottom = rows[0], full - rows[1]
                    # pypdfium2 crops ceil(points * scale) pixels: aim half a pixel low so the
                    # bands meet exactly, without a gap or an overlap.
                    crop = (0.0, max(bottom - 0.5, 0) / scale, 0.0, max(top - 0.5, 0) / scale)
                bitmap = page.render(scale=scale, rotation=rotation, crop=crop,
                                     rev_byteorder=True, prefer_bgrx=True)
                try:
                    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                                   QImage.Format.Format_RGBX8888).copy()
                finally:
                    bitmap.close()
            finally:
                page.close()
        return image

    def full_height(self, index: int, scale: float, rotation: int = 0) -> int:
        """Rows of the full image `render` would make (bands are cut from these)."""
        width, height = self.sizes[index]
        return math.ceil((width if rotation in (90, 270) else height) * scale)

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._doc.close()


def zoom_key(event: QKeyEvent) -> str:
    """'in', 'out', 'fit' for Ctrl++ (or Ctrl+=), Ctrl+- and Ctrl+0; '' for any other key."""
    mods = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier
                                 | Qt.KeyboardModifier.KeypadModifier)
    if mods != Qt.KeyboardModifier.ControlModifier:
        return ""
    key = event.key()
    if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
        return "in"
    if key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
        return "out"
    if key == Qt.Key.Key_0:
        return "fit"
    return ""


class PageSheet(QWidget):
    """One page: a white sheet with a shadow, showing its rendered image (or, until it comes, a
    blank sheet with the page number)."""

    def __init__(self, preview: PdfPreview, index: int, size_pt: tuple[float, float]) -> None:
        super().__init__()
        self.preview = preview
        self.index = index
        self.size_pt = size_pt
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        self.set_zoom(1.0)

    def sheet_size(self, zoom: float) -> QSize:
        width, height = self.size_pt
        return QSize(max(1, round(width * PX_PER_PT * zoom)), max(1, round(height * PX_PER_PT * zoom)))

    def set_zoom(self, zoom: float) -> None:
        sheet = self.sheet_size(zoom)
        self.setFixedSize(sheet.width() + 2 * SHADOW, sheet.height() + 2 * SHADOW)

    def sheet_rect(self) -> QRect:
        return self.rect().adjusted(SHADOW, SHADOW - 2, -SHADOW, -SHADOW - 2)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        sheet = self.sheet_rect()
        painter.setPen(Qt.PenStyle.NoPen)
        for step, alpha in ((5, 10), (4, 14), (3, 18), (2, 24), (1, 34)):  # a soft shadow
            painter.setBrush(QColor(15, 30, 50, alpha))
            painter.drawRoundedRect(QRectF(sheet.adjusted(-step, -step + 2, step, step + 2)), step, step)
        painter.fillRect(sheet, QColor("#ffffff"))
        image = self.preview.cached_image(self.index)
        if image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(sheet), image)
        else:
            painter.setPen(QColor("#b4bcc8"))
            painter.drawText(sheet, Qt.AlignmentFlag.AlignCenter, f"第 {self.index + 1} 页")
        painter.end()


class PdfPreview(QWidget):
    """Shows a PDF given as bytes. `set_pdf(data)`, `clear(text)`, `set_busy(text)`."""

    page_changed = Signal(int)  # the current page (1-based) changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.pages: PdfPages | None = None
        self.sheets: list[PageSheet] = []
        self.zoom = 1.0
        self.fit_width = True
        self.render_count = 0                    # pages rendered so far (for tests and tuning)
        self._cache: OrderedDict[int, tuple[int, QImage]] = OrderedDict()
        self._current = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.render_visible)
        self._build()
        self.clear()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        bar = QFrame()
        bar.setObjectName("previewBar")
        bar.setStyleSheet("#previewBar { background: #ffffff; border: 1px solid #dde3ea;"
                          " border-bottom: none; }")
        row = QHBoxLayout(bar)
        row.setContentsMargins(10, 5, 10, 5)
        row.setSpacing(6)
        self.title_label = QLabel()
        self.title_label.setObjectName("sectionTitle")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.title_label, 1)
        self.out_button = self._tool_button("−", "缩小（Ctrl+-）", self.zoom_out)
        self.zoom_label = QLabel("100%")
        self.zoom_label.setMinimumWidth(48)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.in_button = self._tool_button("+", "放大（Ctrl++）", self.zoom_in)
        self.fit_button = self._tool_button("适合宽度", "页面宽度适合窗口（Ctrl+0）", self.fit)
        self.fit_button.setCheckable(True)
        self.page_label = QLabel()
        self.page_label.setObjectName("count")
        self.page_label.setMinimumWidth(110)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for widget in (self.out_button, self.zoom_label, self.in_button, self.fit_button,
                       self.page_label):
            row.addWidget(widget)
        layout.addWidget(bar)

        self.container = QWidget()
        self.container.setObjectName("previewPages")
        self.container.setStyleSheet(f"#previewPages {{ background: {BACKGROUND}; }}")
        self.column = QVBoxLayout(self.container)
        self.column.setContentsMargins(SIDE_MARGIN, 14, SIDE_MARGIN, 18)
        self.column.setSpacing(PAGE_SPACING)
        self.column.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("previewScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setStyleSheet(f"#previewScroll {{ background: {BACKGROUND};"
                                  " border: 1px solid #dde3ea; }")
        self.scroll_area.setWidget(self.container)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.scroll_area.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.scroll_area.horizontalScrollBar().valueChanged.connect(lambda _v: self.schedule_render())
        self.scroll_area.viewport().installEventFilter(self)

        self.message = QLabel()
        self.message.setObjectName("emptyHint")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(24)
        self.message.setStyleSheet("QLabel#emptyHint { border: 1px solid #dde3ea; }")
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.scroll_area)
        self.stack.addWidget(self.message)
        layout.addWidget(self.stack, 1)

    @staticmethod
    def _tool_button(text: str, tip: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    # -- content ----------------------------------------------------------------------------
    def set_pdf(self, data: bytes, title: str = "") -> None:
        """Show the document (raises ServiceError when the bytes are not a readable PDF)."""
        pages = PdfPages(data)
        self._drop_pages()
        self.pages = pages
        self.title_label.setText(title)
        self.sheets = [PageSheet(self, i, size) for i, size in enumerate(pages.sizes)]
        for sheet in self.sheets:
            self.column.addWidget(sheet, 0, Qt.AlignmentFlag.AlignHCenter)
        self._current = 0
        self.stack.setCurrentWidget(self.scroll_area)
        self.scroll_area.verticalScrollBar().setValue(0)
        self._apply_zoom(self.zoom)
        if self.fit_width:
            self._fit_now()
        self._update_labels()
        self.schedule_render()

    def clear(self, text: str = "") -> None:
        """No document: a hint in its place."""
        self._drop_pages()
        self.title_label.setText("")
        self.show_message(text or "还没有预览的文档。")

    def set_busy(self, text: str) -> None:
        """While a document is being made: the old pages go, the text says what is happening."""
        self.clear(text)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self._update_labels()

    def _drop_pages(self) -> None:
        self._timer.stop()
        self._cache.clear()
        for sheet in self.sheets:
            self.column.removeWidget(sheet)
            sheet.hide()
            sheet.deleteLater()
        self.sheets = []
        if self.pages is not None:
            self.pages.close()
            self.pages = None
        self._current = 0

    def page_count(self) -> int:
        return len(self.sheets)

    def current_page(self) -> int:
        """1-based; 0 when nothing is shown."""
        return self._current + 1 if self.sheets else 0

    def has_document(self) -> bool:
        return bool(self.sheets)

    # -- zoom -------------------------------------------------------------------------------
    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self.zoom + 0.005), MAX_ZOOM))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self.zoom - 0.005), MIN_ZOOM))

    def fit(self) -> None:
        self.fit_width = True
        self._fit_now()
        self._update_labels()

    def set_zoom(self, zoom: float) -> None:
        self.fit_width = False
        self._apply_zoom(zoom)
        self._update_labels()

    def _fit_now(self) -> None:
        if not self.sheets:
            return
        widest = max(sheet.size_pt[0] for sheet in self.sheets)
        bar = self.scroll_area.verticalScrollBar()
        available = self.scroll_area.viewport().width() - 2 * SIDE_MARGIN - 2 * SHADOW
        if not bar.isVisible():  # it will show once the pages are laid out
            available -= bar.sizeHint().width()
        self._apply_zoom(available / (widest * PX_PER_PT))

    def _apply_zoom(self, zoom: float) -> None:
        zoom = min(max(zoom, MIN_ZOOM), MAX_ZOOM)
        if not self.sheets:
            self.zoom = zoom
            return
        bar = self.scroll_area.verticalScrollBar()
        anchor = bar.value() / max(1, bar.maximum()) if bar.maximum() else 0.0
        self.zoom = zoom
        for sheet in self.sheets:
            sheet.set_zoom(zoom)
        self.container.adjustSize()
        self.column.activate()
        if bar.maximum():
            bar.setValue(round(anchor * bar.maximum()))
        self.schedule_render()

    def _update_labels(self) -> None:
        has = bool(self.sheets)
        self.zoom_label.setText(f"{round(self.zoom * 100)}%" if has else "")
        self.fit_button.setChecked(self.fit_width and has)
        for button in (self.out_button, self.in_button, self.fit_button):
            button.setEnabled(has)
        self.out_button.setEnabled(has and self.zoom > MIN_ZOOM + 0.005)
        self.in_button.setEnabled(has and self.zoom < MAX_ZOOM - 0.005)
        self.page_label.setText(f"第 {self._current + 1} / {len(self.sheets)} 页" if has else "")

    def handle_zoom_key(self, event: QKeyEvent) -> bool:
        """Zoom for Ctrl++ / Ctrl+- / Ctrl+0 (True when the key was one of them). Pages holding
        the preview pass their key events here, so the keys work wherever the focus is."""
        action = zoom_key(event)
        if not action or not self.sheets:
            return False
        {"in": self.zoom_in, "out": self.zoom_out, "fit": self.fit}[action]()
        return True

    def event(self, event: QEvent) -> bool:
        # Claim the zoom keys before window shortcuts see them (Ctrl+0 also opens 操作日志).
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and zoom_key(event) and self.sheets):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.handle_zoom_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    # -- lazy rendering -----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll_area.viewport():
            if event.type() == QEvent.Type.Resize:
                if self.fit_width:
                    self._fit_now()
                    self._update_labels()
                self.schedule_render()
            elif (event.type() == QEvent.Type.Wheel and isinstance(event, QWheelEvent)
                  and event.modifiers() & Qt.KeyboardModifier.ControlModifier and self.sheets):
                if event.angleDelta().y() > 0:
                    self.zoom_in()
                elif event.angleDelta().y() < 0:
                    self.zoom_out()
                return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.fit_width and self.sheets:
            self._fit_now()
            self._update_labels()
        self.schedule_render()

    def _scrolled(self, _value: int) -> None:
        self._update_current()
        self.schedule_render()

    def schedule_render(self) -> None:
        if self.sheets:
            self._timer.start()

    def visible_pages(self) -> list[int]:
        """Indexes of the pages that show in the viewport now."""
        if not self.sheets or not self.isVisible():
            return []
        viewport = self.scroll_area.viewport()
        area = QRect(self.container.mapFrom(viewport, QPoint(0, 0)), viewport.size())
        return [s.index for s in self.sheets if s.geometry().intersects(area)]

    def render_visible(self) -> None:
        """Render the visible pages and their neighbours that are not cached at this zoom."""
        visible = self.visible_pages()
        if not visible or self.pages is None:
            return
        first = max(0, visible[0] - NEARBY)
        last = min(len(self.sheets) - 1, visible[-1] + NEARBY)
        ratio = self.devicePixelRatioF()
        wanted = list(visible) + [i for i in range(first, last + 1) if i not in visible]
        for index in wanted:
            sheet = self.sheets[index]
            width = round(sheet.sheet_rect().width() * ratio)
            cached = self._cache.get(index)
            if cached is not None and cached[0] == width:
                self._cache.move_to_end(index)
                continue
            scale = width / sheet.size_pt[0]
            image = self.pages.render(index, scale)
            image.setDevicePixelRatio(ratio)
            self.render_count += 1
            self._cache[index] = (width, image)
            self._cache.move_to_end(index)
            while len(self._cache) > CACHE_PAGES:
                self._cache.popitem(last=False)
            sheet.update()

    def cached_image(self, index: int) -> QImage | None:
        """The page's image if rendered (perhaps at another zoom: it is scaled until redone)."""
        cached = self._cache.get(index)
        return cached[1] if cached is not None else None

    def rendered_pages(self) -> set[int]:
        return set(self._cache)

    def _update_current(self) -> None:
        if not self.sheets:
            return
        viewport = self.scroll_area.viewport()
        top = self.container.mapFrom(viewport, QPoint(0, 0)).y()
        middle = top + viewport.height() // 3
        current = self._current
        for sheet in self.sheets:
            geometry = sheet.geometry()
            if geometry.bottom() >= middle:
                current = sheet.index
                break
        else:
            current = len(self.sheets) - 1
        if current != self._current:
            self._current = current
            self._update_labels()
            self.page_changed.emit(current + 1)

    def show_page(self, number: int) -> None:
        """Scroll to page `number` (1-based)."""
        if 1 <= number <= len(self.sheets):
            self.scroll_area.verticalScrollBar().setValue(self.sheets[number - 1].geometry().top() - 8)
