"""The `markhive` command."""

from __future__ import annotations

import click

from markhive import __version__
from markhive.cli.keys import key
from markhive.cli.server import migrate_command, serve, worker
from markhive.cli.transfer import export_command, import_command
from markhive.cli.users import user


@click.group()
@click.version_option(__version__, prog_name="markhive")
def cli() -> None:
    """markhive: a self-hosted bookmark server.

    Settings come from MARKHIVE_* environment variables (see the README).
    """


cli.add_command(serve)
cli.add_command(migrate_command)
cli.add_command(worker)
cli.add_command(user)
cli.add_command(key)
cli.add_command(import_command)
cli.add_command(export_command)


if __name__ == "__main__":
    cli()
