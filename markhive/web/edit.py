"""The add and edit form, the page check that prefills it, and tag suggestions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import anyio.to_thread
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from markhive.bookmarks import service as bookmarks
from markhive.bookmarks.derived import fold
from markhive.errors import Conflict, DomainError, Invalid, NotFound
from markhive.folders import service as folders
from markhive.tags import repository as tag_rows
from markhive.tags.service import clean_names
from markhive.web import views
from markhive.web.errors import messages
from markhive.web.handler import (
    Call,
    Render,
    context,
    handle,
    int_param,
    path_id,
    redirect,
    safe_next,
    web,
)

FIELDS = ("url", "title", "description", "notes", "tags")


def _reminder(text: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid.one("reminder", "Enter a date and time.") from None
    return value.replace(tzinfo=None) if value.tzinfo else value


def read_form(call: Call) -> dict[str, Any]:
    """The bookmark's values from the form (every field: the form shows them all)."""
    rating = call.text("rating", "0")
    values: dict[str, Any] = {
        "url": call.text("url"),
        "title": call.text("title"),
        "description": call.text("description"),
        "notes": call.text("notes"),
        "tag_names": clean_names(call.text("tags").split()) if call.text("tags").strip() else [],
        "folder_id": int_param(call.text("folder")),
        "rating": int(rating) if rating.isdigit() else -1,
        "is_favorite": call.flag("favorite"),
        "unread": call.flag("unread"),
        "shared": call.flag("shared"),
        "reminder_at": _reminder(call.text("reminder")),
    }
    if call.text("folder") and values["folder_id"] is None:
        raise Invalid.one("folder", "Choose a folder from the list.")
    return values


def _form(session: Session, call: Call, values: dict[str, Any], **extra: Any) -> Render:
    tree = folders.list_folders(session, call.user.id, web(call.request).folder_counts)
    context_: dict[str, Any] = {
        "values": values,
        "folders": tree,
        "errors": [],
        "existing": None,
        "next": safe_next(call.text("next") or call.request.query_params.get("next")),
    }
    context_.update(extra)
    return Render("bookmarks/form.html", context_, status=extra.pop("status", 200))


def _values_of(item: views.BookmarkView) -> dict[str, Any]:
    return {
        "url": item.url,
        "title": item.title,
        "description": item.description,
        "notes": item.notes,
        "tags": " ".join(item.tags),
        "folder": item.folder_id,
        "rating": item.rating,
        "favorite": item.favorite,
        "unread": item.unread,
        "shared": item.shared,
        "reminder": item.reminder.strftime("%Y-%m-%dT%H:%M") if item.reminder else "",
    }


def _echo(call: Call) -> dict[str, Any]:
    """What the person typed, to show the form again after an error."""
    values: dict[str, Any] = {name: call.text(name) for name in FIELDS}
    values.update(
        folder=int_param(call.text("folder")),
        rating=int_param(call.text("rating"), 0) or 0,
        favorite=call.flag("favorite"),
        unread=call.flag("unread"),
        shared=call.flag("shared"),
        reminder=call.text("reminder"),
    )
    return values


def _failed(bookmark_id: int | None) -> Any:
    def again(session: Session, call: Call, exc: DomainError) -> Render:
        if isinstance(exc, NotFound):
            raise exc  # another user's bookmark or folder: not found, not a form error
        existing = None
        if isinstance(exc, Conflict) and exc.existing_id:
            existing = exc.existing_id
        return _form(
            session,
            call,
            _echo(call),
            errors=messages(exc),
            existing=existing,
            bookmark_id=bookmark_id,
            status=400,
        )

    return again


async def new_form(request: Request) -> Response:
    params = request.query_params

    def work(session: Session, call: Call) -> Render:
        values: dict[str, Any] = {name: params.get(name, "")[:10_000] for name in FIELDS}
        values.update(
            unread=params.get("unread") == "yes",
            shared=False,
            favorite=False,
            rating=0,
            folder=int_param(params.get("folder")),
            reminder="",
        )
        found = (
            bookmarks.find_by_url(session, call.user.id, values["url"]) if values["url"] else None
        )
        return _form(session, call, values, bookmark_id=None, existing=found.id if found else None)

    return await handle(request, work)


async def create(request: Request) -> Response:
    ctx = context(request)

    def work(session: Session, call: Call) -> Response:
        values = read_form(call)
        bookmark, _ = bookmarks.create(session, call.user.id, values, merge=False)
        bookmark_id = bookmark.id
        if not values["title"] or not values["description"]:
            # Fill what was left empty from the page, once the bookmark is saved.
            from markhive.db.session import after_commit

            after_commit(session, lambda: ctx.jobs.enqueue_fill_metadata(bookmark_id))
        return redirect(safe_next(call.text("next")), request)

    return await handle(request, work, write=True, on_error=_failed(None))


async def edit_form(request: Request) -> Response:
    bookmark_id = path_id(request, "bookmark_id")

    def work(session: Session, call: Call) -> Render:
        bookmarks.get(session, call.user.id, bookmark_id)
        item = views.bookmarks(session, [bookmark_id])[0]
        return _form(
            session,
            call,
            _values_of(item),
            bookmark_id=bookmark_id,
            added=item.added,
            visits=item.visits,
        )

    return await handle(request, work)


async def update(request: Request) -> Response:
    bookmark_id = path_id(request, "bookmark_id")

    def work(session: Session, call: Call) -> Response:
        bookmarks.update(session, call.user.id, bookmark_id, read_form(call))
        return redirect(safe_next(call.text("next")), request)

    return await handle(request, work, write=True, on_error=_failed(bookmark_id))


async def check(request: Request) -> Response:
    """The fragment under the URL field: is it bookmarked already, and the page's title
    and description (which the form's script copies into empty fields)."""
    ctx = context(request)
    url = request.query_params.get("url", "").strip()[:2048]
    meta = None
    if url.startswith(("http://", "https://")):
        meta = await anyio.to_thread.run_sync(
            ctx.metadata.get, url, limiter=request.app.state.fetch_limiter
        )

    def work(session: Session, call: Call) -> Render:
        found = bookmarks.find_by_url(session, call.user.id, url) if url else None
        return Render(
            "bookmarks/_check.html",
            {
                "existing": found.id if found else None,
                "current": path_id(request, "bookmark_id") if request.path_params else None,
                "title": (meta.title or "") if meta else "",
                "description": (meta.description or "") if meta else "",
            },
        )

    return await handle(request, work)


async def suggest_tags(request: Request) -> Response:
    """``<option>``s completing the last word of the tags field (an htmx datalist)."""
    text = request.query_params.get("tags", "")[:2000]
    words = text.split(" ")
    prefix = words[-1] if words else ""

    def work(session: Session, call: Call) -> Render:
        names = tag_rows.names_starting(session, call.user.id, fold(prefix), 20) if prefix else []
        head = " ".join(words[:-1])
        return Render(
            "bookmarks/_suggest.html",
            {"options": [f"{head} {name}".strip() + " " for name in names]},
        )

    return await handle(request, work)


ROUTES = [
    Route("/bookmarks/new", new_form, methods=["GET"]),
    Route("/bookmarks/new", create, methods=["POST"]),
    Route("/bookmarks/check", check, methods=["GET"]),
    Route("/bookmarks/{bookmark_id:int}/check", check, methods=["GET"]),
    Route("/bookmarks/tags", suggest_tags, methods=["GET"]),
    Route("/bookmarks/{bookmark_id:int}/edit", edit_form, methods=["GET"]),
    Route("/bookmarks/{bookmark_id:int}/edit", update, methods=["POST"]),
]
