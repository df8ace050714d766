"""The permissions matrix: every role × a representative call of every write action in the code
base. A refused call raises PermissionDenied naming the permission, and nothing is written; an
allowed call gets past the check (and, where the world holds what it needs, succeeds).

One world per role (module-scoped): a township with deputies, an activity, an opinion, a
suggestion, a handling unit, a training plan, an award and an attachment, made by the built-in
administrator. Each case builds what it consumes, so cases do not depend on each other's order.
`test_every_action_in_the_code_is_in_the_matrix` keeps the table complete: a new
`unit_of_work(..., "x.y", ...)` without a case here fails it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from presidium_app.domain.accounts import Role
from presidium_app.domain.base import Base
from presidium_app.domain.enums import (
    ActivityType,
    Attendance,
    Channel,
    ContactKind,
    ContactStage,
    OpinionAction,
    SuggestionAction,
)
from presidium_app.services import (
    accounts,
    activities,
    attachments,
    awards,
    deputies,
    handling_units,
    mailbox,
    organisation,
    suggestions,
    township,
    training,
    wall_rules,
    workdays,
)
from presidium_app.services import settings as app_settings
from presidium_app.services.activities import ActivityInput, ParticipantInput, RaisedOpinion
from presidium_app.services.audit import Actor
from presidium_app.services.errors import PermissionDenied, ServiceError
from presidium_app.services.mailbox import OpinionInput
from presidium_app.services.permissions import ROLE_PERMISSIONS, permission_for
from presidium_app.services.suggestions import SuggestionInput
from presidium_app.services.training import SessionInput
from presidium_app.storage.database import Database
from presidium_app.storage.opening import open_database
from tests.conftest import TEST_DATABASE_URL_ENV, _reset_postgres
from tests.helpers import deputy_input, make_id

ROOT = Path(__file__).resolve().parents[1]
SETUP = Actor("管理员")
TODAY = dt.date.today()
COUNTER = itertools.count(1)


@dataclass
class World:
    db: Database
    folder: Path
    term_id: int
    deputy_id: int  # a Deputy (person)
    mandate_id: int
    unit_id: int
    plan_id: int
    activity_id: int
    user_id: int
    role: Role

    def n(self) -> int:
        return next(COUNTER)


@pytest.fixture(scope="module", params=list(Role), ids=[r.value for r in Role])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from argon2 import PasswordHasher

    accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    url = os.environ.get(TEST_DATABASE_URL_ENV)
    if url:
        _reset_postgres(url)
    folder = tmp_path_factory.mktemp(f"world-{request.param.value}")
    db = open_database(folder / "data", url)
    township.set_up_township(db, SETUP, "青山镇", "临川县", 19, 2021, 2026)
    term = township.current_term(db)
    assert term is not None
    mandate_id = deputies.add_deputy(db, SETUP, deputy_input(term.id))
    deputy_id = deputies.get_deputy(db, mandate_id).deputy_id
    unit_id = handling_units.add_unit(db, SETUP, "县水利局")
    plan_id = training.create_plan(db, SETUP, 2026, "年度学习培训计划")
    activity_id = activities.add_activity(db, SETUP, ActivityInput(
        ActivityType.INSPECTION, dt.date(2026, 3, 5), "视察水利设施",
        participants=[ParticipantInput(deputy_id, Attendance.PRESENT)]))
    mailbox.register_opinion(db, SETUP, OpinionInput(TODAY, Channel.VISIT, "修路"))
    training.add_session(db, SETUP, plan_id, SessionInput(4, "代表履职培训"))
    user_id = accounts.create_first_admin(db, "admin", "", "Qingshan2026").user_id or 0
    yield World(db, folder, term.id, deputy_id, mandate_id, unit_id, plan_id, activity_id, user_id,
                request.param)
    db.dispose()
    accounts.HASHER = PasswordHasher()


# -- what each action's representative call does ------------------------------------------------
def _activity(w: World, topic: str) -> ActivityInput:
    return ActivityInput(ActivityType.GROUP_MEETING, dt.date(2026, 1, 10), topic,
                         participants=[ParticipantInput(w.deputy_id, Attendance.PRESENT)])


def _new_activity(w: World) -> int:
    return activities.add_activity(w.db, SETUP, _activity(w, f"小组活动{w.n()}"))


def _opinion(w: World) -> int:
    return mailbox.register_opinion(w.db, SETUP, OpinionInput(TODAY, Channel.VISIT, f"修路{w.n()}"))


def _suggestion(w: World) -> int:
    return suggestions.create_suggestion(w.db, SETUP, SuggestionInput(
        TODAY, f"关于修路的建议{w.n()}", "建议修路", w.deputy_id))


def _session(w: World) -> int:
    return training.add_session(w.db, SETUP, w.plan_id, SessionInput(5, f"专题讲座{w.n()}"))


def _file(w: World, name: str = "photo.jpg") -> Path:
    path = w.folder / f"{w.n()}-{name}"
    path.write_bytes(b"\xff\xd8\xff" + os.urandom(64))
    return path


def _new_deputy(w: World) -> int:
    n = w.n()
    return deputies.add_deputy(w.db, SETUP, deputy_input(
        w.term_id, name=f"李{'一二三四五六七八九十'[n % 10]}", birth_date=dt.date(1975, 1, 1),
        id_number=make_id(dt.date(1975, 1, 1), 201 + 2 * n)))


def _ledger_file(w: World, kind: str) -> Path:
    """The world's own records as a ledger: importing it back goes through the unit of work."""
    from presidium_app.ledgers import registry

    path = w.folder / f"{kind}-{w.n()}.xlsx"
    assert registry.ledger(kind).export_file(w.db, SETUP, path) > 0
    return path


