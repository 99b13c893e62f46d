"""The /api/v1 fields of a benchmark data set: folders, ratings, favourites, visits and
reminders, and the two small users of the rate-limit A/B test.

    python -m bench.v1fields --data-dir /tmp/bench-1m [--seed 1]

``bench.generate`` sets these fields while it writes the bookmarks (``V1Fields.draw`` per
bookmark, folders made first). This command adds them in place to a data set made before
they existed, so a million bookmarks need not be generated again: it refuses a data set
whose user has folders already. Both paths draw from the same distribution:

- 2,000 folders in a two-level tree (160 top-level, 1,840 below them, spread over the
  top-level ones with Zipf weights), named after the data set's tags; 8% of the bookmarks at
  the root, the rest over the folders with Zipf weights (a few folders hold tens of
  thousands, most a few hundred or less);
- rating 0 for 82%, else 1-5 (3 and 4 the most common); 5% favourites;
- 30% visited, ``visit_count`` Pareto-distributed (half once, 1% 60 times or more), the last
  visit between the bookmark's creation and 2026-11-01, skewed towards the end;
- 0.1% with a reminder: 60% due (in 2026), 40% in 2030.

Then ``users.data_version`` is bumped (caches keyed on it become stale) and the rate-limit
users are made (see ``make_ab_users``); their keys go to ``DIR/bench_ab_keys.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text

from markhive.bookmarks.models import Bookmark
from markhive.db.engine import make_engine
from markhive.db.session import Database
from markhive.folders.models import Folder
from markhive.settings import Settings
from markhive.users import service as users
from markhive.users.models import User

FOLDERS = 2_000
TOP_FOLDERS = 160
ROOT_SHARE = 0.08
RATED_SHARE = 0.18
RATINGS, RATING_WEIGHTS = (1, 2, 3, 4, 5), (1, 2, 4, 4, 2)
FAVORITE_SHARE = 0.05
VISITED_SHARE = 0.30
VISIT_SKEW = 1.1  # Pareto shape: P(visits >= k) = k ** -1.1
REMINDER_SHARE = 0.001
VISITS_END = datetime(2026, 11, 1, tzinfo=UTC)
DUE_FROM, FUTURE_FROM = datetime(2026, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)
# The columns this module sets on bookmarks, and the indexes on them.
COLUMNS = ("folder_id", "rating", "is_favorite", "visit_count", "last_visited_at", "reminder_at")
AB_USERS = {"unlimited": "bench-unlimited", "plus": "bench-plus"}
AB_BOOKMARKS = 5_000
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite


def v1_rng(seed: int) -> random.Random:
    """The generator's random stream for these fields (apart from the words' stream)."""
    return random.Random(f"v1-fields-{seed}")


def make_folders(
    rng: random.Random, user_id: int, first_id: int, names: list[str], when: datetime
) -> list[dict[str, Any]]:
    """Rows for FOLDERS folders, parents first: TOP_FOLDERS at the top level, the rest
    below them (Zipf over the parents); names from ``names``, unique among siblings."""
    pool = list(dict.fromkeys(name.capitalize() for name in names))
    rng.shuffle(pool)
    rows: list[dict[str, Any]] = []

    def add(name: str, parent: int | None) -> None:
        rows.append(
            {
                "id": first_id + len(rows),
                "user_id": user_id,
                "parent_id": parent,
                "parent_key": parent or 0,
                "name": name,
                "name_folded": name.casefold(),
                "is_public": rng.random() < 0.02,
                "created_at": when,
                "updated_at": when,
            }
        )

    for name in pool[:TOP_FOLDERS]:
        add(name, None)
    tops = [row["id"] for row in rows]
    weights = list(itertools.accumulate(1.0 / rank for rank in range(1, len(tops) + 1)))
    taken: dict[int, set[str]] = {}
    while len(rows) < FOLDERS:
        parent = rng.choices(tops, cum_weights=weights)[0]
        name = rng.choice(pool)
        siblings = taken.setdefault(parent, set())
        if name.casefold() in siblings:
            name = f"{name} {len(rows)}"  # tag names have no spaces: unique
        siblings.add(name.casefold())
        add(name, parent)
    return rows


@dataclass
class V1Fields:
    """Draws the v1 fields of one bookmark after another (same order, same values)."""

    rng: random.Random
    folder_ids: list[int]

    def __post_init__(self) -> None:
        order = list(self.folder_ids)
        self.rng.shuffle(order)  # big and small folders at both levels
        self._folders = order
        self._weights = list(itertools.accumulate(1.0 / r**0.9 for r in range(1, len(order) + 1)))

    def draw(self, added: datetime) -> dict[str, Any]:
        rng = self.rng
        folder = None
        if self._folders and rng.random() >= ROOT_SHARE:
            folder = rng.choices(self._folders, cum_weights=self._weights)[0]
        rating = 0
        if rng.random() < RATED_SHARE:
            rating = rng.choices(RATINGS, weights=RATING_WEIGHTS)[0]
        visits, visited = 0, None
        if rng.random() < VISITED_SHARE:
            visits = min(int(rng.paretovariate(VISIT_SKEW)), 5_000)
            span = max((VISITS_END - added).total_seconds(), 60.0)
            visited = added + timedelta(seconds=span * rng.random() ** 0.4)
        reminder = None
        if rng.random() < REMINDER_SHARE:
            start = DUE_FROM if rng.random() < 0.6 else FUTURE_FROM
            reminder = start + timedelta(seconds=rng.randrange(300 * 86_400))
        return {
            "folder_id": folder,
            "rating": rating,
            "is_favorite": rng.random() < FAVORITE_SHARE,
            "visit_count": visits,
            "last_visited_at": visited,
            "reminder_at": reminder,
        }


def insert_folders(conn: Connection, user_id: int, rng: random.Random) -> list[int]:
    """The user's folders, named after its tags; their ids."""
    names = list(
        conn.scalars(text("SELECT name FROM tags WHERE user_id = :u ORDER BY id"), {"u": user_id})
    )
    first = int(conn.scalar(text("SELECT coalesce(max(id), 0) FROM folders"))) + 1
    rows = make_folders(rng, user_id, first, names or ["folder"], datetime.now(UTC))
    conn.execute(insert(Folder), rows)
    return [row["id"] for row in rows]


