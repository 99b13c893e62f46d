"""Server time of the web pages at a data set's size (in-process, no network): p50 and p90
of each page, signed in as the data set's user.

    python -m bench.web --data-dir /tmp/bench-100k [--requests 50] [--database-url URL]

Every page a browser or feed reader GETs is measured (the URL check, which fetches the
page, and the export downloads, measured by ``bench.importexport``, are left out). The run
adds what the data set lacks: a bundle for the user, its feed token, an administrator
``bench-admin`` and, if no folder is public, one public folder.

The target (issue 5): every page ≤ 50 ms p50 at 100,000 bookmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TARGET_MS = 50.0


@dataclass(frozen=True)
class Sample:
    """Ids and names from the data set that the page addresses need."""

    words: list[str]
    tag: str
    tag_id: int
    bookmark_id: int
    folder_id: int  # the folder with the most bookmarks
    parent_id: int  # a top-level folder with subfolders
    public_folder_id: int
    bundle_id: int
    feed_token: str


def pages(x: Sample) -> list[tuple[str, str]]:
    """(who, path): every page a person or a feed reader GETs; "user" is signed in as the
    data set's user, "admin" as an administrator, "anon" is signed out."""
    return [
        ("user", "/bookmarks"),
        ("user", f"/bookmarks?q={x.words[0]}"),
        ("user", f"/bookmarks?q=%23{x.tag}"),
        ("user", "/bookmarks?sort=title_asc&page=50"),
        ("user", "/bookmarks?unread=yes"),
        ("user", f"/bookmarks?folder={x.folder_id}"),
        ("user", f"/bookmarks?bundle={x.bundle_id}"),
        ("user", f"/bookmarks/tree?parent={x.parent_id}"),
        ("user", "/bookmarks/archived"),
        ("user", "/bookmarks/shared"),
        ("user", "/bookmarks/new"),
        ("user", f"/bookmarks/tags?tags={x.tag[:2]}"),
        ("user", f"/bookmarks/{x.bookmark_id}/edit"),
        ("user", f"/bookmarks/{x.bookmark_id}/visit"),
        ("user", "/tags"),
        ("user", f"/tags/{x.tag_id}"),
        ("user", "/folders"),
        ("user", f"/folders/{x.folder_id}"),
        ("user", "/bundles"),
        ("user", "/bundles/new"),
        ("user", f"/bundles/{x.bundle_id}/edit"),
        ("user", "/reminders"),
        ("user", "/stats"),
        ("user", "/settings"),
        ("user", "/settings/password"),
        ("user", "/settings/keys"),
        ("user", "/settings/import-export"),
        ("admin", "/admin/users"),
        ("anon", "/login"),
        ("anon", "/bookmarks/shared"),
        ("anon", f"/public/folders/{x.public_folder_id}"),
        ("anon", f"/public/folders/{x.public_folder_id}/feed"),
        ("anon", f"/feeds/{x.feed_token}/all"),
        ("anon", f"/feeds/{x.feed_token}/unread"),
        ("anon", f"/feeds/{x.feed_token}/shared"),
        ("anon", "/feeds/shared"),
        ("anon", "/feeds/public/shared"),
    ]


