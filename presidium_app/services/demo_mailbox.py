"""The demo mailbox (社情民意) and deputy suggestions (代表建议), written in bulk.

The mailbox runs from `start` to today, about `per_year` opinions a year through every channel,
the letters linked to fortnightly openings of the box by two staff members. Each item's whole
history is generated here, as far along the flow as its age allows, by the rules the state
machine enforces (`mailbox.TRANSITIONS`; every step dated on or after the one before; the status
is the last event's; 交办 and 不满意重办 carry the unit and the deadline of the 办理期限 settings):
most old items are closed, a few were refused or sent to 信访, some units are slow and their items
are overdue today, one follow-up in ten is dissatisfied and the item is handled again, a few are
sent back by a misdirected unit. Items are numbered per year in the order registered.

Suggestions (`suggestions.TRANSITIONS`): `suggestions_per_year` in each of `suggestion_years`,
mostly put forward around the congress sitting early in the year, a few grown from opinions a
deputy passed on; referred, replied A–D, rated (re-handled when the deputy is not satisfied) and
closed, with the unit's visits and meetings (三访两见面); the newest are still being handled.

Why not the services' in-session functions, as staff's ledger import does: they flush and look up
per step (~16 ms an opinion), and the load-test township holds 10^5 opinions. Rows are inserted
with Core `insert()` executemany, a chunk at a time (memory stays flat), in one unit of work and
one audit entry per area; `tests/test_demo.py` replays the histories through the state machines.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from presidium_app.domain.base import Base
from presidium_app.domain.enums import (
    Channel,
    ContactKind,
    ContactStage,
    OpinionAction,
    OpinionStatus,
    ResultClass,
    Satisfaction,
    SuggestionAction,
    SuggestionStatus,
)
from presidium_app.domain.mailbox import (
    CalendarDay,
    MailboxOpening,
    Opinion,
    OpinionAssistingUnit,
    OpinionEvent,
    Submitter,
)
from presidium_app.domain.suggestions import (
    Suggestion,
    SuggestionContact,
    SuggestionCoSigner,
    SuggestionEvent,
)
from presidium_app.services import handling_units, mailbox, settings, suggestions, workdays
from presidium_app.services.activities import ServingPeriod, serving_periods
from presidium_app.services.audit import Actor, now, unit_of_work
from presidium_app.services.mailbox import insert_rows
from presidium_app.services.progress import NO_PROGRESS, Progress
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



S = OpinionStatus
SS = SuggestionStatus
CHUNK = 2500  # opinions generated and written at a time: memory stays flat at 10^5
HOLIDAYS = ((1, 1, "元旦"), (5, 1, "劳动节"), (10, 1, "国庆节"), (10, 2, "国庆节"), (10, 3, "国庆节"))
RESULT_WEIGHTS = {ResultClass.SOLVED: 40, ResultClass.BEING_SOLVED: 30, ResultClass.PLANNED: 20,
                  ResultClass.FOR_REFERENCE: 10}
CONTACT_PEOPLE = "承办单位负责同志、领衔代表"

_Contact = tuple[dt.date, ContactStage, ContactKind]
# One step of an opinion's history: (action, on, from, to, note, reason, lead unit, deadline,
# satisfaction, assisting unit).
_Step = tuple[OpinionAction, dt.date, OpinionStatus | None, OpinionStatus, str, str, int | None,
              dt.date | None, Satisfaction | None, int | None]


@dataclass
class MailboxSummary:
    opinions: int = 0
    suggestions: int = 0


@dataclass
class _Item:
    """One opinion before it is written: where it came from and its whole history."""

    registered: dt.date
    channel: Channel
    opening: dt.date | None
    year: int = 0
    seq: int = 0


@dataclass
class _FromDeputy:
    """An opinion a deputy passed on, which may grow into that deputy's suggestion."""

    opinion_id: int
    on: dt.date
    deputy_id: int
    content: str
    category: str
    unit: str


