"""The reminders page with its clear action, and the stats page with its chart."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient

from markhive.bookmarks import service as bookmarks
from markhive.bookmarks import stats
from markhive.context import Context
from markhive.folders import service as folders
from tests.web.pages import post, sign_in

EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def add(ctx: Context, user_id: int, url: str, **values: object) -> int:
    with ctx.db.unit() as session:
        bookmark, _ = bookmarks.create(session, user_id, {"url": url, **values}, merge=False)
        return bookmark.id


def reminder_of(ctx: Context, user_id: int, bookmark_id: int) -> datetime | None:
    with ctx.db.unit(write=False) as session:
        return bookmarks.get(session, user_id, bookmark_id).reminder_at


def ids_in(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="bookmark" id="b(\d+)"', html)]


def sections(html: str) -> tuple[list[int], list[int]]:
    due, upcoming = html.split('id="upcoming-heading"')
    return ids_in(due), ids_in(upcoming)


def test_reminders_lists_due_and_upcoming_apart(
    ctx: Context, client: TestClient, alice, make_account
) -> None:
    bob = make_account("bob")
    now = datetime.now(UTC)
    old = add(ctx, alice.id, "https://a.example/old", reminder_at=now - timedelta(days=3))
    due = add(ctx, alice.id, "https://a.example/due", reminder_at=now - timedelta(minutes=1))
    soon = add(ctx, alice.id, "https://a.example/soon", reminder_at=now + timedelta(days=2))
    later = add(ctx, alice.id, "https://a.example/later", reminder_at=now + timedelta(days=29))
    add(ctx, alice.id, "https://a.example/far", reminder_at=now + timedelta(days=45))
    add(ctx, alice.id, "https://a.example/none")
    add(ctx, bob.id, "https://b.example/due", reminder_at=now - timedelta(days=1))
    sign_in(client)
    page = client.get("/reminders")
    assert page.status_code == 200
    assert sections(page.text) == ([old, due], [soon, later])
    assert 'Due now <span class="count">(2)</span>' in page.text
    assert "b.example" not in page.text  # bob's reminder is his


def test_clearing_a_reminder(ctx: Context, client: TestClient, alice) -> None:
    past = datetime.now(UTC) - timedelta(hours=1)
    first = add(ctx, alice.id, "https://a.example/1", reminder_at=past)
    second = add(ctx, alice.id, "https://a.example/2", reminder_at=past)
    csrf = sign_in(client)
    response = post(client, f"/reminders/{first}/clear", csrf)
    assert response.status_code == 303 and response.headers["location"] == "/reminders"
    assert reminder_of(ctx, alice.id, first) is None
    assert reminder_of(ctx, alice.id, second) is not None
    assert sections(client.get("/reminders").text) == ([second], [])


def test_clearing_needs_the_csrf_token_and_the_owner(
    ctx: Context, client: TestClient, alice, make_account
) -> None:
    bob = make_account("bob")
    past = datetime.now(UTC) - timedelta(hours=1)
    mine = add(ctx, alice.id, "https://a.example/1", reminder_at=past)
    his = add(ctx, bob.id, "https://b.example/1", reminder_at=past)
    csrf = sign_in(client)
    assert post(client, f"/reminders/{mine}/clear", "wrong").status_code == 403
    assert client.post(f"/reminders/{mine}/clear").status_code == 403
    assert reminder_of(ctx, alice.id, mine) is not None
    assert post(client, f"/reminders/{his}/clear", csrf).status_code == 404
    assert post(client, "/reminders/999999/clear", csrf).status_code == 404
    assert reminder_of(ctx, bob.id, his) is not None


def test_reminders_escape_titles_and_need_signing_in(
    ctx: Context, client: TestClient, alice
) -> None:
    add(
        ctx,
        alice.id,
        "https://a.example/",
        title=EVIL,
        reminder_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    response = client.get("/reminders", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert client.get("/stats", follow_redirects=False).status_code == 303
    sign_in(client)
    page = client.get("/reminders").text
    assert "<script>alert(2)" not in page and "&lt;script&gt;alert(2)" in page


def _numbers(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'<td id="n-(\w+)">(\d+)</td>', html)}


def test_stats_count_the_account(ctx: Context, client: TestClient, alice, make_account) -> None:
    bob = make_account("bob")
    with ctx.db.unit() as session:
        folder = folders.create(session, alice.id, "Reading").id
        folders.create(session, alice.id, "Later")
    add(ctx, alice.id, "https://a.example/1", tag_names=["python", "web"], unread=True)
    add(ctx, alice.id, "https://a.example/2", tag_names=["python"], shared=True, is_favorite=True)
    add(ctx, alice.id, "https://a.example/3", is_archived=True, unread=True, folder_id=folder)
    add(ctx, alice.id, "https://a.example/4", tag_names=[EVIL.replace(" ", "")])
    add(ctx, bob.id, "https://b.example/1", tag_names=["bobs"], unread=True, shared=True)
    sign_in(client)
    page = client.get("/stats")
    assert page.status_code == 200
    assert _numbers(page.text) == {
        "total": 4,
        "unread": 2,
        "archived": 1,
        "shared": 1,
        "favorites": 1,
        "tags": 3,
        "folders": 2,
    }
    assert '<a href="/bookmarks?q=%23python">#python</a> <span class="n">2 bookmarks</span>' in (
        page.text
    )
    assert "bobs" not in page.text
    assert "<script>" not in page.text.split("<main", 1)[1]


def test_stats_follow_every_write(ctx: Context, client: TestClient, alice) -> None:
    """The page's numbers are cached per data version: a write shows at once."""
    first = add(ctx, alice.id, "https://a.example/1", unread=True)
    csrf = sign_in(client)
    assert _numbers(client.get("/stats").text)["unread"] == 1
    assert post(client, f"/bookmarks/{first}/read", csrf, next="/stats").status_code == 303
    add(ctx, alice.id, "https://a.example/2", is_archived=True)
    numbers = _numbers(client.get("/stats").text)
    assert (numbers["total"], numbers["unread"], numbers["archived"]) == (2, 0, 1)


