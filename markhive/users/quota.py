"""Daily request quotas per API key: counted in Redis when configured, else in the
database (PostgreSQL's ``request_quota``; on SQLite a file of their own beside it).

A hit increments the key's counter for the UTC day atomically and returns the new count,
so concurrent requests (in any number of processes and machines sharing the store) each
see a distinct count, and exactly ``limit`` of them are admitted.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError

from markhive.db.session import Database
from markhive.errors import AuthFailed
from markhive.settings import Settings
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


class SqliteFileQuota:
    """On SQLite, the counters live in a file of their own (``DATA_DIR/quota.db``).

    A write to the main database makes every other pooled connection drop its page cache
    (and remap the file) before its next read: counting each request there cost about
    2 ms a request at a million bookmarks; here it costs under 0.1 ms. The file is shared
    by every process on the machine (SQLite's locking keeps the count exact) and kept
    across restarts like the main database. One connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._connection().execute(_FILE_SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # Used by its own thread only; closed by whichever thread closes the store.
            conn = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def hit(self, key_id: int, day: date) -> int:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            (count,) = conn.execute(_FILE_HIT, (key_id, day.isoformat())).fetchone()
            if count == 1:  # the key's first request today: forget old days
                old = (day - timedelta(KEEP_DAYS)).isoformat()
                conn.execute(_FILE_FORGET, (key_id, old))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return int(count)

    def used(self, key_id: int, day: date) -> int:
        row = self._connection().execute(_FILE_USED, (key_id, day.isoformat())).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


# The counters' own file has one table, the same shape as ``request_quota``.
_FILE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS request_quota (key_id INTEGER NOT NULL, day TEXT NOT NULL, "
    "count INTEGER NOT NULL, PRIMARY KEY (key_id, day))"
)
_FILE_HIT = (
    "INSERT INTO request_quota (key_id, day, count) VALUES (?, ?, 1) "
    "ON CONFLICT (key_id, day) DO UPDATE SET count = count + 1 RETURNING count"
)
_FILE_FORGET = "DELETE FROM request_quota WHERE key_id = ? AND day < ?"
_FILE_USED = "SELECT count FROM request_quota WHERE key_id = ? AND day = ?"


def make_store(settings: Settings, db: Database) -> QuotaStore:
    """Redis when configured; else the counters' own SQLite file next to a SQLite
    database, or the ``request_quota`` table of PostgreSQL."""
    if settings.redis_url:
        return RedisQuota(settings.redis_url)
    if settings.is_sqlite:
        return SqliteFileQuota(settings.data_dir / "quota.db")
    return DatabaseQuota(db)
