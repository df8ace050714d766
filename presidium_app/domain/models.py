"""Every model, imported in one place so the metadata (and Alembic) sees all tables."""

from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.base import Base
from presidium_app.domain.deputies import Deputy, DeputyGroup, LiaisonStation, Mandate, StatusChange
from presidium_app.domain.township import Term, Township

__all__ = [
    "AuditEntry",
    "Base",
    "Deputy",
    "DeputyGroup",
    "LiaisonStation",
    "Mandate",
    "StatusChange",
    "Term",
    "Township",
]
