"""Search at 10^4 deputies (`init --demo --scale 200`) returns exactly what a plain filter over
every row returns, in the same order. Correctness at scale; speed is benchmarks/roster_filter."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from presidium_app.domain.deputies import Deputy, Mandate
from presidium_app.domain.enums import DeputyLevel, DeputyStatus
from presidium_app.domain.township import Term
from presidium_app.services import deputies, organisation, township
from presidium_app.services.audit import Actor
from presidium_app.services.demo import fill_demo
from presidium_app.services.deputies import DeputyQuery
from presidium_app.services.search import classify_token
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database
from tests.conftest import TEST_DATABASE_URL_ENV

SCALE = 200


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
class Big:
    db: Database
    rows: list[Row]
    current: int
    groups: list[int]
    stations: list[int]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Big]:
    """Built once for the module: scale 200 takes seconds, each test only reads."""
    if os.environ.get(TEST_DATABASE_URL_ENV):
        pytest.skip("规模测试使用本地 SQLite 数据库")  # other tests reset the shared PostgreSQL
    db = open_database(tmp_path_factory.mktemp("scale") / "data")
    actor = Actor("测试员")
    township.set_up_township(db, actor, "青山镇", "临川县", 19, 2021, 2026)
    summary = fill_demo(db, actor, scale=SCALE)
    assert summary.deputies == 52 * SCALE
    with db.session() as session:
        result = session.execute(
            select(Mandate, Deputy, Term.ordinal)
            .join(Deputy, Deputy.id == Mandate.deputy_id).join(Term, Term.id == Mandate.term_id))
        rows = [Row(m.id, m.term_id, ordinal, m.levels_text, m.status, m.group_id, m.station_id,
                    m.constituency, d.name, d.name_pinyin, d.name_initials, d.id_number or "",
                    d.mobile, d.workplace) for m, d, ordinal in result]
    term = township.current_term(db)
    assert term is not None
    yield Big(db, rows, term.id, [g.id for g in organisation.list_groups(db)],
              [s.id for s in organisation.list_stations(db)])
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
    assert len(current) == 52 * SCALE
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
        DeputyQuery(text="zh 3", group_id=big.groups[0], station_id=big.stations[1]),
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