def _import(kind: str) -> Callable[[World, Actor], Any]:
    def run(w: World, a: Actor) -> Any:
        from presidium_app.ledgers import registry

        return registry.ledger(kind).import_file(w.db, a, _ledger_file(w, kind))
    return run


def _export(kind: str) -> Callable[[World, Actor], Any]:
    def run(w: World, a: Actor) -> Any:
        from presidium_app.ledgers import registry

        return registry.ledger(kind).export_file(w.db, a, w.folder / f"out-{kind}-{w.n()}.xlsx")
    return run


def _opinion_step(action: OpinionAction) -> Callable[[World, Actor], Any]:
    def run(w: World, a: Actor) -> Any:
        return mailbox.apply_action(w.db, a, _opinion(w), action, TODAY, lead_unit_id=w.unit_id,
                                    reason="不属于本办受理范围", note="已处理")
    return run


def _suggestion_step(action: SuggestionAction) -> Callable[[World, Actor], Any]:
    def run(w: World, a: Actor) -> Any:
        return suggestions.apply_action(w.db, a, _suggestion(w), action, TODAY, lead_unit_id=w.unit_id,
                                        reason="交办有误", note="已处理")
    return run


def _print(key: str, object_id: Callable[[World], int | None]) -> Callable[[World, Actor], Any]:
    def run(w: World, a: Actor) -> Any:
        from presidium_app.printing import registry

        return registry.render(w.db, key, registry.PrintRequest(2026, object_id(w)), a)
    return run


def _new_user(w: World) -> int:
    return accounts.add_user(w.db, Actor("admin", Role.ADMIN, w.user_id), f"user{w.n()}", "",
                             Role.STAFF, "Staffer2026x")


def _demo(part: str) -> Callable[[World, Actor], Any]:
    """The demo's steps: refused to all but the administrator before anything is read; for the
    administrator the fill itself is tested in test_demo.py, so here only the check is run."""
    def run(w: World, a: Actor) -> Any:
        from presidium_app.services.audit import unit_of_work

        with unit_of_work(w.db, a, part, "demo") as change:
            change.summary = "权限检查"
    return run


