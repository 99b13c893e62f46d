"""The export stopped early; dates written from stored text as from datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from markhive.db.session import Database
from markhive.importexport.dates import to_unix, to_w3c
from markhive.importexport.export import export
from markhive.settings import Settings
from tests.importexport.accounts import EXPORTED_AT, build_large

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
