"""Generate a benchmark data set: one user with N realistic bookmarks in a fresh SQLite database.

    python -m bench.generate --data-dir /tmp/bench-100k --count 100000 [--seed 1]

Creates DIR/markhive.db (migrated), a user ``bench`` with an API key (printed and written to
DIR/bench_key), and N bookmarks inserted in bulk with SQLAlchemy Core. Words follow a Zipf-like
distribution over a vocabulary of real and made-up words, so a few words are in most rows and
many are in a handful; each bookmark has about five tags from a vocabulary of 2,000; dates
spread over ten years in an order unrelated to the ids. The derived columns (``url_key``,
``search_text``, ``sort_title``) come from the app's own functions and the FTS index is filled
by the migration's triggers. DIR/bench_words.json records the words and tags the runner
searches for, with their measured row counts.
"""

from __future__ import annotations

import argparse
import itertools
import json
import queue
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, text

from bench import v1fields
from markhive.bookmarks import derived
from markhive.bookmarks.models import Bookmark
from markhive.bookmarks.urls import url_key
from markhive.db.engine import make_engine
from markhive.db.migrate import migrate
from markhive.db.session import Database
from markhive.settings import Settings
from markhive.tags.models import BookmarkTag, Tag
from markhive.users import service as users

USERNAME = "bench"
BATCH = 10_000
VOCABULARY = 80_000
TAG_VOCABULARY = 2_000
# Never generated: made-up words use no q, x or j, and no real word below contains it.
ABSENT_WORD = "zqxjvw"
START = datetime(2016, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 10 * 365 * 86_400

# Real words take the most frequent ranks, so titles read a little like titles.
_REAL_WORDS_TEXT = """
the and for with how guide to of in on a your from using python javascript rust go linux
docker kubernetes database postgres sqlite web api design performance testing notes tutorial
introduction advanced best practices security network server client cloud data science
machine learning deep model news blog article review home garden recipe cooking travel music
video book reading history science health fitness finance money startup product engineering
team management career interview tips tricks release changelog documentation reference open
source project library framework tool tools cli terminal editor vim emacs git github code
programming language compiler runtime memory async concurrency queue cache search index query
storage backup email privacy encryption password browser extension mobile android ios apple
windows mac photo camera design typography color layout css html react vue svelte game games
physics math algorithm structure paper research conference talk slides podcast episode weekly
monthly report analysis chart map city weather energy climate solar battery car bike coffee
"""
REAL_WORDS = _REAL_WORDS_TEXT.split()

STOP_WORDS = {"with", "from", "your", "using"}

SYLLABLE_ONSETS = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v"]
SYLLABLE_ONSETS += ["w", "z", "br", "ch", "dr", "fl", "gr", "kr", "pl", "sh", "st", "th", "tr"]
SYLLABLE_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "y"]
SYLLABLE_CODAS = ["", "", "", "n", "r", "l", "s", "t", "m", "nd", "rk"]
TLDS = ["com", "org", "net", "io", "dev", "de", "co.uk", "fr", "blog", "info"]


def made_up_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """Pronounceable words of two to four syllables, none repeated."""
    words: list[str] = []
    seen = set(taken)
    while len(words) < count:
        word = "".join(
            rng.choice(SYLLABLE_ONSETS) + rng.choice(SYLLABLE_VOWELS) + rng.choice(SYLLABLE_CODAS)
            for _ in range(rng.choice((2, 2, 3, 3, 3, 4)))
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def cumulative_zipf(count: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / rank**exponent for rank in range(1, count + 1)))


