"""Small builders shared by tests."""

from __future__ import annotations

import datetime as dt

from presidium_app.domain.enums import DeputyLevel, Gender
from presidium_app.domain.validators import id_check_digit
from presidium_app.services.deputies import DeputyInput


def make_id(birth: dt.date, seq: int, region: str = "361025") -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def deputy_input(term_id: int, name: str = "张三丰", **changes: object) -> DeputyInput:
    base: dict[str, object] = {
        "name": name,
        "gender": Gender.MALE,
        "term_id": term_id,
        "levels": [DeputyLevel.TOWNSHIP],
        "birth_date": dt.date(1970, 5, 17),
        "id_number": make_id(dt.date(1970, 5, 17), 131),
        "mobile": "13812345678",
        "workplace": "东坑村党支部书记",
        "constituency": "第1选区",
        "elected_on": dt.date(2021, 9, 10),
    }
    base.update(changes)
    return DeputyInput(**base)  # type: ignore[arg-type]
