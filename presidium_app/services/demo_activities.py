"""A demo year of deputy activities (代表活动): what a township presidium office records in a year.

One or two sittings of the congress with the livelihood vote, inspections, law-enforcement checks
and research on real township topics, an inquiry, the government's executive meetings attended,
monthly voter receptions at every station with the opinions raised, duty reports rated by voters,
every deputy group's meetings (some groups fall short of six a year, as real ones do), training,
and something else. Only deputies serving on the day are invited; attendance has its excused and
absent deputies; nothing is dated after today.

Every activity passes `validate_input`; the year is then written in bulk in one unit of work (a
row-by-row `add_activity` would take minutes at the load-test scale of 10^4 activities).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.base import Base
from presidium_app.domain.deputies import DeputyGroup, LiaisonStation
from presidium_app.domain.enums import ActivityType, Attendance, Satisfaction
from presidium_app.domain.township import Term
from presidium_app.domain.validators import chinese_ordinal
from presidium_app.services import township
from presidium_app.services.activities import (
    ActivityInput,
    ParticipantInput,
    ServingPeriod,
    serving_periods,
    validate_input,
)
from presidium_app.services.audit import Actor, unit_of_work
from presidium_app.services.mailbox import insert_rows
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.storage.database import Database
from presidium_app.storage.paths import RESOURCES_DIR

INSERT_BATCH = 1000
T = ActivityType

# (topic, place, summary, opinions raised): what the presidium inspects, checks and researches.
INSPECTIONS = (
    ("视察农村饮水安全工程建设和运行管理情况", "{village}集中供水站",
     "实地察看了水厂取水口、净化消毒设施和入户水质检测情况，听取了水利站关于农村饮水安全工作的汇报。",
     "1. 部分村老旧管网漏损率高，建议分年度实施改造。\n2. 建议建立水质定期检测公示制度。"),
    ("视察乡村道路建设养护情况", "{village}至{village2}村道",
     "察看了新建村道路面质量和安全防护设施，了解了“路长制”落实和日常养护经费保障情况。",
     "1. 部分路段弯急坡陡，建议增设警示标志和防护栏。\n2. 建议落实村道养护专项经费。"),
    ("视察义务教育学校办学条件改善情况", "{town}中心小学",
     "察看了学校食堂、学生宿舍和新建教学楼，听取了学校关于办学条件改善和教师队伍建设的汇报。",
     "1. 建议解决学校门口上下学时段交通拥堵问题。\n2. 建议加大对农村教师的培训投入。"),
    ("视察养老服务中心运行情况", "{town}养老服务中心",
     "察看了养老服务中心的居住、就餐和医疗服务设施，与入住老人进行了交流。",
     "1. 建议增配专业护理人员。\n2. 建议推动村级居家养老服务点与中心联动。"),
    ("视察农村人居环境整治工作", "{village}",
     "察看了村庄保洁、厕所改造和生活污水处理设施运行情况，听取了镇农业农村办的汇报。",
     "1. 部分村垃圾清运不及时，建议优化清运路线和频次。\n2. 建议建立长效保洁机制。"),
    ("视察高标准农田建设情况", "{village}高标准农田项目区",
     "察看了田间道路、灌排沟渠和土地平整情况，了解了项目建后管护机制。",
     "1. 个别沟渠淤塞，建议明确管护主体。\n2. 建议加强项目质量监督。"),
    ("视察集镇污水处理设施运行情况", "{town}污水处理站",
     "察看了污水处理站设备运行和管网接入情况，查阅了进出水水质检测记录。",
     "1. 集镇部分区域雨污未分流，建议纳入改造计划。"),
)
LAW_CHECKS = (
    ("《中华人民共和国食品安全法》贯彻实施情况执法检查", "{town}农贸市场",
     "检查了农贸市场、学校食堂和部分餐饮店的食品安全管理情况，听取了市场监管所的汇报。",
     "1. 建议加强对流动摊贩的监管。\n2. 建议完善农贸市场快检室建设。"),
    ("秸秆禁烧和大气污染防治法律法规执行情况检查", "{village}",
     "实地察看了秸秆综合利用和禁烧巡查情况，听取了镇生态环境工作汇报。",
     "1. 建议加大秸秆还田和收储补助力度。\n2. 建议发挥网格员作用，做到早发现早处置。"),
    ("《中华人民共和国水法》贯彻实施和河长制落实情况执法检查", "{village}河段",
     "沿河察看了河道保洁、河长公示牌和入河排污口整治情况，查阅了河长巡河记录。",
     "1. 部分河段岸坡有垃圾堆放，建议加强日常巡查。\n2. 建议落实村级河道保洁员报酬。"),
    ("《中华人民共和国安全生产法》贯彻实施情况执法检查", "{town}工业集中区",
     "检查了辖区企业安全生产责任落实、隐患排查治理和应急预案演练情况。",
     "1. 建议加强小微企业安全生产培训。\n2. 建议定期开展消防应急演练。"),
    ("《中华人民共和国农产品质量安全法》贯彻实施情况执法检查", "{village}蔬菜基地",
     "检查了农产品种植基地的农药使用记录和产地质量检测情况。",
     "1. 建议推广农产品合格证制度。\n2. 建议加强农资经营店监管。"),
)
RESEARCH = (
    ("关于河长制落实情况的专题调研", "{village}",
     "走访了村级河长和河道保洁员，座谈了解河长制工作运行中的困难和问题。",
     "1. 建议完善河长履职考核办法。\n2. 建议加大河道综合治理投入。"),
    ("关于村级集体经济发展情况的专题调研", "{village}",
     "走访了部分村集体经济项目，召开了村干部座谈会。",
     "1. 建议因村施策发展特色产业。\n2. 建议加强村集体资产管理。"),
    ("关于特色农业产业发展情况的专题调研", "{village}",
     "调研了专业合作社和种植大户的生产经营情况，听取了农业综合服务中心的汇报。",
     "1. 建议加强农产品品牌建设。\n2. 建议完善农业技术服务体系。"),
    ("关于农村留守儿童关爱保护工作的专题调研", "{town}中心小学",
     "走访了留守儿童家庭和学校“留守儿童之家”，与班主任和家长进行了座谈。",
     "1. 建议建立留守儿童动态台账。\n2. 建议加强学校心理健康教育。"),
    ("关于基层医疗卫生服务能力的专题调研", "{town}卫生院",
     "察看了卫生院和村卫生室的设施设备，了解了家庭医生签约服务开展情况。",
     "1. 建议村卫生室配齐常用慢性病药品。\n2. 建议加强乡村医生队伍建设。"),
    ("关于农村生活垃圾分类处理工作的专题调研", "{village}",
     "察看了垃圾分类投放点和转运站，了解了分类处理的经费保障和群众参与情况。",
     "1. 建议加大垃圾分类宣传力度。\n2. 建议完善分类收运设施。"),
)
INQUIRIES = (
    ("就农村饮水安全工作开展专题询问", "镇水利站、镇财政所负责人到会应询。"),
    ("就农村人居环境整治工作开展专题询问", "镇农业农村办、镇规划建设办负责人到会应询。"),
    ("就民生实事项目推进情况开展专题询问", "镇人民政府分管领导及相关部门负责人到会应询。"),
    ("就食品安全监管工作开展专题询问", "镇市场监管所负责人到会应询。"),
)
GOVERNMENT_MEETINGS = (
    "研究上半年财政预算执行情况", "研究民生实事项目实施方案", "研究防汛抗旱工作",
    "研究森林防火工作", "研究农村人居环境整治工作", "研究安全生产工作", "研究乡村振兴重点项目推进工作",
    "研究秋冬种工作", "研究下年度财政预算草案",
)
GROUP_SUBJECTS = (
    "学习《中华人民共和国全国人民代表大会和地方各级人民代表大会代表法》",
    "集中走访选民并收集意见建议", "学习镇人代会精神，研究贯彻落实措施", "开展“人大代表进网格”活动",
    "督办上次活动收集的意见建议办理情况", "开展小组代表履职交流", "察看片区民生实事项目进展",
    "研究年度小组活动计划", "开展“代表活动月”集中活动", "走访慰问困难群众",
)
OPINIONS = (
    "反映村道路面破损，雨天积水，群众出行不便，建议尽快修复。",
    "建议在村口和主要路段增设路灯。",
    "反映自来水水压不足，用水高峰时段经常断水。",
    "建议增加通往县城的农村客运班次。",
    "反映垃圾清运不及时，夏季异味较大。",
    "建议加强河道保洁，清理河岸垃圾。",
    "反映城乡居民养老保险缴费档次政策不清楚，希望加强宣传。",
    "建议村卫生室配备常用慢性病药品。",
    "反映学校门口上下学时段交通秩序混乱，建议设置减速带。",
    "反映部分农田灌溉渠道淤塞，影响春耕用水。",
    "反映集镇农贸市场周边占道经营。",
    "建议完善村文化广场健身器材。",
    "反映部分自然村手机信号差。",
    "建议开展农村实用技术培训。",
    "询问农村危房改造补助申请进度。",
    "建议对独居老人开展定期探访。",
    "反映外来车辆在村道乱停放，影响通行。",
    "建议加快村级幼儿园建设。",
)
LIVELIHOOD_PROJECTS = ("农村饮水管网改造", "村组道路硬化", "中心小学食堂改造", "养老服务中心提升",
                       "农贸市场改造", "村级卫生室标准化建设", "集镇路灯亮化", "河道综合整治")
TRAINING = ("代表履职能力专题培训", "学习贯彻新修改的《代表法》专题培训", "代表建议撰写专题培训")
OTHER = ("组织代表参观学习乡村振兴示范点", "开展“人大代表接待日”集中宣传活动",
         "组织代表观摩代表联络站规范化建设")

CONGRESS_MONTHS = ((1, 3), (8, 12))  # a sitting early in the year, a second one in autumn
RATING_WEIGHTS = ((Satisfaction.SATISFIED, 80), (Satisfaction.BASICALLY_SATISFIED, 17),
                  (Satisfaction.DISSATISFIED, 3))


@dataclass
class _Planned:
    """One activity of the year, before the deputies serving on its day are invited."""

    type: ActivityType
    date: dt.date
    topic: str
    place: str
    organiser: str
    start: tuple[int, int]
    end: tuple[int, int]
    summary: str = ""
    opinions: str = ""
    other: str = ""
    follow_up: str = ""
    voters: int = 0
    group_id: int | None = None
    station_id: int | None = None
    invite: str = "some"  # all | some | group | station | few | reporters
    size: int = 10
    same_as: _Planned | None = None  # the 票决 takes the sitting's attendance
    participants: list[ParticipantInput] = field(default_factory=list)


@dataclass
class _Year:
    """What one block's year draws on: the generator, the township's words and its people."""

    rng: random.Random
    year: int
    last_day: dt.date
    town: str
    unit: str
    villages: Sequence[str]
    areas: dict[str, str]  # village or community → its area
    groups: dict[int, str]
    stations: dict[int, str]
    periods: list[ServingPeriod]
    term_starts: dict[int, int | None]
    _changes: list[dt.date] = field(default_factory=list)
    _serving: dict[int, list[ServingPeriod]] = field(default_factory=dict)

    def day(self, first_month: int = 1, last_month: int = 12) -> dt.date:
        low = dt.date(self.year, first_month, 1)
        high = dt.date(self.year, last_month, 28 if last_month == 2 else 30 if last_month != 12 else 31)
        return dt.date.fromordinal(self.rng.randint(low.toordinal(), high.toordinal()))

    def weekday(self, first_month: int = 1, last_month: int = 12) -> dt.date:
        date = self.day(first_month, last_month)
        step = dt.timedelta(days=1 if date.day < 3 else -1)  # stay in the month
        while date.weekday() >= 5:  # to the Friday before, or the Monday after on the 1st or 2nd
            date += step
        return date

    def serving(self, on: dt.date) -> list[ServingPeriod]:
        """One period per deputy serving on the day (the newest term's, for the group). Who
        serves changes only on the few days someone is elected or leaves, so the answer is kept
        per stretch between those days."""
        if not self._changes:
            days = {p.start for p in self.periods if p.start is not None}
            days |= {p.end + dt.timedelta(days=1) for p in self.periods if p.end is not None}
            self._changes.extend(sorted(days) or [dt.date.min])
        stretch = bisect.bisect_right(self._changes, on)
        if stretch not in self._serving:
            chosen: dict[int, ServingPeriod] = {}
            for period in self.periods:
                if period.serves_on(on):
                    known = chosen.get(period.deputy_id)
                    if known is None or period.term_ordinal > known.term_ordinal:
                        chosen[period.deputy_id] = period
            self._serving[stretch] = sorted(chosen.values(), key=lambda p: p.deputy_id)
        return self._serving[stretch]

    def place(self, pattern: str) -> str:
        first, second = self.rng.sample(list(self.villages), 2)
        return pattern.format(town=self.town, village=first, village2=second)


def fill_activities(
    db: Database, actor: Actor, year: int, rng: random.Random, *, scale: int = 1,
    repeat: int | None = None, plain_training: bool | None = None,
    then: Callable[[Session, random.Random], int] | None = None, progress: Progress = NO_PROGRESS,
) -> int:
    """Record a realistic year of activities (up to today for the current year) for the demo
    roster, split into `scale` township blocks, each with its own share of the deputies.
    `repeat` (default `scale`) is how many blocks' years are recorded: beyond the first `scale`,
    the blocks take turns again with a year of everything but the congress sittings, the vote
    and the trainings (a busy township does more of the rest, not more sittings).
    `plain_training` (default: an earlier year) records trainings as plain activities, for a
    year without a training plan; `then` records more of the year in the same unit of work (the
    demo's training plan) and returns the activities it added. One unit of work; returns how
    many activities were written."""
    today = dt.date.today()
    if year > today.year:
        return 0
    info = township.get_township(db)
    with db.session() as session:
        periods = serving_periods(session)
        groups: dict[int, str] = {i: n for i, n in session.execute(
            select(DeputyGroup.id, DeputyGroup.name).order_by(DeputyGroup.id))}
        stations: dict[int, str] = {i: n for i, n in session.execute(
            select(LiaisonStation.id, LiaisonStation.name).order_by(LiaisonStation.id))}
        term_starts: dict[int, int | None] = {
            o: y for o, y in session.execute(select(Term.ordinal, Term.start_year))}
    unit = "乡" if info.name.endswith("乡") else "镇"
    areas = _villages() or {f"{info.name}东村": "", f"{info.name}西村": ""}
    villages = [v for v in areas if v.endswith("村")] or list(areas)
    planned: list[_Planned] = []
    blocks = _blocks(periods, scale)
    turns = max(repeat or 0, len(blocks))
    contexts: list[_Year] = []
    for number in range(turns):
        progress.report(number, turns, f"正在生成{year}年示范代表活动")
        if number < len(blocks):
            contexts.append(_Year(rng, year, min(today, dt.date(year, 12, 31)), info.name, unit, villages,
                                  areas, groups, stations, blocks[number], term_starts))
        context = contexts[number % len(contexts)]
        extra = number >= len(blocks)
        training = (year < today.year if plain_training is None else plain_training) and not extra
        planned += _plan_year(context, sittings=not extra, training=training)
    progress.report(turns, turns, f"正在生成{year}年示范代表活动")
    kept = _unique([p for p in planned if p.participants])
    kept.sort(key=lambda p: (p.date, p.start))
    with unit_of_work(db, actor, "demo.activities", "activity") as change:
        written = _write(change.session, kept, progress, year)
        if then is not None:
            written += then(change.session, rng)
        change.summary = f"填入{year}年示范代表活动：{written}次"
        change.after = {"year": year, "scale": scale, "activities": written}
    return written


def _villages() -> dict[str, str]:
    """The demo township's villages and communities → their area (东片, 镇区…), which names the
    deputy group of the area."""
    try:
        lines = (RESOURCES_DIR / "demo" / "villages.txt").read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    rows = [line.split() for line in lines if line.strip() and not line.startswith("#")]
    return {row[0]: row[1] for row in rows if len(row) > 1 and row[0].endswith(("村", "社区"))}


def _blocks(periods: list[ServingPeriod], scale: int) -> list[list[ServingPeriod]]:
    """`scale` blocks of deputies, each term's mandates split evenly in the order they were made
    (the demo roster makes them block by block), so each block acts as one township."""
    if scale <= 1:
        return [periods]
    by_term: dict[int, list[ServingPeriod]] = {}
    for period in periods:
        by_term.setdefault(period.term_ordinal, []).append(period)
    blocks: list[list[ServingPeriod]] = [[] for _ in range(scale)]
    for members in by_term.values():
        size = -(-len(members) // scale)
        for index in range(scale):
            blocks[index] += members[index * size:(index + 1) * size]
    return [b for b in blocks if b]


def _unique(planned: list[_Planned]) -> list[_Planned]:
    """The same date, type and topic is the same activity: a twin gets a numbered topic."""
    seen: set[tuple[dt.date, ActivityType, str]] = set()
    for plan in planned:
        base, number = plan.topic, 1
        while (plan.date, plan.type, plan.topic) in seen:
            number += 1
            plan.topic = f"{base}（{chinese_ordinal(number)}）"
        seen.add((plan.date, plan.type, plan.topic))
    return planned


# --- the year's plan ----------------------------------------------------------------------------


def _plan_year(y: _Year, sittings: bool = True, training: bool = False) -> list[_Planned]:
    rng = y.rng
    presidium = f"{y.town}人大主席团"
    plans: list[_Planned] = []
    if sittings:
        plans += _congress(y, presidium)
    for kind, pool, count in ((T.INSPECTION, INSPECTIONS, rng.randint(3, 4)),
                              (T.LAW_ENFORCEMENT_CHECK, LAW_CHECKS, 2),
                              (T.RESEARCH, RESEARCH, rng.randint(2, 3))):
        for topic, place, summary, opinions in rng.sample(pool, count):
            plans.append(_Planned(
                kind, y.weekday(3, 11), topic, y.place(place), presidium, (8, 30), (12, 0),
                summary=summary, opinions=opinions, invite="some", size=rng.randint(8, 14),
                other=f"{y.town}人民政府分管领导及相关站所负责人",
                follow_up="活动中提出的意见建议已整理成书面报告，交镇人民政府研究办理。"))
    for topic, who in rng.sample(INQUIRIES, rng.randint(1, 2)):
        plans.append(_Planned(
            T.INQUIRY, y.weekday(5, 11), topic, f"{y.town}人民政府会议室", presidium, (14, 30), (17, 0),
            summary=f"代表围绕群众关心的问题提出询问，{who}", other=who,
            opinions="1. 要求相关部门对询问中提出的问题列出清单、限期整改。", size=rng.randint(12, 18)))
    for subject in rng.sample(GOVERNMENT_MEETINGS, rng.randint(4, 6)):
        plans.append(_Planned(
            T.ATTEND_MEETING, y.weekday(), f"列席{y.town}人民政府常务会议（{subject}）",
            f"{y.town}人民政府会议室", f"{y.town}人民政府", (9, 0), (11, 30), invite="few",
            size=rng.randint(2, 3),
            summary=f"列席会议，听取了{subject.removeprefix('研究')}的汇报并发表意见。"))
    plans += _receptions(y)
    plans += _duty_reports(y, presidium)
    plans += _group_meetings(y)
    # A year with a training plan has its trainings from the plan (demo_training); a year before
    # the office kept plans in the app has them as plain activities.
    for topic in rng.sample(TRAINING, rng.randint(1, 2)) if training else ():
        plans.append(_Planned(
            T.TRAINING, y.weekday(3, 10), topic, f"{y.town}党群服务中心会议室", presidium, (9, 0), (16, 30),
            invite="all", summary="邀请县人大常委会有关工作机构负责同志授课，讲解代表履职的基本要求和方法。"))
    plans.append(_Planned(
        T.OTHER, y.weekday(4, 10), rng.choice(OTHER), y.place("{village}"), presidium, (8, 30), (17, 0),
        size=rng.randint(8, 12), summary="代表们实地观摩，交流了履职经验。"))
    _not_after_today(y, plans)
    for plan in plans:
        _invite(y, plan)
    return plans


def _congress(y: _Year, presidium: str) -> list[_Planned]:
    """One or two sittings; the first also votes the year's livelihood projects (票决)."""
    rng = y.rng
    sittings = 2 if rng.random() < 0.5 else 1
    plans: list[_Planned] = []
    for index in range(sittings):
        first, last = CONGRESS_MONTHS[index]
        date = y.weekday(first, last)
        serving = y.serving(date)
        ordinal = max((p.term_ordinal for p in serving), default=0)
        start = y.term_starts.get(ordinal)
        number = f"第{chinese_ordinal((y.year - start) * 2 + index)}次" if start and y.year > start else ""
        term = f"第{chinese_ordinal(ordinal)}届" if ordinal else ""
        topic = f"{y.town}{term}人民代表大会{number}会议"
        sitting = _Planned(
            T.CONGRESS_SESSION, date, topic, f"{y.town}人民政府大会堂", presidium, (8, 30), (17, 30),
            invite="all", other=f"列席：{y.town}人民政府各部门负责人，各村（社区）党组织书记",
            summary=("听取和审议镇人民政府工作报告、财政预算执行情况和预算草案的报告、主席团工作报告，"
                     "选举产生相关人员。" if index == 0 else
                     "听取和审议镇人民政府上半年工作情况和民生实事项目推进情况的报告。"))
        plans.append(sitting)
        if index == 0:
            projects = rng.sample(LIVELIHOOD_PROJECTS, 5)
            plans.append(_Planned(
                T.LIVELIHOOD_VOTE, date, f"票决{y.year}年度民生实事项目", f"{y.town}人民政府大会堂",
                presidium, (15, 0), (16, 0), invite="all", same_as=sitting,
                summary=f"代表对候选项目进行无记名投票，票决产生{'、'.join(projects)}等5个民生实事项目。"))
    return plans


def _receptions(y: _Year) -> list[_Planned]:
    """Each station receives voters about once a month, two or three deputies on duty."""
    rng = y.rng
    plans = []
    for station_id, station in y.stations.items():
        for month in range(1, 13):
            if rng.random() < 0.15:
                continue  # busy farming months and holidays: a month without reception
            date = y.weekday(month, month)
            items = rng.sample(OPINIONS, rng.randint(1, 3))
            opinions = "\n".join(f"{n}. {text}" for n, text in enumerate(items, start=1))
            plans.append(_Planned(
                T.VOTER_RECEPTION, date, f"{station}代表接待选民日（{month}月）", station, station,
                (9, 0), (11, 30), voters=rng.randint(4, 26), station_id=station_id, invite="station",
                size=rng.randint(2, 3), opinions=opinions,
                summary=f"代表在联络站接待来访选民，登记意见建议{len(items)}条。",
                follow_up="意见建议已登记，转镇有关部门办理并向选民反馈。"))
    return plans


def _duty_reports(y: _Year, presidium: str) -> list[_Planned]:
    """Three to five sessions where a few deputies each report to voters, who rate them."""
    rng = y.rng
    plans = []
    stations: list[tuple[int | None, str]] = [*y.stations.items()] or [(None, f"{y.town}人大代表之家")]
    for number in range(1, rng.randint(3, 5) + 1):
        station_id, station = rng.choice(stations)
        plans.append(_Planned(
            T.DUTY_REPORT, y.weekday(6, 12), f"人大代表向选民述职评议会（第{chinese_ordinal(number)}场）",
            station, presidium, (14, 30), (17, 0), voters=rng.randint(30, 60), station_id=station_id,
            invite="reporters", size=rng.randint(4, 6),
            summary="述职代表报告了履职情况，选民代表进行了现场测评。"))
    return plans


def _group_meetings(y: _Year) -> list[_Planned]:
    """Every group meets several times; some fewer than six a year, so a shortfall shows."""
    rng = y.rng
    plans = []
    counts = [7, 6, 6, 5, 4]
    for group_id, name in y.groups.items():
        times = counts[(group_id + rng.randrange(len(counts))) % len(counts)]
        months = sorted(rng.sample(range(1, 13), times))
        short, _, area = name.removesuffix("）").partition("（")
        home = [v for v, a in y.areas.items() if a and a == area] or list(y.villages)
        for month, subject in zip(months, rng.sample(GROUP_SUBJECTS, times), strict=True):
            plans.append(_Planned(
                T.GROUP_MEETING, y.weekday(month, month), f"{short}{subject}", rng.choice(home), name,
                (14, 30), (17, 0), group_id=group_id, invite="group",
                summary=f"{short}组织小组代表{subject}。"))
    return plans


def _not_after_today(y: _Year, plans: list[_Planned]) -> None:
    """The current year only so far: later plans are dropped, but each type keeps one (moved to
    a day already past), so every kind of activity shows from the first days of January. The
    票决 goes wherever its sitting goes."""
    past = {id(p) for p in plans if p.date <= y.last_day}
    for kind in {p.type for p in plans} - {p.type for p in plans if id(p) in past}:
        first = min((p for p in plans if p.type == kind), key=lambda p: p.date)
        moved = first.same_as or first
        moved.date = dt.date.fromordinal(y.rng.randint(dt.date(y.year, 1, 1).toordinal(),
                                                       y.last_day.toordinal()))
        past.add(id(moved))
    for plan in plans:
        if plan.same_as is not None:
            plan.date = plan.same_as.date
    plans[:] = [p for p in plans if id(p.same_as or p) in past]


# --- who was there ------------------------------------------------------------------------------


def _attendance(rng: random.Random, excused: float = 0.09, absent: float = 0.03) -> Attendance:
    draw = rng.random()
    if draw < absent:
        return Attendance.ABSENT
    if draw < absent + excused:
        return Attendance.EXCUSED
    return Attendance.PRESENT


def _invite(y: _Year, plan: _Planned) -> None:
    """The deputies serving on the day that this kind of activity invites, with attendance."""
    rng = y.rng
    if plan.same_as is not None:
        plan.participants = [ParticipantInput(p.deputy_id, p.attendance)
                             for p in plan.same_as.participants]
        return
    serving = y.serving(plan.date)
    township_level = [p for p in serving if p.township_level]
    if plan.invite == "all":
        chosen = township_level
    elif plan.invite == "group":
        chosen = [p for p in serving if p.group_id == plan.group_id]
    elif plan.invite == "station":
        at_station = [p for p in serving if p.station_id == plan.station_id]
        chosen = rng.sample(at_station, min(plan.size, len(at_station)))
    else:  # some, few, reporters: a subset of the township's deputies
        chosen = rng.sample(township_level, min(plan.size, len(township_level)))
    if plan.type == T.CONGRESS_SESSION:
        plan.participants = _congress_attendance(rng, chosen)
    elif plan.type == T.DUTY_REPORT:
        plan.participants = [ParticipantInput(
            p.deputy_id, Attendance.PRESENT,
            rating=rng.choices([r for r, _ in RATING_WEIGHTS], [w for _, w in RATING_WEIGHTS])[0])
            for p in chosen]
    elif plan.type == T.VOTER_RECEPTION:
        plan.participants = [ParticipantInput(p.deputy_id, _attendance(rng, 0.1, 0.0)) for p in chosen]
    else:
        plan.participants = [ParticipantInput(p.deputy_id, _attendance(rng)) for p in chosen]


def _congress_attendance(rng: random.Random, chosen: list[ServingPeriod]) -> list[ParticipantInput]:
    """Nearly everyone: a few excused, one or two absent; about a quarter spoke in the review."""
    ids = [p.deputy_id for p in chosen]
    excused = set(rng.sample(ids, min(len(ids) // 10, rng.randint(1, 4))))
    rest = [i for i in ids if i not in excused]
    absent = set(rng.sample(rest, min(len(rest) // 20, rng.randint(1, 2))))
    participants = []
    for deputy_id in ids:
        if deputy_id in excused:
            participants.append(ParticipantInput(deputy_id, Attendance.EXCUSED))
        elif deputy_id in absent:
            participants.append(ParticipantInput(deputy_id, Attendance.ABSENT))
        else:
            participants.append(ParticipantInput(deputy_id, Attendance.PRESENT, spoke=rng.random() < 0.25))
    return participants


# --- writing ------------------------------------------------------------------------------------


def _write(session: Session, plans: list[_Planned], progress: Progress, year: int) -> int:
    """Validate each activity as the form would, then insert the year in batches."""
    inputs = [validate_input(ActivityInput(
        type=plan.type, activity_date=plan.date, topic=plan.topic, place=plan.place,
        organiser=plan.organiser, start_time=dt.time(*plan.start), end_time=dt.time(*plan.end),
        other_participants=plan.other, voters_count=plan.voters, summary=plan.summary,
        opinions_raised=plan.opinions, follow_up=plan.follow_up, group_id=plan.group_id,
        station_id=plan.station_id, participants=plan.participants)) for plan in plans]
    return len(write_inputs(session, inputs, progress, year))


def write_inputs(session: Session, inputs: list[ActivityInput], progress: Progress, year: int) -> list[int]:
    """Insert validated activities and their attendance in batches; returns their ids in order."""
    activity_rows: list[dict[str, Any]] = []
    for data in inputs:
        activity_rows.append({
            "type": data.type, "activity_date": data.activity_date, "start_time": data.start_time,
            "end_time": data.end_time, "place": data.place, "topic": data.topic,
            "organiser": data.organiser, "other_participants": data.other_participants,
            "voters_count": data.voters_count, "summary": data.summary,
            "opinions_raised": data.opinions_raised, "follow_up": data.follow_up,
            "group_id": data.group_id, "station_id": data.station_id, "version": 1,
        })
    ids = insert_in_batches(session, Activity, activity_rows, progress, f"正在保存{year}年示范代表活动")
    rows = [{"activity_id": activity_id, "deputy_id": p.deputy_id, "attendance": p.attendance,
             "spoke": p.spoke, "rating": p.rating, "note": p.note}
            for activity_id, data in zip(ids, inputs, strict=True) for p in data.participants]
    insert_in_batches(session, Participation, rows, progress, f"正在保存{year}年活动出席情况", ids=False)
    return ids


def insert_in_batches(session: Session, model: type[Base], rows: list[dict[str, Any]], progress: Progress,
                      text: str, ids: bool = True) -> list[int]:
    """`mailbox.insert_rows` a batch at a time (each row with every column but the id), so that
    the progress bar moves and 取消 is heard between batches; the new ids in order, when asked."""
    new_ids: list[int] = []
    for start in range(0, len(rows), INSERT_BATCH):
        progress.report(start, len(rows), text)
        new_ids += insert_rows(session, model, rows[start:start + INSERT_BATCH], ids)
    progress.report(len(rows), len(rows), text)
    return new_ids
