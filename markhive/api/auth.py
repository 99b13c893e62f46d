"""Who is calling and whether they may: the API key from the Authorization header, the
plan's rules and the daily quota. Shared by both API dialects."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from markhive.errors import AuthFailed, Forbidden, RateLimited
from markhive.settings import Settings
from markhive.users.identity import KeyInfo, UserInfo, identify
from markhive.users.quota import Quota, QuotaStore, next_midnight, today

SCHEMES = ("token", "bearer")

# Why authentication failed; each dialect words these its own way.
MISSING = "missing"
NO_CREDENTIALS = "no-credentials"
SPACES = "spaces"
INVALID = "invalid"
INACTIVE = "inactive"


NO_API_ON_FREE = "The free plan does not include API access; ask an admin to change the plan."


@dataclass(frozen=True)
class Caller:
    user: UserInfo
    key: KeyInfo
    quota: Quota | None = None


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


def admit(session: Session, settings: Settings, store: QuotaStore, header: str | None) -> Caller:
    """The caller, once the key is valid, the plan allows API use and today's quota is
    not used up. The request is counted in the quota's own store and transaction, so it
    counts whatever becomes of the request. Raises AuthFailed, Forbidden or RateLimited
    (which carries the quota, for the response headers)."""
    caller = authenticate(session, header)
    plan = caller.user.plan
    if plan == "free":
        raise Forbidden(NO_API_ON_FREE)
    limit = settings.plan_request_limit(plan)
    day = today()
    used = store.hit(caller.key.id, day) if limit is not None else 0
    quota = Quota(limit=limit, used=used, reset=next_midnight(day))
    if quota.exceeded:
        raise RateLimited(limit or 0, quota)
    return Caller(caller.user, caller.key, quota)
