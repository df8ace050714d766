"""打印中心: every document of the document engine (presidium_app.printing.registry), grouped by
what it is printed for; for the chosen one its year and object (activity, training session,
opinion, suggestion, deputy), a preview made in the background, printing and saving as PDF.

Nothing is rendered until asked (预览 / F5, 打印…, 另存为PDF…): rendering a document that holds
personal data is written to the audit log, so merely browsing the list must not do it. The last
rendered document is kept, so printing or saving what is previewed does not render it again.

Other pages open a document here with `open_document(key, year, object_id)`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from presidium_app.printing import registry
from presidium_app.printing.documents import binder as binder_doc
from presidium_app.printing.registry import PrintRequest
from presidium_app.services.progress import Cancelled, Progress
from presidium_app.ui import messages, printing_actions
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.wall_rules_dialog import WallRulesDialog
from presidium_app.ui.operations import error_text, run_operation
from presidium_app.ui.widgets.actions import action_button, make_action
from presidium_app.ui.widgets.pdf_preview import PdfPreview, zoom_key

# The groups of the document list, by what a document needs, in this order.
GROUPS = (
    ("year", "年度文档"),
    ("month", "月度文档"),
    ("activity", "活动"),
    ("training-session", "学习培训"),
    ("opinion", "社情民意"),
    ("suggestion", "代表建议"),
    ("deputy", "代表"),
    ("none", "通用文档"),
)
OBJECT_CAPTIONS = {
    "month": "月份",
    "activity": "活动",
    "training-session": "培训场次",
    "opinion": "社情民意",
    "suggestion": "代表建议",
    "deputy": "代表",
}
NO_YEAR = {"none"}
KEY_ROLE = Qt.ItemDataRole.UserRole
PERSONAL_NOTE = "含个人信息，打印将记入操作日志"
FIRST_YEAR, LAST_YEAR = 2000, 2100

Params = tuple[str, int | None, int | None]  # (document key, year, object id)


class PrintingPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rendered: Any = None                # the last RenderedDocument
        self.rules_dialog: WallRulesDialog | None = None
        self.rendered_for: Params | None = None  # what it was rendered for
        self.rendering: Params | None = None     # a render under way
        self.last_saved: Path | None = None
        self._then: str = ""                     # 'print' or 'save' once the render is done
        self._loading = False
        self._build()
        self.reload()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.preview_action = make_action(self, "预览", self.preview, "F5",
                                          "生成所选文档并在右侧显示打印效果（F5 重新生成）")
        self.print_action = make_action(self, "打印…", self.print_current, "Ctrl+P",
                                        "选择打印机和纸张，打印所选文档")
        self.save_action = make_action(self, "另存为PDF…", self.save_current, "Ctrl+S",
                                       "把所选文档保存为PDF文件")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        top = QHBoxLayout()
        title = QLabel("打印中心")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(16)
        intro = QLabel("由已登记的数据直接生成规范的文书、台账和上墙材料：先预览，再打印或保存为PDF。")
        intro.setObjectName("hint")
        top.addWidget(intro, 1)
        layout.addLayout(top)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self._build_side())
        self.preview_pane = PdfPreview()
        self.preview_pane.setMinimumWidth(420)
        self.splitter.addWidget(self.preview_pane)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([330, 860])
        layout.addWidget(self.splitter, 1)

    def _build_side(self) -> QWidget:
        side = QWidget()
        side.setMinimumWidth(290)
        side.setMaximumWidth(420)
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("查找文档")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        column.addWidget(self.filter)

        self.tree = QTreeWidget()
        self.tree.setObjectName("documentList")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setIndentation(14)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeWidget { background: #ffffff; border: 1px solid #d0d7e2;"
                                " border-radius: 4px; }"
                                " QTreeWidget::item { padding: 4px 2px; }"
                                " QTreeWidget::item:selected { background: #d6e6fa; color: #111827; }")
        self.tree.currentItemChanged.connect(lambda *_: self._document_chosen())
        self.tree.itemActivated.connect(lambda *_: self.preview())
        column.addWidget(self.tree, 1)

        card = QFrame()
        card.setObjectName("statCard")
        form = QGridLayout(card)
        form.setContentsMargins(14, 12, 14, 12)
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(8)
        self.doc_title = QLabel()
        self.doc_title.setObjectName("sectionTitle")
        self.doc_title.setWordWrap(True)
        form.addWidget(self.doc_title, 0, 0, 1, 2)

        self.year_caption = QLabel("年度")
        self.year_caption.setObjectName("filterCaption")
        self.year = QSpinBox()
        self.year.setRange(FIRST_YEAR, LAST_YEAR)
        self.year.setValue(dt.date.today().year)
        self.year.setSuffix(" 年")
        self.year.setGroupSeparatorShown(False)
        self.year.setToolTip("文档所属的年度")
        self.year_caption.setBuddy(self.year)
        self.year.valueChanged.connect(self._year_changed)
        form.addWidget(self.year_caption, 1, 0)
        form.addWidget(self.year, 1, 1)

        self.object_caption = QLabel("活动")
        self.object_caption.setObjectName("filterCaption")
        self.object = QComboBox()
        self.object.setEditable(True)
        self.object.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.object.setMinimumContentsLength(12)
        self.object.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.object.setMaxVisibleItems(16)
        line = self.object.lineEdit()
        assert line is not None  # an editable combo has one
        line.setPlaceholderText("输入文字查找")
        line.setClearButtonEnabled(True)
        completer = QCompleter(self.object.model(), self.object)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(16)
        self.object.setCompleter(completer)
        self.object.currentIndexChanged.connect(self._object_chosen)
        self.object.editTextChanged.connect(lambda _t: self._params_changed())
        self.object_caption.setBuddy(self.object)
        form.addWidget(self.object_caption, 2, 0)
        form.addWidget(self.object, 2, 1)
        form.setColumnStretch(1, 1)

        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        form.addWidget(self.hint, 3, 0, 1, 2)
        self.personal_note = QLabel(PERSONAL_NOTE)
        self.personal_note.setObjectName("personalNote")
        self.personal_note.setWordWrap(True)
        self.personal_note.setStyleSheet("QLabel#personalNote { color: #b54708; background: #fff4e5;"
                                         " border-radius: 4px; padding: 4px 8px; }")
        form.addWidget(self.personal_note, 4, 0, 1, 2)
        self.rules_button = QPushButton("编辑制度文本…")
        self.rules_button.setToolTip("修改上墙制度的名称和内容；未修改的使用软件提供的默认文本")
        self.rules_button.clicked.connect(self.edit_wall_rules)
        self.rules_button.hide()
        form.addWidget(self.rules_button, 4, 0, 1, 2)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.preview_button = action_button(self.preview_action, primary=True)
        self.print_button = action_button(self.print_action)
        self.save_button = action_button(self.save_action)
        for button in (self.preview_button, self.print_button, self.save_button):
            buttons.addWidget(button)
        form.addLayout(buttons, 5, 0, 1, 2)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.hide()
        form.addWidget(self.busy, 6, 0, 1, 2)
        self.status = QLabel()
        self.status.setObjectName("savedHint")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        form.addWidget(self.status, 7, 0, 1, 2)
        column.addWidget(card)
        return side

    # -- the list ---------------------------------------------------------------------------
    def documents(self) -> dict[str, Any]:
        return dict(registry.DOCUMENTS)

    def reload(self) -> None:
        """Fill the document list from the registry, keeping the chosen document."""
        keep = self.current_key()
        docs = self.documents()
        self._loading = True
        try:
            self.tree.clear()
            bold = QFont(self.tree.font())
            bold.setBold(True)
            known = {needs for needs, _ in GROUPS}
            groups = [*GROUPS, *((n, "其他文档") for n in dict.fromkeys(
                spec.needs for spec in docs.values()) if n not in known)]
            for needs, caption in groups:
                members = [spec for spec in docs.values() if spec.needs == needs]
                if not members:
                    continue
                group = QTreeWidgetItem([caption])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group.setFont(0, bold)
                group.setForeground(0, Qt.GlobalColor.darkGray)
                self.tree.addTopLevelItem(group)
                for spec in members:
                    item = QTreeWidgetItem([spec.title])
                    item.setData(0, KEY_ROLE, spec.key)
                    item.setToolTip(0, f"{spec.title}" + (f"（{PERSONAL_NOTE}）" if spec.personal else ""))
                    group.addChild(item)
            self.tree.expandAll()
        finally:
            self._loading = False
        chosen = self._item(keep) if keep else None
        if chosen is None:
            chosen = next(iter(self._document_items()), None)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self._document_chosen()

    def _groups(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    def _document_items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        for group in self._groups():
            children = (group.child(c) for c in range(group.childCount()))
            items.extend(child for child in children if child is not None)
        return items

    def _item(self, key: str) -> QTreeWidgetItem | None:
        return next((i for i in self._document_items() if i.data(0, KEY_ROLE) == key), None)

    def document_titles(self) -> list[str]:
        """The titles listed, in order (for tests)."""
        return [item.text(0) for item in self._document_items()]

    def group_titles(self) -> list[str]:
        return [group.text(0) for group in self._groups()]

    def _apply_filter(self, text: str) -> None:
        text = text.strip().lower()
        for group in self._groups():
            shown = 0
            for c in range(group.childCount()):
                child = group.child(c)
                if child is None:
                    continue
                hide = bool(text) and text not in child.text(0).lower() and text not in str(
                    child.data(0, KEY_ROLE)).lower()
                child.setHidden(hide)
                shown += not hide
            group.setHidden(shown == 0)

    def current_key(self) -> str:
        item = self.tree.currentItem()
        key = item.data(0, KEY_ROLE) if item is not None else None
        return str(key) if key else ""

    def current_spec(self) -> Any:
        return self.documents().get(self.current_key())

    def select_document(self, key: str) -> bool:
        item = self._item(key)
        if item is None:
            return False
        if item.isHidden():
            self.filter.clear()
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)
        return True

    # -- parameters -------------------------------------------------------------------------
    def _document_chosen(self) -> None:
        if self._loading:
            return
        spec = self.current_spec()
        self.doc_title.setText(spec.title if spec is not None else "请在上面的列表中选择文档")
        needs = spec.needs if spec is not None else "none"
        self.year_caption.setVisible(spec is not None and needs not in NO_YEAR)
        self.year.setVisible(spec is not None and needs not in NO_YEAR)
        has_object = needs in OBJECT_CAPTIONS
        self.object_caption.setText(OBJECT_CAPTIONS.get(needs, ""))
        self.object_caption.setVisible(has_object)
        self.object.setVisible(has_object)
        self.personal_note.setVisible(bool(spec is not None and spec.personal))
        self.rules_button.setVisible(spec is not None and spec.key.startswith("wall-rules"))
        self.fill_choices()

    def _year_changed(self, _year: int) -> None:
        if not self._loading:
            self.fill_choices()

    def fill_choices(self, select: int | None = None) -> None:
        """Fill the object picker from registry.choices for the document and year, keeping the
        chosen object where it is still offered."""
        spec = self.current_spec()
        keep = select if select is not None else self.current_object_id()
        self._loading = True
        try:
            self.object.clear()
            self._set_hint("")
            if spec is not None and spec.needs in OBJECT_CAPTIONS:
                try:
                    options = registry.choices(self.ctx.db, spec.key, self.year.value())
                except Exception as exc:  # shown, never fatal for the page
                    options = []
                    self._set_hint(error_text(exc))
                for object_id, label in options:
                    self.object.addItem(label, object_id)
                index = self.object.findData(keep) if keep is not None else -1
                self.object.setCurrentIndex(index if index >= 0 else (0 if options else -1))
                if not options and not self.hint.text():
                    self._set_hint(f"{self.year.value()}年还没有可打印的"
                                      f"{OBJECT_CAPTIONS[spec.needs]}。可以换一个年度。")
        finally:
            self._loading = False
        self._params_changed()

    def _object_chosen(self, _index: int) -> None:
        # Long labels (date, type, topic): show their start, and all of it in the tooltip.
        line = self.object.lineEdit()
        if line is not None:
            line.setCursorPosition(0)
        self.object.setToolTip(self.object.currentText())
        self._params_changed()

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def current_object_id(self) -> int | None:
        """The object chosen in the picker; None while its text names none of the choices."""
        if not self.object.count():
            return None
        index = self.object.findText(self.object.currentText(), Qt.MatchFlag.MatchExactly)
        if index < 0:
            return None
        data = self.object.itemData(index)
        return int(data) if data is not None else None

    def current_params(self) -> Params | None:
        """(key, year, object id) when everything the document needs is chosen, else None."""
        spec = self.current_spec()
        if spec is None:
            return None
        year = None if spec.needs in NO_YEAR else self.year.value()
        object_id = None
        if spec.needs in OBJECT_CAPTIONS:
            object_id = self.current_object_id()
            if object_id is None:
                return None
        return spec.key, year, object_id

    def _params_changed(self) -> None:
        if self._loading:
            return
        params = self.current_params()
        spec = self.current_spec()
        busy = self.rendering is not None
        for action in (self.preview_action, self.print_action, self.save_action):
            action.setEnabled(params is not None and not busy)
        if spec is not None and spec.needs in OBJECT_CAPTIONS and self.object.count() and params is None:
            self._set_hint(f"请从列表中选择{OBJECT_CAPTIONS[spec.needs]}（可输入文字查找）。")
        elif self.hint.text().startswith("请从列表中选择"):
            self._set_hint("")
        if busy:
            return
        if params is not None and params == self.rendered_for and self.rendered is not None:
            if not self.preview_pane.has_document():
                self._show_rendered()
        elif spec is not None:
            self.preview_pane.clear(f"点“预览”（F5）查看《{spec.title}》的打印效果。")

    # -- rendering --------------------------------------------------------------------------
    def request(self, params: Params) -> Any:
        _key, year, object_id = params
        return PrintRequest(year=year, object_id=object_id)

    def preview(self) -> bool:
        """Render the chosen document in the background and show it (F5 renders it again)."""
        return self._render("")

    def _render(self, then: str) -> bool:
        params = self.current_params()
        spec = self.current_spec()
        if params is None or spec is None or self.rendering is not None:
            return False
        request = self.request(params)
        db, actor, key = self.ctx.db, self.ctx.actor, params[0]
        self.rendering = params
        self._then = then
        self._set_status("")
        self.preview_pane.set_busy(f"正在生成《{spec.title}》…")
        self.busy.show()
        self._params_changed()

        def work(progress: Progress) -> Any:
            if key == binder_doc.BINDER_KEY:  # hundreds of pages: progress per section, and 取消
                return binder_doc.print_binder(db, actor, request.year, progress).rendered
            document = registry.render(db, key, request, actor)
            progress.report(1, 1)  # raises Cancelled if 取消 was pressed meanwhile
            return document

        run_operation(self, f"正在生成《{spec.title}》…", work, self._rendered, self._render_failed)
        return True

    def _finish_render(self) -> tuple[Params | None, str]:
        params, then = self.rendering, self._then
        self.rendering, self._then = None, ""
        self.busy.hide()
        return params, then

    def _rendered(self, document: Any) -> None:
        params, then = self._finish_render()
        self.rendered, self.rendered_for = document, params
        if params == self.current_params():
            self._show_rendered()
        self._params_changed()
        if then == "print":
            self._print_rendered()
        elif then == "save":
            self._save_rendered()

    def _show_rendered(self) -> None:
        document = self.rendered
        try:
            self.preview_pane.set_pdf(document.pdf, f"{document.title}　共 {document.pages} 页")
        except Exception as exc:
            self.preview_pane.show_message(f"无法显示《{document.title}》：{error_text(exc)}")

    def _render_failed(self, error: BaseException) -> None:
        _params, then = self._finish_render()
        if isinstance(error, Cancelled):
            self.preview_pane.clear("已取消生成。点“预览”（F5）重新生成。")
        else:
            text = error_text(error)
            self.preview_pane.show_message(f"未能生成文档：\n{text}")
            if then:
                messages.warn(self, "未能生成文档", text)
        self._params_changed()

    def _current_rendered(self) -> bool:
        params = self.current_params()
        return params is not None and params == self.rendered_for and self.rendered is not None

    # -- printing and saving ------------------------------------------------------------------
    def print_current(self) -> bool:
        """Ctrl+P: print the chosen document (rendered first when it is not the one previewed)."""
        if self._current_rendered():
            return self._print_rendered()
        return self._render("print")

    def save_current(self) -> bool:
        """Ctrl+S: save the chosen document as PDF (rendered first when needed)."""
        if self._current_rendered():
            return self._save_rendered()
        return self._render("save")

    def _print_rendered(self) -> bool:
        document = self.rendered
        return printing_actions.print_document(
            self, document.pdf, document.title,
            lambda sheets: self._set_status(f"《{document.title}》已送到打印机，共 {sheets} 页。"))

    def _save_rendered(self) -> bool:
        document = self.rendered

        def saved(path: Path) -> None:
            self.last_saved = path
            self._set_status(f"已保存：{path}")

        return printing_actions.save_pdf(self, self.ctx, document.pdf, document.title, saved)

    # -- other pages ---------------------------------------------------------------------------
    def edit_wall_rules(self) -> WallRulesDialog:
        """The rule texts; once the dialog closes, the preview shows what was saved."""
        dialog = WallRulesDialog(self.ctx, self)
        self.rules_dialog = dialog

        def closed() -> None:
            self.rendered = None  # the texts may have changed
            self.preview()
            dialog.deleteLater()

        dialog.finished.connect(lambda _r: closed())
        dialog.open()
        return dialog

    def open_document(self, key: str, year: int | None = None, object_id: int | None = None) -> bool:
        """Select document `key` (for `year`, on object `object_id`) and preview it. Other pages
        call this from their 打印 buttons. False when the document is unknown or incomplete."""
        if not self.select_document(key):
            messages.warn(self, "没有这份文档", f"打印中心没有“{key}”这份文档。")
            return False
        if year is not None:
            self._loading = True
            self.year.setValue(year)
            self._loading = False
        self.fill_choices(select=object_id)
        if object_id is not None and self.current_object_id() != object_id:
            spec = self.current_spec()
            if spec is not None and spec.needs in OBJECT_CAPTIONS:
                # Not offered for this year (another year's record): still print exactly it.
                self._loading = True
                self.object.insertItem(0, f"{OBJECT_CAPTIONS[spec.needs]}（编号 {object_id}）", object_id)
                self.object.setCurrentIndex(0)
                self._loading = False
                self._params_changed()
        return self.preview()

    def activate(self) -> None:
        """Shown again: other pages may have added or removed records."""
        if self.rendering is None:
            self.fill_choices()

    # -- keys ---------------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        # The preview's zoom keys work wherever the focus is on this page; Ctrl+0 is also the
        # window's key for 操作日志, so the page claims it before the window's shortcut.
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and zoom_key(event) and self.preview_pane.has_document()):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.preview_pane.handle_zoom_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

