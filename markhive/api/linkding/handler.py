"""Running a linkding handler's work: one unit of work, the caller authenticated in it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from markhive.api import auth
from markhive.api.auth import Caller, authenticate
from markhive.api.common import base_url
from markhive.api.linkding.pagination import Page, envelope, read_page
from markhive.api.responses import JSON
from markhive.context import Context
from markhive.errors import AuthFailed, NotFound
from markhive.users import service as users

T = TypeVar("T")
R = TypeVar("R")
MAX_ID = 2**31 - 1


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def path_id(request: Request, name: str) -> int:
    """An id from the path (the route accepts digits only); out of range is 404."""
    value = int(request.path_params[name])
    if not 0 < value <= MAX_ID:
        raise NotFound("", "Not found.")
    return value


async def run(request: Request, work: Callable[[Session, Caller], T], *, write: bool = False) -> T:
    ctx = context(request)
    header = request.headers.get("authorization")

    def job() -> T:
        with ctx.db.unit(write=write) as session:
            caller = authenticate(session, header)
            result = work(session, caller)
            touch = users.key_needs_touch(caller.key)
            if touch and write:
                users.touch_key(session, caller.key.id)
        if touch and not write:
            with ctx.db.unit(write=True) as session:
                users.touch_key(session, caller.key.id)
        return result

    return await run_in_threadpool(job)


async def run_anonymous(request: Request, work: Callable[[Session, Caller | None], T]) -> T:
    """Work that anonymous callers may do; a given Authorization header must still be valid."""
    ctx = context(request)
    header = request.headers.get("authorization")

    def job() -> T:
        with ctx.db.unit(write=False) as session:
            try:
                caller: Caller | None = authenticate(session, header)
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
