"""Sign-in, sign-out and the password change."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from markhive.errors import DomainError, Invalid
from markhive.users import repository as users
from markhive.users import service as user_service
from markhive.users.passwords import check_password
from markhive.web.handler import Call, Render, context, handle, redirect, safe_next, web
from markhive.web.session import password_stamp


def client_address(request: Request) -> str:
    if context(request).settings.trusted_proxy:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded.strip():
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


async def login_form(request: Request) -> Response:
    def work(session: Session, call: Call) -> Render | Response:
        if call.viewer is not None:
            return redirect(safe_next(request.query_params.get("next")))
        return Render(
            "login.html",
            {"next": safe_next(request.query_params.get("next")), "username": "", "error": ""},
        )

    return await handle(request, work, public=True)


async def login(request: Request) -> Response:
    state = web(request)
    address = client_address(request)

    def work(session: Session, call: Call) -> Render | Response:
        username = call.text("username").strip()
        target = safe_next(call.text("next"))
        wait = state.throttle.retry_after(address, username)
        if wait:
            error = f"Too many failed sign-ins. Try again in {(wait + 59) // 60} min."
            return Render(
                "login.html",
                {"next": target, "username": username, "error": error},
                status=429,
                headers={"Retry-After": str(wait)},
            )
        user = user_service.authenticate_password(session, username, call.text("password"))
        if user is None:
            state.throttle.failed(address, username)
            error = "Wrong username or password, or the account is deactivated."
            return Render(
                "login.html", {"next": target, "username": username, "error": error}, status=400
            )
        state.throttle.succeeded(address, username)
        user_id, stamp = user.id, password_stamp(user.password_hash)
        response = redirect(target)
        call.after.append(lambda r: state.cookies.start_session(r, request, user_id, stamp))
        return response

    return await handle(request, work, public=True)


async def logout(request: Request) -> Response:
    state = web(request)

    def work(session: Session, call: Call) -> Response:
        call.after.append(lambda r: state.cookies.end_session(r, request))
        return redirect("/login")

    return await handle(request, work, public=True)


async def password_form(request: Request) -> Response:
    def work(session: Session, call: Call) -> Render:
        return Render(
            "settings/password.html", {"errors": [], "done": "done" in request.query_params}
        )

    return await handle(request, work)


async def change_password(request: Request) -> Response:
    state = web(request)

    def work(session: Session, call: Call) -> Response:
        user = users.get(session, call.user.id)
        assert user is not None
        if not check_password(user.password_hash, call.text("current_password")):
            raise Invalid.one("current_password", "This is not your current password.")
        new = call.text("new_password")
        if new != call.text("confirm_password"):
            raise Invalid.one("confirm_password", "The two new passwords differ.")
        user_service.set_password(user, new)
        stamp = password_stamp(user.password_hash)
        # This browser stays signed in; every other session of the user ends.
        call.after.append(lambda r: state.cookies.start_session(r, request, user.id, stamp))
        return redirect("/settings/password?done")

    def again(session: Session, call: Call, exc: DomainError) -> Render:
        from markhive.web.errors import messages

        return Render(
            "settings/password.html", {"errors": messages(exc), "done": False}, status=400
        )

    return await handle(request, work, write=True, on_error=again)


async def home(request: Request) -> Response:
    def work(session: Session, call: Call) -> Response:
        return redirect("/bookmarks" if call.viewer else "/login")

    return await handle(request, work, public=True)


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/settings/password", password_form, methods=["GET"]),
    Route("/settings/password", change_password, methods=["POST"]),
]
