"""Typed errors a service raises; every message is Chinese and names what is wrong."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every refusal a user can see."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else "操作未能完成"


class ValidationFailed(ServiceError):
    """Input with mistakes; `field_errors` maps a field name to its reason, for the form."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        self.field_errors = field_errors
        joined = "；".join(field_errors.values())
        super().__init__(f"输入有误：{joined}")


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    """Someone else saved the same record since it was opened (optimistic locking)."""


class StorageFailure(ServiceError):
    """The disk or the database refused the write: full, read-only, locked. Nothing was written."""


class PermissionDenied(ServiceError):
    """The acting user's role does not allow the action; nothing was written."""

    exit_code = 5
