"""Plans and daily per-key rate limits on both API dialects, through the application.

The spec (linkagogo-v1.md, "Authentication, keys, plans, rate limits"): plans free/plus/
premium/unlimited with 0/3/5/no cap keys and -/5,000/10,000/no cap requests per key per UTC
day; X-RateLimit-Limit/-Remaining/-Reset on every response on a capped plan (Remaining
counts the request itself); 429 with Retry-After: 86400 for the request over the limit and
every one after it; failed requests count; one counter per key for both dialects; a user on
free whose keys still exist gets 403 everywhere.

Here the plus plan allows 5 requests a day unless a test asks for the defaults; the tests
marked with the ``store`` parameter run with the counters in the database and in Redis.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx
import pytest
import redis
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from markhive.bookmarks.models import Bookmark
from markhive.cli.main import cli
from markhive.context import Context
from markhive.errors import Forbidden
from markhive.settings import Settings
from markhive.users import repository
from markhive.users import service as user_service
from markhive.users.models import ApiKey, RequestQuota
from tests.conftest import Account
from tests.redisserver import flush

MakeAccount = Callable[..., Account]
LIMIT = 5
HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")
EXCEEDED = {"detail": f"Rate limit exceeded: {LIMIT} requests per day"}

# Requests that succeed for any account, in each dialect.
V1_OK = ("/api/v1/urls", "/api/v1/auth/me", "/api/v1/folders", "/api/v1/account/stats")
LINKDING_OK = ("/api/bookmarks/", "/api/tags/", "/api/user/profile/", "/api/")


@pytest.fixture
def limits(request: pytest.FixtureRequest) -> dict[str, Any]:
    return dict(getattr(request, "param", {"plan_requests_plus": LIMIT}))


@pytest.fixture
def store(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "database"))


@pytest.fixture
def settings(
    settings: Settings, limits: dict[str, Any], store: str, request: pytest.FixtureRequest
) -> Settings:
    changes = dict(limits)
    if store == "redis":
        url = request.getfixturevalue("redis_url")
        flush(url)
        changes["redis_url"] = url
    return dataclasses.replace(settings, **changes)


both_stores = pytest.mark.parametrize("store", ["database", "redis"], indirect=True)
default_limits = pytest.mark.parametrize("limits", [{}], indirect=True)


def midnights() -> set[int]:
    """The next UTC midnight, as Unix time (two values if the test runs across midnight)."""
    now = datetime.now(UTC)
    return {
        int(datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC).timestamp())
        for day in (now.date(), (now + timedelta(seconds=30)).date())
    }


def standing(response: httpx.Response) -> tuple[int, int]:
    """(limit, remaining) from the headers, after checking that all three are there and
    that the reset is the next UTC midnight."""
    missing = [name for name in HEADERS if name not in response.headers]
    assert not missing, (response.request.url, response.status_code, missing)
    assert int(response.headers["x-ratelimit-reset"]) in midnights()
    return int(response.headers["x-ratelimit-limit"]), int(
        response.headers["x-ratelimit-remaining"]
    )


def assert_no_rate_headers(response: httpx.Response) -> None:
    present = [name for name in (*HEADERS, "retry-after") if name in response.headers]
    assert not present, (response.request.url, present)


def assert_exceeded(response: httpx.Response, limit: int = LIMIT) -> None:
    assert response.status_code == 429, (response.request.url, response.text)
    assert response.json() == {"detail": f"Rate limit exceeded: {limit} requests per day"}
    assert response.headers["retry-after"] == "86400"
    assert standing(response) == (limit, 0)


@pytest.fixture
def make_account(ctx: Context) -> MakeAccount:
    """Like the suite's make_account, without a password (hashing one costs 0.2 s)."""

    def make(username: str, plan: str) -> Account:
        with ctx.db.unit() as session:
            user = user_service.create_user(session, ctx.settings, username, plan=plan)
            new = user_service.create_key(session, ctx.settings, user, "test")
            return Account(id=user.id, username=user.username, key=new.secret)

    return make


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def cli_run(settings: Settings, *args: str, **env: str) -> Result:
    environment = {
        "MARKHIVE_DATA_DIR": str(settings.data_dir),
        "MARKHIVE_DATABASE_URL": settings.database_url,
        **env,
    }
    return CliRunner().invoke(cli, list(args), env=environment)


