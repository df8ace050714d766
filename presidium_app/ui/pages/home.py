"""工作台: the township at a glance — current term, serving deputies by level, who left this
term — and the first things an office does (add a deputy, import the roster)."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from presidium_app.domain.enums import DeputyLevel, DeputyStatus
from presidium_app.domain.validators import format_date
from presidium_app.services import deputies, stats, township
from presidium_app.services.deputies import DeputyQuery
from presidium_app.ui.context import AppContext

LEFT_SHOWN = 12
LEVEL_CAPTIONS = {
    DeputyLevel.TOWNSHIP: "乡镇人大代表", DeputyLevel.COUNTY: "县人大代表",
    DeputyLevel.CITY: "市人大代表", DeputyLevel.PROVINCE: "省人大代表",
    DeputyLevel.NATIONAL: "全国人大代表",
}


class StatCard(QFrame):
    def __init__(self, caption: str, accent: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statCardAccent" if accent else "statCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(2)
        self.number = QLabel("0")
        self.number.setObjectName("statNumber")
        self.caption = QLabel(caption)
        self.caption.setObjectName("statCaption")
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def set_value(self, value: int, unit: str = "人") -> None:
        self.number.setText(f"{value}<span style='font-size:13px; font-weight:normal'> {unit}</span>")


class HomePage(QWidget):
    add_deputy_requested = Signal()
    import_requested = Signal()
    page_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        body.setObjectName("pageBody")
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)

        self.township_label = QLabel()
        self.township_label.setObjectName("homeTitle")
        self.term_label = QLabel()
        self.term_label.setObjectName("hint")
        layout.addWidget(self.township_label)
        layout.addWidget(self.term_label)

        actions = QHBoxLayout()
        actions.setSpacing(10)
        self.add_button = QPushButton("新增代表")
        self.add_button.setObjectName("primary")
        self.add_button.setToolTip("录入一名新代表（Ctrl+N）")
        self.add_button.clicked.connect(self.add_deputy_requested)
        self.import_button = QPushButton("导入名册")
        self.import_button.setToolTip("从Excel台账导入代表名册（Ctrl+I）")
        self.import_button.clicked.connect(self.import_requested)
        roster_button = QPushButton("查看代表名册")
        roster_button.clicked.connect(lambda: self.page_requested.emit("roster"))
        for button in (self.add_button, self.import_button, roster_button):
            button.setMinimumHeight(36)
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)

        section = QLabel("在任代表")
        section.setObjectName("sectionTitle")
        layout.addWidget(section)
        cards = QGridLayout()
        cards.setHorizontalSpacing(12)
        self.total_card = StatCard("本届在任代表（合计）", accent=True)
        cards.addWidget(self.total_card, 0, 0)
        self.level_cards: dict[DeputyLevel, StatCard] = {}
        for number, level in enumerate(DeputyLevel, start=1):
            card = StatCard(LEVEL_CAPTIONS[level])
            self.level_cards[level] = card
            cards.addWidget(card, 0, number)
        self.left_card = StatCard("本届已离任")
        cards.addWidget(self.left_card, 0, len(DeputyLevel) + 1)
        for column in range(len(DeputyLevel) + 2):
            cards.setColumnStretch(column, 1)
        layout.addLayout(cards)
        note = QLabel("同一代表兼任几级人大代表的，在各级分别计数，合计按人数计。")
        note.setObjectName("hint")
        layout.addWidget(note)

        left_title = QLabel("本届离任代表")
        left_title.setObjectName("sectionTitle")
        layout.addWidget(left_title)
        self.left_list = QLabel()
        self.left_list.setObjectName("panel")
        self.left_list.setTextFormat(Qt.TextFormat.RichText)
        self.left_list.setWordWrap(True)
        self.left_list.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.left_list)

        later = QLabel("活动、社情民意、代表建议和学习培训的提醒（如逾期未办、履职未达标），"
                       "将在这些功能完成后显示在这里。")
        later.setObjectName("hint")
        later.setWordWrap(True)
        layout.addWidget(later)
        layout.addStretch(1)
        self.activate()

    def activate(self) -> None:
        """Re-read the figures; called each time the page is shown."""
        info = township.get_township(self.ctx.db)
        term = township.current_term(self.ctx.db)
        self.township_label.setText(f"{info.full_name}人大主席团")
        today = dt.date.today()
        self.term_label.setText(
            f"当前届次：{term.label if term else '未设置'}　　今天是{format_date(today)}")
        figures = stats.year_stats(self.ctx.db, today.year)["deputies"]
        self.total_card.set_value(figures["serving"])
        for level, card in self.level_cards.items():
            card.set_value(figures["by_level"].get(level.value, 0))
        total_left, left = self._left_this_term(term.id if term else None)
        self.left_card.set_value(total_left)
        if not left:
            self.left_list.setText("<span style='color:#6b7280'>本届暂无离任代表。</span>")
            return
        lines = []
        for name, status, left_on, reason in left:
            when = format_date(left_on) if left_on else ""
            extra = f"，{escape(reason)}" if reason else ""
            lines.append(f"<tr><td style='padding:3px 18px 3px 0'><b>{escape(name)}</b></td>"
                         f"<td style='padding:3px 18px 3px 0'>{status}</td>"
                         f"<td style='padding:3px 18px 3px 0'>{when}</td>"
                         f"<td style='padding:3px 0; color:#6b7280'>{extra.lstrip('，')}</td></tr>")
        more = (f"<p style='color:#6b7280'>另有 {total_left - len(left)} 人，"
                "可在代表名册中按“状态”筛选查看。</p>") if total_left > len(left) else ""
        self.left_list.setText(f"<table>{''.join(lines)}</table>{more}")

    def _left_this_term(
        self, term_id: int | None
    ) -> tuple[int, list[tuple[str, str, dt.date | None, str]]]:
        """How many left this term, and the first few (name, status, date, reason)."""
        if term_id is None:
            return 0, []
        ids: list[int] = []
        for status in DeputyStatus:
            if status != DeputyStatus.SERVING:
                ids += deputies.search_ids(self.ctx.db, DeputyQuery(term_id=term_id, status=status))
        result = []
        for mandate_id in ids[:LEFT_SHOWN]:
            record = deputies.get_deputy(self.ctx.db, mandate_id)
            reason = record.history[-1].reason if record.history else ""
            result.append((record.data.name, record.data.status.label, record.data.left_on, reason))
        result.sort(key=lambda item: item[2] or dt.date.min, reverse=True)
        return len(ids), result
