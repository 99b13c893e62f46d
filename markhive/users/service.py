"""Users, passwords and API keys: the rules every front door shares."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from markhive.db.base import utcnow
from markhive.errors import AuthFailed, Conflict, Forbidden, Invalid, NotFound
from markhive.search.count_cache import LRUCache
from markhive.settings import PLANS, Settings
from markhive.users import identity, repository
from markhive.users.identity import KEY_PREFIX
from markhive.users.models import ApiKey, FeedToken, User
from markhive.users.passwords import check_password, hash_password
from markhive.users.profile import CHOICES, FLAGS

_USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
LAST_USED_RESOLUTION = timedelta(seconds=60)
MAX_FEED_TOKEN = 64


def create_user(
    session: Session,
    settings: Settings,
    username: str,
    password: str | None = None,
    *,
    is_admin: bool = False,
    plan: str | None = None,
    email: str = "",
) -> User:
    username = username.strip()
    if not _USERNAME.match(username):
        raise Invalid.one(
            "username", "Enter a valid username: letters, digits and @/./+/-/_ only, at most 150."
        )
    plan = plan or settings.default_plan
    check_plan(plan)
    if repository.by_username(session, username) is not None:
        raise Conflict(f"A user named {username!r} already exists.", field="username")
    user = User(
        username=username,
        username_folded=username.casefold(),
        email=email,
        password_hash=hash_password(password) if password else "",
        is_admin=is_admin,
        is_active=True,
        plan=plan,
        profile={},
        data_version=0,
        created_at=utcnow(),
    )
    return repository.add(session, user)


def check_plan(plan: str) -> None:
    if plan not in PLANS:
        raise Invalid.one("plan", f"Unknown plan {plan!r}; choose one of {', '.join(PLANS)}.")


def get_user(session: Session, username: str) -> User:
    user = repository.by_username(session, username)
    if user is None:
        raise NotFound("User", f"No user named {username!r}.")
    return user


def set_plan(session: Session, username: str, plan: str) -> User:
    check_plan(plan)
    user = get_user(session, username)
    user.plan = plan
    return user


def set_password(user: User, password: str) -> None:
    if len(password) < 8:
        raise Invalid.one("password", "The password must be at least 8 characters long.")
    user.password_hash = hash_password(password)


def authenticate_password(session: Session, username: str, password: str) -> User | None:
    user = repository.by_username(session, username)
    if user is None or not user.is_active or not check_password(user.password_hash, password):
        return None
    return user


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    secret: str  # shown once: lgg_ + 40 hex


def create_key(session: Session, settings: Settings, user: User, name: str = "") -> NewKey:
    limit = settings.plan_key_limit(user.plan)
    # Locked, so concurrent creations count one after another (PostgreSQL; SQLite's
    # write transactions are serial already).
    repository.lock(session, user.id)
    if limit is not None and len(repository.active_keys(session, user.id)) >= limit:
        raise Forbidden(
            f"The {user.plan} plan allows {limit} API key{'s' if limit != 1 else ''}; "
            "revoke one or change the plan."
        )
    raw = secrets.token_hex(20)
    key = ApiKey(
        user_id=user.id,
        name=name.strip()[:100],
        secret_hash=identity.hash_secret(raw),
        prefix=raw[:8],
        created_at=utcnow(),
    )
    repository.add(session, key)
    return NewKey(key=key, secret=KEY_PREFIX + raw)


def revoke_key(session: Session, key_id: int, user_id: int | None = None) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None or (user_id is not None and key.user_id != user_id):
        raise NotFound("ApiKey", f"No API key with id {key_id}.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key


def authenticate_key(session: Session, secret: str) -> tuple[ApiKey, User]:
    """The key and its user as ORM objects (for commands and tests; requests use
    markhive.users.identity). Raises AuthFailed like :func:`identity.identify`."""
    key_info, _ = identity.identify(session, secret)
    key = session.get(ApiKey, key_info.id)
    user = repository.get(session, key.user_id) if key is not None else None
    if key is None or user is None:  # deleted between the two reads
        raise AuthFailed("invalid")
    return key, user


def key_needs_touch(key: ApiKey | identity.KeyInfo) -> bool:
    """Whether ``last_used_at`` is stale enough to be written again (at most once a minute)."""
    return key.last_used_at is None or utcnow() - key.last_used_at >= LAST_USED_RESOLUTION


def touch_key(session: Session, key_id: int) -> None:
    repository.touch_key(session, key_id, utcnow())


def get_by_id(session: Session, user_id: int) -> User:
    user = repository.get(session, user_id)
    if user is None:
        raise NotFound("User", f"No user with id {user_id}.")
    return user


def update_profile(session: Session, user_id: int, values: dict[str, Any]) -> User:
    """Set the given profile settings (names of CHOICES or FLAGS) after checking every
    one: a single bad value saves nothing. Other stored settings are kept."""
    problems: dict[str, list[str]] = {}
    for name, value in values.items():
        if name in CHOICES:
            if value not in CHOICES[name]:
                shown = str(value)[:40]
                problems[name] = [f"{shown!r} is not a valid choice: {', '.join(CHOICES[name])}."]
        elif name in FLAGS:
            if not isinstance(value, bool):
                problems[name] = ["Must be true or false."]
        else:
            problems[name] = ["Not a profile setting."]
    if problems:
        raise Invalid(problems)
    user = get_by_id(session, user_id)
    # A new dict: the JSON column sees only assignments.
    user.profile = {**(user.profile or {}), **values}
    return user


def set_active(session: Session, user_id: int, active: bool, acting_user_id: int) -> User:
    if not active and user_id == acting_user_id:
        raise Invalid.one("active", "You cannot deactivate your own account.")
    user = get_by_id(session, user_id)
    user.is_active = active
    return user


def feed_token(session: Session, user_id: int) -> FeedToken:
    """The user's RSS feed token, made on first use."""
    token = repository.feed_token(session, user_id)
    if token is None:
        repository.lock(session, user_id)  # two first uses at once make one token
        token = repository.feed_token(session, user_id)
    if token is None:
        token = repository.add(
            session, FeedToken(user_id=user_id, key=secrets.token_urlsafe(32), created_at=utcnow())
        )
    return token


def user_for_feed_token(session: Session, token: str) -> User | None:
    """The active user whose feed token is ``token`` (the RSS feeds' only credential);
    None for any other string."""
    if not token or len(token) > MAX_FEED_TOKEN:
        return None
    return repository.active_by_feed_token(session, token)


def reset_feed_token(session: Session, user_id: int) -> FeedToken:
    """A new feed token: the old feed URLs stop working."""
    token = feed_token(session, user_id)
    token.key = secrets.token_urlsafe(32)
    token.created_at = utcnow()
    return token


class CountsCache(LRUCache[dict[int, int]]):
    """Users' bookmark counts, by the users' ids and data versions."""

    def __init__(self, max_entries: int = 16) -> None:
        super().__init__(max_entries)


def users_with_counts(session: Session, cache: CountsCache) -> list[tuple[User, int]]:
    """Every user with their number of bookmarks (a pass over every user's rows, so kept
    until one of the users' data versions moves)."""
    listed = repository.all_users(session)
    key = tuple((user.id, user.data_version) for user in listed)
    counts = cache.get(key)
    if counts is None:
        counts = repository.bookmark_counts(session)
        cache.put(key, counts)
    return [(user, counts.get(user.id, 0)) for user in listed]
