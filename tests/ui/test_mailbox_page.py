"""The mailbox page (社情民意): a stack of letters typed in from one opening, one of them taken
through the whole flow by the page's buttons and forms (a dissatisfied follow-up included), the
buttons offered at each step, the timeline, refused steps, overdue items, registration, filters,
the hooks for other areas, and the table model under Qt's tester."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import QApplication

from presidium_app.domain.enums import Channel, OpinionAction, OpinionStatus, Satisfaction
from presidium_app.services import handling_units, mailbox, opinion_list
from presidium_app.services.mailbox import OpinionInput, SubmitterInput
from presidium_app.ui.dialogs.opening_dialog import LETTERS, OpeningDialog
from presidium_app.ui.dialogs.opinion_action_dialog import OpinionActionDialog
from presidium_app.ui.models.opinion_model import DEADLINE_COLUMN, SUBMITTER_COLUMN, OpinionModel
from presidium_app.ui.pages import mailbox as mailbox_page

A = OpinionAction
S = OpinionStatus
TODAY = dt.date.today()
YEAR = TODAY.year
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def units(db: Any, actor: Any) -> dict[str, int]:
    return {name: handling_units.add_unit(db, actor, name)
            for name in ("镇交通办", "东山村村委会", "镇农业农村办")}


@pytest.fixture
def page(window: Any, units: dict[str, int]) -> Any:
    return window.show_page("mailbox")


def _register(db: Any, actor: Any, content: str, on: dt.date = TODAY, name: str = "",
              phone: str = "", **kwargs: Any) -> int:
    submitter = SubmitterInput(name, phone) if name or phone else None
    return mailbox.register_opinion(db, actor, OpinionInput(
        received_on=on, channel=kwargs.pop("channel", Channel.VISIT), content=content,
        submitter=submitter, **kwargs))


def _shown_steps(page: Any) -> list[OpinionAction]:
    return [action for action, button in page.step_buttons.items() if not button.isHidden()]


def _tab_texts(page: Any) -> list[str]:
    return [page.tabs.tabText(i) for i in range(page.tabs.count())]


def _row(page: Any, row: int) -> list[str]:
    return [page.model.index(row, c).data() for c in range(page.model.columnCount())]


def _activate(qtbot: Any, widget: Any) -> None:
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


def _key_text(widget: Any, text: str) -> None:
    """Type text as key presses carrying their characters (QTest.keyClicks only knows ASCII
    keys, and typing Chinese is what an input method delivers: the characters as text)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def _type(qtbot: Any, dialog: Any, text: str = "", then_tab: bool = True) -> None:
    """Type into whatever has the focus, then Tab on (as a user does)."""
    focus = dialog.focusWidget()
    assert focus is not None
    if text:
        _key_text(focus, text)
    if then_tab:
        qtbot.keyClick(focus, Qt.Key.Key_Tab)


def _step(qtbot: Any, page: Any, action: OpinionAction) -> OpinionActionDialog:
    """Click the step's button on the page; the step's form opens."""
    button = page.step_buttons[action]
    assert not button.isHidden() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, OpinionActionDialog) and dialog.isVisible()
    assert dialog.action == action
    assert dialog.on.date().toPython() == TODAY
    return dialog


