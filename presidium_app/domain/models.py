"""Every model, imported in one place so the metadata (and Alembic) sees all tables."""

from presidium_app.domain.activities import Activity, Attachment, Participation
from presidium_app.domain.audit import AuditEntry
from presidium_app.domain.awards import Award
from presidium_app.domain.base import Base
from presidium_app.domain.deputies import Deputy, DeputyGroup, LiaisonStation, Mandate, StatusChange
from presidium_app.domain.settings import Setting
from presidium_app.domain.township import Term, Township
from presidium_app.domain.training import TrainingPlan, TrainingSession

__all__ = [
    "Activity",
    "Attachment",
    "AuditEntry",
    "Award",
    "Base",
    "Deputy",
    "DeputyGroup",
    "LiaisonStation",
    "Mandate",
    "Participation",
    "Setting",
    "StatusChange",
    "Term",
    "Township",
    "TrainingPlan",
    "TrainingSession",
]
