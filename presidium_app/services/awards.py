"""Honours (表彰奖励) a deputy received: part 8 of the performance archive. Each change is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from presidium_app.domain.awards import Award
from presidium_app.domain.deputies import Deputy
from presidium_app.domain.validators import normalize_text
from presidium_app.services.audit import Actor, unit_of_work
from presidium_app.services.errors import NotFound, ValidationFailed
from presidium_app.storage.database import Database


@dataclass(frozen=True)
class AwardRecord:
    id: int
    deputy_id: int
    deputy_name: str
    awarded_on: dt.date
    title: str
    issuer: str


def _validate(awarded_on: dt.date, title: str, issuer: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    title, issuer = normalize_text(title), normalize_text(issuer)
    if not title:
        errors["title"] = "请填写表彰奖励名称"
    elif len(title) > 200:
        errors["title"] = "名称过长（最多200字）"
    if len(issuer) > 120:
        errors["issuer"] = "授予单位过长（最多120字）"
    if not dt.date(1949, 10, 1) <= awarded_on <= dt.date.today():
        errors["awarded_on"] = "获奖日期不合理（不能晚于今天）"
    if errors:
        raise ValidationFailed(errors)
    return title, issuer


def add_award(db: Database, actor: Actor, deputy_id: int, awarded_on: dt.date, title: str,
              issuer: str = "") -> int:
    title, issuer = _validate(awarded_on, title, issuer)
    with unit_of_work(db, actor, "award.add", "award") as change:
        deputy = change.session.get(Deputy, deputy_id)
        if deputy is None:
            raise NotFound("该代表已不在名册中")
        award = Award(deputy_id=deputy_id, awarded_on=awarded_on, title=title, issuer=issuer)
        change.session.add(award)
        change.session.flush()
        change.object_id, change.summary = award.id, f"{deputy.name}：记录表彰“{title}”"
        change.after = {"deputy_id": deputy_id, "awarded_on": awarded_on, "title": title,
                        "issuer": issuer}
        return award.id


def list_awards(db: Database, deputy_id: int | None = None,
                start: dt.date | None = None, end: dt.date | None = None) -> list[AwardRecord]:
    """Awards, newest first; of one deputy and/or within [start, end] when given."""
    statement = (select(Award, Deputy.name).join(Deputy, Deputy.id == Award.deputy_id)
                 .order_by(Award.awarded_on.desc(), Award.id.desc()))
    if deputy_id is not None:
        statement = statement.where(Award.deputy_id == deputy_id)
    if start is not None:
        statement = statement.where(Award.awarded_on >= start)
    if end is not None:
        statement = statement.where(Award.awarded_on <= end)
    with db.session() as session:
        return [AwardRecord(a.id, a.deputy_id, name, a.awarded_on, a.title, a.issuer)
                for a, name in session.execute(statement)]


def remove_award(db: Database, actor: Actor, award_id: int) -> None:
    with unit_of_work(db, actor, "award.remove", "award") as change:
        award = change.session.get(Award, award_id)
        if award is None:
            raise NotFound("该表彰记录已不存在")
        change.before = {"deputy_id": award.deputy_id, "awarded_on": award.awarded_on,
                         "title": award.title, "issuer": award.issuer}
        change.object_id, change.summary = award_id, f"删除表彰记录“{award.title}”"
        change.session.delete(award)
