"""The suggestions page (代表建议): register one through the form by keyboard, take it through the
whole flow (refer with an assisting unit, reply C, dissatisfied → re-handle, reply A, satisfied,
close) with only the allowed steps offered at each status, record contacts against 三访两见面,
the overdue highlight and tab, and an opinion converted to a suggestion through the same form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from presidium_app.domain.enums import (
    Channel,
    ContactKind,
    ContactStage,
    ResultClass,
    Satisfaction,
    SuggestionAction,
    SuggestionStatus,
)
from presidium_app.services import deputies, handling_units, mailbox, suggestions, township, workdays
from presidium_app.services.suggestions import SuggestionInput
from presidium_app.ui.dialogs.suggestion_dialog import SuggestionDialog
from presidium_app.ui.models.suggestion_model import (
    DEADLINE_COLUMN,
    OVERDUE_BACKGROUND,
    OVERDUE_TEXT,
    SuggestionModel,
)
from presidium_app.ui.pages.suggestions import SuggestionsPage, convert_opinion
from tests.helpers import deputy_input, make_id

A = SuggestionAction
S = SuggestionStatus
TODAY = dt.date.today()


@pytest.fixture
def people(db: Any, actor: Any) -> dict[str, int]:
    """Four deputies of the current term and three handling units."""
    term = township.current_term(db)
    assert term is not None
    found: dict[str, int] = {}
    for seq, name in enumerate(("张三丰", "李秀英", "王芳", "赵敏"), start=131):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=seq * 40)
        mandate = deputies.add_deputy(db, actor, deputy_input(
            term.id, name, birth_date=birth, id_number=make_id(birth, seq), mobile=f"139{seq:08d}",
            gender=None))
        found[name] = deputies.get_deputy(db, mandate).deputy_id
    for name in ("镇交通办", "镇财政所", "镇农业农村办"):
        found[name] = handling_units.add_unit(db, actor, name, "李主任")
    return found


@pytest.fixture
def page(window: Any, people: dict[str, int]) -> Any:
    return window.show_page("suggestions")


def _rows(page: Any) -> list[list[str]]:
    model = page.model
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def _status(page: Any) -> str:
    return str(page.detail.status_badge.text())


def _take(qtbot: Any, page: Any, action: A) -> Any:
    """Click the step's button and return the form it opened."""
    button = page.step_buttons[action]
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible() and dialog.action == action
    return dialog