def new_key(ctx: Context, username: str) -> str:
    with ctx.db.unit() as session:
        owner = user_service.get_user(session, username)
        return user_service.create_key(session, ctx.settings, owner, "another").secret


def key_id(ctx: Context, secret: str) -> int:
    with ctx.db.unit(write=False) as session:
        key, _ = user_service.authenticate_key(session, secret)
        return key.id


def bookmark_count(ctx: Context) -> int:
    with ctx.db.unit(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(Bookmark)) or 0)


# --- the headers ------------------------------------------------------------------------


@default_limits
def test_first_response_of_a_fresh_plus_key_says_4999(
    client: TestClient, make_account: MakeAccount
) -> None:
    plus = make_account("plus-user", plan="plus")
    first = client.get("/api/v1/urls", headers=bearer(plus.key))
    assert first.status_code == 200
    assert standing(first) == (5000, 4999)
    second = client.get("/api/bookmarks/", headers=plus.auth)
    assert second.status_code == 200
    assert standing(second) == (5000, 4998)


@default_limits
def test_premium_counts_from_ten_thousand(client: TestClient, make_account: MakeAccount) -> None:
    premium = make_account("premium-user", plan="premium")
    assert standing(client.get("/api/bookmarks/", headers=premium.auth)) == (10000, 9999)
    assert standing(client.get("/api/v1/auth/me", headers=premium.auth)) == (10000, 9998)


@both_stores
def test_every_response_on_both_dialects_carries_the_headers(
    client: TestClient,
    make_account: MakeAccount,
) -> None:
    plus = make_account("plus-user", plan="plus")
    seen = []
    for path in (V1_OK[0], LINKDING_OK[0], V1_OK[1], LINKDING_OK[1], V1_OK[2]):
        response = client.get(path, headers=plus.auth)
        assert response.status_code == 200, (path, response.text)
        seen.append(standing(response))
    assert seen == [(LIMIT, remaining) for remaining in (4, 3, 2, 1, 0)]


def test_unlimited_plan_sends_none_of_the_headers(
    client: TestClient, make_account: MakeAccount
) -> None:
    unlimited = make_account("unlimited-user", plan="unlimited")
    paths = [*V1_OK, *LINKDING_OK, "/api/v1/urls/999999", "/api/bookmarks/999999/"]
    for _ in range(2):  # more than LIMIT requests in all: no cap on this plan
        for path in paths:
            response = client.get(path, headers=unlimited.auth)
            assert response.status_code in (200, 404), (path, response.text)
            assert_no_rate_headers(response)
    created = client.post(
        "/api/v1/urls", json={"url": "https://a.example/"}, headers=unlimited.auth
    )
    assert created.status_code == 201
    assert_no_rate_headers(created)


def test_other_plans_keep_their_limits(client: TestClient, make_account: MakeAccount) -> None:
    """Lowering plus does not touch premium (default 10,000 here)."""
    premium = make_account("premium-user", plan="premium")
    plus = make_account("plus-user", plan="plus")
    assert standing(client.get("/api/v1/urls", headers=premium.auth)) == (10000, 9999)
    assert standing(client.get("/api/v1/urls", headers=plus.auth)) == (LIMIT, LIMIT - 1)


# --- what counts --------------------------------------------------------------------------


def test_failed_requests_count_too(
    client: TestClient, make_account: MakeAccount, ctx: Context
) -> None:
    plus = make_account("plus-user", plan="plus")
    failures = [
        ("GET", "/api/v1/urls/999999", None, 404),
        ("POST", "/api/v1/urls", {"title": "no url"}, 422),
        ("GET", "/api/bookmarks/999999/", None, 404),
        ("PATCH", "/api/v1/urls/999999", {"rating": 9}, 404),
    ]
    remaining = LIMIT
    for method, path, body, status in failures:
        response = client.request(method, path, json=body, headers=plus.auth)
        assert response.status_code == status, (path, response.text)
        remaining -= 1
        assert standing(response) == (LIMIT, remaining), path
    bad_json = client.post(
        "/api/v1/urls",
        content=b"{not json",
        headers={**plus.auth, "Content-Type": "application/json"},
    )
    assert bad_json.status_code == 422
    assert standing(bad_json) == (LIMIT, 0)
    # The limit is used up by failures alone: even a request that would succeed is refused.
    assert_exceeded(client.get("/api/v1/urls", headers=plus.auth))
    assert_exceeded(client.get("/api/bookmarks/", headers=plus.auth))
    assert ctx.quota.used(key_id(ctx, plus.key), datetime.now(UTC).date()) == LIMIT + 2


