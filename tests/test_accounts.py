"""Accounts: argon2 hashes, the password policy, sign-in with lockout, the last administrator, and
the command line's `user` command and sign-in (spec/cli.md)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from presidium_app.cli import main
from presidium_app.domain.accounts import Role, UserAccount
from presidium_app.domain.audit import AuditEntry
from presidium_app.services import accounts
from presidium_app.services import settings as app_settings
from presidium_app.services.accounts import AuthenticationFailed
from presidium_app.services.audit import Actor
from presidium_app.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from presidium_app.storage.database import Database

GOOD = "Qingshan2026"
T0 = dt.datetime(2026, 3, 2, 9, 0)


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The default argon2 parameters cost ~50 ms a hash; tests use small ones."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    monkeypatch.setattr(accounts, "_DUMMY_HASH", [])
    yield


@pytest.fixture
def admin(db: Database) -> Actor:
    return accounts.create_first_admin(db, "admin", "王主任", GOOD)


def _account(db: Database, name: str) -> UserAccount:
    with db.session() as session:
        user = session.scalars(select(UserAccount).where(UserAccount.name == name)).one()
        session.expunge(user)
        return user


def _log(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                    .order_by(AuditEntry.id)))


def test_the_hash_is_argon2_never_the_password(db: Database, admin: Actor) -> None:
    user = _account(db, "admin")
    assert user.password_hash.startswith("$argon2id$")
    assert GOOD not in user.password_hash
    assert admin == Actor("admin", Role.ADMIN, user.id)
    assert accounts.has_accounts(db)


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(
        db: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _account(db, "admin").password_hash
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=2, memory_cost=128, parallelism=1))
    accounts.authenticate(db, "admin", GOOD)
    new = _account(db, "admin").password_hash
    assert new != old and "t=2" in new
    assert accounts.authenticate(db, "admin", GOOD).user_id == admin.user_id


@pytest.mark.parametrize(("password", "missing"), [
    ("Ab1", "长度不足8位（现为3位）"),
    ("abcdefghij", "缺少数字"),
    ("1234567890", "缺少字母"),
    ("xadmin2026x", "不能包含账户名"),
    ("admin123", "常见的简单密码"),
])
def test_password_policy_names_what_is_missing(password: str, missing: str) -> None:
    problems = "；".join(accounts.password_problems(password, "admin", 8))
    assert missing in problems
    assert accounts.password_problems("Qingshan2026", "admin", 8) == []


def test_the_policy_follows_the_minimum_length_setting(db: Database, actor: Actor) -> None:
    app_settings.update(db, actor, {"security.min_password_length": 14})
    with pytest.raises(ValidationFailed) as caught:
        accounts.create_first_admin(db, "admin", "", GOOD)
    assert "长度不足14位" in caught.value.field_errors["password"]
    assert not accounts.has_accounts(db)


def test_the_first_admin_only_once(db: Database, admin: Actor) -> None:
    with pytest.raises(ServiceError, match="已经有账户"):
        accounts.create_first_admin(db, "other", "", GOOD)


def test_add_user_checks_name_and_role(db: Database, admin: Actor) -> None:
    with pytest.raises(ValidationFailed) as caught:
        accounts.add_user(db, admin, "ADMIN", "", Role.STAFF, GOOD)
    assert "已被使用" in caught.value.field_errors["name"]
    with pytest.raises(ValidationFailed) as caught:
        accounts.add_user(db, admin, "li si", "", None, GOOD)
    assert set(caught.value.field_errors) == {"name", "role"}
    user_id = accounts.add_user(db, admin, "lisi", "李四", Role.STAFF, "Staff2026abc")
    row = accounts.get_user(db, user_id)
    assert (row.display_name, row.role, row.must_change_password) == ("李四", Role.STAFF, True)


def test_sign_in_success_and_failure_are_logged(db: Database, admin: Actor) -> None:
    actor = accounts.authenticate(db, " admin ", GOOD, now=T0)
    assert actor == admin
    assert accounts.get_user(db, admin.user_id or 0).last_login_at == T0
    with pytest.raises(AuthenticationFailed) as wrong:
        accounts.authenticate(db, "admin", "Wrong2026x")
    with pytest.raises(AuthenticationFailed) as unknown:
        accounts.authenticate(db, "nobody", GOOD)
    assert wrong.value.message == unknown.value.message == "账户名或密码不正确"
    entries = _log(db, "user.login")
    assert [(e.user, e.success) for e in entries] == [("admin", True), ("admin", False), ("nobody", False)]
    assert all(GOOD not in (e.summary + (e.after or "")) for e in entries)


def test_lockout_after_repeated_failures_and_its_end(db: Database, admin: Actor) -> None:
    app_settings.update(db, admin, {"security.max_failed_logins": 3, "security.lockout_minutes": 15})
    for attempt in range(2):
        with pytest.raises(AuthenticationFailed, match=r"^账户名或密码不正确$"):
            accounts.authenticate(db, "admin", "Wrong2026x", now=T0 + dt.timedelta(minutes=attempt))
    assert _account(db, "admin").failed_logins == 2
    with pytest.raises(AuthenticationFailed) as third:
        accounts.authenticate(db, "admin", "Wrong2026x", now=T0 + dt.timedelta(minutes=2))
    assert "已连续输错3次" in third.value.message and "3月2日 09:17" in third.value.message
    # locked: even the right password is refused, and the message says until when
    with pytest.raises(AuthenticationFailed, match="锁定至3月2日 09:17"):
        accounts.authenticate(db, "admin", GOOD, now=T0 + dt.timedelta(minutes=10))
    assert accounts.list_users(db)[0].state(T0 + dt.timedelta(minutes=10)) == "已锁定"
    # after the time, the right password works and the counters are reset
    assert accounts.authenticate(db, "admin", GOOD, now=T0 + dt.timedelta(minutes=18)) == admin
    user = _account(db, "admin")
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_a_success_resets_the_count(db: Database, admin: Actor) -> None:
    app_settings.update(db, admin, {"security.max_failed_logins": 3})
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            accounts.authenticate(db, "admin", "Wrong2026x")
    accounts.authenticate(db, "admin", GOOD)
    with pytest.raises(AuthenticationFailed, match=r"^账户名或密码不正确$"):
        accounts.authenticate(db, "admin", "Wrong2026x")


def test_an_administrator_lifts_a_lockout(db: Database, admin: Actor) -> None:
    staff_id = accounts.add_user(db, admin, "lisi", "", Role.STAFF, "Staff2026abc")
    app_settings.update(db, admin, {"security.max_failed_logins": 3})
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            accounts.authenticate(db, "lisi", "Wrong2026x")
    assert accounts.get_user(db, staff_id).state() == "已锁定"
    accounts.lift_lockout(db, admin, staff_id)
    assert accounts.authenticate(db, "lisi", "Staff2026abc").user_id == staff_id


def test_a_disabled_account_cannot_sign_in(db: Database, admin: Actor) -> None:
    staff_id = accounts.add_user(db, admin, "lisi", "", Role.STAFF, "Staff2026abc")
    accounts.set_disabled(db, admin, staff_id, True)
    assert accounts.get_user(db, staff_id).state() == "已停用"
    with pytest.raises(AuthenticationFailed, match="已停用"):
        accounts.authenticate(db, "lisi", "Staff2026abc")
    with pytest.raises(AuthenticationFailed, match=r"^账户名或密码不正确$"):  # says nothing more
        accounts.authenticate(db, "lisi", "Wrong2026x")
    accounts.set_disabled(db, admin, staff_id, False)
    assert accounts.authenticate(db, "lisi", "Staff2026abc").role == Role.STAFF


def test_the_last_active_administrator_is_kept(db: Database, admin: Actor) -> None:
    assert admin.user_id is not None
    with pytest.raises(ServiceError, match="至少要保留一个在用的管理员"):
        accounts.set_role(db, admin, admin.user_id, Role.STAFF)
    with pytest.raises(ServiceError, match="不能停用自己"):
        accounts.set_disabled(db, admin, admin.user_id, True)
    second = accounts.add_user(db, admin, "zhao", "", Role.ADMIN, "Second2026x")
    zhao = Actor("zhao", Role.ADMIN, second)
    accounts.set_disabled(db, zhao, admin.user_id, True)
    with pytest.raises(ServiceError, match="至少要保留一个在用的管理员"):
        accounts.set_role(db, zhao, second, Role.VIEWER)
    accounts.set_disabled(db, zhao, admin.user_id, False)
    accounts.set_role(db, zhao, second, Role.VIEWER)
    assert accounts.get_user(db, second).role == Role.VIEWER


def test_change_own_password(db: Database, admin: Actor) -> None:
    with pytest.raises(ValidationFailed) as caught:
        accounts.change_password(db, admin, "Wrong2026x", "Newpass2027")
    assert caught.value.field_errors == {"old": "原密码不正确"}
    with pytest.raises(ValidationFailed, match="缺少数字"):
        accounts.change_password(db, admin, GOOD, "onlyletters")
    accounts.change_password(db, admin, GOOD, "Newpass2027")
    assert accounts.authenticate(db, "admin", "Newpass2027") == admin
    assert [e.success for e in _log(db, "user.password")] == [False, False, True]


def test_reset_password_forces_a_change_and_needs_an_administrator(db: Database, admin: Actor) -> None:
    staff_id = accounts.add_user(db, admin, "lisi", "", Role.STAFF, "Staff2026abc")
    lisi = accounts.authenticate(db, "lisi", "Staff2026abc")
    with pytest.raises(PermissionDenied, match="管理账户"):
        accounts.reset_password(db, lisi, admin.user_id or 0, "Hacked2026x")
    accounts.change_password(db, lisi, "Staff2026abc", "Staff2027abc")
    assert not accounts.get_user(db, staff_id).must_change_password
    accounts.reset_password(db, admin, staff_id, "Reset2026abc")
    assert accounts.get_user(db, staff_id).must_change_password
    assert accounts.authenticate(db, "lisi", "Reset2026abc") == lisi
    with pytest.raises(NotFound):
        accounts.reset_password(db, admin, 999, "Reset2026abc")


def test_screen_unlock_checks_the_signed_in_user(db: Database, admin: Actor) -> None:
    assert accounts.unlock_screen(db, admin, GOOD) == admin
    with pytest.raises(AuthenticationFailed):
        accounts.unlock_screen(db, admin, "Wrong2026x")
    assert [e.success for e in _log(db, "user.unlock")] == [True, False]


# -- the command line ---------------------------------------------------------------------------
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str,
        stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    folder = str(tmp_path / "d")
    monkeypatch.delenv("PRESIDIUM_PASSWORD", raising=False)
    assert run(capsys, monkeypatch, "--data-dir", folder, "init", "--township", "青山镇")[0] == 0
    return folder


def test_cli_first_account_must_be_an_administrator(
        data: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(capsys, monkeypatch, "--data-dir", data, "user", "add", "lisi", "--role", "staff",
                       stdin=GOOD + "\n")
    assert code == 1 and "第一个账户必须是管理员" in err
    code, out, _ = run(capsys, monkeypatch, "--data-dir", data, "user", "add", "admin", "--role", "admin",
                       stdin=GOOD + "\n")
    assert code == 0 and "已创建管理员账户：admin" in out


def test_cli_user_add_and_list_with_sign_in(
        data: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    run(capsys, monkeypatch, "--data-dir", data, "user", "add", "admin", "--role", "admin", stdin=GOOD + "\n")
    # accounts exist: a name is required
    code, _, err = run(capsys, monkeypatch, "--data-dir", data, "user", "list")
    assert code == 1 and "--user" in err
    monkeypatch.setenv("PRESIDIUM_PASSWORD", "Wrong2026x")
    code, _, err = run(capsys, monkeypatch, "--data-dir", data, "--user", "admin", "user", "list")
    assert code == 1 and "账户名或密码不正确" in err and "Traceback" not in err
    monkeypatch.setenv("PRESIDIUM_PASSWORD", GOOD)
    code, out, _ = run(capsys, monkeypatch, "--data-dir", data, "--user", "admin", "user", "add", "wang",
                       "--role", "viewer", "--display-name", "王五", stdin="Viewer2026x\n")
    assert code == 0 and "首次登录时须修改密码" in out
    monkeypatch.setenv("PRESIDIUM_USER", "admin")
    code, out, _ = run(capsys, monkeypatch, "--data-dir", data, "user", "list")
    assert code == 0
    assert out.splitlines() == ["admin\tadmin\t管理员\t正常",
                                "wang\t王五\t只读\t正常"]


def test_cli_viewer_cannot_write(
        data: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from presidium_app.services import township
    from presidium_app.storage.opening import open_database

    run(capsys, monkeypatch, "--data-dir", data, "user", "add", "admin", "--role", "admin", stdin=GOOD + "\n")
    monkeypatch.setenv("PRESIDIUM_PASSWORD", GOOD)
    run(capsys, monkeypatch, "--data-dir", data, "--user", "admin", "user", "add", "wang",
        "--role", "viewer", stdin="Viewer2026x\n")
    monkeypatch.setenv("PRESIDIUM_PASSWORD", "Viewer2026x")
    code, _, err = run(capsys, monkeypatch, "--data-dir", data, "--user", "wang", "stats", "--json")
    assert code == 1 and "临时密码" in err  # even reading waits for the password to be changed
    code, _, err = run(capsys, monkeypatch, "--data-dir", data, "--user", "wang", "init", "--demo")
    assert code == 1 and "临时密码" in err  # set by the administrator: to be changed first
    db = open_database(data)
    try:
        wang = accounts.authenticate(db, "wang", "Viewer2026x")
        accounts.change_password(db, wang, "Viewer2026x", "Viewer2027x")
    finally:
        db.dispose()
    monkeypatch.setenv("PRESIDIUM_PASSWORD", "Viewer2027x")
    code, out, err = run(capsys, monkeypatch, "--data-dir", data, "--user", "wang", "stats", "--json")
    assert code == 0 and '"year"' in out  # a viewer reads the figures
    code, _, err = run(capsys, monkeypatch, "--data-dir", data, "--user", "wang", "init", "--demo")
    assert code == 5 and "只读" in err and "修改系统设置" in err
    code, _, err = run(capsys, monkeypatch, "--data-dir", data, "--user", "wang", "user", "add", "x1",
                       "--role", "viewer", stdin="Xx12345678\n")
    assert code == 5 and "管理账户" in err
    code, _, err = run(capsys, monkeypatch, "--data-dir", data, "--user", "wang", "user", "list")
    assert code == 5
    out_file = Path(data) / "roster.xlsx"
    code, _, err = run(capsys, monkeypatch, "--data-dir", data, "--user", "wang", "export", "deputies",
                       str(out_file))
    assert code == 5 and "导入导出台账" in err and not out_file.exists()
    db = open_database(data)
    try:
        assert [u.name for u in accounts.list_users(db)] == ["admin", "wang"]
        term = township.current_term(db)
        assert term is not None
        from presidium_app.services import deputies
        from presidium_app.services.deputies import DeputyQuery
        assert deputies.search_ids(db, DeputyQuery(term_id=term.id)) == []
    finally:
        db.dispose()


def test_a_role_change_or_disabling_applies_to_the_next_write_of_a_session(db: Database) -> None:
    """Signed in as staff, demoted to 只读 or disabled by the administrator meanwhile: the very
    next write is refused, without waiting for the next sign-in."""
    from presidium_app.services import handling_units
    from presidium_app.services.errors import PermissionDenied

    admin = accounts.create_first_admin(db, "admin", "王主任", GOOD)
    accounts.add_user(db, admin, "li", "李华", Role.STAFF, "Staff2026xy")
    li = accounts.authenticate(db, "li", "Staff2026xy")
    handling_units.add_unit(db, li, "镇农业农村办")  # allowed while staff
    accounts.set_role(db, admin, li.user_id or 0, Role.VIEWER)
    with pytest.raises(PermissionDenied, match="只读"):
        handling_units.add_unit(db, li, "镇财政所")
    accounts.set_role(db, admin, li.user_id or 0, Role.STAFF)
    accounts.set_disabled(db, admin, li.user_id or 0, True)
    with pytest.raises(PermissionDenied, match="已停用"):
        handling_units.add_unit(db, li, "镇财政所")
    assert [u.name for u in handling_units.list_units(db)] == ["镇农业农村办"]
