"""The public opinion mailbox (社情民意信箱, DOMAIN.md §4): opinions, their submitters, the openings
of the box, the handling units, every step of the flow, and the calendar of holidays and 调休.

The submitter's personal data sits in its own table so that public prints and exports can leave
it out by not joining it. Events are append-only: a mapper hook refuses to update or delete one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from presidium_app.domain.base import Base, EnumText
from presidium_app.domain.enums import Channel, OpinionAction, OpinionStatus, Satisfaction


class Submitter(Base):
    """反映人: personal data, kept apart from the opinion and masked in public prints."""

    __tablename__ = "submitter"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    id_number: Mapped[str | None] = mapped_column(String(18))
    address: Mapped[str] = mapped_column(String(200), default="")


class HandlingUnit(Base):
    """承办单位: a township office, village or department that handles opinions."""

    __tablename__ = "handling_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    contact_person: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class MailboxOpening(Base):
    """开箱记录: one opening of the physical box, with its two witnesses."""

    __tablename__ = "mailbox_opening"

    id: Mapped[int] = mapped_column(primary_key=True)
    opened_on: Mapped[dt.date] = mapped_column(Date, index=True)
    opened_by_1: Mapped[str] = mapped_column(String(40))
    opened_by_2: Mapped[str] = mapped_column(String(40))
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class MailboxChoice(Base):
    """An entry of an editable list the opinion form offers: kind 'village' or 'category'.

    Opinions store the text itself, so renaming or removing an entry never rewrites history."""

    __tablename__ = "mailbox_choice"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Opinion(Base):
    """社情民意: one collected item, numbered per year (2026-0042)."""

    __tablename__ = "opinion"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_opinion_status_deadline", "status", "deadline"),
        # The search box's item number alone ("42") and the village and category filters' lists.
        Index("ix_opinion_seq", "seq"),
        Index("ix_opinion_village", "village"),
        Index("ix_opinion_category", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    channel: Mapped[Channel] = mapped_column(EnumText(Channel))
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("submitter.id"))  # None: anonymous
    village: Mapped[str] = mapped_column(String(60), default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    content: Mapped[str] = mapped_column(Text)
    receiving_deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputy.id"), index=True)
    mailbox_opening_id: Mapped[int | None] = mapped_column(ForeignKey("mailbox_opening.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"), index=True)
    status: Mapped[OpinionStatus] = mapped_column(EnumText(OpinionStatus))
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("handling_unit.id"), index=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    submitter: Mapped[Submitter | None] = relationship()
    lead_unit: Mapped[HandlingUnit | None] = relationship()
    events: Mapped[list[OpinionEvent]] = relationship(back_populates="opinion", order_by="OpinionEvent.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def number(self) -> str:
        """The number as printed: year and sequence, e.g. 2026-0042."""
        return f"{self.year}-{self.seq:04d}"


class OpinionEvent(Base):
    """One step of the flow (登记, 交办, 答复, …): kept forever, never changed."""

    __tablename__ = "opinion_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinion.id"), index=True)
    action: Mapped[OpinionAction] = mapped_column(EnumText(OpinionAction))
    at: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    user: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[OpinionStatus | None] = mapped_column(EnumText(OpinionStatus))
    to_status: Mapped[OpinionStatus] = mapped_column(EnumText(OpinionStatus))
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("handling_unit.id"))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    satisfaction: Mapped[Satisfaction | None] = mapped_column(EnumText(Satisfaction))

    opinion: Mapped[Opinion] = relationship(back_populates="events")
    assisting_units: Mapped[list[OpinionAssistingUnit]] = relationship(
        back_populates="event", order_by="OpinionAssistingUnit.id"
    )


class OpinionAssistingUnit(Base):
    """协办单位 named by one 交办 event, with the date its view is due to the lead unit."""

    __tablename__ = "opinion_assisting_unit"
    __table_args__ = (UniqueConstraint("event_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("opinion_event.id"), index=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinion.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("handling_unit.id"), index=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date)

    event: Mapped[OpinionEvent] = relationship(back_populates="assisting_units")
    unit: Mapped[HandlingUnit] = relationship()


class CalendarDay(Base):
    """A day the plain Monday–Friday rule gets wrong: a public holiday or a 调休 working day."""

    __tablename__ = "calendar_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(60), default="")


def _refuse_change(_mapper: Any, _connection: Any, target: OpinionEvent) -> None:
    raise ValueError(f"办理记录只能追加，不能修改或删除（记录 {target.id}）")


event.listen(OpinionEvent, "before_update", _refuse_change)
event.listen(OpinionEvent, "before_delete", _refuse_change)
