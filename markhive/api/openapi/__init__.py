"""The OpenAPI 3.1 document of both API dialects.

The API routes are plain Starlette routes, which FastAPI's own generator does not see;
this document is built from declarative tables instead, one row per (path, method) of
the route tables: ``linkding.OPERATIONS`` and ``v1.OPERATIONS``. ``create_app`` serves
it at ``/api/openapi.json`` (and so in the docs UI at ``/api/docs``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from markhive.api.openapi import linkding, v1
from markhive.api.openapi.common import INT, SECURITY, STR, paths
from markhive.api.openapi.schemas import SCHEMAS

DIALECTS = (linkding.DIALECT, v1.DIALECT)

DESCRIPTION = (
    "markhive speaks two APIs over the same bookmarks and the same API keys: the linkding "
    "REST API under `/api/` (so linkding's clients work unchanged) and a LinkaGoGo-style "
    "API under `/api/v1/`, which adds folders, favorites, ratings, visits and reminders. "
    "Every request but the health check and the shared bookmark list needs a key, sent as "
    "`Authorization: Bearer <key>` or `Authorization: Token <key>`. Requests count "
    "against the key's daily quota when its plan has one."
)

TAGS = [
    {"name": linkding.TAG, "description": "linkding's REST API (paths end with `/`)."},
    {"name": v1.TAG, "description": "The LinkaGoGo-style API (paths without a final `/`)."},
    {"name": "health", "description": "Liveness of the server and its database."},
]

HEADERS: dict[str, dict[str, Any]] = {
    "X-RateLimit-Limit": {
        "description": "Requests the key may make per UTC day. Sent on responses to "
        "key-authenticated requests when the plan has a daily cap.",
        "schema": INT,
    },
    "X-RateLimit-Remaining": {
        "description": "Requests the key has left today, this one counted.",
        "schema": INT,
    },
    "X-RateLimit-Reset": {
        "description": "Unix time of the next UTC midnight, when the count starts over.",
        "schema": INT,
    },
    "Retry-After": {"description": "Seconds to wait: 86400.", "schema": INT},
    "WWW-Authenticate": {
        "description": "The scheme to authenticate with: `Token` on the linkding API, "
        "`Bearer` on /api/v1.",
        "schema": STR,
    },
    "Content-Disposition": {
        "description": 'attachment; filename="<the asset\'s name>"',
        "schema": STR,
    },
}

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key: 40 lowercase hex characters, with or without the "
        "`lgg_` prefix. The same keys work on both dialects.",
    },
    "token": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "linkding's spelling of the same key: the header value "
        "`Token <key>` (the word is case-insensitive).",
    },
}


def document(title: str, version: str) -> dict[str, Any]:
    """The whole OpenAPI document."""
    all_paths: dict[str, Any] = {}
    for dialect in DIALECTS:
        all_paths.update(paths(dialect))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": DESCRIPTION,
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "tags": TAGS,
        "security": SECURITY,
        "paths": all_paths,
        "components": {
            "schemas": SCHEMAS,
            "responses": {**linkding.RESPONSES, **v1.RESPONSES},
            "headers": HEADERS,
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


def openapi_for(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """A replacement for ``app.openapi``: the document, built once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app.title, app.version)
        return app.openapi_schema

    return openapi
