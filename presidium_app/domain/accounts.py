"""账户: who may sign in, in which role (GB/T 22239-2019 level 2: identification, access control).

The password is kept only as an argon2 hash. `failed_logins` and `locked_until` carry the lockout
across restarts, so closing the app does not reset it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from presidium_app.domain.base import Base, EnumText
from presidium_app.domain.enums import LabelledEnum


class Role(LabelledEnum):
    ADMIN = "admin", "管理员"
    STAFF = "staff", "工作人员"
    VIEWER = "viewer", "只读"


class UserAccount(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)  # the sign-in name
    display_name: Mapped[str] = mapped_column(String(40), default="")
    role: Mapped[Role] = mapped_column(EnumText(Role))
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