CASES: dict[str, Callable[[World, Actor], Any]] = {
    "deputy.add": lambda w, a: deputies.add_deputy(w.db, a, deputy_input(
        w.term_id, name="王五", birth_date=dt.date(1980, 2, 2),
        id_number=make_id(dt.date(1980, 2, 2), 301 + 2 * w.n()))),
    "deputy.update": lambda w, a: deputies.update_deputy(w.db, a, (m := _new_deputy(w)), deputy_input(
        w.term_id, name="王六", birth_date=dt.date(1975, 1, 1),
        id_number=deputies.get_deputy(w.db, m).data.id_number)),
    "deputy.status": lambda w, a: deputies.change_status(
        w.db, a, _new_deputy(w), deputies.DeputyStatus.TRANSFERRED, dt.date(2026, 1, 5), "调离"),
    "deputy.remove": lambda w, a: deputies.remove_deputy(w.db, a, _new_deputy(w)),
    "deputy.photo": lambda w, a: deputies.set_photo(w.db, a, w.deputy_id, _file(w)),
    "deputy_group.add": lambda w, a: organisation.add_group(w.db, a, f"第{w.n()}代表小组"),
    "liaison_station.add": lambda w, a: organisation.add_station(w.db, a, f"第{w.n()}联络站"),
    "activity.add": lambda w, a: activities.add_activity(w.db, a, _activity(w, f"活动{w.n()}")),
    "activity.update": lambda w, a: activities.update_activity(
        w.db, a, _new_activity(w), _activity(w, f"改过的活动{w.n()}")),
    "activity.remove": lambda w, a: activities.remove_activity(w.db, a, _new_activity(w)),
    "attachment.add": lambda w, a: attachments.add_attachment(w.db, a, w.activity_id, _file(w)),
    "attachment.caption": lambda w, a: attachments.set_caption(
        w.db, a, attachments.add_attachment(w.db, SETUP, w.activity_id, _file(w)), "现场照片"),
    "attachment.remove": lambda w, a: attachments.remove_attachment(
        w.db, a, attachments.add_attachment(w.db, SETUP, w.activity_id, _file(w))),
    "award.add": lambda w, a: awards.add_award(w.db, a, w.deputy_id, dt.date(2025, 5, 1), "优秀代表"),
    "award.remove": lambda w, a: awards.remove_award(
        w.db, a, awards.add_award(w.db, SETUP, w.deputy_id, dt.date(2025, 5, 1), f"表彰{w.n()}")),
    "opinion.register": lambda w, a: mailbox.register_opinion(
        w.db, a, OpinionInput(TODAY, Channel.PHONE, "路灯不亮")),
    "opinion.register_raised": lambda w, a: mailbox.register_raised(w.db, a, [RaisedOpinion(
        w.activity_id, TODAY, f"希望修桥{w.n()}", (w.deputy_id,), None)]),
    "mailbox_opening.add": lambda w, a: mailbox.record_opening(w.db, a, TODAY, "张三", "李四", 0),
    "mailbox_choice.village": lambda w, a: mailbox.set_choices(w.db, a, "village", ["青山村", f"村{w.n()}"]),
    "mailbox_choice.category": lambda w, a: mailbox.set_choices(w.db, a, "category", ["交通", f"类{w.n()}"]),
    "suggestion.register": lambda w, a: suggestions.create_suggestion(w.db, a, SuggestionInput(
        TODAY, f"建议{w.n()}", "内容", w.deputy_id)),
    "suggestion.update": lambda w, a: suggestions.update_suggestion(w.db, a, _suggestion(w), SuggestionInput(
        TODAY, f"改过的建议{w.n()}", "内容", w.deputy_id)),
    "suggestion.contact": lambda w, a: suggestions.add_contact(
        w.db, a, _suggestion(w), TODAY, ContactStage.BEFORE, ContactKind.VISIT, w.unit_id),
    "handling_unit.add": lambda w, a: handling_units.add_unit(w.db, a, f"县交通局{w.n()}"),
    "handling_unit.update": lambda w, a: handling_units.update_unit(
        w.db, a, handling_units.add_unit(w.db, SETUP, f"县林业局{w.n()}"), f"县林业局（改）{w.n()}"),
    "handling_unit.delete": lambda w, a: handling_units.delete_unit(
        w.db, a, handling_units.add_unit(w.db, SETUP, f"县农业局{w.n()}")),
    "training_plan.add": lambda w, a: training.create_plan(w.db, a, 2020 + w.n() % 5, "计划"),
    "training_plan.update": lambda w, a: training.update_plan(w.db, a, w.plan_id, f"计划{w.n()}", "目标"),
    "training_plan.remove": lambda w, a: training.remove_plan(
        w.db, a, training.create_plan(w.db, SETUP, 2050 + w.n() % 40, "将删除的计划")),
    "training_session.add": lambda w, a: training.add_session(
        w.db, a, w.plan_id, SessionInput(6, f"讲座{w.n()}")),
    "training_session.update": lambda w, a: training.update_session(
        w.db, a, _session(w), SessionInput(7, f"改过的讲座{w.n()}")),
    "training_session.remove": lambda w, a: training.remove_session(w.db, a, _session(w)),
    "training_session.hold": lambda w, a: training.hold_session(
        w.db, a, _session(w), dt.date(2026, 5, 20), [ParticipantInput(w.deputy_id, Attendance.PRESENT)]),
    "settings.update": lambda w, a: app_settings.update(w.db, a, {"rules.suggestions_per_year": 2}),
    "township.set_up": lambda w, a: township.set_up_township(w.db, a, "青山镇", "临川县", 19, 2021, 2026),
    "township.update": lambda w, a: township.update_township(
        w.db, a, "青山镇", "临川县", "镇政府", "", township.get_township(w.db).version),
    "term.save": lambda w, a: township.ensure_term(w.db, a, 20, 2026, 2031),
    "calendar.set": lambda w, a: workdays.set_calendar_day(w.db, a, dt.date(2026, 10, 1), False, "国庆节"),
    "calendar.remove": lambda w, a: (workdays.set_calendar_day(w.db, SETUP, dt.date(2026, 5, 1), False),
                                     workdays.remove_calendar_day(w.db, a, dt.date(2026, 5, 1))),
    "wall_rule.update": lambda w, a: wall_rules.update_rule(
        w.db, a, wall_rules.list_rules(w.db)[0].key, "制度", "第一条"),
    "wall_rule.reset": lambda w, a: wall_rules.reset_rule(w.db, a, wall_rules.list_rules(w.db)[0].key),
    "ledger.import.deputies": _import("deputies"),
    "ledger.import.activities": _import("activities"),
    "ledger.import.opinions": _import("opinions"),
    "ledger.import.training": _import("training"),
    "export.deputies": _export("deputies"),
    "export.activities": _export("activities"),
    "export.opinions": _export("opinions"),
    "export.training": _export("training"),
    "print.opinion-form": _print("opinion-form", _opinion),
    "print.deputy-archive": _print("deputy-archive", lambda w: w.deputy_id),
    "demo.fill": _demo("demo.fill"),
    "demo.activities": _demo("demo.activities"),
    "demo.mailbox": _demo("demo.mailbox"),
    "demo.suggestions": _demo("demo.suggestions"),
    "user.add": lambda w, a: accounts.add_user(w.db, a, f"clerk{w.n()}", "", Role.VIEWER, "Viewer2026x"),
    "user.reset": lambda w, a: accounts.reset_password(w.db, a, _new_user(w), "Reset2026abc"),
    "user.role": lambda w, a: accounts.set_role(w.db, a, _new_user(w), Role.VIEWER),
    "user.disable": lambda w, a: accounts.set_disabled(w.db, a, _new_user(w), True),
    "user.enable": lambda w, a: accounts.set_disabled(w.db, a, _new_user(w), False),
    "user.lift_lockout": lambda w, a: accounts.lift_lockout(w.db, a, _new_user(w)),
    "user.password": lambda w, a: accounts.change_password(w.db, a, "Wrong2026x", "Newpass2027"),
}
CASES.update({f"opinion.{step.value}": _opinion_step(step)
              for step in OpinionAction if step != OpinionAction.REGISTER})
