"""The README documents every setting and every command."""

from __future__ import annotations

from pathlib import Path

import click

from markhive.cli.main import cli
from markhive.settings import describe

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_is_in_the_readme() -> None:
    for variable, _default, _help in describe():
        assert f"`{variable}`" in README, variable


def _commands(group: click.Group, prefix: str) -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix} {name}")
        else:
            names.append(f"{prefix} {name}")
    return names


def test_every_command_is_in_the_readme() -> None:
    for command in _commands(cli, "markhive"):
        assert f"`{command}" in README, command
