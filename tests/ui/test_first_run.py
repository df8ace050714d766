"""First run: the set-up dialog creates the township, or the demo township in the background."""

from __future__ import annotations

from typing import Any

from presidium_app.domain.accounts import Role
from presidium_app.services import accounts, deputies, township
from presidium_app.services.audit import Actor
from presidium_app.services.deputies import DeputyQuery
from presidium_app.ui.context import AppContext
from presidium_app.ui.dialogs.first_run import FirstRunDialog


def test_first_run_dialog_sets_up_the_township(qtbot: Any, empty_db: Any, actor: Any) -> None:
    dialog = FirstRunDialog(AppContext(empty_db, actor))
    qtbot.addWidget(dialog)
    assert dialog.term.text() == "第十九届"
    dialog.admin_form.fill("wangli", "Baisha2026", "王丽")
    dialog.name.setText("白沙乡")
    dialog.county.setText("南丰县")
    dialog.term.setValue(20)
    dialog.start_year.setValue(2026)
    assert dialog.term.text() == "第二十届"
    assert dialog.end_year.value() == 2031
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    info = township.get_township(empty_db)
    assert (info.name, info.county) == ("白沙乡", "南丰县")
    term = township.current_term(empty_db)
    assert term is not None and term.label == "第二十届（2026—2031）"
    admin = accounts.list_users(empty_db)
    assert [(u.name, u.display_name, u.role) for u in admin] == [("wangli", "王丽", Role.ADMIN)]
    assert dialog.ctx.actor == Actor("wangli", Role.ADMIN, admin[0].id)


def test_first_run_needs_an_administrator_with_a_good_password(qtbot: Any, empty_db: Any, actor: Any) -> None:
    dialog = FirstRunDialog(AppContext(empty_db, actor))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.admin_form is not None
    assert "至少8位" in dialog.admin_form.policy.text() and "没有默认密码" in dialog.admin_form.policy.text()
    dialog.name.setText("白沙乡")
    assert not dialog.save()
    assert dialog.admin_form.form.error_text("name") == "请填写账户名"
    dialog.admin_form.account.setText("wangli")
    dialog.admin_form.password.setText("short1")
    dialog.admin_form.again.setText("short2")
    assert not dialog.save()
    assert dialog.admin_form.form.error_text("again") == "两次输入的密码不一致"
    dialog.admin_form.again.setText("short1")
    assert not dialog.save()
    assert "长度不足8位" in dialog.admin_form.form.error_text("password")
    assert not accounts.has_accounts(empty_db) and not township.is_set_up(empty_db)


def test_first_run_needs_a_name(qtbot: Any, empty_db: Any, actor: Any) -> None:
    dialog = FirstRunDialog(AppContext(empty_db, actor))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.admin_form.fill("admin", "Qingshan2026")
    assert not dialog.save()
    assert dialog.form.error_text("name") == "请填写乡镇名称"
    assert accounts.has_accounts(empty_db)  # made once; the next save only sets up the township
    assert dialog.admin_form is None
    assert not township.is_set_up(empty_db)
    assert dialog.isVisible()


def test_term_spin_box_reads_chinese_ordinals(qtbot: Any, empty_db: Any, actor: Any) -> None:
    dialog = FirstRunDialog(AppContext(empty_db, actor))
    qtbot.addWidget(dialog)
    assert dialog.term.valueFromText("第二十一届") == 21
    assert dialog.term.textFromValue(10) == "第十届"


def test_demo_button_fills_the_demo_township_in_background(
        qtbot: Any, empty_db: Any, actor: Any) -> None:
    dialog = FirstRunDialog(AppContext(empty_db, actor))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.admin_form.fill("admin", "Qingshan2026")
    with qtbot.waitSignal(dialog.accepted, timeout=60_000):
        dialog.demo_button.click()
        assert not dialog.demo_button.isEnabled()  # runs in the background
    assert dialog.demo_summary
    info = township.get_township(empty_db)
    assert (info.name, info.county) == ("青山镇", "临川县")
    term = township.current_term(empty_db)
    assert term is not None and term.label == "第十九届（2021—2026）"
    assert len(deputies.search_ids(empty_db, DeputyQuery(term_id=term.id))) >= 40
