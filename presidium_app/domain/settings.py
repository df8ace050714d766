"""Settings a township edits (rules, points, deadlines), stored as JSON by key. What keys exist
and their defaults are declared once, in services/settings.py."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from presidium_app.domain.base import Base


class Setting(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON
