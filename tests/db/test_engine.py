"""SQLite settings changed for one unit of work go back when its connection does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from markhive.db.engine import make_engine, set_until_checkin
from markhive.db.session import Database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A SQLite database with one connection in the pool: every unit of work gets it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}", pool_size=1)
    try:
        yield Database(engine)
    finally:
        engine.dispose()


def _setting(session: Session, name: str) -> int:
    return int(session.connection().exec_driver_sql(f"PRAGMA {name}").scalar_one())


@contextmanager
def _unit_that_writes(
    db: Database, outcome: str, settings: dict[str, int] | None = None
) -> Iterator[Session]:
    """A unit of work that writes (a table ``t``) after the block, then commits or, for
    ``outcome`` "rollback", fails and is rolled back."""
    failing = pytest.raises(RuntimeError) if outcome == "rollback" else nullcontext()
    with failing, db.unit(sqlite_settings=settings) as session:
        yield session
        session.connection().exec_driver_sql("CREATE TABLE t (x INTEGER)")
        if outcome == "rollback":
            raise RuntimeError("undo")


@pytest.mark.parametrize("outcome", ["commit", "rollback"])
def test_a_setting_lasts_until_the_connection_is_checked_in(db: Database, outcome: str) -> None:
    with db.unit() as session:
        assert _setting(session, "wal_autocheckpoint") == 1000
        before = _setting(session, "mmap_size")
    assert before > 0
    with _unit_that_writes(db, outcome) as session:
        set_until_checkin(session, "wal_autocheckpoint", 0)
        set_until_checkin(session, "mmap_size", 0)
        set_until_checkin(session, "mmap_size", 4096)  # the first old value is kept
        assert _setting(session, "wal_autocheckpoint") == 0
        assert _setting(session, "mmap_size") == 4096
    with db.unit() as session:
        assert _setting(session, "wal_autocheckpoint") == 1000
        assert _setting(session, "mmap_size") == before


@pytest.mark.parametrize("outcome", ["commit", "rollback"])
def test_settings_given_to_a_unit_are_made_before_it_begins(db: Database, outcome: str) -> None:
    # temp_store cannot change in a transaction once it has used temporary storage.
    with db.unit() as session:
        assert _setting(session, "temp_store") == 2  # MEMORY, markhive's default
        session.connection().exec_driver_sql("CREATE TEMP TABLE scratch (x INTEGER)")
        with pytest.raises(Exception, match="within a transaction"):
            session.connection().exec_driver_sql("PRAGMA temp_store=1")
    settings = {"temp_store": 1, "wal_autocheckpoint": 0}
    with _unit_that_writes(db, outcome, settings) as session:
        assert _setting(session, "temp_store") == 1
        assert _setting(session, "wal_autocheckpoint") == 0
    with db.unit() as session:
        assert _setting(session, "temp_store") == 2
        assert _setting(session, "wal_autocheckpoint") == 1000
        tables = session.connection().exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 't'"
        )
        assert tables.scalar_one() == (1 if outcome == "commit" else 0)
