"""Running an API handler's work, for both dialects: admit the caller (key, plan, daily
quota), then one unit of work in a request thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from markhive.api.auth import Caller, admit
from markhive.api.common import MAX_ID as MAX_ID
from markhive.api.common import context as context
from markhive.api.common import path_id as path_id
from markhive.bookmarks.models import Bookmark
from markhive.bookmarks.service import Enrich
from markhive.context import Context
from markhive.db.session import after_commit
from markhive.errors import RateLimited
from markhive.users import service as users

T = TypeVar("T")


def admitted(request: Request, ctx: Context, session: Session, header: str | None) -> Caller:
    """:func:`admit`, leaving the caller's quota in ``request.state.quota`` (the
    RateLimitHeaders middleware turns it into headers, on errors too)."""
    try:
        caller = admit(session, ctx.settings, ctx.quota, header)
    except RateLimited as exc:
        request.state.quota = exc.quota
        raise
    request.state.quota = caller.quota
    return caller


def _touch(ctx: Context, caller: Caller, session: Session | None = None) -> None:
    """Note the key's use (at most once a minute), in ``session`` or a unit of its own."""
    if not users.key_needs_touch(caller.key):
        return
    if session is not None:
        users.touch_key(session, caller.key.id)
        return
    with ctx.db.unit(write=True) as own:
        users.touch_key(own, caller.key.id)


async def admit_request(request: Request) -> Caller:
    """The admitted caller, for handlers whose work is not one unit of work (imports,
    which commit batch by batch; exports, which stream)."""
    ctx = context(request)
    header = request.headers.get("authorization")

    def admit_() -> Caller:
        with ctx.db.unit(write=False) as session:
            caller = admitted(request, ctx, session, header)
        _touch(ctx, caller)
        return caller

    return await run_in_threadpool(admit_)


async def run(request: Request, work: Callable[[Session, Caller], T], *, write: bool = False) -> T:
    """``work`` in one unit of work (a write unit when ``write``), for an admitted caller."""
    ctx = context(request)
    header = request.headers.get("authorization")

    def read() -> T:
        with ctx.db.unit(write=False) as session:
            caller = admitted(request, ctx, session, header)
            result = work(session, caller)
        _touch(ctx, caller)
        return result

    def write_() -> T:
        # Admitted before the write unit begins: on SQLite that unit holds the write
        # lock from its first statement, which the quota's own transaction needs.
        with ctx.db.unit(write=False) as session:
            caller = admitted(request, ctx, session, header)
        with ctx.db.unit(write=True) as session:
            result = work(session, caller)
            _touch(ctx, caller, session)
        return result

    return await run_in_threadpool(write_ if write else read)


def enricher(ctx: Context) -> Enrich:
    """Fetch a new bookmark's page (title, description, images) once it has committed."""

    def enrich(session: Session, bookmark: Bookmark) -> None:
        bookmark_id = bookmark.id
        after_commit(session, lambda: ctx.jobs.enqueue_fill_metadata(bookmark_id))

    return enrich
