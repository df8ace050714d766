"""Deputy groups (代表小组) and liaison stations (联络站): short editable lists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from presidium_app.domain.deputies import DeputyGroup, LiaisonStation
from presidium_app.services.audit import Actor, unit_of_work
from presidium_app.services.errors import ValidationFailed
from presidium_app.storage.database import Database


@dataclass(frozen=True)
class NamedItem:
    id: int
    name: str


def list_groups(db: Database) -> list[NamedItem]:
    with db.session() as session:
        rows = session.scalars(select(DeputyGroup).order_by(DeputyGroup.id))
        return [NamedItem(g.id, g.name) for g in rows]


def list_stations(db: Database) -> list[NamedItem]:
    with db.session() as session:
        rows = session.scalars(select(LiaisonStation).order_by(LiaisonStation.id))
        return [NamedItem(s.id, s.name) for s in rows]


def add_group(db: Database, actor: Actor, name: str) -> NamedItem:
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": "请填写代表小组名称"})
    with unit_of_work(db, actor, "deputy_group.add", "deputy_group") as change:
        if change.session.scalar(select(DeputyGroup).where(DeputyGroup.name == name)):
            raise ValidationFailed({"name": f"代表小组“{name}”已存在"})
        group = DeputyGroup(name=name, notes="")
        change.session.add(group)
        change.session.flush()
        change.object_id, change.summary, change.after = group.id, f"新增代表小组：{name}", {"name": name}
        return NamedItem(group.id, name)


def add_station(db: Database, actor: Actor, name: str, address: str = "") -> NamedItem:
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": "请填写联络站名称"})
    with unit_of_work(db, actor, "liaison_station.add", "liaison_station") as change:
        if change.session.scalar(select(LiaisonStation).where(LiaisonStation.name == name)):
            raise ValidationFailed({"name": f"联络站“{name}”已存在"})
        station = LiaisonStation(name=name, address=address.strip())
        change.session.add(station)
        change.session.flush()
        change.object_id, change.summary, change.after = (
            station.id,
            f"新增联络站：{name}",
            {"name": name, "address": address},
        )
        return NamedItem(station.id, name)
