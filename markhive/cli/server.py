"""`markhive serve`, `markhive migrate`, `markhive worker`."""

from __future__ import annotations

import secrets

import click
import uvicorn

from markhive.cli.common import load_settings, open_database
from markhive.settings import Settings
from markhive.users import repository, service


@click.command("migrate")
def migrate_command() -> None:
    """Bring the database schema up to date."""
    settings = load_settings()
    open_database(settings).dispose()
    click.echo(f"database is up to date: {_describe(settings)}")


def _describe(settings: Settings) -> str:
    return settings.database_url.split("@")[-1] if not settings.is_sqlite else settings.database_url


def ensure_admin(settings: Settings) -> None:
    """On the first start, create an admin with a random password and an API key."""
    db = open_database(settings)
    try:
        with db.unit() as session:
            if repository.count(session) > 0:
                return
            password = secrets.token_urlsafe(12)
            admin = service.create_user(
                session, settings, "admin", password, is_admin=True, plan="unlimited"
            )
            key = service.create_key(session, settings, admin, "created on first start")
    finally:
        db.dispose()
    click.echo("First start: created the administrator.")
    click.echo("  username: admin")
    click.echo(f"  password: {password}")
    click.echo(f"  API key:  {key.secret}   (for linkding clients, use it with or without 'lgg_')")
    click.echo("  More keys: markhive key create admin")


@click.command("serve")
@click.option("--host", help="Address to listen on (default: MARKHIVE_HOST).")
@click.option("--port", type=int, help="Port to listen on (default: MARKHIVE_PORT).")
def serve(host: str | None, port: int | None) -> None:
    """Migrate, create an admin on first start, and serve HTTP."""
    settings = load_settings(host=host, port=port)
    ensure_admin(settings)
    click.echo(f"markhive serving on http://{settings.host}:{settings.port}/")
    uvicorn.run(
        "markhive.asgi:app_factory",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        proxy_headers=settings.trusted_proxy,
        forwarded_allow_ips="*" if settings.trusted_proxy else None,
        log_level=settings.log_level,
        access_log=False,
    )


@click.command("worker")
def worker() -> None:
    """Run the background-job consumer in the foreground."""
    from markhive.context import build_context
    from markhive.jobs.queue import run_consumer

    settings = load_settings()
    open_database(settings).dispose()
    ctx = build_context(settings)
    try:
        run_consumer(ctx.jobs.huey)
    finally:
        ctx.close()
