"""Running a web page's work: who is signed in, the CSRF check on every form, one unit of
work in a request thread, and the page rendered from a view model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from markhive.api.common import MAX_ID
from markhive.api.common import context as context
from markhive.api.common import path_id as path_id
from markhive.bookmarks.stats import BreakdownCache
from markhive.errors import DomainError, Forbidden
from markhive.folders.service import CountCache
from markhive.settings import Settings
from markhive.users import repository as users
from markhive.users.profile import effective
from markhive.users.service import CountsCache
from markhive.web.session import CSRF_FIELD, CSRF_HEADER, Cookies, password_stamp, tokens_match
from markhive.web.templates import Templates
from markhive.web.throttle import make_throttle

CSRF_FAILED = "The form has expired or did not come from this site. Reload the page and try again."


class Web:
    """What the web front door keeps for the process's life."""

    def __init__(self, settings: Settings) -> None:
        self.cookies = Cookies(settings.load_secret_key(), settings.trusted_proxy)
        self.templates = Templates()
        self.throttle = make_throttle(settings)
        self.folder_counts = CountCache()
        self.breakdowns = BreakdownCache()
        self.user_counts = CountsCache()

    def close(self) -> None:
        self.throttle.close()


@dataclass(frozen=True)
class Viewer:
    id: int
    username: str
    is_admin: bool
    plan: str
    profile: dict[str, Any]


@dataclass
class Call:
    request: Request
    viewer: Viewer | None
    csrf: str
    form: FormData | None = None
    # Steps applied to the response: the cookies of a sign-in, a sign-out, a first visit.
    after: list[Callable[[Response], object]] = field(default_factory=list)

    @property
    def user(self) -> Viewer:
        assert self.viewer is not None
        return self.viewer

    def text(self, name: str, default: str = "") -> str:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else default

    def flag(self, name: str) -> bool:
        return self.text(name) in ("on", "true", "1", "yes")

    def values(self, name: str) -> list[str]:
        if self.form is None:
            return []
        return [v for v in self.form.getlist(name) if isinstance(v, str)]


@dataclass
class Render:
    template: str
    context: dict[str, Any]
    status: int = 200
    headers: dict[str, str] | None = None


Work = Callable[[Session, Call], "Render | Response"]


def web(request: Request) -> Web:
    state: Web = request.app.state.web
    return state


def int_param(raw: str | None, default: int | None = None) -> int | None:
    """A positive id from a query or form value; ``default`` when absent or not one."""
    if raw is None or not raw.strip().isdigit():
        return default
    value = int(raw.strip())
    return value if 0 < value <= MAX_ID else default


def safe_next(target: str | None, default: str = "/bookmarks") -> str:
    """A local path to go to after a form (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def redirect(url: str, request: Request | None = None) -> Response:
    """See other; for htmx requests the browser itself is sent there."""
    if request is not None and request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def load_viewer(session: Session, cookies: Cookies, request: Request) -> Viewer | None:
    data = cookies.session(request)
    if data is None:
        return None
    user = users.get(session, data.user_id)
    if user is None or not user.is_active or password_stamp(user.password_hash) != data.stamp:
        return None
    return Viewer(user.id, user.username, user.is_admin, user.plan, effective(user.profile))


def _origin_ok(request: Request, settings: Settings) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    if settings.trusted_proxy:
        host = request.headers.get("x-forwarded-host", host).split(",")[0].strip()
    return urlsplit(origin).netloc == host


async def handle(
    request: Request,
    work: Work,
    *,
    write: bool = False,
    public: bool = False,
    forms: bool = True,
    on_error: Callable[[Session, Call, DomainError], Render | Response] | None = None,
) -> Response:
    """Run ``work`` for the signed-in viewer (or anyone, when ``public``), in one unit of
    work. Forms (any method but GET and HEAD) must carry the CSRF token; a page without
    ``forms`` (a feed) is sent without one. A domain error rolls the unit back;
    ``on_error`` may then render the form again with the message."""
    ctx = context(request)
    state = web(request)
    token = state.cookies.csrf(request)
    form = None
    if request.method not in ("GET", "HEAD"):
        form = await request.form(max_part_size=ctx.settings.max_body_bytes)
        given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        if not tokens_match(token, given if isinstance(given, str) else None) or not _origin_ok(
            request, ctx.settings
        ):
            raise Forbidden(CSRF_FAILED)
    call = Call(request, None, token or "", form)
    if token is None and forms:
        # The first page of a visit: a token for its forms, set with the page.
        call.csrf, signed = state.cookies.issue_csrf()
        call.after.append(lambda response: state.cookies.set_csrf(response, request, signed))

    def run() -> Response:
        try:
            with ctx.db.unit(write=write) as session:
                call.viewer = load_viewer(session, state.cookies, request)
                if call.viewer is None and not public:
                    return _to_login(request)
                result = work(session, call)
        except DomainError as exc:
            if on_error is None:
                raise
            with ctx.db.unit(write=False) as session:
                result = on_error(session, call, exc)
        return finish(state, call, result)

    return await run_in_threadpool(run)


def finish(state: Web, call: Call, result: Render | Response) -> Response:
    if isinstance(result, Render):
        values = {"viewer": call.viewer, "csrf": call.csrf, "path": call.request.url.path}
        values.update(result.context)
        response: Response = state.templates.response(
            result.template, values, result.status, result.headers
        )
    else:
        response = result
    for step in call.after:
        step(response)
    return response


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(f"/login?next={quote(target, safe='')}", request)
