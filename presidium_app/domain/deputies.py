"""Deputies (the person), their mandates (one per term) and the organisation they belong to.

A person may sit in several congresses: a mandate lists the levels (乡镇, 县, …) held in one term,
and a person re-elected has one mandate per term. Status (在任, 辞职, …) belongs to the mandate, and
every change of it is kept in `StatusChange`, so a past deputy's records stay readable.
"""

from __future__ import annotations

import datetime as dt

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from presidium_app.domain.base import Base, EnumText
from presidium_app.domain.enums import DeputyLevel, DeputyStatus, Gender
from presidium_app.domain.township import Term


class DeputyGroup(Base):
    """代表小组: a small group of deputies that meets regularly."""

    __tablename__ = "deputy_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class LiaisonStation(Base):
    """代表联络站 / 代表之家: where deputies receive voters."""

    __tablename__ = "liaison_station"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    address: Mapped[str] = mapped_column(String(200), default="")


class Deputy(Base):
    """The person: identity and contact. What they hold in each term is a `Mandate`."""

    __tablename__ = "deputy"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    gender: Mapped[Gender] = mapped_column(EnumText(Gender))
    ethnicity: Mapped[str] = mapped_column(String(20), default="")
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    political_status: Mapped[str] = mapped_column(String(20), default="")
    education: Mapped[str] = mapped_column(String(20), default="")
    workplace: Mapped[str] = mapped_column(String(120), default="")
    mobile: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[str | None] = mapped_column(String(80))
    # Search keys, kept in step with `name` by the service: full pinyin and initials.
    name_pinyin: Mapped[str] = mapped_column(String(160), default="", index=True)
    name_initials: Mapped[str] = mapped_column(String(40), default="", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    mandates: Mapped[list[Mandate]] = relationship(
        back_populates="deputy", cascade="all, delete-orphan", order_by="Mandate.term_id"
    )

    __mapper_args__ = {"version_id_col": version}


class Mandate(Base):
    """One deputy in one term: levels held, constituency, group, station and status."""

    __tablename__ = "mandate"
    __table_args__ = (
        UniqueConstraint("deputy_id", "term_id", name="uq_mandate_deputy_term"),
        Index("ix_mandate_term_status", "term_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id", ondelete="CASCADE"))
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    # Level code names between commas (",county,township,") so `LIKE '%,county,%'` is exact.
    levels_text: Mapped[str] = mapped_column("levels", String(80))
    constituency: Mapped[str] = mapped_column(String(80), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("deputy_group.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("liaison_station.id"), index=True)
    elected_on: Mapped[dt.date | None] = mapped_column(Date)
    by_election: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[DeputyStatus] = mapped_column(EnumText(DeputyStatus), default=DeputyStatus.SERVING)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    deputy: Mapped[Deputy] = relationship(back_populates="mandates")
    term: Mapped[Term] = relationship()
    group: Mapped[DeputyGroup | None] = relationship()
    station: Mapped[LiaisonStation | None] = relationship()
    status_changes: Mapped[list[StatusChange]] = relationship(
        back_populates="mandate", cascade="all, delete-orphan", order_by="StatusChange.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def levels(self) -> list[DeputyLevel]:
        codes = [c for c in self.levels_text.split(",") if c]
        return [lvl for lvl in DeputyLevel if lvl.value in codes]

    @levels.setter
    def levels(self, value: list[DeputyLevel]) -> None:
        ordered = [lvl.value for lvl in DeputyLevel if lvl in value]
        self.levels_text = "," + ",".join(ordered) + ","


class StatusChange(Base):
    """A change of a mandate's status (离任, 补选, 恢复), kept forever."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandate.id", ondelete="CASCADE"), index=True)
    old_status: Mapped[DeputyStatus | None] = mapped_column(EnumText(DeputyStatus))
    new_status: Mapped[DeputyStatus] = mapped_column(EnumText(DeputyStatus))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(40))

    mandate: Mapped[Mandate] = relationship(back_populates="status_changes")
