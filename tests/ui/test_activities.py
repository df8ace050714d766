"""The activities page (代表活动): record one with its attendance and a photo, validation next to
the field, filters, delete, import through the UI, and the two item models under Qt's tester."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QDesktopServices, QImage
from PySide6.QtWidgets import QFileDialog

from presidium_app.domain.enums import ActivityType, AttachmentKind, Attendance, Satisfaction
from presidium_app.services import activities, attachments, deputies, organisation, township
from presidium_app.services.activities import ActivityInput, ActivityQuery, ParticipantInput
from presidium_app.ui.dialogs import activity_dialog
from presidium_app.ui.models.activity_model import ActivityModel
from presidium_app.ui.widgets.attendance import AttendanceModel, AttendanceRow, Col
from tests.helpers import deputy_input, make_id

TODAY = dt.date.today()
YEAR = TODAY.year
PHOTO_COLOUR = QColor("#3366aa")


@pytest.fixture
def people(db: Any, actor: Any) -> dict[str, Any]:
    """Five deputies of the current term: two in the east group, two in the west, one in none."""
    term = township.current_term(db)
    assert term is not None
    east = organisation.add_group(db, actor, "第一代表小组（东片）")
    west = organisation.add_group(db, actor, "第二代表小组（西片）")
    station = organisation.add_station(db, actor, "东山村代表联络站")
    found: dict[str, Any] = {"east": east.id, "west": west.id, "station": station.id}
    for seq, (name, group) in enumerate((("张三丰", east.id), ("李秀英", east.id),
                                         ("王芳", west.id), ("赵敏", west.id), ("钱七", None)),
                                        start=131):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=seq * 40)
        mandate = deputies.add_deputy(db, actor, deputy_input(
            term.id, name, birth_date=birth, id_number=make_id(birth, seq),
            mobile=f"139{seq:08d}", group_id=group, gender=None))
        found[name] = deputies.get_deputy(db, mandate).deputy_id
    return found


@pytest.fixture
def page(window: Any, people: dict[str, Any]) -> Any:
    return window.show_page("activities")


def _png(path: Path) -> Path:
    image = QImage(90, 60, QImage.Format.Format_RGB32)
    image.fill(PHOTO_COLOUR)
    assert image.save(str(path))
    return path


def _rows(page: Any) -> list[list[str]]:
    model = page.model
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def _topics(page: Any) -> list[str]:
    return [row[2] for row in _rows(page)]


def _cell_centre(view: Any, deputy_id: int, column: int) -> QPoint:
    proxy = view.model()
    for r in range(proxy.rowCount()):
        index = proxy.index(r, column)
        if index.data(Qt.ItemDataRole.UserRole) == deputy_id:
            view.scrollTo(index)
            return view.visualRect(index).center()
    raise AssertionError(f"deputy {deputy_id} not in the list")


def _click(qtbot: Any, view: Any, deputy_id: int, column: int) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=_cell_centre(view, deputy_id, column))


def _add(db: Any, actor: Any, kind: ActivityType, on: dt.date, topic: str,
         who: list[int] | None = None, **changes: Any) -> int:
    data = ActivityInput(kind, on, topic, place="东山村", organiser="镇人大主席团",
                         participants=[ParticipantInput(d) for d in who or []], **changes)
    return activities.add_activity(db, actor, data)


def test_record_an_activity_with_attendance_and_a_photo(
        qtbot: Any, page: Any, db: Any, people: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert page.count_label.text() == "共 0 次活动"
    dialog = page.add_activity()
    assert dialog.isVisible() and dialog.windowTitle() == "新增代表活动"
    assert dialog.date.date().toPython() == TODAY
    assert dialog.organiser.currentText() == "镇人大主席团"
    dialog.type.setCurrentIndex(dialog.type.findData(ActivityType.INSPECTION))
    dialog.topic.setText("视察农村饮水安全工程")
    dialog.place.setText("东山村集中供水站")
    dialog.summary.setPlainText("实地察看了水厂取水口和净化设施。")

    editor = dialog.attendance
    assert editor.model.rowCount() == 5  # everyone serving today is a candidate
    assert editor.summary.text() == "应到 0 人，出席 0，请假 0，缺席 0"
    _click(qtbot, editor.view, people["赵敏"], Col.NAME)  # one click on the name ticks it
    editor.group_combo.setCurrentIndex(editor.group_combo.findData(people["east"]))
    editor.group_combo.activated.emit(editor.group_combo.currentIndex())  # 按代表小组邀请
    assert editor.group_combo.currentIndex() == 0  # back to its prompt, ready for another group
    assert "第一代表小组（东片） 2 人" in editor.note.text()
    _click(qtbot, editor.view, people["李秀英"], Col.EXCUSED)
    assert editor.summary.text() == "应到 3 人，出席 2，请假 1，缺席 0"
    # The filter narrows the list by pinyin initials; ticks stay.
    qtbot.keyClicks(editor.filter, "zm")
    assert editor.proxy.rowCount() == 1
    editor.filter.clear()
    assert editor.proxy.rowCount() == 5

    # A new activity has no record yet: the button says it saves first, then asks for files.
    strip = dialog.attachments
    assert strip.add_button.text() == "保存并添加照片或文件…"
    photo = _png(tmp_path / "现场照片.png")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(photo)], "")))
    qtbot.mouseClick(strip.add_button, Qt.MouseButton.LeftButton)
    assert dialog.activity_id is not None
    assert dialog.windowTitle() == "修改代表活动"
    assert strip.add_button.text() == "添加照片或文件…"
    qtbot.waitUntil(lambda: strip.count() == 1, timeout=30_000)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    record = activities.get_activity(db, dialog.activity_id)
    assert {(p.deputy_id, p.attendance) for p in record.data.participants} == {
        (people["张三丰"], Attendance.PRESENT), (people["李秀英"], Attendance.EXCUSED),
        (people["赵敏"], Attendance.PRESENT)}
    assert record.data.topic == "视察农村饮水安全工程"
    assert len(record.attachment_ids) == 1

    assert page.count_label.text() == "共 1 次活动"
    assert _rows(page) == [[TODAY.isoformat(), "视察", "视察农村饮水安全工程", "东山村集中供水站",
                            "镇人大主席团", "3", "2", "1", "0", "1"]]
    assert page.selected_id() == record.id
    detail = page.detail
    assert detail.topic.text() == "视察农村饮水安全工程"
    attendance_text = detail.texts["attendance"].text()
    assert "应到 3 人，出席 2，请假 1，缺席 0" in attendance_text
    assert "<b>请假</b>：李秀英" in attendance_text
    assert "<b>出席</b>：张三丰、赵敏" in attendance_text
    assert detail.attachments.count() == 1
    icon = detail.attachments.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    image = icon.pixmap(detail.attachments.view.iconSize()).toImage()
    centre = image.pixelColor(image.width() // 2, image.height() // 2)
    assert abs(centre.blue() - PHOTO_COLOUR.blue()) < 24  # the photo's thumbnail, not an icon
    assert abs(centre.red() - PHOTO_COLOUR.red()) < 24
    info = attachments.list_attachments(db, record.id)[0]
    assert info.kind == AttachmentKind.PHOTO and info.original_name == "现场照片.png"
    assert attachments.thumbnail_file(db, info.id) is not None


def test_an_empty_topic_is_shown_next_to_the_field(page: Any, db: Any) -> None:
    dialog = page.add_activity()
    dialog.topic.setText("   ")
    assert not dialog.save()
    assert dialog.isVisible()
    assert dialog.error_text("topic") == "请填写活动主题"
    assert dialog.error_text("place") == ""
    assert "1 处" in dialog.general_error.text()
    assert activities.search_ids(db, ActivityQuery()) == []
    dialog.topic.setText("代表履职培训")
    assert dialog.save()
    assert activities.count(db, ActivityQuery()) == 1


def test_end_before_start_and_the_same_activity_twice(page: Any, db: Any, actor: Any) -> None:
    _add(db, actor, ActivityType.INSPECTION, TODAY, "视察乡村道路")
    dialog = page.add_activity()
    dialog.type.setCurrentIndex(dialog.type.findData(ActivityType.INSPECTION))
    dialog.topic.setText("视察乡村道路")
    dialog.start_time.setValue(dt.time(10, 0))
    dialog.end_time.setValue(dt.time(9, 0))
    assert not dialog.save()
    assert dialog.error_text("end_time") == "结束时间应晚于开始时间"
    dialog.end_time.setValue(dt.time(11, 30))
    assert not dialog.save()
    assert "请勿重复录入" in dialog.error_text("topic")
    dialog.reject()


def test_type_decides_the_special_fields(qtbot: Any, page: Any, people: dict[str, Any]) -> None:
    dialog = page.add_activity()
    labels = dialog.form.labels

    def choose(kind: ActivityType) -> None:
        dialog.type.setCurrentIndex(dialog.type.findData(kind))

    choose(ActivityType.INSPECTION)
    assert labels["group_id"].isHidden() and labels["station_id"].isHidden()
    assert dialog.attendance.view.isColumnHidden(Col.SPOKE)
    assert dialog.mailbox_row.isHidden()

    choose(ActivityType.GROUP_MEETING)
    assert not labels["group_id"].isHidden()
    dialog.group.setCurrentIndex(dialog.group.findData(people["west"]))
    dialog.group.activated.emit(dialog.group.currentIndex())
    assert dialog.organiser.currentText() == "第二代表小组（西片）"
    assert {p.deputy_id for p in dialog.attendance.participants()} == {people["王芳"], people["赵敏"]}

    choose(ActivityType.CONGRESS_SESSION)
    assert not dialog.attendance.view.isColumnHidden(Col.SPOKE)
    assert dialog.attendance.view.isColumnHidden(Col.RATING)
    _click(qtbot, dialog.attendance.view, people["王芳"], Col.SPOKE)  # 审议发言
    assert {p.deputy_id for p in dialog.attendance.participants() if p.spoke} == {people["王芳"]}

    choose(ActivityType.DUTY_REPORT)
    assert not any(p.spoke for p in dialog.attendance.participants())  # 人代会 only
    assert not dialog.attendance.view.isColumnHidden(Col.RATING)
    assert not labels["voters_count"].isHidden()

    choose(ActivityType.VOTER_RECEPTION)
    assert not labels["station_id"].isHidden()
    assert not dialog.mailbox_row.isHidden()
    # Registering into the mailbox needs the saved activity: disabled on a new one.
    assert not dialog.mailbox.isEnabled()
    assert "社情民意信箱" in dialog.mailbox.toolTip()
    dialog.station.setCurrentIndex(dialog.station.findData(people["station"]))
    dialog.station.activated.emit(dialog.station.currentIndex())
    assert dialog.place.text() == "东山村代表联络站"
    dialog.reject()


def test_the_mailbox_seam_receives_the_opinions(
        page: Any, db: Any, actor: Any, people: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    activity_id = _add(db, actor, ActivityType.VOTER_RECEPTION, TODAY, "东山村代表联络站接待选民",
                       [people["张三丰"]], opinions_raised="1. 修路\n2. 装路灯",
                       station_id=people["station"])
    received: list[Any] = []
    monkeypatch.setattr(activity_dialog, "mailbox_handler",
                        lambda _parent, _ctx, opinions: received.extend(opinions))
    page.activate()
    page.select_id(activity_id)
    dialog = page.edit_selected()
    assert dialog.mailbox.isEnabled()
    dialog.mailbox.click()
    assert [o.content for o in received] == ["修路", "装路灯"]
    assert received[0].deputy_ids == (people["张三丰"],)
    dialog.reject()


def test_the_opinions_raised_are_registered_in_the_mailbox_once(
        page: Any, db: Any, actor: Any, people: dict[str, Any], messages_log: Any) -> None:
    from presidium_app.services import opinion_list

    activity_id = _add(db, actor, ActivityType.VOTER_RECEPTION, TODAY, "东山村代表联络站接待选民",
                       [people["张三丰"]], opinions_raised="1. 修路\n2. 装路灯",
                       station_id=people["station"])
    page.activate()
    page.select_id(activity_id)
    dialog = page.edit_selected()
    dialog.mailbox.click()
    assert "已登记 2 条" in messages_log.texts()
    rows = opinion_list.load_rows(db, opinion_list.search_ids(db, opinion_list.OpinionFilter()))
    assert sorted(r.excerpt for r in rows.values()) == ["修路", "装路灯"]
    dialog.mailbox.click()  # a second press registers nothing twice
    assert "没有重复登记" in messages_log.texts()
    assert len(opinion_list.search_ids(db, opinion_list.OpinionFilter())) == 2
    dialog.reject()


def test_filters_narrow_the_list(qtbot: Any, window: Any, page: Any, db: Any, actor: Any,
                                 people: dict[str, Any]) -> None:
    _add(db, actor, ActivityType.INSPECTION, dt.date(YEAR, 1, 10), "视察饮水工程", [people["张三丰"]])
    _add(db, actor, ActivityType.GROUP_MEETING, dt.date(YEAR, 1, 5), "东片小组学习",
         [people["李秀英"]], group_id=people["east"])
    _add(db, actor, ActivityType.VOTER_RECEPTION, dt.date(YEAR - 1, 6, 1), "接待选民",
         [people["王芳"], people["张三丰"]])
    page.activate()
    assert page.preset.currentText() == "本年度"
    assert sorted(_topics(page)) == ["东片小组学习", "视察饮水工程"]
    assert page.count_label.text() == "共 2 次活动"

    page.type_filter.setCurrentIndex(page.type_filter.findData(ActivityType.INSPECTION))
    assert _topics(page) == ["视察饮水工程"]
    page.type_filter.setCurrentIndex(0)

    page.preset.setCurrentIndex(page.preset.findData("last_year"))
    assert _topics(page) == ["接待选民"]
    assert page.date_from.date().toPython() == dt.date(YEAR - 1, 1, 1)
    page.set_dates(dt.date(YEAR - 1, 1, 1), dt.date(YEAR, 1, 7))
    assert page.preset.currentText() == "自定义"
    assert sorted(_topics(page)) == ["东片小组学习", "接待选民"]
    page.preset.setCurrentIndex(page.preset.findData("all"))
    assert page.count_label.text() == "共 3 次活动"

    # The deputy: typed as pinyin initials, the first suggestion taken with Enter.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.deputy_filter.setFocus()
    qtbot.keyClicks(page.deputy_filter, "zsf")
    qtbot.keyClick(page.deputy_filter, Qt.Key.Key_Return)
    assert page.deputy_filter.deputy_id == people["张三丰"]
    assert page.deputy_filter.text() == "张三丰"
    assert sorted(_topics(page)) == ["接待选民", "视察饮水工程"]
    page.deputy_filter.clear()
    assert page.deputy_filter.deputy_id is None
    assert page.count_label.text() == "共 3 次活动"

    page.group_filter.setCurrentIndex(page.group_filter.findData(people["east"]))
    assert _topics(page) == ["东片小组学习"]
    page.group_filter.setCurrentIndex(0)

    page.search.setText("饮水")
    qtbot.waitUntil(lambda: _topics(page) == ["视察饮水工程"], timeout=1000)
    page.search.setText("没有这个词")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=1000)
    assert "没有符合条件" in page.empty.text()

    page.reset_filters()
    assert page.preset.currentText() == "本年度"
    assert page.count_label.text() == "共 2 次活动"


def test_edit_keeps_ticks_when_the_date_changes_and_refuses_a_stale_save(
        qtbot: Any, page: Any, db: Any, actor: Any, people: dict[str, Any],
        messages_log: Any) -> None:
    activity_id = _add(db, actor, ActivityType.RESEARCH, TODAY, "河长制落实情况调研",
                       [people["张三丰"], people["钱七"]])
    page.activate()
    page.select_id(activity_id)
    dialog = page.edit_selected()
    assert dialog.windowTitle() == "修改代表活动"
    editor = dialog.attendance
    assert editor.counts().invited == 2
    # Before these deputies were elected: nobody is a candidate, the ticks stay and show.
    dialog.date.setDate(dt.date(2021, 3, 1))
    dialog.apply_date()
    assert editor.model.rowCount() == 2
    assert all(not row.serving for row in editor.model.rows())
    assert editor.model.index(0, Col.GROUP).data() == "活动当日不在任"
    assert "没有在任的代表" in editor.empty.text()
    dialog.date.setDate(TODAY)
    dialog.apply_date()
    assert editor.model.rowCount() == 5 and editor.counts().invited == 2

    record = activities.get_activity(db, activity_id)
    activities.update_activity(db, actor, activity_id, replace(record.data, place="别处"),
                               record.version)  # someone else saves meanwhile
    dialog.topic.setText("河长制落实情况专题调研")
    assert not dialog.save()
    assert dialog.isVisible()
    assert "已被他人修改" in messages_log.texts()
    dialog.reject()


def test_attendance_choices_by_keyboard_and_ratings(qtbot: Any, page: Any,
                                                    people: dict[str, Any]) -> None:
    dialog = page.add_activity()
    dialog.type.setCurrentIndex(dialog.type.findData(ActivityType.DUTY_REPORT))
    editor = dialog.attendance
    view = editor.view
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    view.setFocus()
    view.setCurrentIndex(editor.proxy.index(0, Col.NAME))
    qtbot.keyClick(view, Qt.Key.Key_Return)  # Enter ticks
    assert editor.counts().invited == 1
    assert dialog.isVisible()  # Enter in the list does not save the dialog
    first = editor.proxy.index(0, 0).data(Qt.ItemDataRole.UserRole)
    editor.set_attendance(first, Attendance.ABSENT)
    assert editor.summary_text() == "应到 1 人，出席 0，请假 0，缺席 1"
    rating = editor.proxy.index(0, Col.RATING)
    assert rating.data() == "未测评"
    assert editor.proxy.setData(rating, Satisfaction.SATISFIED.value)
    assert editor.participants()[0].rating == Satisfaction.SATISFIED
    dialog.type.setCurrentIndex(dialog.type.findData(ActivityType.INSPECTION))
    assert editor.participants()[0].rating is None  # only 代表述职 has ratings
    editor.set_all(True)
    assert editor.counts().invited == 5
    editor.filter.setText("第二")  # the group's name filters too
    assert editor.set_all(False) == 2
    assert editor.counts().invited == 3
    editor.invited_only.setChecked(True)
    editor.filter.clear()
    assert editor.proxy.rowCount() == 3
    dialog.reject()


def test_delete_asks_naming_the_activity(page: Any, db: Any, actor: Any, people: dict[str, Any],
                                         messages_log: Any) -> None:
    activity_id = _add(db, actor, ActivityType.INSPECTION, TODAY, "视察养老服务中心",
                       [people["张三丰"]])
    page.activate()
    page.select_id(activity_id)
    messages_log.answer = False
    assert not page.delete_selected()
    assert activities.search_ids(db, ActivityQuery()) == [activity_id]
    kind, _title, text, detail = messages_log.shown[-1]
    assert kind == "ask" and "视察养老服务中心" in text and TODAY.isoformat() in text
    assert "1 名代表的出席记录" in detail
    messages_log.answer = True
    assert page.delete_selected()
    assert activities.search_ids(db, ActivityQuery()) == []
    assert page.count_label.text() == "共 0 次活动"


def test_keys_and_double_click(qtbot: Any, window: Any, page: Any, db: Any, actor: Any,
                               messages_log: Any) -> None:
    activity_id = _add(db, actor, ActivityType.INSPECTION, TODAY, "视察秸秆禁烧")
    page.activate()
    assert page.add_action.shortcut().toString() == "Ctrl+N"
    assert page.import_action.shortcut().toString() == "Ctrl+I"
    assert page.export_action.shortcut().toString() == "Ctrl+E"
    page.select_id(activity_id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.dialog is not None and page.dialog.windowTitle() == "修改代表活动"
    page.dialog.reject()
    qtbot.waitUntil(window.isActiveWindow)
    page.table.setFocus()
    messages_log.answer = False
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert "视察秸秆禁烧" in messages_log.shown[-1][2]
    rect = page.table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.dialog is not None and page.dialog.windowTitle() == "修改代表活动"
    page.dialog.reject()
    window.show_page("roster")  # the roster's Ctrl+N is not ours, and ours not the roster's
    window.show_page("activities")
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.dialog is not None and page.dialog.windowTitle() == "新增代表活动"
    page.dialog.reject()


def test_attachments_open_and_delete_with_confirmation(
        qtbot: Any, page: Any, db: Any, actor: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, messages_log: Any) -> None:
    activity_id = _add(db, actor, ActivityType.INSPECTION, TODAY, "视察农村学校")
    attachments.add_attachment(db, actor, activity_id, _png(tmp_path / "a.png"))
    note = tmp_path / "汇报材料.pdf"
    note.write_bytes(b"%PDF-1.4 test")
    attachments.add_attachment(db, actor, activity_id, note)
    page.activate()
    page.select_id(activity_id)
    assert page.model.index(0, 9).data() == "2"
    dialog = page.edit_selected()
    strip = dialog.attachments
    assert strip.count() == 2 and strip.count_label.text() == "照片 1 张，文件 1 个"
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    strip.select_row(1)
    assert strip.open_selected()
    assert opened and opened[0].endswith(".pdf")

    # A file of a type that may not be attached is refused by name; the others go in.
    bad = tmp_path / "病毒.exe"
    bad.write_bytes(b"MZ....")
    strip.add_files([bad, _png(tmp_path / "b.png")])
    qtbot.waitUntil(lambda: strip.count() == 3, timeout=30_000)
    qtbot.waitUntil(lambda: "有文件未能添加" in messages_log.texts(), timeout=5_000)
    assert "病毒.exe" in messages_log.texts()

    messages_log.answer = False
    strip.select_row(0)
    assert not strip.remove_selected()
    assert messages_log.shown[-1][0] == "ask" and "a.png" in messages_log.shown[-1][2]
    messages_log.answer = True
    assert strip.remove_selected()
    assert strip.count() == 2
    strip.busy = True  # still copying: the form does not close under the job
    dialog.reject()
    assert dialog.isVisible() and "请稍候" in messages_log.texts()
    strip.busy = False
    dialog.reject()
    assert not dialog.isVisible()
    assert page.model.index(0, 9).data() == "2"  # the page follows, even after 取消


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["活动日期", "活动类型", "主题", "地点", "组织单位", "参加代表", "请假代表",
                  "缺席代表", "内容摘要", "意见建议"])
    sheet.append([f"{YEAR}-01-08", "视察", "视察农村饮水安全工程", "东山村", "镇人大主席团",
                  "张三丰、李秀英", "王芳", None, "实地察看了水厂。", None])
    sheet.append([f"{YEAR}-01-09", "专题调研", "河长制落实情况调研", "西坑村", "镇人大主席团",
                  "张三丰、李四", None, None, None, None])
    book.save(path)
    return path


def test_import_through_the_ui_lists_an_unknown_name(
        qtbot: Any, page: Any, db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _workbook(tmp_path / "活动台账.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(source), "")))
    assert page.import_activities()
    qtbot.waitUntil(lambda: page.summary_dialog is not None, timeout=30_000)
    summary = page.summary_dialog
    assert summary.headline.text() == "导入 1 条，拒绝 1 条"
    rows = [[summary.model.index(r, c).data() for c in range(3)]
            for r in range(summary.model.rowCount())]
    assert rows == [["第3行", "参加代表", "“李四”不是名册中的代表，请核对姓名（或先录入代表名册）"]]
    assert _topics(page) == ["视察农村饮水安全工程"]
    assert _rows(page)[0][5:9] == ["3", "2", "1", "0"]
    summary.accept()


def test_export_and_template(qtbot: Any, page: Any, db: Any, actor: Any, people: dict[str, Any],
                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             messages_log: Any) -> None:
    _add(db, actor, ActivityType.INSPECTION, TODAY, "视察饮水工程", [people["张三丰"]])
    target = tmp_path / "活动导出.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    assert page.export_activities()
    qtbot.waitUntil(lambda: "导出完成" in messages_log.texts(), timeout=30_000)
    assert target.exists()
    assert "1 条" in messages_log.texts()
    template = tmp_path / "模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(template), "")))
    assert page.save_template()
    qtbot.waitUntil(lambda: "模板已保存" in messages_log.texts(), timeout=30_000)
    assert template.exists()


def test_activity_model_passes_model_tester(qtmodeltester: Any, db: Any, actor: Any,
                                            people: dict[str, Any]) -> None:
    first = _add(db, actor, ActivityType.INSPECTION, TODAY, "视察", [people["张三丰"], people["王芳"]])
    _add(db, actor, ActivityType.TRAINING, TODAY, "培训")
    activities.update_activity(db, actor, first, replace(
        activities.get_activity(db, first).data,
        participants=[ParticipantInput(people["张三丰"]),
                      ParticipantInput(people["王芳"], Attendance.ABSENT)]), version=1)
    model = ActivityModel(db)
    model.set_ids(activities.search_ids(db, ActivityQuery()))
    qtmodeltester.check(model, force_py=True)
    row = model.row_of(first)
    assert [model.index(row, c).data() for c in range(5, 10)] == ["2", "1", "0", "1", ""]
    assert isinstance(model.index(row, 8).data(Qt.ItemDataRole.ForegroundRole), QColor)
    assert model.index(row, 7).data(Qt.ItemDataRole.ForegroundRole) is None


def test_attendance_model_passes_model_tester(qtmodeltester: Any) -> None:
    model = AttendanceModel()
    model.set_rows([
        AttendanceRow(1, "张三丰", "第一代表小组", 1, invited=True),
        AttendanceRow(2, "李秀英", "第一代表小组", 1, invited=True,
                      attendance=Attendance.EXCUSED, spoke=True, rating=Satisfaction.SATISFIED),
        AttendanceRow(3, "王芳", "", None),
        AttendanceRow(4, "赵敏", "", None, serving=False, invited=True),
    ])
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, Col.NAME).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.index(2, Col.PRESENT).data(Qt.ItemDataRole.CheckStateRole) is None
    assert not model.flags(model.index(2, Col.PRESENT)) & Qt.ItemFlag.ItemIsUserCheckable
    # The three attendance columns are one choice: unchecking the chosen one changes nothing.
    assert not model.setData(model.index(0, Col.PRESENT), Qt.CheckState.Unchecked,
                             Qt.ItemDataRole.CheckStateRole)
    assert model.setData(model.index(0, Col.ABSENT), Qt.CheckState.Checked.value,
                         Qt.ItemDataRole.CheckStateRole)
    assert model.index(0, Col.PRESENT).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.counts().text() == "应到 3 人，出席 1，请假 1，缺席 1"
    model.setData(model.index(1, Col.NAME), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert model.index(1, Col.RATING).data() == ""
    assert [p.deputy_id for p in model.participants()] == [1, 4]


def test_attachments_model_passes_model_tester(qtmodeltester: Any, db: Any, actor: Any,
                                               tmp_path: Path) -> None:
    from presidium_app.ui.widgets.attachments import AttachmentItem, AttachmentsModel, _photo_icon

    activity_id = _add(db, actor, ActivityType.INSPECTION, TODAY, "视察")
    photo = attachments.add_attachment(db, actor, activity_id, _png(tmp_path / "p.png"), "现场")
    model = AttachmentsModel()
    model.set_items([AttachmentItem(info, _photo_icon(attachments.thumbnail_file(db, info.id)))
                     for info in attachments.list_attachments(db, activity_id)])
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, 0).data() == "现场"  # the caption, else the file name
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == photo
    assert "p.png" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_a_new_activity_hidden_by_the_filters_is_shown_anyway(qtbot: Any, page: Any) -> None:
    page.type_filter.setCurrentIndex(page.type_filter.findData(ActivityType.CONGRESS_SESSION))
    page.preset.setCurrentIndex(page.preset.findData("last_year"))
    dialog = page.add_activity()
    dialog.topic.setText("代表履职培训")
    with qtbot.waitSignal(dialog.finished):
        assert dialog.save()
    assert page.type_filter.currentIndex() == 0
    assert page.date_from.date().toPython() == dt.date(TODAY.year, 1, 1)
    assert _topics(page) == ["代表履职培训"]
    assert page.selected_id() == dialog.saved_activity_id