def _confirm(qtbot: Any, dialog: OpinionActionDialog) -> None:
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_a_stack_of_letters_then_the_whole_flow(qtbot: Any, window: Any, page: Any, db: Any,
                                                 units: dict[str, int]) -> None:
    assert page.count_label.text() == "共 0 条"
    assert "还没有登记社情民意" in page.empty.text()
    assert _shown_steps(page) == []

    # 开箱登记 from the keyboard: the opening first, then three letters one after another.
    _activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = page.dialog
    assert isinstance(dialog, OpeningDialog) and dialog.isVisible()
    _activate(qtbot, dialog)
    assert dialog.focusWidget() is dialog.opened_by_1
    _type(qtbot, dialog, "王五")
    _type(qtbot, dialog, "赵六")
    assert dialog.focusWidget() is dialog.opened_on_edit
    assert dialog.opened_on_edit.date().toPython() == TODAY
    for _section in range(3):  # Tab walks the date's year, month and day, then moves on
        _type(qtbot, dialog)
    assert dialog.focusWidget() is dialog.count_edit
    dialog.count_edit.setValue(3)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, CTRL)
    assert dialog.stack.currentIndex() == LETTERS
    assert dialog.counter.text() == "第 1 / 3 件"
    assert "王五、赵六开箱，共 3 件" in dialog.opening_label.text()

    letters = [("张三丰", "13812345678", "东山村", "交通道路", "村口道路破损，雨天积水"),
               ("李秀英", "13900001111", "西坑村", "环境卫生", "垃圾清运不及时"),
               (None, "", "东山村", "农业农村", "灌溉水渠堵塞")]
    for number, (name, phone, village, category, content) in enumerate(letters, start=1):
        assert dialog.counter.text() == f"第 {number} / 3 件"
        qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.submitter.name)
        if name is None:  # an anonymous letter: Tab to 匿名, Space ticks it
            _type(qtbot, dialog)
            assert dialog.focusWidget() is dialog.submitter.anonymous
            qtbot.keyClick(dialog.submitter.anonymous, Qt.Key.Key_Space)
            assert dialog.submitter.anonymous.isChecked()
            assert not dialog.submitter.phone.isEnabled()
            _type(qtbot, dialog)
            assert dialog.focusWidget() is dialog.village
        else:
            _type(qtbot, dialog, name)
            _type(qtbot, dialog)  # past 匿名
            _type(qtbot, dialog, phone)
            _type(qtbot, dialog, f"{village}3组")
        _type(qtbot, dialog, village)
        _type(qtbot, dialog, category)
        assert dialog.focusWidget() is dialog.content
        _type(qtbot, dialog, content, then_tab=False)
        qtbot.keyClick(dialog.content, Qt.Key.Key_Return, CTRL)
        assert len(dialog.saved_ids) == number
        assert dialog.content.toPlainText() == "" and dialog.submitter.name.text() == ""
        assert page.count_label.text() == f"共 {number} 条"  # the list follows each letter
    assert dialog.counter.text() == "第 4 件（开箱记录为 3 件）"
    assert dialog.done_label.text() == f"本次已登记 3 件：{YEAR}-0001、{YEAR}-0002、{YEAR}-0003"
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible() and page.dialog is None

    opening_id = dialog.opening_id
    items = mailbox.opening_items(db, opening_id)
    assert [o.id for o in items] == dialog.saved_ids
    assert [o.number for o in items] == [f"{YEAR}-0001", f"{YEAR}-0002", f"{YEAR}-0003"]
    assert all(o.channel == Channel.MAILBOX and o.received_on == TODAY for o in items)
    assert [o.content for o in items] == [letter[4] for letter in letters]
    assert items[2].submitter_id is None  # anonymous
    first = items[0].id
    detail = opinion_list.load_detail(db, first)
    assert (detail.submitter_name, detail.submitter_phone, detail.submitter_address,
            detail.village, detail.category) == ("张三丰", "13812345678", "东山村3组", "东山村",
                                                 "交通道路")

    # The list: newest first, masked; the tabs count.
    assert page.count_label.text() == "共 3 条"
    assert _tab_texts(page)[:2] == ["全部 3", "待交办 3"]
    rows = [_row(page, r) for r in range(3)]
    assert [r[0] for r in rows] == [f"{YEAR}-0003", f"{YEAR}-0002", f"{YEAR}-0001"]
    assert rows[2][SUBMITTER_COLUMN] == "张*丰" and rows[0][SUBMITTER_COLUMN] == "匿名"
    assert page.model.index(2, SUBMITTER_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == "张*丰 138****5678"
    assert not any("张三丰" in str(cell) or "13812345678" in str(cell) for row in rows for cell in row)

    # The first letter through the whole flow, by the page's buttons.
    assert page.show_opinion(first)
    pane = page.detail
    assert pane.number.text() == f"{YEAR}-0001"
    assert pane.values["name"].text() == "张三丰"  # the internal view: unmasked
    assert pane.values["phone"].text() == "13812345678"
    assert pane.values["opening"].text().startswith(f"{TODAY.isoformat()} 王五、赵六开箱")
    assert pane.status_badge.text() == "已登记"
    assert _shown_steps(page) == [A.ASSIGN, A.REJECT, A.REDIRECT]

    step = _step(qtbot, page, A.ASSIGN)
    assert step.deadline is not None
    assert step.deadline.date().toPython() == TODAY + dt.timedelta(days=30)  # from the settings
    step.lead_unit.setCurrentIndex(step.lead_unit.findData(units["镇交通办"]))
    step.set_assisting([units["东山村村委会"]])
    step.set_deadline(TODAY + dt.timedelta(days=20))
    step.note.setPlainText("请于期限内答复")
    _confirm(qtbot, step)
    assert pane.status_badge.text() == "已交办"
    assert pane.values["lead_unit"].text() == "镇交通办"
    assert pane.values["deadline"].text() == (TODAY + dt.timedelta(days=20)).isoformat()
    assert pane.values["assisting"].text().startswith("东山村村委会")
    assert _shown_steps(page) == [A.REPLY, A.UNIT_RETURN]
    assert _tab_texts(page)[1:3] == ["待交办 2", "办理中 1"]
    row = page.model.row_of(first)
    assert _row(page, row)[1] == "已交办" and _row(page, row)[7] == "镇交通办"

    step = _step(qtbot, page, A.REPLY)
    step.note.setPlainText("已安排施工队修复路面")
    _confirm(qtbot, step)
    assert pane.status_badge.text() == "已答复"
    assert _shown_steps(page) == [A.FEED_BACK]

    step = _step(qtbot, page, A.FEED_BACK)
    step.note.setPlainText("电话告知反映人")
    _confirm(qtbot, step)
    assert _shown_steps(page) == [A.FOLLOW_UP, A.REDO]

    # 回访 without a satisfaction: the error is under the field, nothing is saved.
    step = _step(qtbot, page, A.FOLLOW_UP)
    assert not step.save()
    assert step.error_text("satisfaction") == "请选择满意度"
    assert [s.label for s in (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)] == [
        step.satisfaction.itemText(i) for i in (1, 2)]  # 不满意 is 不满意重办's business
    with qtbot.waitSignal(step.finished):
        step.reject()

    step = _step(qtbot, page, A.REDO)
    assert step.deadline.date().toPython() == TODAY + dt.timedelta(days=30)
    assert step.satisfaction.currentText() == "不满意"
    step.set_deadline(TODAY + dt.timedelta(days=15))
    step.note.setPlainText("路面仍有积水")
    _confirm(qtbot, step)
    assert pane.status_badge.text() == "已交办"
    assert pane.values["deadline"].text() == (TODAY + dt.timedelta(days=15)).isoformat()
    assert _shown_steps(page) == [A.REPLY, A.UNIT_RETURN]

    for action in (A.REPLY, A.FEED_BACK):
        _confirm(qtbot, _step(qtbot, page, action))
    step = _step(qtbot, page, A.FOLLOW_UP)
    step.satisfaction.setCurrentIndex(step.satisfaction.findData(Satisfaction.SATISFIED.value))
    _confirm(qtbot, step)
    assert pane.status_badge.text() == "已回访"
    assert _shown_steps(page) == [A.CLOSE]
    _confirm(qtbot, _step(qtbot, page, A.CLOSE))

    assert pane.status_badge.text() == "已办结"
    assert _shown_steps(page) == []
    assert pane.steps_note.text() == "已办结，无需再办理。"
    assert _tab_texts(page) == ["全部 3", "待交办 2", "办理中 0", "逾期 0", "待反馈/回访 0",
                                "待办结 0", "已办结 1", "不予受理/转信访 0"]
    timeline = pane.timeline_rows
    assert [r[1] for r in timeline] == ["登记", "交办", "答复", "反馈", "不满意重办", "答复", "反馈",
                                        "回访", "办结"]
    assert all(r[0] == TODAY.isoformat() and r[2] == "测试员" for r in timeline)
    assign = timeline[1][3]
    assert "主办：镇交通办" in assign and "协办：东山村村委会" in assign
    assert f"办理期限：{(TODAY + dt.timedelta(days=20)).isoformat()}" in assign
    assert "请于期限内答复" in assign
    assert "已安排施工队修复路面" in timeline[2][3]
    redo = timeline[4][3]
    assert "满意度：不满意" in redo and "路面仍有积水" in redo
    assert f"办理期限：{(TODAY + dt.timedelta(days=15)).isoformat()}" in redo
    assert "满意度：满意" in timeline[7][3]
    assert "不满意重办" in pane.timeline.text()
    stored = mailbox.get_opinion(db, first)
    assert stored.status == S.CLOSED and stored.deadline == TODAY + dt.timedelta(days=15)


def test_a_refused_step_says_why(qtbot: Any, page: Any, db: Any, actor: Any,
                                 units: dict[str, int], messages_log: Any) -> None:
    opinion_id = _register(db, actor, "希望安装路灯", name="李秀英")
    page.activate()
    page.select_id(opinion_id)
    # Only what the flow allows is offered; asking for another step anyway is refused.
    assert not page.step_actions[A.CLOSE].isEnabled() and page.step_buttons[A.CLOSE].isHidden()
    assert page.start_action(A.CLOSE) is None
    kind, title, text, _detail = messages_log.shown[-1]
    assert kind == "warn" and title == "不能办结"
    assert "当前状态为“已登记”" in text and "交办" in text

    # A colleague takes a step while the form is open: the save is refused, the page catches up.
    dialog = page.start_action(A.ASSIGN)
    dialog.lead_unit.setCurrentIndex(dialog.lead_unit.findData(units["镇交通办"]))
    mailbox.apply_action(db, actor, opinion_id, A.REDIRECT, TODAY, reason="个人诉求")
    assert not dialog.save()
    assert dialog.isVisible()
    assert "已被他人修改" in messages_log.texts()
    assert "已被他人修改" in dialog.general_error.text()
    with qtbot.waitSignal(dialog.finished):
        dialog.reject()
    assert page.detail.status_badge.text() == "转信访"
    assert _shown_steps(page) == []
    assert page.detail.timeline_rows[-1][3] == "理由：个人诉求"

    # A missing reason shows under the field.
    other = _register(db, actor, "土地纠纷，已起诉")
    page.refresh(select=other)
    dialog = page.start_action(A.REJECT)
    assert not dialog.save()
    assert dialog.error_text("reason") == "请填写不予受理的理由"
    dialog.reason.setCurrentIndex(0)  # 已进入诉讼程序
    with qtbot.waitSignal(dialog.finished):
        assert dialog.save()
    assert mailbox.get_opinion(db, other).status == S.REJECTED


def test_overdue_items_are_red_and_counted(qtbot: Any, window: Any, page: Any, db: Any,
                                           actor: Any, units: dict[str, int]) -> None:
    long_ago = TODAY - dt.timedelta(days=60)
    late = _register(db, actor, "灌溉水渠堵塞", on=long_ago, name="王芳")
    mailbox.apply_action(db, actor, late, A.ASSIGN, long_ago, lead_unit_id=units["镇农业农村办"],
                         deadline=TODAY - dt.timedelta(days=30))
    in_time = _register(db, actor, "路灯不亮", name="赵敏")
    mailbox.apply_action(db, actor, in_time, A.ASSIGN, TODAY, lead_unit_id=units["镇交通办"])
    page.activate()
    assert _tab_texts(page)[2:4] == ["办理中 2", "逾期 1"]
    assert page.tabs.tabTextColor(3) == QColor("#b42318")

    model = page.model
    row = model.row_of(late)
    assert model.index(row, DEADLINE_COLUMN).data() == (
        f"{(TODAY - dt.timedelta(days=30)).isoformat()} 逾期30天")
    assert model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) == QColor("#b42318")
    background = model.index(row, 2).data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(background, QBrush) and background.color() == QColor("#fdecea")
    other = model.row_of(in_time)
    assert model.index(other, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "逾期" not in model.index(other, DEADLINE_COLUMN).data()

    page.set_tab("overdue")
    assert page.model.ids() == [late]
    page.select_id(late)
    assert page.detail.overdue_badge.text() == "逾期30天" and not page.detail.overdue_badge.isHidden()
    assert "已逾期30天" in page.detail.values["deadline"].text()

    # Enter on the list opens the next step; the worklist is worked through in place: replied,
    # the item leaves the 逾期 tab.
    _activate(qtbot, window)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, OpinionActionDialog) and dialog.action == A.REPLY
    with qtbot.waitSignal(dialog.finished):
        assert dialog.save()
    assert page.tab_key() == "overdue" and page.model.rowCount() == 0
    assert page.empty.text() == "没有逾期的条目。"
    assert _tab_texts(page)[3] == "逾期 0"

    page.set_tab("all")
    page.overdue_only.setChecked(True)
    assert page.model.rowCount() == 0
    assert "没有符合条件" in page.empty.text()


