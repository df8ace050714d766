"""导入结果: how many rows went in, which were refused and why (row, column, reason), and a button
to save the refused rows as an Excel report to correct and import again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from presidium_app.ui import messages
from presidium_app.ui.context import AppContext
from presidium_app.ui.models.rejections_model import RejectionsModel
from presidium_app.ui.operations import run_operation


def summary_lines(outcome: Any) -> tuple[str, list[str]]:
    """The headline (导入 N 条，拒绝 M 条) and the lines under it."""
    problems = len(outcome.rejections)
    rejected = getattr(outcome, "rejected_rows", None)
    if not isinstance(rejected, int):
        rejected = len({r.row for r in outcome.rejections})
    headline = f"导入 {outcome.imported} 条，拒绝 {rejected} 条"
    lines = []
    parts = []
    for label, attr in (("新增", "created"), ("更新", "updated"), ("无变化", "unchanged")):
        value = getattr(outcome, attr, None)
        if value:
            parts.append(f"{label} {value} 条")
    if parts:
        lines.append("其中" + "，".join(parts) + "。")
    for column in getattr(outcome, "unknown_columns", []) or []:
        lines.append(f"未识别的列“{column}”已忽略。")
    lines.extend(str(note) for note in getattr(outcome, "notes", []) or [])
    if rejected:
        found = f"共发现 {problems} 处问题，" if problems > rejected else ""
        lines.append(f"{found}被拒绝的行没有导入任何内容。请按下表改正原文件后重新导入，"
                     "已导入的行不会重复。")
    return headline, lines


class ImportSummaryDialog(QDialog):
    def __init__(self, ctx: AppContext, outcome: Any, source: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.outcome, self.source = ctx, outcome, Path(source)
        self.report_path: Path | None = None
        self.setWindowTitle("导入结果")
        self.setMinimumSize(640, 420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(8)
        headline, lines = summary_lines(outcome)
        self.headline = QLabel(headline)
        self.headline.setObjectName("dialogHeading")
        layout.addWidget(self.headline)
        source_label = QLabel(f"文件：{self.source.name}")
        source_label.setObjectName("hint")
        source_label.setToolTip(str(self.source))
        layout.addWidget(source_label)
        self.notes = QLabel("\n".join(lines))
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(lines))
        layout.addWidget(self.notes)

        self.model = RejectionsModel(outcome.rejections, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 72)
        self.table.setColumnWidth(1, 120)
        self.table.setWordWrap(False)
        self.table.setVisible(bool(outcome.rejections))
        layout.addWidget(self.table, 1)
        if not outcome.rejections:
            layout.addStretch(1)

        row = QHBoxLayout()
        self.report_button = QPushButton("保存错误报告…")
        self.report_button.setToolTip("把被拒绝的行和原因保存为Excel文件，便于逐条改正")
        self.report_button.setEnabled(bool(outcome.rejections))
        self.report_button.setVisible(bool(outcome.rejections))
        self.report_button.clicked.connect(self.save_report)
        close = QPushButton("关闭")
        close.setObjectName("primary")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        row.addWidget(self.report_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        close.setFocus()

    def save_report(self) -> None:
        from presidium_app.ledgers.common import default_report_path, write_report

        suggested = default_report_path(self.source)
        path, _ = QFileDialog.getSaveFileName(self, "保存错误报告", str(suggested),
                                              "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        self.ctx.prefs.remember_folder(target)
        rejections = list(self.outcome.rejections)

        def done(_: object) -> None:
            self.report_path = target
            messages.inform(self, "错误报告已保存", f"已保存到：\n{target}")

        run_operation(self, "正在保存错误报告…", lambda _p: write_report(target, rejections), done,
                      cancellable=False)
