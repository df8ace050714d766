"""Optimistic locking on every editable record: two users on two PCs (two engines on the same
database) open the same record, the first saves, the second's save is refused with the Chinese
conflict message and the stored data stay the first user's; after reopening, the second saves.

Table-driven: one `Case` per kind of edit. The cases run on SQLite and, in CI, on PostgreSQL
(PRESIDIUM_TEST_DATABASE_URL).

Records a user cannot edit after creating them (awards, deputy groups, liaison stations, mailbox
openings, suggestion contacts) are added or removed only, so they have nothing to lock. Two edits
are deliberately "last write wins": the deputy photo (set from the roster right after choosing
the file, so the version read would be seconds old; the earlier photo file stays on disk and its
name in the audit log) and the current term (设为当前届次, a confirmed choice of one of the listed
terms). Both are in docs/architecture.md. Values without a version column (settings, lists,
calendar days, a term's years) are compared with what the form showed (`services.locking`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from presidium_app.domain.accounts import Role
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.enums import (
    ActivityType,
    Attendance,
    DeputyStatus,
    OpinionAction,
    OpinionStatus,
    ResultClass,
    SuggestionAction,
    SuggestionStatus,
)
from presidium_app.domain.township import Township
from presidium_app.services import (
    accounts,
    activities,
    attachments,
    deputies,
    handling_units,
    mailbox,
    suggestions,
    township,
    training,
    wall_rules,
    workdays,
)
from presidium_app.services import settings as app_settings
from presidium_app.services.activities import ParticipantInput
from presidium_app.services.audit import CONFLICT_MESSAGE, Actor, unit_of_work
from presidium_app.services.errors import Conflict
from presidium_app.services.suggestions import SuggestionInput
from presidium_app.storage.database import Database
from tests.test_attachments import picture
from tests.test_training import add_deputy, record, session_input

ALICE = Actor("甲")
BOB = Actor("乙")
DAY = dt.date(2026, 3, 2)
SETTING = "rules.voter_receptions_per_year"
RULE = wall_rules.default_rules()[0]
HOLIDAY = dt.date(2026, 10, 8)


@dataclasses.dataclass(frozen=True)
class Case:
    """One kind of edit. `setup` makes the record and returns what the other steps need; `load` is
    what a form reads when it opens; `save(db, actor, ctx, opened, n)` is user n's save (1 first,
    2 second) from a form opened with `opened`; `stored` reads the result, which after user n's
    save is `expect[n - 1]`."""

    name: str
    setup: Callable[[Database, Actor, Path], Any]
    load: Callable[[Database, Any], Any]
    save: Callable[[Database, Actor, Any, Any, int], object]
    stored: Callable[[Database, Any], Any]
    expect: tuple[Any, Any]


def _deputy(db: Database, actor: Actor, _tmp: Path) -> int:
    return add_deputy(db, actor, "张三", 1)[0]


def _save_deputy(db: Database, actor: Actor, mandate_id: int, opened: deputies.DeputyRecord, n: int) -> None:
    data = dataclasses.replace(opened.data, mobile=f"1390000000{n}")
    deputies.update_deputy(db, actor, mandate_id, data, deputy_version=opened.deputy_version,
                           mandate_version=opened.mandate_version)


def _save_status(db: Database, actor: Actor, mandate_id: int, opened: deputies.DeputyRecord, n: int) -> None:
    status = DeputyStatus.TRANSFERRED if n == 1 else DeputyStatus.RESIGNED
    deputies.change_status(db, actor, mandate_id, status, DAY, reason=f"用户{n}",
                           mandate_version=opened.mandate_version)


def _status(db: Database, mandate_id: int) -> DeputyStatus:
    return deputies.get_deputy(db, mandate_id).data.status


def _activity(db: Database, actor: Actor, _tmp: Path) -> tuple[int, int]:
    _mandate, deputy_id = add_deputy(db, actor, "张三", 1)
    return record(db, actor, ActivityType.INSPECTION, DAY, [deputy_id], topic="视察村道"), deputy_id


def _save_summary(db: Database, actor: Actor, ids: tuple[int, int], opened: Any, n: int) -> None:
    data = dataclasses.replace(opened.data, summary=f"用户{n}写的摘要")
    activities.update_activity(db, actor, ids[0], data, version=opened.version)


def _save_attendance(db: Database, actor: Actor, ids: tuple[int, int], opened: Any, n: int) -> None:
    mark = Attendance.EXCUSED if n == 1 else Attendance.ABSENT
    data = dataclasses.replace(opened.data, participants=[ParticipantInput(ids[1], mark)])
    activities.update_activity(db, actor, ids[0], data, version=opened.version)


def _attendance(db: Database, ids: tuple[int, int]) -> Attendance:
    return activities.get_activity(db, ids[0]).data.participants[0].attendance


def _attachment(db: Database, actor: Actor, tmp: Path) -> int:
    activity_id, _deputy_id = _activity(db, actor, tmp)
    return attachments.add_attachment(db, actor, activity_id, picture(tmp / "现场.jpg"), caption="现场")


def _opinion(db: Database, actor: Actor, _tmp: Path) -> tuple[int, int]:
    unit = handling_units.add_unit(db, actor, "镇交通办")
    opinion = mailbox.register_opinion(db, actor, mailbox.OpinionInput(
        received_on=DAY, channel=mailbox.Channel.VISIT, content="村口道路破损，雨天积水"))
    return opinion, unit


def _opinion_step(db: Database, actor: Actor, ids: tuple[int, int], opened: Any, n: int) -> None:
    """User 1 assigns the item; user 2, from a form opened before that, rejects it (refused), and
    after reopening records the unit's reply."""
    on = DAY + dt.timedelta(days=n)
    if opened.status == OpinionStatus.REGISTERED and n == 1:
        mailbox.apply_action(db, actor, ids[0], OpinionAction.ASSIGN, on, lead_unit_id=ids[1],
                             version=opened.version)
    elif opened.status == OpinionStatus.REGISTERED:
        mailbox.apply_action(db, actor, ids[0], OpinionAction.REJECT, on, reason="属于诉讼程序",
                             version=opened.version)
    else:
        mailbox.apply_action(db, actor, ids[0], OpinionAction.REPLY, on, note="已修复",
                             version=opened.version)


