"""The import service's batches: a file applied in many small batches and transactions
(each batch's rows written on the writer thread while the next is prepared) imports
exactly as it does in one, and a write that fails on the writer thread leaves every
transaction whole."""

from __future__ import annotations

import html
import io
import sqlite3
from typing import Any

import pytest
from sqlalchemy import select, text

from markhive.bookmarks.listing import ListQuery, list_ids
from markhive.bookmarks.models import Bookmark
from markhive.db.session import Database
from markhive.errors import Invalid
from markhive.importexport import service, staging
from markhive.search.count_cache import CountCache
from markhive.settings import Settings
from tests.importexport.accounts import import_bytes, new_user, state

COUNT = 300
# The same URL comes again this many entries later: in another batch, and (with the sizes
# of small_batches) in another transaction.
AGAIN = 110
BASE = 1_600_000_000


def _file(count: int = COUNT) -> bytes:
    """A Netscape file: nested folders opened and closed all along it, every date given,
    tags, skipped entries, and each fifth URL again AGAIN entries later with a
    description, notes and one more tag."""
    lines = ["<!DOCTYPE NETSCAPE-Bookmark-file-1>", "<DL><p>"]
    depth = 0
    for index in range(count):
        if index % 13 == 0:
            if depth >= 3 or (depth and index % 2):
                lines.append("</DL><p>")
                depth -= 1
            else:
                added = BASE + index
                lines.append(f'<DT><H3 ADD_DATE="{added}" LAST_MODIFIED="{added}">F{index}</H3>')
                lines.append("<DL><p>")
                depth += 1
        if index % 17 == 0:
            lines.append('<DT><A HREF="javascript:void(0)">bookmarklet</A>')
        first = index - AGAIN
        if index >= AGAIN and first % 5 == 0:
            url, extra = f"https://example.com/{first}", ""
            lines.append(
                f'<DT><A HREF="{url}" ADD_DATE="{BASE + index}" TAGS="t{first % 7},again">'
                f"again {first}</A>\n<DD>filled later {first}{extra}"
            )
        url = f"https://example.com/{index}"
        title = html.escape(f"Bookmark {index} & <b> wordy{index}x")
        description = f"\n<DD>about {index}" if index % 5 else ""
        lines.append(
            f'<DT><A HREF="{url}" ADD_DATE="{BASE + index}" LAST_MODIFIED="{BASE + 2 * index}" '
            f'TAGS="t{index % 7},t{index % 3}" TOREAD="{index % 2}">{title}</A>{description}'
        )
    lines.extend(["</DL><p>"] * (depth + 1))
    return "\n".join(lines).encode()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Staged blocks of 7 entries, batches of at least 20, transactions of at least 45."""
    monkeypatch.setattr(staging, "BLOCK", 7)
    monkeypatch.setattr(service, "BATCH", 20)
    monkeypatch.setattr(service, "TRANSACTION", 45)


def _derived(database: Database, user_id: int) -> dict[str, tuple[str, str]]:
    with database.unit(write=False) as session:
        query = select(Bookmark.url, Bookmark.search_text, Bookmark.sort_title).where(
            Bookmark.user_id == user_id
        )
        return {url: (search, title) for url, search, title in session.execute(query)}


def _found(database: Database, user_id: int, search: str) -> int:
    with database.unit(write=False) as session:
        return list_ids(session, ListQuery(owner_ids=[user_id], search=search), CountCache())[1]


def _check_full_text_index(database: Database) -> None:
    """SQLite: the trigram index holds exactly the bookmarks' text (its own check)."""
    if database.dialect != "sqlite":
        return
    with database.unit() as session:
        session.connection().exec_driver_sql(
            "INSERT INTO bookmark_fts(bookmark_fts, rank) VALUES ('integrity-check', 1)"
        )


def test_many_batches_import_as_one(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _file()
    whole = new_user(database, settings)
    expected = import_bytes(database, whole, data, "html").as_dict()
    monkeypatch.setattr(staging, "BLOCK", 7)
    monkeypatch.setattr(service, "BATCH", 20)
    monkeypatch.setattr(service, "TRANSACTION", 45)
    parts = new_user(database, settings)
    report = import_bytes(database, parts, data, "html").as_dict()

    assert report == expected
    assert (report["imported"], report["updated"], report["skipped"]) == (300, 38, 18)
    assert state(database, parts) == state(database, whole)
    assert _derived(database, parts) == _derived(database, whole)
    got = state(database, parts)["bookmarks"]
    # a URL met again in a later transaction: filled, and given the extra tag
    assert got["https://example.com/5"]["description"] == "filled later 5"
    assert got["https://example.com/5"]["tags"] == ["again", "t2", "t5"]
    assert got["https://example.com/1"]["description"] == "about 1"
    # every bookmark is found by a word of its own, the last batch's too
    assert _found(database, parts, "wordy299x") == 1
    assert _found(database, parts, "filled later") == 38
    _check_full_text_index(database)


def test_the_same_file_again_changes_nothing(
    database: Database, settings: Settings, small_batches: None
) -> None:
    data = _file()
    user_id = new_user(database, settings)
    import_bytes(database, user_id, data, "html")
    before = state(database, user_id)
    report = import_bytes(database, user_id, data, "html").as_dict()
    assert (report["imported"], report["updated"], report["unchanged"]) == (0, 0, 338)
    assert state(database, user_id) == before
    _check_full_text_index(database)


def _trigger_names(database: Database) -> list[str]:
    """SQLite's triggers (the import drops and makes again the full-text insert trigger)."""
    if database.dialect != "sqlite":
        return []
    with database.unit(write=False) as session:
        rows = session.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        )
        return [name for (name,) in rows]


