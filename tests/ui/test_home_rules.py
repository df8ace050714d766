"""履职提醒 on the home page and on each deputy, and the rules and points in settings: who is short
of which rule, how a record or a changed rule changes that, and the archive one click away."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from PySide6.QtCore import Qt

from presidium_app.domain.enums import ActivityType
from presidium_app.services import organisation, rules, settings
from presidium_app.services.audit import Actor
from presidium_app.services.errors import ValidationFailed
from presidium_app.storage.database import Database
from presidium_app.ui.dialogs.archive_dialog import ArchiveDialog
from presidium_app.ui.pages.home import ShortfallModel
from tests.test_training import add_deputy, record

T = ActivityType
REPORTS = "rules.duty_reports_per_year"
RECEPTIONS = "rules.voter_receptions_per_year"
GROUP_MEETINGS = "rules.group_meetings_per_year"
TODAY = dt.date.today()


@pytest.fixture
def people(db: Database, actor: Actor) -> dict[str, Any]:
    """张三 and 李四 of 第一代表小组 (serving); 张三 received voters once this year."""
    group = organisation.add_group(db, actor, "第一代表小组").id
    zhang_mandate, zhang = add_deputy(db, actor, "张三", 1, group_id=group)
    _, li = add_deputy(db, actor, "李四", 2, group_id=group)
    record(db, actor, T.VOTER_RECEPTION, TODAY, [zhang], "进站接待选民")
    return {"zhang": zhang, "li": li, "zhang_mandate": zhang_mandate, "group": group}


@pytest.fixture
def home(window: Any) -> Any:
    return window.show_page("home")


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _reactivate(window: Any) -> Any:
    window.show_page("roster")
    return window.show_page("home")


def test_home_lists_who_is_short_until_they_do_it(
    window: Any, home: Any, db: Database, actor: Actor, people: dict[str, Any]
) -> None:
    home = _reactivate(window)  # the people were added after the window opened
    assert sorted(home.short_names(REPORTS)) == ["张三", "李四"]
    index = home.rules_model.rule_index(REPORTS)
    assert index.data().splitlines() == ["每年至少向选民述职 1 次", "2 人未达到（共 2 人）"]
    home.select_rule(REPORTS)
    assert home.short_table.rootIndex() == index
    assert home.rule_heading.text().startswith("每年至少向选民述职 1 次")
    row = home.rules_model.index(0, 0, index)
    cells = [home.rules_model.index(0, c, index).data() for c in range(4)]
    assert cells[1] == "第一代表小组"
    assert cells[2:] == ["0 / 1 次", "差 1 次"]
    assert home.rules_model.deputy_id(row) in (people["zhang"], people["li"])

    record(db, actor, T.DUTY_REPORT, TODAY, [people["zhang"]], "向选民述职")
    assert sorted(home.short_names(REPORTS)) == ["张三", "李四"]  # until the page is shown again
    home = _reactivate(window)
    assert home.short_names(REPORTS) == ["李四"]
    assert home.chosen_rule() == REPORTS  # the rule being read stays chosen


def test_group_rule_is_listed_by_group(window: Any, people: dict[str, Any]) -> None:
    home = _reactivate(window)
    assert home.short_names(GROUP_MEETINGS) == ["第一代表小组"]
    home.select_rule(GROUP_MEETINGS)
    assert home.rules_model.headerData(0, Qt.Orientation.Horizontal) == "代表小组"
    assert home.short_table.isColumnHidden(ShortfallModel.GROUP)
    assert not home.archive_button.isEnabled()
    home.select_rule(REPORTS)
    assert home.rules_model.headerData(0, Qt.Orientation.Horizontal) == "姓名"


def test_untrained_count_and_the_training_link(
    qtbot: Any, window: Any, db: Database, actor: Actor, people: dict[str, Any]
) -> None:
    home = _reactivate(window)
    assert "本届未参加学习培训 <b>2</b> 人" in home.untrained_label.text()
    record(db, actor, T.TRAINING, TODAY, [people["li"]], "代表履职培训")
    home = _reactivate(window)
    assert "<b>1</b>" in home.untrained_label.text()
    with qtbot.waitSignal(home.page_requested) as requested:
        next(b for b in home.findChildren(type(home.archive_button))
             if b.text() == "到学习培训查看").click()
    assert requested.args == ["training"]


def test_a_deputy_in_the_reminders_opens_their_archive(
    qtbot: Any, window: Any, people: dict[str, Any]
) -> None:
    home = _reactivate(window)
    home.select_rule(RECEPTIONS)
    assert not home.archive_button.isEnabled()
    root = home.short_table.rootIndex()
    row = next(r for r in range(home.rules_model.rowCount(root))
               if home.rules_model.index(r, 0, root).data() == "张三")
    home.short_table.selectRow(row)
    assert home.archive_button.isEnabled()
    rect = home.short_table.visualRect(home.rules_model.index(row, 0, root))
    # A real double click is press, release, then the double-click press: QTest sends only the last.
    qtbot.mouseClick(home.short_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(home.short_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = home.dialog
    assert isinstance(dialog, ArchiveDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "张三 履职档案"
    assert "进站接待选民" in dialog.text()
    dialog.accept()
    qtbot.waitUntil(lambda: home.dialog is None)


def test_editing_a_rule_in_settings_changes_who_is_short(
    window: Any, db: Database, people: dict[str, Any]
) -> None:
    home = _reactivate(window)
    assert sorted(home.short_names(RECEPTIONS)) == ["张三", "李四"]  # 1 of 2, and 0 of 2

    page = window.show_page("settings")
    spin = page.setting_spins[RECEPTIONS]
    assert spin.value() == 2 and spin.suffix() == " 次"
    assert (spin.minimum(), spin.maximum()) == (0, 1000)
    spin.setValue(1)
    assert page.save_settings()
    assert settings.get(db, RECEPTIONS) == 1
    assert "已保存" in page.settings_saved.text()

    home = window.show_page("home")
    assert home.short_names(RECEPTIONS) == ["李四"]
    assert home.rules_model.rule_index(RECEPTIONS).data().startswith("每年至少进站接待选民 1 次")

    page = window.show_page("settings")
    page.restore_default_settings()
    assert spin.value() == 2
    assert "点“保存”后生效" in page.settings_saved.text()
    assert settings.get(db, RECEPTIONS) == 1  # not saved yet
    assert page.save_settings()
    home = window.show_page("home")
    assert sorted(home.short_names(RECEPTIONS)) == ["张三", "李四"]


def test_settings_show_every_rule_grouped_and_errors_at_the_field(
    window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = window.show_page("settings")
    assert set(page.setting_spins) == {spec.key for spec in settings.SPECS}
    assert list(page.setting_forms) == ["履职要求", "履职积分", "积分等次", "办理期限",
                                        "账户安全", "自动备份"]
    for spec in settings.SPECS:
        assert spec.key in page.setting_forms[spec.group].errors
        assert page.setting_spins[spec.key].value() == spec.default
    explanation = page.score_explain.text()
    assert "基础分 60 分" in explanation and "80 分及以上为“好”" in explanation

    assert page.save_settings()  # nothing changed
    assert page.settings_saved.text() == "没有改动"

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise ValidationFailed({"grades.good": "“好”的最低分应高于“一般”的最低分",
                                "other": "另一个问题"})

    monkeypatch.setattr(settings, "update", refuse)
    page.setting_spins["grades.good"].setValue(50)
    assert "50 分及以上为“好”" in page.score_explain.text()
    assert not page.save_settings()
    assert page.setting_forms["积分等次"].error_text("grades.good").startswith("“好”的最低分应高于")
    assert page.settings_error.text() == "另一个问题"


def test_the_deputys_reminders_in_the_roster(
    window: Any, db: Database, actor: Actor, people: dict[str, Any]
) -> None:
    roster = window.show_page("roster")
    roster.select_id(people["zhang_mandate"])
    text = _plain(roster.detail.reminders.text())
    assert "每年至少向选民述职 1 次：今年已 0 次，差 1 次" in text
    assert "每年至少进站接待选民 2 次：今年已 1 次，差 1 次" in text
    assert "每届至少参加视察、执法检查、调研 5 次：本届已 0 次，差 5 次" in text
    record(db, actor, T.DUTY_REPORT, TODAY, [people["zhang"]], "向选民述职")
    window.show_page("home")
    roster = window.show_page("roster")  # shown again: the selected deputy is read again
    text = _plain(roster.detail.reminders.text())
    assert "向选民述职 1 次：" not in text
    assert "已达到" in text and "每年至少向选民述职 1 次" in text


def test_shortfall_model(qtmodeltester: Any, db: Database, people: dict[str, Any]) -> None:
    model = ShortfallModel()
    model.set_statuses(rules.shortfalls(db, TODAY.year))
    assert model.rowCount() == len(rules.RULES)
    qtmodeltester.check(model)
    model.set_statuses([])
    qtmodeltester.check(model)


def test_open_and_overdue_items_are_counted_and_open_their_tab(window: Any, db: Database,
                                                               actor: Actor) -> None:
    from presidium_app.domain.enums import Channel, OpinionAction
    from presidium_app.services import handling_units, mailbox

    unit = handling_units.add_unit(db, actor, "镇交通办")
    for late in (True, False, False):
        oid = mailbox.register_opinion(db, actor, mailbox.OpinionInput(
            TODAY - dt.timedelta(days=40), Channel.PHONE, "路灯不亮"))
        mailbox.apply_action(db, actor, oid, OpinionAction.ASSIGN, TODAY - dt.timedelta(days=40),
                             lead_unit_id=unit,
                             deadline=TODAY - dt.timedelta(days=1) if late else TODAY)
    home = _reactivate(window)
    cards = home.handling_cards
    assert _plain(cards["opinions_in_hand"].number.text()) == "3 件"
    assert _plain(cards["opinions_overdue"].number.text()) == "1 件"
    assert cards["opinions_overdue"].objectName() == "statCardWarning"
    assert cards["suggestions_overdue"].objectName() == "statCard"
    cards["opinions_overdue"].clicked.emit()
    page = window.stack.currentWidget()
    assert page is window.page("mailbox")
    assert page.model.rowCount() == 1  # the overdue tab
