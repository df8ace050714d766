"""操作日志: who did what and when, newest first, read-only. The table is lazy (the log only grows);
selecting an entry shows its values before and after."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from presidium_app.services import audit_log
from presidium_app.services.audit_log import AuditDetail, AuditQuery
from presidium_app.services.errors import NotFound
from presidium_app.ui.context import AppContext
from presidium_app.ui.models.audit_model import AuditModel
from presidium_app.ui.widgets.table import configure_record_table

FILTER_DELAY_MS = 80


def detail_html(detail: AuditDetail) -> str:
    """The before/after table of one entry, changed values highlighted."""
    row = detail.row
    result = "成功" if row.success else "<span style='color:#b42318'>失败（未做修改）</span>"
    head = (f"<p style='margin:0 0 6px 0'><b>{escape(row.action_label)}</b>　{escape(row.summary)}</p>"
            f"<p style='margin:0 0 8px 0; color:#6b7280'>{row.at:%Y-%m-%d %H:%M:%S}　"
            f"操作人：{escape(row.user)}　对象：{escape(row.object_label)}　结果：{result}</p>")
    if not detail.fields:
        return head + "<p style='color:#6b7280'>这条记录没有修改前后的内容。</p>"
    has_before = any(f.before for f in detail.fields)
    has_after = any(f.after for f in detail.fields)
    if has_before and has_after:
        titles = ["项目", "修改前", "修改后"]
    elif has_before:
        titles = ["项目", "删除前的内容"]
    else:
        titles = ["项目", "内容"]
    cells = []
    for field in detail.fields:
        style = " style='background-color:#fff4d6'" if field.changed else ""
        values = [field.before] if has_before else []
        values += [field.after] if has_after else []
        cells.append(f"<tr{style}><td width='22%' style='color:#4b5563'>{escape(field.label)}</td>"
                     + "".join(f"<td>{escape(v)}</td>" for v in values) + "</tr>")
    header = "".join(f"<th align='left'>{t}</th>" for t in titles)
    note = ("<p style='color:#6b7280'>底色标出的是修改过的项目。</p>"
            if has_before and has_after else "")
    return (head + "<table width='100%' cellspacing='0' cellpadding='5' border='1' "
            "style='border-collapse:collapse; border-color:#dde3ea'>"
            f"<tr style='background-color:#eef2f7'>{header}</tr>" + "".join(cells)
            + "</table>" + note)


class AuditLogPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = AuditModel(ctx.db, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        top = QHBoxLayout()
        title = QLabel("操作日志")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        explain = QLabel("每一次保存、导入、删除都记在这里，只能查看，不能修改。")
        explain.setObjectName("hint")
        top.addSpacing(12)
        top.addWidget(explain)
        top.addStretch(1)
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("按操作人、操作或摘要查找，如：张三丰、删除、导入")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(340)
        self.failures_only = QCheckBox("只看失败")
        self.failures_only.setToolTip("只显示被拒绝、没有保存成功的操作")
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        filters.addWidget(self.filter, 2)
        filters.addSpacing(10)
        filters.addWidget(self.failures_only)
        filters.addSpacing(10)
        filters.addWidget(refresh)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        layout.addLayout(filters)

        self.table = QTableView()
        configure_record_table(self.table, self.model, stretch=4)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_selected())
        self.details = QTextBrowser()
        self.details.setObjectName("auditDetail")
        self.details.setOpenLinks(False)
        self.details.document().setDocumentMargin(12)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.filter.textChanged.connect(lambda _t: self._timer.start())
        self.failures_only.toggled.connect(lambda _c: self.refresh())
        self.refresh()

    def query(self) -> AuditQuery:
        return AuditQuery(self.filter.text(), self.failures_only.isChecked())

    def refresh(self) -> None:
        self._timer.stop()
        ids = audit_log.search_ids(self.ctx.db, self.query())
        self.model.set_ids(ids)
        self.count_label.setText(f"共 {len(ids)} 条")
        self.show_selected()

    def activate(self) -> None:
        self.refresh()

    def show_selected(self) -> None:
        index = self.table.currentIndex()
        entry_id = self.model.id_at(index.row()) if index.isValid() else None
        if entry_id is None:
            self.details.setHtml("<p style='color:#6b7280'>选择一条日志，这里显示修改前后的内容。</p>")
            return
        try:
            detail = audit_log.get_detail(self.ctx.db, entry_id)
        except NotFound:
            self.details.clear()
            return
        self.details.setHtml(detail_html(detail))
