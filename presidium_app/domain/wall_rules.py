"""制度上墙: the rule texts the activity room hangs on its wall. The product ships a default text
for each (resources/wall_rules); a township's edits are stored here, one row per edited rule, so
a later version can improve the defaults without overwriting what an office wrote."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from presidium_app.domain.base import Base


class WallRule(Base):
    __tablename__ = "wall_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # the default's key, e.g. "study"
    title: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
