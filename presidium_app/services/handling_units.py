"""承办单位 (handling units): the directory of the offices, villages and departments that handle
opinions and suggestions. A unit that has handled anything is deactivated, never deleted, so the
history of every item keeps naming it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from presidium_app.domain.enums import OpinionAction, OpinionStatus, SuggestionStatus
from presidium_app.domain.mailbox import HandlingUnit, Opinion, OpinionAssistingUnit, OpinionEvent
from presidium_app.domain.suggestions import (
    Suggestion,
    SuggestionAssistingUnit,
    SuggestionContact,
    SuggestionEvent,
)
from presidium_app.services import suggestions
from presidium_app.services.audit import Actor, check_version, unit_of_work
from presidium_app.services.errors import NotFound, ServiceError, ValidationFailed
from presidium_app.services.mailbox import overdue_condition
from presidium_app.storage.database import Database


def _check_unit(session: Session, name: str, exclude_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": "请填写单位名称"})
    if len(name) > 80:
        raise ValidationFailed({"name": "单位名称过长（最多80字）"})
    statement = select(HandlingUnit.id).where(HandlingUnit.name == name)
    if exclude_id is not None:
        statement = statement.where(HandlingUnit.id != exclude_id)
    if session.scalar(statement) is not None:
        raise ValidationFailed({"name": f"已有名为“{name}”的承办单位"})
    return name


def add_unit(db: Database, actor: Actor, name: str, contact_person: str = "", phone: str = "") -> int:
    with unit_of_work(db, actor, "handling_unit.add", "handling_unit") as change:
        unit = HandlingUnit(
            name=_check_unit(change.session, name), contact_person=contact_person.strip(), phone=phone.strip()
        )
        change.session.add(unit)
        change.session.flush()
        change.object_id = unit.id
        change.summary = f"新增承办单位：{unit.name}"
        return unit.id


def update_unit(
    db: Database,
    actor: Actor,
    unit_id: int,
    name: str,
    contact_person: str = "",
    phone: str = "",
    active: bool = True,
    version: int | None = None,
) -> None:
    """Edit a unit; a unit that has handled items is deactivated, never deleted, so history stays."""
    with unit_of_work(db, actor, "handling_unit.update", "handling_unit") as change:
        unit = change.session.get(HandlingUnit, unit_id)
        if unit is None:
            raise NotFound(f"承办单位不存在（{unit_id}）")
        check_version(unit.version, version)
        change.object_id = unit_id
        change.before = {
            "name": unit.name,
            "contact_person": unit.contact_person,
            "phone": unit.phone,
            "active": unit.active,
        }
        unit.name = _check_unit(change.session, name, exclude_id=unit_id)
        unit.contact_person, unit.phone, unit.active = contact_person.strip(), phone.strip(), active
        change.after = {
            "name": unit.name,
            "contact_person": unit.contact_person,
            "phone": unit.phone,
            "active": unit.active,
        }
        change.summary = f"修改承办单位：{unit.name}"


def delete_unit(db: Database, actor: Actor, unit_id: int) -> None:
    """Delete a unit that never handled an item; otherwise refuse and suggest deactivating it."""
    with unit_of_work(db, actor, "handling_unit.delete", "handling_unit") as change:
        session = change.session
        unit = session.get(HandlingUnit, unit_id)
        if unit is None:
            raise NotFound(f"承办单位不存在（{unit_id}）")
        change.object_id = unit_id
        uses = (
            select(OpinionEvent.id).where(OpinionEvent.lead_unit_id == unit_id),
            select(OpinionAssistingUnit.id).where(OpinionAssistingUnit.unit_id == unit_id),
            select(SuggestionEvent.id).where(SuggestionEvent.lead_unit_id == unit_id),
            select(SuggestionAssistingUnit.id).where(SuggestionAssistingUnit.unit_id == unit_id),
            select(SuggestionContact.id).where(SuggestionContact.unit_id == unit_id),
        )
        if any(session.scalar(use.limit(1)) is not None for use in uses):
            raise ServiceError(f"“{unit.name}”已承办过社情民意或代表建议，不能删除，可改为停用。")
        change.summary = f"删除承办单位：{unit.name}"
        session.delete(unit)


def list_units(db: Database, include_inactive: bool = False) -> list[HandlingUnit]:
    with db.session() as session:
        statement = select(HandlingUnit).order_by(HandlingUnit.name)
        if not include_inactive:
            statement = statement.where(HandlingUnit.active.is_(True))
        return list(session.scalars(statement))


# --- workload -----------------------------------------------------------------------------------


@dataclass
class UnitWorkload:
    """What is on one unit's desk today. Every count starts at 0, so a new kind of item (deputy
    suggestions) adds its own fields and fills them in `unit_workload` without touching the rest."""

    unit_id: int
    opinions_open: int = 0  # lead unit of an opinion 已交办, not yet replied
    opinions_overdue: int = 0  # of those, past the deadline (the deadline day itself is in time)
    assisting_open: int = 0  # named assisting unit by the latest 交办 of an opinion still 已交办
    suggestions_open: int = 0  # lead unit of a suggestion 已交办, not yet replied
    suggestions_overdue: int = 0

    @property
    def open_total(self) -> int:
        """Every open item, led or assisted: opinions and suggestions."""
        return self.opinions_open + self.assisting_open + self.suggestions_open

    @property
    def overdue_total(self) -> int:
        return self.opinions_overdue + self.suggestions_overdue


def unit_workload(db: Database, today: dt.date) -> dict[int, UnitWorkload]:
    """Open and overdue items per unit (every unit, inactive ones and zeros included), counted in
    SQL with one GROUP BY per figure."""
    with db.session() as session:
        workload = {unit_id: UnitWorkload(unit_id) for unit_id in session.scalars(select(HandlingUnit.id))}
        assigned = Opinion.status == OpinionStatus.ASSIGNED
        for unit_id, count in session.execute(
            select(Opinion.lead_unit_id, func.count())
            .where(assigned, Opinion.lead_unit_id.is_not(None))
            .group_by(Opinion.lead_unit_id)
        ):
            workload[unit_id].opinions_open = count
        for unit_id, count in session.execute(
            select(Opinion.lead_unit_id, func.count())
            .where(overdue_condition(today), Opinion.lead_unit_id.is_not(None))
            .group_by(Opinion.lead_unit_id)
        ):
            workload[unit_id].opinions_overdue = count
        # The assisting units of an item are those its latest 交办 named (a reassignment names anew).
        latest = (
            select(OpinionEvent.opinion_id, func.max(OpinionEvent.id).label("event_id"))
            .where(OpinionEvent.action == OpinionAction.ASSIGN)
            .group_by(OpinionEvent.opinion_id)
            .subquery()
        )
        for unit_id, count in session.execute(
            select(OpinionAssistingUnit.unit_id, func.count(func.distinct(OpinionAssistingUnit.opinion_id)))
            .join(latest, latest.c.event_id == OpinionAssistingUnit.event_id)
            .join(Opinion, Opinion.id == OpinionAssistingUnit.opinion_id)
            .where(assigned)
            .group_by(OpinionAssistingUnit.unit_id)
        ):
            workload[unit_id].assisting_open = count
        for unit_id, count in session.execute(
            select(Suggestion.lead_unit_id, func.count())
            .where(Suggestion.status == SuggestionStatus.REFERRED, Suggestion.lead_unit_id.is_not(None))
            .group_by(Suggestion.lead_unit_id)
        ):
            workload[unit_id].suggestions_open = count
        for unit_id, count in session.execute(
            select(Suggestion.lead_unit_id, func.count())
            .where(suggestions.overdue_condition(today), Suggestion.lead_unit_id.is_not(None))
            .group_by(Suggestion.lead_unit_id)
        ):
            workload[unit_id].suggestions_overdue = count
    return workload
