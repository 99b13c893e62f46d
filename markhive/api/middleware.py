"""ASGI middleware: path spelling, the request body size limit, rate-limit headers."""

from __future__ import annotations

import re
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_SLASHES = re.compile(r"^/{2,}")


def canonical_path(path: str, keep: frozenset[str] = frozenset()) -> str:
    """``//api/x`` → ``/api/x``; linkding paths end with ``/``, ``/api/v1`` paths do not.
    The paths in ``keep`` (the OpenAPI document and its docs UI) stay as they are."""
    path = _SLASHES.sub("/", path)
    if path in keep:
        return path
    if path == "/api/v1" or path.startswith("/api/v1/"):
        return path.rstrip("/") or "/"
    if (path == "/api" or path.startswith("/api/")) and not path.endswith("/"):
        return path + "/"
    return path


class CanonicalPath:
    """Serves every method at the path with or without its trailing slash, directly
    (no redirect, so request bodies are never lost)."""

    def __init__(self, app: ASGIApp, keep: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.keep = keep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = canonical_path(scope["path"], self.keep)
            if path != scope["path"]:
                scope = dict(scope, path=path, raw_path=path.encode())
        await self.app(scope, receive, send)


class BodyLimit:
    """413 for a body larger than the limit, decided from Content-Length before reading
    or while a chunked body streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body at all: nothing to watch
            return
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._reject(send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body: Any = orjson.dumps({"detail": f"Request body is larger than {self.max_bytes} bytes."})
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass


class RateLimitHeaders:
    """Adds ``X-RateLimit-*`` to the response of a key-authenticated request: the API
    handlers leave the key's quota in the request state (``markhive.api.handler``).
    Must wrap every middleware that copies the scope, so the state dict is shared."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def with_headers(message: Message) -> None:
            quota = state.get("quota")
            if message["type"] == "http.response.start" and quota is not None:
                message = dict(message, headers=[*message.get("headers", ()), *quota.headers()])
            await send(message)

        await self.app(scope, receive, with_headers)
