"""create_app(settings): the ASGI application with every front door mounted."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from markhive import __version__
from markhive.api.linkagogo import errors as v1_errors
from markhive.api.linkagogo.routes import ROUTES as V1_ROUTES
from markhive.api.linkding import errors as linkding_errors
from markhive.api.linkding.routes import ROUTES as LINKDING_ROUTES
from markhive.api.middleware import BodyLimit, CanonicalPath, RateLimitHeaders
from markhive.api.openapi import openapi_for
from markhive.api.responses import JSON
from markhive.context import Context, build_context
from markhive.errors import DomainError
from markhive.jobs.queue import BackgroundConsumer
from markhive.settings import Settings
from markhive.web import errors as web_errors
from markhive.web.handler import Web
from markhive.web.routes import ROUTES as WEB_ROUTES
from markhive.web.security import SecurityHeaders

log = logging.getLogger("markhive")
FETCH_THREADS = 16


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _is_v1(request: Request) -> bool:
    path = request.url.path
    return path == "/api/v1" or path.startswith("/api/v1/")


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if _is_v1(request):
        return v1_errors.to_response(exc)
    if _is_api(request):
        return linkding_errors.to_response(exc)
    return web_errors.to_response(request, exc)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        detail = f'Method "{request.method}" not allowed.'
    elif exc.status_code == 404:
        detail = "Not found."
    else:
        detail = str(exc.detail)
    if _is_api(request) or request.url.path == "/health":
        return JSON({"detail": detail}, status_code=exc.status_code, headers=exc.headers)
    if request.url.path.startswith(("/static/", "/media/")):
        return PlainTextResponse(detail, status_code=exc.status_code, headers=exc.headers)
    return web_errors.page(request, exc.status_code, [detail])


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSON({"detail": "Internal server error."}, status_code=500)


def create_app(settings: Settings, context: Context | None = None) -> FastAPI:
    ctx = context or build_context(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Few request threads: SQLite and psycopg release the GIL on every step, and with
        # dozens of threads each re-acquisition waits behind the others (measured: 222
        # requests/s with 1 thread, 146 with 2, 62 with anyio's default 40).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        # Waiting on remote sites (the check endpoint) has threads of its own.
        app.state.fetch_limiter = anyio.CapacityLimiter(FETCH_THREADS)
        consumer = BackgroundConsumer(ctx.jobs.huey) if settings.run_worker else None
        if consumer is not None:
            consumer.start()
        try:
            yield
        finally:
            if consumer is not None:
                consumer.stop()
            app.state.web.close()
            ctx.close()

    app = FastAPI(
        title="markhive",
        version=__version__,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.openapi = openapi_for(app)  # type: ignore[method-assign]
    app.state.ctx = ctx
    app.router.routes.extend(V1_ROUTES)
    app.router.routes.extend(LINKDING_ROUTES)
    app.router.routes.extend(WEB_ROUTES)
    app.state.web = Web(settings)
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, server_error)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    docs = (app.docs_url, app.openapi_url, app.swagger_ui_oauth2_redirect_url)
    app.add_middleware(CanonicalPath, keep=frozenset(url for url in docs if url))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RateLimitHeaders)  # outermost: the scope's state is shared below
    return app