def test_register_with_ctrl_n_filters_and_search(qtbot: Any, window: Any, page: Any, db: Any,
                                                  actor: Any, units: dict[str, int]) -> None:
    _register(db, actor, "希望修缮村文化活动室", name="钱七", phone="13600001234",
              village="西坑村", category="基层治理")
    page.activate()
    assert page.register_action.shortcut().toString() == "Ctrl+N"
    _activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    dialog = page.dialog
    assert dialog is not None and dialog.windowTitle() == "登记社情民意"
    assert dialog.received_on.date().toPython() == TODAY
    dialog.channel.setCurrentIndex(dialog.channel.findData(Channel.PHONE.value))
    dialog.submitter.name.setText("孙悟空")
    dialog.submitter.phone.setText("13500005678")
    dialog.village.setEditText("花果山村")  # typed: not in the list yet
    dialog.category.setCurrentIndex(dialog.category.findText("社会保障"))
    assert not dialog.save()
    assert dialog.error_text("content") == "请填写反映内容"
    assert dialog.isVisible()
    dialog.content.setPlainText("申请低保进度慢")
    with qtbot.waitSignal(dialog.finished):
        assert dialog.save()
    new = dialog.saved_id
    assert page.selected_id() == new
    assert page.detail.values["channel"].text() == "电话"
    assert page.village_filter.findData("花果山村") > 0  # the typed village is a filter now

    page.village_filter.setCurrentIndex(page.village_filter.findData("花果山村"))
    assert page.model.ids() == [new]
    page.reset_filters()
    assert page.model.rowCount() == 2
    page.search.setText(f"{YEAR}-0001")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=1000)
    assert page.model.index(0, 0).data() == f"{YEAR}-0001"
    page.search.setText("孙悟空")
    qtbot.waitUntil(lambda: page.model.ids() == [new], timeout=1000)
    page.search.setText("1234")  # the tail of a phone number
    qtbot.waitUntil(lambda: page.model.ids() == [new - 1], timeout=1000)
    _activate(qtbot, window)
    page.search.clearFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert page.search.hasFocus()
    page.reset_filters()

    # The hook for the handling units: one unit's items.
    mailbox.apply_action(db, actor, new, A.ASSIGN, TODAY, lead_unit_id=units["镇农业农村办"])
    page.search.setText("花果山")
    assert page.show_unit(units["镇农业农村办"])
    assert page.search.text() == "" and page.model.ids() == [new]
    assert page.unit_filter.currentData() == units["镇农业农村办"]
    assert not page.show_unit(999_999)