def test_out_of_range_ids_count_too(client: TestClient, make_account: MakeAccount) -> None:
    """A 404 for an id the route cannot hold (0, or beyond 32 bits) is a request made with
    the key like any other 404: it carries the headers and is counted."""
    plus = make_account("plus-user", plan="plus")
    responses = [
        client.get("/api/v1/urls/0", headers=plus.auth),
        client.get("/api/bookmarks/0/", headers=plus.auth),
        client.delete("/api/v1/urls/99999999999", headers=plus.auth),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert [standing(r) for r in responses] == [(LIMIT, 4), (LIMIT, 3), (LIMIT, 2)]


def test_over_the_limit_out_of_range_ids_are_429(
    client: TestClient, make_account: MakeAccount
) -> None:
    """Every request after the limit that day is 429, whatever it asks for."""
    plus = make_account("plus-user", plan="plus")
    for _ in range(LIMIT):
        assert client.get("/api/v1/urls", headers=plus.auth).status_code == 200
    assert_exceeded(client.get("/api/v1/urls/999999", headers=plus.auth))
    assert_exceeded(client.get("/api/v1/urls/0", headers=plus.auth))
    assert_exceeded(client.get("/api/bookmarks/0/", headers=plus.auth))


def test_a_bad_key_is_401_without_headers_and_counts_nothing(
    client: TestClient,
    make_account: MakeAccount,
) -> None:
    plus = make_account("plus-user", plan="plus")
    wrong = "lgg_" + "0" * 40
    for path in ("/api/v1/urls", "/api/bookmarks/"):
        response = client.get(path, headers=bearer(wrong))
        assert response.status_code == 401
        assert_no_rate_headers(response)
    assert standing(client.get("/api/v1/urls", headers=plus.auth)) == (LIMIT, LIMIT - 1)


# --- over the limit ------------------------------------------------------------------------


@both_stores
def test_v1_over_the_limit_is_429_with_retry_after(
    client: TestClient,
    make_account: MakeAccount,
    ctx: Context,
) -> None:
    plus = make_account("plus-user", plan="plus")
    for remaining in range(LIMIT - 1, -1, -1):
        response = client.get("/api/v1/urls", headers=plus.auth)
        assert response.status_code == 200
        assert standing(response) == (LIMIT, remaining)
    assert_exceeded(client.get("/api/v1/urls", headers=plus.auth))
    refused = client.post("/api/v1/urls", json={"url": "https://late.example/"}, headers=plus.auth)
    assert_exceeded(refused)
    assert bookmark_count(ctx) == 0  # a refused write changes nothing
    for path in (*V1_OK, "/api/v1/account/reminders"):
        assert_exceeded(client.get(path, headers=plus.auth))
    assert_exceeded(client.get("/api/bookmarks/", headers=plus.auth))  # the other dialect too


@both_stores
def test_linkding_over_the_limit_is_429_with_retry_after(
    client: TestClient,
    make_account: MakeAccount,
    ctx: Context,
) -> None:
    plus = make_account("plus-user", plan="plus")
    for remaining in range(LIMIT - 1, -1, -1):
        response = client.get("/api/bookmarks/", headers=plus.auth)
        assert response.status_code == 200
        assert standing(response) == (LIMIT, remaining)
    refused = client.post(
        "/api/bookmarks/?disable_scraping", json={"url": "https://late.example/"}, headers=plus.auth
    )
    assert_exceeded(refused)
    assert refused.json() == EXCEEDED  # linkding's {"detail"} shape, nothing else
    assert bookmark_count(ctx) == 0
    for path in (*LINKDING_OK, "/api/bookmarks/archived/", "/api/bookmarks/shared/"):
        assert_exceeded(client.get(path, headers=plus.auth))
    assert_exceeded(client.get("/api/v1/auth/me", headers=plus.auth))


@both_stores
def test_one_counter_for_both_dialects_and_both_spellings_of_the_key(
    client: TestClient,
    make_account: MakeAccount,
) -> None:
    plus = make_account("plus-user", plan="plus")
    bare = plus.key.removeprefix("lgg_")
    assert re.fullmatch(r"[0-9a-f]{40}", bare)
    calls = [
        ("/api/v1/urls", bearer(plus.key)),
        ("/api/bookmarks/", {"Authorization": f"Token {bare}"}),
        ("/api/v1/folders", bearer(bare)),
        ("/api/tags/", {"Authorization": f"token {plus.key}"}),
        ("/api/v1/auth/me", {"Authorization": f"BEARER {bare}"}),
    ]
    seen = []
    for path, headers in calls:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)
        seen.append(standing(response))
    assert seen == [(LIMIT, r) for r in (4, 3, 2, 1, 0)]
    for path, headers in calls:
        assert_exceeded(client.get(path, headers=headers))


