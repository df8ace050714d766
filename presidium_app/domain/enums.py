"""Enumerations of GLOSSARY.md: code names in English, labels in Chinese.

The database stores the code name (the enum value); the UI and the ledgers show the label.
"""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a Chinese label, parsed back by `from_label`."""

    label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def from_label(cls, text: str) -> LabelledEnum | None:
        text = text.strip()
        for member in cls:
            if text in (member.label, member.value):
                return member
        return None

    @classmethod
    def labels(cls) -> list[str]:
        return [m.label for m in cls]


class Gender(LabelledEnum):
    MALE = "male", "男"
    FEMALE = "female", "女"


class DeputyLevel(LabelledEnum):
    TOWNSHIP = "township", "乡镇"
    COUNTY = "county", "县"
    CITY = "city", "市"
    PROVINCE = "province", "省"
    NATIONAL = "national", "全国"


class DeputyStatus(LabelledEnum):
    SERVING = "serving", "在任"
    RESIGNED = "resigned", "辞职"
    RECALLED = "recalled", "罢免"
    TRANSFERRED = "transferred", "调离"
    DECEASED = "deceased", "去世"
    TERMINATED = "terminated", "终止"
