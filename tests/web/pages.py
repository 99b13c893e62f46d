"""Helpers for the web tests over HTTP: sign in, read the CSRF token of a page, post forms."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str = "alice", password: str = "password123") -> str:
    """Sign ``client`` in; the CSRF token its forms must carry from now on."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return token(client.get("/bookmarks/new").text)


def post(client: TestClient, path: str, csrf: str, **data: Any) -> Any:
    return client.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)