@both_stores
def test_each_key_has_its_own_counter(
    client: TestClient,
    make_account: MakeAccount,
    ctx: Context,
) -> None:
    plus = make_account("plus-user", plan="plus")
    other_user = make_account("other-user", plan="plus")
    for _ in range(LIMIT):
        client.get("/api/v1/urls", headers=plus.auth)
    assert_exceeded(client.get("/api/v1/urls", headers=plus.auth))
    second = new_key(ctx, "plus-user")  # the same user's next key starts afresh
    assert standing(client.get("/api/bookmarks/", headers=bearer(second))) == (LIMIT, 4)
    assert standing(client.get("/api/v1/urls", headers=other_user.auth)) == (LIMIT, 4)
    assert_exceeded(client.get("/api/bookmarks/", headers=plus.auth))


def test_counts_are_kept_in_the_database_store(
    client: TestClient,
    make_account: MakeAccount,
    ctx: Context,
) -> None:
    plus = make_account("plus-user", plan="plus")
    for path in ("/api/v1/urls", "/api/bookmarks/") * 4:  # 8 requests: 5 admitted, 3 refused
        client.get(path, headers=plus.auth)
    day = datetime.now(UTC).date()
    assert ctx.quota.used(key_id(ctx, plus.key), day) == 2 * 4
    with ctx.db.unit(write=False) as session:
        rows = [
            tuple(r)
            for r in session.execute(
                select(RequestQuota.key_id, RequestQuota.day, RequestQuota.count)
            )
        ]
    if ctx.settings.is_sqlite:  # kept in DATA_DIR/quota.db, away from the main file
        assert rows == []
        assert (ctx.settings.data_dir / "quota.db").exists()
    else:
        assert rows == [(key_id(ctx, plus.key), day, 2 * 4)]


@pytest.mark.parametrize("store", ["redis"], indirect=True)
def test_redis_counts_leave_request_quota_empty(
    client: TestClient,
    make_account: MakeAccount,
    ctx: Context,
    redis_url: str,
) -> None:
    plus = make_account("plus-user", plan="plus")
    for path in ("/api/v1/urls", "/api/bookmarks/") * 4:
        client.get(path, headers=plus.auth)
    with ctx.db.unit(write=False) as session:
        assert session.scalar(select(func.count()).select_from(RequestQuota)) == 0
    client_ = redis.Redis.from_url(redis_url)
    try:
        day = datetime.now(UTC).date().isoformat()
        assert client_.get(f"markhive:quota:{key_id(ctx, plus.key)}:{day}") == b"8"
    finally:
        client_.close()


# --- the free plan ---------------------------------------------------------------------------


