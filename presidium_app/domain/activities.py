"""Deputy activities (代表活动): what deputies do together, who was there, and its files.

Attendance is per person (`Deputy`), not per mandate: the archive follows the person, and the term
an activity falls in is given by its date.
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
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from presidium_app.domain.base import Base, EnumText
from presidium_app.domain.deputies import Deputy, DeputyGroup, LiaisonStation
from presidium_app.domain.enums import ActivityType, AttachmentKind, Attendance, Satisfaction


class Activity(Base):
    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_date_type", "activity_date", "type"),
        Index("ix_activity_type_date", "type", "activity_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[ActivityType] = mapped_column(EnumText(ActivityType))
    activity_date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(120), default="")
    topic: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(120), default="")
    # 其他参加人员: officials and guests, as typed; voters are counted, not named.
    other_participants: Mapped[str] = mapped_column(Text, default="")
    voters_count: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")
    opinions_raised: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("deputy_group.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("liaison_station.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    group: Mapped[DeputyGroup | None] = relationship()
    station: Mapped[LiaisonStation | None] = relationship()
    participations: Mapped[list[Participation]] = relationship(
        back_populates="activity", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    __mapper_args__ = {"version_id_col": version}


class Participation(Base):
    """One invited deputy at one activity: attendance, and for 述职 the voters' rating."""

    __tablename__ = "participation"
    __table_args__ = (Index("ix_participation_deputy_attendance", "deputy_id", "attendance"),)

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), primary_key=True)
    attendance: Mapped[Attendance] = mapped_column(EnumText(Attendance))
    spoke: Mapped[bool] = mapped_column(Boolean, default=False)  # 审议发言, scored
    rating: Mapped[Satisfaction | None] = mapped_column(EnumText(Satisfaction))
    note: Mapped[str] = mapped_column(String(200), default="")

    activity: Mapped[Activity] = relationship(back_populates="participations")
    deputy: Mapped[Deputy] = relationship()


class Attachment(Base):
    """A photo or document of an activity, copied into the data dir under its content hash."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AttachmentKind] = mapped_column(EnumText(AttachmentKind))
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str] = mapped_column(String(200), default="")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime)
    added_by: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)  # the caption is edited after adding

    activity: Mapped[Activity] = relationship(back_populates="attachments")

    __mapper_args__ = {"version_id_col": version}
