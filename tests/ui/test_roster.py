"""The roster page: add through the dialog, search, filters, status changes, edit, delete, photo."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog

from presidium_app.domain.enums import DeputyLevel, DeputyStatus, Gender
from presidium_app.services import deputies, organisation, township
from presidium_app.services.deputies import DeputyQuery
from presidium_app.ui.pages.roster import SEARCH_PLACEHOLDER
from tests.helpers import deputy_input, make_id

GOOD_ID = make_id(dt.date(1970, 5, 17), 131)
BAD_ID = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")


def _term_id(db: Any) -> int:
    term = township.current_term(db)
    assert term is not None
    return term.id


def _names(page: Any) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def _add(db: Any, actor: Any, name: str, seq: int, **changes: Any) -> int:
    birth = changes.pop("birth_date", dt.date(1970, 1, 1) + dt.timedelta(days=seq))
    values: dict[str, Any] = {
        "id_number": make_id(birth, seq), "birth_date": birth, "mobile": f"139{seq:08d}",
        "gender": Gender.MALE if seq % 2 else Gender.FEMALE}
    values.update(changes)
    return deputies.add_deputy(db, actor, deputy_input(_term_id(db), name, **values))


@pytest.fixture
def roster(window: Any) -> Any:
    return window.show_page("roster")


def test_add_deputy_wrong_id_then_corrected(qtbot: Any, roster: Any, db: Any) -> None:
    assert roster.search.placeholderText() == SEARCH_PLACEHOLDER
    dialog = roster.add_deputy()
    assert dialog.isVisible()
    assert dialog.level_boxes[DeputyLevel.TOWNSHIP].isChecked()
    assert dialog.term.currentData() == _term_id(db)
    dialog.name.setText("张三丰")  # QTest can only type ASCII
    qtbot.keyClicks(dialog.id_number, BAD_ID)
    dialog.mobile.setText("138 1234 5678")
    dialog.workplace.setText("东坑村党支部书记")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()  # stays open, nothing typed is lost
    assert "校验码" in dialog.error_text("id_number")
    assert dialog.error_text("name") == ""
    assert dialog.name.text() == "张三丰"
    assert deputies.search_ids(db, DeputyQuery()) == []

    dialog.id_number.setText(GOOD_ID)  # a valid number fills in birth date and sex
    assert dialog.birth_date.value() == dt.date(1970, 5, 17)
    assert dialog.gender.currentData() == Gender.MALE
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    ids = deputies.search_ids(db, DeputyQuery())
    assert len(ids) == 1
    assert _names(roster) == ["张三丰"]
    assert roster.count_label.text() == "共 1 人"
    assert roster.selected_id() == ids[0]
    assert roster.detail.name.text() == "张三丰"
    record = deputies.get_deputy(db, ids[0])
    assert record.data.mobile == "13812345678"
    assert record.data.id_number == GOOD_ID


def test_dialog_cancels_with_escape_and_saves_with_ctrl_s(qtbot: Any, roster: Any, db: Any) -> None:
    dialog = roster.add_deputy()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    dialog = roster.add_deputy()
    dialog.name.setText("李秀英")
    dialog.gender.setCurrentIndex(dialog.gender.findData(Gender.FEMALE))
    dialog.name.setFocus()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert _names(roster) == ["李秀英"]


def test_search_by_pinyin_initials_and_phone_tail(qtbot: Any, roster: Any, db: Any, actor: Any) -> None:
    _add(db, actor, "张三丰", 131)
    _add(db, actor, "张思远", 133)
    _add(db, actor, "李四", 135, mobile="13912348888")
    roster.activate()
    assert roster.count_label.text() == "共 3 人"

    qtbot.keyClicks(roster.search, "zsf")
    qtbot.waitUntil(lambda: _names(roster) == ["张三丰"], timeout=1000)
    assert roster.count_label.text() == "共 1 人"
    qtbot.keyClick(roster.search, Qt.Key.Key_Return)  # Enter picks the first match
    assert roster.detail.name.text() == "张三丰"

    roster.search.clear()
    qtbot.keyClicks(roster.search, "8888")
    qtbot.waitUntil(lambda: _names(roster) == ["李四"], timeout=1000)

    roster.search.setText("zs")
    qtbot.waitUntil(lambda: sorted(_names(roster)) == ["张三丰", "张思远"], timeout=1000)


def test_filters_combine(qtbot: Any, roster: Any, db: Any, actor: Any) -> None:
    east = organisation.add_group(db, actor, "第一代表小组（东片）")
    west = organisation.add_group(db, actor, "第二代表小组（西片）")
    station = organisation.add_station(db, actor, "东山村代表联络站")
    _add(db, actor, "张三丰", 131, group_id=east.id, station_id=station.id,
         levels=[DeputyLevel.TOWNSHIP, DeputyLevel.COUNTY])
    _add(db, actor, "王芳", 132, group_id=east.id)
    gone = _add(db, actor, "赵六", 135, group_id=east.id, levels=[DeputyLevel.COUNTY])
    _add(db, actor, "钱七", 137, group_id=west.id, levels=[DeputyLevel.COUNTY])
    deputies.change_status(db, actor, gone, DeputyStatus.TRANSFERRED, dt.date(2024, 1, 5))
    roster.activate()
    assert roster.count_label.text() == "共 4 人"

    def choose(combo: Any, value: Any) -> None:
        combo.setCurrentIndex(combo.findData(value))

    choose(roster.group_filter, east.id)
    assert sorted(_names(roster)) == ["张三丰", "王芳", "赵六"]
    choose(roster.level_filter, DeputyLevel.COUNTY)
    assert sorted(_names(roster)) == ["张三丰", "赵六"]
    choose(roster.status_filter, DeputyStatus.SERVING)
    assert _names(roster) == ["张三丰"]
    choose(roster.station_filter, station.id)
    assert _names(roster) == ["张三丰"]
    roster.search.setText("ww")
    qtbot.waitUntil(lambda: _names(roster) == [], timeout=1000)
    assert "没有符合条件" in roster.empty.text()

    roster.reset_filters()
    assert roster.count_label.text() == "共 4 人"
    assert roster.term_filter.currentData() == _term_id(db)
    choose(roster.term_filter, None)  # 全部届次
    assert roster.term_filter.currentText() == "全部届次"
    assert not roster.table.isColumnHidden(4)  # the 届次 column shows for several terms


def test_status_change_records_history_and_greys_the_row(
        qtbot: Any, roster: Any, db: Any, actor: Any) -> None:
    mandate_id = _add(db, actor, "张三丰", 131)
    roster.activate()
    roster.select_id(mandate_id)
    assert roster.status_action.isEnabled()
    dialog = roster.change_status_selected()
    assert dialog.status.findData(DeputyStatus.SERVING) == -1  # already serving
    dialog.set_values(DeputyStatus.RESIGNED, dt.date(2024, 3, 1), "本人书面辞职")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()

    record = deputies.get_deputy(db, mandate_id)
    assert record.data.status == DeputyStatus.RESIGNED
    assert record.data.left_on == dt.date(2024, 3, 1)
    assert [e.new_status for e in record.history][-1] == DeputyStatus.RESIGNED
    row = roster.model.row_of(mandate_id)
    assert isinstance(roster.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole), QColor)
    assert roster.model.index(row, 10).data() == "辞职"
    assert "本人书面辞职" in roster.detail.history.text()
    assert "辞职" in roster.detail.status.text()


def test_status_change_refuses_a_date_before_the_election(
        qtbot: Any, roster: Any, db: Any, actor: Any) -> None:
    mandate_id = _add(db, actor, "张三丰", 131)
    roster.activate()
    roster.select_id(mandate_id)
    dialog = roster.change_status_selected()
    dialog.changed_on.setMinimumDate(dialog.changed_on.minimumDate().addYears(-5))
    dialog.set_values(DeputyStatus.DECEASED, dt.date(2020, 1, 1), "")
    assert not dialog.save()
    assert dialog.form.error_text("changed_on") == "变动日期不能早于当选日期"
    assert deputies.get_deputy(db, mandate_id).data.status == DeputyStatus.SERVING


def test_edit_saves_and_a_conflict_keeps_the_dialog_open(
        qtbot: Any, roster: Any, db: Any, actor: Any, messages_log: Any) -> None:
    mandate_id = _add(db, actor, "张三丰", 131)
    roster.activate()
    roster.select_id(mandate_id)
    dialog = roster.edit_selected()
    assert dialog.name.text() == "张三丰"
    dialog.workplace.setText("青山镇农技站站长")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    assert roster.model.index(0, 8).data() == "青山镇农技站站长"

    dialog = roster.edit_selected()
    other = deputies.get_deputy(db, mandate_id)
    deputies.update_deputy(db, actor, mandate_id, replace(other.data, notes="同事补充的备注"),
                           other.deputy_version, other.mandate_version)  # someone else saves
    dialog.workplace.setText("别的单位")
    assert not dialog.save()
    assert dialog.isVisible()
    assert dialog.workplace.text() == "别的单位"
    assert "已被他人修改" in messages_log.texts()


def test_double_click_opens_the_edit_dialog(qtbot: Any, roster: Any, db: Any, actor: Any) -> None:
    _add(db, actor, "张三丰", 131)
    roster.activate()
    rect = roster.table.visualRect(roster.model.index(0, 0))
    # A real double click is press, release, then the double-click press: QTest sends only the last.
    qtbot.mouseClick(roster.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(roster.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert roster.dialog is not None
    assert roster.dialog.windowTitle() == "修改代表信息"
    roster.dialog.reject()


def test_delete_asks_naming_the_deputy(roster: Any, db: Any, actor: Any, messages_log: Any) -> None:
    mandate_id = _add(db, actor, "张三丰", 131)
    roster.activate()
    roster.select_id(mandate_id)
    messages_log.answer = False
    assert not roster.delete_selected()
    assert deputies.search_ids(db, DeputyQuery()) == [mandate_id]
    kind, _title, text, detail = messages_log.shown[-1]
    assert kind == "ask" and "张三丰" in text and "状态变动" in detail
    messages_log.answer = True
    assert roster.delete_selected()
    assert deputies.search_ids(db, DeputyQuery()) == []
    assert roster.count_label.text() == "共 0 人"
    assert "还是空的" in roster.empty.text()


def test_set_photo_shows_it_in_the_detail(
        roster: Any, db: Any, actor: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mandate_id = _add(db, actor, "张三丰", 131)
    roster.activate()
    roster.select_id(mandate_id)
    assert roster.detail.photo.text() == "暂无照片"
    image = QImage(60, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366aa"))
    photo = tmp_path / "zsf.png"
    assert image.save(str(photo))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(photo), "")))
    roster.set_photo_selected()
    assert deputies.get_deputy(db, mandate_id).photo
    assert not roster.detail.photo.pixmap().isNull()


def test_actions_need_a_selection_and_ctrl_f_focuses_search(
        qtbot: Any, window: Any, roster: Any, db: Any, actor: Any) -> None:
    _add(db, actor, "张三丰", 131)
    roster.activate()
    roster.table.clearSelection()
    roster.select_id(None)
    assert not roster.edit_action.isEnabled()
    assert not roster.delete_action.isEnabled()
    assert roster.add_action.shortcut().toString() == "Ctrl+N"
    assert roster.import_action.shortcut().toString() == "Ctrl+I"
    assert roster.export_action.shortcut().toString() == "Ctrl+E"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    roster.table.setFocus()
    qtbot.keyClick(roster.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert roster.search.hasFocus()


def test_enter_edits_and_delete_key_asks(
        qtbot: Any, window: Any, roster: Any, db: Any, actor: Any, messages_log: Any) -> None:
    mandate_id = _add(db, actor, "张三丰", 131)
    roster.activate()
    roster.select_id(mandate_id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    roster.table.setFocus()
    qtbot.keyClick(roster.table, Qt.Key.Key_Return)
    assert roster.dialog is not None and roster.dialog.windowTitle() == "修改代表信息"
    roster.dialog.reject()
    qtbot.waitUntil(window.isActiveWindow)
    roster.table.setFocus()
    messages_log.answer = False
    qtbot.keyClick(roster.table, Qt.Key.Key_Delete)
    assert messages_log.shown and "张三丰" in messages_log.shown[-1][2]
    assert deputies.search_ids(db, DeputyQuery()) == [mandate_id]
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert roster.dialog is not None and roster.dialog.windowTitle() == "新增代表"
    roster.dialog.reject()


def test_enter_and_delete_in_the_search_box_leave_the_selection_alone(
        qtbot: Any, window: Any, roster: Any, db: Any, actor: Any, messages_log: Any) -> None:
    """Enter and Delete belong to the table: typed in the search box they must not open or
    delete the selected deputy."""
    mandate_id = _add(db, actor, "张三丰", 131)
    roster.activate()
    roster.select_id(mandate_id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    roster.search.setFocus()
    qtbot.keyClick(roster.search, Qt.Key.Key_Return)
    qtbot.keyClick(roster.search, Qt.Key.Key_Delete)
    assert roster.dialog is None or not roster.dialog.isVisible()
    assert messages_log.shown == []
    assert deputies.search_ids(db, DeputyQuery()) == [mandate_id]
