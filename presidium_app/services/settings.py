"""Settings a township may change, declared once with type, label and default (after Picard's
option registry and napari's settings model). DOMAIN.md's numbers are defaults here, never
constants buried in code."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from presidium_app.domain.settings import Setting
from presidium_app.services.audit import CONFLICT_MESSAGE, Actor, unit_of_work
from presidium_app.services.errors import Conflict, ValidationFailed
from presidium_app.services.locking import check_value
from presidium_app.storage.database import Database


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: float
    minimum: float = 0
    maximum: float = 1000
    unit: str = ""
    integer: bool = True
    group: str = ""


RULES = "履职要求"
POINTS = "履职积分"
GRADES = "积分等次"
DEADLINES = "办理期限"
SECURITY = "账户安全"
BACKUPS = "自动备份"

SPECS: tuple[SettingSpec, ...] = (
    # Yearly and term rules (DOMAIN.md §3, seed 000 §15 and published practice).
    SettingSpec("rules.suggestions_per_year", "每年至少提出代表建议", 1, unit="件", group=RULES),
    SettingSpec("rules.inspections_per_term", "每届至少参加视察、执法检查、调研", 5, unit="次", group=RULES),
    SettingSpec("rules.trainings_per_term", "每届至少参加学习培训", 1, unit="次", group=RULES),
    SettingSpec("rules.duty_reports_per_year", "每年至少向选民述职", 1, unit="次", group=RULES),
    SettingSpec("rules.voter_receptions_per_year", "每年至少进站接待选民", 2, unit="次", group=RULES),
    SettingSpec("rules.group_meetings_per_year", "代表小组每年至少活动", 6, unit="次", group=RULES),
    # Points per item (DOMAIN.md §3 scoring), by column of the score sheet.
    SettingSpec("points.base", "基础分", 60, maximum=100, unit="分", group=POINTS),
    SettingSpec("points.congress_session", "出席人代会（每次）", 5, unit="分", group=POINTS),
    SettingSpec("points.congress_absence", "无故缺席人代会（每半天扣）", 1, unit="分", group=POINTS),
    SettingSpec("points.speech", "审议发言（每次）", 2, unit="分", group=POINTS),
    SettingSpec("points.suggestion", "提出议案建议（每件）", 3, unit="分", group=POINTS),
    SettingSpec("points.attend_meeting", "列席会议及其他活动（每次）", 2, unit="分", group=POINTS),
    SettingSpec("points.inspection", "视察、调研、执法检查（每次）", 3, unit="分", group=POINTS),
    SettingSpec("points.group_meeting", "代表小组活动、学习培训（每次）", 2, unit="分", group=POINTS),
    SettingSpec("points.voter_contact", "接待选民、述职（每次）", 3, unit="分", group=POINTS),
    SettingSpec("grades.good", "“好”的最低分", 80, unit="分", group=GRADES),
    SettingSpec("grades.fair", "“一般”的最低分（以下为“差”）", 60, unit="分", group=GRADES),
    # Handling deadlines (DOMAIN.md §§4–5): opinions in days, suggestions in months, the return of a
    # misdirected item in working days (services.workdays and the office calendar).
    SettingSpec("deadlines.opinion_days", "社情民意办理期限", 30, minimum=1, maximum=365,
                unit="天", group=DEADLINES),
    SettingSpec("deadlines.redo_days", "不满意重新办理期限", 30, minimum=1, maximum=365,
                unit="天", group=DEADLINES),
    SettingSpec("deadlines.suggestion_months", "代表建议答复期限", 3, minimum=1, maximum=6,
                unit="个月", group=DEADLINES),
    SettingSpec("deadlines.suggestion_redo_months", "代表不满意重新办理期限", 1, minimum=1, maximum=6,
                unit="个月", group=DEADLINES),
    SettingSpec("deadlines.assisting_months", "协办单位提交意见期限", 1, minimum=1, maximum=6,
                unit="个月", group=DEADLINES),
    SettingSpec("deadlines.return_working_days", "交办有误退回期限", 7, minimum=1, maximum=60,
                unit="个工作日", group=DEADLINES),
    # Accounts (GB/T 22239-2019 level 2: lockout after failed sign-ins, lock of an idle session).
    SettingSpec("security.idle_lock_minutes", "无操作自动锁定", 10, minimum=1, maximum=240,
                unit="分钟", group=SECURITY),
    SettingSpec("security.max_failed_logins", "密码连续输错锁定", 5, minimum=3, maximum=10,
                unit="次", group=SECURITY),
    SettingSpec("security.lockout_minutes", "锁定时长", 15, minimum=1, maximum=1440,
                unit="分钟", group=SECURITY),
    SettingSpec("security.min_password_length", "密码最短长度", 8, minimum=8, maximum=32,
                unit="位", group=SECURITY),
    # Backups kept after rotation (Anki and calibre keep dailies, weeklies and monthlies alike).
    SettingSpec("backup.keep_daily", "保留每日备份", 7, minimum=1, maximum=60, unit="份", group=BACKUPS),
    SettingSpec("backup.keep_weekly", "保留每周备份", 4, minimum=0, maximum=52, unit="份", group=BACKUPS),
    SettingSpec("backup.keep_monthly", "保留每月备份", 12, minimum=0, maximum=120, unit="份", group=BACKUPS),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


def get_all(db: Database) -> dict[str, float]:
    """Every declared setting: the stored value, else its default."""
    values = {spec.key: spec.default for spec in SPECS}
    with db.session() as session:
        for row in session.scalars(select(Setting).where(Setting.key.in_(list(SPEC_BY_KEY)))):
            values[row.key] = json.loads(row.value)
    return values


def get(db: Database, key: str) -> float:
    return get_all(db)[key]


def update(db: Database, actor: Actor, changes: dict[str, float],
           opened_with: Mapping[str, float] | None = None) -> None:
    """Save edited settings, each checked against its declared range, in one transaction.
    `opened_with` holds the values the form showed for the keys it changes: when another user
    saved a different value for one of them meanwhile, nothing is saved (Conflict)."""
    errors: dict[str, str] = {}
    for key, value in changes.items():
        spec = SPEC_BY_KEY.get(key)
        if spec is None:
            errors[key] = f"未知的设置项：{key}"
        elif not spec.minimum <= value <= spec.maximum:
            errors[key] = f"{spec.label}应在{spec.minimum:g}到{spec.maximum:g}之间"
        elif spec.integer and value != int(value):
            errors[key] = f"{spec.label}应为整数"
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work(db, actor, "settings.update", "setting") as change:
        before = get_all(db)
        for key, value in changes.items():
            row = change.session.get(Setting, key, with_for_update=True)
            current = SPEC_BY_KEY[key].default if row is None else json.loads(row.value)
            if opened_with is not None and key in opened_with:
                check_value(current, opened_with[key])
            stored = json.dumps(int(value) if SPEC_BY_KEY[key].integer else value)
            if row is None:
                change.session.add(Setting(key=key, value=stored))
            else:
                row.value = stored
        try:
            change.session.flush()
        except IntegrityError:  # another user stored the first value of the same key just now
            raise Conflict(CONFLICT_MESSAGE) from None
        change.summary = "修改设置：" + "、".join(SPEC_BY_KEY[k].label for k in changes)
        change.before = {k: before[k] for k in changes}
        change.after = dict(changes)
