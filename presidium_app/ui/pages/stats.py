"""统计: the year's key figures on screen — the same figures as `presidium stats --json` and the
printed 年度统计报表 (services.stats.year_stats), so what the office reads, prints and reports to
the county never disagree. Counted in SQL in the background; a year is chosen with a spin box."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import ActivityType, DeputyLevel, OpinionStatus, ResultClass
from presidium_app.services.stats import Structure, deputy_structure, year_stats
from presidium_app.ui.context import AppContext
from presidium_app.ui.operations import run_operation
from presidium_app.ui.widgets.print_button import open_in_print_center
from presidium_app.ui.widgets.shortcuts import widget_shortcut

ANNUAL_STATISTICS = "annual-statistics"
# Figures of a section: (path into year_stats' dict, label, how it is shown).
Figure = tuple[tuple[str, ...], str, str]


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _format(value: Any, kind: str) -> str:
    if kind == "rate":
        return _percent(float(value))
    if kind == "hours":
        return f"{float(value):g} 学时"
    return f"{int(value)} {kind}".rstrip()


def sections() -> list[tuple[str, list[Figure]]]:
    """What the page shows, in the order of the printed report."""
    deputies: list[Figure] = [(("deputies", "serving"), "在任代表", "人")]
    deputies += [(("deputies", "by_level", level.value), f"其中{level.label}人大代表", "人")
                 for level in DeputyLevel]
    activities: list[Figure] = [(("activities", "total"), "代表活动", "次"),
                                (("activities", "attendance_rate"), "出席率", "rate")]
    activities += [(("activities", "by_type", kind.value), kind.label, "次") for kind in ActivityType]
    opinions: list[Figure] = [(("opinions", "total"), "收到社情民意", "件")]
    statuses = (OpinionStatus.REGISTERED, OpinionStatus.ASSIGNED, OpinionStatus.REPLIED,
                OpinionStatus.CLOSED, OpinionStatus.REJECTED, OpinionStatus.REDIRECTED)
    opinions += [(("opinions", "by_status", s.value), s.label, "件") for s in statuses]
    opinions += [(("opinions", "overdue"), "逾期未办", "件"),
                 (("opinions", "satisfaction_rate"), "满意率（含基本满意）", "rate")]
    suggestions: list[Figure] = [(("suggestions", "total"), "代表建议", "件")]
    suggestions += [(("suggestions", "by_result", r.letter), f"{r.letter}类（{r.label}）", "件")
                    for r in ResultClass]
    training: list[Figure] = [(("training", "sessions_held"), "已举办培训", "场"),
                              (("training", "hours"), "培训学时", "hours"),
                              (("training", "untrained_this_term"), "本届尚未参加培训的代表", "人")]
    shortfalls: list[Figure] = [
        (("shortfalls", "no_suggestion_this_year"), "本年度未提出代表建议", "人"),
        (("shortfalls", "under_five_inspections_this_term"), "本届视察调研未达要求", "人"),
    ]
    return [("代表", deputies), ("代表活动", activities), ("社情民意", opinions),
            ("代表建议", suggestions), ("学习培训", training), ("履职提醒", shortfalls)]


def figure_value(figures: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = figures
    for key in path:
        value = value.get(key, 0) if isinstance(value, dict) else 0
    return value


class StatsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.figures: dict[str, Any] | None = None
        self.structure: Structure | None = None
        self.values: dict[tuple[str, ...], QLabel] = {}
        self.structure_box = QGroupBox("代表结构（本届在任代表）")
        self.structure_form = QFormLayout(self.structure_box)

        self.year = QSpinBox()
        self.year.setRange(2000, dt.date.today().year + 1)
        self.year.setValue(dt.date.today().year)
        self.year.setSuffix(" 年")
        self.year.setAccessibleName("统计年度")
        self.year.valueChanged.connect(self.refresh)
        year_label = QLabel("年度(&Y)")
        year_label.setBuddy(self.year)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("重新统计（F5）")
        self.refresh_button.clicked.connect(self.refresh)
        widget_shortcut(Qt.Key.Key_F5, self, self.refresh)
        self.print_button = QPushButton("打印年度统计报表…")
        self.print_button.setToolTip("在打印中心预览并打印本年度的统计报表（Ctrl+P）")
        self.print_button.clicked.connect(self.print_report)
        widget_shortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_report)
        self.state = QLabel("")
        self.state.setObjectName("stats_state")

        bar = QHBoxLayout()
        bar.addWidget(year_label)
        bar.addWidget(self.year)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        bar.addWidget(self.state)
        bar.addWidget(self.print_button)

        grid = QGridLayout()
        boxes = [self._section(title, figures) for title, figures in sections()]
        boxes.insert(1, self.structure_box)
        for number, box in enumerate(boxes):
            grid.addWidget(box, number // 4, number % 4, Qt.AlignmentFlag.AlignTop)
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        layout = QVBoxLayout(self)
        heading = QLabel("年度统计")
        heading.setObjectName("pageTitle")
        layout.addWidget(heading)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)
        self.refresh()

    def _section(self, title: str, figures: list[Figure]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        for path, label, _kind in figures:
            value = QLabel("—")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[path] = value
            form.addRow(label, value)
        return box

    def refresh(self) -> None:
        """Count the chosen year again, in the background (10^5 opinions take a moment)."""
        year = self.year.value()
        self.state.setText("正在统计…")
        self.refresh_button.setEnabled(False)

        def done(result: tuple[dict[str, Any], Structure]) -> None:
            self.refresh_button.setEnabled(True)
            figures, structure = result
            if figures["year"] != self.year.value():
                return  # the year changed meanwhile; its own refresh follows
            self.show_figures(figures)
            self.show_structure(structure)

        def count(_progress: Any) -> tuple[dict[str, Any], Structure]:
            on = min(dt.date.today(), dt.date(year, 12, 31))
            return year_stats(self.ctx.db, year), deputy_structure(self.ctx.db, on)

        def failed(error: BaseException) -> None:
            self.refresh_button.setEnabled(True)
            self.state.setText(f"统计失败：{error}")

        run_operation(self, "统计", count, done, failed, cancellable=False)

    def show_figures(self, figures: dict[str, Any]) -> None:
        self.figures = figures
        for _title, items in sections():
            for path, _label, kind in items:
                self.values[path].setText(_format(figure_value(figures, path), kind))
        self.state.setText(f"{figures['year']}年度，统计于 {dt.datetime.now():%H:%M}")

    def show_structure(self, structure: Structure) -> None:
        """One row per value found (parties and schooling differ between townships), with its
        share of the serving deputies."""
        self.structure = structure
        while self.structure_form.rowCount():
            self.structure_form.removeRow(0)
        total = structure.serving
        for title, rows in (("性别", structure.gender), ("年龄", structure.age),
                            ("政治面貌", structure.political_status), ("文化程度", structure.education),
                            ("民族", structure.ethnicity)):
            caption = QLabel(title)
            caption.setObjectName("sectionTitle")
            self.structure_form.addRow(caption)
            for label, number in rows:
                share = f"（{number / total * 100:.1f}%）" if total else ""
                value = QLabel(f"{number} 人{share}")
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.structure_form.addRow(label, value)

    def structure_text(self) -> str:
        """What the structure box shows, as text (for tests and copying)."""
        parts = []
        for row in range(self.structure_form.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                         QFormLayout.ItemRole.SpanningRole):
                item = self.structure_form.itemAt(row, role)
                widget = item.widget() if item is not None else None
                if isinstance(widget, QLabel):
                    parts.append(widget.text())
        return " ".join(parts)

    def print_report(self) -> None:
        open_in_print_center(self, ANNUAL_STATISTICS, year=self.year.value())
