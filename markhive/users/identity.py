"""Who an API key belongs to: the lookup that runs on every API request.

It reads the key and its user in one raw query (markhive.db.raw) into two small frozen
records, instead of loading ORM objects: 0.57 ms a request became about 0.2 ms.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from markhive.db.raw import Compiled
from markhive.errors import AuthFailed
from markhive.users.models import ApiKey, User

KEY_PREFIX = "lgg_"
_HEX40 = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class KeyInfo:
    id: int
    last_used_at: datetime | None


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    plan: str
    profile: dict[str, Any]


_LOOKUP = Compiled(
    lambda dialect: (
        select(
            ApiKey.id,
            ApiKey.last_used_at,
            ApiKey.revoked_at,
            User.id,
            User.username,
            User.is_active,
            User.plan,
            User.profile,
        )
        .join(User, User.id == ApiKey.user_id)
        .where(ApiKey.secret_hash == bindparam("secret_hash"))
    )
)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _datetime(value: str | datetime | None) -> datetime | None:
    if isinstance(value, str):  # SQLite's stored text, UTC
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def identify(session: Session, secret: str) -> tuple[KeyInfo, UserInfo]:
    """The key and user for a secret given with or without the ``lgg_`` prefix.

    Raises AuthFailed("invalid") for an unknown or revoked key and AuthFailed("inactive")
    for a deactivated user."""
    raw = secret[len(KEY_PREFIX) :] if secret.startswith(KEY_PREFIX) else secret
    if not _HEX40.match(raw):
        raise AuthFailed("invalid")
    rows = _LOOKUP.fetch(session, {"secret_hash": hash_secret(raw)})
    if not rows or rows[0][2] is not None:
        raise AuthFailed("invalid")
    key_id, last_used, _, user_id, username, active, plan, profile = rows[0]
    if not active:
        raise AuthFailed("inactive")
    if isinstance(profile, str | bytes):
        profile = orjson.loads(profile)
    return KeyInfo(key_id, _datetime(last_used)), UserInfo(user_id, username, plan, profile or {})
