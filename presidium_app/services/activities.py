"""Deputy activities (代表活动): record one with its invited deputies and their attendance.

`add_activity_in_session` is the one place an activity is built, used by the form, the ledger
import and "hold this training session", so every path checks the same things.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from presidium_app.domain.activities import Activity, Participation
from presidium_app.domain.deputies import Deputy, DeputyGroup, LiaisonStation
from presidium_app.domain.enums import ActivityType, Attendance, Satisfaction
from presidium_app.domain.validators import normalize_text
from presidium_app.services.audit import Actor, check_version, unit_of_work
from presidium_app.services.errors import NotFound, ValidationFailed
from presidium_app.storage.database import Database


@dataclass
class ParticipantInput:
    deputy_id: int
    attendance: Attendance = Attendance.PRESENT
    spoke: bool = False
    rating: Satisfaction | None = None
    note: str = ""


@dataclass
class ActivityInput:
    type: ActivityType
    activity_date: dt.date
    topic: str
    place: str = ""
    organiser: str = ""
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    other_participants: str = ""
    voters_count: int = 0
    summary: str = ""
    opinions_raised: str = ""
    follow_up: str = ""
    group_id: int | None = None
    station_id: int | None = None
    participants: list[ParticipantInput] = field(default_factory=list)


FIELD_LABELS = {
    "type": "活动类型", "activity_date": "活动日期", "topic": "主题", "place": "地点",
    "organiser": "组织单位", "start_time": "开始时间", "end_time": "结束时间",
    "other_participants": "其他参加人员", "voters_count": "选民人数", "summary": "内容摘要",
    "opinions_raised": "意见建议", "follow_up": "后续跟踪", "group_id": "代表小组",
    "station_id": "联络站", "participants": "参加代表",
}


def validate_input(data: ActivityInput) -> ActivityInput:
    """The input trimmed, or ValidationFailed naming each wrong field."""
    errors: dict[str, str] = {}
    topic = normalize_text(data.topic)
    if not topic:
        errors["topic"] = "请填写活动主题"
    elif len(topic) > 200:
        errors["topic"] = "主题过长（最多200字）"
    if not dt.date(2000, 1, 1) <= data.activity_date <= dt.date.today() + dt.timedelta(days=366):
        errors["activity_date"] = "活动日期不合理"
    if data.start_time and data.end_time and data.end_time <= data.start_time:
        errors["end_time"] = "结束时间应晚于开始时间"
    if data.voters_count < 0:
        errors["voters_count"] = "选民人数不能为负数"
    seen: set[int] = set()
    for participant in data.participants:
        if participant.deputy_id in seen:
            errors["participants"] = "同一代表在名单中出现了两次"
        seen.add(participant.deputy_id)
        if participant.rating is not None and data.type != ActivityType.DUTY_REPORT:
            errors["participants"] = "只有代表述职活动才有选民测评"
    if errors:
        raise ValidationFailed(errors)
    return replace(
        data,
        topic=topic,
        place=normalize_text(data.place),
        organiser=normalize_text(data.organiser),
        other_participants=str(data.other_participants or "").strip(),
        summary=str(data.summary or "").strip(),
        opinions_raised=str(data.opinions_raised or "").strip(),
        follow_up=str(data.follow_up or "").strip(),
    )


def snapshot(activity: Activity) -> dict[str, Any]:
    """The activity as the audit log keeps it (before/after)."""
    data = {c: getattr(activity, c) for c in (
        "type", "activity_date", "start_time", "end_time", "place", "topic", "organiser",
        "other_participants", "voters_count", "summary", "opinions_raised", "follow_up",
        "group_id", "station_id")}
    data["participants"] = sorted(
        (p.deputy_id, p.attendance.value, p.spoke, p.rating.value if p.rating else None)
        for p in activity.participations)
    return data


def _check_references(session: Session, data: ActivityInput) -> None:
    errors: dict[str, str] = {}
    if data.group_id is not None and session.get(DeputyGroup, data.group_id) is None:
        errors["group_id"] = "所选代表小组不存在"
    if data.station_id is not None and session.get(LiaisonStation, data.station_id) is None:
        errors["station_id"] = "所选联络站不存在"
    ids = [p.deputy_id for p in data.participants]
    if ids:
        found = set(session.scalars(select(Deputy.id).where(Deputy.id.in_(ids))))
        if len(found) != len(set(ids)):
            errors["participants"] = "名单中有代表已不在名册中，请刷新后重试"
    if errors:
        raise ValidationFailed(errors)


def _apply(activity: Activity, data: ActivityInput) -> None:
    for name in ("type", "activity_date", "start_time", "end_time", "place", "topic", "organiser",
                 "other_participants", "voters_count", "summary", "opinions_raised", "follow_up",
                 "group_id", "station_id"):
        setattr(activity, name, getattr(data, name))
    existing = {p.deputy_id: p for p in activity.participations}
    wanted = {p.deputy_id: p for p in data.participants}
    for deputy_id, row in existing.items():
        if deputy_id not in wanted:
            activity.participations.remove(row)
    for deputy_id, p in wanted.items():
        row = existing.get(deputy_id)
        if row is None:
            row = Participation(deputy_id=deputy_id)
            activity.participations.append(row)
        row.attendance, row.spoke, row.rating, row.note = p.attendance, p.spoke, p.rating, p.note


def add_activity_in_session(session: Session, data: ActivityInput) -> Activity:
    """Build an activity inside the caller's unit of work (data must be validated)."""
    _check_references(session, data)
    activity = Activity()
    _apply(activity, data)
    session.add(activity)
    session.flush()
    return activity


