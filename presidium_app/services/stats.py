"""The year's key figures (`presidium stats --json`, the 统计 page). Counted in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from presidium_app.domain.deputies import Mandate
from presidium_app.domain.enums import DeputyLevel, DeputyStatus
from presidium_app.domain.township import Term
from presidium_app.storage.database import Database


def year_stats(db: Database, year: int) -> dict[str, Any]:
    """Keys of spec/cli.md that the built areas can answer; later areas add theirs."""
    with db.session() as session:
        term_id = session.scalar(select(Term.id).where(Term.is_current.is_(True)))
        serving = select(Mandate.levels_text).where(
            Mandate.term_id == term_id, Mandate.status == DeputyStatus.SERVING.value
        )
        by_level = {}
        for level in DeputyLevel:
            by_level[level.value] = (
                session.scalar(
                    select(func.count()).select_from(
                        serving.where(Mandate.levels_text.contains(f",{level.value},")).subquery()
                    )
                )
                or 0
            )
        total = session.scalar(select(func.count()).select_from(serving.subquery())) or 0
    return {"year": year, "deputies": {"serving": total, "by_level": by_level}}
