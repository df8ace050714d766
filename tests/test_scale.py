"""Search on a large demo township (`init --demo --scale 20`: seven years, ~17 000 opinions, two
terms of deputies) returns exactly what a plain filter over every row returns, in the same order:
the roster and the opinion list. Correctness at scale (N = 100 takes a minute to build; N = 20
has the same shape); speed is benchmarks/roster_filter and benchmarks/demo_scale."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from presidium_app.domain.deputies import Deputy, Mandate
from presidium_app.domain.enums import DeputyLevel, DeputyStatus, OpinionStatus
from presidium_app.domain.mailbox import Opinion, Submitter
from presidium_app.domain.township import Term
from presidium_app.services import deputies, mailbox, opinion_list, organisation, township
from presidium_app.services.audit import Actor
from presidium_app.services.demo import DemoSummary, fill_demo, volumes
from presidium_app.services.deputies import DeputyQuery
from presidium_app.services.opinion_list import TAB_BY_KEY, TABS, OpinionFilter
from presidium_app.services.search import classify_token
from presidium_app.services.stats import SPEC_STATUS, year_stats
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database
from tests.conftest import TEST_DATABASE_URL_ENV

SCALE = 20
BLOCKS = volumes(SCALE).roster_blocks


@dataclass(frozen=True)
class Row:
    """One mandate as the plain filter sees it."""

    mandate_id: int
    term_id: int
    term_ordinal: int
    levels: str
    status: DeputyStatus
    group_id: int | None
    station_id: int | None
    constituency: str
    name: str
    pinyin: str
    initials: str
    id_number: str
    mobile: str
    workplace: str


@dataclass(frozen=True)
class Item:
    """One opinion as the plain filter sees it."""

    opinion_id: int
    year: int
    seq: int
    status: OpinionStatus
    deadline: dt.date | None
    received_on: dt.date
    category: str
    village: str
    lead_unit_id: int | None
    content: str
    name: str
    phone: str


@dataclass(frozen=True)
class Big:
    db: Database
    rows: list[Row]
    current: int
    groups: list[int]
    stations: list[int]
    summary: DemoSummary
    opinions: list[Item]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Big]:
    """Built once for the module (some seconds); each test only reads."""
    if os.environ.get(TEST_DATABASE_URL_ENV):
        pytest.skip("规模测试使用本地 SQLite 数据库")  # other tests reset the shared PostgreSQL
    db = open_database(tmp_path_factory.mktemp("scale") / "data")
    actor = Actor("测试员")
    township.set_up_township(db, actor, "青山镇", "临川县", 19, 2021, 2026)
    summary = fill_demo(db, actor, scale=SCALE)
    assert summary.deputies == 52 * BLOCKS
    with db.session() as session:
        result = session.execute(
            select(Mandate, Deputy, Term.ordinal)
            .join(Deputy, Deputy.id == Mandate.deputy_id).join(Term, Term.id == Mandate.term_id))
        rows = [Row(m.id, m.term_id, ordinal, m.levels_text, m.status, m.group_id, m.station_id,
                    m.constituency, d.name, d.name_pinyin, d.name_initials, d.id_number or "",
                    d.mobile, d.workplace) for m, d, ordinal in result]
        items = [Item(o.id, o.year, o.seq, o.status, o.deadline, o.received_on, o.category, o.village,
                      o.lead_unit_id, o.content, s.name if s else "", s.phone if s else "")
                 for o, s in session.execute(select(Opinion, Submitter).outerjoin(
                     Submitter, Submitter.id == Opinion.submitter_id))]
    term = township.current_term(db)
    assert term is not None
    yield Big(db, rows, term.id, [g.id for g in organisation.list_groups(db)],
              [s.id for s in organisation.list_stations(db)], summary, items)
    db.dispose()


def _token_matches(row: Row, token: str) -> bool:
    kind = classify_token(token)
    if kind == "digits":
        return row.id_number.endswith(token.upper()) or row.mobile.endswith(token)
    if kind == "latin":
        low = token.lower()
        return row.initials.startswith(low) or low in row.pinyin
    return token in row.name or token in row.workplace or token in row.constituency


def plain_filter(rows: list[Row], query: DeputyQuery) -> list[int]:
    """What the search should return, spelled out in Python over every row."""
    kept = [
        r for r in rows
        if (query.term_id is None or r.term_id == query.term_id)
        and (query.level is None or f",{query.level.value}," in r.levels)
        and (query.status is None or r.status == query.status)
        and (query.group_id is None or r.group_id == query.group_id)
        and (query.station_id is None or r.station_id == query.station_id)
        and all(_token_matches(r, t) for t in query.text.split())
    ]
    kept.sort(key=lambda r: (-r.term_ordinal, r.pinyin, r.mandate_id))
    return [r.mandate_id for r in kept]


TEXTS = ["", "z", "zhang", "wangw", "wjg", "ZSF", "张", "王伟", "1", "123", "5X", "138",
         "东山村", "第3选区", "wang 138", "李 1", "合作社 zh"]


def test_the_demo_is_big(big: Big) -> None:
    current = [r for r in big.rows if r.term_id == big.current]
    assert len(current) == 52 * BLOCKS
    assert len(big.opinions) == big.summary.opinions > 15_000
    assert len({i.year for i in big.opinions}) == volumes(SCALE).years
    assert len({r.id_number for r in big.rows}) == len({(r.name, r.id_number) for r in big.rows})


@pytest.mark.parametrize("text", TEXTS)
def test_text_over_all_terms_and_the_current_one(big: Big, text: str) -> None:
    for term_id in (None, big.current):
        query = DeputyQuery(text=text, term_id=term_id)
        expected = plain_filter(big.rows, query)
        assert deputies.search_ids(big.db, query) == expected
        assert deputies.count(big.db, query) == len(expected)


def test_filters_with_text(big: Big) -> None:
    queries = [
        DeputyQuery(level=DeputyLevel.COUNTY),
        DeputyQuery(text="z", level=DeputyLevel.CITY, term_id=big.current),
        DeputyQuery(status=DeputyStatus.RESIGNED),
        DeputyQuery(text="wang", status=DeputyStatus.SERVING, term_id=big.current),
        DeputyQuery(text="l", group_id=big.groups[0]),
        DeputyQuery(text="z", group_id=big.groups[0], station_id=big.stations[1]),
        DeputyQuery(text="3", group_id=big.groups[0]),
        DeputyQuery(text="社区", station_id=big.stations[0], term_id=big.current,
                    level=DeputyLevel.TOWNSHIP, status=DeputyStatus.SERVING),
    ]
    for query in queries:
        expected = plain_filter(big.rows, query)
        assert expected, query  # every query here has answers at this scale
        assert deputies.search_ids(big.db, query) == expected


def test_load_rows_of_a_page(big: Big) -> None:
    ids = deputies.search_ids(big.db, DeputyQuery(text="wang", term_id=big.current))[:100]
    rows = deputies.load_rows(big.db, ids)
    assert list(rows) and set(rows) == set(ids)
    by_id = {r.mandate_id: r for r in big.rows}
    for mandate_id, line in rows.items():
        assert line.name == by_id[mandate_id].name
        assert line.term == "第十九届"
        assert line.group and line.station


# --- the opinion list ---------------------------------------------------------------------------

NUMBER = re.compile(r"^(\d{4})-(\d{0,6})$")
TODAY = dt.date.today()


def _opinion_token(item: Item, token: str) -> bool:
    number = NUMBER.match(token)
    if number:
        year = item.year == int(number.group(1))
        return year and (not number.group(2) or item.seq == int(number.group(2)))
    if token in item.content or token in item.name or token in item.village:
        return True
    return token.isdigit() and (item.phone.endswith(token) or (len(token) <= 6 and item.seq == int(token)))


def plain_opinions(items: list[Item], query: OpinionFilter) -> list[int]:
    tab = TAB_BY_KEY[query.tab]
    kept = [
        i for i in items
        if (not tab.statuses or i.status in tab.statuses)
        and (not (tab.overdue or query.overdue_only)
             or (i.status == OpinionStatus.ASSIGNED and i.deadline is not None and i.deadline < TODAY))
        and (query.status is None or i.status == query.status)
        and (query.category is None or i.category == query.category)
        and (query.village is None or i.village == query.village)
        and (query.lead_unit_id is None or i.lead_unit_id == query.lead_unit_id)
        and (query.received_from is None or i.received_on >= query.received_from)
        and (query.received_to is None or i.received_on <= query.received_to)
        and all(_opinion_token(i, t) for t in query.text.split())
    ]
    kept.sort(key=lambda i: (-i.year, -i.seq))
    return [i.opinion_id for i in kept]


# Searched in SQLite's full-text index (storage/search_text.py) but for "，" (punctuation: LIKE).
OPINION_TEXTS = ["", "路", "垃圾 村", "东山村", "12", "138", "5678", f"{TODAY.year - 1}-",
                 f"{TODAY.year - 2}-0042", "王", "王 139", "不存在的词", "路灯", "，", "村，"]


@pytest.mark.parametrize("text", OPINION_TEXTS)
def test_the_opinion_list_over_every_tab(big: Big, text: str) -> None:
    for tab in TABS:
        query = OpinionFilter(tab=tab.key, text=text, today=TODAY)
        expected = plain_opinions(big.opinions, query)
        assert opinion_list.search_ids(big.db, query) == expected, (tab.key, text)
        assert opinion_list.count(big.db, query) == len(expected)
    every = OpinionFilter(text=text, today=TODAY)
    counts = opinion_list.tab_counts(big.db, every)
    for tab in TABS:
        assert counts[tab.key] == len(plain_opinions(big.opinions, OpinionFilter(tab=tab.key, text=text,
                                                                                  today=TODAY)))


def test_the_opinion_list_with_filters(big: Big) -> None:
    some = big.opinions[len(big.opinions) // 2]
    queries = [
        OpinionFilter(category=some.category, today=TODAY),
        OpinionFilter(village=some.village, tab="closed", today=TODAY),
        OpinionFilter(lead_unit_id=some.lead_unit_id, overdue_only=True, today=TODAY),
        OpinionFilter(status=OpinionStatus.REPLIED, today=TODAY),
        OpinionFilter(received_from=dt.date(TODAY.year - 1, 3, 1), received_to=dt.date(TODAY.year - 1, 5, 31),
                      text="村", today=TODAY),
        OpinionFilter(tab="overdue", category="交通道路", today=TODAY),
    ]
    for query in queries:
        expected = plain_opinions(big.opinions, query)
        assert expected, query  # every query here has answers at this scale
        assert opinion_list.search_ids(big.db, query) == expected
    result = opinion_list.list_with_counts(big.db, OpinionFilter(text="路", today=TODAY))
    assert result.ids == plain_opinions(big.opinions, OpinionFilter(text="路", today=TODAY))
    assert result.complete and result.total == len(result.ids)


@pytest.mark.parametrize("tab", [tab.key for tab in TABS])
def test_the_list_opens_with_its_first_ids_and_the_true_total(big: Big, tab: str) -> None:
    """Without a search word the page reads only the first ids; the total it shows and the
    ids it reads later (`search_ids`) are the whole tab's."""
    query = OpinionFilter(tab=tab, today=TODAY)
    expected = plain_opinions(big.opinions, query)
    result = opinion_list.list_with_counts(big.db, query, first=7)
    assert result.total == len(expected) == result.counts[tab]
    assert result.ids == expected[:7]
    assert result.complete == (len(expected) <= 7)
    source = opinion_list.MatchingIds(big.db, query)
    assert source.slice(100, 50) == expected[100:150]
    assert source.all() == expected


def test_the_filter_lists_hold_every_village_and_category_in_use(big: Big) -> None:
    for kind in ("village", "category"):
        used = {getattr(item, kind) for item in big.opinions} - {""}
        choices = opinion_list.filter_choices(big.db, kind)
        assert set(choices) >= used
        assert len(choices) == len(set(choices))
        listed = mailbox.list_choices(big.db, kind)
        assert choices[len(listed):] == sorted(used - set(listed))


def test_the_years_figures_count_every_opinion(big: Big) -> None:
    for year in sorted({i.year for i in big.opinions}):
        figures = year_stats(big.db, year)["opinions"]
        of_year = [i for i in big.opinions if i.year == year]
        assert figures["total"] == len(of_year)
        for key, count in figures["by_status"].items():
            assert count == sum(1 for i in of_year if SPEC_STATUS[i.status] == key)
        assert figures["overdue"] == sum(1 for i in of_year if i.status == OpinionStatus.ASSIGNED
                                         and i.deadline is not None and i.deadline < TODAY)
