"""设置 for the handling of opinions and suggestions: the deadlines, the office's calendar of
holidays and 调休, the opinion form's lists (村（社区）, 类别), and the directory of handling units."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QMetaMethod, Qt
from PySide6.QtWidgets import QLabel

from presidium_app.domain.enums import Channel, OpinionAction
from presidium_app.services import handling_units, mailbox, settings, workdays
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database
from presidium_app.ui.dialogs.handling_units_dialog import LATE, OPEN, HandlingUnitsDialog
from presidium_app.ui.pages.settings import SettingsPage
from presidium_app.ui.widgets.dates import to_qdate

TODAY = dt.date.today()
SATURDAY = dt.date(2026, 2, 14)  # worked in exchange for the Spring Festival
NATIONAL_DAY = dt.date(2026, 10, 1)  # a Thursday
OPINION_DAYS = "deadlines.opinion_days"
RECEPTIONS = "rules.voter_receptions_per_year"


@pytest.fixture
def page(window: Any) -> SettingsPage:
    settings_page = window.show_page("settings")
    assert isinstance(settings_page, SettingsPage)
    return settings_page


@pytest.fixture
def dialog(qtbot: Any, ctx: Any) -> HandlingUnitsDialog:
    units = HandlingUnitsDialog(ctx)
    qtbot.addWidget(units)
    units.show()
    return units


def overdue_opinion(db: Database, actor: Actor, unit_id: int) -> int:
    """An opinion assigned to the unit seven weeks ago whose deadline passed three weeks ago."""
    opinion_id = mailbox.register_opinion(db, actor, mailbox.OpinionInput(
        received_on=TODAY - dt.timedelta(days=50), channel=Channel.VISIT, content="村道路灯不亮"))
    mailbox.apply_action(db, actor, opinion_id, OpinionAction.ASSIGN, TODAY - dt.timedelta(days=49),
                         lead_unit_id=unit_id, deadline=TODAY - dt.timedelta(days=20))
    return opinion_id


# --- 办理期限 ------------------------------------------------------------------------------------


def test_the_deadlines_group_is_shown_and_saved(page: SettingsPage, db: Database) -> None:
    assert list(page.setting_forms) == ["履职要求", "履职积分", "积分等次", "办理期限", "账户安全",
                                        "自动备份"]
    assert {spec.key for spec in settings.SPECS if spec.group == "办理期限"} == {
        key for key in page.setting_spins if key.startswith("deadlines.")}
    assert page.deadlines_box.isVisible()
    spin = page.setting_spins[OPINION_DAYS]
    assert spin.value() == 30 and spin.suffix() == " 天"
    assert page.setting_spins["deadlines.return_working_days"].suffix() == " 个工作日"

    page.setting_spins[RECEPTIONS].setValue(3)  # typed in the other box, not saved
    spin.setValue(15)
    assert page.save_deadlines()
    assert settings.get(db, OPINION_DAYS) == 15
    assert "已保存" in page.deadlines_saved.text()
    assert settings.get(db, RECEPTIONS) == 2  # only the deadlines were saved…
    assert page.setting_spins[RECEPTIONS].value() == 3  # …and the other edit is still there
    assert page.settings_saved.text() == ""

    page.restore_default_deadlines()
    assert spin.value() == 30 and settings.get(db, OPINION_DAYS) == 15
    assert page.save_deadlines()
    assert settings.get(db, OPINION_DAYS) == 30
    assert page.save_deadlines()
    assert page.deadlines_saved.text() == "没有改动"


def test_a_deadline_out_of_range_is_refused_at_the_field(
    page: SettingsPage, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presidium_app.services.errors import ValidationFailed

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise ValidationFailed({OPINION_DAYS: "社情民意办理期限应在1到365之间"})

    monkeypatch.setattr(settings, "update", refuse)
    page.setting_spins[OPINION_DAYS].setValue(40)
    assert not page.save_deadlines()
    assert page.setting_forms["办理期限"].error_text(OPINION_DAYS).startswith("社情民意办理期限应在")


# --- 节假日与调休 ---------------------------------------------------------------------------------


def add_day(page: SettingsPage, day: dt.date, is_workday: bool | None = None, note: str = "") -> bool:
    editor = page.calendar
    editor.day.setDate(to_qdate(day))
    if is_workday is not None:
        editor.kind.setCurrentIndex(editor.kind.findData(is_workday))
    editor.note.setText(note)
    return editor.add_day()


def test_holidays_and_make_up_days_change_the_working_days(page: SettingsPage, db: Database) -> None:
    editor = page.calendar
    assert any(label.text().startswith("周六、周日是休息日，标为“上班（调休）”的除外；周一至周五是工作日")
               for label in editor.findChildren(QLabel))
    assert not workdays.is_workday(SATURDAY, workdays.load_overrides(db))
    assert workdays.is_workday(NATIONAL_DAY, workdays.load_overrides(db))

    editor.day.setDate(to_qdate(SATURDAY))
    assert editor.kind.currentData() is True  # a weekend day is offered as 上班（调休）
    editor.note.setText("春节调休")
    assert editor.add_day()
    editor.day.setDate(to_qdate(NATIONAL_DAY))
    assert editor.kind.currentData() is False  # a weekday as 放假
    editor.note.setText("国庆节")
    assert editor.add_day()

    overrides = workdays.load_overrides(db)
    assert workdays.is_workday(SATURDAY, overrides)
    assert not workdays.is_workday(NATIONAL_DAY, overrides)
    assert editor.year.value() == 2026
    assert editor.days() == [(SATURDAY, True, "春节调休"), (NATIONAL_DAY, False, "国庆节")]
    assert editor.summary.text() == "已设置放假 1 天，调休上班 1 天"
    assert editor.model.index(0, 1).data() == "上班（调休）"
    assert editor.model.index(1, 0).data() == "2026-10-01 周四"
    assert editor.note.text() == ""

    # Marking a day again changes it; a mark that changes nothing says so.
    assert add_day(page, NATIONAL_DAY, True, "国庆节")
    assert workdays.is_workday(NATIONAL_DAY, workdays.load_overrides(db))
    assert "已把2026-10-01（周四）改为上班（调休）" in editor.status.text()
    assert "本来就是工作日" in editor.status.text()

    assert editor.note.maxLength() == 60  # the service's limit

    editor.year.setValue(2027)
    assert editor.days() == []
    assert "还没有设置" in editor.summary.text()


def test_removing_a_day_asks_first(page: SettingsPage, db: Database, messages_log: Any) -> None:
    editor = page.calendar
    assert add_day(page, NATIONAL_DAY, False, "国庆节")
    assert editor.selected() is not None and editor.selected().day == NATIONAL_DAY  # the day added
    editor.table.clearSelection()
    assert not editor.remove_button.isEnabled()
    assert editor.select_day(NATIONAL_DAY)
    assert editor.remove_button.isEnabled()

    messages_log.answer = False
    assert not editor.remove_selected()
    kind, _title, text, detail = messages_log.shown[-1]
    assert kind == "ask" and "2026-10-01（周四）的“放假”（国庆节）" in text
    assert "是工作日" in detail
    assert NATIONAL_DAY in workdays.load_overrides(db)

    messages_log.answer = True
    assert editor.remove_selected()
    assert workdays.load_overrides(db) == {}
    assert workdays.is_workday(NATIONAL_DAY, workdays.load_overrides(db))
    assert editor.days() == []


# --- the opinion form's lists ------------------------------------------------------------------


def test_editing_the_category_list_saves_it(page: SettingsPage, db: Database) -> None:
    editor = page.categories
    assert editor.names() == list(mailbox.DEFAULT_CATEGORIES)
    assert "默认列表" in editor.status.text()
    assert not editor.save_button.isEnabled()

    assert editor.add_name("水利设施")
    assert not editor.add_name("交通道路")
    assert "已有“交通道路”" in editor.error.text()
    assert not editor.add_name("  ")
    assert editor.rename(0, "交通出行")
    assert not editor.rename(1, "其他")  # a repeat is undone
    assert editor.names()[1] == "农业农村" and "未改名" in editor.error.text()
    editor.list.setCurrentRow(editor.names().index("水利设施"))
    assert editor.move_selected(-1) and editor.move_selected(-1)
    editor.list.setCurrentRow(editor.names().index("基层治理"))
    assert editor.remove_selected()
    assert editor.is_dirty() and editor.save_button.isEnabled()
    assert mailbox.list_choices(db, "category") == list(mailbox.DEFAULT_CATEGORIES)  # not yet

    expected = ["交通出行", "农业农村", "环境卫生", "教育医疗", "社会保障", "水利设施", "其他"]
    assert editor.names() == expected
    assert editor.save()
    assert mailbox.list_choices(db, "category") == expected
    assert "已保存" in editor.status.text() and not editor.is_dirty()

    editor.list.setCurrentRow(0)
    editor.remove_selected()
    editor.revert()
    assert editor.names() == expected


def test_the_village_list_starts_empty_and_is_saved(page: SettingsPage, db: Database) -> None:
    editor = page.villages
    assert editor.names() == []
    editor.new_name.setText("青山村")
    editor.add_name()
    editor.add_name("绿水社区")
    assert editor.save()
    assert mailbox.list_choices(db, "village") == ["青山村", "绿水社区"]


# --- the directory of handling units -----------------------------------------------------------


def test_adding_and_editing_a_unit(dialog: HandlingUnitsDialog, db: Database) -> None:
    assert dialog.rows() == []
    assert "还没有承办单位" in dialog.summary.text()
    dialog.save_unit()
    assert dialog.form.error_text("name") == "请填写单位名称"

    dialog.name.setText("镇交通运输管理所")
    dialog.contact_person.setText("李明")
    dialog.phone.setText("0794-6321001")
    assert dialog.save_unit()
    [unit] = handling_units.list_units(db)
    assert (unit.name, unit.contact_person, unit.phone) == ("镇交通运输管理所", "李明", "0794-6321001")
    assert [r.name for r in dialog.rows()] == ["镇交通运输管理所"]
    assert dialog.selected() is not None and dialog.selected().id == unit.id
    assert dialog.name.text() == "" and dialog.form_title.text() == "新增承办单位"

    dialog.name.setText("镇交通运输管理所")
    assert not dialog.save_unit()
    assert "已有名为" in dialog.form.error_text("name")

    assert dialog.select_unit(unit.id)
    assert dialog.edit_selected()
    assert dialog.name.text() == "镇交通运输管理所" and dialog.save_button.text() == "保存修改"
    dialog.phone.setText("13907941234")
    assert dialog.save_unit()
    assert handling_units.list_units(db)[0].phone == "13907941234"
    assert dialog.model.index(0, 2).data() == "13907941234"
    assert "已保存" in dialog.status.text()


def test_counts_inactive_units_and_the_active_filter(
    dialog: HandlingUnitsDialog, db: Database, actor: Actor
) -> None:
    late = handling_units.add_unit(db, actor, "镇农业农村办", "王芳")
    idle = handling_units.add_unit(db, actor, "镇民政办")
    overdue_opinion(db, actor, late)
    dialog.reload()
    assert dialog.select_unit(late)
    row = dialog.model.row_of(late)
    assert dialog.model.index(row, OPEN).data() == "1"
    assert dialog.model.index(row, LATE).data() == "1"
    assert dialog.model.index(dialog.model.row_of(idle), LATE).data() == "—"
    assert "逾期 1 件" in dialog.summary.text()

    assert dialog.select_unit(idle)
    assert dialog.toggle_button.text() == "停用"
    assert dialog.toggle_active()
    assert not next(u for u in handling_units.list_units(db, include_inactive=True) if u.id == idle).active
    assert dialog.model.index(dialog.model.row_of(idle), 3).data() == "已停用"
    assert dialog.toggle_button.text() == "启用"
    dialog.only_active.setChecked(True)
    assert [r.name for r in dialog.rows()] == ["镇农业农村办"]
    dialog.only_active.setChecked(False)
    assert dialog.select_unit(idle) and dialog.toggle_active()
    assert [u.id for u in handling_units.list_units(db)] == [late, idle] or {
        u.id for u in handling_units.list_units(db)} == {late, idle}


def test_deleting_a_unit_that_handled_an_item_is_refused(
    dialog: HandlingUnitsDialog, db: Database, actor: Actor, messages_log: Any
) -> None:
    used = handling_units.add_unit(db, actor, "镇交通运输管理所")
    spare = handling_units.add_unit(db, actor, "镇综治中心")
    overdue_opinion(db, actor, used)
    dialog.reload()

    assert dialog.select_unit(used)
    assert not dialog.delete_selected()
    kinds = [entry[0] for entry in messages_log.shown]
    assert kinds == ["ask", "warn"]
    _kind, title, text, _detail = messages_log.shown[-1]
    assert title == "不能删除"
    assert text == "“镇交通运输管理所”已承办过社情民意或代表建议，不能删除，可改为停用。"
    assert dialog.row_named("镇交通运输管理所") is not None

    messages_log.answer = False
    assert dialog.select_unit(spare)
    assert not dialog.delete_selected()
    assert len(handling_units.list_units(db)) == 2
    messages_log.answer = True
    assert dialog.delete_selected()
    assert [u.id for u in handling_units.list_units(db, include_inactive=True)] == [used]
    assert dialog.row_named("镇综治中心") is None


def test_unit_chosen_on_double_click_and_button(
    qtbot: Any, ctx: Any, db: Database, actor: Actor
) -> None:
    unit_id = handling_units.add_unit(db, actor, "镇交通运输管理所")
    first = HandlingUnitsDialog(ctx)
    qtbot.addWidget(first)
    first.show()
    assert first.items_button.isVisible()
    row = first.model.row_of(unit_id)
    assert row is not None
    rect = first.table.visualRect(first.model.index(row, 0))
    with qtbot.waitSignal(first.unit_chosen) as chosen:
        # A real double click is press, release, then the double-click press: QTest sends only the last.
        qtbot.mouseClick(first.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(first.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen.args == [unit_id]
    assert not first.isVisible()

    second = HandlingUnitsDialog(ctx)
    qtbot.addWidget(second)
    second.show()
    second.select_unit(unit_id)
    with qtbot.waitSignal(second.unit_chosen) as chosen:
        second.items_button.click()
    assert chosen.args == [unit_id]


def test_the_settings_page_opens_the_directory(
    qtbot: Any, page: SettingsPage, db: Database, actor: Actor
) -> None:
    assert "还没有单位" in page.units_summary.text()
    dialog = page.open_units_dialog()
    assert page.units_dialog is dialog and dialog.isVisible()
    # "查看其办理事项" shows only when someone can list a unit's items.
    listening = page.isSignalConnected(QMetaMethod.fromSignal(page.unit_items_requested))
    assert dialog.items_button.isVisible() == listening
    dialog.name.setText("镇交通运输管理所")
    assert dialog.save_unit()
    assert "名录中 1 个单位" in page.units_summary.text()
    dialog.reject()
    qtbot.waitUntil(lambda: page.units_dialog is None)

    requested: list[int] = []
    page.unit_items_requested.connect(requested.append)
    dialog = page.open_units_dialog()
    assert dialog.items_button.isVisible()
    [unit] = handling_units.list_units(db)
    dialog.select_unit(unit.id)
    assert dialog.show_items()
    assert requested == [unit.id]
    qtbot.waitUntil(lambda: page.units_dialog is None)


def test_unreadable_fonts_are_said_in_chinese_and_the_page_still_works(
        qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from presidium_app.printing import fonts

    def unreadable() -> list[str]:
        raise PermissionError(13, "Permission denied", "/usr/share/fonts")

    monkeypatch.setattr(fonts, "font_report", unreadable)
    page = window.show_page("settings")
    qtbot.waitUntil(lambda: "未能读取本机的字体文件" in page.font_lines.text(), timeout=30_000)
    assert "Permission" not in page.font_lines.text()
    assert page.isEnabled() and page.font_lines.isVisibleTo(page)


def test_settings_name_the_font_of_each_printing_role(qtbot: Any, window: Any) -> None:
    """The fonts are read on the worker thread: the page shows at once, then names them."""
    from presidium_app.printing import fonts

    page = window.show_page("settings")
    qtbot.waitUntil(lambda: page.font_lines.text().startswith("标题："), timeout=30_000)
    text = page.font_lines.text()
    assert text.splitlines() == fonts.font_report()
    assert text.startswith("标题：") and "正文：" in text
