"""Accounts (账户): the first administrator, sign-in with lockout, passwords and their policy, and the
administrator's management of the other accounts (GB/T 22239-2019 level 2: identification,
authentication, access control).

- Passwords are kept only as argon2id hashes (argon2-cffi's `PasswordHasher`, RFC 9106 low-memory
  parameters); a hash made with older parameters is replaced at the next successful sign-in.
- There is no default password: the first account is made by whoever sets the database up
  (`create_first_admin`, only while no account exists); every later one by an administrator.
- Sign-in failures count on the account row, so closing the program does not reset them; after
  `security.max_failed_logins` in a row the account is locked for `security.lockout_minutes`.
  An unknown name gets the same answer as a wrong password. Every attempt is in the audit log.
- Accounts are disabled, never deleted: the audit log names them, and a name is never reused by
  someone else. The last active administrator cannot be demoted or disabled.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from presidium_app.domain.accounts import Role, UserAccount
from presidium_app.domain.validators import normalize_text
from presidium_app.services import audit
from presidium_app.services import settings as app_settings
from presidium_app.services.audit import Actor, check_version, record, storage_message, unit_of_work
from presidium_app.services.errors import NotFound, ServiceError, StorageFailure, ValidationFailed
from presidium_app.storage.database import Database

HASHER = PasswordHasher()  # argon2id; tests may put a cheaper one here
WRONG_CREDENTIALS = "账户名或密码不正确"
COMMON_PASSWORDS = frozenset({
    "password1", "password123", "passw0rd", "admin123", "admin1234", "admin888", "abc12345",
    "abcd1234", "a1234567", "a12345678", "aa123456", "qwerty123", "qwer1234", "1qaz2wsx",
    "12345678a", "123456abc", "woaini1314", "woaini520", "iloveyou1", "zxcvbn123",
})
NAME_PATTERN = re.compile(r"^[\w.\-@]+$")
STATE_NORMAL, STATE_LOCKED, STATE_DISABLED = "正常", "已锁定", "已停用"


class AuthenticationFailed(ServiceError):
    """Sign-in refused: wrong name or password, a locked or a disabled account."""


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    display_name: str
    role: Role
    disabled: bool
    locked_until: dt.datetime | None
    must_change_password: bool
    failed_logins: int
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    version: int

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or audit.now())

    def state(self, now: dt.datetime | None = None) -> str:
        if self.disabled:
            return STATE_DISABLED
        return STATE_LOCKED if self.is_locked(now) else STATE_NORMAL


def _row(user: UserAccount) -> UserRow:
    return UserRow(user.id, user.name, user.display_name, user.role, user.disabled, user.locked_until,
                   user.must_change_password, user.failed_logins, user.created_at, user.last_login_at,
                   user.version)


# -- passwords -------------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    return HASHER.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: list[str] = []


def _spend_a_verification(password: str) -> None:
    """Verify against a throwaway hash, so an unknown name takes as long as a wrong password."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(HASHER.hash("未使用的占位密码0"))
    _verify(_DUMMY_HASH[0], password)


def min_password_length(db: Database) -> int:
    return int(app_settings.get(db, "security.min_password_length"))


def password_policy_text(min_length: int) -> str:
    """The policy as the forms show it."""
    return (f"密码至少{min_length}位，须同时包含字母和数字，不能包含账户名，"
            "不能是常见的简单密码（如 admin123）")


def password_problems(password: str, name: str, min_length: int) -> list[str]:
    """What the password lacks, in Chinese; empty when it meets the policy."""
    problems = []
    if len(password) < min_length:
        problems.append(f"长度不足{min_length}位（现为{len(password)}位）")
    if not any(c.isascii() and c.isalpha() for c in password):
        problems.append("缺少字母")
    if not any(c.isdigit() for c in password):
        problems.append("缺少数字")
    if name and name.lower() in password.lower():
        problems.append("不能包含账户名")
    if password.lower() in COMMON_PASSWORDS:
        problems.append("是常见的简单密码，容易被猜中")
    if password != password.strip():
        problems.append("首尾不能有空格")
    return problems


