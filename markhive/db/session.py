"""The unit of work: one session per request (or command), committed once at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from markhive.db.engine import SETTINGS_OPTION, WRITE_OPTION

T = TypeVar("T")
AFTER_COMMIT = "markhive_after_commit"


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once the unit of work has committed (never if it rolls back):
    removing files, enqueuing jobs that must see the committed rows."""
    session.info.setdefault(AFTER_COMMIT, []).append(action)


def add(session: Session, obj: T) -> T:
    """Insert ``obj`` now (so its id is known); repositories re-export this."""
    session.add(obj)
    session.flush()
    return obj


def remove(session: Session, obj: object) -> None:
    """Delete ``obj`` now; repositories re-export this."""
    session.delete(obj)
    session.flush()


class Database:
    """Holds the engine and hands out units of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reader = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
        self._writer = sessionmaker(
            bind=engine.execution_options(**{WRITE_OPTION: True}),
            expire_on_commit=False,
            autoflush=False,
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def unit(
        self, *, write: bool = True, sqlite_settings: Mapping[str, int] | None = None
    ) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back on any error.
        ``sqlite_settings`` (SQLite only): PRAGMAs made before the transaction begins and
        put back when its connection returns to the pool."""
        if sqlite_settings and self.dialect == "sqlite":
            options = {WRITE_OPTION: write, SETTINGS_OPTION: tuple(sqlite_settings.items())}
            session = Session(
                bind=self.engine.execution_options(**options),
                expire_on_commit=False,
                autoflush=False,
            )
        else:
            session = (self._writer if write else self._reader)()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        for action in session.info.pop(AFTER_COMMIT, []):
            action()

    def dispose(self) -> None:
        self.engine.dispose()
