"""Server time of the web pages at a data set's size (in-process, no network): p50 and p90
of each page, signed in as the data set's user.

    python -m bench.web --data-dir /tmp/bench-100k [--requests 50]

The target (issue 5): every page ≤ 50 ms p50 at 100,000 bookmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

TARGET_MS = 50.0


def pages(words: list[str], tag: str, bookmark_id: int) -> list[str]:
    return [
        "/bookmarks",
        f"/bookmarks?q={words[0]}",
        f"/bookmarks?q=%23{tag}",
        "/bookmarks?sort=title_asc&page=50",
        "/bookmarks?unread=yes",
        "/bookmarks/archived",
        "/bookmarks/shared",
        "/bookmarks/new",
        f"/bookmarks/{bookmark_id}/edit",
        "/tags",
        "/folders",
        "/bundles",
        "/reminders",
        "/stats",
        "/settings",
        "/settings/keys",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--user", default="bench")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    os.environ["MARKHIVE_DATA_DIR"] = str(args.data_dir)
    os.environ.setdefault("MARKHIVE_RUN_WORKER", "false")

    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from markhive.app import create_app
    from markhive.settings import Settings
    from markhive.users import service as users
    from markhive.web.session import SESSION_COOKIE, password_stamp

    settings = Settings.from_env(None)
    app = create_app(settings)
    ctx = app.state.ctx
    with ctx.db.unit(write=False) as session:
        user = users.get_user(session, args.user)
        user_id, stamp = user.id, password_stamp(user.password_hash)
        bookmark_id = session.execute(
            text("SELECT max(id) FROM bookmarks WHERE user_id = :u"), {"u": user_id}
        ).scalar_one()
        tag = session.execute(
            text("SELECT name FROM tags WHERE user_id = :u ORDER BY id LIMIT 1"), {"u": user_id}
        ).scalar_one()
    words_file = args.data_dir / "bench_words.json"
    known = json.loads(words_file.read_text()) if words_file.exists() else {}
    words = [item["word"] for item in known.get("common", [])] or ["python"]
    cookie = app.state.web.cookies._session.dumps({"u": user_id, "s": stamp})
    rows = []
    with TestClient(app) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        for path in pages(words, tag, bookmark_id):
            first = client.get(path)
            if first.status_code != 200:
                rows.append((path, first.status_code, None, None))
                continue
            for _ in range(3):
                client.get(path)
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            rows.append((path, 200, statistics.median(times), times[int(len(times) * 0.9)]))
    print(f"| page | p50 ms | p90 ms | ≤ {TARGET_MS:.0f} ms p50 |")
    print("|---|---|---|---|")
    for path, status, p50, p90 in rows:
        if p50 is None:
            print(f"| `{path}` | status {status} | | |")
        else:
            print(f"| `{path}` | {p50:.1f} | {p90:.1f} | {'yes' if p50 <= TARGET_MS else 'NO'} |")


if __name__ == "__main__":
    main()