def test_free_plan_is_403_on_both_dialects(
    client: TestClient,
    make_account: MakeAccount,
    ctx: Context,
    settings: Settings,
) -> None:
    plus = make_account("downgraded", plan="plus")
    second = new_key(ctx, "downgraded")
    assert client.get("/api/v1/urls", headers=plus.auth).status_code == 200
    changed = cli_run(settings, "user", "set-plan", "downgraded", "free")
    assert changed.exit_code == 0, changed.output
    requests: list[tuple[str, str, dict[str, Any] | None]] = [
        *(("GET", path, None) for path in (*V1_OK, *LINKDING_OK)),
        ("GET", "/api/bookmarks/shared/", None),
        ("GET", "/api/v1/urls/1", None),
        ("POST", "/api/v1/urls", {"url": "https://free.example/"}),
        ("POST", "/api/bookmarks/?disable_scraping", {"url": "https://free.example/"}),
        ("POST", "/api/v1/folders", {"name": "Nope"}),
    ]
    for secret in (plus.key, second, second.removeprefix("lgg_")):
        for method, path, body in requests:
            response = client.request(method, path, json=body, headers=bearer(secret))
            assert response.status_code == 403, (method, path, response.status_code)
            payload = response.json()
            assert list(payload) == ["detail"] and isinstance(payload["detail"], str)
            assert payload["detail"]
    assert bookmark_count(ctx) == 0
    # Back on plus, the same keys work again.
    assert cli_run(settings, "user", "set-plan", "downgraded", "plus").exit_code == 0
    again = client.get("/api/bookmarks/", headers=bearer(second))
    assert again.status_code == 200
    assert standing(again)[0] == LIMIT


# --- how many keys -----------------------------------------------------------------------------


def test_key_count_follows_the_plan(ctx: Context) -> None:
    settings = ctx.settings
    expected = {"free": 0, "plus": 3, "premium": 5, "unlimited": 12}  # 12: no cap reached
    with ctx.db.unit() as session:
        for plan, allowed in expected.items():
            owner = user_service.create_user(session, settings, f"{plan}-owner", plan=plan)
            made = []
            for n in range(allowed):
                made.append(user_service.create_key(session, settings, owner, f"k{n}"))
            assert len(made) == allowed
            if plan == "unlimited":
                continue
            with pytest.raises(Forbidden, match=f"{plan} plan allows {allowed} API key"):
                user_service.create_key(session, settings, owner, "one too many")
            assert len(repository.active_keys(session, owner.id)) == allowed
    with ctx.db.unit() as session:  # a revoked key frees its place
        owner = user_service.get_user(session, "plus-owner")
        user_service.revoke_key(session, repository.active_keys(session, owner.id)[0].id)
    with ctx.db.unit() as session:
        owner = user_service.get_user(session, "plus-owner")
        user_service.create_key(session, settings, owner, "replacement")
        with pytest.raises(Forbidden):
            user_service.create_key(session, settings, owner, "again one too many")


@pytest.mark.parametrize("limits", [{"plan_keys_plus": 1, "plan_keys_premium": 2}], indirect=True)
def test_key_counts_are_settings(ctx: Context) -> None:
    with ctx.db.unit() as session:
        plus = user_service.create_user(session, ctx.settings, "p1", plan="plus")
        user_service.create_key(session, ctx.settings, plus, "only")
        with pytest.raises(Forbidden, match="plus plan allows 1 API key;"):
            user_service.create_key(session, ctx.settings, plus, "second")
        premium = user_service.create_user(session, ctx.settings, "p2", plan="premium")
        user_service.create_key(session, ctx.settings, premium, "one")
        user_service.create_key(session, ctx.settings, premium, "two")
        with pytest.raises(Forbidden, match="premium plan allows 2 API keys"):
            user_service.create_key(session, ctx.settings, premium, "three")


def test_cli_refuses_a_key_beyond_the_plan(settings: Settings, ctx: Context) -> None:
    assert cli_run(settings, "user", "create", "carol", "--plan", "plus").exit_code == 0
    secrets = []
    for _ in range(3):
        made = cli_run(settings, "key", "create", "carol")
        assert made.exit_code == 0, made.output
        secrets.append(made.output.strip().splitlines()[-1])
    assert all(re.fullmatch(r"lgg_[0-9a-f]{40}", s) for s in secrets)
    refused = cli_run(settings, "key", "create", "carol")
    assert refused.exit_code != 0
    assert "plus plan allows 3 API keys" in refused.output
    assert "lgg_" not in refused.output
    with ctx.db.unit(write=False) as session:
        owner = user_service.get_user(session, "carol")
        assert len(repository.active_keys(session, owner.id)) == 3
    assert cli_run(settings, "user", "set-plan", "carol", "premium").exit_code == 0
    assert cli_run(settings, "key", "create", "carol").exit_code == 0
    assert cli_run(settings, "key", "create", "carol").exit_code == 0
    assert cli_run(settings, "key", "create", "carol").exit_code != 0
    # The key counts are settings for the CLI too.
    raised = cli_run(settings, "key", "create", "carol", MARKHIVE_PLAN_KEYS_PREMIUM="6")
    assert raised.exit_code == 0, raised.output


