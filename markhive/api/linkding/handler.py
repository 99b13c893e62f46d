"""Running linkding handlers: anonymous-friendly work and paged lists (see api.handler)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from markhive.api import auth
from markhive.api.auth import Caller
from markhive.api.common import base_url
from markhive.api.handler import admitted, context, run
from markhive.api.linkding.pagination import Page, envelope, read_page
from markhive.api.responses import JSON
from markhive.errors import AuthFailed

T = TypeVar("T")
R = TypeVar("R")


async def run_anonymous(request: Request, work: Callable[[Session, Caller | None], T]) -> T:
    """Work that anonymous callers may do; a given Authorization header must still be valid."""
    ctx = context(request)
    header = request.headers.get("authorization")

    def job() -> T:
        with ctx.db.unit(write=False) as session:
            try:
                caller: Caller | None = admitted(request, ctx, session, header)
            except AuthFailed as exc:
                if exc.message != auth.MISSING:  # a Token/Bearer header must be valid
                    raise
                caller = None  # no header, or another scheme: anonymous, as in linkding
            return work(session, caller)

    return await run_in_threadpool(job)


async def run_list(
    request: Request,
    fetch: Callable[[Session, Caller, Page], tuple[Sequence[R], int]],
    render: Callable[[R], dict[str, Any]],
) -> Response:
    """A paged list in linkding's envelope: ``fetch`` gives one page's items and the total."""
    page = read_page(request)
    base = base_url(request, context(request).settings)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        items, count = fetch(session, caller, page)
        return envelope(request, base, page, count, [render(item) for item in items])

    return JSON(await run(request, work))
