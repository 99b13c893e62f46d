"""Bulk edit: one action on the bookmarks picked, or on every bookmark the search matches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from markhive.bookmarks import bulk, listing
from markhive.context import Context
from markhive.errors import Invalid
from markhive.tags.service import clean_names
from markhive.web.bookmarks import Filters, list_query
from markhive.web.handler import Call, context, handle, int_param, redirect, safe_next

MAX_MATCHING = 100_000
FLAGS: dict[str, dict[str, Any]] = {
    "archive": {"is_archived": True},
    "unarchive": {"is_archived": False},
    "read": {"unread": False},
    "unread": {"unread": True},
    "share": {"shared": True},
    "unshare": {"shared": False},
    "favorite": {"is_favorite": True},
    "unfavorite": {"is_favorite": False},
}


def _matching(session: Session, ctx: Context, call: Call) -> list[int]:
    """Every bookmark the list's search and filters match (the list's own query)."""
    filters = Filters.read(call.form or {})
    kind = call.text("kind") if call.text("kind") == "archived" else "active"
    query = list_query(session, call.user, [call.user.id], kind, filters, MAX_MATCHING)
    ids, _ = listing.list_ids(session, query, ctx.count_cache)
    return ids


def _picked(call: Call) -> list[int]:
    ids = [int_param(raw) for raw in call.values("ids")]
    return [i for i in ids if i is not None]


def apply(ctx: Context, session: Session, call: Call) -> int:
    action = call.text("action")
    ids = _matching(session, ctx, call) if call.flag("everything") else _picked(call)
    if not ids:
        raise Invalid.one("ids", "Pick at least one bookmark, or all that match.")
    user_id = call.user.id
    tags = clean_names(call.text("tags").split()) if call.text("tags").strip() else []
    actions: dict[str, Callable[[], int]] = {
        "add_tags": lambda: bulk.retag(session, user_id, ids, tags, []),
        "remove_tags": lambda: bulk.retag(session, user_id, ids, [], tags),
        "move": lambda: bulk.move(session, user_id, ids, int_param(call.text("target_folder"))),
        "rate": lambda: bulk.set_flags(session, user_id, ids, rating=_rating(call)),
        "delete": lambda: bulk.delete_many(session, user_id, ids, ctx.assets.forget_many_files),
    }
    if action in FLAGS:
        return bulk.set_flags(session, user_id, ids, **FLAGS[action])
    if action in ("add_tags", "remove_tags") and not tags:
        raise Invalid.one("tags", "Name the tags to add or remove.")
    if action not in actions:
        raise Invalid.one("action", "Choose an action.")
    return actions[action]()


def _rating(call: Call) -> int:
    raw = call.text("rating")
    if not raw.isdigit():
        raise Invalid.one("rating", "Choose a rating from 0 to 5.")
    return int(raw)


async def bulk_edit(request: Request) -> Response:
    ctx = context(request)

    def work(session: Session, call: Call) -> Response:
        apply(ctx, session, call)
        return redirect(safe_next(call.text("next")), request)

    return await handle(request, work, write=True)


ROUTES = [Route("/bookmarks/bulk", bulk_edit, methods=["POST"])]
