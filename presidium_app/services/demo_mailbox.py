"""A demo year of the public opinion mailbox and a dozen deputy suggestions.

About 180 opinions over the twelve months up to today, through every channel, the letters linked
to fortnightly openings of the box by two staff members. Each item goes as far along the flow as
its age allows, by the services staff use (so every step is a real event): most old items are
closed, a few were refused or sent to 信访, some units are slow and their items are overdue today,
one follow-up in ten is dissatisfied and the item is handled again. A dozen suggestions of this
year, a few grown from opinions, are referred, replied A–D, rated and closed, with the unit's
visits and meetings recorded; the newest are still being handled.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from presidium_app.domain.deputies import Mandate
from presidium_app.domain.enums import (
    Channel,
    ContactKind,
    ContactStage,
    DeputyStatus,
    OpinionAction,
    ResultClass,
    Satisfaction,
    SuggestionAction,
)
from presidium_app.domain.mailbox import Opinion
from presidium_app.domain.suggestions import Suggestion
from presidium_app.services import handling_units, mailbox, settings, suggestions, workdays
from presidium_app.services.audit import Actor, unit_of_work
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.services.rules import current_term
from presidium_app.storage.database import Database

K = TypeVar("K")
OA = OpinionAction
SA = SuggestionAction

# (name, contact person, office phone)
UNITS = (
    ("党政综合办公室", "陈志刚", "0791-86210001"),
    ("经济发展办公室", "刘海燕", "0791-86210002"),
    ("农业农村办公室", "胡建平", "0791-86210003"),
    ("自然资源所", "周文斌", "0791-86210004"),
    ("规划建设办公室", "吴国华", "0791-86210005"),
    ("生态环境和城乡环境整治办公室", "黄丽萍", "0791-86210006"),
    ("社会事务办公室", "徐春梅", "0791-86210007"),
    ("社会治安综合治理中心", "朱明亮", "0791-86210008"),
    ("财政所", "郭晓东", "0791-86210009"),
    ("中心卫生院", "林玉兰", "0791-86210010"),
    ("中心学校", "何永强", "0791-86210011"),
    ("供电所", "高建军", "0791-86210012"),
)

# Category → what people write about it ({village} is where they live), and the unit that
# handles it. Written for the product: ordinary matters a township hears every week.
TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "交通道路": ("规划建设办公室", (
        "{village}通组公路多处路面破损，雨天积水严重，电动车和行人通行困难，希望尽快修补。",
        "{village}村口路段没有减速带和警示标志，学生上下学时车辆车速很快，存在安全隐患。",
        "{village}到镇上的公交班次太少，下午四点以后就没有车，老人看病很不方便。",
        "{village}桥梁护栏年久失修，部分已经断裂，建议检查后尽快维修。",
        "{village}路灯有七八盏不亮，晚上出行看不清路，请协调修复。",
    )),
    "农业农村": ("农业农村办公室", (
        "{village}高标准农田的灌溉渠堵塞，今年春灌受影响，请组织清淤。",
        "{village}种植户反映农资价格上涨，希望镇里组织统一采购或提供补贴信息。",
        "{village}土地流转合同不规范，部分农户租金迟迟拿不到，请帮助协调。",
        "{village}野猪下山糟蹋庄稼，损失不小，希望有关部门想办法防范。",
        "{village}农产品销路不畅，建议镇里牵线电商平台帮助销售。",
    )),
    "环境卫生": ("生态环境和城乡环境整治办公室", (
        "{village}垃圾收集点清运不及时，夏天气味很大，苍蝇多，影响周边住户。",
        "{village}有养殖场污水直排进小河，河水发黑发臭，请尽快查处。",
        "{village}村道两旁乱堆乱放建筑垃圾，影响村容村貌。",
        "{village}公共厕所损坏无人维修，群众使用很不方便。",
    )),
    "教育医疗": ("社会事务办公室", (
        "{village}卫生室医生只在上午坐诊，下午看病要跑镇上，希望延长服务时间。",
        "{village}小学放学后没有托管，双职工家庭接送困难，建议开设课后服务。",
        "{village}老人慢性病用药在卫生室买不到，希望增加常用药品种。",
        "{village}幼儿园收费偏高，希望镇里多办普惠性幼儿园。",
    )),
    "社会保障": ("社会事务办公室", (
        "{village}有困难老人独居，身体不好，希望纳入特困供养或增加探访。",
        "{village}部分群众对城乡居民医保缴费标准有疑问，希望上门宣传讲解。",
        "{village}残疾人两项补贴申请手续繁琐，希望简化办理流程。",
        "{village}养老服务站建好后一直没有开放，希望尽快投入使用。",
    )),
    "基层治理": ("社会治安综合治理中心", (
        "{village}村务公开栏长期不更新，群众不了解集体收支情况。",
        "{village}夜间有人在河边电鱼，破坏生态，希望加强巡查。",
        "{village}广场舞音响声音太大，晚上十点后还在跳，影响周边居民休息。",
        "{village}两户村民因宅基地边界发生纠纷，希望村里和镇里帮助调解。",
    )),
    "其他": ("党政综合办公室", (
        "{village}手机信号很差，部分区域打不通电话，希望协调通信公司增设基站。",
        "{village}经常停电，夏天用电高峰时电压不稳，家电容易损坏。",
        "{village}群众希望在村里设置便民服务代办点，办事不用每次都跑镇上。",
    )),
}
CATEGORY_WEIGHTS = {"交通道路": 24, "农业农村": 18, "环境卫生": 18, "教育医疗": 12, "社会保障": 10,
                    "基层治理": 12, "其他": 6}
POWER_TOPIC = "经常停电"  # handled by the 供电所, not the 党政综合办公室
CHANNEL_WEIGHTS = {Channel.MAILBOX: 30, Channel.VISIT: 25, Channel.PHONE: 18, Channel.WECHAT: 10,
                   Channel.WEB: 5, Channel.DEPUTY: 12}
OPENERS = (("王秀英", "李建国"), ("王秀英", "张丽华"), ("李建国", "张丽华"))

REJECT_REASONS = ("所反映事项已进入诉讼程序，依法不予受理", "所反映事项正在行政复议中，不予受理")
REDIRECT_REASONS = ("属个人信访诉求，已告知反映人到镇信访办登记",
                    "涉及个人劳动报酬争议，转镇信访办按程序办理")
REPLIES = ("已现场查看并安排整改，预计两周内完成。", "已列入今年工作计划，资金已落实。",
           "经核实情况属实，已责成所在村限期处理。", "已协调县直有关部门，近期将派人处理。",
           "已向反映人当面说明政策规定和办理进度。")

# (title, content, category, unit, result class): what deputies suggest to the presidium.
SUGGESTIONS = (
    ("关于加快农村公路提档升级的建议",
     "部分通组公路路面窄、破损多，建议分年度实施提档升级，优先安排学校和集市沿线路段。",
     "交通道路", "规划建设办公室", ResultClass.BEING_SOLVED),
    ("关于完善农村生活垃圾收运体系的建议",
     "建议增加垃圾收集点和清运频次，推行垃圾分类试点，建立保洁员考核制度。",
     "环境卫生", "生态环境和城乡环境整治办公室", ResultClass.SOLVED),
    ("关于加强农田水利设施管护的建议",
     "灌溉渠道年久失修，建议落实管护责任和经费，每年冬春组织清淤维修。",
     "农业农村", "农业农村办公室", ResultClass.SOLVED),
    ("关于开设小学课后托管服务的建议",
     "双职工家庭接送难，建议中心学校及各村小开设课后托管，费用由财政适当补助。",
     "教育医疗", "中心学校", ResultClass.PLANNED),
    ("关于提升村卫生室服务能力的建议",
     "建议村卫生室延长服务时间，增加慢性病常用药品，推行家庭医生签约服务。",
     "教育医疗", "中心卫生院", ResultClass.BEING_SOLVED),
    ("关于发展农村居家养老服务的建议",
     "建议盘活已建成的养老服务站，引入专业机构运营，为独居老人提供助餐和探访服务。",
     "社会保障", "社会事务办公室", ResultClass.PLANNED),
    ("关于规范农村土地流转管理的建议",
     "建议推行统一合同文本，建立流转纠纷调处机制，保障农户租金按时足额兑付。",
     "农业农村", "农业农村办公室", ResultClass.SOLVED),
    ("关于改善偏远村组通信信号的建议",
     "部分村组手机信号弱，建议协调通信公司增设基站，解决群众通话和上网难题。",
     "其他", "党政综合办公室", ResultClass.FOR_REFERENCE),
    ("关于加强集镇交通秩序管理的建议",
     "逢集日集镇道路拥堵，建议增设临时停车区，安排专人疏导交通。",
     "交通道路", "社会治安综合治理中心", ResultClass.SOLVED),
    ("关于加大农产品电商销售扶持力度的建议",
     "建议建设村级电商服务站，组织电商技能培训，帮助农户拓宽销路。",
     "农业农村", "经济发展办公室", ResultClass.BEING_SOLVED),
    ("关于整治河道污染的建议",
     "部分养殖场污水直排河道，建议开展专项整治，建设污水处理设施。",
     "环境卫生", "生态环境和城乡环境整治办公室", None),
    ("关于稳定农村电网供电质量的建议",
     "夏季用电高峰电压不稳、停电频繁，建议改造老旧线路和变压器。",
     "其他", "供电所", None),
)


@dataclass
class MailboxSummary:
    opinions: int = 0
    suggestions: int = 0


def fill_mailbox(
    db: Database, actor: Actor, rng: random.Random, villages: list[str], progress: Progress = NO_PROGRESS
) -> MailboxSummary:
    """The year of the mailbox up to today and this year's suggestions (see the module doc);
    `villages` are the township's villages and communities, where submitters live."""
    today = dt.date.today()
    units = {name: handling_units.add_unit(db, actor, name, person, phone) for name, person, phone in UNITS}
    mailbox.set_choices(db, actor, "village", villages)
    for month, day, name in ((1, 1, "元旦"), (5, 1, "劳动节"), (10, 1, "国庆节"), (10, 2, "国庆节"),
                             (10, 3, "国庆节")):
        workdays.set_calendar_day(db, actor, dt.date(today.year, month, day), False, f"{name}（法定假日）")
    deputies = _serving_deputies(db)
    summary = MailboxSummary()
    start = today - dt.timedelta(days=364)
    total_days = (today - start).days + 1
    planned = 180
    # Fortnightly openings on Mondays; each letter goes with the last opening on or before it.
    mondays = [start + dt.timedelta(days=d) for d in range(total_days)
               if (start + dt.timedelta(days=d)).weekday() == 0]
    openings = mondays[::2]
    items: list[tuple[dt.date, Channel, dt.date | None]] = []
    for number in range(planned):
        spread = int(total_days * number / planned) + rng.randint(0, 1)
        received = min(start + dt.timedelta(days=spread), today)
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        opened_on = max((on for on in openings if on <= received), default=None)
        if channel == Channel.MAILBOX and opened_on is None:
            channel = Channel.VISIT
        items.append((received, channel, opened_on if channel == Channel.MAILBOX else None))
    items.sort(key=lambda item: item[2] or item[0])  # numbered in the order registered
    opening_ids = {}
    for on in openings:
        first, second = rng.choice(OPENERS)
        letters = sum(1 for item in items if item[2] == on)
        opening_ids[on] = mailbox.record_opening(db, actor, on, first, second, letters)
    values = settings.get_all(db)
    with unit_of_work(db, actor, "demo.mailbox", "opinion") as change:
        for number, item in enumerate(items):
            if number % 20 == 0:
                progress.report(number, planned, "正在生成示范社情民意")
            _add_opinion(change.session, actor, rng, item, deputies, villages, opening_ids, units, values,
                         today)
        change.summary = f"填入示范社情民意：{planned}件"
    summary.opinions = planned
    with unit_of_work(db, actor, "demo.suggestions", "suggestion") as change:
        summary.suggestions = _fill_suggestions(change.session, actor, rng, units, deputies, values, today)
        change.summary = f"填入示范代表建议：{summary.suggestions}件"
    progress.report(planned, planned, "示范社情民意已生成")
    return summary


