"""The daily quota across real server processes: two ``markhive serve`` on one database
(PostgreSQL or one SQLite file), counters in the database or in Redis, requests fired in
parallel at both servers and both dialects over HTTP; then a restart.

The spec: counts are exact under concurrency (never more than the limit let through),
shared by all server processes, and survive a restart.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import select

from markhive.db.engine import make_engine
from markhive.db.migrate import migrate
from markhive.db.session import Database
from markhive.settings import Settings
from markhive.users import service as users
from markhive.users.models import RequestQuota
from markhive.users.quota import SqliteFileQuota
from tests.pgserver import PostgresServer
from tests.redisserver import flush
from tests.serverproc import REPO, ServeProcess

STARTUP_SECONDS = 60.0
LIMIT = 40
TOTAL = 100
# Half the requests in each dialect, all of them succeeding when admitted.
PATHS = ("/api/v1/urls", "/api/bookmarks/", "/api/v1/auth/me", "/api/tags/")

pytestmark = pytest.mark.slow


@dataclass
class Deployment:
    env: dict[str, str]
    data_dir: Path
    database_url: str
    redis_url: str = ""

    def _launch(self, name: str) -> ServeProcess:
        return ServeProcess.launch(self.env, self.data_dir, name)

    @contextmanager
    def serving(self, count: int) -> Iterator[list[ServeProcess]]:
        """``count`` server processes, started side by side, stopped at the end."""
        servers = [self._launch(f"server{i}") for i in range(count)]
        try:
            for server in servers:
                server.wait_healthy(STARTUP_SECONDS)
            yield servers
        finally:
            for server in servers:
                server.stop()


def midnights() -> set[int]:
    now = datetime.now(UTC)
    return {
        int(datetime.combine(day + timedelta(days=1), clock(0), tzinfo=UTC).timestamp())
        for day in (now.date(), (now + timedelta(seconds=60)).date())
    }


def base_env(data_dir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKHIVE_")}
    env.update(
        MARKHIVE_DATA_DIR=str(data_dir),
        MARKHIVE_DATABASE_URL=database_url,
        MARKHIVE_REDIS_URL=redis_url,
        MARKHIVE_PLAN_REQUESTS_PLUS=str(LIMIT),
        MARKHIVE_DEFAULT_PLAN="plus",
        MARKHIVE_WORKERS="1",
        MARKHIVE_RUN_WORKER="false",
        MARKHIVE_SECRET_KEY="rate-limit-test",
        MARKHIVE_LOG_LEVEL="warning",
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


@pytest.fixture(
    params=[
        pytest.param(("postgres", "database"), marks=pytest.mark.postgres, id="postgres-database"),
        pytest.param(("postgres", "redis"), marks=pytest.mark.postgres, id="postgres-redis"),
        pytest.param(("sqlite", "database"), id="sqlite-database"),
    ]
)
def deployment(request: pytest.FixtureRequest, tmp_path: Path, worker_id: str) -> Deployment:
    backend, store = request.param
    if backend == "postgres":
        pg: PostgresServer | None = request.getfixturevalue("pg_server")
        if pg is None:
            pytest.skip("PostgreSQL is not installed")
        database_url = pg.create_database(f"markhive_quota_{worker_id}_{store}")
    else:
        database_url = f"sqlite:///{tmp_path / 'shared.db'}"
    redis_url = ""
    if store == "redis":
        redis_url = request.getfixturevalue("redis_url")
        flush(redis_url)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = base_env(data_dir, database_url, redis_url)
    return Deployment(env, data_dir, database_url, redis_url)


def stored_count(deployment: Deployment, key_id: int) -> tuple[int, int | None]:
    """(the count in the database store, the count in Redis or None) for the key today."""
    day = datetime.now(UTC).date()
    if deployment.database_url.startswith("sqlite"):  # the counters' own file beside it
        store = SqliteFileQuota(deployment.data_dir / "quota.db")
        try:
            in_database = store.used(key_id, day)
        finally:
            store.close()
    else:
        engine = make_engine(deployment.database_url, pool_size=1)
        try:
            with engine.connect() as conn:
                query = select(RequestQuota.count).where(
                    RequestQuota.key_id == key_id, RequestQuota.day == day
                )
                in_database = int(conn.scalar(query) or 0)
        finally:
            engine.dispose()
    if not deployment.redis_url:
        return in_database, None
    client = redis.Redis.from_url(deployment.redis_url)
    try:
        value = client.get(f"markhive:quota:{key_id}:{day.isoformat()}")
    finally:
        client.close()
    return in_database, int(value or 0)


def expected_store(deployment: Deployment, count: int) -> tuple[int, int | None]:
    return (0, count) if deployment.redis_url else (count, None)


def fire(servers: list[ServeProcess], secret: str) -> list[httpx.Response]:
    """TOTAL requests at once, spread over the servers, the dialects and both key spellings."""
    clients = [httpx.Client(base_url=s.url, timeout=60.0) for s in servers]
    bare = secret.removeprefix("lgg_")

    def one(i: int) -> httpx.Response:
        client = clients[i % len(clients)]
        path = PATHS[(i // len(clients)) % len(PATHS)]
        key = secret if i % 3 else bare
        response = client.get(path, headers={"Authorization": f"Bearer {key}"})
        response.read()
        return response

    try:
        with ThreadPoolExecutor(max_workers=32) as pool:
            return list(pool.map(one, range(TOTAL)))
    finally:
        for client in clients:
            client.close()


def check_burst(responses: list[httpx.Response]) -> None:
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: LIMIT, 429: TOTAL - LIMIT}, statuses
    admitted = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 429]
    resets = midnights()
    for response in responses:
        assert response.headers["x-ratelimit-limit"] == str(LIMIT)
        assert int(response.headers["x-ratelimit-reset"]) in resets
    remaining = sorted(int(r.headers["x-ratelimit-remaining"]) for r in admitted)
    assert remaining == list(range(LIMIT))  # each admitted request saw its own count
    for response in refused:
        assert response.headers["x-ratelimit-remaining"] == "0"
        assert response.headers["retry-after"] == "86400"
        assert response.json() == {"detail": f"Rate limit exceeded: {LIMIT} requests per day"}
    # Both dialects and both servers took part in the burst.
    assert {r.request.url.path.startswith("/api/v1/") for r in responses} == {True, False}
    assert len({(r.request.url.host, r.request.url.port) for r in responses}) == 2


def create_plus_key(deployment: Deployment) -> tuple[int, str]:
    """A plus user and its key, made in this process through markhive's own services on the
    migrated database (the CLI's path; running the CLI would cost two interpreter starts).
    Done before the servers start, so none of them makes a first-start admin."""
    settings = Settings.from_env(deployment.env)
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        migrate(engine)
        database = Database(engine)
        with database.unit() as session:
            owner = users.create_user(session, settings, "quota-user")
            assert owner.plan == "plus"  # MARKHIVE_DEFAULT_PLAN
            new = users.create_key(session, settings, owner, "burst")
            return new.key.id, new.secret
    finally:
        engine.dispose()


def test_two_servers_share_one_exact_count_that_survives_a_restart(
    deployment: Deployment,
) -> None:
    key_id, secret = create_plus_key(deployment)

    with deployment.serving(2) as servers:
        responses = fire(servers, secret)
        check_burst(responses)
        assert stored_count(deployment, key_id) == expected_store(deployment, TOTAL)

    # Both servers are gone; one comes back: the day's count is still there.
    with deployment.serving(1) as (server,):
        assert server.process.poll() is None
        with httpx.Client(base_url=server.url, timeout=30.0) as client:
            auth = {"Authorization": f"Token {secret}"}
            for path in ("/api/v1/urls", "/api/bookmarks/"):
                response = client.get(path, headers=auth)
                assert response.status_code == 429, response.text
                assert response.headers["retry-after"] == "86400"
                assert response.headers["x-ratelimit-remaining"] == "0"
                assert response.headers["x-ratelimit-limit"] == str(LIMIT)
        assert stored_count(deployment, key_id) == expected_store(deployment, TOTAL + 2)