def _suggestion(db: Database, actor: Actor, _tmp: Path) -> tuple[int, int, int]:
    _mandate, deputy_id = add_deputy(db, actor, "张三", 1)
    unit = handling_units.add_unit(db, actor, "镇交通办")
    suggestion = suggestions.create_suggestion(db, actor, SuggestionInput(
        submitted_on=DAY, title="关于修缮村道的建议", content="村道多处破损。", lead_deputy_id=deputy_id))
    return suggestion, deputy_id, unit


def _save_suggestion(db: Database, actor: Actor, ids: tuple[int, int, int], opened: Any, n: int) -> None:
    data = SuggestionInput(submitted_on=DAY, title=f"关于修缮村道的建议（用户{n}改）",
                           content="村道多处破损。", lead_deputy_id=ids[1])
    suggestions.update_suggestion(db, actor, ids[0], data, version=opened.version)


def _suggestion_step(db: Database, actor: Actor, ids: tuple[int, int, int], opened: Any, n: int) -> None:
    on = DAY + dt.timedelta(days=n)
    if opened.status == SuggestionStatus.REGISTERED:
        suggestions.apply_action(db, actor, ids[0], SuggestionAction.REFER, on, lead_unit_id=ids[2],
                                 version=opened.version)
    else:
        suggestions.apply_action(db, actor, ids[0], SuggestionAction.REPLY, on,
                                 result_class=ResultClass.SOLVED, note="已修好", version=opened.version)


def _unit(db: Database, actor: Actor, _tmp: Path) -> int:
    return handling_units.add_unit(db, actor, "镇交通办", "李主任", "0791-1234567")


def _load_unit(db: Database, unit_id: int) -> Any:
    return next(u for u in handling_units.list_units(db, include_inactive=True) if u.id == unit_id)


def _plan(db: Database, actor: Actor, _tmp: Path) -> int:
    return training.create_plan(db, actor, 2026, "", "提高代表履职能力")


def _session(db: Database, actor: Actor, _tmp: Path) -> tuple[int, int, int]:
    plan_id = training.create_plan(db, actor, 2026)
    session_id = training.add_session(db, actor, plan_id, session_input(month=3))
    _mandate, deputy_id = add_deputy(db, actor, "张三", 1)
    return plan_id, session_id, deputy_id


