"""The README documents every setting and every command."""

from __future__ import annotations

import re
from pathlib import Path

import click
from starlette.routing import Route

from markhive.api.linkagogo.routes import ROUTES as V1_ROUTES
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


def _curl_method(line: str) -> str:
    explicit = re.search(r"-X (\w+)", line)
    if explicit:
        return explicit.group(1)
    return "POST" if " -d " in line else "GET"


def _curl_commands() -> list[str]:
    """The README's curl commands, continuation lines joined."""
    text = re.sub(r"\\?\n {5}(?=\S)", " ", README)
    return [line for line in text.splitlines() if line.lstrip().startswith("curl ")]


def test_every_v1_endpoint_has_a_curl_example() -> None:
    commands = _curl_commands()
    for route in V1_ROUTES:
        assert isinstance(route, Route)
        rest = re.sub(r"\{\w+:int\}", r"\\d+", route.path.removeprefix("/api/v1"))
        pattern = re.compile(r"\$V1" + rest + r"(?=[\s?\"']|$)")
        for method in sorted((route.methods or set()) - {"HEAD"}):
            assert any(
                pattern.search(line) and _curl_method(line) == method for line in commands
            ), f"{method} {route.path}"
