"""The main window: every area in the navigation, lazy pages, shortcuts,
the home figures, settings and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt

from presidium_app.domain.enums import DeputyLevel, DeputyStatus
from presidium_app.services import deputies, township
from presidium_app.services.errors import ValidationFailed
from presidium_app.ui.main_window import AREAS
from tests.helpers import deputy_input, make_id


def test_title_navigation_and_status_bar(window: Any, db: Any) -> None:
    assert window.windowTitle() == "主席团工作台 — 临川县青山镇"
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == ["工作台", "代表名册", "代表活动", "社情民意", "代表建议", "学习培训",
                      "打印中心", "统计", "设置", "操作日志", "账户管理"]
    assert str(db.paths.database_file) in window.db_label.text()
    assert window.user_label.text() == "当前用户：测试员（管理员）"
    assert window.term_label.text() == "当前届次：第十九届（2021—2026）"
    assert window.current_key() == "home"
    assert set(window.pages) == {"home"}  # the others are made when first shown


def test_navigation_shows_pages_lazily(window: Any) -> None:
    window.nav.setCurrentRow(1)
    assert window.current_key() == "roster"
    assert set(window.pages) == {"home", "roster"}
    for area in AREAS:
        window.show_page(area.key)
        assert window.stack.currentWidget() is window.pages[area.key]
        assert window.nav.currentItem().text() == area.title


def test_ctrl_digit_switches_pages(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "roster"
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "audit"
    qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "settings"


def test_home_counts_serving_deputies_by_level_and_those_who_left(
        window: Any, db: Any, actor: Any) -> None:
    term = township.current_term(db)
    assert term is not None
    deputies.add_deputy(db, actor, deputy_input(
        term.id, levels=[DeputyLevel.TOWNSHIP, DeputyLevel.COUNTY]))
    gone = deputies.add_deputy(db, actor, deputy_input(
        term.id, "李四", id_number=make_id(dt.date(1980, 1, 2), 221),
        birth_date=dt.date(1980, 1, 2)))
    deputies.change_status(db, actor, gone, DeputyStatus.DECEASED, dt.date(2024, 6, 1), "因病去世")
    home = window.show_page("home")
    home.activate()
    assert home.township_label.text() == "临川县青山镇人大主席团"
    assert "第十九届（2021—2026）" in home.term_label.text()
    assert home.total_card.number.text().startswith("1")
    assert home.level_cards[DeputyLevel.TOWNSHIP].number.text().startswith("1")
    assert home.level_cards[DeputyLevel.COUNTY].number.text().startswith("1")
    assert home.left_card.number.text().startswith("1")
    assert "李四" in home.left_list.text() and "去世" in home.left_list.text()


def test_home_add_button_opens_the_deputy_dialog(window: Any) -> None:
    home = window.show_page("home")
    home.add_button.click()
    assert window.current_key() == "roster"
    dialog = window.page("roster").dialog
    assert dialog is not None and dialog.windowTitle() == "新增代表"
    dialog.reject()


def test_settings_saves_the_township_and_refuses_a_stale_save(
        window: Any, db: Any, actor: Any, messages_log: Any) -> None:
    settings = window.show_page("settings")
    settings.t_name.setText("白沙镇")
    settings.t_phone.setText("0794-1234567")
    assert settings.save_township()
    assert window.windowTitle() == "主席团工作台 — 临川县白沙镇"
    assert township.get_township(db).phone == "0794-1234567"

    info = township.get_township(db)
    township.update_township(db, actor, info.name, info.county, "别人改的地址", info.phone,
                             info.version)
    settings.t_phone.setText("0794-7654321")
    assert not settings.save_township()
    assert "已被他人修改" in messages_log.texts()
    assert settings.t_address.text() == "别人改的地址"  # reloaded

    settings.t_name.setText("")
    assert not settings.save_township()
    assert settings.township_form.error_text("name") == "请填写乡镇名称"


def test_settings_terms_groups_and_stations(window: Any, db: Any) -> None:
    settings = window.show_page("settings")
    assert settings.terms.count() == 1
    assert settings.term_ordinal.text() == "第二十届"
    settings.term_start.setValue(2026)
    assert settings.add_term()
    assert settings.terms.count() == 2
    settings.terms.setCurrentRow(1)
    assert settings.make_current.isEnabled()
    assert settings.make_selected_current()
    term = township.current_term(db)
    assert term is not None and term.name == "第二十届"
    assert window.term_label.text() == "当前届次：第二十届（2026—2031）"

    settings.group_name.setText("第一代表小组")
    assert settings.add_group()
    assert not settings.add_group()  # empty name
    settings.group_name.setText("第一代表小组")
    assert not settings.add_group()
    assert "已存在" in settings.group_error.text()
    settings.station_name.setText("东山村代表联络站")
    settings.station_address.setText("东山村村委会一楼")
    assert settings.add_station()
    assert settings.groups.count() == 1 and settings.stations.count() == 1
    roster = window.show_page("roster")
    assert roster.group_filter.findText("第一代表小组") > 0
    assert roster.term_filter.currentData() == term.id or roster.term_filter.count() == 3


def test_audit_log_lists_the_add_and_filters_failures(
        qtbot: Any, window: Any, db: Any, actor: Any) -> None:
    term = township.current_term(db)
    assert term is not None
    mandate_id = deputies.add_deputy(db, actor, deputy_input(term.id))
    with pytest.raises(ValidationFailed):  # already serving: refused, and logged as a failure
        deputies.change_status(db, actor, mandate_id, DeputyStatus.SERVING, dt.date(2024, 1, 1))
    page = window.show_page("audit")
    rows = [[page.model.index(r, c).data() for c in range(6)] for r in range(page.model.rowCount())]
    assert any(r[2] == "新增代表" and "张三丰" in r[4] and r[5] == "成功" and r[1] == "测试员"
               for r in rows)
    assert rows[0][5] == "失败"  # newest first

    page.result_filter.setCurrentIndex(page.result_filter.findText("失败"))
    assert page.model.rowCount() == 1
    page.result_filter.setCurrentIndex(0)

    qtbot.keyClicks(page.filter, "zsf")
    page.filter.setText("新增代表")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=1000)
    page.table.selectRow(0)
    html = page.details.toPlainText()
    assert "张三丰" in html and "公民身份号码" in html
    assert page.count_label.text() == "共 1 条"
