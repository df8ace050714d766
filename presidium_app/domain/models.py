"""Every model, imported in one place so the metadata (and Alembic) sees all tables."""

from presidium_app.domain.accounts import UserAccount
from presidium_app.domain.activities import Activity, Attachment, Participation
from presidium_app.domain.audit import AuditChainHead, AuditEntry
from presidium_app.domain.awards import Award
from presidium_app.domain.base import Base
from presidium_app.domain.deputies import Deputy, DeputyGroup, LiaisonStation, Mandate, StatusChange
from presidium_app.domain.mailbox import (
    CalendarDay,
    HandlingUnit,
    MailboxChoice,
    MailboxOpening,
    Opinion,
    OpinionAssistingUnit,
    OpinionEvent,
    Submitter,
)
from presidium_app.domain.settings import Setting
from presidium_app.domain.suggestions import (
    Suggestion,
    SuggestionAssistingUnit,
    SuggestionContact,
    SuggestionCoSigner,
    SuggestionEvent,
)
from presidium_app.domain.township import Term, Township
from presidium_app.domain.training import TrainingPlan, TrainingSession
from presidium_app.domain.wall_rules import WallRule

__all__ = [
    "Activity",
    "Attachment",
    "AuditChainHead",
    "AuditEntry",
    "Award",
    "Base",
    "CalendarDay",
    "Deputy",
    "DeputyGroup",
    "HandlingUnit",
    "LiaisonStation",
    "MailboxChoice",
    "MailboxOpening",
    "Mandate",
    "Opinion",
    "OpinionAssistingUnit",
    "OpinionEvent",
    "Participation",
    "Setting",
    "StatusChange",
    "Submitter",
    "Suggestion",
    "SuggestionAssistingUnit",
    "SuggestionCoSigner",
    "SuggestionContact",
    "SuggestionEvent",
    "Term",
    "Township",
    "TrainingPlan",
    "TrainingSession",
    "UserAccount",
    "WallRule",
]