def _load_session(db: Database, ids: tuple[int, int, int]) -> training.SessionRecord:
    return next(s for s in training.get_plan(db, plan_id=ids[0]).sessions if s.id == ids[1])


def _save_session(db: Database, actor: Actor, ids: tuple[int, int, int], opened: Any, n: int) -> None:
    data = dataclasses.replace(opened.data, place=f"用户{n}定的会议室")
    training.update_session(db, actor, ids[1], data, version=opened.version)


def _hold_session(db: Database, actor: Actor, ids: tuple[int, int, int], opened: Any, n: int) -> None:
    """User 1 moves the planned session; user 2, from a form opened before, records it held."""
    if n == 1:
        _save_session(db, actor, ids, opened, n)
    else:
        training.hold_session(db, actor, ids[1], dt.date(2026, 3, 20), [ParticipantInput(ids[2])],
                              place="用户2记的地点", version=opened.version)


def _held(db: Database, ids: tuple[int, int, int]) -> tuple[str, str]:
    row = _load_session(db, ids)
    return row.data.place, row.held_place


def _save_township(db: Database, actor: Actor, _ctx: None, opened: Any, n: int) -> None:
    township.update_township(db, actor, opened.name, opened.county, opened.address, f"0791-000000{n}",
                             opened.version)


def _load_rule(db: Database, _ctx: None) -> wall_rules.RuleText:
    return next(r for r in wall_rules.list_rules(db) if r.key == RULE.key)


def _save_rule(db: Database, actor: Actor, _ctx: None, opened: Any, n: int) -> None:
    wall_rules.update_rule(db, actor, RULE.key, opened.title, f"第一条 用户{n}的文本。",
                           version=opened.version)


def _reset_rule(db: Database, actor: Actor, ctx: None, opened: Any, n: int) -> None:
    """User 1 edits the text; user 2, who saw an older text, restores the default."""
    if n == 1:
        _save_rule(db, actor, ctx, opened, n)
    else:
        wall_rules.reset_rule(db, actor, RULE.key, version=opened.version)


def _edited_rule(db: Database, actor: Actor, _tmp: Path) -> None:
    wall_rules.update_rule(db, actor, RULE.key, RULE.title, "第一条 本乡镇的文本。")


def _save_setting(db: Database, actor: Actor, _ctx: None, opened: dict[str, float], n: int) -> None:
    app_settings.update(db, actor, {SETTING: 2 + n}, opened_with={SETTING: opened[SETTING]})


def _save_villages(db: Database, actor: Actor, _ctx: None, opened: list[str], n: int) -> None:
    mailbox.set_choices(db, actor, "village", [*opened, f"用户{n}加的村"], opened_with=opened)


def _save_categories(db: Database, actor: Actor, _ctx: None, opened: list[str], n: int) -> None:
    mailbox.set_choices(db, actor, "category", [f"用户{n}的类别", *opened], opened_with=opened)


def _villages(db: Database, actor: Actor, _tmp: Path) -> None:
    mailbox.set_choices(db, actor, "village", ["东坑村"])


def _mark(db: Database, _ctx: None) -> tuple[bool, str] | None:
    days = workdays.list_calendar_days(db, HOLIDAY.year)
    return next(((d.is_workday, d.note) for d in days if d.day == HOLIDAY), None)


def _set_day(db: Database, actor: Actor, _ctx: None, opened: Any, n: int) -> None:
    workdays.set_calendar_day(db, actor, HOLIDAY, n == 2, f"用户{n}", opened_with=opened)


def _remove_day(db: Database, actor: Actor, ctx: None, opened: Any, n: int) -> None:
    """User 1 changes the day's note; user 2, who saw the old note, removes the mark."""
    if n == 1:
        _set_day(db, actor, ctx, opened, n)
    else:
        workdays.remove_calendar_day(db, actor, HOLIDAY, opened_with=opened)


def _marked_day(db: Database, actor: Actor, _tmp: Path) -> None:
    workdays.set_calendar_day(db, actor, HOLIDAY, False, "国庆节")


def _account(db: Database, _actor: Actor, _tmp: Path) -> int:
    admin = accounts.create_first_admin(db, "admin", "管理员", "Qingshan#2026zz")
    return accounts.add_user(db, admin, "xiaowang", "小王", Role.STAFF, "Qingshan#2026yy")


