"""Pinyin keys for names, so staff can type "zsf" or "zhangsanfeng" to find 张三丰."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no spaces: ("zhangsanfeng", "zsf")."""
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore")]
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def classify_token(token: str) -> str:
    """'digits' for the tail of an ID or phone number, 'latin' for pinyin, 'text' otherwise."""
    if token.isdigit() or (token[:-1].isdigit() and token[-1:] in "xX" and len(token) > 1):
        return "digits"
    if token.isascii() and token.isalpha():
        return "latin"
    return "text"