def bump_version(conn: Connection, user_id: int) -> None:
    conn.execute(
        text("UPDATE users SET data_version = data_version + 1 WHERE id = :u"), {"u": user_id}
    )


def _sqlite_time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime(SQLITE_TIME)


def _column_indexes(conn: Connection) -> list[tuple[str, str]]:
    """(name, sql) of the bookmark indexes on any of COLUMNS."""
    found = []
    rows = conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name = 'bookmarks'"
        )
    ).all()
    for name, sql in rows:
        listed = conn.execute(text(f'PRAGMA index_info("{name}")')).all()
        if any(row[2] in COLUMNS for row in listed):
            found.append((name, sql))
    return found


def add_in_place(data_dir: Path, seed: int, username: str = "bench") -> dict[str, Any]:
    """Set the v1 fields of every bookmark of ``username`` in an existing data set."""
    settings = Settings.from_env({}, data_dir=data_dir)
    engine = make_engine(settings.database_url, pool_size=1)
    started = time.monotonic()
    rng = v1_rng(seed)
    with engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        raw.execute("PRAGMA cache_size=-1000000")
        user_id = conn.scalar(select(User.id).where(User.username == username))
        if user_id is None:
            raise SystemExit(f"no user {username!r} in {settings.database_url}")
        has = conn.scalar(text("SELECT count(*) FROM folders WHERE user_id = :u"), {"u": user_id})
        if has:
            raise SystemExit(f"{username} has {has} folders already; the fields are there")
        conn.commit()
        folder_ids = insert_folders(conn, user_id, rng)
        fields = V1Fields(rng, folder_ids)
        indexes = _column_indexes(conn)
        for name, _sql in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        conn.exec_driver_sql(
            "CREATE TEMP TABLE v1_values (id INTEGER PRIMARY KEY, folder_id INTEGER, "
            "rating INTEGER, is_favorite INTEGER, visit_count INTEGER, last_visited_at TEXT, "
            "reminder_at TEXT)"
        )
        added = conn.execute(
            select(Bookmark.id, Bookmark.date_added)
            .where(Bookmark.user_id == user_id)
            .order_by(Bookmark.id)
        )
        values = []
        for bookmark_id, date_added in added:
            v = fields.draw(date_added)
            values.append(
                (
                    bookmark_id,
                    v["folder_id"],
                    v["rating"],
                    int(v["is_favorite"]),
                    v["visit_count"],
                    _sqlite_time(v["last_visited_at"]),
                    _sqlite_time(v["reminder_at"]),
                )
            )
        raw.executemany("INSERT INTO v1_values VALUES (?, ?, ?, ?, ?, ?, ?)", values)
        print(f"  {len(values):,} bookmarks drawn, {time.monotonic() - started:.1f} s", flush=True)
        conn.exec_driver_sql(
            "UPDATE bookmarks SET folder_id = v.folder_id, rating = v.rating, "
            "is_favorite = v.is_favorite, visit_count = v.visit_count, "
            "last_visited_at = v.last_visited_at, reminder_at = v.reminder_at "
            "FROM v1_values AS v WHERE bookmarks.id = v.id"
        )
        print(f"  updated, {time.monotonic() - started:.1f} s; building indexes", flush=True)
        for name, sql in indexes:
            conn.exec_driver_sql(sql)
            conn.exec_driver_sql(f'ANALYZE "{name}"')
        conn.exec_driver_sql("ANALYZE folders")
        conn.exec_driver_sql("DROP TABLE v1_values")
        bump_version(conn, user_id)
        conn.commit()
    summary = summarize(engine, user_id)
    summary["ab_users"] = make_ab_users(engine, settings, user_id)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    summary["seconds"] = round(time.monotonic() - started, 1)
    record(data_dir, summary)
    return summary


