"""`markhive key ...`: API keys."""

from __future__ import annotations

import click

from markhive.cli.common import load_settings, open_database, unit
from markhive.users import repository, service
from markhive.users.quota import make_store, today


@click.group("key")
def key() -> None:
    """Manage API keys."""


@key.command("create")
@click.argument("username")
@click.option("--name", default="", help="A name to tell the key apart.")
def create(username: str, name: str) -> None:
    """Create a key; its secret is printed once, as the last line."""
    settings = load_settings()
    with unit(settings) as session:
        owner = service.get_user(session, username)
        new = service.create_key(session, settings, owner, name)
        key_id = new.key.id
    click.echo(f"created key {key_id} for {username}; the secret is shown only now:")
    click.echo(new.secret)


@key.command("list")
@click.argument("username", required=False)
def list_keys(username: str | None) -> None:
    """List keys (of one user, or of everyone) with today's requests (UTC day)."""
    settings = load_settings()
    store = make_store(settings, open_database(settings))
    day = today()
    with unit(settings) as session:
        user_id = service.get_user(session, username).id if username else None
        users = {u.id: u for u in repository.all_users(session)}
        click.echo("id\tuser\tname\tprefix\tcreated\tlast used\ttoday\tstatus")
        for row in repository.keys(session, user_id):
            used = row.last_used_at.isoformat(timespec="seconds") if row.last_used_at else "never"
            status = "revoked" if row.revoked_at else "active"
            created = row.created_at.isoformat(timespec="seconds")
            limit = settings.plan_request_limit(users[row.user_id].plan)
            requests = f"{store.used(row.id, day)}/{limit}" if limit is not None else "-"
            click.echo(
                f"{row.id}\t{users[row.user_id].username}\t{row.name}\tlgg_{row.prefix}…\t"
                f"{created}\t{used}\t{requests}\t{status}"
            )
    store.close()


@key.command("revoke")
@click.argument("key_id", type=int)
def revoke(key_id: int) -> None:
    """Revoke a key by id."""
    with unit(load_settings()) as session:
        service.revoke_key(session, key_id)
    click.echo(f"revoked key {key_id}")