CASES.update({f"suggestion.{step.value}": _suggestion_step(step)
              for step in SuggestionAction if step != SuggestionAction.REGISTER})
# Allowed, but the world's state decides the outcome (a step the item's status does not allow,
# a set-up already done, a wrong old password): any refusal but PermissionDenied shows the check passed.
STATE_DEPENDENT = {name for name in CASES if name.startswith(("opinion.", "suggestion."))
                   and name not in ("opinion.register", "opinion.register_raised", "suggestion.register",
                                    "suggestion.update", "suggestion.contact", "opinion.assign",
                                    "opinion.reject", "opinion.redirect", "suggestion.refer")}
STATE_DEPENDENT |= {"township.set_up", "user.password"}


def _counts(db: Database) -> dict[str, int]:
    """Rows of every table but the audit log's: what a refused call must leave as it was."""
    with db.session() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables
                if not table.name.startswith("audit")}


def _successes(db: Database, actor: Actor, action: str) -> int:
    from presidium_app.domain.audit import AuditEntry

    with db.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.user == actor.name, AuditEntry.action == action, AuditEntry.success.is_(True))) or 0


@pytest.mark.parametrize("action", sorted(CASES))
def test_matrix(world: World, action: str) -> None:
    role = world.role
    actor = Actor(f"{role.label}甲", role, world.user_id if role == Role.ADMIN else None)
    permission = permission_for(action)
    call = CASES[action]
    if permission in ROLE_PERMISSIONS[role]:
        try:
            call(world, actor)
        except PermissionDenied:
            pytest.fail(f"{role.label} should be allowed {action}")
        except ServiceError:
            if action not in STATE_DEPENDENT:
                raise
        return
    before = _counts(world.db)
    with pytest.raises(PermissionDenied) as caught:
        call(world, actor)
    assert permission.label in caught.value.message and role.label in caught.value.message
    assert _successes(world.db, actor, action) == 0  # the refused actor wrote nothing
    if action in NO_PREPARATION:  # cases that build nothing first: every table as it was
        assert _counts(world.db) == before