def _save_role(db: Database, actor: Actor, user_id: int, opened: Any, n: int) -> None:
    accounts.set_role(db, actor, user_id, Role.VIEWER if n == 1 else Role.ADMIN, version=opened.version)


def _save_disabled(db: Database, actor: Actor, user_id: int, opened: Any, n: int) -> None:
    """User 1 makes the account read-only; user 2, who saw it as staff, disables it."""
    if n == 1:
        _save_role(db, actor, user_id, opened, n)
    else:
        accounts.set_disabled(db, actor, user_id, True, version=opened.version)


def _term_years(db: Database, _ctx: None) -> tuple[int | None, int | None] | None:
    """What the terms list shows for 第二十届 (None: not listed)."""
    return next(((t.start_year, t.end_year) for t in township.list_terms(db) if t.ordinal == 20), None)


def _save_term(db: Database, actor: Actor, _ctx: None, opened: Any, n: int) -> None:
    township.ensure_term(db, actor, 20, 2025 + n, 2030 + n, opened_with=opened)


def _nothing(_db: Database, _actor: Actor, _tmp: Path) -> None:
    return None


CASES = [
    Case("代表信息", _deputy, lambda db, m: deputies.get_deputy(db, m), _save_deputy,
         lambda db, m: deputies.get_deputy(db, m).data.mobile, ("13900000001", "13900000002")),
    Case("代表状态变动", _deputy, lambda db, m: deputies.get_deputy(db, m), _save_status, _status,
         (DeputyStatus.TRANSFERRED, DeputyStatus.RESIGNED)),
    Case("代表活动", _activity, lambda db, ids: activities.get_activity(db, ids[0]), _save_summary,
         lambda db, ids: activities.get_activity(db, ids[0]).data.summary,
         ("用户1写的摘要", "用户2写的摘要")),
    Case("活动出勤", _activity, lambda db, ids: activities.get_activity(db, ids[0]), _save_attendance,
         _attendance, (Attendance.EXCUSED, Attendance.ABSENT)),
    Case("附件说明", _attachment, lambda db, a: attachments.get_attachment(db, a),
         lambda db, actor, a, opened, n: attachments.set_caption(db, actor, a, f"用户{n}的说明",
                                                                 version=opened.version),
         lambda db, a: attachments.get_attachment(db, a).caption, ("用户1的说明", "用户2的说明")),
    Case("社情民意办理步骤", _opinion, lambda db, ids: mailbox.get_opinion(db, ids[0]), _opinion_step,
         lambda db, ids: mailbox.get_opinion(db, ids[0]).status,
         (OpinionStatus.ASSIGNED, OpinionStatus.REPLIED)),
    Case("代表建议内容", _suggestion, lambda db, ids: suggestions.get_suggestion(db, ids[0]),
         _save_suggestion,
         lambda db, ids: suggestions.get_suggestion(db, ids[0]).title,
         ("关于修缮村道的建议（用户1改）", "关于修缮村道的建议（用户2改）")),
    Case("代表建议办理步骤", _suggestion, lambda db, ids: suggestions.get_suggestion(db, ids[0]),
         _suggestion_step, lambda db, ids: suggestions.get_suggestion(db, ids[0]).status,
         (SuggestionStatus.REFERRED, SuggestionStatus.REPLIED)),
    Case("承办单位", _unit, _load_unit,
         lambda db, actor, u, opened, n: handling_units.update_unit(
             db, actor, u, opened.name, opened.contact_person, f"0791-765432{n}", version=opened.version),
         lambda db, u: _load_unit(db, u).phone, ("0791-7654321", "0791-7654322")),
    Case("学习培训计划", _plan, lambda db, p: training.get_plan(db, plan_id=p),
         lambda db, actor, p, opened, n: training.update_plan(db, actor, p, opened.title, f"用户{n}的目标",
                                                              opened.version),
         lambda db, p: training.get_plan(db, plan_id=p).goals, ("用户1的目标", "用户2的目标")),
    Case("培训场次", _session, _load_session, _save_session,
         lambda db, ids: _load_session(db, ids).data.place,
         ("用户1定的会议室", "用户2定的会议室")),
    Case("登记举办培训", _session, _load_session, _hold_session, _held,
         (("用户1定的会议室", ""), ("用户1定的会议室", "用户2记的地点"))),
    Case("乡镇信息", _nothing, lambda db, _c: township.get_township(db), _save_township,
         lambda db, _c: township.get_township(db).phone, ("0791-0000001", "0791-0000002")),
    Case("上墙制度", _nothing, _load_rule, _save_rule, lambda db, _c: _load_rule(db, None).text,
         ("第一条 用户1的文本。", "第一条 用户2的文本。")),
    Case("上墙制度恢复默认", _edited_rule, _load_rule, _reset_rule, lambda db, _c: _load_rule(db, None).text,
         ("第一条 用户1的文本。", RULE.text)),
    Case("设置数值", _nothing, lambda db, _c: app_settings.get_all(db), _save_setting,
         lambda db, _c: app_settings.get(db, SETTING), (3, 4)),
    Case("村（社区）列表", _villages, lambda db, _c: mailbox.list_choices(db, "village"), _save_villages,
         lambda db, _c: mailbox.list_choices(db, "village"),
         (["东坑村", "用户1加的村"], ["东坑村", "用户1加的村", "用户2加的村"])),
    Case("类别列表（默认）", _nothing, lambda db, _c: mailbox.list_choices(db, "category"), _save_categories,
         lambda db, _c: mailbox.list_choices(db, "category")[:2], (["用户1的类别", "交通道路"],
                                                                   ["用户2的类别", "用户1的类别"])),
    Case("节假日设置", _nothing, _mark, _set_day, _mark, ((False, "用户1"), (True, "用户2"))),
    Case("删除节假日", _marked_day, _mark, _remove_day, _mark, ((False, "用户1"), None)),
    Case("届次及起止年份", _nothing, _term_years, _save_term, _term_years, ((2026, 2031), (2027, 2032))),
    Case("账户角色", _account, accounts.get_user, _save_role, lambda db, u: accounts.get_user(db, u).role,
         (Role.VIEWER, Role.ADMIN)),
    Case("停用账户", _account, accounts.get_user, _save_disabled,
         lambda db, u: (accounts.get_user(db, u).role, accounts.get_user(db, u).disabled),
         ((Role.VIEWER, False), (Role.VIEWER, True))),
]