@dataclass
class Maker:
    """Draws titles, descriptions, URLs and tag sets, counting the words it emits per row."""

    rng: random.Random
    words: list[str]
    word_weights: list[float]
    hosts: list[str]
    host_weights: list[float]
    tag_count: int
    tag_weights: list[float]
    v1: v1fields.V1Fields | None = None
    word_rows: Counter[str] = field(default_factory=Counter)
    tag_rows: Counter[int] = field(default_factory=Counter)

    def phrase(self, low: int, high: int) -> list[str]:
        k = self.rng.randint(low, high)
        return self.rng.choices(self.words, cum_weights=self.word_weights, k=k)

    def bookmark(self, serial: int) -> tuple[dict[str, Any], list[str], list[int]]:
        rng = self.rng
        title_words = self.phrase(3, 9) if rng.random() > 0.03 else []
        desc_words = self.phrase(6, 24) if rng.random() > 0.15 else []
        note_words = self.phrase(4, 15) if rng.random() < 0.08 else []
        path_words = self.phrase(1, 4)
        host = rng.choices(self.hosts, cum_weights=self.host_weights)[0]
        url = f"https://{host}/{'/'.join(path_words)}-{serial}"
        if rng.random() < 0.1:
            url += f"?ref={rng.choice(self.words)}&page={rng.randint(1, 50)}"
        title = " ".join(title_words).capitalize()
        description = " ".join(desc_words)
        if description:
            description = description[0].upper() + description[1:] + "."
        notes = " ".join(note_words)
        self.word_rows.update(set(title_words + desc_words + note_words + path_words))
        added = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        modified = added + timedelta(seconds=rng.randrange(86_400 * 60))
        row = {
            "id": serial,
            "url": url,
            "url_key": url_key(url),
            "title": title,
            "description": description,
            "notes": notes,
            "is_archived": rng.random() < 0.1,
            "unread": rng.random() < 0.15,
            "shared": rng.random() < 0.05,
            "date_added": added,
            "date_modified": modified,
            "sort_title": derived.sort_title(title, url),
            "search_text": derived.search_text(title, description, notes, url),
        }
        if self.v1 is not None:  # folder, rating, favourite, visits, reminder
            row.update(self.v1.draw(added))
        tags: list[int] = []
        if rng.random() > 0.03:
            picked = rng.choices(
                range(self.tag_count), cum_weights=self.tag_weights, k=rng.randint(3, 7)
            )
            tags = sorted(set(picked))
            self.tag_rows.update(tags)
        return row, path_words, tags


def make_maker(rng: random.Random) -> Maker:
    words = list(dict.fromkeys(REAL_WORDS))
    words += made_up_words(rng, VOCABULARY - len(words), set(words))
    host_names = made_up_words(rng, 6_000, set())
    hosts = [f"{name}.{rng.choice(TLDS)}" for name in host_names]
    hosts += [f"www.{host}" for host in hosts[:500]] + [f"blog.{host}" for host in hosts[500:800]]
    rng.shuffle(hosts)
    return Maker(
        rng=rng,
        words=words,
        word_weights=cumulative_zipf(len(words), 1.0),
        hosts=hosts,
        host_weights=cumulative_zipf(len(hosts), 0.9),
        tag_count=TAG_VOCABULARY,
        tag_weights=cumulative_zipf(TAG_VOCABULARY, 0.9),
    )


def tag_names(maker: Maker) -> list[str]:
    """2,000 distinct names: the real words, then made-up ones, a few with a suffix."""
    names: list[str] = []
    for n, word in enumerate(maker.words):
        if len(names) >= TAG_VOCABULARY:
            break
        if len(word) < 4 or word in STOP_WORDS:
            continue
        names.append(word if n % 9 else f"{word}-{n % 5 + 1}")
    return list(dict.fromkeys(names))[:TAG_VOCABULARY]


def create_user_and_key(engine: Engine, settings: Settings, data_dir: Path) -> tuple[int, str]:
    database = Database(engine)
    with database.unit() as session:
        user = users.create_user(session, settings, USERNAME)
        session.flush()
        new_key = users.create_key(session, settings, user, name="bench")
        user_id = user.id
    (data_dir / "bench_key").write_text(new_key.secret + "\n")
    return user_id, new_key.secret