def test_convert_to_suggestion_hook(page: Any, db: Any, actor: Any, messages_log: Any,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    opinion_id = _register(db, actor, "建议增设农村公交线路")
    page.activate()
    page.select_id(opinion_id)
    button = page.detail.convert_button
    monkeypatch.setattr(mailbox_page, "suggestion_handler", None)
    page.select_id(opinion_id)
    assert not button.isEnabled() and "后续版本" in button.toolTip()
    assert not page.convert_selected()
    assert "后续版本" in messages_log.texts()
    received: list[int] = []
    monkeypatch.setattr(mailbox_page, "suggestion_handler",
                        lambda _parent, _ctx, oid: received.append(oid))
    page.select_id(opinion_id)
    assert button.isEnabled()
    button.click()
    assert received == [opinion_id]


def test_opinion_model_passes_model_tester(qtmodeltester: Any, db: Any, actor: Any,
                                           units: dict[str, int]) -> None:
    late_day = TODAY - dt.timedelta(days=40)
    first = _register(db, actor, "内容一", on=late_day, name="张三丰", phone="13812345678")
    mailbox.apply_action(db, actor, first, A.ASSIGN, late_day, lead_unit_id=units["镇交通办"],
                         deadline=late_day + dt.timedelta(days=10))
    _register(db, actor, "内容二")
    model = OpinionModel(db)
    model.set_ids(opinion_list.search_ids(db, opinion_list.OpinionFilter()))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 2
    row = model.row_of(first)
    assert model.index(row, DEADLINE_COLUMN).data().endswith("逾期30天")


def test_the_units_directory_lists_a_unit_s_items_on_the_page(
        page: Any, db: Any, actor: Any, units: dict[str, int]) -> None:
    led = _register(db, actor, "东山村道路破损")
    mailbox.apply_action(db, actor, led, OpinionAction.ASSIGN, TODAY, lead_unit_id=units["镇交通办"])
    _register(db, actor, "路灯不亮")
    page.reload()
    dialog = page.open_units()
    dialog.select_unit(units["镇交通办"])
    dialog.unit_chosen.emit(units["镇交通办"])
    assert page.model.ids() == [led]
    dialog.close()


def test_the_ledger_exports_and_imports_back_through_the_page(
        qtbot: Any, page: Any, db: Any, actor: Any, units: dict[str, int], tmp_path: Any,
        monkeypatch: pytest.MonkeyPatch, messages_log: Any) -> None:
    from PySide6.QtWidgets import QFileDialog

    _register(db, actor, "东山村道路破损", name="张三丰", phone="13812345678")
    path = tmp_path / "社情民意台账.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    assert page.export_opinions()
    qtbot.waitUntil(lambda: "导出完成" in messages_log.texts(), timeout=30_000)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    assert page.import_opinions()
    qtbot.waitUntil(lambda: page.summary_dialog is not None, timeout=30_000)
    assert "拒绝 0 条" in page.summary_dialog.headline.text()
    assert len(opinion_list.search_ids(db, opinion_list.OpinionFilter())) == 1  # nothing twice
    page.summary_dialog.close()


def test_a_long_list_opens_on_its_first_ids_and_scrolls_to_the_oldest(
        qtbot: Any, window: Any, db: Any, actor: Any, units: dict[str, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """More items than the page reads before it shows: the count, the scroll to the end, the
    selection of an old item and a new registration all see every item."""
    monkeypatch.setattr(mailbox_page, "FIRST_IDS", 3)
    ids = [_register(db, actor, f"第{n}件意见") for n in range(1, 9)]
    page = window.show_page("mailbox")
    assert page.count_label.text() == "共 8 条"
    assert page.model.rowCount() == 8
    assert _tab_texts(page)[0] == "全部 8"
    assert _row(page, 0)[0] == f"{YEAR}-0008"
    page.table.scrollToBottom()
    page.table.viewport().repaint()
    assert _row(page, 7)[0] == f"{YEAR}-0001"
    assert page.model.ids() == ids[::-1]

    page.refresh()
    assert page.show_opinion(ids[0])  # past the first ids: found and selected
    assert page.selected_id() == ids[0]
    assert page.detail.number.text() == f"{YEAR}-0001"
    newest = _register(db, actor, "第9件意见")
    page.reload()
    assert page.count_label.text() == "共 9 条" and page.model.rowCount() == 9
    assert page.selected_id() == ids[0]  # the selection is kept on reload
    assert page.model.id_at(0) == newest

    full_reads: list[int] = []
    search = opinion_list.search_ids
    monkeypatch.setattr(opinion_list, "search_ids", lambda db, query, offset=0, limit=None: (
        full_reads.append(1) if limit is None else None) or search(db, query, offset, limit))
    page.set_tab("to_assign")  # another tab: the old item is past its first ids
    assert page.count_label.text() == "共 9 条" and page.selected_id() is None
    assert full_reads == []  # not found by reading every id
    assert page.detail.stack.currentIndex() == 0  # the pane shows no item
