"""The settings pages: profile, plan and usage, feeds and bookmarklet; API keys; import
and export of bookmark files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, cast

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from markhive.api.common import base_url
from markhive.context import Context
from markhive.errors import DomainError, Invalid
from markhive.importexport import export
from markhive.importexport import service as transfer
from markhive.importexport.report import ImportReport
from markhive.users import repository as users
from markhive.users import service as user_service
from markhive.users.profile import CHOICES, FLAGS, effective
from markhive.users.quota import today
from markhive.web.errors import messages, status_of
from markhive.web.handler import Call, Render, context, finish, handle, path_id, redirect, web

CHOICE_LABELS: dict[str, tuple[str, dict[str, str]]] = {
    "theme": ("Theme", {"auto": "Same as the system", "light": "Light", "dark": "Dark"}),
    "bookmark_date_display": (
        "Bookmark dates",
        {
            "relative": "Relative (3 days ago)",
            "absolute": "Absolute (date and time)",
            "hidden": "Hidden",
        },
    ),
    "bookmark_link_target": ("Open bookmarks in", {"_blank": "A new tab", "_self": "The same tab"}),
    "web_archive_integration": (
        "Internet Archive",
        {"disabled": "Off", "enabled": "Link to the Wayback Machine's snapshot"},
    ),
    "tag_search": (
        "Tag search",
        {"strict": "Strict: only #tag searches tags", "lax": "Lax: plain words match tags too"},
    ),
}
FLAG_LABELS = {
    "enable_sharing": "Enable sharing: signed-in users see the bookmarks you mark shared",
    "enable_public_sharing": "Enable public sharing: anyone sees them, without signing in",
    "enable_favicons": "Show favicons",
    "display_url": "Show each bookmark's URL",
    "permanent_notes": "Always show notes (not folded away)",
}
IMPORT_FORMATS = {"auto": "Detect from the file", "html": "Netscape HTML", "xbel": "XBEL"}
SHOWN_SKIPS = 100
NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True)
class KeyView:
    id: int
    name: str
    prefix: str
    created: datetime
    last_used: datetime | None
    revoked: datetime | None
    used_today: int


@dataclass(frozen=True)
class PlanView:
    name: str
    key_limit: int | None
    request_limit: int | None
    api: bool


def _plan(ctx: Context, plan: str) -> PlanView:
    settings = ctx.settings
    return PlanView(
        plan, settings.plan_key_limit(plan), settings.plan_request_limit(plan), plan != "free"
    )


def _keys(session: Session, ctx: Context, user_id: int) -> list[KeyView]:
    day = today()
    return [
        KeyView(
            key.id,
            key.name,
            key.prefix,
            key.created_at,
            key.last_used_at,
            key.revoked_at,
            ctx.quota.used(key.id, day) if key.revoked_at is None else 0,
        )
        for key in users.keys(session, user_id)
    ]


def bookmarklet(base: str) -> str:
    """A ``javascript:`` URL that opens the add form for the page being looked at."""
    start = json.dumps(f"{base}/bookmarks/new?url=")
    return (
        f"javascript:void(window.open({start}+encodeURIComponent(location.href)"
        "+'&title='+encodeURIComponent(document.title)))"
    )


# --- profile, plan, feeds --------------------------------------------------------------


def _settings_page(session: Session, call: Call, **extra: Any) -> Render:
    ctx = context(call.request)
    user = user_service.get_by_id(session, call.user.id)
    token = users.feed_token(session, user.id)
    base = base_url(call.request, ctx.settings)
    values: dict[str, Any] = {
        "profile": effective(user.profile),
        "choices": CHOICE_LABELS,
        "flags": FLAG_LABELS,
        "plan": _plan(ctx, user.plan),
        "keys": [k for k in _keys(session, ctx, user.id) if k.revoked is None],
        "feed": token.key if token else None,
        "base": base,
        "bookmarklet": bookmarklet(base),
        "errors": [],
        "saved": "saved" in call.request.query_params,
        "reset": "reset" in call.request.query_params,
    }
    values.update(extra)
    return Render("settings/index.html", values, status=extra.pop("status", 200))


async def settings_page(request: Request) -> Response:
    def work(session: Session, call: Call) -> Render:
        user_service.feed_token(session, call.user.id)  # made on the first visit
        return _settings_page(session, call)

    return await handle(request, work, write=True)


async def save_settings(request: Request) -> Response:
    def work(session: Session, call: Call) -> Response:
        values: dict[str, Any] = {name: call.text(name) for name in CHOICES}
        values.update({name: call.flag(name) for name in FLAGS})
        user_service.update_profile(session, call.user.id, values)
        return redirect("/settings?saved", request)

    return await handle(request, work, write=True, on_error=_settings_failed)


def _settings_failed(session: Session, call: Call, exc: DomainError) -> Render:
    return _settings_page(session, call, errors=messages(exc), status=status_of(exc))


async def reset_feed_token(request: Request) -> Response:
    def work(session: Session, call: Call) -> Response:
        user_service.reset_feed_token(session, call.user.id)
        return redirect("/settings?reset#feeds", request)

    return await handle(request, work, write=True)


# --- API keys ---------------------------------------------------------------------------


def _keys_page(session: Session, call: Call, **extra: Any) -> Render:
    ctx = context(call.request)
    values: dict[str, Any] = {
        "keys": _keys(session, ctx, call.user.id),
        "plan": _plan(ctx, call.user.plan),
        "active": len(users.active_keys(session, call.user.id)),
        "secret": None,
        "errors": [],
        "revoked": "revoked" in call.request.query_params,
    }
    values.update(extra)
    status = extra.pop("status", 200)
    return Render("settings/keys.html", values, status=status, headers=NO_STORE)


async def keys_page(request: Request) -> Response:
    return await handle(request, _keys_page)


async def create_key(request: Request) -> Response:
    settings = context(request).settings

    def work(session: Session, call: Call) -> Render:
        name = call.text("name").strip()
        if len(name) > 100:
            raise Invalid.one("name", "At most 100 characters.")
        user = user_service.get_by_id(session, call.user.id)
        new = user_service.create_key(session, settings, user, name)
        # The secret is on this page only: it is stored hashed and never shown again.
        return _keys_page(session, call, secret=new.secret, secret_name=new.key.name)

    def again(session: Session, call: Call, exc: DomainError) -> Render:
        return _keys_page(session, call, errors=messages(exc), status=status_of(exc))

    return await handle(request, work, write=True, on_error=again)


async def revoke_key(request: Request) -> Response:
    key_id = path_id(request, "key_id")

    def work(session: Session, call: Call) -> Response:
        user_service.revoke_key(session, key_id, user_id=call.user.id)
        return redirect("/settings/keys?revoked", request)

    return await handle(request, work, write=True)


# --- import and export ------------------------------------------------------------------


def _transfer_page(call: Call, **extra: Any) -> Render:
    values: dict[str, Any] = {
        "plan": call.user.plan,
        "formats": IMPORT_FORMATS,
        "chosen": call.text("format", "auto"),
        "map_private": call.flag("map_private"),
        "errors": [],
        "report": None,
        "skips": [],
    }
    values.update(extra)
    return Render("settings/import_export.html", values, status=extra.pop("status", 200))


async def transfer_page(request: Request) -> Response:
    def work(session: Session, call: Call) -> Render:
        return _transfer_page(call)

    return await handle(request, work)


@dataclass
class _Upload:
    call: Call
    stream: BinaryIO
    fmt: str
    options: transfer.ImportOptions


async def import_file(request: Request) -> Response:
    """Signed in, CSRF and plan checked through handle(); the import itself runs after,
    outside any unit of work, because it commits batch by batch."""
    ctx = context(request)
    checked: list[_Upload] = []

    def check(session: Session, call: Call) -> Response:
        transfer.check_plan(call.user.plan, "import")
        fmt = call.text("format", "auto")
        if fmt not in IMPORT_FORMATS:
            raise Invalid.one("format", f"Choose one of {', '.join(IMPORT_FORMATS)}.")
        upload = call.form.get("file") if call.form is not None else None
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Invalid.one("file", "Choose a bookmark file to import.")
        options = transfer.ImportOptions(map_private=call.flag("map_private"))
        checked.append(_Upload(call, cast(BinaryIO, upload.file), fmt, options))
        return Response(status_code=204)

    def again(session: Session, call: Call, exc: DomainError) -> Render:
        return _transfer_page(call, errors=messages(exc), status=status_of(exc))

    response = await handle(request, check, on_error=again)
    if not checked:
        return response  # the sign-in page, or the form again with what is wrong
    job = checked[0]
    try:
        report = await run_in_threadpool(
            transfer.import_file, ctx.db, job.call.user.id, job.stream, job.fmt, job.options
        )
    except DomainError as exc:
        result = _transfer_page(job.call, errors=messages(exc), status=status_of(exc))
    else:
        result = _transfer_page(job.call, report=report, skips=_skips(report))
    finally:
        if job.call.form is not None:
            await job.call.form.close()
    return finish(web(request), job.call, result)


def _skips(report: ImportReport) -> list[dict[str, Any]]:
    return report.errors[:SHOWN_SKIPS]


async def export_html(request: Request) -> Response:
    return await _export(request, "html")


async def export_xbel(request: Request) -> Response:
    return await _export(request, "xbel")


async def _export(request: Request, fmt: str) -> Response:
    ctx = context(request)

    def work(session: Session, call: Call) -> Response:
        transfer.check_plan(call.user.plan, f"export-{fmt}")
        file = export.download(ctx.db, call.user.id, fmt)
        return StreamingResponse(
            file.pieces,
            media_type=file.media_type,
            headers={"Content-Disposition": f'attachment; filename="{file.name}"', **NO_STORE},
        )

    return await handle(request, work)


ROUTES = [
    Route("/settings", settings_page, methods=["GET"]),
    Route("/settings", save_settings, methods=["POST"]),
    Route("/settings/feed-token/reset", reset_feed_token, methods=["POST"]),
    Route("/settings/keys", keys_page, methods=["GET"]),
    Route("/settings/keys", create_key, methods=["POST"]),
    Route("/settings/keys/{key_id:int}/revoke", revoke_key, methods=["POST"]),
    Route("/settings/import-export", transfer_page, methods=["GET"]),
    Route("/settings/import", import_file, methods=["POST"]),
    Route("/settings/export.html", export_html, methods=["GET"]),
    Route("/settings/export.xbel", export_xbel, methods=["GET"]),
]
