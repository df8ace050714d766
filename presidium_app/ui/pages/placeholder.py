"""Pages of areas not built yet. They say so plainly and tell what the area will do, so nobody
mistakes an empty screen for lost data."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


@dataclass(frozen=True)
class PlannedArea:
    title: str
    purpose: str
    features: tuple[str, ...]


PLANNED_AREAS = {
    "activities": PlannedArea(
        "代表活动", "记录代表参加的各类活动，并据此形成每名代表的履职档案。",
        ("登记视察、执法检查、专题调研、接待选民、代表小组活动、代表述职等活动",
         "记录每次活动的出席、请假、缺席情况，以及照片和材料",
         "自动汇总每名代表的履职档案（八个部分）和履职积分",
         "提前提示哪些代表还没有达到年度或本届的履职要求")),
    "mailbox": PlannedArea(
        "社情民意", "管理社情民意信箱和各渠道收集的群众意见，从登记到办结形成闭环。",
        ("登记信箱、来访、电话、微信和网络、代表转交等渠道收到的意见，记录开箱情况",
         "交办承办单位并设定办理期限，逾期的事项会立即标出",
         "记录答复、反馈、回访和群众满意度，不满意的退回重办",
         "生成公示清单，自动隐去反映人的姓名和电话")),
    "suggestions": PlannedArea(
        "代表建议", "登记和督办代表建议，跟踪办理直到代表满意。",
        ("登记领衔代表、附议代表、建议内容和类别",
         "交办主办、协办单位，跟踪三个月的答复期限",
         "记录办理结果分类（A 已解决、B 正在解决、C 列入计划、D 留作参考）",
         "记录与代表的沟通见面和代表的满意度评价")),
    "training": PlannedArea(
        "学习培训", "编制年度学习培训计划，记录每场培训的参训代表和学时。",
        ("编制年度学习培训计划：时间、主题、形式、主讲人、学时",
         "培训举办后登记参训代表，打印签到表",
         "随时查看本届还没有参加过培训的代表")),
    "printing": PlannedArea(
        "打印中心", "把已登记的数据直接排成代表活动室需要的文书和上墙材料（A4、A3）。",
        ("活动通知、签到表、活动记录、接待选民记录",
         "社情民意登记表、交办单、答复反馈表、满意度测评表",
         "代表公示栏（带照片）、制度上墙、年度工作计划",
         "每名代表的履职档案、积分表和档案目录")),
    "stats": PlannedArea(
        "统计", "本年度和本届工作的主要数据，供总结和迎检使用。",
        ("代表人数和结构（层级、性别、年龄、党派、文化程度）",
         "活动、社情民意、代表建议、学习培训的数量和办结情况",
         "各项履职要求的完成情况，按代表和代表小组列出")),
}


class PlaceholderPage(QWidget):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
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
        now = QLabel("现在可以使用的部分：工作台、代表名册（含Excel导入导出）、设置、操作日志。")
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
