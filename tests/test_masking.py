"""The one masking for everything public (DOMAIN.md §4): 张*丰, 138****5678, no ID number."""

from __future__ import annotations

import pytest

from presidium_app.services.masking import mask_id_number, mask_name, mask_phone, public_submitter


@pytest.mark.parametrize(("name", "masked"), [
    ("张三丰", "张*丰"), ("张三", "张*"), ("欧阳修文", "欧**文"), ("王", "王"), ("", ""),
    (" 李四 ", "李*"),
])
def test_names_keep_their_first_and_last_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812345678", "138****5678"), ("138 1234 5678", "138****5678"),
    ("0791-86210001", "0791-******01"), ("86210001", "****0001"), ("110", "***"),
])
def test_phones_keep_only_what_identifies_no_one(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_an_id_number_shows_at_most_its_first_and_last_character() -> None:
    assert mask_id_number("11010519491231002X") == "1" + "*" * 16 + "X"
    assert mask_id_number(None) == "" and mask_id_number("") == ""


def test_the_public_submitter_is_masked_or_anonymous() -> None:
    assert public_submitter("张三丰", "13812345678") == "张*丰 138****5678"
    assert public_submitter("张三丰") == "张*丰"
    assert public_submitter("", "") == "匿名"
