"""打印 where the data lives: a page's 打印 menu opens 打印中心 on that document and record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from presidium_app.domain.enums import ActivityType
from tests.test_training import add_deputy, record


def test_the_activity_page_prints_the_selected_activity_s_sign_in_sheet(
        qtbot: Any, window: Any, db: Any, actor: Any) -> None:
    deputy = add_deputy(db, actor, "张三", 1)[1]
    activity_id = record(db, actor, ActivityType.INSPECTION, dt.date.today(), [deputy], "视察饮水工程")
    page = window.show_page("activities")
    page.activate()
    page.select_id(activity_id)
    menu = page.print_button.menu()
    menu.aboutToShow.emit()
    titles = {action.text(): action for action in menu.actions()}
    assert {"活动通知", "签到表", "活动记录"} <= set(titles)
    assert titles["签到表"].isEnabled()
    titles["签到表"].trigger()
    printing = window.stack.currentWidget()
    assert printing is window.page("printing")
    assert printing.current_key() == "sign-in-sheet" and printing.current_object_id() == activity_id
    qtbot.waitUntil(lambda: printing.rendering is None and printing.rendered is not None, timeout=30_000)
    assert printing.rendered.pages >= 1


def test_record_documents_are_disabled_while_nothing_is_selected(window: Any) -> None:
    page = window.show_page("suggestions")
    page.select_id(None)
    menu = page.print_button.menu()
    menu.aboutToShow.emit()
    assert [a.isEnabled() for a in menu.actions()] == [False] * len(menu.actions())


def test_the_wall_rules_text_is_edited_from_the_print_center(
        qtbot: Any, window: Any, db: Any, messages_log: Any) -> None:
    from presidium_app.printing import registry

    page = window.show_page("printing")
    if "wall-rules" not in registry.DOCUMENTS:
        assert not page.rules_button.isVisible()
        return
    page.select_document("wall-rules")
    assert page.rules_button.isVisible()
    dialog = page.edit_wall_rules()
    dialog.text.setPlainText("一、本乡镇自定的第一条。")
    assert dialog.save()
    dialog.close()
    qtbot.waitUntil(lambda: page.rendering is None and page.rendered is not None, timeout=30_000)
    assert page.rendered.pages == 8


def test_the_year_s_binder_is_built_with_progress_in_the_background(
        qtbot: Any, window: Any, db: Any, actor: Any, monkeypatch: Any) -> None:
    from presidium_app.printing.documents import binder

    steps: list[tuple[int, int]] = []
    original = binder.print_binder

    def watched(db: Any, actor: Any, year: int, progress: Any) -> Any:
        def report(done: int, total: int, text: str = "") -> None:
            steps.append((done, total))
            forward(done, total, text)

        forward = progress.report
        progress.report = report
        return original(db, actor, year, progress)

    monkeypatch.setattr(binder, "print_binder", watched)
    deputy = add_deputy(db, actor, "张三", 1)[1]
    record(db, actor, ActivityType.INSPECTION, dt.date.today(), [deputy], "视察饮水工程")
    page = window.show_page("printing")
    assert page.open_document("binder", year=dt.date.today().year)
    qtbot.waitUntil(lambda: page.rendering is None and page.rendered is not None, timeout=60_000)
    assert page.rendered.pages >= 3  # the index, then the documents of the year
    assert len(steps) > 2 and steps[-1][0] == steps[-1][1]  # progress section by section
    assert page.preview_pane.isVisible()
