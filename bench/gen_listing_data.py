"""Generate a large, realistic bookmark data set for measuring list and search queries.

    PYTHONPATH=. .venv/bin/python bench/gen_listing_data.py sqlite:////tmp/bench.db --rows 1000000

Creates (or reuses) the database, migrates it, adds one user ``bench`` (or the name given)
and fills in bookmarks with Zipf-distributed words, so some words are very common and many
are rare, about five tags each from a vocabulary of 2,000, dates spread over ten years in an
order unrelated to the ids (as after an import), and a few visits, ratings and flags.
The derived columns come from ``markhive.bookmarks.derived``, exactly as the app writes them.
On SQLite the FTS triggers are dropped during the load and the index rebuilt at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, text

from markhive.bookmarks import derived
from markhive.bookmarks.models import Bookmark
from markhive.db.engine import make_engine
from markhive.db.migrate import migrate
from markhive.tags.models import BookmarkTag, Tag
from markhive.users.models import User

SYLLABLES = [a + b for a in "bcdfghklmnprstvwz" for b in ("a", "e", "i", "o", "u", "ae", "ou")]
BATCH = 5000
EPOCH = datetime(2016, 1, 1)


def make_words(rng: random.Random, count: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, count + 1)))


class TextMaker:
    def __init__(self, rng: random.Random, vocabulary: int) -> None:
        self.rng = rng
        self.words = make_words(rng, vocabulary)
        self.weights = zipf_weights(vocabulary)
        self.domains = make_words(rng, 5000)

    def sentence(self, low: int, high: int) -> str:
        picked = self.rng.choices(
            self.words, cum_weights=self.weights, k=self.rng.randint(low, high)
        )
        return " ".join(picked)

    def url(self, serial: int) -> str:
        domain = self.rng.choice(self.domains)
        path = "-".join(self.rng.choices(self.words, cum_weights=self.weights, k=3))
        return f"https://{domain}.example/{path}/{serial}"


def bookmark_rows(
    maker: TextMaker, user_id: int, rows: int, start: int
) -> Iterator[list[dict[str, Any]]]:
    rng = maker.rng
    span = 10 * 365 * 86400
    batch: list[dict[str, Any]] = []
    for serial in range(start, start + rows):
        title = maker.sentence(2, 8).capitalize() if rng.random() > 0.03 else ""
        description = maker.sentence(8, 30) if rng.random() > 0.2 else ""
        notes = maker.sentence(5, 15) if rng.random() < 0.1 else ""
        url = maker.url(serial)
        added = EPOCH + timedelta(seconds=rng.randrange(span))
        modified = added + timedelta(seconds=rng.randrange(86400 * 30))
        visits = rng.choice((0, 0, 0, 0, 1, 2, 5, 20))
        batch.append(
            {
                "id": serial,
                "user_id": user_id,
                "url": url,
                "url_key": hashlib.sha256(url.encode()).hexdigest(),
                "title": title,
                "description": description,
                "notes": notes,
                "folder_id": None,
                "is_archived": rng.random() < 0.1,
                "unread": rng.random() < 0.2,
                "shared": rng.random() < 0.05,
                "is_favorite": rng.random() < 0.05,
                "rating": rng.choice((0, 0, 0, 1, 2, 3, 4, 5)),
                "visit_count": visits,
                "last_visited_at": modified if visits else None,
                "link_dead": False,
                "favicon_file": "",
                "preview_image_file": "",
                "web_archive_snapshot_url": "",
                "date_added": added.replace(tzinfo=UTC),
                "date_modified": modified.replace(tzinfo=UTC),
                "sort_title": derived.sort_title(title, url),
                "search_text": derived.search_text(title, description, notes, url),
            }
        )
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def ensure_user(conn: Connection, username: str) -> int:
    existing = conn.scalar(select(User.id).where(User.username_folded == username.lower()))
    if existing is not None:
        return int(existing)
    row = {
        "username": username,
        "username_folded": username.lower(),
        "email": "",
        "password_hash": "",
        "is_admin": False,
        "is_active": True,
        "plan": "unlimited",
        "profile": {},
        "data_version": 0,
        "created_at": datetime.now(UTC),
    }
    conn.execute(insert(User), row)
    return int(conn.scalar(select(User.id).where(User.username_folded == username.lower())))


def make_tags(conn: Connection, maker: TextMaker, user_id: int, count: int) -> list[int]:
    names = [f"{word}{n % 7 or ''}" for n, word in enumerate(maker.words[:count])]
    now = datetime.now(UTC)
    conn.execute(
        insert(Tag),
        [
            {"user_id": user_id, "name": n, "name_folded": n.lower(), "date_added": now}
            for n in names
        ],
    )
    return list(conn.scalars(select(Tag.id).where(Tag.user_id == user_id).order_by(Tag.id)))


def drop_fts_triggers(conn: Connection) -> list[str]:
    rows = conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE 'bookmarks_fts%'"
        )
    ).all()
    for name, _sql in rows:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    return [sql for _name, sql in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--user", default="bench")
    parser.add_argument("--tags", type=int, default=2000)
    parser.add_argument("--tags-per-bookmark", type=int, default=5)
    parser.add_argument("--vocabulary", type=int, default=60000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE at the end")
    args = parser.parse_args()

    engine = make_engine(args.database_url, pool_size=1)
    migrate(engine)
    sqlite = engine.dialect.name == "sqlite"
    rng = random.Random(args.seed)
    maker = TextMaker(rng, args.vocabulary)
    tag_weights = zipf_weights(args.tags, 0.8)
    started = time.monotonic()
    with engine.begin() as conn:
        user_id = ensure_user(conn, args.user)
        tag_ids = make_tags(conn, maker, user_id, args.tags)
        triggers = drop_fts_triggers(conn) if sqlite else []
        first = int(conn.scalar(text("SELECT coalesce(max(id), 0) FROM bookmarks"))) + 1
        done = 0
        for batch in bookmark_rows(maker, user_id, args.rows, first):
            conn.execute(insert(Bookmark), batch)
            links = []
            for offset in range(len(batch)):
                chosen = set(
                    rng.choices(tag_ids, cum_weights=tag_weights, k=args.tags_per_bookmark)
                )
                links.extend({"bookmark_id": first + done + offset, "tag_id": t} for t in chosen)
            conn.execute(insert(BookmarkTag), links)
            done += len(batch)
            if done % 100_000 == 0:
                print(f"{done} rows, {time.monotonic() - started:.0f} s", flush=True)
        if sqlite:
            conn.exec_driver_sql("INSERT INTO bookmark_fts(bookmark_fts) VALUES ('rebuild')")
            for sql in triggers:
                conn.exec_driver_sql(sql)
        else:
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('bookmarks', 'id'), max(id)) FROM bookmarks"
            )
    if args.analyze or not sqlite:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    print(f"done: {args.rows} bookmarks in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