def add_activity(db: Database, actor: Actor, data: ActivityInput) -> int:
    data = validate_input(data)
    with unit_of_work(db, actor, "activity.add", "activity") as change:
        activity = add_activity_in_session(change.session, data)
        change.object_id = activity.id
        change.summary = f"新增{data.type.label}：{data.topic}"
        change.after = snapshot(activity)
        return activity.id


def update_activity(
    db: Database, actor: Actor, activity_id: int, data: ActivityInput, version: int | None = None
) -> None:
    """Save the form; `version` is the one it was opened with (a stale save is a Conflict)."""
    data = validate_input(data)
    with unit_of_work(db, actor, "activity.update", "activity") as change:
        activity = change.session.get(Activity, activity_id)
        if activity is None:
            raise NotFound("该活动已不存在（可能已被他人删除）")
        check_version(activity.version, version)
        _check_references(change.session, data)
        change.before = snapshot(activity)
        _apply(activity, data)
        if snapshot(activity) != change.before:
            # Attendance lives in child rows; mark the activity itself changed so its version
            # moves and a second editor's stale save is refused.
            flag_modified(activity, "topic")
        change.session.flush()
        change.object_id = activity_id
        change.summary = f"修改{data.type.label}：{data.topic}"
        change.after = snapshot(activity)


def remove_activity(db: Database, actor: Actor, activity_id: int) -> None:
    with unit_of_work(db, actor, "activity.remove", "activity") as change:
        activity = change.session.get(Activity, activity_id)
        if activity is None:
            raise NotFound("该活动已不存在")
        change.before = snapshot(activity)
        change.object_id = activity_id
        change.summary = f"删除{activity.type.label}：{activity.topic}"
        change.session.delete(activity)


@dataclass(frozen=True)
class ActivityRecord:
    id: int
    data: ActivityInput
    version: int
    attachment_ids: list[int]


def get_activity(db: Database, activity_id: int) -> ActivityRecord:
    with db.session() as session:
        a = session.get(Activity, activity_id)
        if a is None:
            raise NotFound("该活动已不存在")
        participants = [
            ParticipantInput(p.deputy_id, p.attendance, p.spoke, p.rating, p.note)
            for p in sorted(a.participations, key=lambda p: p.deputy_id)
        ]
        data = ActivityInput(
            type=a.type, activity_date=a.activity_date, topic=a.topic, place=a.place,
            organiser=a.organiser, start_time=a.start_time, end_time=a.end_time,
            other_participants=a.other_participants, voters_count=a.voters_count,
            summary=a.summary, opinions_raised=a.opinions_raised, follow_up=a.follow_up,
            group_id=a.group_id, station_id=a.station_id, participants=participants,
        )
        return ActivityRecord(a.id, data, a.version, [x.id for x in a.attachments])
