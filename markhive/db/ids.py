"""``column IN (ids)`` with the ids as one bound value.

SQLAlchemy's expanding IN binds and processes each id apart, which costs more than the
query itself for a page of a hundred. One JSON array (SQLite) or one array (PostgreSQL)
is a single parameter whatever the count, and keeps the statement cacheable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import ARRAY, Integer, Text, any_, bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

PARAM = "among_ids"
MAX_ID = 2**31 - 1  # the largest id a row can have (a 32-bit key on PostgreSQL)


def _value(ids: Sequence[int], dialect: str) -> Any:
    return list(ids) if dialect == "postgresql" else orjson.dumps(list(ids)).decode()


def among(column: Any, ids: Sequence[int], dialect: str) -> ColumnElement[bool]:
    value = _value(ids, dialect)
    if dialect == "postgresql":
        return column == any_(bindparam(PARAM, value, type_=ARRAY(Integer)))
    values = func.json_each(bindparam(PARAM, value, type_=Text))
    return column.in_(select(values.table_valued("value").c.value))


def among_params(ids: Sequence[int], session: Session) -> dict[str, Any]:
    """The parameter of an :func:`among` condition run as raw SQL (markhive.db.raw)."""
    return {PARAM: _value(ids, session.get_bind().dialect.name)}
