"""The township whose data a database holds, and its congress terms (届次)."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from presidium_app.domain.base import Base
from presidium_app.domain.validators import chinese_ordinal


class Township(Base):
    """One row: the township's name and contact details, printed on every form."""

    __tablename__ = "township"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    county: Mapped[str] = mapped_column(String(60), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Term(Base):
    """A congress term (届次), e.g. 第十九届 2021–2026. Exactly one is current."""

    __tablename__ = "term"

    id: Mapped[int] = mapped_column(primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer, unique=True)
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def name(self) -> str:
        return f"第{chinese_ordinal(self.ordinal)}届"

    @property
    def label(self) -> str:
        years = f"（{self.start_year}—{self.end_year}）" if self.start_year and self.end_year else ""
        return self.name + years