def check_password(db: Database, password: str, name: str, field: str = "password") -> None:
    problems = password_problems(password, name, min_password_length(db))
    if problems:
        raise ValidationFailed({field: "密码不符合要求：" + "；".join(problems)})


# -- reading ---------------------------------------------------------------------------------------
def has_accounts(db: Database) -> bool:
    with db.session() as session:
        return bool(session.scalar(select(exists().where(UserAccount.id.is_not(None)))))


def list_users(db: Database) -> list[UserRow]:
    with db.session() as session:
        return [_row(u) for u in session.scalars(select(UserAccount).order_by(UserAccount.id))]


def get_user(db: Database, user_id: int) -> UserRow:
    with db.session() as session:
        user = session.get(UserAccount, user_id)
        if user is None:
            raise NotFound("该账户不存在")
        return _row(user)


def _find(session: Session, name: str) -> UserAccount | None:
    return session.scalars(select(UserAccount).where(func.lower(UserAccount.name) == name.lower())).first()


# -- creating ----------------------------------------------------------------------------------------
def _check_new(db: Database, session: Session, name: str, display_name: str, password: str,
               role: Role | None) -> tuple[str, str]:
    name, display_name = normalize_text(name), normalize_text(display_name)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "请填写账户名"
    elif len(name) > 40:
        errors["name"] = "账户名过长（最多40个字符）"
    elif not NAME_PATTERN.match(name):
        errors["name"] = "账户名只能由汉字、字母、数字和 . _ - @ 组成，不能有空格"
    elif _find(session, name) is not None:
        errors["name"] = f"账户名“{name}”已被使用"
    if len(display_name) > 40:
        errors["display_name"] = "姓名过长（最多40个字）"
    if role is None:
        errors["role"] = "请选择角色"
    problems = password_problems(password, name, min_password_length(db))
    if problems:
        errors["password"] = "密码不符合要求：" + "；".join(problems)
    if errors:
        raise ValidationFailed(errors)
    return name, display_name or name


def _new_account(session: Session, name: str, display_name: str, role: Role, password: str,
                 must_change: bool) -> UserAccount:
    at = audit.now()
    user = UserAccount(name=name, display_name=display_name, role=role, password_hash=hash_password(password),
                       must_change_password=must_change, failed_logins=0, disabled=False, created_at=at,
                       password_changed_at=at)
    session.add(user)
    session.flush()
    return user


def create_first_admin(db: Database, name: str, display_name: str, password: str) -> Actor:
    """The first account, an administrator, made while the database has none (first run, or a
    database from before accounts existed). Refused once any account exists."""
    actor = Actor(normalize_text(name) or "管理员", Role.ADMIN)
    with unit_of_work(db, actor, "user.add", "user_account") as change:
        if change.session.scalar(select(exists().where(UserAccount.id.is_not(None)))):
            raise ServiceError("已经有账户了，新的账户请由管理员登录后添加")
        name, display_name = _check_new(db, change.session, name, display_name, password, Role.ADMIN)
        user = _new_account(change.session, name, display_name, Role.ADMIN, password, must_change=False)
        change.object_id, change.summary = user.id, f"创建第一个管理员账户“{name}”"
        change.after = {"name": name, "display_name": display_name, "role": Role.ADMIN}
        return Actor(name, Role.ADMIN, user.id)


def add_user(db: Database, actor: Actor, name: str, display_name: str, role: Role | None,
             password: str) -> int:
    """A new account made by an administrator; its holder must change the password at first
    sign-in (the administrator knows it)."""
    with unit_of_work(db, actor, "user.add", "user_account") as change:
        name, display_name = _check_new(db, change.session, name, display_name, password, role)
        assert role is not None
        user = _new_account(change.session, name, display_name, role, password, must_change=True)
        change.object_id, change.summary = user.id, f"新增账户“{name}”（{role.label}）"
        change.after = {"name": name, "display_name": display_name, "role": role}
        return user.id


