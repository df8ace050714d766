"""操作日志: who did what and when, newest first, read-only. The table is lazy (the log only grows);
selecting an entry shows its values before and after. Filters: words, time, user, event type,
object, result. 导出 writes the filtered entries to Excel (administrators only, logged itself);
校验日志 verifies the hash chain in the background and says in Chinese what it found."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
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

from presidium_app.services import audit_chain, audit_log
from presidium_app.services.audit_chain import ChainReport
from presidium_app.services.audit_log import AuditDetail, AuditQuery
from presidium_app.services.errors import NotFound
from presidium_app.services.progress import Cancelled
from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.models.audit_model import AuditModel
from presidium_app.ui.operations import error_text, run_operation
from presidium_app.ui.widgets.actions import action_button, make_action
from presidium_app.ui.widgets.dates import DATE_FORMAT, from_qdate, to_qdate
from presidium_app.ui.widgets.table import configure_record_table

FILTER_DELAY_MS = 80
# The 时间 filter's presets: (label, key). Editing a date makes it 自定义.
PRESETS = (("全部", "all"), ("今天", "today"), ("最近7天", "week"), ("最近30天", "month"),
           ("本年度", "year"), ("自定义", "custom"))
RESULTS = (("全部", None), ("成功", True), ("失败", False))


def preset_dates(key: str, today: dt.date | None = None) -> tuple[dt.date, dt.date] | None:
    """The days a preset covers (both included); None for 全部 and 自定义."""
    today = today or dt.date.today()
    if key == "today":
        return today, today
    if key == "week":
        return today - dt.timedelta(days=6), today
    if key == "month":
        return today - dt.timedelta(days=29), today
    if key == "year":
        return dt.date(today.year, 1, 1), today
    return None


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 31))
    edit.setDate(to_qdate(dt.date.today()))
    return edit


def _combo(min_width: int = 90) -> QComboBox:
    combo = QComboBox()
    combo.setMinimumWidth(min_width)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def chain_html(report: ChainReport) -> str:
    """The verification's result for the page's result line."""
    if report.ok:
        return (f"<span style='color:#067647'>日志校验通过</span>：共 {report.verified} 条，"
                f"首尾相连、未被改动。末尾校验值 <code>{report.head_hash[:16]}…</code>")
    return (f"<span style='color:#b42318'>日志校验发现 {report.problem_count} 处问题</span>："
            "日志可能被改动或删除过，详见提示窗口。")


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
        self.last_report: ChainReport | None = None
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)

        self.verify_action = make_action(self, "校验日志", self.verify, "Ctrl+Shift+V",
                                         "核对每条日志的校验值，查出被改动、删除或插入的记录")
        self.export_action = make_action(self, "导出…", self.export, "Ctrl+E",
                                         "把当前筛选出的日志导出为 Excel（仅管理员）")
        self.refresh_action = make_action(self, "刷新", self.refresh, "F5", "重新读取日志")
        self.export_action.setEnabled(audit_log.can_export(ctx.actor.role))
        top = QHBoxLayout()
        title = QLabel("操作日志")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        explain = QLabel("每一次登录、保存、导入导出、打印、备份都记在这里，只能查看，不能修改。")
        explain.setObjectName("hint")
        top.addSpacing(12)
        top.addWidget(explain)
        top.addStretch(1)
        for action in (self.verify_action, self.export_action, self.refresh_action):
            top.addWidget(action_button(action))
        layout.addLayout(top)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("按操作人、操作或摘要查找，如：张三丰、删除、导入")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(300)
        self.preset = _combo(80)
        for label, key in PRESETS:
            self.preset.addItem(label, key)
        self.date_from = _date_edit()
        self.date_to = _date_edit()
        self.user_filter = _combo(90)
        self.category_filter = _combo(90)
        self.category_filter.addItem("全部", "")
        for key, (label, _prefixes) in audit_log.CATEGORIES.items():
            self.category_filter.addItem(label, key)
        self.object_filter = _combo(90)
        self.object_filter.addItem("全部", ())
        for label, codes in audit_log.object_choices():
            self.object_filter.addItem(label, codes)
        self.object_id = QLineEdit()
        self.object_id.setPlaceholderText("编号")
        self.object_id.setValidator(QIntValidator(1, 2_000_000_000, self))
        self.object_id.setFixedWidth(64)
        self.object_id.setToolTip("只看该编号的对象（如代表 12号），与“对象”一起使用")
        self.result_filter = _combo(64)
        for label, value in RESULTS:
            self.result_filter.addItem(label, value)
        self.result_filter.setToolTip("失败：被拒绝、没有保存成功的操作")
        dash = QLabel("至")
        dash.setObjectName("filterCaption")

        first = QHBoxLayout()
        first.setSpacing(6)
        first.addWidget(self.filter, 2)
        self._add_group(first, "时间", [self.preset, self.date_from, dash, self.date_to])
        first.addStretch(1)
        layout.addLayout(first)
        second = QHBoxLayout()
        second.setSpacing(6)
        self._add_group(second, "操作人", [self.user_filter], spacing=0)
        self._add_group(second, "类型", [self.category_filter])
        self._add_group(second, "对象", [self.object_filter, self.object_id])
        self._add_group(second, "结果", [self.result_filter])
        second.addSpacing(12)
        self.reset_button = QPushButton("清除条件")
        self.reset_button.setObjectName("flat")
        self.reset_button.setToolTip("清空搜索和筛选，显示全部日志")
        self.reset_button.clicked.connect(self.reset_filters)
        second.addWidget(self.reset_button)
        second.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        second.addWidget(self.count_label)
        layout.addLayout(second)

        self.chain_label = QLabel("尚未校验。点“校验日志”可查出被改动、删除或插入的日志记录。")
        self.chain_label.setObjectName("hint")
        self.chain_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.chain_label)

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
        self.object_id.textChanged.connect(lambda _t: self._timer.start())
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.date_from.dateChanged.connect(self._dates_changed)
        self.date_to.dateChanged.connect(self._dates_changed)
        for combo in (self.user_filter, self.category_filter, self.object_filter, self.result_filter):
            combo.currentIndexChanged.connect(self._filters_changed)
        self._preset_changed()
        self.reload_users()
        self.refresh()

    @staticmethod
    def _add_group(row: QHBoxLayout, caption: str, widgets: list[QWidget], spacing: int = 12) -> None:
        label = QLabel(caption)
        label.setObjectName("filterCaption")
        label.setBuddy(widgets[0])
        if spacing:
            row.addSpacing(spacing)
        row.addWidget(label)
        for widget in widgets:
            row.addWidget(widget)

    # -- filters ----------------------------------------------------------------------------
    def reload_users(self) -> None:
        """Everyone named in the log, keeping the one chosen."""
        loading, self._loading = self._loading, True
        try:
            keep = self.user_filter.currentData()
            self.user_filter.clear()
            self.user_filter.addItem("全部", "")
            for name in audit_log.users(self.ctx.db):
                self.user_filter.addItem(name, name)
            self.user_filter.setCurrentIndex(max(0, self.user_filter.findData(keep)))
        finally:
            self._loading = loading

    def _preset_changed(self) -> None:
        key = self.preset.currentData()
        dates = preset_dates(key)
        loading, self._loading = self._loading, True
        try:
            if dates is not None:
                self.date_from.setDate(to_qdate(dates[0]))
                self.date_to.setDate(to_qdate(dates[1]))
            custom = key == "custom"
            for edit in (self.date_from, self.date_to):
                edit.setEnabled(custom or dates is not None)
        finally:
            self._loading = loading
        self._filters_changed()

    def _dates_changed(self) -> None:
        if self._loading:
            return
        if self.preset.currentData() != "custom":
            loading, self._loading = self._loading, True
            self.preset.setCurrentIndex(self.preset.findData("custom"))
            self._loading = loading
        self._filters_changed()

    def _filters_changed(self) -> None:
        if not self._loading:
            self.refresh()

    def reset_filters(self) -> None:
        self._loading = True
        try:
            self.filter.clear()
            self.object_id.clear()
            for combo in (self.preset, self.user_filter, self.category_filter, self.object_filter,
                          self.result_filter):
                combo.setCurrentIndex(0)
        finally:
            self._loading = False
        self._preset_changed()

    def query(self) -> AuditQuery:
        since = until = None
        if self.preset.currentData() != "all":
            since, until = from_qdate(self.date_from.date()), from_qdate(self.date_to.date())
            if since > until:
                since, until = until, since
        object_id = int(self.object_id.text()) if self.object_id.text().isdigit() else None
        return AuditQuery(
            self.filter.text(), since=since, until=until, user=self.user_filter.currentData() or "",
            category=self.category_filter.currentData() or "",
            object_types=tuple(self.object_filter.currentData() or ()), object_id=object_id,
            success=self.result_filter.currentData())

    def refresh(self) -> None:
        self._timer.stop()
        ids = audit_log.search_ids(self.ctx.db, self.query())
        self.model.set_ids(ids)
        self.count_label.setText(f"共 {len(ids)} 条")
        self.show_selected()

    def activate(self) -> None:
        self.export_action.setEnabled(audit_log.can_export(self.ctx.actor.role))
        self.reload_users()
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

    # -- export and verification -------------------------------------------------------------
    def export(self) -> bool:
        """Ask for a file and export the filtered entries in the background. False when the user
        chose no file or may not export."""
        if not audit_log.can_export(self.ctx.actor.role):
            messages.warn(self, "无法导出", "只有管理员可以导出操作日志。")
            return False
        folder = Path(self.ctx.prefs.last_folder())
        path, _ = QFileDialog.getSaveFileName(
            self, "导出操作日志", str(folder / f"操作日志_{dt.date.today():%Y%m%d}.xlsx"),
            "Excel 工作簿 (*.xlsx)")
        if not path:
            return False
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        self.ctx.prefs.remember_folder(target)
        query = self.query()

        def succeeded(written: int) -> None:
            self.refresh()
            messages.inform(self, "导出完成", f"已导出操作日志 {written} 条。", f"文件：{target}")

        def failed(error: BaseException) -> None:
            self.refresh()
            if isinstance(error, Cancelled):
                messages.inform(self, "导出已取消", "导出已取消，没有生成文件。")
            else:
                messages.warn(self, "无法导出", error_text(error))

        run_operation(self, "正在导出操作日志…",
                      lambda p: audit_log.export_entries(self.ctx.db, self.ctx.actor, query, target, p),
                      succeeded, failed)
        return True

    def verify(self) -> None:
        """Verify the whole chain in the background; the verdict shows on the page and in a box."""

        def succeeded(report: ChainReport) -> None:
            self.last_report = report
            self.chain_label.setText(chain_html(report))
            lines = report.lines()
            if report.ok:
                messages.inform(self, "日志校验通过", lines[0],
                                "可把末尾校验值抄录存档；日后再校验时值应一致或已向后延续。")
            else:
                messages.warn(self, "日志校验发现问题", lines[0], "\n".join(lines[1:]))

        def failed(error: BaseException) -> None:
            if not isinstance(error, Cancelled):
                messages.warn(self, "无法校验日志", error_text(error))

        run_operation(self, "正在校验操作日志…", lambda p: audit_chain.verify_chain(self.ctx.db, p),
                      succeeded, failed)
