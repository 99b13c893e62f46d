"""Every query on users, API keys and request counters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from markhive.bookmarks.models import Bookmark
from markhive.db.raw import Compiled
from markhive.db.session import add as add
from markhive.users.models import ApiKey, FeedToken, RequestQuota, User


def get(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def lock(session: Session, user_id: int) -> None:
    """Hold the user's row until the unit of work ends (no-op on SQLite)."""
    session.execute(select(User.id).where(User.id == user_id).with_for_update())


def by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username_folded == username.casefold()))


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


def bump_data_version(session: Session, user_id: int) -> None:
    """Mark that the user's bookmarks changed: cached search counts become stale."""
    session.execute(
        update(User).where(User.id == user_id).values(data_version=User.data_version + 1)
    )


def data_version(session: Session, user_id: int) -> int:
    return int(session.scalar(select(User.data_version).where(User.id == user_id)) or 0)


def active_keys(session: Session, user_id: int) -> list[ApiKey]:
    query = (
        select(ApiKey)
        .where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
        .order_by(ApiKey.id)
    )
    return list(session.scalars(query))


def keys(session: Session, user_id: int | None = None) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.id)
    if user_id is not None:
        query = query.where(ApiKey.user_id == user_id)
    return list(session.scalars(query))


def touch_key(session: Session, key_id: int, when: datetime) -> None:
    session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))


def _count_request_statement(dialect: str) -> Any:
    maker = pg_insert if dialect == "postgresql" else sqlite_insert
    one: Any = literal_column("1")
    return (
        maker(RequestQuota)
        .values(key_id=bindparam("key_id"), day=bindparam("day"), count=one)
        .on_conflict_do_update(
            index_elements=[RequestQuota.key_id, RequestQuota.day],
            set_={"count": RequestQuota.count + one},
        )
        .returning(RequestQuota.count)
    )


# On every request of a capped key, so compiled once and run raw (0.6 ms through the ORM
# session's execute, 0.19 ms raw, on SQLite).
_COUNT_REQUEST = Compiled(_count_request_statement)


def count_request(session: Session, key_id: int, day: date) -> int:
    """Add one to the key's counter for ``day`` (made at 1) and return it: one atomic
    upsert, so concurrent requests never read the same count."""
    value: Any = day if session.get_bind().dialect.name == "postgresql" else day.isoformat()
    rows = _COUNT_REQUEST.fetch(session, {"key_id": key_id, "day": value})
    return int(rows[0][0])


def forget_requests_before(session: Session, key_id: int, day: date) -> None:
    session.execute(
        delete(RequestQuota).where(RequestQuota.key_id == key_id, RequestQuota.day < day)
    )


def requests_on(session: Session, key_id: int, day: date) -> int:
    query = select(RequestQuota.count).where(RequestQuota.key_id == key_id, RequestQuota.day == day)
    return int(session.scalar(query) or 0)


def feed_token(session: Session, user_id: int) -> FeedToken | None:
    return session.scalar(select(FeedToken).where(FeedToken.user_id == user_id))


def active_by_feed_token(session: Session, token: str) -> User | None:
    """The active user whose feed token is ``token``."""
    query = (
        select(User)
        .join(FeedToken, FeedToken.user_id == User.id)
        .where(FeedToken.key == token, User.is_active.is_(True))
    )
    return session.scalar(query)


def bookmark_counts(session: Session) -> dict[int, int]:
    """Every user's number of bookmarks (archived ones too), by user id."""
    query = select(Bookmark.user_id, func.count()).group_by(Bookmark.user_id)
    return {int(user_id): int(n) for user_id, n in session.execute(query)}
