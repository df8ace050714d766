"""Declarative base with a naming convention, so Alembic migrations name constraints alike on
SQLite and PostgreSQL."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import MetaData, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class EnumText(TypeDecorator[StrEnum]):
    """Stores a StrEnum as its code name (portable VARCHAR, no native ENUM) and loads it back."""

    impl = String(40)
    cache_ok = True

    def __init__(self, enum_class: type[StrEnum]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value: object, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return self.enum_class(str(value)).value

    def process_result_value(self, value: object, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum_class(str(value))
