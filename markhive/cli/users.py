"""`markhive user ...`: create users, set plans."""

from __future__ import annotations

import sys

import click

from markhive.cli.common import load_settings, unit
from markhive.settings import PLANS
from markhive.users import service


@click.group("user")
def user() -> None:
    """Manage users."""


@user.command("create")
@click.argument("username")
@click.option("--password", help="The password (visible in the process list; prefer stdin).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@click.option("--plan", type=click.Choice(PLANS), help="Plan; default: MARKHIVE_DEFAULT_PLAN.")
@click.option("--email", default="", help="E-mail address.")
def create(
    username: str,
    password: str | None,
    password_stdin: bool,
    admin: bool,
    plan: str | None,
    email: str,
) -> None:
    """Create a user."""
    if password and password_stdin:
        raise click.UsageError("give --password or --password-stdin, not both")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    settings = load_settings()
    with unit(settings) as session:
        created = service.create_user(
            session, settings, username, None, is_admin=admin, plan=plan, email=email
        )
        if password is not None:
            service.set_password(created, password)
        click.echo(f"created user {created.username} (plan {created.plan})")


@user.command("set-plan")
@click.argument("username")
@click.argument("plan", type=click.Choice(PLANS))
def set_plan(username: str, plan: str) -> None:
    """Change a user's plan."""
    with unit(load_settings()) as session:
        changed = service.set_plan(session, username, plan)
        click.echo(f"{changed.username} is now on the {changed.plan} plan")


@user.command("list")
def list_users() -> None:
    """List users."""
    from markhive.users import repository

    with unit(load_settings()) as session:
        for row in repository.all_users(session):
            flags = " admin" if row.is_admin else ""
            flags += "" if row.is_active else " inactive"
            click.echo(f"{row.id}\t{row.username}\t{row.plan}{flags}")