# -- signing in ------------------------------------------------------------------------------------
def _lock_text(until: dt.datetime) -> str:
    return f"{until.month}月{until.day}日 {until:%H:%M}"


def _sign_in(db: Database, name: str, password: str, action: str, now: dt.datetime | None,
             expect_user_id: int | None = None) -> Actor:
    now = now or audit.now()
    name = normalize_text(name)
    limit = int(app_settings.get(db, "security.max_failed_logins"))
    minutes = int(app_settings.get(db, "security.lockout_minutes"))
    try:
        actor, failure = _attempt(db, name, password, action, now, expect_user_id, limit, minutes)
    except OperationalError as exc:
        raise StorageFailure(storage_message(exc)) from exc
    if failure is not None:
        raise AuthenticationFailed(failure)
    return actor


def _attempt(db: Database, name: str, password: str, action: str, now: dt.datetime,
             expect_user_id: int | None, limit: int, minutes: int) -> tuple[Actor, str | None]:
    """One sign-in attempt and its audit entry, in one transaction: (the actor, the failure)."""
    with db.transaction() as session:
        user = _find(session, name) if name else None
        if user is None or (expect_user_id is not None and user.id != expect_user_id):
            _spend_a_verification(password)
            record(session, Actor(name[:40] or "（未填写）"), action, "user_account", None,
                   f"登录失败：{WRONG_CREDENTIALS}", success=False)
            return Actor(name), WRONG_CREDENTIALS
        actor = Actor(user.name, user.role, user.id)
        failure: str | None = None
        # Sign-in bookkeeping is written with a plain UPDATE: it must not move the account's
        # version (an administrator's open form on it would conflict), nor fail on one that moved.
        bookkeeping: dict[str, Any] = {}
        if user.locked_until is not None and user.locked_until > now:
            failure = (f"密码连续输错次数过多，账户已锁定至{_lock_text(user.locked_until)}，"
                       "请到时再试，或请管理员解除锁定")
        elif not _verify(user.password_hash, password):
            failed = (user.failed_logins or 0) + 1
            bookkeeping = {"failed_logins": failed, "locked_until": None}
            failure = WRONG_CREDENTIALS
            if failed >= limit:
                until = now + dt.timedelta(minutes=minutes)
                bookkeeping = {"failed_logins": 0, "locked_until": until}
                failure = (f"{WRONG_CREDENTIALS}。已连续输错{limit}次，账户锁定至"
                           f"{_lock_text(until)}（{minutes}分钟）")
        elif user.disabled:
            failure = "该账户已停用，请联系管理员"
        if failure is None:
            bookkeeping = {"failed_logins": 0, "locked_until": None}
            if action == "user.login":
                bookkeeping["last_login_at"] = now
            if HASHER.check_needs_rehash(user.password_hash):
                bookkeeping["password_hash"] = hash_password(password)
        if bookkeeping:
            session.execute(update(UserAccount).where(UserAccount.id == user.id).values(**bookkeeping))
        if failure is not None:
            what = "登录失败" if action == "user.login" else "解除屏幕锁定失败"
            record(session, actor, action, "user_account", user.id, f"{what}：{failure}", success=False)
            return actor, failure
        record(session, actor, action, "user_account", user.id,
               "登录成功" if action == "user.login" else "解除屏幕锁定")
        return actor, None


def authenticate(db: Database, name: str, password: str, *, now: dt.datetime | None = None) -> Actor:
    """The signed-in user, or AuthenticationFailed with a Chinese message. Success and failure
    are both written to the audit log ("user.login")."""
    return _sign_in(db, name, password, "user.login", now)


def unlock_screen(db: Database, actor: Actor, password: str, *, now: dt.datetime | None = None) -> Actor:
    """The signed-in user's password at the idle lock ("user.unlock"); failures count towards
    the lockout like any sign-in."""
    return _sign_in(db, actor.name, password, "user.unlock", now, expect_user_id=actor.user_id)


