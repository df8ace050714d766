"""Annual training plans (学习培训计划) and their sessions. A held session points at the activity
of type 学习培训 that records its attendance, so hours and coverage come from the records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from presidium_app.domain.activities import Activity
from presidium_app.domain.base import Base, EnumText
from presidium_app.domain.enums import TrainingForm


class TrainingPlan(Base):
    __tablename__ = "training_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(120))
    goals: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="plan", cascade="all, delete-orphan",
        order_by="(TrainingSession.planned_month, TrainingSession.planned_date, TrainingSession.id)",
    )

    __mapper_args__ = {"version_id_col": version}


class TrainingSession(Base):
    """One planned session: a date, or only a month when the day is not fixed yet."""

    __tablename__ = "training_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("training_plan.id", ondelete="CASCADE"), index=True)
    planned_month: Mapped[int] = mapped_column(Integer)  # 1–12, always known
    planned_date: Mapped[dt.date | None] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200))
    form: Mapped[TrainingForm] = mapped_column(EnumText(TrainingForm))
    speaker: Mapped[str] = mapped_column(String(80), default="")
    place: Mapped[str] = mapped_column(String(120), default="")
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    audience: Mapped[str] = mapped_column(String(120), default="")
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id", ondelete="SET NULL"), unique=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    plan: Mapped[TrainingPlan] = relationship(back_populates="sessions")
    activity: Mapped[Activity | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