def test_the_chart_shows_bookmarks_per_month(ctx: Context, client: TestClient, alice) -> None:
    now = datetime.now(UTC)
    this_month = datetime(now.year, now.month, 1, 0, 0, 1, tzinfo=UTC)
    last_month = this_month - timedelta(days=3)
    for i in range(3):
        add(ctx, alice.id, f"https://a.example/now{i}", date_added=this_month)
    add(ctx, alice.id, "https://a.example/before", date_added=last_month)
    add(ctx, alice.id, "https://a.example/old", date_added=now - timedelta(days=800))
    sign_in(client)
    page = client.get("/stats").text
    chart = page.split('class="chart"', 1)[1]
    assert chart.count('class="bar"') == 24
    rows = re.findall(r'<tr><th scope="row">(\w+ \d{4})</th><td>(\d+)</td></tr>', chart)
    assert len(rows) == 24
    assert rows[-1] == (this_month.strftime("%B %Y"), "3")
    assert rows[-2] == (last_month.strftime("%B %Y"), "1")
    assert sum(int(n) for _, n in rows) == 4  # the 800-day-old one is out of the window
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in chart
    assert f"4 bookmarks added from {rows[0][0]} to {rows[-1][0]}" in chart
    assert f"the most in {rows[-1][0]} (3)" in chart


def test_added_per_month_counts_calendar_months(ctx: Context, alice) -> None:
    now = datetime(2025, 1, 15, 12, tzinfo=UTC)
    dates = [
        datetime(2025, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2024, 12, 1, tzinfo=UTC),
        datetime(2023, 2, 1, tzinfo=UTC),  # the first month of 24
        datetime(2023, 1, 31, 23, 59, tzinfo=UTC),  # before it
    ]
    for i, when in enumerate(dates):
        add(ctx, alice.id, f"https://a.example/{i}", date_added=when)
    with ctx.db.unit(write=False) as session:
        months = stats.added_per_month(session, alice.id, 24, now)
    assert len(months) == 24
    assert months[0] == (date(2023, 2, 1), 1)
    assert months[-2:] == [(date(2024, 12, 1), 2), (date(2025, 1, 1), 1)]
    assert sum(n for _, n in months) == 4
    assert stats.month_starts(now, 3) == [date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1)]


def test_an_empty_account_has_an_empty_chart(client: TestClient, alice) -> None:
    sign_in(client)
    page = client.get("/stats").text
    assert _numbers(page)["total"] == 0 and "No tags yet." in page
    assert page.count('class="bar"') == 24 and "0 bookmarks added" in page
