"""The migrated schema is exactly the models' schema, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from markhive.db.models import Base
from markhive.db.session import Database


def _filter(dialect: str):  # type: ignore[no-untyped-def]
    def include(obj: object, name: str | None, type_: str, reflected: bool, other: object) -> bool:
        # The FTS5 table and its shadow tables exist only in SQLite, made by the migration;
        # the trigram index exists only in PostgreSQL.
        if type_ == "table" and name is not None and name.startswith("bookmark_fts"):
            return False
        return not (dialect == "sqlite" and name == "ix_bookmarks_search_trgm")

    return include


def test_migrated_schema_equals_models(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _filter(database.dialect)}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_search_index_exists(database: Database) -> None:
    with database.engine.connect() as conn:
        if database.dialect == "sqlite":
            names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
            assert {"bookmark_fts", "bookmarks_fts_insert", "bookmarks_fts_update"} <= names
        else:
            indexes = {i["name"] for i in inspect(conn).get_indexes("bookmarks")}
            assert "ix_bookmarks_search_trgm" in indexes