def _refuse(database: Database, url: str) -> None:
    """Make every insert of a bookmark with this URL fail, in the database itself."""
    with database.unit() as session:
        run = session.connection().exec_driver_sql
        if database.dialect == "sqlite":
            run(
                f"CREATE TRIGGER refuse BEFORE INSERT ON bookmarks WHEN new.url = '{url}' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
            return
        run(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
        )
        run(
            "CREATE TRIGGER refuse BEFORE INSERT ON bookmarks FOR EACH ROW "
            f"WHEN (new.url = '{url}') EXECUTE FUNCTION refuse()"
        )


def _allow(database: Database) -> None:
    with database.unit() as session:
        if database.dialect == "sqlite":
            session.connection().execute(text("DROP TRIGGER IF EXISTS refuse"))
        else:
            session.connection().execute(text("DROP TRIGGER IF EXISTS refuse ON bookmarks"))
            session.connection().execute(text("DROP FUNCTION IF EXISTS refuse()"))


def test_a_failing_write_leaves_whole_transactions(
    database: Database, settings: Settings, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the failing statement runs on the writer thread; on PostgreSQL in the
    import's own thread. (The file is read whole first, so that every transaction is of
    the given size: see test_a_file_refused_at_its_end_leaves_nothing.)"""
    monkeypatch.setattr(service, "OVERLAP_BYTES", 0)
    triggers = _trigger_names(database)
    user_id = new_user(database, settings)
    _refuse(database, "https://example.com/150")
    try:
        with pytest.raises(Exception, match="refused by the test"):
            import_bytes(database, user_id, _file(), "html")
        refused_triggers = _trigger_names(database)
    finally:
        _allow(database)

    got: dict[str, Any] = state(database, user_id)["bookmarks"]
    # Whole transactions before the failing one are in, nothing of it or after it.
    numbers = sorted(int(url.rsplit("/", 1)[1]) for url in got)
    assert numbers == list(range(len(numbers)))
    assert 45 <= len(numbers) <= 150
    if database.dialect == "sqlite":  # the full-text trigger was made again
        assert refused_triggers == sorted([*triggers, "refuse"])
    _check_full_text_index(database)
    # Run again, the import finishes the job.
    import_bytes(database, user_id, _file(), "html")
    assert len(state(database, user_id)["bookmarks"]) == COUNT
    assert _found(database, user_id, "wordy150x") == 1
    _check_full_text_index(database)


def _write_lock_held(database: Database) -> bool:
    """SQLite: whether a transaction (the import's) holds the write lock right now."""
    probe = sqlite3.connect(str(database.engine.url.database), timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        probe.close()
    return False


def _import_watching(database: Database, user_id: int, data: bytes) -> list[bool]:
    """Import ``data``; whether the import held the write lock as each block was read."""
    held: list[bool] = []

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "read" and database.dialect == "sqlite":
            held.append(_write_lock_held(database))

    service.import_file(database, user_id, io.BytesIO(data), "html", None, progress)
    return held


# After the whole file: folders nested deeper than the importer allows.
TOO_DEEP = b"<DT><H3>deep</H3>\n<DL><p>\n" * 257


def test_a_file_refused_at_its_end_leaves_nothing(
    database: Database, settings: Settings, small_batches: None
) -> None:
    """The file is read while the first transaction is applied: a file found unfit for
    import at its very end leaves nothing behind, on either database."""
    user_id = new_user(database, settings)
    with pytest.raises(Invalid) as caught:
        _import_watching(database, user_id, _file(600) + TOO_DEEP)
    assert list(caught.value.fields) == ["file"]
    assert "nested more than 256 levels" in caught.value.fields["file"][0]
    assert state(database, user_id) == {"folders": {}, "bookmarks": {}}
    # the file was read to its end while the first transaction was open (SQLite: the
    # import held the write lock), from its first statement on
    held = _import_watching(database, user_id, _file(600))
    if database.dialect == "sqlite":
        assert held[-1] and held == sorted(held)
    assert len(state(database, user_id)["bookmarks"]) == 600
    _check_full_text_index(database)


def test_a_large_file_is_read_before_any_transaction(
    database: Database, settings: Settings, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "OVERLAP_BYTES", 1000)
    user_id = new_user(database, settings)
    held = _import_watching(database, user_id, _file(600))
    if database.dialect == "sqlite":
        assert held and not any(held)
    assert len(state(database, user_id)["bookmarks"]) == 600
    with pytest.raises(Invalid):
        _import_watching(database, user_id, _file(30) + TOO_DEEP)
    assert len(state(database, user_id)["bookmarks"]) == 600
