"""Daily per-key request counters: the database store (SQLite and PostgreSQL), the Redis
store, and the arithmetic of a key's standing (remaining, exceeded, reset, headers)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import redis

from markhive.db.engine import make_engine
from markhive.db.session import Database
from markhive.settings import Settings
from markhive.users import repository
from markhive.users import service as users
from markhive.users.quota import (
    KEEP_DAYS,
    DatabaseQuota,
    Quota,
    QuotaStore,
    RedisQuota,
    SqliteFileQuota,
    make_store,
    next_midnight,
    today,
)
from tests.redisserver import flush

DAY = date(2026, 11, 22)
THREADS, HITS = 8, 50


# --- the key's standing ----------------------------------------------------------------


def test_next_midnight_is_the_utc_midnight_that_ends_the_day() -> None:
    assert next_midnight(date(2026, 11, 22)) == 1795392000  # 2026-11-23T00:00:00Z
    assert next_midnight(date(1999, 12, 31)) == 946684800  # 2000-01-01T00:00:00Z
    assert next_midnight(date(2024, 2, 28)) == 1709164800  # 2024-02-29T00:00:00Z
    assert next_midnight(date(2024, 2, 29)) - next_midnight(date(2024, 2, 28)) == 86_400


def test_today_is_the_utc_date_and_reset_is_within_a_day() -> None:
    before = datetime.now(UTC)
    day = today()
    after = datetime.now(UTC)
    assert day in (before.date(), after.date())
    reset = next_midnight(day)
    assert datetime.fromtimestamp(reset, UTC) == datetime.combine(
        day + timedelta(days=1), datetime.min.time(), tzinfo=UTC
    )
    assert 0 < reset - after.timestamp() <= 86_400


def test_first_request_of_a_fresh_key_leaves_limit_minus_one() -> None:
    quota = Quota(limit=5000, used=1, reset=1795392000)
    assert quota.remaining == 4999
    assert not quota.exceeded
    assert quota.headers() == [
        (b"x-ratelimit-limit", b"5000"),
        (b"x-ratelimit-remaining", b"4999"),
        (b"x-ratelimit-reset", b"1795392000"),
    ]


def test_the_last_allowed_request_and_the_ones_after_it() -> None:
    last = Quota(limit=5, used=5, reset=1)
    assert last.remaining == 0 and not last.exceeded
    over = Quota(limit=5, used=6, reset=1)
    assert over.remaining == 0 and over.exceeded
    far_over = Quota(limit=5, used=500, reset=1)
    assert far_over.remaining == 0 and far_over.exceeded
    assert dict(far_over.headers())[b"x-ratelimit-remaining"] == b"0"


def test_no_cap_means_no_headers_and_never_exceeded() -> None:
    quota = Quota(limit=None, used=0, reset=1795392000)
    assert quota.remaining is None
    assert not quota.exceeded
    assert quota.headers() == []
    assert not Quota(limit=None, used=10**9, reset=1).exceeded


def test_plan_limits_come_from_the_settings() -> None:
    default = Settings()
    assert [default.plan_request_limit(p) for p in ("plus", "premium", "unlimited")] == [
        5000,
        10000,
        None,
    ]
    assert [default.plan_key_limit(p) for p in ("free", "plus", "premium", "unlimited")] == [
        0,
        3,
        5,
        None,
    ]
    custom = Settings.from_env(
        {
            "MARKHIVE_PLAN_REQUESTS_PLUS": "40",
            "MARKHIVE_PLAN_REQUESTS_PREMIUM": "80",
            "MARKHIVE_PLAN_KEYS_PLUS": "1",
            "MARKHIVE_PLAN_KEYS_PREMIUM": "2",
            "MARKHIVE_DEFAULT_PLAN": "plus",
        }
    )
    assert custom.plan_request_limit("plus") == 40
    assert custom.plan_request_limit("premium") == 80
    assert custom.plan_key_limit("plus") == 1
    assert custom.plan_key_limit("premium") == 2
    assert custom.default_plan == "plus"


# --- shared checks for every store -------------------------------------------------------


def check_counting(store: QuotaStore, first: int, second: int) -> None:
    assert [store.hit(first, DAY) for _ in range(3)] == [1, 2, 3]
    assert store.hit(first, DAY + timedelta(days=1)) == 1  # a new day starts at 1
    assert store.hit(second, DAY) == 1  # another key has its own counter
    assert store.hit(first, DAY) == 4  # neither touched the first key's day
    assert store.hit(second, DAY + timedelta(days=1)) == 1
    assert store.hit(first, DAY + timedelta(days=1)) == 2


def check_exact_under_threads(store: QuotaStore, key_id: int) -> None:
    counts: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def hammer() -> None:
        try:
            start.wait()
            mine = [store.hit(key_id, DAY) for _ in range(HITS)]
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
            return
        with lock:
            counts.extend(mine)

    threads = [threading.Thread(target=hammer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(counts) == list(range(1, THREADS * HITS + 1))
    assert store.hit(key_id, DAY) == THREADS * HITS + 1


# --- the database store ---------------------------------------------------------------


def make_keys(database: Database, settings: Settings, count: int) -> list[int]:
    with database.unit() as session:
        owner = users.create_user(session, settings, "quota-owner", plan="unlimited")
        return [users.create_key(session, settings, owner, f"k{i}").key.id for i in range(count)]


def test_database_counts_per_key_and_day(database: Database, settings: Settings) -> None:
    first, second = make_keys(database, settings, 2)
    check_counting(DatabaseQuota(database), first, second)
    with database.unit(write=False) as session:
        assert repository.requests_on(session, first, DAY) == 4
        assert repository.requests_on(session, first, DAY + timedelta(days=1)) == 2
        assert repository.requests_on(session, second, DAY) == 1
        assert repository.requests_on(session, second, DAY - timedelta(days=1)) == 0


def test_database_counts_are_exact_under_threads(database: Database, settings: Settings) -> None:
    (key_id,) = make_keys(database, settings, 1)
    check_exact_under_threads(DatabaseQuota(database), key_id)
    with database.unit(write=False) as session:
        assert repository.requests_on(session, key_id, DAY) == THREADS * HITS + 1


def test_database_counts_survive_a_new_connection(database: Database, settings: Settings) -> None:
    (key_id,) = make_keys(database, settings, 1)
    assert [DatabaseQuota(database).hit(key_id, DAY) for _ in range(5)] == [1, 2, 3, 4, 5]
    database.dispose()
    again = Database(make_engine(settings.database_url, pool_size=1))
    try:
        assert DatabaseQuota(again).hit(key_id, DAY) == 6
    finally:
        again.dispose()


def test_database_forgets_days_older_than_a_week(database: Database, settings: Settings) -> None:
    key_id, other = make_keys(database, settings, 2)
    store = DatabaseQuota(database)
    for days_ago in (10, KEEP_DAYS, KEEP_DAYS - 1):
        store.hit(key_id, DAY - timedelta(days=days_ago))
    store.hit(other, DAY - timedelta(days=10))
    assert store.hit(key_id, DAY) == 1  # the first request today clears the key's old days
    with database.unit(write=False) as session:
        assert repository.requests_on(session, key_id, DAY - timedelta(days=10)) == 0
        assert repository.requests_on(session, key_id, DAY - timedelta(days=KEEP_DAYS)) == 1
        assert repository.requests_on(session, key_id, DAY - timedelta(days=KEEP_DAYS - 1)) == 1
        assert repository.requests_on(session, other, DAY - timedelta(days=10)) == 1


def test_make_store_picks_by_database_without_a_redis_url(
    database: Database, settings: Settings
) -> None:
    store = make_store(settings, database)
    try:
        kind = SqliteFileQuota if settings.is_sqlite else DatabaseQuota
        assert isinstance(store, kind)
    finally:
        store.close()


# --- the SQLite file of its own ---------------------------------------------------------


@pytest.fixture
def file_store(tmp_path: Path) -> Iterator[SqliteFileQuota]:
    store = SqliteFileQuota(tmp_path / "quota.db")
    try:
        yield store
    finally:
        store.close()


def test_file_counts_per_key_and_day(file_store: SqliteFileQuota) -> None:
    check_counting(file_store, 1, 2)
    assert file_store.used(1, DAY) == 4 and file_store.used(2, DAY - timedelta(days=1)) == 0


def test_file_counts_are_exact_under_threads(file_store: SqliteFileQuota) -> None:
    check_exact_under_threads(file_store, 5)


def test_file_counts_survive_reopening_and_are_shared(tmp_path: Path) -> None:
    first = SqliteFileQuota(tmp_path / "quota.db")
    second = SqliteFileQuota(tmp_path / "quota.db")  # as another process would open it
    try:
        assert [first.hit(3, DAY), second.hit(3, DAY), first.hit(3, DAY)] == [1, 2, 3]
    finally:
        first.close()
        second.close()
    again = SqliteFileQuota(tmp_path / "quota.db")
    try:
        assert again.hit(3, DAY) == 4
    finally:
        again.close()


def test_file_forgets_days_older_than_a_week(file_store: SqliteFileQuota) -> None:
    for days_ago in (10, KEEP_DAYS):
        file_store.hit(4, DAY - timedelta(days=days_ago))
    assert file_store.hit(4, DAY) == 1
    assert file_store.used(4, DAY - timedelta(days=10)) == 0
    assert file_store.used(4, DAY - timedelta(days=KEEP_DAYS)) == 1


# --- the Redis store --------------------------------------------------------------------


@pytest.fixture
def redis_store(redis_url: str) -> Iterator[RedisQuota]:
    flush(redis_url)
    store = RedisQuota(redis_url)
    try:
        yield store
    finally:
        store.close()


def test_redis_counts_per_key_and_day(redis_store: RedisQuota) -> None:
    check_counting(redis_store, 7, 8)


def test_redis_counts_are_exact_under_threads(redis_store: RedisQuota) -> None:
    check_exact_under_threads(redis_store, 9)


def test_redis_counts_survive_a_new_client(redis_url: str, redis_store: RedisQuota) -> None:
    assert [redis_store.hit(3, DAY) for _ in range(4)] == [1, 2, 3, 4]
    redis_store.close()
    again = RedisQuota(redis_url)
    try:
        assert again.hit(3, DAY) == 5
    finally:
        again.close()


def test_redis_counter_expires_a_day_after_its_day(redis_url: str, redis_store: RedisQuota) -> None:
    day = today()
    redis_store.hit(11, day)
    client = redis.Redis.from_url(redis_url)
    try:
        name = f"markhive:quota:11:{day.isoformat()}"
        assert client.get(name) == b"1"
        assert client.expiretime(name) == next_midnight(day) + 86_400
    finally:
        client.close()


def test_make_store_picks_redis_with_a_url(
    redis_url: str, database: Database, settings: Settings
) -> None:
    store = make_store(dataclasses.replace(settings, redis_url=redis_url), database)
    try:
        assert isinstance(store, RedisQuota)
    finally:
        store.close()