@pytest.fixture
def other_pc(db: Database) -> Iterator[Database]:
    """The same database reached through a second engine, as from a second PC."""
    second = Database(db.url, db.paths)
    yield second
    second.dispose()


def _last_entry(db: Database) -> AuditEntry:
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        return entry


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_save_over_a_newer_save_is_refused_and_loses_nothing(
        db: Database, other_pc: Database, actor: Actor, tmp_path: Path, case: Case) -> None:
    ctx = case.setup(db, actor, tmp_path)
    opened_by_alice = case.load(db, ctx)
    opened_by_bob = case.load(other_pc, ctx)

    case.save(db, ALICE, ctx, opened_by_alice, 1)
    assert case.stored(other_pc, ctx) == case.expect[0]

    with pytest.raises(Conflict) as refused:
        case.save(other_pc, BOB, ctx, opened_by_bob, 2)
    assert refused.value.message == CONFLICT_MESSAGE
    assert case.stored(db, ctx) == case.expect[0]  # the first user's save stands
    entry = _last_entry(db)
    assert (entry.user, entry.success, entry.summary) == ("乙", False, CONFLICT_MESSAGE)

    reopened = case.load(other_pc, ctx)
    case.save(other_pc, BOB, ctx, reopened, 2)
    assert case.stored(db, ctx) == case.expect[1]


def test_a_save_racing_inside_the_transaction_is_a_conflict(db: Database, other_pc: Database) -> None:
    """Both users pass the version check; the first commits while the second's transaction is
    open. The second's UPDATE ... WHERE version = n matches no row: a Conflict, not a lost update."""
    opened = township.get_township(db)
    with pytest.raises(Conflict), unit_of_work(other_pc, BOB, "township.update", "township") as change:
        row = change.session.get(Township, 1)
        assert row is not None and row.version == opened.version
        township.update_township(db, ALICE, opened.name, opened.county, "", "0791-0000001", opened.version)
        row.phone = "0791-0000002"
    assert township.get_township(other_pc).phone == "0791-0000001"

