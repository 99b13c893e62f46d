"""Entry point for ASGI servers: ``uvicorn --factory markhive.asgi:app_factory``."""

from __future__ import annotations

from fastapi import FastAPI

from markhive.app import create_app
from markhive.settings import Settings


def app_factory() -> FastAPI:
    return create_app(Settings.from_env())
