"""linkding-cli (the ``linkding`` command) as a subprocess against a real markhive server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.clients.conftest import Server

pytestmark = pytest.mark.slow

# linkding-cli pins an old typer that needs click < 8.2, so `make test` installs it into a
# virtual environment of its own (`make clients`) rather than beside markhive.
LINKDING = str(Path(__file__).resolve().parents[2] / ".venv-clients" / "bin" / "linkding")


def linkding(
    server: Server, *args: str, token: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINKDING, "-u", server.url, "-t", token or server.key, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def ok(server: Server, *args: str) -> str:
    done = linkding(server, *args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout.strip()


def as_json(server: Server, *args: str) -> Any:
    return json.loads(ok(server, *args))


def test_bookmarks_create_all_update_archive_delete(server: Server, http: httpx.Client) -> None:
    created = as_json(
        server,
        "bookmarks",
        "create",
        "https://linkding-cli.example/page",
        "--title",
        "CLI quokkaword",
        "--description",
        "from the command line",
        "--notes",
        "cli notes",
        "--tags",
        "cli,shell",
        "--unread",
    )
    bookmark_id = created["id"]
    assert created["url"] == "https://linkding-cli.example/page"
    assert created["title"] == "CLI quokkaword"
    assert created["description"] == "from the command line"
    assert created["notes"] == "cli notes"
    assert created["tag_names"] == ["cli", "shell"]
    assert created["unread"] is True
    assert created["shared"] is False
    assert created["is_archived"] is False

    listed = as_json(server, "bookmarks", "all", "--query", "quokkaword")
    assert listed["count"] == 1
    assert listed["next"] is None and listed["previous"] is None
    assert listed["results"] == [created]
    assert as_json(server, "bookmarks", "get", str(bookmark_id)) == created
    limited = as_json(server, "bookmarks", "all", "--limit", "1", "--offset", "0")
    assert len(limited["results"]) == 1

    updated = as_json(
        server,
        "bookmarks",
        "update",
        str(bookmark_id),
        "--title",
        "CLI quokkaword renamed",
        "--tags",
        "shell",
        "--shared",
    )
    assert updated["id"] == bookmark_id
    assert updated["title"] == "CLI quokkaword renamed"
    assert updated["description"] == "from the command line"
    assert updated["tag_names"] == ["shell"]
    assert updated["shared"] is True
    assert updated["unread"] is False  # the CLI always sends --unread's default

    assert (
        ok(server, "bookmarks", "archive", str(bookmark_id)) == f"Bookmark {bookmark_id} archived."
    )
    archived = as_json(server, "bookmarks", "all", "--archived", "--query", "quokkaword")
    assert [b["id"] for b in archived["results"]] == [bookmark_id]
    assert archived["results"][0]["is_archived"] is True
    assert as_json(server, "bookmarks", "all", "--query", "quokkaword")["count"] == 0

    done = ok(server, "bookmarks", "unarchive", str(bookmark_id))
    assert done == f"Bookmark {bookmark_id} unarchived."
    assert as_json(server, "bookmarks", "all", "--query", "quokkaword")["count"] == 1

    assert ok(server, "bookmarks", "delete", str(bookmark_id)) == f"Bookmark {bookmark_id} deleted."
    assert http.get(f"/api/bookmarks/{bookmark_id}/").status_code == 404
    assert as_json(server, "bookmarks", "all", "--query", "quokkaword")["count"] == 0


def test_create_archived(server: Server, http: httpx.Client) -> None:
    created = as_json(server, "bookmarks", "create", "https://linkding-cli.example/a", "--archived")
    assert created["is_archived"] is True
    assert http.delete(f"/api/bookmarks/{created['id']}/").status_code == 204


def test_tags_all_and_get(server: Server, http: httpx.Client) -> None:
    made = http.post("/api/tags/", json={"name": "cli-listed"})
    assert made.status_code == 201, made.text
    tag = made.json()
    everything = as_json(server, "tags", "all", "--limit", "10000")
    assert tag in everything["results"]
    assert as_json(server, "tags", "get", str(tag["id"])) == tag


def test_tags_create_reports_the_servers_400(server: Server, http: httpx.Client) -> None:
    """`linkding tags create` goes through aiolinkding's TagManager.async_create, which posts
    ``{"example": name}`` (a client bug); the server's 400 is reported and nothing is made."""
    done = linkding(server, "tags", "create", "cli-made")
    assert done.returncode == 1
    assert "This field is required." in done.stdout + done.stderr
    names = [t["name"] for t in http.get("/api/tags/?limit=10000").json()["results"]]
    assert "cli-made" not in names


def test_user_profile(server: Server) -> None:
    profile = as_json(server, "user", "profile")
    assert profile["theme"] == "auto"
    assert profile["version"] == "1.46.2"


def test_wrong_token_fails(server: Server) -> None:
    done = linkding(server, "bookmarks", "all", token="f" * 40)
    assert done.returncode == 1
    assert "Invalid API token" in done.stdout + done.stderr
