"""The export stopped early, read in pages, read ahead; dates written from stored text as
from datetimes."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from markhive.db.session import Database
from markhive.importexport import export as export_module
from markhive.importexport.dates import to_unix, to_w3c
from markhive.importexport.export import events, export, read_ahead
from markhive.importexport.model import Entry
from markhive.settings import Settings
from tests.importexport.accounts import EXPORTED_AT, build_large
from tests.search.factory import add_bookmark, add_folder, add_user, day

EPOCH = datetime(1970, 1, 1)


def test_an_export_stopped_early_leaves_the_session_usable(
    database: Database, settings: Settings
) -> None:
    """A download the client abandons: the folder's cursor is closed, and the transaction
    goes on as before."""
    user_id = build_large(database, settings, 300, list("abcdef"), 6)
    with database.unit(write=False) as session:
        pieces = export(session, user_id, "html", exported_at=EXPORTED_AT)
        next(pieces)
        pieces.close()
        assert session.execute(text("SELECT count(*) FROM bookmarks")).scalar() == 300


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 5, 1, 10, 0, 0),
        datetime(2024, 5, 1, 10, 0, 0, 999_999),  # not rounded up to the next second
        datetime(2024, 5, 1, 10, 0, 0, 500),
        datetime(1969, 12, 31, 23, 59, 59, 500_000),  # before the epoch: rounded down
        datetime(1, 1, 1),
        datetime(9999, 12, 31, 23, 59, 59, 999_999),
    ],
)
def test_dates_from_stored_text_are_written_as_from_datetimes(value: datetime) -> None:
    """SQLite gives stored dates as text ("2024-05-01 10:00:00.000000", as SQLAlchemy
    writes them); the writers take it as it is, and write what they write for the
    datetime."""
    stored = value.isoformat(" ", "microseconds")
    assert len(stored) == 26
    assert to_unix(stored) == to_unix(value) == str((value - EPOCH) // timedelta(seconds=1))
    assert to_w3c(stored) == to_w3c(value) == value.isoformat() + "Z"
    aware = value.replace(tzinfo=UTC)
    assert to_unix(aware) == to_unix(value) and to_w3c(aware) == to_w3c(value)


@pytest.mark.parametrize(
    ("stored", "unix", "w3c"),
    [
        ("2024-05-01 10:00:00", "1714557600", "2024-05-01T10:00:00Z"),
        ("2024-05-01T10:00:00.250", "1714557600", "2024-05-01T10:00:00.250000Z"),
        ("2024-05-01T12:00:00+02:00", "1714557600", "2024-05-01T10:00:00Z"),
        ("2024-05-01", "1714521600", "2024-05-01T00:00:00Z"),
    ],
)
def test_dates_stored_otherwise_are_read_as_iso_8601(stored: str, unix: str, w3c: str) -> None:
    """Text written by something other than SQLAlchemy is parsed."""
    assert to_unix(stored) == unix
    assert to_w3c(stored) == w3c


def test_a_folder_larger_than_a_page_comes_whole_in_date_order(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are read a page at a time, each page starting after the last one's (date, id):
    bookmarks sharing a date are neither lost nor repeated at a page's edge."""
    monkeypatch.setattr(export_module, "ROWS", 7)
    with database.unit() as session:
        user = add_user(session, "pager")
        folder = add_folder(session, user, "Big")
        expected = []
        for n in range(40):
            place = folder if n % 5 else None  # some at the root
            added = day(n % 3)  # many bookmarks share each date
            i = add_bookmark(session, user, url=f"https://e.example/{n}", folder_id=place,
                             date_added=added)  # fmt: skip
            expected.append((place is None, added, i, f"https://e.example/{n}"))
    with database.unit(write=False) as session:
        urls = [e.url for e in events(session, user) if isinstance(e, Entry)]
    # the folder's bookmarks, then the root's, each oldest first, ties by id
    assert urls == [url for *_, url in sorted(expected)]


def test_read_ahead_gives_the_items_in_order_and_raises_the_producers_error() -> None:
    def produce() -> Iterator[int]:
        yield from range(50)
        raise ValueError("broken file")

    taken: list[int] = []
    with pytest.raises(ValueError, match="broken file"):
        for item in read_ahead(produce(), 3):
            taken.append(item)
    assert taken == list(range(50))


def test_closing_read_ahead_stops_its_thread_and_closes_the_source() -> None:
    closed = threading.Event()

    def produce() -> Iterator[int]:
        try:
            yield from itertools.count()
        finally:
            closed.set()

    items = read_ahead(produce(), 2)
    assert [next(items) for _ in range(5)] == [0, 1, 2, 3, 4]
    items.close()
    assert closed.is_set()
    assert not any(t.name == "markhive-read-ahead" for t in threading.enumerate())
