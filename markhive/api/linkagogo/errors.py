"""The one place where errors become /api/v1 error bodies: ``{"detail": ...}``, and for
validation 422 with ``detail`` naming the fields plus an ``errors`` list."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from markhive.api import auth
from markhive.api.linkagogo.wire import UnsupportedMediaType
from markhive.api.responses import JSON
from markhive.errors import (
    AuthFailed,
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
)

AUTH_MESSAGES = {
    auth.MISSING: "Authentication required: send Authorization: Bearer <API key>.",
    auth.NO_CREDENTIALS: "Invalid Authorization header: no API key given.",
    auth.SPACES: "Invalid Authorization header: the API key may not contain spaces.",
    auth.INVALID: "Invalid API key.",
    auth.INACTIVE: "User inactive or deleted.",
}
DUPLICATE_BOOKMARK = "A bookmark with this URL already exists"


def _messages(value: Any) -> list[str]:
    """A field's messages, nested ones (per list item) flattened."""
    if isinstance(value, dict):
        return [m for inner in value.values() for m in _messages(inner)]
    if isinstance(value, list):
        return [str(m) for m in value]
    return [str(value)]


def validation_body(exc: Invalid) -> dict[str, Any]:
    errors = [
        {"field": field, "message": message}
        for field, value in exc.fields.items()
        for message in _messages(value)
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return {"detail": detail, "errors": errors}


def to_response(exc: DomainError) -> Response:
    if isinstance(exc, Invalid):
        return JSON(validation_body(exc), status_code=422)
    if isinstance(exc, Conflict):
        if exc.existing_id is not None:
            body = {"detail": DUPLICATE_BOOKMARK, "bookmark_id": exc.existing_id}
            return JSON(body, status_code=409)
        return JSON({"detail": exc.message}, status_code=409)
    if isinstance(exc, NotFound):
        return JSON({"detail": exc.message}, status_code=404)
    if isinstance(exc, AuthFailed):
        message = AUTH_MESSAGES.get(exc.message, AUTH_MESSAGES[auth.INVALID])
        return JSON({"detail": message}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, Forbidden):
        return JSON({"detail": exc.message}, status_code=403)
    if isinstance(exc, RateLimited):
        return JSON({"detail": exc.message}, status_code=429, headers={"Retry-After": "86400"})
    if isinstance(exc, UnsupportedMediaType):
        return JSON({"detail": exc.message}, status_code=415)
    return JSON({"detail": exc.message or "Bad request."}, status_code=400)
