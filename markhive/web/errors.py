"""Domain and HTTP errors as web pages (the web front door's one error mapping)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from markhive.errors import (
    AuthFailed,
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
)

TITLES = {
    400: "Not saved",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Already there",
    413: "Too large",
    429: "Too many attempts",
    500: "Server error",
}


def status_of(exc: DomainError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Forbidden | AuthFailed):
        return 403
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, RateLimited):
        return 429
    return 400


def messages(exc: DomainError) -> list[str]:
    """What went wrong, in sentences a person can act on."""
    if isinstance(exc, Invalid):
        found: list[str] = []
        for name, value in exc.fields.items():
            items = value.values() if isinstance(value, dict) else [value]
            for group in items:
                found.extend(f"{name.replace('_', ' ').capitalize()}: {text}" for text in group)
        return found or ["The form has errors."]
    if isinstance(exc, NotFound):
        return ["There is nothing here, or it is not yours to see."]
    return [exc.message or TITLES.get(status_of(exc), "Error")]


def page(request: Request, status: int, lines: list[str]) -> Response:
    from markhive.web.handler import web

    state = web(request)
    return state.templates.response(
        "error.html",
        {
            "viewer": None,
            "csrf": "",
            "path": request.url.path,
            "status": status,
            "title": TITLES.get(status, "Error"),
            "messages": lines,
        },
        status_code=status,
    )


def to_response(request: Request, exc: DomainError) -> Response:
    return page(request, status_of(exc), messages(exc))