def summarize(engine: Engine, user_id: int) -> dict[str, Any]:
    """The v1 fields' numbers as measured in the database (for bench_words.json)."""
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT count(*), sum(folder_id IS NULL), sum(rating > 0), sum(is_favorite), "
                "sum(visit_count > 0), max(visit_count), count(reminder_at), "
                "sum(reminder_at <= :now) FROM bookmarks WHERE user_id = :u"
            ),
            {"u": user_id, "now": _sqlite_time(datetime.now(UTC))},
        ).one()
        folders = conn.execute(
            text("SELECT count(*), sum(parent_id IS NULL) FROM folders WHERE user_id = :u"),
            {"u": user_id},
        ).one()
        biggest = conn.scalar(
            text(
                "SELECT max(n) FROM (SELECT count(*) AS n FROM bookmarks "
                "WHERE user_id = :u AND folder_id IS NOT NULL GROUP BY folder_id)"
            ),
            {"u": user_id},
        )
    bookmarks, root, rated, favorites, visited, most, reminders, due = (int(v or 0) for v in row)
    return {
        "bookmarks": bookmarks,
        "folders": int(folders[0]),
        "top_folders": int(folders[1] or 0),
        "at_root": root,
        "largest_folder": int(biggest or 0),
        "rated": rated,
        "favorites": favorites,
        "visited": visited,
        "max_visit_count": most,
        "reminders": reminders,
        "due_reminders": due,
    }


