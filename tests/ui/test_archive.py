"""A deputy's performance archive (履职档案), opened from the roster: the 8 parts in order, the
activities the deputy attended, a year or the whole term, and honours added and removed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from presidium_app.domain.enums import ActivityType, Attendance
from presidium_app.services import archive, awards, rules
from presidium_app.services.audit import Actor
from presidium_app.storage.database import Database
from presidium_app.ui.dialogs.archive_dialog import ArchiveDialog
from tests.test_training import add_deputy, record

T = ActivityType
PARTS = ["基本情况", "会议", "视察调研", "学习培训", "小组活动", "建议意见", "述职与监督", "表彰奖励"]


@pytest.fixture
def zhang(db: Database, actor: Actor) -> tuple[int, int]:
    """张三 (mandate id, deputy id): an inspection in 2025, a voter reception and a session in
    2026, one absence; 李四 did something 张三 did not."""
    mandate_id, deputy = add_deputy(db, actor, "张三", 1)
    _, other = add_deputy(db, actor, "李四", 2)
    record(db, actor, T.INSPECTION, dt.date(2025, 5, 12), [deputy, other], "视察农村公路建设")
    record(db, actor, T.VOTER_RECEPTION, dt.date(2026, 3, 6), [deputy], "东山村联络站接待选民",
           opinions_raised="村口路灯不亮")
    record(db, actor, T.CONGRESS_SESSION, dt.date(2026, 1, 20), {deputy: Attendance.ABSENT},
           "第七次会议")
    record(db, actor, T.RESEARCH, dt.date(2026, 4, 2), [other], "李四参加的产业调研")
    return mandate_id, deputy


def _open_from_roster(window: Any, mandate_id: int) -> ArchiveDialog:
    roster = window.show_page("roster")
    roster.select_id(mandate_id)
    assert roster.archive_action.isEnabled()
    roster.archive_action.trigger()
    dialog = roster.dialog
    assert isinstance(dialog, ArchiveDialog)
    assert dialog.isVisible()
    return dialog


def _in_order(text: str, words: list[str]) -> bool:
    positions = [text.find(w) for w in words]
    return -1 not in positions and positions == sorted(positions)


def test_open_a_deputys_archive_from_the_roster(
    qtbot: Any, window: Any, zhang: tuple[int, int]
) -> None:
    dialog = _open_from_roster(window, zhang[0])
    assert dialog.windowTitle() == "张三 履职档案"
    assert dialog.part_titles() == PARTS
    assert [dialog.parts.item(r).text().split("（")[0] for r in range(8)] == PARTS
    text = dialog.text()
    assert _in_order(text, [f"{n}、{t}" for n, t in zip("一二三四五六七八", PARTS, strict=True)])

    dialog.set_period(2026)
    text = dialog.text()
    assert "东山村联络站接待选民" in text
    assert "第七次会议" in text and "缺席" in text
    assert "村口路灯不亮" in text  # raised at the reception: part 建议意见
    assert "视察农村公路建设" not in text  # 2025
    assert "李四参加的产业调研" not in text  # not his
    assert "2026年度积分" in text

    dialog.set_period(2025)
    text = dialog.text()
    assert "视察农村公路建设" in text
    assert "东山村联络站接待选民" not in text

    dialog.set_period(None)  # the whole term
    assert dialog.period.currentText().startswith("第十九届全部")
    text = dialog.text()
    assert "视察农村公路建设" in text and "东山村联络站接待选民" in text
    assert dialog.parts.item(2).text() == "视察调研（1）"

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_ctrl_d_and_the_context_menu_open_the_archive(
    qtbot: Any, window: Any, zhang: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    roster = window.show_page("roster")
    assert roster.archive_action.shortcut().toString() == "Ctrl+D"
    roster.select_id(zhang[0])
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(roster.dialog, ArchiveDialog)
    roster.dialog.reject()
    qtbot.waitUntil(lambda: roster.dialog is None)

    monkeypatch.setattr(QMenu, "popup", lambda *_a: None)  # offscreen menus cannot grab input
    roster._context_menu(roster.table.visualRect(roster.model.index(0, 0)).center())
    assert roster.archive_action in roster.menu.actions()

    roster.table.clearSelection()
    roster.select_id(None)
    assert not roster.archive_action.isEnabled()


def test_the_archive_shows_the_years_score_and_shortfalls(
    window: Any, db: Database, zhang: tuple[int, int]
) -> None:
    dialog = _open_from_roster(window, zhang[0])
    year = dt.date.today().year
    assert dialog.chosen_year() == (year if 2021 <= year <= 2026 else 2026)
    dialog.set_period(2026)
    arch = archive.performance_archive(db, zhang[1], year=2026)
    assert arch.score is not None
    text = dialog.text()
    assert "参加人代会" in text and "总分" in text and arch.score.grade in text
    short = [p for p in rules.deputy_shortfalls(db, zhang[1], 2026) if p.short_by]
    if short:  # serving in the current term on the day the test runs
        assert "履职要求完成情况" in text
        assert f"差 {short[0].short_by} {short[0].unit}" in text
    assert "打印中心" in dialog.print_note.text()
    assert dialog.print_button.isEnabled()


def test_an_award_is_added_and_removed_in_the_archive(
    qtbot: Any, window: Any, db: Database, zhang: tuple[int, int], messages_log: Any
) -> None:
    dialog = _open_from_roster(window, zhang[0])
    dialog.set_period(2025)
    add = dialog.add_award()
    assert add is not None and add.isVisible()
    add.save()
    assert add.isVisible()  # the name is required, and nothing is saved
    assert add.error_text("title")
    add.title.setText("优秀人大代表")
    add.issuer.setText("临川县人大常委会")
    add.awarded_on.setDate(add.awarded_on.date().fromString("2026-01-10", "yyyy-MM-dd"))
    with qtbot.waitSignal(add.accepted):
        assert add.save()
    # Saved in 2026 while 2025 was shown: the dialog turns to the year that holds it.
    assert dialog.chosen_year() == 2026
    assert "优秀人大代表" in dialog.text()
    assert dialog.parts.item(7).text() == "表彰奖励（1）"

    [saved] = awards.list_awards(db, zhang[1])
    messages_log.answer = False
    assert not dialog.remove_award(saved.id)
    assert awards.list_awards(db, zhang[1])
    messages_log.answer = True
    assert dialog.remove_award(saved.id)
    assert awards.list_awards(db, zhang[1]) == []
    assert "优秀人大代表" not in dialog.text()


def test_a_past_mandate_opens_the_archive_of_its_term(
    window: Any, db: Database, actor: Actor, zhang: tuple[int, int]
) -> None:
    from presidium_app.services import township

    old = township.ensure_term(db, actor, 18, 2016, 2021)
    mandate_id, deputy = add_deputy(db, actor, "王五", 3, term_id=old.id,
                                    elected_on=dt.date(2016, 11, 16))
    record(db, actor, T.TRAINING, dt.date(2018, 6, 1), [deputy], "上届代表培训")
    roster = window.show_page("roster")
    roster.term_filter.setCurrentIndex(roster.term_filter.findData(old.id))
    dialog = _open_from_roster(window, mandate_id)
    assert dialog.chosen_year() == 2021  # the term's last year
    assert dialog.period.itemText(dialog.period.count() - 1).startswith("第十八届全部")
    dialog.set_period(2018)
    assert "上届代表培训" in dialog.text()
    assert "不在本届在任" in dialog.text()
    assert "不是本届在任代表" in roster.detail.reminders.text()
