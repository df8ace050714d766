"""示范数据 (`presidium init --demo [--scale N]`): a realistic township to try the app and to load-test it.

Terms, groups and stations are made by their services; every deputy passes the roster service's
validation and mapping, so the demo obeys the rules staff obey (valid ID numbers, a history entry for
every departure) and the whole roster is one unit of work with one audit entry. A fixed seed makes
the demo the same every time. Each area has its own module (demo_activities, demo_training,
demo_mailbox) and writes in bulk, in one unit of work and one audit entry per area and year.

The scale N (`volumes`): N = 1 is the normal demo; N = 100 a large township after ten years of
use, for benchmarks. Between them every volume grows smoothly:

- years of history Y = min(10, 2 + round(4·log10 N)): 2 at N = 1, 6 at N = 10, 10 at N = 100;
  activities are recorded for the calendar years today.year − Y + 1 … today.year;
- roster: max(1, round(N^0.3)) blocks of one township's roster (52 deputies of the current term,
  32 of the previous one, 64 persons): 1 block at N = 1, 2 at N = 10, 4 at N = 100 (208 + 128
  mandates, 256 persons);
- activities: B = max(Y, round(2.5·N^0.9)) block-years of 60–80 activities each (2 at N = 1, 20
  at N = 10, 158 at N = 100 ≈ 10^4 activities), spread evenly over the years, older years
  taking the odd ones; a block-year beyond the roster's blocks has no congress sitting, vote or
  training;
- mailbox: min(9 800, round(180·N^0.87)) opinions a year (180 at N = 1, 1 334 at N = 10, 9 800 at
  N = 100, under the 9 999 numbers of a year), over the twelve months up to today at N = 1 and
  over all Y calendar years from N = 2 (≈ 10^5 opinions at N = 100);
- suggestions: round(12·N^0.7) a year (12, 60, 301), and a training plan a year (its sessions held
  as 学习培训 activities with attendance), in the years the mailbox covers from January: this year
  only at N = 1, whose last year has its trainings as plain activities; every year from N = 2.

At N = 100 this is 336 mandates (256 persons), ~10 000 activities with ~80 000 attendance rows,
~97 000 opinions with ~580 000 steps, ~3 000 suggestions: about 25 s of CPU (benchmarks/demo_scale).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Mapper, Session

from presidium_app.domain.activities import Activity
from presidium_app.domain.deputies import Deputy, Mandate, StatusChange
from presidium_app.domain.enums import DeputyLevel, DeputyStatus, Gender
from presidium_app.domain.validators import id_check_digit
from presidium_app.services import organisation, township
from presidium_app.services.audit import Actor, now, unit_of_work
from presidium_app.services.demo_activities import fill_activities, insert_in_batches
from presidium_app.services.demo_mailbox import fill_mailbox
from presidium_app.services.demo_training import fill_plan
from presidium_app.services.deputies import (
    DeputyInput,
    _apply_mandate,
    _apply_person,
    validate_input,
)
from presidium_app.services.errors import ServiceError
from presidium_app.services.progress import NO_PROGRESS, Progress
from presidium_app.services.township import TermInfo
from presidium_app.storage.database import Database
from presidium_app.storage.paths import RESOURCES_DIR

DEMO_DIR = RESOURCES_DIR / "demo"
SEED = 20211116  # fixed: the demo is the same on every machine and every run
REPORT_EVERY = 250

# Region codes (first six ID digits) of the demo county and its neighbours: most deputies were
# registered in the county itself, a few were born next door.
HOME_REGION = "361024"
NEIGHBOUR_REGIONS = ("361025", "361026", "361021", "361002")
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "198", "199",
)
ETHNICITIES = {"汉族": 93.0, "回族": 2.0, "苗族": 1.5, "土家族": 1.5, "畲族": 1.5, "壮族": 0.5}

# Per kind of deputy: share of women, political status, education, age at election.
FEMALE_SHARE = {"official": 0.2, "leader": 0.15, "member": 0.55, "professional": 0.55,
                "business": 0.3, "farmer": 0.3}
POLITICAL = {
    "official": {"中共党员": 1.0},
    "leader": {"中共党员": 1.0},
    "member": {"中共党员": 0.75, "群众": 0.25},
    "professional": {"中共党员": 0.45, "群众": 0.2, "民盟盟员": 0.1, "九三学社社员": 0.1,
                     "民进会员": 0.1, "农工党党员": 0.05},
    "business": {"中共党员": 0.4, "群众": 0.35, "民建会员": 0.15, "无党派人士": 0.1},
    "farmer": {"中共党员": 0.45, "群众": 0.55},
}
EDUCATION = {
    "official": {"大专": 0.15, "本科": 0.65, "研究生": 0.2},
    "leader": {"高中": 0.3, "中专": 0.1, "大专": 0.45, "本科": 0.15},
    "member": {"初中": 0.15, "高中": 0.4, "中专": 0.1, "大专": 0.3, "本科": 0.05},
    "professional": {"大专": 0.25, "本科": 0.65, "研究生": 0.1},
    "business": {"初中": 0.15, "高中": 0.3, "大专": 0.35, "本科": 0.2},
    "farmer": {"初中": 0.55, "高中": 0.35, "中专": 0.1},
}
AGES = {"official": (35, 54), "leader": (38, 58), "member": (30, 55), "professional": (26, 52),
        "business": (30, 56), "farmer": (35, 62)}
PRODUCTS = ("蔬菜种植", "茶叶种植", "柑橘种植", "油茶种植", "水稻种植", "食用菌种植", "生猪养殖",
            "水产养殖", "中药材种植")
BRANDS = ("宏达", "兴盛", "绿源", "鑫达", "华丰", "恒通", "金穗", "山水", "福源", "瑞丰")
INDUSTRIES = ("建材", "农业开发", "食品", "竹木制品", "纺织", "电子", "物流", "生态旅游")

# Area of the township → deputy group; stations serve one or more areas.
GROUPS = (("第一代表小组（东片）", "东片"), ("第二代表小组（西片）", "西片"),
          ("第三代表小组（南片）", "南片"), ("第四代表小组（北片）", "北片"),
          ("第五代表小组（镇区）", "镇区"))
VILLAGE_STATIONS = (("东山村代表联络站", "东山村党群服务中心", ("东片", "北片")),
                    ("桃源村代表联络站", "桃源村党群服务中心", ("南片", "西片")))

# Duplicates real rosters have: the same name, different persons (forced in the first block).
DUPLICATE_NAME = "王伟"


@dataclass
class DemoSummary:
    """What the demo filled, as the command line and the first-run dialog report it."""

    deputies: int = 0  # mandates of the current term, including those who left
    left: int = 0
    by_election: int = 0
    groups: int = 0
    stations: int = 0
    previous_term: str = ""
    previous_deputies: int = 0
    activities: int = 0  # of every year of the history (last year and this year at scale 1)
    training_sessions: int = 0  # planned in this year's training plan
    opinions: int = 0  # over the twelve months up to today (at scale 1)
    suggestions: int = 0  # of this year (at scale 1)

    def __str__(self) -> str:
        text = (f"代表 {self.deputies} 人（其中离任 {self.left} 人、补选 {self.by_election} 人），"
                f"代表小组 {self.groups} 个，联络站 {self.stations} 个")
        if self.previous_term:
            text += f"；上届（{self.previous_term}）代表 {self.previous_deputies} 人"
        if self.activities:
            text += f"；代表活动 {self.activities} 次"
        if self.training_sessions:
            text += f"；本年度学习培训计划 {self.training_sessions} 场"
        if self.opinions:
            text += f"；社情民意 {self.opinions} 件，代表建议 {self.suggestions} 件"
        return text


@dataclass(frozen=True)
class Departure:
    status: DeputyStatus
    on: dt.date
    reason: str


@dataclass(frozen=True)
class _Village:
    name: str
    area: str


@dataclass
class _Entry:
    """One mandate to write, and how it ended if the deputy left."""

    data: DeputyInput
    kind: str
    village: _Village
    departure: Departure | None = None


@dataclass
class _Demo:
    """Everything the area functions share: the seeded generator, the township and what was made."""

    db: Database
    actor: Actor
    progress: Progress
    scale: int
    rng: random.Random
    town: str
    county: str
    current: TermInfo
    previous: TermInfo | None = None
    groups: dict[str, int] = field(default_factory=dict)  # area → group id
    stations: dict[str, int] = field(default_factory=dict)  # area → station id
    used_ids: set[str] = field(default_factory=set)
    used_mobiles: set[str] = field(default_factory=set)
    used_name_births: set[tuple[str, dt.date]] = field(default_factory=set)
    summary: DemoSummary = field(default_factory=DemoSummary)

    @property
    def unit(self) -> str:
        """镇 or 乡: the word for the township in post titles."""
        return "乡" if self.town.endswith("乡") else "镇"

    @property
    def today(self) -> dt.date:
        return dt.date.today()


@dataclass(frozen=True)
class Volumes:
    """How much the demo makes at a scale (the module doc gives the formulas)."""

    scale: int
    years: int  # calendar years of activities, ending with this one
    roster_blocks: int
    activity_blocks: int  # block-years of activities over all the years
    opinions_per_year: int
    suggestions_per_year: int

    def blocks_by_year(self, last_year: int) -> dict[int, int]:
        """Block-years of each calendar year, spread evenly; the older years take the odd ones,
        so a young current year does not hold a share it cannot fill."""
        spread = {}
        for back in range(self.years):
            spread[last_year - back] = (
                (back + 1) * self.activity_blocks // self.years - back * self.activity_blocks // self.years)
        return dict(sorted(spread.items()))

    def mailbox_start(self, today: dt.date) -> dt.date:
        if self.years <= 2:
            return today - dt.timedelta(days=364)
        return dt.date(today.year - self.years + 1, 1, 1)

    def plan_years(self, today: dt.date) -> list[int]:
        """The years with a training plan and suggestions: those the mailbox covers from January."""
        start = self.mailbox_start(today)
        first = start.year if start == dt.date(start.year, 1, 1) else start.year + 1
        return list(range(first, today.year + 1))


MAX_SCALE = 1000
MAX_OPINIONS_A_YEAR = 9800  # an opinion's number has four digits a year (2026-0042), with room for
# a leap year and the letters of late December's opening


def volumes(scale: int) -> Volumes:
    if not 1 <= scale <= MAX_SCALE:
        raise ServiceError(f"示范数据的倍数应为 1 到 {MAX_SCALE} 之间的整数")
    years = min(10, 2 + round(4 * math.log10(scale)))
    return Volumes(
        scale=scale,
        years=years,
        roster_blocks=max(1, round(scale ** 0.3)),
        activity_blocks=max(years, round(2.5 * scale ** 0.9)),
        opinions_per_year=min(MAX_OPINIONS_A_YEAR, round(180 * scale ** 0.87)),
        suggestions_per_year=round(12 * scale ** 0.7),
    )


def fill_demo(
    db: Database, actor: Actor, scale: int = 1, progress: Progress = NO_PROGRESS
) -> DemoSummary:
    """Fill the township set up by `set_up_township` with a demo township: roster, activities,
    training plans, mailbox and suggestions, at the scale `volumes` gives (1: the normal demo,
    100: ten years of a large township). Refused on a roster that has deputies, so that running
    it twice duplicates nothing."""
    size = volumes(scale)
    term = township.current_term(db)
    if term is None or not township.is_set_up(db):
        raise ServiceError("尚未设置乡镇和当前届次，请先初始化乡镇后再填入示范数据")
    with db.session() as session:
        existing = session.scalar(select(func.count()).select_from(Deputy)) or 0
    if existing:
        raise ServiceError(f"名册中已有 {existing} 名代表，示范数据只能填入空白名册，未做任何修改")
    info = township.get_township(db)
    ctx = _Demo(db=db, actor=actor, progress=progress, scale=size.roster_blocks,
                rng=random.Random(SEED), town=info.name, county=info.county, current=term)
    _fill_terms(ctx)
    _fill_organisation(ctx)
    _fill_roster(ctx)
    today = ctx.today
    plan_years = size.plan_years(today)
    for year, blocks in size.blocks_by_year(today.year).items():
        plan = _PlanOfYear(db, year, progress) if year in plan_years else None
        ctx.summary.activities += fill_activities(
            db, actor, year, ctx.rng, scale=size.roster_blocks, repeat=blocks,
            plain_training=plan is None, then=plan, progress=progress)
        if plan is not None and year == today.year:
            ctx.summary.training_sessions = plan.planned
    villages = [v.name for v in _villages(ctx.unit) if not v.name.endswith("直机关")]
    mail = fill_mailbox(db, actor, ctx.rng, villages, progress, start=size.mailbox_start(today),
                        per_year=size.opinions_per_year, suggestion_years=plan_years,
                        suggestions_per_year=size.suggestions_per_year)
    ctx.summary.opinions, ctx.summary.suggestions = mail.opinions, mail.suggestions
    with db.session() as session:  # with the plan's held sessions
        ctx.summary.activities = session.scalar(select(func.count()).select_from(Activity)) or 0
    return ctx.summary


@dataclass
class _PlanOfYear:
    """The year's training plan, written with the year's activities (`fill_activities(then=…)`)."""

    db: Database
    year: int
    progress: Progress
    planned: int = 0

    def __call__(self, session: Session, rng: random.Random) -> int:
        self.planned, held = fill_plan(self.db, session, self.year, rng, self.progress)
        return held


# --- data files --------------------------------------------------------------------------------


@cache
def _read_lines(name: str) -> tuple[tuple[str, ...], ...]:
    """The non-comment lines of a file in resources/demo, split on blanks."""
    path: Path = DEMO_DIR / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ServiceError(f"缺少示范数据文件 {path}：{exc.strerror}") from exc
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rows.append(tuple(line.split()))
    return tuple(rows)


@cache
def _surnames() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Surnames and their cumulative weights (for `random.choices`)."""
    rows = _read_lines("surnames.txt")
    return tuple(r[0] for r in rows), tuple(accumulate(float(r[1]) for r in rows))


