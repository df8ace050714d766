"""上墙制度文本: editing a rule, errors under the field, unsaved changes asked about, 恢复默认."""

from __future__ import annotations

from typing import Any

from presidium_app.services import wall_rules
from presidium_app.ui.dialogs.wall_rules_dialog import WallRulesDialog


def test_edit_save_and_reset_a_rule(db: Any, ctx: Any, messages_log: Any) -> None:
    dialog = WallRulesDialog(ctx)
    assert dialog.list.count() == 8 and dialog.title.text() == "代表学习培训制度"
    assert not dialog.reset_button.isEnabled()
    dialog.text.setPlainText("一、每年制定学习计划。\n二、每届至少培训一次。")
    assert dialog.save()
    assert wall_rules.list_rules(db)[0].paragraphs == ["一、每年制定学习计划。", "二、每届至少培训一次。"]
    assert dialog.list.item(0).text() == "代表学习培训制度（已修改）" and dialog.reset_button.isEnabled()
    dialog.title.setText("")
    assert not dialog.save()
    assert dialog.form.error_text("title") == "请填写制度名称"
    # Leaving with unsaved changes asks; answering no keeps the rule on screen.
    messages_log.answer = False
    dialog.list.setCurrentRow(1)
    assert dialog.list.currentRow() == 0 and "尚未保存" in messages_log.texts()
    messages_log.answer = True
    dialog.list.setCurrentRow(1)
    assert dialog.title.text() == "代表联系选民制度"
    dialog.list.setCurrentRow(0)
    assert dialog.reset_current()
    assert not wall_rules.list_rules(db)[0].edited
    dialog.close()