def make_ab_users(engine: Engine, settings: Settings, source_id: int) -> dict[str, Any]:
    """Two users for the rate-limit A/B test, ``bench-unlimited`` on the unlimited plan and
    ``bench-plus`` on plus, each owning an identical copy (at the root, with their tags) of
    the source user's first AB_BOOKMARKS bookmarks, and one key each. The keys go to
    DIR/bench_ab_keys.json; nothing is done when the users exist already."""
    path = settings.data_dir / "bench_ab_keys.json"
    database = Database(engine)
    with database.unit() as session:
        if session.scalar(select(User.id).where(User.username == AB_USERS["plus"])) is not None:
            return json.loads(path.read_text()) if path.exists() else {}
        keys: dict[str, Any] = {"bookmarks": 0}
        made: list[int] = []
        for plan, name in AB_USERS.items():
            user = users.create_user(session, settings, name, plan=plan)
            session.flush()
            keys[plan] = users.create_key(session, settings, user, name="bench-ab").secret
            made.append(user.id)
    with engine.begin() as conn:
        source = [
            int(i)
            for i in conn.scalars(
                select(Bookmark.id)
                .where(Bookmark.user_id == source_id)
                .order_by(Bookmark.id)
                .limit(AB_BOOKMARKS)
            )
        ]
        columns = [c.name for c in Bookmark.__table__.columns if c.name not in ("id", "user_id")]
        picked = ", ".join("NULL" if c == "folder_id" else f"b.{c}" for c in columns)
        conn.exec_driver_sql("CREATE TEMP TABLE ab_map (old INTEGER PRIMARY KEY, new INTEGER)")
        for user_id in made:
            first = int(conn.scalar(text("SELECT max(id) FROM bookmarks"))) + 1
            conn.exec_driver_sql("DELETE FROM ab_map")
            conn.execute(
                text("INSERT INTO ab_map VALUES (:old, :new)"),
                [{"old": old, "new": first + n} for n, old in enumerate(source)],
            )
            conn.execute(
                text(
                    f"INSERT INTO bookmarks (id, user_id, {', '.join(columns)}) "
                    f"SELECT m.new, :u, {picked} FROM ab_map AS m "
                    "JOIN bookmarks AS b ON b.id = m.old ORDER BY m.new"
                ),
                {"u": user_id},
            )
            conn.execute(
                text(
                    "INSERT INTO tags (user_id, name, name_folded, date_added) "
                    "SELECT :u, name, name_folded, date_added FROM tags WHERE user_id = :s "
                    "ORDER BY id"
                ),
                {"u": user_id, "s": source_id},
            )
            conn.execute(
                text(
                    "INSERT INTO bookmark_tags (bookmark_id, tag_id) "
                    "SELECT m.new, mine.id FROM ab_map AS m "
                    "JOIN bookmark_tags AS bt ON bt.bookmark_id = m.old "
                    "JOIN tags AS theirs ON theirs.id = bt.tag_id "
                    "JOIN tags AS mine ON mine.user_id = :u "
                    "AND mine.name_folded = theirs.name_folded"
                ),
                {"u": user_id},
            )
        conn.exec_driver_sql("DROP TABLE ab_map")
    keys["bookmarks"] = len(source)
    path.write_text(json.dumps(keys, indent=2) + "\n")
    return keys


def record(data_dir: Path, summary: dict[str, Any]) -> None:
    """Add the v1 numbers to DIR/bench_words.json (without the keys)."""
    path = data_dir / "bench_words.json"
    words = json.loads(path.read_text()) if path.exists() else {}
    shown = {k: v for k, v in summary.items() if k not in ("ab_users", "seconds")}
    words["v1"] = shown
    words["ab_bookmarks"] = summary.get("ab_users", {}).get("bookmarks", 0)
    path.write_text(json.dumps(words, indent=2) + "\n")
    print(json.dumps(shown, indent=2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.v1fields", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data-dir", required=True, type=Path, help="a bench.generate data set")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    summary = add_in_place(args.data_dir.resolve(), args.seed)
    print(f"done in {summary['seconds']} s")


if __name__ == "__main__":
    main()