def sample(ctx: Any, settings: Any, username: str, words: list[str]) -> Sample:
    """Ids from the data set; makes what the data set lacks (a bundle, the feed
    token, an administrator ``bench-admin``): small writes, kept for the next run."""
    from sqlalchemy import text

    from markhive.bundles import repository as bundle_rows
    from markhive.bundles import service as bundles
    from markhive.folders import service as folders
    from markhive.users import repository as user_rows
    from markhive.users import service as users

    def one(session: Any, sql: str, **values: Any) -> Any:
        return session.execute(text(sql), values).scalar_one()

    with ctx.db.unit() as session:
        user = users.get_user(session, username)
        u = user.id
        if user_rows.by_username(session, "bench-admin") is None:
            users.create_user(session, settings, "bench-admin", is_admin=True)
        found, _ = bundle_rows.page(session, u, 1, 0)
        if not found:
            found = [bundles.create(session, u, {"name": "bench", "search": words[0]})]
        bundle = found[0]
        tag_id, tag = session.execute(
            text("SELECT id, name FROM tags WHERE user_id = :u ORDER BY id LIMIT 1"), {"u": u}
        ).one()
        public = one(session, "SELECT min(id) FROM folders WHERE user_id = :u AND is_public", u=u)
        if public is None:  # a data set made by an import: share one folder
            public = one(session, "SELECT min(id) FROM folders WHERE user_id = :u", u=u)
            folders.update(session, u, public, {"is_public": True})
        x = Sample(
            words=words,
            tag=tag,
            tag_id=tag_id,
            bookmark_id=one(session, "SELECT max(id) FROM bookmarks WHERE user_id = :u", u=u),
            folder_id=one(
                session,
                "SELECT folder_id FROM bookmarks WHERE user_id = :u AND folder_id IS NOT NULL"
                " GROUP BY folder_id ORDER BY count(*) DESC LIMIT 1",
                u=u,
            ),
            parent_id=one(
                session,
                "SELECT min(p.id) FROM folders p JOIN folders c ON c.parent_id = p.id"
                " WHERE p.user_id = :u AND p.parent_id IS NULL",
                u=u,
            ),
            public_folder_id=public,
            bundle_id=bundle.id,
            feed_token=users.feed_token(session, u).key,
        )
        return x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--user", default="bench")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--database-url", help="a PostgreSQL database to measure (the data dir keeps the key)"
    )
    args = parser.parse_args()
    os.environ["MARKHIVE_DATA_DIR"] = str(args.data_dir)
    if args.database_url:
        os.environ["MARKHIVE_DATABASE_URL"] = args.database_url
    os.environ.setdefault("MARKHIVE_RUN_WORKER", "false")

    from fastapi.testclient import TestClient

    from markhive.app import create_app
    from markhive.settings import Settings
    from markhive.users import service as users
    from markhive.web.session import SESSION_COOKIE, password_stamp

    settings = Settings.from_env(None)
    app = create_app(settings)
    ctx = app.state.ctx
    words_file = args.data_dir / "bench_words.json"
    known = json.loads(words_file.read_text()) if words_file.exists() else {}
    words = [item["word"] for item in known.get("common", [])] or ["python"]
    x = sample(ctx, settings, args.user, words)
    cookies = {}
    with ctx.db.unit(write=False) as session:
        for who, name in (("user", args.user), ("admin", "bench-admin")):
            user = users.get_user(session, name)
            stamp = password_stamp(user.password_hash)
            cookies[who] = app.state.web.cookies._session.dumps({"u": user.id, "s": stamp})
    rows: list[tuple[str, str, int, float | None, float | None]] = []
    with TestClient(app, follow_redirects=False) as client:
        for who, path in pages(x):
            client.cookies.clear()
            if who in cookies:
                client.cookies.set(SESSION_COOKIE, cookies[who])
            first = client.get(path)
            if first.status_code not in (200, 302) or first.headers.get("location") == "/login":
                rows.append((who, path, first.status_code, None, None))
                continue
            for _ in range(3):
                client.get(path)
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p50, p90 = statistics.median(times), times[int(len(times) * 0.9)]
            rows.append((who, path, first.status_code, p50, p90))
    print(f"| page | as | p50 ms | p90 ms | ≤ {TARGET_MS:.0f} ms p50 |")
    print("|---|---|---|---|---|")
    for who, path, status, median, p90th in rows:
        if median is None or p90th is None:
            print(f"| `{path}` | {who} | status {status} | | |")
        else:
            met = "yes" if median <= TARGET_MS else "NO"
            print(f"| `{path}` | {who} | {median:.1f} | {p90th:.1f} | {met} |")


if __name__ == "__main__":
    main()