def insert_tags(conn: Connection, user_id: int, names: list[str]) -> list[int]:
    first = int(conn.scalar(text("SELECT coalesce(max(id), 0) FROM tags"))) + 1
    now = datetime.now(UTC)
    conn.execute(
        insert(Tag),
        [
            {
                "id": first + n,
                "user_id": user_id,
                "name": name,
                "name_folded": name.casefold(),
                "date_added": now,
            }
            for n, name in enumerate(names)
        ],
    )
    return [first + n for n in range(len(names))]


Batch = tuple[list[dict[str, Any]], list[dict[str, int]]]


def batches(
    maker: Maker, user_id: int, count: int, first: int, tag_ids: list[int]
) -> Iterator[Batch]:
    rows: list[dict[str, Any]] = []
    links: list[dict[str, int]] = []
    for serial in range(first, first + count):
        row, _path, tags = maker.bookmark(serial)
        row["user_id"] = user_id
        rows.append(row)
        links.extend({"bookmark_id": serial, "tag_id": tag_ids[t]} for t in tags)
        if len(rows) >= BATCH:
            yield rows, links
            rows, links = [], []
    if rows:
        yield rows, links


def _produce(
    out: queue.Queue[Batch | None],
    maker: Maker,
    user_id: int,
    count: int,
    first: int,
    tag_ids: list[int],
) -> None:
    """Make the rows in a thread: SQLite releases the GIL while it writes the previous batch."""
    try:
        for batch in batches(maker, user_id, count, first, tag_ids):
            out.put(batch)
    finally:
        out.put(None)


def drop_fts_triggers(conn: Connection) -> list[str]:
    """Drop the FTS triggers for the bulk load (the loader fills the index itself); their SQL
    is returned so they can be put back."""
    found = conn.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE :n"),
        {"n": "bookmarks_fts_%"},
    ).all()
    for name, _sql in found:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in found]


def drop_indexes(conn: Connection) -> list[str]:
    """Drop the secondary indexes of the bulk-loaded tables: building them once at the end
    (a sort) is much faster than keeping them through a million random-order inserts."""
    found = conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('bookmarks', 'bookmark_tags')"
        )
    ).all()
    for name, _sql in found:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def fts_count(conn: Connection, word: str) -> int:
    phrase = '"' + word.replace('"', '""') + '"'
    return int(
        conn.scalar(
            text("SELECT count(*) FROM bookmark_fts WHERE bookmark_fts MATCH :q"), {"q": phrase}
        )
    )


def choose_words(conn: Connection, maker: Maker, count: int) -> dict[str, Any]:
    """The words the runner searches for, checked against the FTS index (substring counts)."""
    by_rows = maker.word_rows.most_common()
    # Common: the most frequent real words of four letters or more; substring counts decide.
    common = []
    for word, _n in by_rows:
        if word in REAL_WORDS and len(word) >= 4 and word not in STOP_WORDS:
            common.append((word, fts_count(conn, word)))
        if len(common) >= 6:
            break
    common.sort(key=lambda pair: -pair[1])
    common = [pair for pair in common if pair[1] >= count * 0.1] or common
    # Rare: a long made-up word emitted in 10-50 rows whose substring count is also small.
    rare: tuple[str, int] | None = None
    candidates = [w for w, n in by_rows if 10 <= n <= 50 and len(w) >= 8 and w not in REAL_WORDS]
    random.Random(count).shuffle(candidates)
    for word in candidates[:200]:
        found = fts_count(conn, word)
        if 10 <= found <= 60:
            rare = (word, found)
            break
    if rare is None:
        raise SystemExit("no rare word with 10-60 rows found; try another --seed or --count")
    absent = fts_count(conn, ABSENT_WORD)
    if absent:
        raise SystemExit(f"the absent word {ABSENT_WORD!r} is in {absent} rows")
    return {
        "common": [{"word": w, "rows": n} for w, n in common[:2]],
        "rare": {"word": rare[0], "rows": rare[1]},
        "absent": {"word": ABSENT_WORD, "rows": 0},
    }


