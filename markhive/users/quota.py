"""Daily request quotas per API key: counted in the database, or in Redis when configured.

A hit increments the key's counter for the UTC day atomically and returns the new count,
so concurrent requests (in any number of processes and machines sharing the store) each
see a distinct count, and exactly ``limit`` of them are admitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError

from markhive.db.session import Database
from markhive.errors import AuthFailed
from markhive.users import repository

KEEP_DAYS = 7  # the database store keeps a week of counters per key


def today() -> date:
    return datetime.now(UTC).date()


def next_midnight(day: date) -> int:
    """Unix time of the UTC midnight that ends ``day``."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) + 86_400


@dataclass(frozen=True)
class Quota:
    """A key's standing after the current request; ``limit`` None means no daily cap."""

    limit: int | None
    used: int
    reset: int

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)

    @property
    def exceeded(self) -> bool:
        return self.limit is not None and self.used > self.limit

    def headers(self) -> list[tuple[bytes, bytes]]:
        if self.limit is None:
            return []
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(self.reset).encode()),
        ]


class QuotaStore(Protocol):
    def hit(self, key_id: int, day: date) -> int:
        """Count one request of the key on ``day``; the day's count including it."""
        ...

    def used(self, key_id: int, day: date) -> int:
        """The key's count on ``day``, without counting."""
        ...

    def close(self) -> None: ...


class DatabaseQuota:
    """Counters in ``request_quota``: one upsert in its own short transaction, so the
    count commits whatever becomes of the request."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def hit(self, key_id: int, day: date) -> int:
        try:
            with self.db.unit(write=True) as session:
                count = repository.count_request(session, key_id, day)
                if count == 1:  # the key's first request today: forget old days
                    repository.forget_requests_before(session, key_id, day - timedelta(KEEP_DAYS))
        except IntegrityError:  # the key was deleted since it was looked up
            raise AuthFailed("invalid") from None
        return count

    def used(self, key_id: int, day: date) -> int:
        with self.db.unit(write=False) as session:
            return repository.requests_on(session, key_id, day)

    def close(self) -> None:
        pass


class RedisQuota:
    """Counters in Redis (``markhive:quota:<key id>:<day>``), expiring a day after theirs."""

    def __init__(self, url: str) -> None:
        import redis

        self.client: Any = redis.Redis.from_url(url)

    @staticmethod
    def _name(key_id: int, day: date) -> str:
        return f"markhive:quota:{key_id}:{day.isoformat()}"

    def hit(self, key_id: int, day: date) -> int:
        name = self._name(key_id, day)
        pipe = self.client.pipeline(transaction=True)
        pipe.incr(name)
        pipe.expireat(name, next_midnight(day) + 86_400)
        count, _ = pipe.execute()
        return int(count)

    def used(self, key_id: int, day: date) -> int:
        return int(self.client.get(self._name(key_id, day)) or 0)

    def close(self) -> None:
        self.client.close()


def make_store(redis_url: str, db: Database) -> QuotaStore:
    return RedisQuota(redis_url) if redis_url else DatabaseQuota(db)