def _confirm(qtbot: Any, dialog: Any) -> None:
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_register_refer_reply_redo_rate_and_close(qtbot: Any, window: Any, page: Any, db: Any,
                                                  people: dict[str, int], messages_log: Any) -> None:
    assert page.count_label.text() == "共 0 件"
    assert "还没有登记代表建议" in page.empty.text()
    assert page.offered_actions() == [] and not page.edit_action.isEnabled()

    # Ctrl+N opens the form; everything is typed.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert isinstance(dialog, SuggestionDialog) and dialog.windowTitle() == "登记代表建议"
    assert dialog.date.date().toPython() == TODAY
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.focusWidget() is dialog.title
    dialog.title.insert("关于修缮村道的建议")  # QTest types Latin keys only: Chinese is inserted
    qtbot.keyClick(dialog.title, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.category
    dialog.category.lineEdit().insert("交通道路")
    dialog.lead.setFocus()
    qtbot.keyClicks(dialog.lead, "zsf")  # pinyin initials, the first match taken with Enter
    qtbot.keyClick(dialog.lead, Qt.Key.Key_Return)
    assert dialog.lead.deputy_id == people["张三丰"] and dialog.lead.text() == "张三丰"
    assert dialog.isVisible()  # Enter that picks a deputy does not save the form
    co = dialog.co_signers
    co.filter.setFocus()
    qtbot.keyClicks(co.filter, "lxy")
    qtbot.keyClick(co.filter, Qt.Key.Key_Return)  # the one left is ticked
    co.filter.clear()
    qtbot.keyClicks(co.filter, "zsf")
    assert co.proxy.rowCount() == 0  # the lead deputy does not co-sign
    co.filter.clear()
    assert co.ticked() == [people["李秀英"]] and "已选 1 人：李秀英" in co.summary.text()
    assert dialog.isVisible()
    dialog.content.setFocus()
    dialog.content.insertPlainText("村道多处破损，雨天积水。")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.content, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    sid = dialog.saved_suggestion_id
    assert sid is not None
    number = f"{TODAY.year}-001"
    assert page.count_label.text() == "共 1 件"
    assert page.selected_id() == sid
    assert _rows(page) == [[number, "关于修缮村道的建议", "张三丰", "1人", "交通道路", "", "", "已登记",
                            "", "", TODAY.isoformat()]]
    assert _status(page) == "已登记" and page.detail.values["co_signers"].text() == "李秀英"
    assert page.offered_actions() == [A.REFER] == suggestions.allowed_actions(S.REGISTERED)
    assert page.edit_action.isEnabled() and page.edit_button.isEnabled()
    assert page.tab_count("to_refer") == 1

    # 交办 with an assisting unit; the deadline defaults to three months.
    refer = _take(qtbot, page, A.REFER)
    assert refer.deadline.date().toPython() == workdays.add_months(TODAY, 3)
    assert refer.date.date().toPython() == TODAY
    with qtbot.waitSignal(refer.finished, timeout=500, raising=False):
        qtbot.mouseClick(refer.ok_button, Qt.MouseButton.LeftButton)
    assert refer.isVisible() and refer.error_text("lead_unit_id") == "请选择主办单位"
    refer.set_lead_unit(people["镇交通办"])
    hidden = [refer.assisting.item(r).text() for r in range(refer.assisting.count())
              if refer.assisting.item(r).isHidden()]
    assert hidden == ["镇交通办"]  # the lead unit is not offered as an assisting unit
    refer.set_assisting([people["镇财政所"]])
    _confirm(qtbot, refer)
    assert _status(page) == "已交办"
    assert page.detail.values["lead_unit"].text() == "镇交通办"
    assert "镇财政所" in page.detail.values["assisting"].text()
    assert set(page.offered_actions()) == set(suggestions.allowed_actions(S.REFERRED)) == {
        A.REPLY, A.UNIT_RETURN}
    assert not page.edit_action.isEnabled() and not page.edit_button.isEnabled()
    assert page.edit_selected() is None and "已交办" in messages_log.texts()
    assert _rows(page)[0][5:8] == ["镇交通办", workdays.add_months(TODAY, 3).isoformat(), "已交办"]

    # 答复 with class C: the result class is asked for under its field first.
    reply = _take(qtbot, page, A.REPLY)
    reply.note.setPlainText("已列入明年维修计划")
    assert not reply.save()
    assert reply.error_text("result_class") == "请选择办理结果分类（A/B/C/D）"
    reply.result_buttons[ResultClass.PLANNED].click()
    _confirm(qtbot, reply)
    assert _status(page) == "已答复"
    assert page.detail.values["result"].text() == "C 列入计划"
    assert set(page.offered_actions()) == {A.RATE, A.REDO}
    assert _rows(page)[0][8] == "C"

    # The deputy is not satisfied: re-handled within a month.
    redo = _take(qtbot, page, A.REDO)
    assert redo.deadline.date().toPython() == workdays.add_months(TODAY, 1)
    redo.note.setPlainText("代表认为应在今年修好")
    _confirm(qtbot, redo)
    assert _status(page) == "已交办" and page.detail.values["satisfaction"].text() == "不满意"
    assert set(page.offered_actions()) == {A.REPLY, A.UNIT_RETURN}

    reply = _take(qtbot, page, A.REPLY)
    reply.result_buttons[ResultClass.SOLVED].click()
    reply.note.setPlainText("已修缮完毕")
    _confirm(qtbot, reply)
    assert page.detail.values["result"].text() == "A 已解决"

    rate = _take(qtbot, page, A.RATE)
    assert set(rate.satisfaction_buttons) == {Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED}
    rate.satisfaction_buttons[Satisfaction.SATISFIED].click()
    _confirm(qtbot, rate)
    assert _status(page) == "已测评" and page.offered_actions() == [A.CLOSE]
    assert page.tab_count("to_close") == 1

    close = _take(qtbot, page, A.CLOSE)
    _confirm(qtbot, close)
    assert _status(page) == "已办结" and page.offered_actions() == []
    assert page.detail.steps_note.text() == "已办结，无需再办理。"
    assert _rows(page)[0][7:10] == ["已办结", "A", "满意"]
    assert page.tab_count("closed") == 1 and page.tab_count("handling") == 0
    assert [row[1] for row in page.detail.timeline_rows] == [
        "登记", "交办", "答复", "不满意重办", "答复", "代表测评", "办结"]
    timeline = page.detail.timeline.text()
    assert "协办：镇财政所" in timeline and "办理结果：C 列入计划" in timeline
    assert "代表满意度：不满意" in timeline and "代表认为应在今年修好" in timeline
    got = suggestions.get_suggestion(db, sid)
    assert (got.status, got.result_class, got.satisfaction) == (
        S.CLOSED, ResultClass.SOLVED, Satisfaction.SATISFIED)


def test_contacts_are_recorded_and_tallied(qtbot: Any, page: Any, db: Any, actor: Any,
                                           people: dict[str, int]) -> None:
    sid = suggestions.create_suggestion(db, actor, SuggestionInput(
        TODAY, "关于安装路灯的建议", "村口没有路灯。", people["王芳"], [people["赵敏"]], "基层治理"))
    suggestions.apply_action(db, actor, sid, A.REFER, TODAY, lead_unit_id=people["镇交通办"])
    page.activate()
    assert page.show_suggestion(sid)
    assert page.detail.tally.text() == "走访0次、见面0次（要求三访两见面）"
    assert "还没有联系记录" in page.detail.contacts.text()
    for kind, who in ((ContactKind.VISIT, "李主任、王芳"), (ContactKind.MEETING, "镇交通办全体")):
        qtbot.mouseClick(page.detail.contact_button, Qt.MouseButton.LeftButton)
        dialog = page.dialog
        assert dialog is not None and dialog.windowTitle() == f"记录联系 — {TODAY.year}-001"
        assert dialog.stage.currentData() == ContactStage.DURING.value  # referred: 办理中
        assert dialog.unit.currentData() == people["镇交通办"]
        dialog.set_values(TODAY, ContactStage.DURING, kind, who, "听取代表意见")
        with qtbot.waitSignal(dialog.finished):
            assert dialog.save()
    assert page.detail.tally.text() == "走访1次、见面1次（要求三访两见面）"
    assert page.detail.tally.toolTip() == "三访两见面：还差走访2次、见面1次"
    assert page.detail.contact_rows == [
        f"{TODAY.isoformat()}　办理中·走访　镇交通办　李主任、王芳　听取代表意见",
        f"{TODAY.isoformat()}　办理中·见面座谈　镇交通办　镇交通办全体　听取代表意见"]
    # A date before the suggestion is refused under the field.
    dialog = page.record_contact()
    dialog.set_values(TODAY - dt.timedelta(days=400), ContactStage.BEFORE, ContactKind.PHONE)
    assert not dialog.save()
    assert dialog.error_text("contacted_on") == "联系日期不能早于建议提出日期"
    dialog.reject()


def test_edit_only_while_registered_and_errors_under_the_fields(
        qtbot: Any, page: Any, db: Any, actor: Any, people: dict[str, int]) -> None:
    dialog = page.add_suggestion()
    assert not dialog.save()
    assert dialog.error_text("title") == "请填写建议标题"
    assert dialog.error_text("content") == "请填写建议内容"
    assert dialog.error_text("lead_deputy_id") == "请选择领衔代表"
    assert "3 处" in dialog.general_error.text()
    dialog.lead.setText("某某某")
    assert not dialog.save()
    assert "不在候选代表中" in dialog.error_text("lead_deputy_id")
    dialog.reject()

    sid = suggestions.create_suggestion(db, actor, SuggestionInput(
        TODAY, "关于修路的建议", "修路。", people["李秀英"], [people["王芳"], people["赵敏"]]))
    page.activate()
    page.select_id(sid)
    edit = page.edit_selected()
    assert edit is not None and edit.windowTitle() == f"修改代表建议 {TODAY.year}-001"
    assert edit.lead.deputy_id == people["李秀英"]
    assert edit.co_signers.ticked() == [people["王芳"], people["赵敏"]]
    edit.title.setText("关于修缮通组道路的建议")
    edit.co_signers.set_ticked_one(people["赵敏"], False)
    edit.lead.choose(people["王芳"])  # the new lead leaves the co-signers
    assert edit.co_signers.ticked() == []
    with qtbot.waitSignal(edit.finished):
        assert edit.save()
    assert _rows(page)[0][1:4] == ["关于修缮通组道路的建议", "王芳", ""]

    suggestions.apply_action(db, actor, sid, A.REFER, TODAY, lead_unit_id=people["镇交通办"])
    page.activate()
    assert not page.edit_button.isEnabled()
    assert "不能再修改" in page.edit_button.toolTip()


def test_a_misdirected_suggestion_is_returned_with_a_reason(
        qtbot: Any, page: Any, db: Any, actor: Any, people: dict[str, int]) -> None:
    sid = suggestions.create_suggestion(db, actor, SuggestionInput(
        TODAY - dt.timedelta(days=10), "关于整治河道的建议", "河道淤积。", people["赵敏"]))
    suggestions.apply_action(db, actor, sid, A.REFER, TODAY - dt.timedelta(days=5),
                             lead_unit_id=people["镇交通办"])
    page.activate()
    page.select_id(sid)
    back = _take(qtbot, page, A.UNIT_RETURN)
    assert "前退回" in " ".join(label.text() for label in back.findChildren(type(page.count_label)))
    assert not back.save()
    assert back.error_text("reason") == "请填写退回的理由"
    back.date.setDate(back.date.date().addDays(-30))  # before the referral
    back.reason.setText("不属本单位职责，建议交镇农业农村办")
    assert not back.save()
    assert "不能早于上一步的日期" in back.error_text("on")
    back.date.setDate(back.date.date().addDays(30))
    _confirm(qtbot, back)
    assert _status(page) == "已登记" and page.offered_actions() == [A.REFER]
    assert page.detail.values["lead_unit"].text() == "—" and page.edit_action.isEnabled()
    assert "理由：不属本单位职责" in page.detail.timeline.text()


def test_an_overdue_suggestion_is_red_and_counted(qtbot: Any, page: Any, db: Any, actor: Any,
                                                  people: dict[str, int]) -> None:
    late = suggestions.create_suggestion(db, actor, SuggestionInput(
        dt.date(2025, 1, 2), "关于疏通水渠的建议", "水渠堵塞。", people["赵敏"]))
    suggestions.apply_action(db, actor, late, A.REFER, dt.date(2025, 1, 3),
                             lead_unit_id=people["镇农业农村办"])  # due 2025-04-03
    in_time = suggestions.create_suggestion(db, actor, SuggestionInput(
        TODAY, "关于建设文化广场的建议", "广场。", people["王芳"]))
    suggestions.apply_action(db, actor, in_time, A.REFER, TODAY, lead_unit_id=people["镇交通办"])
    page.activate()
    assert page.tab_count("overdue") == 1 and page.tab_count("handling") == 2
    row = page.model.row_of(late)
    days = (TODAY - dt.date(2025, 4, 3)).days
    deadline = page.model.index(row, DEADLINE_COLUMN)
    assert deadline.data() == f"2025-04-03 逾期{days}天"
    assert deadline.data(Qt.ItemDataRole.ForegroundRole) == OVERDUE_TEXT
    assert page.model.index(row, 2).data(Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BACKGROUND
    assert page.model.index(row, DEADLINE_COLUMN).data(Qt.ItemDataRole.FontRole).bold()
    other = page.model.row_of(in_time)
    assert page.model.index(other, 2).data(Qt.ItemDataRole.BackgroundRole) is None
    overdue_tab = next(i for i in range(page.tabs.count()) if page.tabs.tabData(i) == "overdue")
    assert page.tabs.tabTextColor(overdue_tab) == QColor("#b42318")
    page.set_tab("overdue")
    assert page.model.ids() == [late]
    page.select_id(late)
    assert page.detail.overdue_badge.text() == f"逾期{days}天"
    assert "已逾期" in page.detail.values["deadline"].text()
    page.set_tab("all")
    page.overdue_only.setChecked(True)
    assert page.model.ids() == [late]
    page.reset_filters()
    assert page.count_label.text() == "共 2 件"


def test_search_filters_and_the_table_keys(qtbot: Any, window: Any, page: Any, db: Any, actor: Any,
                                           people: dict[str, int], messages_log: Any) -> None:
    first = suggestions.create_suggestion(db, actor, SuggestionInput(
        TODAY, "关于修缮村道的建议", "村道破损。", people["张三丰"], [people["赵敏"]], "交通道路"))
    second = suggestions.create_suggestion(db, actor, SuggestionInput(
        TODAY, "关于学校减速带的建议", "减速带。", people["王芳"], [], "教育医疗"))
    page.activate()
    assert page.model.ids() == [second, first]  # newest number first
    page.search.setText(f"{TODAY.year}-001")
    qtbot.waitUntil(lambda: page.model.ids() == [first], timeout=1000)
    page.search.setText("赵敏")  # a co-signer
    qtbot.waitUntil(lambda: page.model.ids() == [first], timeout=1000)
    page.search.setText("wf")
    qtbot.waitUntil(lambda: page.model.ids() == [second], timeout=1000)
    page.search.setText("没有这个词")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=1000)
    assert "没有符合条件" in page.empty.text()
    page.reset_filters()
    page.category_filter.setCurrentIndex(page.category_filter.findData("教育医疗"))
    assert page.model.ids() == [second]
    page.reset_filters()

    # Enter on the list opens the forward step (交办 for a registered suggestion).
    page.select_id(first)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.dialog is not None and page.dialog.action == A.REFER
    page.dialog.reject()
    assert page.edit_action.shortcut().toString() == "F2"
    assert page.add_action.shortcut().toString() == "Ctrl+N"


def test_an_opinion_converted_through_the_form_keeps_the_link(
        qtbot: Any, window: Any, page: Any, db: Any, actor: Any, ctx: Any,
        people: dict[str, int]) -> None:
    oid = mailbox.register_opinion(db, actor, mailbox.OpinionInput(
        received_on=TODAY, channel=Channel.DEPUTY, content="村口路灯不亮，夜间出行不便。",
        category="基层治理", receiving_deputy_id=people["王芳"]))
    opinion_number = mailbox.get_opinion(db, oid).number
    draft = suggestions.draft_from_opinion(db, oid)
    # The form alone, as any page may open it.
    dialog = SuggestionDialog(ctx, None, draft=draft)
    qtbot.addWidget(dialog)
    dialog.open()
    assert f"由社情民意 {opinion_number} 转为代表建议" in dialog.source.text()
    assert dialog.title.text() == "关于村口路灯不亮的建议"
    assert dialog.lead.deputy_id == people["王芳"] and dialog.category.currentText() == "基层治理"
    with qtbot.waitSignal(dialog.saved) as saved:
        assert dialog.save()
    sid = saved.args[0]
    assert suggestions.get_suggestion(db, sid).opinion_id == oid
    assert [s.id for s in suggestions.suggestions_for_opinion(db, oid)] == [sid]

    assert page.show_suggestion(sid)
    assert page.selected_id() == sid
    source = page.detail.values["opinion"]
    assert opinion_number in source.text() and not source.isHidden()
    with qtbot.waitSignal(page.opinion_requested) as asked:
        page.detail._link(f"opinion:{oid}")
    assert asked.args == [oid]

    # The mailbox's 转为代表建议 hook: the form, then the new suggestion shown on this page.
    window.show_page("home")
    form = convert_opinion(window, ctx, oid)
    assert form.isVisible() and form.opinion_id == oid
    form.title.setText("关于村口安装路灯的建议")
    with qtbot.waitSignal(form.finished):
        assert form.save()
    assert window.current_key() == "suggestions"
    assert page.selected_id() == form.saved_suggestion_id != sid
    assert len(suggestions.suggestions_for_opinion(db, oid)) == 2


def test_columns_can_be_shown_and_hidden(page: Any, db: Any, actor: Any, ctx: Any,
                                         people: dict[str, int]) -> None:
    columns = [c.title for c in page.model.columns]
    shown = [t for i, t in enumerate(columns) if not page.table.isColumnHidden(i)]
    assert "提出日期" not in shown and shown[:2] == ["编号", "标题"]
    page.set_column_visible("提出日期", True)
    page.set_column_visible("类别", False)
    again = SuggestionsPage(ctx)  # remembered
    hidden = [t for i, t in enumerate(columns) if again.table.isColumnHidden(i)]
    assert hidden == ["类别"]
    again.deleteLater()


def test_suggestion_model_passes_model_tester(qtmodeltester: Any, db: Any, actor: Any,
                                              people: dict[str, int]) -> None:
    first = suggestions.create_suggestion(db, actor, SuggestionInput(
        TODAY, "关于修路的建议", "修路。", people["张三丰"],
        [people["李秀英"], people["王芳"], people["赵敏"]]))
    suggestions.create_suggestion(db, actor, SuggestionInput(TODAY, "关于路灯的建议", "路灯。",
                                                             people["王芳"]))
    model = SuggestionModel(db)
    model.set_ids([first])
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, 3).data() == "3人"
    assert model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) == "李秀英、王芳、赵敏"
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == "关于修路的建议"