NO_PREPARATION = {name for name, call in CASES.items() if name in {
    "deputy.add", "deputy.photo", "deputy_group.add", "liaison_station.add", "activity.add",
    "attachment.add", "award.add", "opinion.register", "opinion.register_raised", "mailbox_opening.add",
    "mailbox_choice.village", "mailbox_choice.category", "suggestion.register", "handling_unit.add",
    "training_plan.add", "training_plan.update", "training_session.add", "settings.update",
    "township.update", "term.save", "calendar.set", "wall_rule.update", "wall_rule.reset",
    "demo.fill", "demo.activities", "demo.mailbox", "demo.suggestions", "user.add",
}}


def test_every_action_in_the_code_is_in_the_matrix() -> None:
    """Each action named in the code (literal, or an f-string's fixed prefix) has a case."""
    pattern = re.compile(r'unit_of_work\([^,]+,\s*[^,]+,\s*(f?)"([^"]+)"')
    found: set[str] = set()
    for path in (ROOT / "presidium_app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for is_f, action in pattern.findall(text):
            found.add(action.split("{", 1)[0] if is_f else action)
        found.update(re.findall(r'AUDIT_ACTION = "([^"]+)"', text))
    assert found, "no actions found"
    missing = sorted(a for a in found if not any(c == a or (a.endswith(".") and c.startswith(a))
                                                 for c in CASES))
    assert missing == []