@cache
def _given_names(gender: Gender) -> tuple[str, ...]:
    name = "given_names_female.txt" if gender == Gender.FEMALE else "given_names_male.txt"
    return tuple(r[0] for r in _read_lines(name))


@cache
def _villages(unit: str) -> tuple[_Village, ...]:
    return tuple(_Village(r[0].replace("镇直", f"{unit}直"), r[1])
                 for r in _read_lines("villages.txt"))


# --- terms and organisation --------------------------------------------------------------------


def _fill_terms(ctx: _Demo) -> None:
    """The previous term (第十八届 before 第十九届), created if missing and never made current."""
    ordinal = ctx.current.ordinal - 1
    if ordinal < 1:
        return
    known = {t.ordinal: t for t in township.list_terms(ctx.db)}
    if ordinal in known:
        ctx.previous = known[ordinal]
        return
    start = ctx.current.start_year
    ctx.previous = township.ensure_term(
        ctx.db, ctx.actor, ordinal, start - 5 if start else None, start)


def _fill_organisation(ctx: _Demo) -> None:
    """Five deputy groups named by area and three liaison stations; existing ones are reused."""
    groups = {g.name: g.id for g in organisation.list_groups(ctx.db)}
    for name, area in GROUPS:
        if name not in groups:
            groups[name] = organisation.add_group(ctx.db, ctx.actor, name).id
        ctx.groups[area] = groups[name]
    stations = {s.name: s.id for s in organisation.list_stations(ctx.db)}
    plan = ((f"{ctx.town}人大代表之家", f"{ctx.town}人民政府一楼", ("镇区",)), *VILLAGE_STATIONS)
    for name, address, areas in plan:
        if name not in stations:
            stations[name] = organisation.add_station(ctx.db, ctx.actor, name, address).id
        for area in areas:
            ctx.stations[area] = stations[name]
    ctx.summary.groups, ctx.summary.stations = len(GROUPS), len(plan)


