"""Sign-in, sign-out, the password change, CSRF and the session cookie's rules."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from markhive.app import create_app
from markhive.context import Context
from markhive.settings import Settings
from markhive.users import repository as users
from markhive.web import throttle
from tests.redisserver import flush
from tests.web.pages import post, sign_in, token


def test_pages_need_sign_in(client: TestClient, alice) -> None:
    for path in ("/bookmarks", "/bookmarks/archived", "/bookmarks/new", "/settings/password"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_htmx_requests_are_sent_to_sign_in(client: TestClient, alice) -> None:
    response = client.get("/bookmarks", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=%2Fbookmarks")


def test_sign_in_sets_safe_cookies_and_returns_to_next(client: TestClient, alice) -> None:
    page = client.get("/login?next=/bookmarks/archived")
    response = client.post(
        "/login",
        data={
            "username": "ALICE",
            "password": "password123",
            "next": "/bookmarks/archived",
            "csrf_token": token(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/bookmarks/archived"
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("markhive_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Secure" not in session
    assert client.get("/bookmarks").status_code == 200


def test_secure_cookie_behind_https_proxy(ctx: Context, client: TestClient, alice) -> None:
    client.base_url = client.base_url.copy_with(scheme="https")
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": "alice", "password": "password123", "csrf_token": token(page.text)},
        follow_redirects=False,
    )
    assert all("Secure" in c for c in response.headers.get_list("set-cookie"))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_next_never_leaves_the_site(client: TestClient, alice, target: str) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": "alice",
            "password": "password123",
            "next": target,
            "csrf_token": token(page.text),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/bookmarks"


def test_wrong_password_and_inactive_user(ctx: Context, client: TestClient, alice) -> None:
    page = client.get("/login")
    csrf = token(page.text)
    wrong = post(client, "/login", csrf, username="alice", password="nope-nope")
    assert wrong.status_code == 400
    assert "Wrong username or password" in wrong.text
    assert "markhive_session" not in client.cookies
    with ctx.db.unit() as session:
        user = users.get(session, alice.id)
        assert user is not None
        user.is_active = False
    assert post(client, "/login", csrf, username="alice", password="password123").status_code == 400


def test_login_is_rate_limited(client: TestClient, alice) -> None:
    csrf = token(client.get("/login").text)
    for _ in range(throttle.PER_NAME):
        assert post(client, "/login", csrf, username="alice", password="bad").status_code == 400
    # Even the right password is refused while the limit holds.
    limited = post(client, "/login", csrf, username="alice", password="password123")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in limited.text


@pytest.fixture(params=["process", "redis"])
def limiter(request: pytest.FixtureRequest) -> Iterator[tuple[throttle.Throttle, list[float]]]:
    """Each throttle with a clock the test moves."""
    now = [1_000_000.0]
    found: throttle.Throttle
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        found = throttle.RedisLoginThrottle(url, clock=lambda: now[0])
        flush(url)
    else:
        found = throttle.LoginThrottle(clock=lambda: now[0])
    yield found, now
    found.close()


def test_throttle_window_passes(limiter: tuple[throttle.Throttle, list[float]]) -> None:
    found, now = limiter
    for _ in range(throttle.PER_NAME - 1):
        found.failed("1.2.3.4", "bob")
        now[0] += 10
    assert found.retry_after("1.2.3.4", "bob") == 0
    found.failed("1.2.3.4", "bob")
    # held until the first of the five failures leaves the window
    assert found.retry_after("1.2.3.4", "BOB") == int(throttle.WINDOW) - 40 + 1
    assert found.retry_after("5.6.7.8", "bob") == 0  # another address is not held up
    now[0] += throttle.WINDOW - 39
    assert found.retry_after("1.2.3.4", "bob") == 0


def test_throttle_counts_an_address_over_every_name(
    limiter: tuple[throttle.Throttle, list[float]],
) -> None:
    found, _ = limiter
    for n in range(throttle.PER_ADDRESS):
        found.failed("1.2.3.4", f"user{n}")
    assert found.retry_after("1.2.3.4", "someone-else") > 0
    assert found.retry_after("1.2.3.5", "someone-else") == 0


def test_a_sign_in_clears_the_names_failures(
    limiter: tuple[throttle.Throttle, list[float]],
) -> None:
    found, _ = limiter
    for _ in range(throttle.PER_NAME - 1):
        found.failed("1.2.3.4", "bob")
    found.succeeded("1.2.3.4", "bob")
    found.failed("1.2.3.4", "bob")
    assert found.retry_after("1.2.3.4", "bob") == 0


def test_with_redis_the_limit_holds_across_processes(
    settings: Settings, ctx: Context, alice, redis_url: str
) -> None:
    """Two servers sharing Redis (two apps here): failures at either count for both."""
    shared = dataclasses.replace(settings, redis_url=redis_url)
    flush(redis_url)
    with TestClient(create_app(shared)) as one, TestClient(create_app(shared)) as two:
        tokens = {id(one): token(one.get("/login").text), id(two): token(two.get("/login").text)}
        for n in range(throttle.PER_NAME):
            server = (one, two)[n % 2]
            response = post(server, "/login", tokens[id(server)], username="alice", password="x")
            assert response.status_code == 400
        for server in (one, two):
            right = post(
                server, "/login", tokens[id(server)], username="alice", password="password123"
            )
            assert right.status_code == 429


def test_forms_refuse_missing_or_wrong_csrf(client: TestClient, alice) -> None:
    csrf = sign_in(client)
    for bad in ({}, {"csrf_token": "x" + csrf}):
        response = client.post("/bookmarks/new", data={"url": "https://a.example/", **bad})
        assert response.status_code == 403
        assert "did not come from this site" in response.text
    assert "a.example" not in client.get("/bookmarks").text
    # The header form (htmx) works as the field does.
    ok = client.post(
        "/bookmarks/new",
        data={"url": "https://a.example/"},
        headers={"X-CSRF-Token": csrf},
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_cross_site_origin_is_refused(client: TestClient, alice) -> None:
    csrf = sign_in(client)
    response = client.post(
        "/bookmarks/new",
        data={"url": "https://a.example/", "csrf_token": csrf},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_logout_needs_csrf_and_ends_the_session(client: TestClient, alice) -> None:
    csrf = sign_in(client)
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/bookmarks", follow_redirects=False).status_code == 200
    assert post(client, "/logout", csrf).status_code == 303
    assert client.get("/bookmarks", follow_redirects=False).status_code == 303


def test_tampered_session_cookie_is_ignored(client: TestClient, alice) -> None:
    sign_in(client)
    value = client.cookies["markhive_session"]
    client.cookies.set(
        "markhive_session", value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
    )
    assert client.get("/bookmarks", follow_redirects=False).status_code == 303


def test_password_change_ends_other_sessions(app, client: TestClient, alice) -> None:
    other = TestClient(app)
    sign_in(other)
    csrf = sign_in(client)
    wrong = post(
        client,
        "/settings/password",
        csrf,
        current_password="nope",
        new_password="newpassword1",
        confirm_password="newpassword1",
    )
    assert wrong.status_code == 400 and "not your current password" in wrong.text
    short = post(
        client,
        "/settings/password",
        csrf,
        current_password="password123",
        new_password="short",
        confirm_password="short",
    )
    assert short.status_code == 400 and "at least 8" in short.text
    done = post(
        client,
        "/settings/password",
        csrf,
        current_password="password123",
        new_password="newpassword1",
        confirm_password="newpassword1",
    )
    assert done.status_code == 303
    assert client.get("/bookmarks", follow_redirects=False).status_code == 200
    assert other.get("/bookmarks", follow_redirects=False).status_code == 303
    sign_in(other, password="newpassword1")


def test_security_headers_on_pages(client: TestClient) -> None:
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" not in client.get("/health").headers
