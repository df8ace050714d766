"""Pages of areas not built yet. They say so plainly and tell what the area will do, so nobody
mistakes an empty screen for lost data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


@dataclass(frozen=True)
class PlannedArea:
    title: str
    purpose: str
    features: tuple[str, ...]


PLANNED_AREAS = {
    "stats": PlannedArea(
        "统计", "本年度和本届工作的主要数据，供总结和迎检使用。",
        ("代表人数和结构（层级、性别、年龄、党派、文化程度）",
         "活动、社情民意、代表建议、学习培训的数量和办结情况",
         "各项履职要求的完成情况，按代表和代表小组列出")),
}


class PlaceholderPage(QWidget):
    def __init__(self, key: str, built: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        area = PLANNED_AREAS[key]
        self.area = area
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        title = QLabel(area.title)
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        card = QFrame()
        card.setObjectName("placeholderCard")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(10)
        badge = QLabel("尚未开发")
        badge.setObjectName("notBuiltBadge")
        inner.addWidget(badge, 0, Qt.AlignmentFlag.AlignLeft)
        self.notice = QLabel(f"“{area.title}”这一部分还没有开发完成，目前不能使用，"
                             "这里也没有保存任何数据。")
        self.notice.setObjectName("placeholderNotice")
        self.notice.setWordWrap(True)
        inner.addWidget(self.notice)
        purpose = QLabel(area.purpose)
        purpose.setWordWrap(True)
        inner.addWidget(purpose)
        plan = QLabel("建成后将可以：")
        plan.setObjectName("sectionTitle")
        inner.addWidget(plan)
        bullets = QLabel("".join(f"<p style='margin:3px 0'>• {item}</p>" for item in area.features))
        bullets.setWordWrap(True)
        bullets.setTextFormat(Qt.TextFormat.RichText)
        inner.addWidget(bullets)
        now = QLabel("现在可以使用的部分：" + "、".join(built) + "。")
        now.setObjectName("hint")
        now.setWordWrap(True)
        inner.addSpacing(6)
        inner.addWidget(now)
        card.setMaximumWidth(860)
        layout.addWidget(card)
        layout.addStretch(1)

    def text(self) -> str:
        """All the page says, for tests."""
        return "\n".join(label.text() for label in self.findChildren(QLabel))
