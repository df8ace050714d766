"""What a printed document is asked for and what it gives back (re-exported by registry.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from presidium_app.services.errors import NotFound


@dataclass(frozen=True)
class PrintRequest:
    """The year and the object (activity, session, deputy…) a document is printed for."""

    year: int | None = None
    object_id: int | None = None

    @property
    def year_or_current(self) -> int:
        return self.year if self.year is not None else dt.date.today().year


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    pages: int
    title: str


class UnknownDocument(NotFound):
    """No such document, or no such object to print it for (the command line exits 2)."""

    exit_code = 2


def cn_date(day: dt.date) -> str:
    """A date as official documents write it: 2026年3月5日 (Arabic numerals, no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_time(moment: dt.time) -> str:
    """A time of day: 9:00, 14:30."""
    return f"{moment.hour}:{moment.minute:02d}"


def cn_weekday(day: dt.date) -> str:
    return "星期" + "一二三四五六日"[day.weekday()]