@dataclass
class _World:
    """What every generated item draws on."""

    db: Database
    session: Session
    rng: random.Random
    user: str
    today: dt.date
    stamp: dt.datetime  # now: no record is stamped later
    values: Mapping[str, float]
    units: dict[str, int]
    villages: list[str]
    serving: _Serving
    from_deputies: dict[int, list[_FromDeputy]] = field(default_factory=dict)
    _moments: dict[tuple[dt.date, int], dt.datetime] = field(default_factory=dict)

    def recorded(self, on: dt.date, step: int) -> dt.datetime:
        """When a step was entered: its own day, in office hours, never after now."""
        key = (on, step)
        moment = self._moments.get(key)
        if moment is None:
            moment = dt.datetime.combine(on, dt.time(9)) + dt.timedelta(minutes=7 * step)
            moment = self._moments[key] = min(moment, self.stamp)
        return moment


class _Serving:
    """Township deputies serving in a month (the 15th, or today), for the deputies who pass on
    opinions and put forward suggestions; one scan of the periods per month asked."""

    def __init__(self, periods: list[ServingPeriod], today: dt.date) -> None:
        self.periods = [p for p in periods if p.township_level]
        self.today = today
        self.months: dict[tuple[int, int], list[int]] = {}

    def on(self, day: dt.date) -> list[int]:
        key = (day.year, day.month)
        if key not in self.months:
            probe = min(dt.date(day.year, day.month, 15), self.today)
            self.months[key] = sorted({p.deputy_id for p in self.periods if p.serves_on(probe)})
        return self.months[key]


def fill_mailbox(
    db: Database, actor: Actor, rng: random.Random, villages: list[str], progress: Progress = NO_PROGRESS,
    *, start: dt.date | None = None, per_year: int = 180, suggestion_years: Sequence[int] = (),
    suggestions_per_year: int = 12,
) -> MailboxSummary:
    """The mailbox from `start` (default: twelve months ago) to today and the suggestions of
    `suggestion_years` (default: this year); see the module doc. `villages` are the township's
    villages and communities, where submitters live."""
    today = dt.date.today()
    start = start or today - dt.timedelta(days=364)
    total_days = (today - start).days + 1
    planned = round(per_year * total_days / 365)
    units = {name: handling_units.add_unit(db, actor, name, person, phone) for name, person, phone in UNITS}
    mailbox.set_choices(db, actor, "village", villages)
    values = settings.get_all(db)
    with db.session() as session:
        periods = serving_periods(session)
    summary = MailboxSummary()
    with unit_of_work(db, actor, "demo.mailbox", "opinion") as change:
        world = _World(db, change.session, rng, actor.name, today, now(), values, units, villages,
                       _Serving(periods, today))
        _fill_calendar(world, start.year)
        items, openings = _plan_items(rng, start, today, planned)
        opening_ids = _write_openings(world, openings, items)
        for first in range(0, len(items), CHUNK):
            progress.report(first, len(items), "正在生成示范社情民意")
            _write_opinions(world, items[first:first + CHUNK], opening_ids)
        progress.report(len(items), len(items), "正在生成示范社情民意")
        summary.opinions = len(items)
        change.summary = f"填入示范社情民意：{len(items)}件（{start.isoformat()}起，开箱{len(openings)}次）"
        change.after = {"opinions": len(items), "openings": len(openings), "from": start}
    with unit_of_work(db, actor, "demo.suggestions", "suggestion") as change:
        world.session = change.session
        years = list(suggestion_years) or [today.year]
        for number, year in enumerate(years):
            progress.report(number, len(years), "正在生成示范代表建议")
            summary.suggestions += _fill_suggestions(world, year, suggestions_per_year)
        progress.report(len(years), len(years), "正在生成示范代表建议")
        change.summary = f"填入示范代表建议：{summary.suggestions}件"
        change.after = {"suggestions": summary.suggestions, "years": years}
    return summary


