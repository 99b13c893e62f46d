"""Hot reads: a Core statement compiled once per dialect, run on the driver's cursor.

A page of a hundred bookmarks spends 1.5 ms in SQLAlchemy's result processing and 0.25 ms
in SQLite itself. For the few queries on every list request, the statement is still built
with Core (so it stays portable and reviewable) but compiled once and executed on the
DBAPI cursor, returning plain tuples. Values come back as the driver gives them: see
:func:`text_datetime` for SQLite's datetimes and ``bool()`` for its 0/1 booleans.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Generator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.orm import Session

_CURSORS = itertools.count()


class Compiled:
    def __init__(self, build: Callable[[str], Executable]) -> None:
        self._build = build
        self._cache: dict[str, tuple[str, list[str] | None, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def _compiled(self, session: Session) -> tuple[str, list[str] | None, dict[str, Any]]:
        dialect = session.get_bind().dialect
        entry = self._cache.get(dialect.name)
        if entry is None:
            with self._lock:
                compiled = self._build(dialect.name).compile(dialect=dialect)  # type: ignore[attr-defined]
                order = list(compiled.positiontup) if compiled.positional else None
                # the values the statement carries itself (an OFFSET 0 after a LIMIT)
                defaults = {
                    name: bind.value for name, bind in compiled.binds.items() if not bind.required
                }
                entry = self._cache[dialect.name] = (str(compiled), order, defaults)
        return entry

    def _args(self, session: Session, params: Mapping[str, Any]) -> tuple[str, Any]:
        sql, order, defaults = self._compiled(session)
        values = {**defaults, **params}
        args: Any = tuple(values[name] for name in order) if order is not None else values
        return sql, args

    def fetch(self, session: Session, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        sql, args = self._args(session, params)
        cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, args)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def stream(
        self, session: Session, params: Mapping[str, Any], size: int
    ) -> Generator[list[tuple[Any, ...]], None, None]:
        """The rows in lists of ``size``, never all at once: SQLite steps its cursor,
        PostgreSQL reads from a server-side cursor."""
        sql, args = self._args(session, params)
        connection: Any = session.connection().connection.dbapi_connection
        if session.get_bind().dialect.name == "postgresql":
            cursor = connection.cursor(name=f"markhive_stream_{next(_CURSORS)}")
            cursor.itersize = size
        else:
            cursor = connection.cursor()
        try:
            cursor.execute(sql, args)
            while rows := cursor.fetchmany(size):
                yield list(rows)
        finally:
            cursor.close()


def text_datetime(value: str | datetime | None) -> str | datetime | None:
    """SQLite's stored ``2026-01-02 03:04:05.123456`` (UTC) as ``2026-01-02T03:04:05.123456Z``,
    the fraction dropped when zero; other values (PostgreSQL's datetimes) pass through."""
    if not isinstance(value, str):
        return value
    date, _, time = value.partition(" ")
    if time.endswith(".000000"):
        time = time[:-7]
    return f"{date}T{time}Z"