def _add_opinion(session: Session, actor: Actor, rng: random.Random,
                 item: tuple[dt.date, Channel, dt.date | None], deputies: list[int], villages: list[str],
                 opening_ids: dict[dt.date, int], units: dict[str, int], values: Mapping[str, float],
                 today: dt.date) -> None:
    received, channel, opened_on = item
    category = _weighted(rng, CATEGORY_WEIGHTS)
    unit_name, texts = TOPICS[category]
    village = rng.choice(villages)
    content = rng.choice(texts).format(village=village)
    if POWER_TOPIC in content:
        unit_name = "供电所"
    submitter = None
    if rng.random() > 0.18:
        submitter = mailbox.SubmitterInput(name=_person(rng), phone=_phone(rng), address=village)
    opinion = mailbox.register_in_session(session, actor, mailbox.OpinionInput(
        received_on=opened_on or received, channel=channel, content=content, submitter=submitter,
        village=village, category=category,
        mailbox_opening_id=opening_ids[opened_on] if opened_on else None,
        receiving_deputy_id=rng.choice(deputies) if channel == Channel.DEPUTY and deputies else None))
    _handle_opinion(session, actor, rng, opinion, units[unit_name], values, today)


def _handle_opinion(session: Session, actor: Actor, rng: random.Random, opinion: Opinion, unit: int,
                    values: Mapping[str, float], today: dt.date) -> None:
    """Take the item as far along the flow as its age allows."""
    on = opinion.received_on + dt.timedelta(days=rng.randint(0, 4))

    def act(action: OpinionAction, **fields: object) -> bool:
        if on > today:
            return False
        mailbox.apply_action_in_session(
            session, actor, opinion, action, on, values, **fields)  # type: ignore[arg-type]
        return True

    roll = rng.random()
    if roll < 0.04:
        act(OA.REJECT, reason=rng.choice(REJECT_REASONS))
        return
    if roll < 0.08:
        act(OA.REDIRECT, reason=rng.choice(REDIRECT_REASONS))
        return
    if not act(OA.ASSIGN, lead_unit_id=unit):
        return
    if rng.random() < 0.04:  # misdirected: the unit sends it back, the office assigns it again
        on += dt.timedelta(days=rng.randint(2, 6))
        if not act(OA.UNIT_RETURN, reason="不属本单位职责范围"):
            return
        on += dt.timedelta(days=1)
        if not act(OA.ASSIGN, lead_unit_id=unit):
            return
    slow = rng.random() < 0.3
    for attempt in range(2):
        on += dt.timedelta(days=rng.randint(35, 100) if slow and attempt == 0 else rng.randint(8, 26))
        if not act(OA.REPLY, note=rng.choice(REPLIES)):
            return
        on += dt.timedelta(days=rng.randint(1, 3))
        if not act(OA.FEED_BACK, note="已电话告知反映人办理结果"):
            return
        on += dt.timedelta(days=rng.randint(3, 10))
        if attempt == 0 and rng.random() < 0.1:
            if not act(OA.REDO, note="反映人认为问题没有解决"):
                return
            continue
        pleased = Satisfaction.SATISFIED if rng.random() < 0.75 else Satisfaction.BASICALLY_SATISFIED
        if not act(OA.FOLLOW_UP, satisfaction=pleased, note="电话回访"):
            return
        on += dt.timedelta(days=rng.randint(1, 5))
        act(OA.CLOSE)
        return


