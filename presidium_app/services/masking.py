"""The one masking of personal data for everything public (DOMAIN.md §4): lists, public prints and
exports meant for the wall show 张*丰 and 138****5678, and never an ID number. Full data appears
only on an item's detail page and in internal forms, which do not call these."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """Keep the first and last character, star the middle: 张三丰 → 张*丰, 张三 → 张*, 欧阳修文 → 欧**文."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """Keep the first three and last four digits of a mobile (138****5678); a landline keeps its
    area code and last two digits (0571-****78); anything shorter shows only stars."""
    phone = phone.strip()
    digits = [c for c in phone if c.isdigit()]
    if len(digits) == 11 and digits[0] == "1":
        return "".join(digits[:3]) + "****" + "".join(digits[-4:])
    if "-" in phone:
        area, _, number = phone.partition("-")
        return f"{area}-" + "*" * max(len(number) - 2, 1) + number[-2:]
    if len(digits) >= 7:
        return "*" * (len(digits) - 4) + "".join(digits[-4:])
    return "*" * len(phone)


def mask_id_number(id_number: str | None) -> str:
    """An ID number is never shown in a list: at most its first and last digit (3***********4)."""
    if not id_number:
        return ""
    value = id_number.strip()
    return value[0] + "*" * (len(value) - 2) + value[-1] if len(value) > 2 else "*" * len(value)


def public_submitter(name: str, phone: str = "") -> str:
    """The submitter as a public list shows it: masked name and phone, or 匿名 when there is none."""
    parts = [part for part in (mask_name(name), mask_phone(phone) if phone.strip() else "") if part]
    return " ".join(parts) or "匿名"
