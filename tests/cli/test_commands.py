"""The markhive command: users, keys, migrate; one-line errors with a non-zero exit."""

from __future__ import annotations

import re

from click.testing import CliRunner

from markhive.cli.main import cli
from markhive.context import Context
from markhive.settings import Settings
from markhive.users import service


def run(settings: Settings, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    env = {
        "MARKHIVE_DATA_DIR": str(settings.data_dir),
        "MARKHIVE_DATABASE_URL": settings.database_url,
    }
    return CliRunner().invoke(cli, list(args), env=env, input=stdin)


def test_user_and_key_lifecycle(settings: Settings, ctx: Context) -> None:
    result = run(
        settings,
        "user",
        "create",
        "carol",
        "--password-stdin",
        "--plan",
        "plus",
        stdin="s3cret-pass\n",
    )
    assert result.exit_code == 0, result.output
    with ctx.db.unit() as session:
        assert service.authenticate_password(session, "carol", "s3cret-pass") is not None
        assert service.get_user(session, "CAROL").plan == "plus"

    result = run(settings, "key", "create", "carol", "--name", "laptop")
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"lgg_[0-9a-f]{40}", secret)
    with ctx.db.unit() as session:
        key, user = service.authenticate_key(session, secret)
        assert user.username == "carol" and key.name == "laptop"
        service.authenticate_key(session, secret[4:])  # without the prefix too

    listing = run(settings, "key", "list", "carol")
    assert listing.exit_code == 0 and "laptop" in listing.output and "active" in listing.output
    assert secret not in listing.output

    revoked = run(settings, "key", "revoke", str(key.id))
    assert revoked.exit_code == 0
    assert "revoked" in run(settings, "key", "list").output

    changed = run(settings, "user", "set-plan", "carol", "premium")
    assert changed.exit_code == 0 and "premium" in changed.output


def test_key_limit_of_the_plan(settings: Settings) -> None:
    assert run(settings, "user", "create", "dave", "--plan", "free").exit_code == 0
    result = run(settings, "key", "create", "dave")
    assert result.exit_code == 1
    assert "free plan allows 0 API keys" in result.output


def test_errors_are_one_line(settings: Settings) -> None:
    assert run(settings, "user", "create", "erin").exit_code == 0
    duplicate = run(settings, "user", "create", "ERIN")
    assert duplicate.exit_code == 1
    assert (
        duplicate.output.strip().startswith("Error:")
        and len(duplicate.output.strip().splitlines()) == 1
    )
    for args in (
        ("key", "create", "nobody"),
        ("user", "set-plan", "nobody", "plus"),
        ("key", "revoke", "999"),
        ("user", "create", "bad name!"),
    ):
        result = run(settings, *args)
        assert result.exit_code == 1, args
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert run(settings, "user", "set-plan", "erin", "gold").exit_code == 2


def test_migrate(settings: Settings) -> None:
    result = run(settings, "migrate")
    assert result.exit_code == 0 and "up to date" in result.output


def test_key_list_shows_todays_requests(settings: Settings, client, make_account) -> None:  # type: ignore[no-untyped-def]
    frank = make_account("frank", plan="plus")
    for path in ("/api/v1/auth/me", "/api/bookmarks/", "/api/v1/urls/999"):
        client.get(path, headers=frank.auth)
    row = next(line for line in run(settings, "key", "list", "frank").output.splitlines()[1:])
    assert row.split("\t")[6] == "3/5000"
    grace = make_account("grace")  # unlimited: not counted
    client.get("/api/v1/auth/me", headers=grace.auth)
    row = run(settings, "key", "list", "grace").output.splitlines()[1]
    assert row.split("\t")[6] == "-"
