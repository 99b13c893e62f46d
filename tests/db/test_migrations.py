"""Migrations that rebuild something keep what was there: 0006 rebuilds SQLite's trigram
index, and search finds the bookmarks made before it, after it, and after going back."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Engine, text

from markhive.bookmarks.listing import ListQuery, list_page
from markhive.bookmarks.models import Bookmark
from markhive.db.engine import make_engine
from markhive.db.migrate import alembic_config
from markhive.db.session import Database
from markhive.search.count_cache import CountCache
from tests.search.factory import add_bookmark, add_user


def _to(engine: Engine, revision: str, down: bool = False) -> None:
    config = alembic_config()
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)
        conn.commit()


def _found(db: Database, user: int, query: str) -> list[str]:
    """The URLs a search finds through the trigram index (the plan that drives from it)."""
    with db.unit() as session:
        q = ListQuery(owner_ids=[user], search=query, limit=100)
        page = list_page(session, q, CountCache(), "drive")
        assert page.plan == "drive"
        return sorted(session.get_one(Bookmark, i).url for i in page.ids)


def _fts_sql(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'bookmark_fts'")).scalar()
        )


def test_0006_rebuilds_the_trigram_index_with_what_was_there(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}", pool_size=1)
    try:
        _to(engine, "0005")
        assert "detail" not in _fts_sql(engine)
        db = Database(engine)
        with db.unit() as session:
            user = add_user(session, "old")
            add_bookmark(session, user, url="https://before.example/", title="Überschrift Kaffee")
        _to(engine, "head")
        assert "detail=none" in _fts_sql(engine)
        with db.unit() as session:
            add_bookmark(session, user, url="https://after.example/", title="kaffeehaus")
        assert _found(db, user, "kaffee") == ["https://after.example/", "https://before.example/"]
        assert _found(db, user, "überschrift") == ["https://before.example/"]
        assert _found(db, user, "kaffeeh") == ["https://after.example/"]
        # a word whose trigrams are all there, but not in that order
        assert _found(db, user, "schriftüber") == []

        _to(engine, "0005", down=True)
        assert "detail" not in _fts_sql(engine)
        assert _found(db, user, "kaffee") == ["https://after.example/", "https://before.example/"]
    finally:
        engine.dispose()
