"""Roster search as office staff use it: characters, pinyin, initials, ID and phone tails, filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presidium_app.domain.enums import DeputyLevel, DeputyStatus, Gender
from presidium_app.services import deputies, organisation, township
from presidium_app.services.audit import Actor
from presidium_app.services.deputies import DeputyQuery
from presidium_app.storage.database import Database
from tests.helpers import deputy_input, make_id


@dataclass(frozen=True)
class Roster:
    """A small roster whose every answer is known by heart."""

    db: Database
    current: int  # term ids
    previous: int
    east: int  # group ids
    west: int
    home: int  # station ids
    village: int
    ids: dict[str, int]  # a label → mandate id


@pytest.fixture
def roster(db: Database, actor: Actor) -> Roster:
    current = township.current_term(db)
    assert current is not None
    # Entered after the current term, as offices do when they add history later.
    previous = township.ensure_term(db, actor, 18, 2016, 2021)
    east = organisation.add_group(db, actor, "第一代表小组（东片）").id
    west = organisation.add_group(db, actor, "第二代表小组（西片）").id
    home = organisation.add_station(db, actor, "青山镇人大代表之家").id
    village = organisation.add_station(db, actor, "东坑村代表联络站").id

    def add(label: str, term: int, name: str, birth: dt.date, seq: int, **changes: object) -> None:
        gender = Gender.MALE if seq % 2 else Gender.FEMALE
        data = deputy_input(term, name, gender=gender, birth_date=birth,
                            id_number=make_id(birth, seq), **changes)
        ids[label] = deputies.add_deputy(db, actor, data)

    ids: dict[str, int] = {}
    add("张三丰", current.id, "张三丰", dt.date(1970, 5, 17), 131, mobile="13812345678",
        levels=[DeputyLevel.TOWNSHIP, DeputyLevel.COUNTY], group_id=east, station_id=village)
    add("张伟", current.id, "张伟", dt.date(1975, 1, 2), 11, mobile="13900001111",
        workplace="青山镇中心小学教师", constituency="第2选区", group_id=west, station_id=home)
    add("章小明", current.id, "章小明", dt.date(1980, 2, 3), 21, mobile="13700002222",
        workplace="西岭村村委会主任", constituency="第3选区", group_id=west, station_id=home)
    add("王伟甲", current.id, "王伟", dt.date(1968, 3, 4), 31, mobile="15800003333",
        group_id=east, station_id=village)
    add("王伟乙", current.id, "王伟", dt.date(1990, 6, 7), 41, mobile="15800004444",
        workplace="个体工商户", constituency="第4选区", group_id=west, station_id=home,
        status=DeputyStatus.RESIGNED, left_on=dt.date(2023, 5, 6))
    add("李娜", current.id, "李娜", dt.date(1985, 3, 8), 2, mobile="18600005555",
        workplace="镇卫生院医生", constituency="第5选区", group_id=east, station_id=home)
    add("曾小明", current.id, "曾小明", dt.date(1972, 8, 9), 51, mobile="18600006666",
        workplace="河口村党支部书记", constituency="第6选区", group_id=west, station_id=home,
        levels=[DeputyLevel.TOWNSHIP, DeputyLevel.COUNTY, DeputyLevel.CITY])
    add("欧阳娜娜", current.id, "欧阳娜娜", dt.date(1988, 10, 11), 62, mobile="13300007777",
        workplace="枫林茶叶种植专业合作社理事长", constituency="第7选区", group_id=east,
        station_id=village)
    add("吕丽", current.id, "吕丽", dt.date(1979, 12, 13), 72, mobile="13300008888",
        workplace="城南社区居委会主任", constituency="第8选区", group_id=west, station_id=home)
    # The previous term: 张三丰 served then too; 赵老三 only then.
    add("张三丰（上届）", previous.id, "张三丰", dt.date(1970, 5, 17), 131, mobile="13812345678",
        elected_on=dt.date(2016, 11, 15), group_id=east)
    add("赵老三", previous.id, "赵老三", dt.date(1950, 1, 1), 81, mobile="13512349999",
        elected_on=dt.date(2016, 11, 15), workplace="东坑村原党支部书记")
    return Roster(db, current.id, previous.id, east, west, home, village, ids)


def found(roster: Roster, text: str = "", **filters: object) -> set[str]:
    """The labels of the mandates the roster shows for this search text and these filters."""
    query = DeputyQuery(text=text, **filters)  # type: ignore[arg-type]
    result = deputies.search_ids(roster.db, query)
    assert deputies.count(roster.db, query) == len(result)
    by_id = {v: k for k, v in roster.ids.items()}
    return {by_id[i] for i in result}


CURRENT_ALL = {"张三丰", "张伟", "章小明", "王伟甲", "王伟乙", "李娜", "曾小明", "欧阳娜娜", "吕丽"}


def test_characters_find_part_of_a_name(roster: Roster) -> None:
    assert found(roster, "三丰", term_id=roster.current) == {"张三丰"}
    assert found(roster, "张", term_id=roster.current) == {"张三丰", "张伟"}  # not 章
    assert found(roster, "伟", term_id=roster.current) == {"张伟", "王伟甲", "王伟乙"}
    assert found(roster, "欧阳") == {"欧阳娜娜"}


def test_characters_also_find_workplace_and_constituency(roster: Roster) -> None:
    assert found(roster, "卫生院") == {"李娜"}
    assert found(roster, "第3选区") == {"章小明"}
    assert found(roster, "东坑村") == {"张三丰", "王伟甲", "张三丰（上届）", "赵老三"}


def test_full_pinyin_in_any_case(roster: Roster) -> None:
    assert found(roster, "zhangsanfeng", term_id=roster.current) == {"张三丰"}
    assert found(roster, "ZhangSanFeng", term_id=roster.current) == {"张三丰"}
    assert found(roster, "zhang", term_id=roster.current) == {"张三丰", "张伟", "章小明"}
    assert found(roster, "wangwei", term_id=roster.current) == {"王伟甲", "王伟乙"}


def test_pinyin_initials(roster: Roster) -> None:
    assert found(roster, "zsf", term_id=roster.current) == {"张三丰"}
    assert found(roster, "ZSF", term_id=roster.current) == {"张三丰"}
    assert found(roster, "zs", term_id=roster.current) == {"张三丰"}
    assert found(roster, "ww", term_id=roster.current) == {"王伟甲", "王伟乙"}
    assert found(roster, "oynn") == {"欧阳娜娜"}


def test_partial_pinyin(roster: Roster) -> None:
    assert found(roster, "sanfeng") == {"张三丰", "张三丰（上届）"}
    assert found(roster, "zhangs", term_id=roster.current) == {"张三丰"}
    assert found(roster, "xiaom") == {"章小明", "曾小明"}
    assert found(roster, "nana") == {"欧阳娜娜"}


def test_surname_readings_staff_type(roster: Roster) -> None:
    """曾 as a surname is zeng, not ceng; ü is typed as v."""
    assert found(roster, "zeng") == {"曾小明"}
    assert found(roster, "zxm") == {"曾小明", "章小明"}
    assert found(roster, "zengxiao") == {"曾小明"}
    assert found(roster, "ceng") == set()
    assert found(roster, "lvli") == {"吕丽"}
    assert found(roster, "ll") == {"吕丽"}


def test_tail_of_the_id_number(roster: Roster) -> None:
    zhang = make_id(dt.date(1970, 5, 17), 131)
    assert found(roster, zhang[-4:], term_id=roster.current) == {"张三丰"}
    assert found(roster, zhang, term_id=None) == {"张三丰", "张三丰（上届）"}
    li_na = make_id(dt.date(1985, 3, 8), 2)
    assert li_na.endswith("X")
    assert found(roster, li_na[-4:]) == {"李娜"}
    assert found(roster, li_na[-4:].lower()) == {"李娜"}  # typed x
    assert found(roster, "2X") == {"李娜"}


def test_tail_of_the_phone_number(roster: Roster) -> None:
    assert found(roster, "5678") == {"张三丰", "张三丰（上届）"}
    assert found(roster, "5678", term_id=roster.current) == {"张三丰"}
    assert found(roster, "13812345678") == {"张三丰", "张三丰（上届）"}
    assert found(roster, "4444") == {"王伟乙"}


def test_several_tokens_must_all_match(roster: Roster) -> None:
    assert found(roster, "wang 4444") == {"王伟乙"}
    assert found(roster, "王伟 3333") == {"王伟甲"}
    assert found(roster, "zhang 小学") == {"张伟"}
    assert found(roster, "zhang 5678 zsf", term_id=roster.current) == {"张三丰"}
    assert found(roster, "zhang 4444") == set()
    assert found(roster, "  zsf\u3000 ") == {"张三丰", "张三丰（上届）"}  # stray spaces


def test_nothing_typed_lists_everyone(roster: Roster) -> None:
    assert found(roster, term_id=roster.current) == CURRENT_ALL
    assert found(roster, term_id=roster.previous) == {"张三丰（上届）", "赵老三"}
    assert found(roster) == set(roster.ids)


def test_filters_alone_and_with_text(roster: Roster) -> None:
    current = roster.current
    assert found(roster, term_id=current, level=DeputyLevel.COUNTY) == {"张三丰", "曾小明"}
    assert found(roster, term_id=current, level=DeputyLevel.CITY) == {"曾小明"}
    assert found(roster, "z", level=DeputyLevel.COUNTY) == {"张三丰", "曾小明"}
    assert found(roster, "zxm", level=DeputyLevel.COUNTY) == {"曾小明"}
    assert found(roster, status=DeputyStatus.RESIGNED) == {"王伟乙"}
    assert found(roster, "wangwei", status=DeputyStatus.SERVING) == {"王伟甲"}
    assert found(roster, "伟", group_id=roster.east) == {"王伟甲"}
    assert found(roster, group_id=roster.east, term_id=current) == {
        "张三丰", "王伟甲", "李娜", "欧阳娜娜"}
    assert found(roster, "zhang", station_id=roster.home) == {"张伟", "章小明"}
    assert found(roster, "zhang", station_id=roster.village) == {"张三丰"}
    assert found(roster, "zsf", term_id=roster.previous) == {"张三丰（上届）"}
    assert found(roster, "zsf", term_id=None) == {"张三丰", "张三丰（上届）"}
    assert found(roster, "zls", term_id=current) == set()
    assert found(roster, "zls", term_id=None) == {"赵老三"}
    assert found(roster, "1111", term_id=current, level=DeputyLevel.TOWNSHIP,
                 status=DeputyStatus.SERVING, group_id=roster.west,
                 station_id=roster.home) == {"张伟"}


def test_typed_wildcards_are_plain_characters(roster: Roster) -> None:
    assert found(roster, "%") == set()
    assert found(roster, "_") == set()
    assert found(roster, "张%") == set()


def test_unknown_text_finds_nothing(roster: Roster) -> None:
    assert found(roster, "xyzq") == set()
    assert found(roster, "赵钱孙") == set()
    assert found(roster, "0000000") == set()


def test_roster_order_newest_term_first_then_pinyin(roster: Roster) -> None:
    ids = deputies.search_ids(roster.db, DeputyQuery(text="zhang"))
    by_id = {v: k for k, v in roster.ids.items()}
    # 第十九届 first although 第十八届 was entered later; within a term by pinyin.
    assert [by_id[i] for i in ids] == ["张三丰", "张伟", "章小明", "张三丰（上届）"]


def test_load_rows_shows_the_table_lines(roster: Roster) -> None:
    ids = deputies.search_ids(roster.db, DeputyQuery(text="zsf"))
    rows = deputies.load_rows(roster.db, ids)
    first = rows[roster.ids["张三丰"]]
    assert (first.name, first.gender, first.levels, first.term) == ("张三丰", "男", "乡镇、县", "第十九届")
    assert (first.group, first.station, first.mobile) == (
        "第一代表小组（东片）", "东坑村代表联络站", "13812345678")
    old = rows[roster.ids["张三丰（上届）"]]
    assert (old.term, old.station) == ("第十八届", "")
    resigned = deputies.load_rows(roster.db, [roster.ids["王伟乙"]])[roster.ids["王伟乙"]]
    assert resigned.status == DeputyStatus.RESIGNED and resigned.gender == "男"


# --- properties ---------------------------------------------------------------------------------

# Characters with one reading, spelled out by hand (not by the library under test).
SURNAMES = {"张": "zhang", "王": "wang", "李": "li", "刘": "liu", "陈": "chen", "杨": "yang",
            "黄": "huang", "赵": "zhao", "吴": "wu", "周": "zhou", "徐": "xu", "孙": "sun",
            "马": "ma", "朱": "zhu", "胡": "hu", "郭": "guo", "林": "lin", "罗": "luo",
            "曾": "zeng", "吕": "lv", "欧阳": "ouyang"}
GIVEN = {"伟": "wei", "芳": "fang", "娜": "na", "敏": "min", "静": "jing", "丽": "li",
         "强": "qiang", "磊": "lei", "军": "jun", "洋": "yang", "勇": "yong", "艳": "yan",
         "杰": "jie", "涛": "tao", "明": "ming", "超": "chao", "秀": "xiu", "霞": "xia",
         "平": "ping", "刚": "gang", "桂": "gui", "英": "ying", "华": "hua", "建": "jian",
         "国": "guo", "文": "wen", "红": "hong", "海": "hai", "春": "chun", "玉": "yu",
         "兰": "lan", "小": "xiao", "东": "dong", "志": "zhi", "永": "yong"}

names = st.tuples(st.sampled_from(sorted(SURNAMES)),
                  st.lists(st.sampled_from(sorted(GIVEN)), min_size=1, max_size=2))

PROPERTY_SETTINGS = settings(
    max_examples=30, deadline=None,
    # The database fixture is shared by the examples; each example removes what it added.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _add_alone(db: Database, actor: Actor, name: str, birth: dt.date, seq: int) -> int:
    term = township.current_term(db)
    assert term is not None
    data = deputy_input(term.id, name, gender=Gender.MALE if seq % 2 else Gender.FEMALE,
                        birth_date=birth, id_number=make_id(birth, seq), mobile="")
    return deputies.add_deputy(db, actor, data)


@PROPERTY_SETTINGS
@given(name=names, data=st.data())
def test_any_name_is_found_by_its_pinyin_and_initials(
    db: Database, actor: Actor, name: tuple[str, list[str]], data: st.DataObject,
) -> None:
    surname, given_chars = name
    full = surname + "".join(given_chars)
    pinyin = SURNAMES[surname] + "".join(GIVEN[c] for c in given_chars)
    initials = "".join(s[0] for s in (
        ["ou", "yang"] if surname == "欧阳" else [SURNAMES[surname]])) + "".join(
        GIVEN[c][0] for c in given_chars)
    mandate_id = _add_alone(db, actor, full, dt.date(1980, 1, 1), 11)
    try:
        start = data.draw(st.integers(0, len(pinyin) - 1), label="start")
        end = data.draw(st.integers(start + 1, len(pinyin)), label="end")
        prefix = data.draw(st.integers(1, len(initials)), label="initials prefix")
        upper = data.draw(st.booleans(), label="upper case")
        chars_from = data.draw(st.integers(0, len(full) - 1), label="chars from")
        for text in (pinyin, initials, pinyin[start:end], initials[:prefix], full[chars_from:],
                     pinyin.upper() if upper else pinyin.capitalize()):
            assert mandate_id in deputies.search_ids(db, DeputyQuery(text=text)), text
        assert deputies.search_ids(db, DeputyQuery(text=pinyin + "q")) == []
    finally:
        deputies.remove_deputy(db, actor, mandate_id)


@PROPERTY_SETTINGS
@given(birth=st.dates(dt.date(1940, 1, 1), dt.date(2004, 12, 31)), seq=st.integers(0, 999),
       tail=st.integers(1, 18), phone=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
       phone_tail=st.integers(1, 11))
def test_any_id_or_phone_tail_finds_the_deputy(
    db: Database, actor: Actor, birth: dt.date, seq: int, tail: int, phone: str, phone_tail: int,
) -> None:
    id_number = make_id(birth, seq)
    term = township.current_term(db)
    assert term is not None
    mandate_id = deputies.add_deputy(db, actor, deputy_input(
        term.id, "测试", gender=None, birth_date=None, id_number=id_number, mobile=phone))
    try:
        texts = [phone[-phone_tail:]]
        if id_number[-tail:] != "X":  # a lone x is a pinyin initial (徐, 谢), not an ID tail
            texts += [id_number[-tail:], id_number[-tail:].lower()]
        for text in texts:
            assert deputies.search_ids(db, DeputyQuery(text=text)) == [mandate_id], text
        wrong = "0" if id_number[-1] != "0" and phone[-1] != "0" else "1"
        if not (id_number.endswith(wrong) or phone.endswith(wrong)):
            assert deputies.search_ids(db, DeputyQuery(text=wrong)) == []
    finally:
        deputies.remove_deputy(db, actor, mandate_id)
