"""制度上墙: the eight default texts, a township's edits, and 恢复默认."""

from __future__ import annotations

import pytest

from presidium_app.services import wall_rules
from presidium_app.services.audit import Actor
from presidium_app.services.errors import Conflict, NotFound, ValidationFailed
from presidium_app.storage.database import Database


def test_the_eight_rules_of_the_issue_come_with_the_product(db: Database) -> None:
    rules = wall_rules.list_rules(db)
    assert [r.title for r in rules] == [
        "代表学习培训制度", "代表联系选民制度", "代表接待选民制度", "代表述职履职制度",
        "代表调研视察制度", "代表建议督办制度", "社情民意收集处理制度", "代表活动室管理制度"]
    assert all(len(r.paragraphs) >= 5 and not r.edited for r in rules)
    assert rules[0].paragraphs[0].startswith("一、")


def test_an_edit_is_kept_and_reset_brings_the_default_back(db: Database, actor: Actor) -> None:
    wall_rules.update_rule(db, actor, "study", "学习培训制度", "一、第一条。\n\n二、第二条。")
    rule = wall_rules.list_rules(db)[0]
    assert (rule.title, rule.paragraphs, rule.edited) == (
        "学习培训制度", ["一、第一条。", "二、第二条。"], True)
    with pytest.raises(Conflict):
        wall_rules.update_rule(db, actor, "study", "学习培训制度", "三、", version=rule.version + 1)
    wall_rules.update_rule(db, actor, "study", "学习培训制度", "一、改过。", version=rule.version)
    wall_rules.reset_rule(db, actor, "study")
    assert wall_rules.list_rules(db)[0] == wall_rules.default_rules()[0]


def test_bad_edits_are_refused_by_field(db: Database, actor: Actor) -> None:
    with pytest.raises(ValidationFailed) as caught:
        wall_rules.update_rule(db, actor, "study", " ", "")
    assert set(caught.value.field_errors) == {"title", "text"}
    with pytest.raises(NotFound):
        wall_rules.update_rule(db, actor, "nothing", "制度", "一、")
