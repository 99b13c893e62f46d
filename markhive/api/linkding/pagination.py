"""linkding's limit/offset paging and its next/previous links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

DEFAULT_LIMIT = 100
# Larger values mean "everything" anyway; capping keeps them inside every backend's integers.
MAX_VALUE = 2**31 - 1


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


def _positive(value: str | None, default: int, *, allow_zero: bool) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    if number < 0 or (number == 0 and not allow_zero):
        return default
    return min(number, MAX_VALUE)


def read_page(request: Request) -> Page:
    params = request.query_params
    return Page(
        limit=_positive(params.get("limit"), DEFAULT_LIMIT, allow_zero=False),
        offset=_positive(params.get("offset"), 0, allow_zero=True),
    )


def _link(request: Request, base: str, limit: int, offset: int | None) -> str:
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset")]
    pairs.append(("limit", str(limit)))
    if offset is not None:
        pairs.append(("offset", str(offset)))
    pairs.sort(key=lambda pair: pair[0])
    return f"{base}{request.url.path}?{urlencode(pairs)}"


def envelope(
    request: Request, base: str, page: Page, count: int, results: list[Any]
) -> dict[str, Any]:
    nxt = None
    if page.offset + page.limit < count:
        nxt = _link(request, base, page.limit, page.offset + page.limit)
    previous = None
    if page.offset > 0:
        back = page.offset - page.limit
        previous = _link(request, base, page.limit, back if back > 0 else None)
    return {"count": count, "next": nxt, "previous": previous, "results": results}
