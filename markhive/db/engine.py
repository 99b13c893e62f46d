"""Engines for SQLite (WAL, busy timeout, foreign keys) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

WRITE_OPTION = "markhive_write"
# An execution option: SQLite settings ((name, value) pairs) made just before the
# transaction begins, and kept until the connection is checked in (see Database.unit).
SETTINGS_OPTION = "markhive_sqlite_settings"
# In a pooled connection's info: the SQLite settings to put back when it is checked in.
RESTORE = "markhive_restore"


def make_engine(database_url: str, *, pool_size: int = 8) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(database_url, pool_size)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        # psycopg prepares statements after five runs; PostgreSQL's generic plan for a
        # prepared LIKE then ignores the trigram index. Never prepare server-side.
        connect_args={"prepare_threshold": None},
    )


def _sqlite_engine(database_url: str, pool_size: int) -> Engine:
    engine = create_engine(
        database_url,
        poolclass=QueuePool,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"check_same_thread": False, "timeout": 30},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how transactions start.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA cache_size=-65536")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.execute("PRAGMA mmap_size=1073741824")
        # After a large write (an import lets its log grow to hundreds of MB), the log file
        # is cut back to this size when it next starts over, instead of keeping its peak.
        cur.execute("PRAGMA journal_size_limit=67108864")
        cur.close()

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn: Any, record: Any) -> None:
        saved = record.info.pop(RESTORE, None)
        if saved and dbapi_conn is not None:
            for name, value in saved.items():
                dbapi_conn.execute(f"PRAGMA {name}={value}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        for name, value in conn.get_execution_options().get(SETTINGS_OPTION, ()):
            _set_until_checkin(conn, name, value)
        # A transaction that will write takes the write lock up front, so two writers
        # wait for each other (busy_timeout) instead of failing on lock upgrade.
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def set_until_checkin(session: Session, name: str, value: int) -> None:
    """Change a SQLite setting (``PRAGMA name=value``) of the session's connection until
    the connection goes back to the pool, after the unit of work's commit or rollback; the
    pool then puts the old value back, so no other unit of work sees the change. Nothing
    on other databases. (Settings that cannot change inside a transaction, such as
    ``temp_store``, are given to Database.unit instead.)"""
    if session.get_bind().dialect.name != "sqlite":
        return
    _set_until_checkin(session.connection(), name, value)


def _set_until_checkin(connection: Any, name: str, value: int) -> None:
    saved = connection.connection.info.setdefault(RESTORE, {})
    if name not in saved:
        saved[name] = int(connection.exec_driver_sql(f"PRAGMA {name}").scalar() or 0)
    connection.exec_driver_sql(f"PRAGMA {name}={int(value)}")
