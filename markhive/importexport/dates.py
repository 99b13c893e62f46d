"""Dates in bookmark files: Unix times (Netscape) and W3C date-times (XBEL)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# Unix times past these are read as milliseconds, microseconds or nanoseconds
# (browsers and services disagree on the unit).
_SCALES = ((10**17, 10**9), (10**14, 10**6), (10**11, 10**3))
_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)


def from_unix(value: str | None) -> datetime | None:
    """A Unix time in seconds, or in ms, µs or ns when too large for seconds; None when
    missing, not a number, zero, or out of the calendar's range."""
    if value is None:
        return None
    try:
        number: float = int(value)
    except ValueError:
        if not _NUMBER.match(value):
            return None
        number = float(value)
    for bound, scale in _SCALES:
        if abs(number) >= bound:
            number /= scale
            break
    if number == 0:
        return None
    try:
        return datetime.fromtimestamp(int(number), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def to_unix(value: datetime | str) -> str:
    """Whole seconds since the epoch, rounded down (a naive value is UTC); also of a
    stored date as SQLite gives it, as text."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    # (a timedelta's days and seconds are floored already: quicker than dividing it)
    since = value - (_NAIVE_EPOCH if value.tzinfo is None else EPOCH)
    return str(since.days * 86400 + since.seconds)


def from_w3c(value: str | None) -> datetime | None:
    """An XBEL date: W3C/ISO 8601 (``2024-05-01``, ``2024-05-01T10:00:00Z``, with an
    offset or a fraction), or a bare Unix time as some tools write; None when unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if _NUMBER.match(value):
        return from_unix(value)
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_w3c(value: datetime | str) -> str:
    """``2024-05-01T10:00:00Z``, with microseconds when there are any (a naive value is
    UTC); also of a stored date as SQLite gives it, as text."""
    if isinstance(value, str):
        # SQLAlchemy's "2024-05-01 10:00:00.000000" (UTC), rewritten without parsing it
        # (a million bookmarks: a second less)
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            if value.endswith(".000000"):
                return f"{value[:10]}T{value[11:19]}Z"
            return f"{value[:10]}T{value[11:]}Z"
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.isoformat() + "Z"
    return value.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"
