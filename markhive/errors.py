"""Typed domain errors raised by services; each front door maps them to its own shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist or belongs to someone else."""

    def __init__(self, kind: str, message: str = "") -> None:
        super().__init__(message or f"{kind} not found")
        self.kind = kind


class Invalid(DomainError):
    """Input failed validation. ``fields`` maps a field name to its messages."""

    def __init__(self, fields: Mapping[str, list[str] | dict[str, list[str]]]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = dict(fields)

    @classmethod
    def one(cls, field: str, message: str) -> Invalid:
        return cls({field: [message]})


class Conflict(DomainError):
    """The change clashes with existing data (a duplicate URL, a folder name)."""

    def __init__(self, message: str, field: str = "", existing_id: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.existing_id = existing_id


class Forbidden(DomainError):
    """The caller may not do this (plan limits, inactive accounts)."""


class AuthFailed(DomainError):
    """Credentials are missing or wrong."""


class RateLimited(DomainError):
    """The key has used its requests for today."""

    def __init__(self, limit: int, quota: Any = None) -> None:
        super().__init__(f"Rate limit exceeded: {limit} requests per day")
        self.limit = limit
        self.quota = quota  # the key's markhive.users.quota.Quota, for the response headers
