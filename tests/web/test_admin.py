"""The admin's user management pages."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from markhive.context import Context
from markhive.importexport.service import import_file
from markhive.users import repository as users
from markhive.users import service as user_service
from tests.conftest import Account
from tests.web.pages import post, sign_in


@pytest.fixture
def admin(make_account) -> Account:  # type: ignore[no-untyped-def]
    account: Account = make_account("root")
    return account


@pytest.fixture
def signed_in(client: TestClient, ctx: Context, admin: Account) -> str:
    with ctx.db.unit() as session:
        user = users.get(session, admin.id)
        assert user is not None
        user.is_admin = True
    return sign_in(client, "root")


def state(ctx: Context, username: str) -> dict[str, Any] | None:
    with ctx.db.unit() as session:
        user = users.by_username(session, username)
        if user is None:
            return None
        return {"plan": user.plan, "active": user.is_active, "admin": user.is_admin}


def password_works(ctx: Context, username: str, password: str) -> bool:
    with ctx.db.unit() as session:
        return user_service.authenticate_password(session, username, password) is not None


def test_the_list_shows_every_user(
    client: TestClient, ctx: Context, signed_in: str, make_account
) -> None:  # type: ignore[no-untyped-def]
    bob = make_account("bob", plan="plus")
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert 'root <span class="badge">admin</span> <span class="badge">you</span>' in page.text
    assert "<td>bob</td>" in page.text
    assert f'action="/admin/users/{bob.id}/plan"' in page.text
    assert '<option value="plus" selected>plus</option>' in page.text
    assert f'action="/admin/users/{bob.id}/active"' in page.text
    # No deactivate button for oneself.
    with ctx.db.unit() as session:
        root_id = users.by_username(session, "root").id  # type: ignore[union-attr]
    assert f'action="/admin/users/{root_id}/active"' not in page.text


def test_bookmark_counts(client: TestClient, ctx: Context, signed_in: str, make_account) -> None:  # type: ignore[no-untyped-def]
    bob = make_account("bob")
    links = "".join(f'<DT><A HREF="https://example.com/{n}">{n}</A>' for n in range(3))
    body = f"<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><p>{links}</DL>".encode()
    import_file(ctx.db, bob.id, io.BytesIO(body), "html")
    page = client.get("/admin/users").text
    rows = {row.split("</td>")[0]: row for row in page.split("<tr>\n        <td>")[1:]}
    assert "<td>3</td>" in rows["bob"]
    assert (
        "<td>0</td>" in rows['root <span class="badge">admin</span> <span class="badge">you</span>']
    )
    # the counts are kept between views, until one of the users writes
    import_file(ctx.db, bob.id, io.BytesIO(body.replace(b".com/", b".org/")), "html")
    page = client.get("/admin/users").text
    rows = {row.split("</td>")[0]: row for row in page.split("<tr>\n        <td>")[1:]}
    assert "<td>6</td>" in rows["bob"]


def test_others_are_forbidden(client: TestClient, ctx: Context, alice: Account) -> None:
    csrf = sign_in(client)
    assert client.get("/admin/users").status_code == 403
    response = post(client, "/admin/users", csrf, username="mallory", password="password123")
    assert response.status_code == 403
    assert state(ctx, "mallory") is None
    response = post(client, f"/admin/users/{alice.id}/plan", csrf, plan="free")
    assert response.status_code == 403
    assert state(ctx, "alice") == {"plan": "unlimited", "active": True, "admin": False}


def test_creating_a_user(client: TestClient, ctx: Context, signed_in: str) -> None:
    response = post(
        client,
        "/admin/users",
        signed_in,
        username="carol",
        password="s3cret-enough",
        plan="premium",
        admin="on",
    )
    assert response.status_code == 303
    assert state(ctx, "carol") == {"plan": "premium", "active": True, "admin": True}
    assert password_works(ctx, "carol", "s3cret-enough")
    assert "The user is created." in client.get(response.headers["location"]).text


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"username": "carol", "password": "short"}, 400, "at least 8 characters"),
        ({"username": "<b>x</b>", "password": "password123"}, 400, "Enter a valid username"),
        ({"username": "carol", "password": "password123", "plan": "gold"}, 400, "Unknown plan"),
        ({"username": "ROOT", "password": "password123"}, 409, "already exists"),
    ],
)
def test_bad_new_users_are_refused(
    client: TestClient,
    ctx: Context,
    signed_in: str,
    form: dict[str, str],
    status: int,
    message: str,
) -> None:
    response = post(client, "/admin/users", signed_in, **form)
    assert response.status_code == status
    assert message in response.text
    assert "<b>x</b>" not in response.text
    with ctx.db.unit() as session:
        assert [u.username for u in users.all_users(session)] == ["root"]


def test_deactivating_and_activating(
    client: TestClient, ctx: Context, signed_in: str, alice: Account
) -> None:
    response = post(client, f"/admin/users/{alice.id}/active", signed_in, active="0")
    assert response.status_code == 303
    assert state(ctx, "alice")["active"] is False  # type: ignore[index]
    assert not password_works(ctx, "alice", "password123")
    assert client.get("/api/v1/auth/me", headers=alice.auth).status_code in (401, 403)
    assert "deactivated" in client.get("/admin/users").text
    response = post(client, f"/admin/users/{alice.id}/active", signed_in, active="1")
    assert response.status_code == 303
    assert state(ctx, "alice")["active"] is True  # type: ignore[index]


def test_an_admin_cannot_deactivate_themselves(
    client: TestClient, ctx: Context, signed_in: str, admin: Account
) -> None:
    response = post(client, f"/admin/users/{admin.id}/active", signed_in, active="0")
    assert response.status_code == 400
    assert "cannot deactivate your own account" in response.text
    assert state(ctx, "root")["active"] is True  # type: ignore[index]


def test_setting_the_plan(client: TestClient, ctx: Context, signed_in: str, alice: Account) -> None:
    response = post(client, f"/admin/users/{alice.id}/plan", signed_in, plan="plus")
    assert response.status_code == 303
    assert state(ctx, "alice")["plan"] == "plus"  # type: ignore[index]
    bad = post(client, f"/admin/users/{alice.id}/plan", signed_in, plan="<i>gold</i>")
    assert bad.status_code == 400
    assert "Unknown plan" in bad.text and "<i>gold</i>" not in bad.text
    assert state(ctx, "alice")["plan"] == "plus"  # type: ignore[index]


def test_resetting_a_password(
    client: TestClient, ctx: Context, signed_in: str, alice: Account
) -> None:
    short = post(client, f"/admin/users/{alice.id}/password", signed_in, password="tiny")
    assert short.status_code == 400
    assert password_works(ctx, "alice", "password123")
    response = post(client, f"/admin/users/{alice.id}/password", signed_in, password="brand-new-pw")
    assert response.status_code == 303
    assert password_works(ctx, "alice", "brand-new-pw")
    assert not password_works(ctx, "alice", "password123")


def test_unknown_users_are_not_found(client: TestClient, signed_in: str) -> None:
    for action, form in (("active", {"active": "0"}), ("plan", {"plan": "free"})):
        response = post(client, f"/admin/users/999999/{action}", signed_in, **form)
        assert response.status_code == 404
    response = post(client, "/admin/users/999999/password", signed_in, password="password123")
    assert response.status_code == 404


def test_admin_forms_need_csrf(
    client: TestClient, ctx: Context, signed_in: str, alice: Account
) -> None:
    response = post(client, f"/admin/users/{alice.id}/active", "forged", active="0")
    assert response.status_code == 403
    response = client.post(
        "/admin/users",
        data={"username": "eve", "password": "password123"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert state(ctx, "alice")["active"] is True  # type: ignore[index]
    assert state(ctx, "eve") is None


def test_user_management_in_the_browser(
    live_server: str,
    page: Page,
    ctx: Context,
    admin: Account,
    alice: Account,
    check_accessibility: Callable[[Page], None],
    screenshot: Callable[[Page, str], list[Path]],
) -> None:
    with ctx.db.unit() as session:
        user = users.get(session, admin.id)
        assert user is not None
        user.is_admin = True
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("password123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Users").click()
    check_accessibility(page)
    page.get_by_label("Plan of alice").select_option("plus")
    page.get_by_role("button", name="Set the plan of alice").click()
    expect(page.get_by_text("The plan is changed.")).to_be_visible()
    page.get_by_role("button", name="Deactivate alice").click()
    expect(page.get_by_text("The user is deactivated")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "admin-users")
    assert state(ctx, "alice") == {"plan": "plus", "active": False, "admin": False}