def choose_tags(maker: Maker, names: list[str], count: int) -> dict[str, Any]:
    target = count * 0.0025
    index, rows = min(maker.tag_rows.items(), key=lambda item: abs(item[1] - target))
    top_index, top_rows = maker.tag_rows.most_common(1)[0]
    return {
        "rare_tag": {"tag": names[index], "rows": rows},
        "common_tag": {"tag": names[top_index], "rows": top_rows},
    }


def generate(data_dir: Path, count: int, seed: int) -> dict[str, Any]:
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env({}, data_dir=data_dir)
    if (settings.data_dir / "markhive.db").exists():
        raise SystemExit(f"{settings.data_dir / 'markhive.db'} exists; use an empty directory")
    engine = make_engine(settings.database_url, pool_size=1)
    started = time.monotonic()
    migrate(engine)
    user_id, secret = create_user_and_key(engine, settings, settings.data_dir)
    rng = random.Random(seed)
    maker = make_maker(rng)
    names = tag_names(maker)
    with engine.begin() as conn:
        tag_ids = insert_tags(conn, user_id, names)
        first = int(conn.scalar(text("SELECT coalesce(max(id), 0) FROM bookmarks"))) + 1
        # The /api/v1 fields come from a stream of their own, drawn in id order like
        # `python -m bench.v1fields` does on an older data set.
        v1_rng = v1fields.v1_rng(seed)
        maker.v1 = v1fields.V1Fields(v1_rng, v1fields.insert_folders(conn, user_id, v1_rng))
    done = 0
    produced: queue.Queue[Batch | None] = queue.Queue(maxsize=3)
    producer = threading.Thread(
        target=_produce, args=(produced, maker, user_id, count, first, tag_ids), daemon=True
    )
    producer.start()
    with engine.connect() as conn:
        # Outside any transaction (the driver connection is in autocommit mode).
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA synchronous=OFF")  # type: ignore[union-attr]
        raw.execute("PRAGMA cache_size=-1000000")  # type: ignore[union-attr]
        triggers = drop_fts_triggers(conn)
        indexes = drop_indexes(conn)
        conn.commit()
        while (batch := produced.get()) is not None:
            rows, links = batch
            conn.execute(insert(Bookmark), rows)
            if links:
                conn.execute(insert(BookmarkTag), links)
            # What the insert trigger does, one statement per batch.
            conn.execute(
                text(
                    "INSERT INTO bookmark_fts(rowid, search_text) "
                    "SELECT id, search_text FROM bookmarks WHERE id BETWEEN :low AND :high"
                ),
                {"low": rows[0]["id"], "high": rows[-1]["id"]},
            )
            conn.commit()
            done += len(rows)
            if done % 100_000 == 0 or done == count:
                print(f"  {done:>9} bookmarks, {time.monotonic() - started:6.1f} s", flush=True)
        print("  building indexes", flush=True)
        for sql in [*indexes, *triggers]:
            conn.exec_driver_sql(sql)
        conn.commit()
    producer.join()
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        words = choose_words(conn, maker, count)
    v1 = v1fields.summarize(engine, user_id)
    # After ANALYZE and the word counts: the statistics and counts describe the main user.
    ab_keys = v1fields.make_ab_users(engine, settings, user_id)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    summary: dict[str, Any] = {
        "count": count,
        "seed": seed,
        "username": USERNAME,
        **words,
        **choose_tags(maker, names, count),
        "v1": v1,
        "ab_bookmarks": ab_keys.get("bookmarks", 0),
        "seconds": round(time.monotonic() - started, 1),
    }
    (settings.data_dir / "bench_words.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    print(f"API key for {USERNAME}: {secret}")
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data-dir", required=True, type=Path, help="an empty or new directory")
    parser.add_argument("--count", required=True, type=int, help="number of bookmarks")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.count < 1:
        sys.exit("--count must be positive")
    generate(args.data_dir, args.count, args.seed)


if __name__ == "__main__":
    main()
