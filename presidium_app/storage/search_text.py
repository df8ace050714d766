"""The text 社情民意's search box finds, as SQLite's full-text index (FTS5) holds it.

Chinese has no spaces, and staff type one or two characters (路灯, 低保, 张): FTS5's word
tokenizer would see a whole sentence as one word, and its trigram tokenizer finds nothing shorter
than three characters. So every character is indexed as a word of its own and a search word
becomes a phrase of its characters ("路 灯"): a phrase matches consecutive characters, which is
exactly "contains" (LIKE '%路灯%'), found in the index in milliseconds instead of a scan of 10^5
items. A space or punctuation in the text becomes a break word no search can produce, so "路，灯"
is not found by 路灯 (as LIKE would not find it), and fields are kept apart the same way.

Digits also look for the tail of the submitter's phone ("5678" finds 13800005678): the phone is
indexed in a column of its own, its digits reversed, and matched from the column's start.

The index (table `opinion_search(body, phone)`, migration 0008) is kept by triggers on `opinion`
and `submitter` that call `presidium_search_text` and `presidium_phone_text`, registered on every
connection the app opens. Only SQLite has it; PostgreSQL searches with LIKE. Migration 0008 filled
it with frozen copies of these functions: a change to the indexed text needs a migration that
rebuilds the index, or the rows already indexed are found by the old text.
"""

from __future__ import annotations

import sqlite3
import unicodedata

FUNCTION = "presidium_search_text"
PHONE_FUNCTION = "presidium_phone_text"
BREAK = "qq"  # two letters: never a word of a search phrase, whose words are single characters


def _kept(character: str) -> bool:
    """The characters FTS5's unicode61 tokenizer keeps as word characters (letters, numbers)."""
    return unicodedata.category(character)[0] in "LN"


def search_text(*fields: str | None) -> str:
    """The indexed text of an item's fields (content, village, submitter's name and phone)."""
    words: list[str] = []
    for value in fields:
        for character in f"{value or ''} ":  # the space ends the field with a break
            if _kept(character):
                words.append(character)
            elif words and words[-1] != BREAK:
                words.append(BREAK)
    return " ".join(words[:-1] if words and words[-1] == BREAK else words)


def phone_text(phone: str | None) -> str:
    """The indexed phone: its digits, last first, so a tail is a phrase at the column's start."""
    return " ".join(reversed([c for c in phone or "" if c.isdigit()]))


def phrase(word: str) -> str | None:
    """The FTS5 query of one search word: its characters as a phrase in the text, and for digits
    also as the tail of the phone; None when the word has punctuation in it (the caller searches
    it with LIKE, the only way to match that exactly)."""
    if not word or not all(_kept(c) for c in word):
        return None
    text = 'body : "' + " ".join(word) + '"'
    if word.isdigit():
        return f'{text} OR phone : ^ "{" ".join(reversed(word))}"'
    return text


def register(connection: sqlite3.Connection) -> None:
    """Make the functions the index's triggers call available on this connection."""
    connection.create_function(FUNCTION, -1, search_text, deterministic=True)
    connection.create_function(PHONE_FUNCTION, 1, phone_text, deterministic=True)
