"""Deputy suggestions (代表建议, DOMAIN.md §5): a deputy's formal suggestion with its co-signers,
referred to handling units, replied with a result class A–D, rated by the deputy, and every
contact between the unit and the deputy (三访两见面).

Handled like an opinion but with its own rules, so it has its own tables: the two flows differ in
steps and deadlines, and a shared table would need a column that says which rules apply.
Events are append-only, as for opinions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
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
from presidium_app.domain.deputies import Deputy
from presidium_app.domain.enums import (
    ContactKind,
    ContactStage,
    ResultClass,
    Satisfaction,
    SuggestionAction,
    SuggestionStatus,
)
from presidium_app.domain.mailbox import HandlingUnit


class Suggestion(Base):
    """代表建议: numbered per year (2026-001); `opinion_id` links the opinion it came from."""

    __tablename__ = "suggestion"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_suggestion_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    submitted_on: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(60), default="")
    lead_deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), index=True)
    opinion_id: Mapped[int | None] = mapped_column(ForeignKey("opinion.id"), index=True)
    status: Mapped[SuggestionStatus] = mapped_column(EnumText(SuggestionStatus))
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("handling_unit.id"), index=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    result_class: Mapped[ResultClass | None] = mapped_column(EnumText(ResultClass))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(EnumText(Satisfaction))
    version: Mapped[int] = mapped_column(Integer, default=1)

    lead_deputy: Mapped[Deputy] = relationship()
    lead_unit: Mapped[HandlingUnit | None] = relationship()
    co_signers: Mapped[list[SuggestionCoSigner]] = relationship(
        back_populates="suggestion", order_by="SuggestionCoSigner.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[SuggestionEvent]] = relationship(
        back_populates="suggestion", order_by="SuggestionEvent.id"
    )
    contacts: Mapped[list[SuggestionContact]] = relationship(
        back_populates="suggestion", order_by="SuggestionContact.contacted_on"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def number(self) -> str:
        """The number as printed: year and sequence, e.g. 2026-007."""
        return f"{self.year}-{self.seq:03d}"


class SuggestionCoSigner(Base):
    """附议代表: a deputy who signed the suggestion besides its lead deputy."""

    __tablename__ = "suggestion_co_signer"
    __table_args__ = (UniqueConstraint("suggestion_id", "deputy_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id"), index=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), index=True)

    suggestion: Mapped[Suggestion] = relationship(back_populates="co_signers")
    deputy: Mapped[Deputy] = relationship()


class SuggestionEvent(Base):
    """One step of a suggestion's handling (交办, 答复, 测评, …): kept forever, never changed."""

    __tablename__ = "suggestion_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id"), index=True)
    action: Mapped[SuggestionAction] = mapped_column(EnumText(SuggestionAction))
    at: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    user: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[SuggestionStatus | None] = mapped_column(EnumText(SuggestionStatus))
    to_status: Mapped[SuggestionStatus] = mapped_column(EnumText(SuggestionStatus))
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("handling_unit.id"))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    result_class: Mapped[ResultClass | None] = mapped_column(EnumText(ResultClass))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(EnumText(Satisfaction))

    suggestion: Mapped[Suggestion] = relationship(back_populates="events")
    lead_unit: Mapped[HandlingUnit | None] = relationship()
    assisting_units: Mapped[list[SuggestionAssistingUnit]] = relationship(
        back_populates="event", order_by="SuggestionAssistingUnit.id"
    )


class SuggestionAssistingUnit(Base):
    """协办单位 named by one 交办 of a suggestion, with the date its view is due to the lead unit."""

    __tablename__ = "suggestion_assisting_unit"
    __table_args__ = (UniqueConstraint("event_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("suggestion_event.id"), index=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("handling_unit.id"), index=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date)

    event: Mapped[SuggestionEvent] = relationship(back_populates="assisting_units")
    unit: Mapped[HandlingUnit] = relationship()


class SuggestionContact(Base):
    """One contact between a handling unit and the deputy, before, during or after handling."""

    __tablename__ = "suggestion_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id"), index=True)
    contacted_on: Mapped[dt.date] = mapped_column(Date)
    stage: Mapped[ContactStage] = mapped_column(EnumText(ContactStage))
    kind: Mapped[ContactKind] = mapped_column(EnumText(ContactKind))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("handling_unit.id"))
    people: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    user: Mapped[str] = mapped_column(String(40))

    suggestion: Mapped[Suggestion] = relationship(back_populates="contacts")
    unit: Mapped[HandlingUnit | None] = relationship()


def _refuse_change(_mapper: Any, _connection: Any, target: SuggestionEvent) -> None:
    raise ValueError(f"建议办理记录只能追加，不能修改或删除（记录 {target.id}）")


event.listen(SuggestionEvent, "before_update", _refuse_change)
event.listen(SuggestionEvent, "before_delete", _refuse_change)
