"""The admin's user management: the list of users, creating one, and per user: active or
not, the plan and a new password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from markhive.errors import DomainError, Forbidden
from markhive.settings import PLANS
from markhive.users import service as user_service
from markhive.web.errors import messages, status_of
from markhive.web.handler import Call, Render, Work, context, handle, path_id, redirect, web

ADMINS_ONLY = "Only administrators may manage users."
DONE = {
    "created": "The user is created.",
    "activated": "The user can sign in again.",
    "deactivated": "The user is deactivated: they cannot sign in or use their API keys.",
    "plan": "The plan is changed.",
    "password": "The password is changed.",
}


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    plan: str
    active: bool
    admin: bool
    created: datetime
    bookmarks: int
    me: bool


def _page(session: Session, call: Call, **extra: Any) -> Render:
    rows = [
        UserRow(
            u.id,
            u.username,
            u.plan,
            u.is_active,
            u.is_admin,
            u.created_at,
            count,
            u.id == call.user.id,
        )
        for u, count in user_service.users_with_counts(session, web(call.request).user_counts)
    ]
    done = call.request.query_params.get("done", "")
    values: dict[str, Any] = {
        "users": rows,
        "plans": PLANS,
        "default_plan": context(call.request).settings.default_plan,
        "done": DONE.get(done, ""),
        "errors": [],
        "form": {"username": "", "plan": "", "admin": False},
    }
    values.update(extra)
    return Render("admin/users.html", values, status=extra.pop("status", 200))


def _admin(work: Work) -> Work:
    """``work`` for administrators only."""

    def checked(session: Session, call: Call) -> Render | Response:
        if not call.user.is_admin:
            raise Forbidden(ADMINS_ONLY)
        return work(session, call)

    return checked


def _failed(session: Session, call: Call, exc: DomainError) -> Render:
    if not call.user.is_admin or isinstance(exc, Forbidden):
        raise exc
    form = {
        "username": call.text("username"),
        "plan": call.text("plan"),
        "admin": call.flag("admin"),
    }
    return _page(session, call, errors=messages(exc), form=form, status=status_of(exc))


async def _run(request: Request, work: Work, *, write: bool = False) -> Response:
    return await handle(request, _admin(work), write=write, on_error=_failed if write else None)


async def list_users(request: Request) -> Response:
    return await _run(request, _page)


async def create_user(request: Request) -> Response:
    settings = context(request).settings

    def work(session: Session, call: Call) -> Response:
        user = user_service.create_user(
            session,
            settings,
            call.text("username"),
            None,
            is_admin=call.flag("admin"),
            plan=call.text("plan") or None,
        )
        user_service.set_password(user, call.text("password"))
        return redirect("/admin/users?done=created", request)

    return await _run(request, work, write=True)


async def set_active(request: Request) -> Response:
    user_id = path_id(request, "user_id")

    def work(session: Session, call: Call) -> Response:
        active = call.flag("active")
        user_service.set_active(session, user_id, active, call.user.id)
        return redirect(f"/admin/users?done={'activated' if active else 'deactivated'}", request)

    return await _run(request, work, write=True)


async def set_plan(request: Request) -> Response:
    user_id = path_id(request, "user_id")

    def work(session: Session, call: Call) -> Response:
        user = user_service.get_by_id(session, user_id)
        user_service.set_plan(session, user.username, call.text("plan"))
        return redirect("/admin/users?done=plan", request)

    return await _run(request, work, write=True)


async def set_password(request: Request) -> Response:
    user_id = path_id(request, "user_id")

    def work(session: Session, call: Call) -> Response:
        user_service.set_password(user_service.get_by_id(session, user_id), call.text("password"))
        return redirect("/admin/users?done=password", request)

    return await _run(request, work, write=True)


ROUTES = [
    Route("/admin/users", list_users, methods=["GET"]),
    Route("/admin/users", create_user, methods=["POST"]),
    Route("/admin/users/{user_id:int}/active", set_active, methods=["POST"]),
    Route("/admin/users/{user_id:int}/plan", set_plan, methods=["POST"]),
    Route("/admin/users/{user_id:int}/password", set_password, methods=["POST"]),
]
