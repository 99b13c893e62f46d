"""The queries of import and export: whole batches of bookmarks at a time, and the
export's streaming read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Text, bindparam, cast, func, insert, literal_column, select, update
from sqlalchemy.orm import Session

from markhive.bookmarks.models import Bookmark
from markhive.db.ids import among
from markhive.db.raw import Compiled, insert_rows
from markhive.tags.models import BookmarkTag, Tag

ROWS_PER_INSERT = 1400  # 1,400 rows of 22 values: within SQLite's 32,766 parameters
# What an import compares and may change, besides the tags.
MERGED = (
    "title",
    "description",
    "notes",
    "folder_id",
    "unread",
    "shared",
    "is_archived",
    "is_favorite",
    "rating",
    "visit_count",
    "last_visited_at",
    "reminder_at",
    "date_added",
    "date_modified",
    "search_text",
    "sort_title",
)
_MERGED_COLUMNS = [getattr(Bookmark, name) for name in MERGED]


def by_keys(session: Session, user_id: int, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The user's bookmarks with these URL keys: key -> {"id", "url", and MERGED}."""
    if not keys:
        return {}
    query = select(Bookmark.url_key, Bookmark.id, Bookmark.url, *_MERGED_COLUMNS).where(
        Bookmark.user_id == user_id, Bookmark.url_key.in_(list(keys))
    )
    names = ("id", "url", *MERGED)
    return {
        row[0]: dict(zip(names, row[1:], strict=True))
        for row in session.connection().execute(query)
    }


def tag_ids(session: Session, bookmark_ids: Sequence[int]) -> dict[int, set[int]]:
    """The tag ids on each of these bookmarks."""
    result: dict[int, set[int]] = defaultdict(set)
    if not bookmark_ids:
        return result
    dialect = session.get_bind().dialect.name
    query = select(BookmarkTag.bookmark_id, BookmarkTag.tag_id).where(
        among(BookmarkTag.bookmark_id, bookmark_ids, dialect)
    )
    for bookmark_id, tag_id in session.connection().execute(query):
        result[bookmark_id].add(tag_id)
    return result


def insert_bookmarks(session: Session, user_id: int, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert the rows (every column given, distinct URL keys); their ids by URL key.
    (Read back by key: RETURNING in row order makes SQLAlchemy send SQLite one statement
    per row.)"""
    if not rows:
        return {}
    # Many rows to a statement: SQLite's full-text triggers then write their index once
    # per statement instead of once per row (20,000 rows: 1.3 s instead of 3.9 s).
    insert_rows(session, Bookmark.__table__, rows, ROWS_PER_INSERT)  # type: ignore[arg-type]
    query = select(Bookmark.url_key, Bookmark.id).where(
        Bookmark.user_id == user_id, Bookmark.url_key.in_([row["url_key"] for row in rows])
    )
    return {key: int(i) for key, i in session.connection().execute(query)}


def update_bookmarks(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write the MERGED columns of existing bookmarks (each row has ``b_id`` and them all)."""
    if not rows:
        return
    statement = (
        update(Bookmark)
        .where(Bookmark.id == bindparam("b_id"))
        .values({name: bindparam(name) for name in MERGED})
    )
    session.connection().execute(statement, rows)


def link(session: Session, pairs: list[dict[str, int]]) -> None:
    """Add (bookmark_id, tag_id) links known to be missing."""
    if pairs:
        session.connection().execute(insert(BookmarkTag), pairs)


# -- export

EXPORTED = (
    Bookmark.id,
    Bookmark.url,
    Bookmark.title,
    Bookmark.description,
    Bookmark.notes,
    Bookmark.date_added,
    Bookmark.date_modified,
    Bookmark.last_visited_at,
    Bookmark.reminder_at,
    Bookmark.unread,
    Bookmark.shared,
    Bookmark.is_archived,
    Bookmark.is_favorite,
    Bookmark.rating,
    Bookmark.visit_count,
)


def _tag_ids(dialect: str) -> Any:
    """The bookmark's tag ids joined by commas, gathered by the database in the same
    statement (a second query per thousand rows cost a third of the export's time)."""
    ids = select(BookmarkTag.tag_id).where(BookmarkTag.bookmark_id == Bookmark.id)
    if dialect == "postgresql":
        joined = func.string_agg(cast(BookmarkTag.tag_id, Text), literal_column("','"))
    else:
        joined = func.group_concat(BookmarkTag.tag_id, literal_column("','"))
    return ids.with_only_columns(joined).scalar_subquery()


def _exported(dialect: str, where: Any) -> Any:
    return (
        select(*EXPORTED, _tag_ids(dialect)).where(where).order_by(Bookmark.date_added, Bookmark.id)
    )


# A folder belongs to one user already. With the user in the condition too, SQLite walked
# the user's date index for every folder (all their bookmarks, each time); the folder's
# own index and a sort of its few rows is what it should do.
_IN_FOLDER = Compiled(lambda dialect: _exported(dialect, Bookmark.folder_id == bindparam("folder")))
_AT_ROOT = Compiled(
    lambda dialect: _exported(
        dialect, (Bookmark.user_id == bindparam("user_id")) & Bookmark.folder_id.is_(None)
    )
)


def stream_folder(
    session: Session, user_id: int, folder_id: int | None, size: int
) -> Iterator[list[tuple[Any, ...]]]:
    """The EXPORTED columns and the tag ids (text, comma-joined, or None) of the bookmarks
    directly in a folder (None: the root), oldest first, as driver tuples in lists of
    ``size``, read through a cursor."""
    if folder_id is None:
        return _AT_ROOT.stream(session, {"user_id": user_id}, size)
    return _IN_FOLDER.stream(session, {"folder": folder_id}, size)


@contextmanager
def without_mmap(session: Session) -> Iterator[None]:
    """SQLite reads through read() rather than its memory map while the block runs.
    Every mapped page an export or import touches counts in the process's resident memory
    (an export of a million bookmarks: 856 MB, 710 MB of it the mapped file); read() leaves
    them in the operating system's cache, and SQLite's own cache keeps to its 64 MiB."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    size = connection.exec_driver_sql("PRAGMA mmap_size").scalar()
    connection.exec_driver_sql("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA mmap_size={int(size or 0)}")


def tag_names(session: Session, user_id: int) -> dict[int, str]:
    """Every tag of the user: id -> name."""
    query = select(Tag.id, Tag.name).where(Tag.user_id == user_id)
    return {int(i): name for i, name in session.connection().execute(query)}
