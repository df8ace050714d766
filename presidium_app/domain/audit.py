"""操作日志: who did what, when, to what, with values before and after, and whether it succeeded.

Tamper-evident: each entry carries `entry_hash`, the SHA-256 of its own fields and of the previous
entry's hash (`prev_hash`), so editing or deleting any entry breaks the chain from there on.
`AuditChainHead` (one row) holds the newest hash and the number of entries: deleting the newest
entries shows too, and updating the head first in every transaction that logs serialises writers
(two offices' PCs on one PostgreSQL server never fork the chain).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from presidium_app.domain.base import Base

GENESIS = "0" * 64  # the prev_hash of the first entry


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user: Mapped[str] = mapped_column(String(40), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON
    success: Mapped[bool] = mapped_column(Boolean, default=True)
    prev_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    entry_hash: Mapped[str] = mapped_column(String(64), default="")


class AuditChainHead(Base):
    """The chain's end: the newest entry's hash and how many entries the chain holds."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    entries: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def chain_hash(prev_hash: str, at: dt.datetime, user: str, action: str, object_type: str,
               object_id: int | None, summary: str, before: str | None, after: str | None,
               success: bool) -> str:
    """The hash of one entry. Its input format is part of every stored log: never change it."""
    fields = [prev_hash, at.replace(microsecond=0).isoformat(), user, action, object_type, object_id,
              summary, before, after, bool(success)]
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def entry_chain_hash(entry: AuditEntry) -> str:
    return chain_hash(entry.prev_hash, entry.at, entry.user, entry.action, entry.object_type or "",
                      entry.object_id, entry.summary or "", entry.before, entry.after, entry.success)