# --- persons -----------------------------------------------------------------------------------


@cache
def _cumulative(weights: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    return tuple(k for k, _ in weights), tuple(accumulate(w for _, w in weights))


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    values, cumulative = _cumulative(tuple(weights.items()))
    return rng.choices(values, cum_weights=cumulative)[0]


def _election_day(year: int | None, today: dt.date) -> dt.date:
    """Township elections are held in the autumn of the term's first year."""
    return min(dt.date(year or today.year, 11, 16), today)


def _person_name(ctx: _Demo, gender: Gender) -> str:
    surnames, cumulative = _surnames()
    return ctx.rng.choices(surnames, cum_weights=cumulative)[0] + ctx.rng.choice(_given_names(gender))


def _birth_date(ctx: _Demo, age_range: tuple[int, int], on: dt.date) -> dt.date:
    low, high = age_range
    days = ctx.rng.randrange(low * 365, high * 365 + 365)
    return on - dt.timedelta(days=days)


def _id_number(ctx: _Demo, birth: dt.date, gender: Gender) -> str:
    """GB 11643: region, birth date, sequence (odd for men, even for women), check digit."""
    while True:
        region = HOME_REGION if ctx.rng.random() < 0.9 else ctx.rng.choice(NEIGHBOUR_REGIONS)
        sequence = ctx.rng.randrange(500) * 2 + (1 if gender == Gender.MALE else 0)
        first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
        number = first17 + id_check_digit(first17)
        if number not in ctx.used_ids:
            ctx.used_ids.add(number)
            return number


def _mobile(ctx: _Demo) -> str:
    while True:
        number = ctx.rng.choice(MOBILE_PREFIXES) + f"{ctx.rng.randrange(10**8):08d}"
        if number not in ctx.used_mobiles:
            ctx.used_mobiles.add(number)
            return number


def _workplace(ctx: _Demo, kind: str, village: _Village, gender: Gender) -> str:
    """A post a township deputy of this kind holds, in the words of a real roster."""
    rng, town = ctx.rng, ctx.town
    community = village.name.endswith("社区")
    committee = "居委会" if community else "村委会"
    place = village.name.removesuffix("村").removesuffix("社区")
    if kind == "leader":
        branch = "党总支" if community else "党支部"
        return f"{village.name}{branch}书记" + (f"、{committee}主任" if rng.random() < 0.6 else "")
    if kind == "member":
        if gender == Gender.FEMALE and rng.random() < 0.5:
            return f"{village.name}{committee}委员、妇女主任"
        return village.name + rng.choice(
            (f"{committee}主任", "党支部副书记", "村务监督委员会主任", f"{committee}委员"))
    if kind == "professional":
        options = [f"{town}中心小学教师", f"{town}中学教师", f"{town}卫生院医生",
                   f"{town}农业综合服务中心农技员"]
        if not community:
            options.append(f"{village.name}乡村医生")
        return rng.choice(options)
    if kind == "business":
        company = f"{town.removesuffix(ctx.unit)}{rng.choice(BRANDS)}{rng.choice(INDUSTRIES)}有限公司"
        return rng.choice((f"{town}{place}{rng.choice(PRODUCTS)}专业合作社理事长", f"{company}总经理",
                           f"{company}董事长", "个体工商户", f"{village.name}家庭农场主"))
    if kind == "farmer":
        return village.name + rng.choice(("种粮大户", "养殖户", "村民", "村民小组组长"))
    raise ValueError(kind)


def _new_input(
    ctx: _Demo, kind: str, village: _Village, term: TermInfo, elected_on: dt.date,
    post: str | None = None, age_range: tuple[int, int] | None = None,
) -> DeputyInput:
    """A new person with a mandate in `term`: unique ID number, mobile, and name + birth date
    (the roster tells two persons of the same name apart by their birth dates)."""
    rng = ctx.rng
    gender = Gender.FEMALE if rng.random() < FEMALE_SHARE[kind] else Gender.MALE
    while True:
        person_name = _person_name(ctx, gender)
        birth = _birth_date(ctx, age_range or AGES[kind], elected_on)
        if (person_name, birth) not in ctx.used_name_births:
            ctx.used_name_births.add((person_name, birth))
            break
    area = village.area
    return DeputyInput(
        name=person_name,
        gender=gender,
        term_id=term.id,
        levels=[DeputyLevel.TOWNSHIP],
        ethnicity=_pick(rng, ETHNICITIES),
        birth_date=birth,
        id_number=_id_number(ctx, birth, gender),
        political_status=_pick(rng, POLITICAL[kind]),
        education=_pick(rng, EDUCATION[kind]),
        workplace=post or _workplace(ctx, kind, village, gender),
        mobile=_mobile(ctx),
        group_id=ctx.groups.get(area),
        station_id=ctx.stations.get(area),
        elected_on=elected_on,
    )


# --- roster ------------------------------------------------------------------------------------


def _official_posts(ctx: _Demo) -> list[str]:
    """The township's own leaders and heads of its institutions, elected in the 镇直 constituency."""
    town, unit = ctx.town, ctx.unit
    return [f"{town}党委书记", f"{town}人民政府{unit}长", f"{town}人大主席",
            f"{town}人民政府副{unit}长", f"{town}中心小学校长", f"{town}卫生院院长"]


def _plan_current_block(ctx: _Demo, block: int, elected_on: dt.date) -> list[_Entry]:
    """One township's worth (48 deputies) of the current term's original election."""
    rng, term = ctx.rng, ctx.current
    villages = _villages(ctx.unit)
    entries: list[_Entry] = []
    for index, village in enumerate(villages):
        constituency = f"第{block * len(villages) + index + 1}选区"
        seats: list[tuple[str, str | None]]
        if village.name.endswith("直机关"):
            seats = [("official", post) for post in _official_posts(ctx)]
        elif village.name.endswith("社区"):
            seats = [("leader", None), ("professional", None), ("business", None)]
        else:
            third = rng.choices(("professional", "business", "farmer"), weights=(2, 4, 4))[0]
            seats = [("leader", None), ("member", None), (third, None)]
        for kind, post in seats:
            data = _new_input(ctx, kind, village, term, elected_on, post=post)
            data.constituency = constituency
            entries.append(_Entry(data, kind, village))
    if block == 0:
        # Two different persons called 王伟, as real rosters have.
        men = [e for e in entries if e.kind in ("member", "farmer", "business")
               and e.data.gender == Gender.MALE]
        for entry in (men[0], men[-1]):
            _rename(ctx, entry.data, DUPLICATE_NAME)
    return entries


def _rename(ctx: _Demo, data: DeputyInput, name: str) -> None:
    assert data.birth_date is not None
    if (name, data.birth_date) in ctx.used_name_births:
        return
    ctx.used_name_births.discard((data.name, data.birth_date))
    ctx.used_name_births.add((name, data.birth_date))
    data.name = name


def _assign_levels(ctx: _Demo, entries: list[_Entry]) -> None:
    """8 deputies also sit in the county congress (the party secretary, the head and the congress
    chair among them); one of them also in the city congress."""
    officials = [e for e in entries if e.kind == "official"][:3]
    others = [e for e in entries if e.kind in ("leader", "business", "farmer", "professional")]
    county = officials + ctx.rng.sample(others, 5)
    for entry in county:
        entry.data.levels = [DeputyLevel.TOWNSHIP, DeputyLevel.COUNTY]
    city = next((e for e in county[3:] if e.kind == "business"), county[-1])
    city.data.levels = [DeputyLevel.TOWNSHIP, DeputyLevel.COUNTY, DeputyLevel.CITY]


def _departure_window(ctx: _Demo, elected_on: dt.date, term: TermInfo) -> tuple[dt.date, dt.date]:
    """Departures fall inside the term (2022–2025 for 2021–2026), never after today."""
    start = term.start_year or elected_on.year
    end = term.end_year or start + 5
    low = max(dt.date(start + 1, 1, 1), elected_on + dt.timedelta(days=90))
    high = min(dt.date(end - 1, 12, 31), ctx.today - dt.timedelta(days=30))
    return low, high


def _random_day(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(low.toordinal(), high.toordinal()))


def _plan_departures(
    ctx: _Demo, entries: list[_Entry], elected_on: dt.date
) -> list[_Entry]:
    """Four deputies leave (辞职 ×2, 调离, 去世); three are replaced by by-election. Returns the
    by-elected deputies' entries."""
    low, high = _departure_window(ctx, elected_on, ctx.current)
    if low > high:
        return []
    rng, town, county = ctx.rng, ctx.town, ctx.county or "县"
    township_only = [e for e in entries if e.data.levels == [DeputyLevel.TOWNSHIP]]
    moved = next(e for e in township_only if e.data.workplace.endswith(f"副{ctx.unit}长"))
    candidates = [e for e in township_only if e.kind != "official"]
    died = min(candidates, key=lambda e: e.data.birth_date or dt.date.max)
    resigned = rng.sample([e for e in candidates if e is not died], 2)
    plan = [
        (moved, DeputyStatus.TRANSFERRED,
         f"调任{county}农业农村局工作，调离本行政区域，代表资格终止"),
        (died, DeputyStatus.DECEASED, "因病医治无效去世"),
        (resigned[0], DeputyStatus.RESIGNED,
         f"因工作变动书面提出辞去代表职务，经{town}人民代表大会会议接受"),
        (resigned[1], DeputyStatus.RESIGNED,
         f"因身体原因书面提出辞去代表职务，经{town}人民代表大会会议接受"),
    ]
    by_elected: list[_Entry] = []
    for entry, status, reason in plan:
        left_on = _random_day(rng, low, high)
        entry.departure = Departure(status, left_on, reason)
        if len(by_elected) == 3:
            continue
        by_election_day = left_on + dt.timedelta(days=rng.randint(60, 180))
        if by_election_day > ctx.today:
            continue
        post = entry.data.workplace if entry.kind == "official" else None
        data = _new_input(ctx, entry.kind, entry.village, ctx.current, by_election_day, post=post)
        data.constituency, data.by_election = entry.data.constituency, True
        by_elected.append(_Entry(data, entry.kind, entry.village))
    return by_elected


def _city_only(ctx: _Demo, elected_on: dt.date) -> _Entry:
    """A city deputy who lives in the township (elected by the county congress)."""
    village = ctx.rng.choice(_villages(ctx.unit))
    data = _new_input(ctx, "business", village, ctx.current, elected_on)
    data.levels = [DeputyLevel.CITY]
    data.constituency = f"{ctx.county or '县'}人民代表大会"
    return _Entry(data, "business", village)


def _plan_previous_block(ctx: _Demo, current: list[_Entry], block: int) -> list[_Entry]:
    """The previous term: 20 of this term's village deputies served then too, 12 only then (one of
    them resigned)."""
    previous = ctx.previous
    if previous is None:
        return []
    rng = ctx.rng
    elected_on = _election_day(previous.start_year, ctx.today)
    # Village leaders are re-elected most often; township officials move on.
    pool = [e for e in current if e.kind != "official" and not e.data.by_election
            and DeputyLevel.TOWNSHIP in e.data.levels]
    weight = {"leader": 3.0, "member": 1.5}
    pool.sort(key=lambda e: rng.random() ** (1 / weight.get(e.kind, 1.0)), reverse=True)
    entries = []
    for entry in pool[:20]:
        data = replace(entry.data)
        data.term_id, data.elected_on = previous.id, elected_on
        data.levels, data.by_election = [DeputyLevel.TOWNSHIP], False
        data.station_id = None  # the liaison stations were built during the current term
        entries.append(_Entry(data, entry.kind, entry.village))
    villages = [v for v in _villages(ctx.unit) if not v.name.endswith("直机关")]
    for number in range(12):
        kind = ("leader", "member", "farmer", "business")[number % 4]
        village = villages[(number * 5 + block) % len(villages)]
        data = _new_input(ctx, kind, village, previous, elected_on, age_range=(45, 62))
        if kind in ("leader", "member"):
            data.workplace = f"{village.name}原{data.workplace.removeprefix(village.name)}"
        index = _villages(ctx.unit).index(village)
        data.constituency = f"第{block * len(_villages(ctx.unit)) + index + 1}选区"
        data.station_id = None  # the liaison stations were built during the current term
        entries.append(_Entry(data, kind, village))
    low, high = _departure_window(ctx, elected_on, previous)
    if low <= high:
        entries[-1].departure = Departure(
            DeputyStatus.RESIGNED, _random_day(rng, low, high),
            f"因外出务工书面提出辞去代表职务，经{ctx.town}人民代表大会会议接受")
    return entries


def _plan_roster(ctx: _Demo) -> tuple[list[_Entry], list[_Entry]]:
    """(previous term entries, current term entries), `scale` township blocks of each."""
    elected_on = _election_day(ctx.current.start_year, ctx.today)
    previous: list[_Entry] = []
    current: list[_Entry] = []
    for block in range(ctx.scale):
        entries = _plan_current_block(ctx, block, elected_on)
        _assign_levels(ctx, entries)
        entries.append(_city_only(ctx, elected_on))
        entries += _plan_departures(ctx, entries, elected_on)
        previous += _plan_previous_block(ctx, entries, block)
        current += entries
    return previous, current


def _fill_roster(ctx: _Demo) -> None:
    """The roster, in one unit of work: a cancel or an error leaves no deputy behind.

    Each row passes the roster service's `validate_input` and is mapped to its person and mandate
    by the service's own `_apply_person` / `_apply_mandate`, so it is stored exactly as a typed or
    imported row would be. The rows are then inserted in bulk: `upsert_in_session` looks for an
    existing person and flushes once per row (measured at ~4 ms a row, a minute for scale 200);
    here the roster is known empty and the plan makes every person unique.
    """
    previous, current = _plan_roster(ctx)
    entries = previous + current  # the earlier term first, so a person's data end as of today
    total = len(entries)
    with unit_of_work(ctx.db, ctx.actor, "demo.fill", "mandate") as change:
        session = change.session
        persons: dict[str, dict[str, Any]] = {}  # ID number → the person's column values
        mandates: list[tuple[str, Mandate]] = []
        for done, entry in enumerate(entries):
            if done % REPORT_EVERY == 0:
                ctx.progress.report(done, total, "正在生成示范代表名册")
            data = validate_input(entry.data)
            deputy = Deputy()  # transient: only its column values are kept
            _apply_person(deputy, data)
            persons[data.id_number] = _column_values(deputy)
            mandate = Mandate(status=DeputyStatus.SERVING)
            _apply_mandate(session, mandate, data, ctx.actor, "示范数据")
            if entry.departure is not None:
                _record_departure(ctx.actor, mandate, entry.departure)
            mandates.append((data.id_number, mandate))
        person_rows = list(persons.values())
        deputy_ids = dict(zip(persons, insert_in_batches(session, Deputy, person_rows, ctx.progress,
                                                         "正在保存代表信息"), strict=True))
        mandate_rows = [{**_column_values(m), "deputy_id": deputy_ids[number]}
                        for number, m in mandates]
        mandate_ids = insert_in_batches(session, Mandate, mandate_rows, ctx.progress, "正在保存任职记录")
        change_rows = [{**_column_values(c), "mandate_id": mandate_id}
                       for (_, m), mandate_id in zip(mandates, mandate_ids, strict=True)
                       for c in m.status_changes]
        insert_in_batches(session, StatusChange, change_rows, ctx.progress, "正在保存离任记录", ids=False)
        summary = ctx.summary
        summary.deputies = len(current)
        summary.left = sum(1 for e in current if e.departure is not None)
        summary.by_election = sum(1 for e in current if e.data.by_election)
        if ctx.previous is not None:
            summary.previous_term, summary.previous_deputies = ctx.previous.name, len(previous)
        change.summary = f"填入示范数据：{summary}"
        change.after = {"scale": ctx.scale, "persons": len(persons),
                        "deputies": summary.deputies, "previous_deputies": len(previous)}


def _column_values(obj: Deputy | Mandate | StatusChange) -> dict[str, Any]:
    """A transient object as a row for `insert_rows`: every column but the id, keyed by column
    (Mandate's `levels_text` is the column `levels`), an unset one at its default or NULL."""
    mapper: Mapper[Any] = inspect(type(obj))
    row: dict[str, Any] = {}
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        if column.primary_key:
            continue
        if attribute.key in obj.__dict__:
            row[column.key] = obj.__dict__[attribute.key]
        else:
            default = column.default
            row[column.key] = default.arg if default is not None and default.is_scalar else None
    return row


def _record_departure(actor: Actor, mandate: Mandate, leave: Departure) -> None:
    """What `deputies.change_status` records (在任 → 离任 with date and reason); inside the demo's
    one transaction, as thousands of separate commits would take minutes."""
    if mandate.elected_on and leave.on < mandate.elected_on:
        raise ServiceError("示范数据有误：离任日期早于当选日期")
    mandate.status_changes.append(StatusChange(
        old_status=mandate.status, new_status=leave.status, changed_on=leave.on,
        reason=leave.reason, recorded_at=now(), recorded_by=actor.name,
    ))
    mandate.status = leave.status
    mandate.left_on = leave.on