def test_cli_default_plan_is_a_setting(settings: Settings, ctx: Context) -> None:
    made = cli_run(settings, "user", "create", "dora", MARKHIVE_DEFAULT_PLAN="plus")
    assert made.exit_code == 0, made.output
    assert "plan plus" in made.output
    assert cli_run(settings, "user", "create", "earl").exit_code == 0
    with ctx.db.unit(write=False) as session:
        assert user_service.get_user(session, "dora").plan == "plus"
        assert user_service.get_user(session, "earl").plan == "unlimited"
    assert cli_run(settings, "user", "set-plan", "earl", "premium").exit_code == 0
    with ctx.db.unit(write=False) as session:
        assert user_service.get_user(session, "earl").plan == "premium"


# --- the profile and the key's use ---------------------------------------------------------------


def test_auth_me_shows_plan_keys_and_rate_limit(
    client: TestClient, make_account: MakeAccount
) -> None:
    plus = make_account("plus-user", plan="plus")
    me = client.get("/api/v1/auth/me", headers=plus.auth)
    assert me.status_code == 200
    body = me.json()
    assert body["plan"] == "plus"
    assert body["api_keys"] == {"count": 1, "max": 3}
    assert body["rate_limit"]["limit"] == LIMIT
    assert body["rate_limit"]["remaining"] == LIMIT - 1
    assert body["rate_limit"]["reset"] in midnights()
    assert standing(me) == (body["rate_limit"]["limit"], body["rate_limit"]["remaining"])
    again = client.get("/api/v1/auth/me", headers=plus.auth).json()
    assert again["rate_limit"]["remaining"] == LIMIT - 2

    unlimited = make_account("unlimited-user", plan="unlimited")
    body = client.get("/api/v1/auth/me", headers=unlimited.auth).json()
    assert body["plan"] == "unlimited"
    assert body["api_keys"] == {"count": 1, "max": None}
    assert body["rate_limit"]["limit"] is None and body["rate_limit"]["remaining"] is None
    assert body["rate_limit"]["reset"] in midnights()


def test_last_used_at_is_set(client: TestClient, make_account: MakeAccount, ctx: Context) -> None:
    plus = make_account("plus-user", plan="plus")
    ident = key_id(ctx, plus.key)
    with ctx.db.unit(write=False) as session:
        assert session.get(ApiKey, ident).last_used_at is None
    before = datetime.now(UTC)
    assert client.get("/api/bookmarks/", headers=bearer(plus.key[4:])).status_code == 200
    with ctx.db.unit(write=False) as session:
        used = session.get(ApiKey, ident).last_used_at
    assert used is not None
    assert before - timedelta(seconds=5) <= used <= datetime.now(UTC) + timedelta(seconds=5)


def test_a_bad_key_on_an_out_of_range_id_is_401(client: TestClient) -> None:
    """ "Missing or bad key → 401" holds whatever the path asks for."""
    wrong = "lgg_" + "0" * 40
    for path in ("/api/v1/urls/0", "/api/bookmarks/0/", "/api/v1/urls/99999999999"):
        assert client.get(path, headers=bearer(wrong)).status_code == 401, path
        assert client.get(path).status_code == 401, path


def test_key_count_holds_under_concurrent_creation(ctx: Context) -> None:
    """Keys made at the same moment (two admins, two CLI runs) never exceed the plan."""
    with ctx.db.unit() as session:
        user_service.create_user(session, ctx.settings, "racer", plan="plus")
    start = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def create() -> None:
        start.wait()
        try:
            with ctx.db.unit() as session:
                owner = user_service.get_user(session, "racer")
                user_service.create_key(session, ctx.settings, owner, "race")
            outcome = "made"
        except Forbidden:
            outcome = "refused"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with ctx.db.unit(write=False) as session:
        owner = user_service.get_user(session, "racer")
        active = len(repository.active_keys(session, owner.id))
    assert len(outcomes) == 8
    assert (outcomes.count("made"), active) == (3, 3)
