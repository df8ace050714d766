"""Validators for what staff type: ID numbers, mobile numbers, dates, name lists, terms."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from presidium_app.domain.enums import Gender
from presidium_app.domain.validators import (
    InvalidValue,
    check_id_agrees,
    chinese_ordinal,
    id_birth_date,
    id_check_digit,
    id_gender,
    parse_date,
    parse_month,
    parse_term_name,
    split_names,
    validate_id_number,
    validate_mobile,
)

# A published example number whose check digit is X.
KNOWN_VALID = "11010519491231002X"


def make_id(region: str, birth: dt.date, seq: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


id_parts = st.tuples(
    st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 1, 1)),
    st.integers(min_value=0, max_value=999),
)


def test_known_number_with_x_is_valid() -> None:
    assert validate_id_number(KNOWN_VALID) == KNOWN_VALID
    assert validate_id_number("11010519491231002x") == KNOWN_VALID
    assert id_birth_date(KNOWN_VALID) == dt.date(1949, 12, 31)
    assert id_gender(KNOWN_VALID) == Gender.FEMALE


@given(id_parts)
def test_every_well_formed_number_validates(parts: tuple[str, dt.date, int]) -> None:
    region, birth, seq = parts
    number = make_id(region, birth, seq)
    assert validate_id_number(number) == number
    assert id_birth_date(number) == birth
    assert id_gender(number) == (Gender.MALE if seq % 2 else Gender.FEMALE)


@given(id_parts, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_typo_is_caught(parts: tuple[str, dt.date, int], pos: int, delta: int) -> None:
    """MOD 11-2 catches every single-digit error: a mistyped digit never passes."""
    number = make_id(*parts)
    typo = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    with pytest.raises(InvalidValue):
        validate_id_number(typo)


@given(id_parts, st.integers(min_value=0, max_value=15))
def test_swapped_neighbours_are_caught(parts: tuple[str, dt.date, int], pos: int) -> None:
    number = make_id(*parts)
    if number[pos] == number[pos + 1]:
        return
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
    with pytest.raises(InvalidValue):
        validate_id_number(swapped)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11010519491231002", "应为18位，实为17位"),
        ("1101051949123100A2", "前17位须为数字"),
        ("110105194902300021", "出生日期19490230不存在"),
        ("110105194912310021", "校验码不正确"),
    ],
)
def test_bad_numbers_say_why(value: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        validate_id_number(value)


def test_full_width_and_spaces_are_tolerated() -> None:
    full_width = "１１０１０５ １９４９１２３１ ００２Ｘ"
    assert validate_id_number(full_width) == KNOWN_VALID


def test_birth_date_and_sex_must_agree() -> None:
    check_id_agrees(KNOWN_VALID, dt.date(1949, 12, 31), Gender.FEMALE)
    with pytest.raises(InvalidValue, match="出生日期1950年1月1日与公民身份号码中的1949年12月31日不一致"):
        check_id_agrees(KNOWN_VALID, dt.date(1950, 1, 1), None)
    with pytest.raises(InvalidValue, match="性别“男”与公民身份号码"):
        check_id_agrees(KNOWN_VALID, None, Gender.MALE)


@pytest.mark.parametrize(
    "raw", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "１３８１２３４５６７８"]
)
def test_mobile_numbers_as_typed(raw: str) -> None:
    assert validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("1381234567", "应为11位，实为10位"), ("12812345678", "应以13–19开头"), ("0791-8888888", "固定电话")],
)
def test_bad_mobile_numbers(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        validate_mobile(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-03-05",
        "2026/3/5",
        "2026.3.5",
        "2026年3月5日",
        "２０２６年３月５日",
        " 2026-3-5 ",
        dt.date(2026, 3, 5),
        dt.datetime(2026, 3, 5, 0, 0),
    ],
)
def test_dates_as_staff_write_them(raw: object) -> None:
    assert parse_date(raw) == dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("raw", "reason"), [("2026-02-30", "不存在"), ("三月五日", "无法识别"), ("", "为空")]
)
def test_bad_dates(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        parse_date(raw)


def test_months() -> None:
    assert parse_month("2026-03") == (2026, 3)
    assert parse_month("2026年3月") == (2026, 3)
    with pytest.raises(InvalidValue):
        parse_month("2026-13")


def test_name_lists_with_id_tails() -> None:
    assert split_names("张三、李四，王伟(1234) 王伟（567x）;赵六") == [
        ("张三", None),
        ("李四", None),
        ("王伟", "1234"),
        ("王伟", "567X"),
        ("赵六", None),
    ]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("第十九届", 19),
        ("十九届", 19),
        ("第19届", 19),
        ("第十届", 10),
        ("第二十一届", 21),
        ("第九届", 9),
        ("19", 19),
    ],
)
def test_term_names(text: str, number: int) -> None:
    assert parse_term_name(text) == number


@given(st.integers(min_value=1, max_value=99))
def test_term_names_round_trip(number: int) -> None:
    assert parse_term_name(f"第{chinese_ordinal(number)}届") == number
