"""/api/v1/auth/me, /api/v1/account/stats and /api/v1/account/reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.linkagogo.conftest import BOOKMARK_KEYS, ISO_Z, Api, when

ME_KEYS = ["id", "username", "email", "plan", "created_at", "api_keys", "rate_limit"]
STATS_KEYS = [
    "bookmark_count",
    "folder_count",
    "favorite_count",
    "tag_count",
    "top_keywords",
    "first_bookmark_at",
    "last_bookmark_at",
]


def _next_utc_midnight() -> int:
    today = datetime.now(UTC).date()
    return int(datetime(today.year, today.month, today.day, tzinfo=UTC).timestamp()) + 86_400


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- /auth/me --------------------------------------------------------------------------------


def test_me_without_a_daily_cap(v1: Api) -> None:
    r = v1.get("/auth/me")
    assert r.status_code == 200, r.text
    me = r.json()
    assert list(me) == ME_KEYS
    assert me["id"] == v1.id
    assert me["username"] == "alice"
    assert isinstance(me["email"], str)
    assert me["plan"] == "unlimited"
    assert ISO_Z.match(me["created_at"])
    assert me["api_keys"] == {"count": 1, "max": None}
    assert list(me["rate_limit"]) == ["limit", "remaining", "reset"]
    assert me["rate_limit"]["limit"] is None and me["rate_limit"]["remaining"] is None
    assert me["rate_limit"]["reset"] == _next_utc_midnight()
    assert not any(h.lower().startswith("x-ratelimit") for h in r.headers)


def test_me_counts_the_active_keys(v1: Api, ctx: Any) -> None:
    from markhive.users import repository as users
    from markhive.users import service as user_service
    from markhive.users.models import User

    with ctx.db.unit(write=True) as session:
        user = session.get(User, v1.id)
        extra = [user_service.create_key(session, ctx.settings, user, f"k{i}") for i in range(2)]
    assert v1.get("/auth/me").json()["api_keys"] == {"count": 3, "max": None}
    with ctx.db.unit(write=True) as session:
        revoked = next(k for k in users.active_keys(session, v1.id) if k.name == "k0")
        user_service.revoke_key(session, revoked.id)
    assert v1.get("/auth/me").json()["api_keys"] == {"count": 2, "max": None}
    r = v1.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {extra[1].secret}"})
    assert r.status_code == 200 and r.json()["id"] == v1.id
    r = v1.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {extra[0].secret}"})
    assert r.status_code == 401


def test_me_on_a_plan_with_caps(make_v1: Callable[..., Api]) -> None:
    pat = make_v1("pat", plan="plus")
    first = pat.get("/auth/me")
    assert first.status_code == 200, first.text
    me = first.json()
    assert me["plan"] == "plus"
    assert me["api_keys"] == {"count": 1, "max": 3}
    # remaining counts the request itself
    assert me["rate_limit"] == {"limit": 5000, "remaining": 4999, "reset": _next_utc_midnight()}
    assert first.headers["X-RateLimit-Limit"] == "5000"
    assert first.headers["X-RateLimit-Remaining"] == "4999"
    assert first.headers["X-RateLimit-Reset"] == str(_next_utc_midnight())
    pat.get("/urls")
    third = pat.get("/auth/me")
    assert third.json()["rate_limit"]["remaining"] == 4997
    assert third.headers["X-RateLimit-Remaining"] == "4997"
    premium = make_v1("pia", plan="premium").get("/auth/me").json()
    assert premium["api_keys"]["max"] == 5 and premium["rate_limit"]["limit"] == 10_000


# --- /account/stats --------------------------------------------------------------------------


def test_stats_of_an_empty_account(v1: Api) -> None:
    r = v1.get("/account/stats")
    assert r.status_code == 200, r.text
    assert list(r.json()) == STATS_KEYS
    assert r.json() == {
        "bookmark_count": 0,
        "folder_count": 0,
        "favorite_count": 0,
        "tag_count": 0,
        "top_keywords": [],
        "first_bookmark_at": None,
        "last_bookmark_at": None,
    }


def test_top_keywords_are_the_ten_most_used(v1: Api) -> None:
    # keyword kNN is on 12 - NN bookmarks: k00 on 12, ..., k11 on 1
    made = []
    for i in range(12):
        words = " ".join(f"k{n:02d}" for n in range(12) if n <= i)
        made.append(v1.add(f"https://example.com/{i}", keywords=words))
    stats = v1.stats()
    assert stats["bookmark_count"] == 12
    assert stats["tag_count"] == 12
    assert stats["top_keywords"] == [{"keyword": f"k{n:02d}", "count": 12 - n} for n in range(10)]
    assert [list(k) for k in stats["top_keywords"]] == [["keyword", "count"]] * 10
    assert stats["first_bookmark_at"] == made[0]["created_at"]
    assert stats["last_bookmark_at"] == made[-1]["created_at"]


def test_stats_follow_every_write(v1: Api) -> None:
    def numbers() -> tuple[int, int, int, int]:
        s = v1.stats()
        return s["bookmark_count"], s["folder_count"], s["favorite_count"], s["tag_count"]

    folder = v1.folder("F")
    assert numbers() == (0, 1, 0, 0)
    a = v1.add("https://example.com/a", keywords="x y", folder_id=folder["id"])
    b = v1.add("https://example.com/b", keywords="y", is_favorite=True)
    assert numbers() == (2, 1, 1, 2)
    assert v1.stats()["top_keywords"] == [
        {"keyword": "y", "count": 2},
        {"keyword": "x", "count": 1},
    ]
    assert v1.patch(f"/urls/{a['id']}", json={"is_favorite": True}).status_code == 200
    assert numbers() == (2, 1, 2, 2)
    assert v1.post("/urls/tag", json={"ids": [a["id"]], "remove": ["x"]}).status_code == 200
    assert numbers() == (2, 1, 2, 1)
    assert v1.post("/urls/tag", json={"ids": [b["id"]], "add": ["z"]}).status_code == 200
    assert numbers() == (2, 1, 2, 2)
    assert v1.patch(f"/urls/{b['id']}", json={"keywords": ""}).status_code == 200
    assert numbers() == (2, 1, 2, 1)
    # a tag on no bookmark (made through the linkding dialect) is not counted
    assert v1.ld("POST", "/tags/", json={"name": "unused"}).status_code == 201
    assert numbers() == (2, 1, 2, 1)
    assert v1.post("/folders/path", json={"path": "F/G/H"}).status_code == 201
    assert numbers() == (2, 3, 2, 1)
    assert v1.delete(f"/urls/{b['id']}").status_code == 204
    assert numbers() == (1, 3, 1, 1)
    assert v1.ld("DELETE", f"/bookmarks/{a['id']}/").status_code == 204
    assert numbers() == (0, 3, 0, 0)
    s = v1.stats()
    assert (s["top_keywords"], s["first_bookmark_at"], s["last_bookmark_at"]) == ([], None, None)
    c = v1.add("https://example.com/c", keywords="w", is_favorite=True, folder_id=folder["id"])
    assert numbers() == (1, 3, 1, 1)
    assert v1.stats()["first_bookmark_at"] == c["created_at"]
    assert v1.delete(f"/folders/{folder['id']}").status_code == 204
    assert numbers() == (0, 0, 0, 0)


def test_stats_dates_are_the_first_and_last_added(v1: Api) -> None:
    for url, added in (
        ("https://b.example/", "2021-05-05T05:05:05Z"),
        ("https://a.example/", "2019-01-01T00:00:00Z"),
        ("https://c.example/", "2023-03-03T03:03:03Z"),
    ):
        r = v1.ld("POST", "/bookmarks/?disable_scraping", json={"url": url, "date_added": added})
        assert r.status_code == 201, r.text
    s = v1.stats()
    assert s["first_bookmark_at"] == "2019-01-01T00:00:00Z"
    assert s["last_bookmark_at"] == "2023-03-03T03:03:03Z"


# --- /account/reminders ------------------------------------------------------------------------


def test_reminders_are_the_due_ones_oldest_first(v1: Api) -> None:
    now = datetime.now(UTC)
    recent = v1.add("https://example.com/recent", reminder_at=_iso(now - timedelta(minutes=5)))
    oldest = v1.add("https://example.com/oldest", reminder_at="2001-01-01T00:00:00Z")
    middle = v1.add(
        "https://example.com/middle",
        reminder_at=(now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+05:00"),
    )
    v1.add("https://example.com/future", reminder_at=_iso(now + timedelta(days=1)))
    v1.add("https://example.com/none")
    archived = v1.add(
        "https://example.com/archived", reminder_at="2002-02-02T00:00:00Z", is_archived=True
    )
    r = v1.get("/account/reminders")
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["bookmarks"]
    assert [list(b) for b in body["bookmarks"]] == [BOOKMARK_KEYS] * 4
    due = (
        [middle, recent]
        if when(middle["reminder_at"]) < when(recent["reminder_at"])
        else [
            recent,
            middle,
        ]
    )
    expected = [oldest, archived, *due]
    assert [b["id"] for b in body["bookmarks"]] == [b["id"] for b in expected]
    assert body["bookmarks"][0] == v1.one(oldest["id"])


def test_a_reminder_is_cleared_by_setting_it_to_null(v1: Api) -> None:
    a = v1.add("https://example.com/a", reminder_at="2010-01-01T00:00:00Z")
    b = v1.add("https://example.com/b", reminder_at="2011-01-01T00:00:00Z")
    r = v1.patch(f"/urls/{a['id']}", json={"reminder_at": None})
    assert r.status_code == 200 and r.json()["reminder_at"] is None
    assert r.json()["updated_at"] == a["updated_at"]
    assert [x["id"] for x in v1.get("/account/reminders").json()["bookmarks"]] == [b["id"]]
    # moving it into the future also takes it off the list
    later = _iso(datetime.now(UTC) + timedelta(days=30))
    assert v1.patch(f"/urls/{b['id']}", json={"reminder_at": later}).status_code == 200
    assert v1.get("/account/reminders").json() == {"bookmarks": []}
