"""Fixtures shared by the whole suite: settings, a migrated database per backend.

Every test that takes ``settings`` (or anything built on it) runs twice: on SQLite
and on a real PostgreSQL server that the suite starts itself.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from markhive.db.engine import make_engine
from markhive.db.migrate import migrate
from markhive.db.models import Base
from markhive.db.session import Database
from markhive.settings import Settings
from tests.pgserver import PostgresServer, find_bin_dir

REQUIRE_POSTGRES = os.environ.get("MARKHIVE_TEST_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer | None]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if REQUIRE_POSTGRES:
            pytest.fail("PostgreSQL is not installed (run `make test`, which installs it)")
        yield None
        return
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def pg_template_url(pg_server: PostgresServer | None) -> str | None:
    if pg_server is None:
        return None
    url = pg_server.create_database(f"markhive_test_{_worker()}")
    engine = make_engine(url, pool_size=1)
    migrate(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "markhive.db"
    engine = make_engine(f"sqlite:///{path}", pool_size=1)
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _truncate_all(url: str) -> None:
    engine = make_engine(url, pool_size=1)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp_path / "markhive.db")
        return f"sqlite:///{tmp_path / 'markhive.db'}"
    url = request.getfixturevalue("pg_template_url")
    if url is None:
        pytest.skip("PostgreSQL is not installed")
    _truncate_all(url)
    return str(url)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings.from_env(
        {},
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="test-secret",
        allow_private_fetch=True,
        run_worker=False,
        fetch_timeout=3.0,
    )


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database(make_engine(settings.database_url, pool_size=4))
    try:
        yield db
    finally:
        db.dispose()


# --- the application over HTTP (in-process ASGI client) --------------------------------

from dataclasses import dataclass  # noqa: E402

from fastapi.testclient import TestClient  # noqa: E402

from markhive.app import create_app  # noqa: E402
from markhive.context import Context, build_context  # noqa: E402
from markhive.users import service as user_service  # noqa: E402


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = build_context(settings)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def app(settings: Settings, ctx: Context):  # type: ignore[no-untyped-def]
    return create_app(settings, ctx)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@dataclass
class Account:
    id: int
    username: str
    key: str  # the secret, lgg_ + 40 hex; "" on a plan without API access

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.key}"}


@pytest.fixture
def make_account(ctx: Context):  # type: ignore[no-untyped-def]
    def make(username: str = "alice", plan: str = "unlimited", **profile: object) -> Account:
        with ctx.db.unit() as session:
            user = user_service.create_user(
                session, ctx.settings, username, "password123", plan=plan
            )
            user.profile = dict(profile)
            if ctx.settings.plan_key_limit(plan) == 0:  # the free plan: no API keys
                return Account(id=user.id, username=user.username, key="")
            new = user_service.create_key(session, ctx.settings, user, "test")
            return Account(id=user.id, username=user.username, key=new.secret)

    return make


@pytest.fixture
def alice(make_account) -> Account:  # type: ignore[no-untyped-def]
    return make_account("alice")


@pytest.fixture
def api(client: TestClient, alice: Account) -> TestClient:
    """A client that sends alice's key with every request."""
    client.headers.update(alice.auth)
    return client


# --- a local web server for tests that fetch pages (there is no internet) ---------------

from tests.fetch.pageserver import PageServer  # noqa: E402


@pytest.fixture
def pages() -> Iterator[PageServer]:
    with PageServer().running() as server:
        yield server


# --- a private Redis server (the Redis quota store) --------------------------------------

from tests.redisserver import RedisServer, find_redis_server  # noqa: E402


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The URL of a Redis server started for this test process (one per xdist worker)."""
    executable = find_redis_server()
    if executable is None:
        if REQUIRE_POSTGRES:
            pytest.fail("redis-server is not installed (run `make test`, which installs it)")
        pytest.skip("redis-server is not installed")
    server = RedisServer(executable)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
