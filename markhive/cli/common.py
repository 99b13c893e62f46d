"""What every command shares: settings, the database, and one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from markhive.db.engine import make_engine
from markhive.db.migrate import migrate
from markhive.db.session import Database
from markhive.errors import DomainError, Invalid
from markhive.settings import Settings, SettingsError


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings.from_env(None, **{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def open_database(settings: Settings, *, migrated: bool = True) -> Database:
    settings.ensure_data_dir()
    engine = make_engine(settings.database_url, pool_size=2)
    if migrated:
        migrate(engine)
    return Database(engine)


@contextmanager
def database(settings: Settings) -> Iterator[Database]:
    """A migrated database for one command; domain errors become one-line CLI errors."""
    db = open_database(settings)
    try:
        yield db
    except Invalid as exc:
        raise click.ClickException(invalid_text(exc)) from None
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        db.dispose()


@contextmanager
def unit(settings: Settings) -> Iterator[Session]:
    """A unit of work on a migrated database; domain errors become one-line CLI errors."""
    with database(settings) as db, db.unit() as session:
        yield session


def invalid_text(exc: Invalid) -> str:
    parts = []
    for field, messages in exc.fields.items():
        text = " ".join(messages) if isinstance(messages, list) else str(messages)
        parts.append(f"{field}: {text}")
    return "; ".join(parts)