def _fill_suggestions(session: Session, actor: Actor, rng: random.Random, units: dict[str, int],
                      deputies: list[int], values: Mapping[str, float], today: dt.date) -> int:
    """This year's suggestions, mostly put forward around the congress sitting early in the year."""
    if len(deputies) < 3:
        return 0
    made = 0
    for number, (title, content, category, unit_name, result) in enumerate(SUGGESTIONS):
        submitted = dt.date(today.year, 1, 8) + dt.timedelta(days=number * 9 + rng.randint(0, 5))
        if result is None:  # the newest, still being handled
            submitted = today - dt.timedelta(days=120 if number % 2 else 40)
        submitted = min(submitted, today)
        lead, *co = rng.sample(deputies, 1 + rng.randint(0, 3))
        suggestion = suggestions.create_in_session(session, actor, suggestions.SuggestionInput(
            submitted_on=submitted, title=title, content=content, lead_deputy_id=lead, co_signer_ids=co,
            category=category))
        made += 1
        _handle_suggestion(session, actor, rng, suggestion, units[unit_name], result, values, today)
    return made


def _handle_suggestion(session: Session, actor: Actor, rng: random.Random, suggestion: Suggestion,
                       unit: int, result: ResultClass | None, values: Mapping[str, float],
                       today: dt.date) -> None:
    def act(action: SuggestionAction, on: dt.date, **fields: object) -> None:
        suggestions.apply_action_in_session(
            session, actor, suggestion, action, on, values, **fields)  # type: ignore[arg-type]

    def meet(on: dt.date, stage: ContactStage, kind: ContactKind) -> None:
        suggestions.add_contact_in_session(session, actor, suggestion, on, stage, kind, unit,
                                           "承办单位负责同志、领衔代表")

    on = suggestion.submitted_on + dt.timedelta(days=rng.randint(7, 15))
    if on > today:
        return
    act(SA.REFER, on, lead_unit_id=unit)
    met = on + dt.timedelta(days=rng.randint(3, 10))
    for stage, kind, gap in ((ContactStage.BEFORE, ContactKind.VISIT, 0),
                             (ContactStage.DURING, ContactKind.SITE, 25),
                             (ContactStage.DURING, ContactKind.MEETING, 20)):
        met += dt.timedelta(days=gap)
        if met <= today:
            meet(met, stage, kind)
    if result is None:
        return
    on += dt.timedelta(days=rng.randint(50, 85))
    if on > today:
        return
    act(SA.REPLY, on, result_class=result, note=f"经研究，该建议{result.label}，具体情况已书面答复代表。")
    on += dt.timedelta(days=rng.randint(5, 15))
    after = on
    for stage, kind in ((ContactStage.AFTER, ContactKind.VISIT), (ContactStage.AFTER, ContactKind.MEETING)):
        if after <= today:
            meet(after, stage, kind)
        after += dt.timedelta(days=3)
    if on > today:
        return
    if result == ResultClass.FOR_REFERENCE:
        act(SA.REDO, on, note="代表认为答复不具体，要求重新办理")
        return
    pleased = Satisfaction.SATISFIED if result == ResultClass.SOLVED else Satisfaction.BASICALLY_SATISFIED
    act(SA.RATE, on, satisfaction=pleased)
    on += dt.timedelta(days=rng.randint(2, 6))
    if on <= today:
        act(SA.CLOSE, on)


def _serving_deputies(db: Database) -> list[int]:
    with db.session() as session:
        term = current_term(session)
        if term is None:
            return []
        return list(session.scalars(
            select(Mandate.deputy_id)
            .where(Mandate.term_id == term.id, Mandate.status == DeputyStatus.SERVING)
            .order_by(Mandate.id)))


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = ("秀英", "桂英", "建国", "志强", "海燕", "春梅", "国华", "建华", "明", "伟", "芳", "娟", "军",
         "勇", "杰", "丽", "强", "磊", "洋", "艳", "敏", "静", "涛", "超", "金凤", "玉兰", "德明",
         "长生", "福生", "水根")


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    prefix = rng.choice(("138", "139", "150", "151", "158", "177", "180", "187"))
    return prefix + f"{rng.randrange(10**8):08d}"


def _weighted(rng: random.Random, weights: dict[K, int]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
