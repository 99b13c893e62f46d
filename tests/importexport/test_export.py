"""The export's reading: folders read ahead in a thread or, when large, as they are
written; an export stopped early; dates written from stored text as from datetimes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from markhive.db.session import Database
from markhive.importexport import repository
from markhive.importexport.dates import to_unix, to_w3c
from markhive.importexport.export import export
from markhive.settings import Settings
from tests.importexport.accounts import AWKWARD, EXPORTED_AT, build_large, export_bytes

EPOCH = datetime(1970, 1, 1)


@pytest.mark.parametrize("fmt", ["html", "xbel"])
def test_large_folders_read_as_written_give_the_same_file(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """Folders of AHEAD rows or more are read as they are written, the others whole and
    the next one's query in a thread: the file is the same either way."""
    user_id = build_large(database, settings, 120, [a for a in AWKWARD if a.strip()], 4)
    ahead = export_bytes(database, user_id, fmt)
    monkeypatch.setattr(repository, "AHEAD", 7)  # every folder holds more than 7
    assert export_bytes(database, user_id, fmt) == ahead
    monkeypatch.setattr(repository, "AHEAD", 1)
    assert export_bytes(database, user_id, fmt) == ahead


def test_an_export_stopped_early_leaves_nothing_running(
    database: Database, settings: Settings
) -> None:
    """A download the client abandons: the query run ahead is waited for and closed, and
    the transaction goes on as before."""
    user_id = build_large(database, settings, 300, list("abcdef"), 6)
    with database.unit(write=False) as session:
        pieces = export(session, user_id, "html", exported_at=EXPORTED_AT)
        next(pieces)
        pieces.close()
        assert not [t for t in threading.enumerate() if t.name.startswith("markhive-export")]
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
