"""Validators for what staff type: ID numbers (GB 11643), mobile numbers, dates, name lists.

Each returns the normalised value or raises `InvalidValue` with a Chinese reason that can be shown
next to the field or written into an import's rejection report.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from presidium_app.domain.enums import Gender


class InvalidValue(ValueError):
    """A value a person typed that cannot be accepted; `str(err)` is the Chinese reason."""


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_text(value: object) -> str:
    """Full-width digits and letters to half-width, stray spaces removed at both ends."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u3000", " ").strip()


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(value: object) -> str:
    """An 18-character citizen ID number with a valid check digit and a real birth date."""
    text = re.sub(r"\s", "", normalize_text(value)).upper()
    if len(text) != 18:
        raise InvalidValue(f"公民身份号码应为18位，实为{len(text)}位")
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise InvalidValue("公民身份号码前17位须为数字，末位为数字或X")
    try:
        id_birth_date(text)
    except ValueError:
        raise InvalidValue(f"公民身份号码中的出生日期{text[6:14]}不存在") from None
    if id_check_digit(text[:17]) != text[17]:
        raise InvalidValue("公民身份号码校验码不正确，请核对是否录错")
    return text


def id_birth_date(id_number: str) -> dt.date:
    """The birth date encoded in positions 7–14."""
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_gender(id_number: str) -> Gender:
    """The sex encoded in position 17: odd for men, even for women."""
    return Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE


def check_id_agrees(id_number: str, birth_date: dt.date | None, gender: Gender | None) -> None:
    """Birth date and sex given elsewhere must agree with the ID number."""
    if birth_date is not None and id_birth_date(id_number) != birth_date:
        raise InvalidValue(
            f"出生日期{format_date(birth_date)}与公民身份号码中的"
            f"{format_date(id_birth_date(id_number))}不一致"
        )
    if gender is not None and id_gender(id_number) != gender:
        raise InvalidValue(f"性别“{gender.label}”与公民身份号码（第17位）不一致")


def validate_mobile(value: object) -> str:
    """A mainland mobile number: 11 digits starting 1[3-9]; spaces, dashes and +86 tolerated."""
    text = re.sub(r"[\s\-－()（）]", "", normalize_text(value))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not re.fullmatch(r"\d+", text):
        raise InvalidValue("手机号码只能包含数字")
    if text.startswith("0"):
        raise InvalidValue("这像是固定电话号码，请填写11位手机号码")
    if len(text) != 11:
        raise InvalidValue(f"手机号码应为11位，实为{len(text)}位")
    if not re.fullmatch(r"1[3-9]\d{9}", text):
        raise InvalidValue("手机号码应以13–19开头")
    return text


_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_MONTH_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月?"),
)


def parse_date(value: object) -> dt.date:
    """A date as staff write it: an Excel date, 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = re.sub(r"\s", "", normalize_text(value))
    if not text:
        raise InvalidValue("日期为空")
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise InvalidValue(f"日期“{text}”不存在") from None
    raise InvalidValue(f"无法识别的日期“{text}”，请写成2026-03-05或2026年3月5日")


def parse_month(value: object) -> tuple[int, int]:
    """A month alone (2026-03, 2026年3月) as (year, month), for columns that allow a month."""
    text = re.sub(r"\s", "", normalize_text(value))
    for pattern in _MONTH_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month = (int(g) for g in match.groups())
            if 1 <= month <= 12:
                return year, month
            raise InvalidValue(f"月份“{text}”不存在")
    raise InvalidValue(f"无法识别的月份“{text}”，请写成2026-03或2026年3月")


def format_date(value: dt.date) -> str:
    """The official form: full year, no zero padding (2026年3月5日)."""
    return f"{value.year}年{value.month}月{value.day}日"


_NAME_SPLIT = re.compile(r"[、，,;；\s]+")
_NAME_WITH_TAIL = re.compile(r"(.+?)[(（]([0-9Xx]{4})[)）]")


def split_names(value: object) -> list[tuple[str, str | None]]:
    """A list of names as typed, each with the optional last four ID characters: 王伟(1234)."""
    result: list[tuple[str, str | None]] = []
    for part in _NAME_SPLIT.split(normalize_text(value)):
        if not part:
            continue
        match = _NAME_WITH_TAIL.fullmatch(part)
        if match:
            result.append((match.group(1), match.group(2).upper()))
        else:
            result.append((part, None))
    return result


_CN_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(number: int) -> str:
    """19 → 十九, 21 → 二十一: the numeral in 第十九届."""
    if number <= 0 or number >= 100:
        return str(number)
    tens, ones = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _CN_DIGITS[tens]) + "十"
    if ones:
        text += _CN_DIGITS[ones]
    return text


def parse_term_name(value: object) -> int:
    """第十九届 / 十九届 / 第19届 / 19 → 19."""
    text = re.sub(r"\s", "", normalize_text(value))
    match = re.fullmatch(r"第?([0-9]+|[零一二三四五六七八九十]+)届?", text)
    if not match:
        raise InvalidValue(f"无法识别的届次“{text}”，请写成“第十九届”")
    raw = match.group(1)
    if raw.isdigit():
        number = int(raw)
    else:
        if "十" in raw:
            tens_text, _, ones_text = raw.partition("十")
            tens = _CN_DIGITS.index(tens_text) if tens_text else 1
            ones = _CN_DIGITS.index(ones_text) if ones_text else 0
            number = tens * 10 + ones
        elif len(raw) == 1:
            number = _CN_DIGITS.index(raw)
        else:
            raise InvalidValue(f"无法识别的届次“{text}”")
    if number <= 0:
        raise InvalidValue(f"届次“{text}”不合理")
    return number