def log_session_event(db: Database, actor: Actor, action: str, summary: str) -> None:
    """"user.lock" (the screen locked) or "user.logout"."""
    audit.log_event(db, actor, action, "user_account", actor.user_id, summary)


# -- passwords and management ------------------------------------------------------------------------
def _get(session: Session, user_id: int | None) -> UserAccount:
    user = session.get(UserAccount, user_id) if user_id is not None else None
    if user is None:
        raise NotFound("该账户不存在")
    return user


def change_password(db: Database, actor: Actor, old: str, new: str) -> None:
    """The signed-in user changes their own password."""
    with unit_of_work(db, actor, "user.password", "user_account") as change:
        if actor.user_id is None:
            raise ServiceError("尚未设置账户，无需修改密码")
        user = _get(change.session, actor.user_id)
        change.object_id, change.summary = user.id, f"“{user.name}”修改自己的密码"
        if not _verify(user.password_hash, old):
            raise ValidationFailed({"old": "原密码不正确"})
        if old == new:
            raise ValidationFailed({"password": "新密码不能与原密码相同"})
        check_password(db, new, user.name)
        user.password_hash = hash_password(new)
        user.must_change_password = False
        user.password_changed_at = audit.now()


def reset_password(db: Database, actor: Actor, user_id: int, new: str) -> None:
    """An administrator sets a new password; its holder must change it at the next sign-in.
    Also lifts a lockout."""
    with unit_of_work(db, actor, "user.reset", "user_account") as change:
        user = _get(change.session, user_id)
        change.object_id, change.summary = user.id, f"重置“{user.name}”的密码"
        check_password(db, new, user.name)
        user.password_hash = hash_password(new)
        user.must_change_password = True
        user.password_changed_at = audit.now()
        user.failed_logins = 0
        user.locked_until = None


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(UserAccount).where(
        UserAccount.role == Role.ADMIN, UserAccount.disabled.is_(False))) or 0


LAST_ADMIN = "至少要保留一个在用的管理员账户，否则将无人能管理账户和设置"


def set_role(db: Database, actor: Actor, user_id: int, role: Role, version: int | None = None) -> None:
    with unit_of_work(db, actor, "user.role", "user_account") as change:
        user = _get(change.session, user_id)
        check_version(user.version, version)
        change.object_id = user.id
        change.summary = f"把“{user.name}”的角色由{user.role.label}改为{role.label}"
        if user.role == role:
            return
        if user.role == Role.ADMIN and not user.disabled and _active_admins(change.session) <= 1:
            raise ServiceError(LAST_ADMIN)
        change.before, change.after = {"role": user.role}, {"role": role}
        user.role = role


def set_disabled(db: Database, actor: Actor, user_id: int, disabled: bool,
                 version: int | None = None) -> None:
    """停用 or 启用 an account. A disabled account cannot sign in; its records stay."""
    action = "user.disable" if disabled else "user.enable"
    with unit_of_work(db, actor, action, "user_account") as change:
        user = _get(change.session, user_id)
        check_version(user.version, version)
        change.object_id = user.id
        change.summary = f"{'停用' if disabled else '启用'}账户“{user.name}”"
        if user.disabled == disabled:
            return
        if disabled and user.id == actor.user_id:
            raise ServiceError("不能停用自己正在使用的账户")
        if disabled and user.role == Role.ADMIN and _active_admins(change.session) <= 1:
            raise ServiceError(LAST_ADMIN)
        change.before, change.after = {"disabled": user.disabled}, {"disabled": disabled}
        user.disabled = disabled


def lift_lockout(db: Database, actor: Actor, user_id: int) -> None:
    """解除锁定: an administrator lets a locked-out account sign in again at once."""
    with unit_of_work(db, actor, "user.lift_lockout", "user_account") as change:
        user = _get(change.session, user_id)
        change.object_id, change.summary = user.id, f"解除账户“{user.name}”的锁定"
        change.before = {"locked_until": user.locked_until, "failed_logins": user.failed_logins}
        user.locked_until = None
        user.failed_logins = 0
