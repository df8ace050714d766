"""Pinyin keys for names, so staff can type "zsf" or "zhangsanfeng" to find 张三丰."""

from __future__ import annotations

from functools import lru_cache

# Surnames whose reading as a surname differs from the one pypinyin picks for the character:
# staff type "zeng" for 曾, never "ceng".
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "查": "zha", "区": "ou", "覃": "qin",
    "朴": "piao", "翟": "zhai", "缪": "miao", "种": "chong", "句": "gou", "秘": "bi", "薄": "bo",
    "繁": "po", "员": "yun", "召": "shao", "隗": "wei", "折": "she", "祭": "zhai", "能": "nai",
    "阚": "kan", "盖": "ge", "都": "du",
}


@lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no spaces: ("zhangsanfeng", "zsf")."""
    from pypinyin import Style, lazy_pinyin  # its dictionaries take 0.25 s to load: not at start

    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore")]
    if len(name) > 1 and name[0] in SURNAME_READINGS and syllables:
        syllables[0] = SURNAME_READINGS[name[0]]
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def classify_token(token: str) -> str:
    """'digits' for the tail of an ID or phone number, 'latin' for pinyin, 'text' otherwise."""
    if token.isdigit() or (token[:-1].isdigit() and token[-1:] in "xX" and len(token) > 1):
        return "digits"
    if token.isascii() and token.isalpha():
        return "latin"
    return "text"