# --- bulk writing -------------------------------------------------------------------------------


def _insert(world: _World, model: type[Base], rows: list[dict[str, Any]], ids: bool = True) -> list[int]:
    """The rows in bulk and their new ids in order (`mailbox.insert_rows`, which the opinions
    ledger's import uses too)."""
    return insert_rows(world.session, model, rows, ids)


def _fill_calendar(world: _World, first_year: int) -> None:
    """The public holidays of every year of the mailbox (the office keeps them; see workdays)."""
    known = set(world.session.scalars(select(CalendarDay.day)))
    rows = [{"day": day, "is_workday": False, "note": f"{name}（法定假日）"}
            for year in range(first_year, world.today.year + 1)
            for month, number, name in HOLIDAYS
            if (day := dt.date(year, month, number)) not in known]
    _insert(world, CalendarDay, rows, ids=False)


def _plan_items(rng: random.Random, start: dt.date, today: dt.date,
                planned: int) -> tuple[list[_Item], list[dt.date]]:
    """When each item came and by which channel, numbered per year in the order registered;
    letters wait in the box for the last opening (every other Monday) on or before their day."""
    total_days = (today - start).days + 1
    first_monday = start + dt.timedelta(days=-start.weekday() % 7)
    openings = [first_monday + dt.timedelta(days=14 * n)
                for n in range((today - first_monday).days // 14 + 1)]
    items = []
    for number in range(planned):
        spread = int(total_days * number / planned) + rng.randint(0, 1)
        received = min(start + dt.timedelta(days=spread), today)
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        index = bisect.bisect_right(openings, received) - 1
        if channel == Channel.MAILBOX and index < 0:
            channel = Channel.VISIT
        opened = openings[index] if channel == Channel.MAILBOX else None
        items.append(_Item(opened or received, channel, opened))
    items.sort(key=lambda item: item.registered)
    seq: dict[int, int] = {}
    for item in items:
        item.year = item.registered.year
        item.seq = seq[item.year] = seq.get(item.year, 0) + 1
    return items, openings


def _write_openings(world: _World, openings: list[dt.date], items: list[_Item]) -> dict[dt.date, int]:
    letters: dict[dt.date, int] = {}
    for item in items:
        if item.opening is not None:
            letters[item.opening] = letters.get(item.opening, 0) + 1
    rows = []
    for on in openings:
        first, second = world.rng.choice(OPENERS)
        rows.append({"opened_on": on, "opened_by_1": first, "opened_by_2": second,
                     "item_count": letters.get(on, 0), "note": ""})
    return dict(zip(openings, _insert(world, MailboxOpening, rows), strict=True))


def _write_opinions(world: _World, items: list[_Item], opening_ids: dict[dt.date, int]) -> None:
    """One chunk: submitters, opinions, their events and the assisting units of each 交办."""
    rng = world.rng
    submitters: list[dict[str, Any]] = []
    opinions: list[dict[str, Any]] = []
    histories: list[list[_Step]] = []
    passed_on: list[tuple[int, _Item, int, str, str, str]] = []  # (row, item, deputy, content, …)
    for item in items:
        category = _weighted(rng, CATEGORY_WEIGHTS)
        unit_name, texts = TOPICS[category]
        village = rng.choice(world.villages)
        content = rng.choice(texts).format(village=village)
        if POWER_TOPIC in content:
            unit_name = "供电所"
        submitter = None
        if rng.random() > 0.18:
            submitter = len(submitters)
            submitters.append({"name": _person(rng), "phone": _phone(rng), "id_number": None,
                               "address": village})
        deputy = None
        if item.channel == Channel.DEPUTY:
            serving = world.serving.on(item.registered)
            deputy = rng.choice(serving) if serving else None
            if deputy is not None:
                passed_on.append((len(opinions), item, deputy, content, category, unit_name))
        steps = _opinion_history(world, item.registered, world.units[unit_name])
        last = steps[-1]
        lead, deadline = _current_unit(steps)
        opinions.append({
            "year": item.year, "seq": item.seq, "received_on": item.registered, "channel": item.channel,
            "submitter_id": submitter, "village": village, "category": category, "content": content,
            "receiving_deputy_id": deputy,
            "mailbox_opening_id": opening_ids[item.opening] if item.opening else None,
            "activity_id": None, "status": last[3], "lead_unit_id": lead, "deadline": deadline,
            "version": 1,
        })
        histories.append(steps)
    submitter_ids = _insert(world, Submitter, submitters)
    for row in opinions:
        if row["submitter_id"] is not None:
            row["submitter_id"] = submitter_ids[row["submitter_id"]]
    opinion_ids = _insert(world, Opinion, opinions)
    events: list[dict[str, Any]] = []
    assisting: list[tuple[int, int, int, dt.date]] = []  # (event row, opinion, unit, due)
    months = int(world.values["deadlines.assisting_months"])
    for opinion_id, steps in zip(opinion_ids, histories, strict=True):
        for number, (action, on, before, after, note, reason, lead, deadline, pleased,
                     helper) in enumerate(steps):
            if helper is not None:
                assisting.append((len(events), opinion_id, helper, workdays.add_months(on, months)))
            events.append({
                "opinion_id": opinion_id, "action": action, "at": on,
                "recorded_at": world.recorded(on, number), "user": world.user, "note": note,
                "reason": reason, "from_status": before, "to_status": after, "lead_unit_id": lead,
                "deadline": deadline, "satisfaction": pleased,
            })
    event_ids = _insert(world, OpinionEvent, events, ids=bool(assisting))
    _insert(world, OpinionAssistingUnit, [
        {"event_id": event_ids[row], "opinion_id": opinion_id, "unit_id": unit, "deadline": due}
        for row, opinion_id, unit, due in assisting], ids=False)
    for index, item, deputy, content, category, unit_name in passed_on:
        world.from_deputies.setdefault(item.year, []).append(
            _FromDeputy(opinion_ids[index], item.registered, deputy, content, category, unit_name))


def _current_unit(steps: list[_Step]) -> tuple[int | None, dt.date | None]:
    """The opinion's lead unit and deadline after its steps, as `apply_action_in_session` keeps
    them: set by 交办 and 不满意重办, cleared by 承办单位退回, kept by the other steps."""
    lead: int | None = None
    deadline: dt.date | None = None
    for action, _on, _before, _after, _note, _reason, unit, due, _pleased, _helper in steps:
        if action in (OA.ASSIGN, OA.REDO):
            lead, deadline = unit, due
        elif action == OA.UNIT_RETURN:
            lead, deadline = None, None
    return lead, deadline


def _opinion_history(world: _World, registered: dt.date, unit: int) -> list[_Step]:
    """The item's steps, as far along the flow as its age allows (nothing after today)."""
    rng, today, values = world.rng, world.today, world.values
    steps: list[_Step] = [(OA.REGISTER, registered, None, S.REGISTERED, "", "", None, None, None, None)]
    on = registered + dt.timedelta(days=_between(rng, 0, 4))

    def act(action: OpinionAction, note: str = "", reason: str = "",
            pleased: Satisfaction | None = None, helper: int | None = None) -> bool:
        if on > today:
            return False
        before = steps[-1][3]
        after = mailbox.TRANSITIONS[(before, action)]
        lead, deadline = None, None
        if action == OA.ASSIGN:
            lead, deadline = unit, on + dt.timedelta(days=int(values["deadlines.opinion_days"]))
        elif action == OA.REDO:
            lead, deadline = unit, on + dt.timedelta(days=int(values["deadlines.redo_days"]))
            pleased = Satisfaction.DISSATISFIED
        steps.append((action, on, before, after, note, reason, lead, deadline, pleased, helper))
        return True

    def assign() -> bool:
        helper = None
        if rng.random() < 0.08:  # a second office gives its view (协办)
            helper = rng.choice([u for u in world.units.values() if u != unit])
        return act(OA.ASSIGN, helper=helper)

    roll = rng.random()
    if roll < 0.04:
        act(OA.REJECT, reason=rng.choice(REJECT_REASONS))
        return steps
    if roll < 0.08:
        act(OA.REDIRECT, reason=rng.choice(REDIRECT_REASONS))
        return steps
    if not assign():
        return steps
    if rng.random() < 0.04:  # misdirected: the unit sends it back, the office assigns it again
        on += dt.timedelta(days=_between(rng, 2, 6))
        if not act(OA.UNIT_RETURN, reason="不属本单位职责范围"):
            return steps
        on += dt.timedelta(days=1)
        if not assign():
            return steps
    if rng.random() < 0.01 and registered > today - dt.timedelta(days=365):
        on = today + dt.timedelta(days=1)  # a unit that has not answered: overdue until pressed
    slow = rng.random() < 0.3
    for attempt in range(2):
        on += dt.timedelta(days=_between(rng, 35, 100) if slow and attempt == 0 else _between(rng, 8, 26))
        if not act(OA.REPLY, note=rng.choice(REPLIES)):
            return steps
        on += dt.timedelta(days=_between(rng, 1, 3))
        if not act(OA.FEED_BACK, note="已电话告知反映人办理结果"):
            return steps
        on += dt.timedelta(days=_between(rng, 3, 10))
        if attempt == 0 and rng.random() < 0.1:
            if not act(OA.REDO, note="反映人认为问题没有解决"):
                return steps
            continue
        pleased = Satisfaction.SATISFIED if rng.random() < 0.75 else Satisfaction.BASICALLY_SATISFIED
        if not act(OA.FOLLOW_UP, pleased=pleased, note="电话回访"):
            return steps
        on += dt.timedelta(days=_between(rng, 1, 5))
        act(OA.CLOSE)
        return steps
    return steps


# --- suggestions --------------------------------------------------------------------------------


def _suggestion_days(rng: random.Random, year: int, count: int, today: dt.date) -> list[dt.date]:
    """Four in five around the congress sitting (from 8 January), the rest through the year;
    this year's not after today."""
    early = count - count // 5
    days = []
    for number in range(count):
        if number < early:
            offset = number * 9 * 12 // max(early, 12) + rng.randint(0, 5)
            day = dt.date(year, 1, 8) + dt.timedelta(days=offset)
        else:
            offset = (number - early) * 250 // max(1, count - early) + rng.randint(0, 9)
            day = dt.date(year, 4, 1) + dt.timedelta(days=offset)
        days.append(min(day, today))
    if year == today.year and count >= 2:  # the newest, still being handled
        days[-1] = max(dt.date(year, 1, 1), today - dt.timedelta(days=40))
        days[-2] = max(dt.date(year, 1, 1), today - dt.timedelta(days=120))
    return sorted(days)


def _fill_suggestions(world: _World, year: int, count: int) -> int:
    rng = world.rng
    days = _suggestion_days(rng, year, count, world.today)
    rows: list[dict[str, Any]] = []
    extras: list[tuple[list[int], int, list[tuple[Any, ...]], list[_Contact]]] = []
    grown = list(world.from_deputies.get(year, ()))
    for number, submitted in enumerate(days):
        serving = world.serving.on(submitted)
        if len(serving) < 3:
            continue
        # The year's first dozen are the written ones, with their results; then the same matters
        # again in one village each, and some grown from an opinion a deputy passed on.
        opinion_id = None
        source = None
        if number >= len(SUGGESTIONS) and rng.random() < 0.08:
            source = next((o for o in grown if o.on <= submitted), None)
        title, content, category, unit_name, result = SUGGESTIONS[number % len(SUGGESTIONS)]
        if number >= len(SUGGESTIONS) or result is None:
            result = _weighted(rng, RESULT_WEIGHTS)
        if source is not None:
            grown.remove(source)
            opinion_id, lead = source.opinion_id, source.deputy_id
            clause = source.content.replace("。", "，").split("，")[0][:40]
            title, content, category, unit_name = (f"关于{clause}的建议", source.content, source.category,
                                                   source.unit)
        else:
            if number >= len(SUGGESTIONS):
                title = f"关于{rng.choice(world.villages)}{title.removeprefix('关于')}"
            lead = rng.choice(serving)
        co = [d for d in rng.sample(serving, min(len(serving), rng.randint(0, 3))) if d != lead]
        unit = world.units[unit_name]
        insist = number < len(SUGGESTIONS) or rng.random() < 0.6  # on a 留作参考 reply
        steps, contacts = _suggestion_history(world, submitted, unit, result, insist)
        status, lead_unit, deadline, result, pleased = _suggestion_state(steps)
        rows.append({
            "year": year, "seq": len(rows) + 1, "submitted_on": submitted, "title": title,
            "content": content, "category": category, "lead_deputy_id": lead, "opinion_id": opinion_id,
            "status": status, "lead_unit_id": lead_unit, "deadline": deadline, "result_class": result,
            "satisfaction": pleased, "version": 1,
        })
        extras.append((co, unit, steps, contacts))
    ids = _insert(world, Suggestion, rows)
    signers, events, meetings = [], [], []
    for suggestion_id, (co, unit, steps, contacts) in zip(ids, extras, strict=True):
        signers += [{"suggestion_id": suggestion_id, "deputy_id": d} for d in co]
        for number, (action, on, before, after, note, reason, lead, due, result, pleased) in enumerate(steps):
            events.append({
                "suggestion_id": suggestion_id, "action": action, "at": on,
                "recorded_at": world.recorded(on, number), "user": world.user, "note": note,
                "reason": reason, "from_status": before, "to_status": after, "lead_unit_id": lead,
                "deadline": due, "result_class": result, "satisfaction": pleased,
            })
        meetings += [{"suggestion_id": suggestion_id, "contacted_on": on, "stage": stage, "kind": kind,
                      "unit_id": unit, "people": CONTACT_PEOPLE,
                      "note": "", "recorded_at": world.recorded(on, 0), "user": world.user}
                     for on, stage, kind in contacts]
    _insert(world, SuggestionCoSigner, signers, ids=False)
    _insert(world, SuggestionEvent, events, ids=False)
    _insert(world, SuggestionContact, meetings, ids=False)
    return len(rows)


def _suggestion_state(steps: list[tuple[Any, ...]]) -> tuple[
        SuggestionStatus, int | None, dt.date | None, ResultClass | None, Satisfaction | None]:
    """What `suggestions.apply_action_in_session` leaves on the suggestion after the steps."""
    lead: int | None = None
    deadline: dt.date | None = None
    result: ResultClass | None = None
    pleased: Satisfaction | None = None
    for action, _on, _before, _after, _note, _reason, unit, due, reply, rating in steps:
        if action in (SA.REFER, SA.REDO):
            lead, deadline = unit, due
        elif action == SA.UNIT_RETURN:
            lead, deadline = None, None
        elif action == SA.REPLY:
            result = reply
        if action in (SA.RATE, SA.REDO):
            pleased = rating
    return steps[-1][3], lead, deadline, result, pleased


def _suggestion_history(world: _World, submitted: dt.date, unit: int, result: ResultClass,
                        insist: bool) -> tuple[list[tuple[Any, ...]], list[_Contact]]:
    """(steps, contacts) of one suggestion replied `result`, as far as its age allows; a 留作参考
    reply is re-handled when the deputy `insist`s, and then planned (列入计划)."""
    rng, today, values = world.rng, world.today, world.values
    steps: list[tuple[Any, ...]] = [(SA.REGISTER, submitted, None, SS.REGISTERED, "", "", None, None, None,
                                     None)]
    contacts: list[_Contact] = []

    def act(action: SuggestionAction, on: dt.date, note: str = "", reason: str = "",
            result: ResultClass | None = None, pleased: Satisfaction | None = None) -> bool:
        if on > today:
            return False
        before = steps[-1][3]
        after = suggestions.TRANSITIONS[(before, action)]
        lead, due = None, None
        if action == SA.REFER:
            lead, due = unit, workdays.add_months(on, int(values["deadlines.suggestion_months"]))
        elif action == SA.REDO:
            lead, due = unit, workdays.add_months(on, int(values["deadlines.suggestion_redo_months"]))
            pleased = Satisfaction.DISSATISFIED
        steps.append((action, on, before, after, note, reason, lead, due, result, pleased))
        return True

    def meet(on: dt.date, stage: ContactStage, kind: ContactKind) -> None:
        if on <= today:
            contacts.append((on, stage, kind))

    on = submitted + dt.timedelta(days=rng.randint(7, 15))
    if not act(SA.REFER, on):
        return steps, contacts
    if rng.random() < 0.03:  # misdirected: sent back and referred again
        on += dt.timedelta(days=rng.randint(3, 7))
        if not act(SA.UNIT_RETURN, on, reason="建议所提事项不属本单位职责"):
            return steps, contacts
        on += dt.timedelta(days=2)
        if not act(SA.REFER, on):
            return steps, contacts
    met = on + dt.timedelta(days=rng.randint(3, 10))
    for stage, kind, gap in ((ContactStage.BEFORE, ContactKind.VISIT, 0),
                             (ContactStage.DURING, ContactKind.SITE, 25),
                             (ContactStage.DURING, ContactKind.MEETING, 20)):
        met += dt.timedelta(days=gap)
        meet(met, stage, kind)
    for attempt in range(2):
        on += dt.timedelta(days=rng.randint(50, 85) if attempt == 0 else rng.randint(20, 28))
        note = f"经研究，该建议{result.label}，具体情况已书面答复代表。"
        if not act(SA.REPLY, on, note=note, result=result):
            return steps, contacts
        on += dt.timedelta(days=rng.randint(5, 15))
        for offset, kind in ((0, ContactKind.VISIT), (3, ContactKind.MEETING)):
            meet(on + dt.timedelta(days=offset), ContactStage.AFTER, kind)
        if attempt == 0 and result == ResultClass.FOR_REFERENCE and insist:
            if not act(SA.REDO, on, note="代表认为答复不具体，要求重新办理"):
                return steps, contacts
            result = ResultClass.PLANNED
            continue
        pleased = Satisfaction.SATISFIED if result == ResultClass.SOLVED else Satisfaction.BASICALLY_SATISFIED
        if not act(SA.RATE, on, pleased=pleased):
            return steps, contacts
        act(SA.CLOSE, on + dt.timedelta(days=rng.randint(2, 6)))
        return steps, contacts
    return steps, contacts


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = ("秀英", "桂英", "建国", "志强", "海燕", "春梅", "国华", "建华", "明", "伟", "芳", "娟", "军",
         "勇", "杰", "丽", "强", "磊", "洋", "艳", "敏", "静", "涛", "超", "金凤", "玉兰", "德明",
         "长生", "福生", "水根")


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    prefix = rng.choice(("138", "139", "150", "151", "158", "177", "180", "187"))
    return prefix + f"{rng.randrange(10**8):08d}"


def _between(rng: random.Random, low: int, high: int) -> int:
    """rng.randint's range, at a fifth of its cost (the histories draw 10^6 of them)."""
    return low + int(rng.random() * (high - low + 1))


def _weighted(rng: random.Random, weights: dict[K, int]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
