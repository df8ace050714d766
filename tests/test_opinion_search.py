"""社情民意's search box on SQLite's full-text index (storage/search_text.py, migration 0008): it
finds what LIKE finds, follows every change of an item and its submitter, and is filled for the
items recorded before it existed. (tests/test_scale.py checks its answers on a large township.)"""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import text

from presidium_app.domain.enums import Channel
from presidium_app.services import mailbox, opinion_list
from presidium_app.services.audit import Actor
from presidium_app.services.mailbox import OpinionInput, SubmitterInput
from presidium_app.services.opinion_list import OpinionFilter
from presidium_app.storage.database import Database
from presidium_app.storage.migrations import alembic_config, upgrade
from presidium_app.storage.search_text import phone_text, phrase, search_text

DAY = dt.date(2026, 3, 2)
TRIGGERS = {"opinion_search_insert", "opinion_search_update", "opinion_search_delete",
            "opinion_search_submitter"}


@pytest.fixture
def sqlite_db(db: Database) -> Database:
    if not db.is_sqlite:
        pytest.skip("全文索引只在 SQLite 上建立；PostgreSQL 用 LIKE 查找")
    return db


def _register(db: Database, actor: Actor, content: str, name: str = "", phone: str = "",
              village: str = "") -> int:
    submitter = SubmitterInput(name, phone, None, "") if name or phone else None
    return mailbox.register_opinion(db, actor, OpinionInput(
        received_on=DAY, channel=Channel.VISIT, content=content, submitter=submitter, village=village))


def _found(db: Database, words: str) -> list[int]:
    return opinion_list.search_ids(db, OpinionFilter(text=words, today=DAY))


def test_each_character_is_a_word_and_breaks_keep_fields_and_punctuation_apart() -> None:
    assert search_text("路灯坏了，请修", "东山村") == "路 灯 坏 了 qq 请 修 qq 东 山 村"
    assert search_text("Wi-Fi 138", None, "") == "W i qq F i qq 1 3 8"
    assert phone_text("0794-223 3445") == "5 4 4 3 3 2 2 4 9 7 0"
    assert phrase("路灯") == 'body : "路 灯"'
    assert phrase("5678") == 'body : "5 6 7 8" OR phone : ^ "8 7 6 5"'
    assert phrase("村，") is None and phrase("") is None


def test_the_search_finds_what_contains_finds(sqlite_db: Database, actor: Actor,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    db = sqlite_db
    _register(db, actor, "村口道路破损，雨天积水", "张三丰", "13812345678", "东山村")
    _register(db, actor, "希望安装路灯", "李秀英", "13900005678", "西坑村")
    _register(db, actor, "路，灯都坏了", village="东山村")  # 路灯 is not in it: punctuation between
    _register(db, actor, "Wi-Fi信号差，编号138号", "王芳", "0794-2233445")
    words = ["路灯", "路", "东山村", "张", "5678", "138", "3445", "2233", "wi", "Fi", "，", "灯都",
             "村口 积水", "路 王", "13800000000", "不存在"]
    indexed = {w: _found(db, w) for w in words}
    monkeypatch.setattr(opinion_list, "_indexed", lambda _db: False)  # LIKE over every item
    for word in words:
        assert indexed[word] == _found(db, word), word
    assert len(indexed["路灯"]) == 1 and len(indexed["5678"]) == 2 and indexed["2233"] == []


def test_the_index_follows_changes_to_items_and_submitters(sqlite_db: Database, actor: Actor) -> None:
    db = sqlite_db
    first = _register(db, actor, "希望安装路灯", "李秀英", "13900001111")
    assert _found(db, "路灯") == [first] and _found(db, "秀英") == [first]
    with db.transaction() as session:  # what a correction or a merge of submitters would do
        session.execute(text("UPDATE opinion SET content = '垃圾清运不及时' WHERE id = :id"), {"id": first})
        session.execute(text("UPDATE submitter SET name = '李秀兰', phone = '13900002222'"))
    assert _found(db, "路灯") == [] and _found(db, "垃圾") == [first]
    assert _found(db, "秀英") == [] and _found(db, "秀兰") == [first]
    assert _found(db, "1111") == [] and _found(db, "2222") == [first]
    with db.transaction() as session:
        session.execute(text("DELETE FROM opinion_event"))
        session.execute(text("DELETE FROM opinion"))
    assert _found(db, "垃圾") == []
    with db.session() as session:
        assert session.scalar(text("SELECT count(*) FROM opinion_search")) == 0


def test_items_recorded_before_the_index_existed_are_found(sqlite_db: Database, actor: Actor) -> None:
    db = sqlite_db
    command.downgrade(alembic_config(db.engine), "0007")
    with db.session() as session:
        tables = session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name LIKE 'opinion_search%'"))
    assert tables == 0
    first = _register(db, actor, "希望安装路灯", "李秀英", "13900001111")
    upgrade(db.engine)
    assert _found(db, "路灯") == [first] and _found(db, "1111") == [first]
    with db.session() as session:
        names = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    assert names >= TRIGGERS  # a later batch migration of opinion or submitter must keep them
