"""Reading the API key from the Authorization header, shared by both API dialects."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from markhive.errors import AuthFailed
from markhive.users.identity import KeyInfo, UserInfo, identify

SCHEMES = ("token", "bearer")

# Why authentication failed; each dialect words these its own way.
MISSING = "missing"
NO_CREDENTIALS = "no-credentials"
SPACES = "spaces"
INVALID = "invalid"
INACTIVE = "inactive"


@dataclass(frozen=True)
class Caller:
    user: UserInfo
    key: KeyInfo


def read_header(header: str | None) -> str:
    """The key in ``Token <key>`` or ``Bearer <key>``; AuthFailed(reason) otherwise."""
    words = (header or "").split()
    if not words or words[0].lower() not in SCHEMES:
        raise AuthFailed(MISSING)
    if len(words) == 1:
        raise AuthFailed(NO_CREDENTIALS)
    if len(words) > 2:
        raise AuthFailed(SPACES)
    return words[1]


def authenticate(session: Session, header: str | None) -> Caller:
    key, user = identify(session, read_header(header))
    return Caller(user=user, key=key)
