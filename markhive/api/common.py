"""Pieces every HTTP front door shares: the context, ids from the path, datetimes on the
wire, the request's base URL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from starlette.requests import Request

from markhive.context import Context
from markhive.db.ids import MAX_ID as MAX_ID
from markhive.settings import Settings


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def path_id(request: Request, name: str) -> int:
    """An id from the path (the route accepts digits only). One that no row can have is
    0, which every lookup then misses (a 404 in its turn, after the caller's checks)."""
    value = int(request.path_params[name])
    return value if 0 < value <= MAX_ID else 0


def read_datetime(value: str) -> datetime:
    """ISO 8601 with ``Z`` or an offset, or a date; naive values are UTC. A ``+`` of an
    offset that arrived as a space (an unencoded query string) is read as ``+``.

    Raises ValueError for text that is not a datetime and OverflowError for one that is
    out of range once moved to UTC."""
    text = value.strip()
    text = re.sub(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$", r"\1+\2", text)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_datetime(value: str) -> datetime | None:
    """:func:`read_datetime`, or None when the value cannot be used."""
    try:
        return read_datetime(value)
    except (ValueError, OverflowError):
        return None


def format_datetime(value: datetime | None) -> str | None:
    """``2026-11-22T12:42:51.902991Z``, or without the fraction when it is zero."""
    if value is None:
        return None
    if value.utcoffset():
        value = value.astimezone(UTC)
    # isoformat drops a zero fraction by itself; an aware value ends in "+00:00".
    text = value.isoformat()
    return (text[:-6] if value.tzinfo is not None else text) + "Z"


def base_url(request: Request, settings: Settings) -> str:
    """``scheme://host`` of the request; forwarded headers count only behind a trusted proxy."""
    scheme = request.url.scheme
    host = request.headers.get("host") or request.url.netloc
    if settings.trusted_proxy:
        scheme = request.headers.get("x-forwarded-proto", scheme).split(",")[0].strip()
        host = request.headers.get("x-forwarded-host", host).split(",")[0].strip()
    return f"{scheme}://{host}"
