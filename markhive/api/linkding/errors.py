"""The one place where errors become linkding's (DRF's) error bodies."""

from __future__ import annotations

from starlette.responses import Response

from markhive.api import auth
from markhive.api.linkding.wire import BadRequest, UnsupportedMediaType
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
    auth.MISSING: "Authentication credentials were not provided.",
    auth.NO_CREDENTIALS: "Invalid token header. No credentials provided.",
    auth.SPACES: "Invalid token header. Token string should not contain spaces.",
    auth.INVALID: "Invalid token.",
    auth.INACTIVE: "User inactive or deleted.",
}


class AssetError(DomainError):
    """The asset endpoints' own shape: ``{"error": ...}`` (400)."""


class ParentMissing(DomainError):
    """The asset endpoints' 404 when the bookmark is missing: ``{"detail": ...}``."""


def to_response(exc: DomainError) -> Response:
    if isinstance(exc, Invalid):
        return JSON(exc.fields, status_code=400)
    if isinstance(exc, Conflict):
        return JSON({exc.field or "non_field_errors": [exc.message]}, status_code=400)
    if isinstance(exc, NotFound):
        detail = f"No {exc.kind} matches the given query." if exc.kind else "Not found."
        return JSON({"detail": detail}, status_code=404)
    if isinstance(exc, AuthFailed):
        message = AUTH_MESSAGES.get(exc.message, AUTH_MESSAGES[auth.INVALID])
        return JSON({"detail": message}, status_code=401, headers={"WWW-Authenticate": "Token"})
    if isinstance(exc, Forbidden):
        return JSON({"detail": exc.message}, status_code=403)
    if isinstance(exc, RateLimited):
        return JSON({"detail": exc.message}, status_code=429, headers={"Retry-After": "86400"})
    if isinstance(exc, UnsupportedMediaType):
        return JSON({"detail": exc.message}, status_code=415)
    if isinstance(exc, AssetError):
        return JSON({"error": exc.message}, status_code=400)
    if isinstance(exc, ParentMissing):
        return JSON({"detail": "Bookmark does not exist"}, status_code=404)
    if isinstance(exc, BadRequest):
        return JSON({"detail": exc.message}, status_code=400)
    return JSON({"detail": exc.message or "Bad request."}, status_code=400)
