"""The queries of import and export: whole batches of bookmarks at a time, and the
export's streaming read."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from typing import Any, cast

import orjson
from sqlalchemy import Text, bindparam, func, insert, literal_column, select, tuple_, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from markhive.bookmarks.models import Bookmark
from markhive.db.engine import set_until_checkin
from markhive.db.ids import among
from markhive.db.raw import Compiled
from markhive.db.session import Database
from markhive.folders.models import Folder
from markhive.importexport.model import Row
from markhive.tags.models import BookmarkTag, Tag

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


# What a new bookmark's row holds from the file alone (an import prepares these before it
# knows whether the bookmark is new), in the order of ``NewBookmarks.stored``.
PREPARED = (
    "url",
    "url_key",
    *(name for name in MERGED if name != "folder_id"),
)
# insert_new()'s rows: the id, the PREPARED columns as stored, the folder.
NEW = ("id", *PREPARED, "folder_id")
FTS_INSERT_TRIGGER = "bookmarks_fts_insert"
# On SQLite, insert_new() puts a batch's new bookmarks here first (see insert_new).
_STAGED = "import_bookmarks"


class NewBookmarks:
    """How one dialect stores new bookmarks: every column but those of NEW takes its scalar
    default, and NEW's values go through the columns' own bind processing (``stored``),
    so they are stored exactly as SQLAlchemy stores them."""

    def __init__(self, dialect: Any) -> None:
        table: Any = Bookmark.__table__
        rest = [c for c in table.columns if c.name not in ("user_id", *NEW)]
        self.columns = ["user_id", *NEW, *(c.name for c in rest)]
        self.defaults = tuple(_stored(c, dialect, _default(c)) for c in rest)
        self.processors = [
            (i, process)
            for i, name in enumerate(PREPARED)
            if (process := table.c[name].type._cached_bind_processor(dialect)) is not None
        ]

    def stored(self, values: list[Any]) -> tuple[Any, ...]:
        """PREPARED's values (a list, changed in place) as the database stores them."""
        for i, process in self.processors:
            value = values[i]
            if value is not None:  # stored as NULL by every processor
                values[i] = process(value)
        return tuple(values)


def _default(column: Any) -> Any:
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


def _stored(column: Any, dialect: Any, value: Any) -> Any:
    process = column.type._cached_bind_processor(dialect)
    return process(value) if process is not None else value


_NEW_BOOKMARKS: dict[str, NewBookmarks] = {}


def new_bookmarks(dialect: Any) -> NewBookmarks:
    found = _NEW_BOOKMARKS.get(dialect.name)
    if found is None:
        found = _NEW_BOOKMARKS[dialect.name] = NewBookmarks(dialect)
    return found


def _cursor(session: Session) -> Any:
    return _dbapi(session).cursor()


def _dbapi(session: Session) -> Any:
    return session.connection().connection.dbapi_connection


def new_ids(session: Session, count: int) -> list[int]:
    """Ids for ``count`` new bookmarks. On SQLite they follow the largest id there is: call
    it inside the writing transaction, after the rows of earlier calls are inserted."""
    if count <= 0:
        return []
    connection = session.connection()
    if session.get_bind().dialect.name == "sqlite":
        largest = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM bookmarks")
        first = int(largest.scalar_one()) + 1
        return list(range(first, first + count))
    taken = connection.exec_driver_sql(
        "SELECT nextval(pg_get_serial_sequence('bookmarks', 'id')) "
        "FROM generate_series(1, %(count)s)",
        {"count": count},
    )
    return [int(i) for (i,) in taken]


Finish = Callable[[], None]


def _nothing() -> None:
    return None


def insert_new(
    session: Session,
    user_id: int,
    rows: Sequence[Sequence[Any]],
    links: Sequence[tuple[int, int]],
) -> Finish:
    """Insert new bookmarks (NEW tuples, PREPARED as ``NewBookmarks.stored`` gives them,
    ids from new_ids, URL keys not yet in the database) and (bookmark_id, tag_id) links
    known to be missing. Part of the work is done now; the returned function does the
    rest, and must be called (on any thread, with nothing else using the session
    meanwhile) before the session is used again.

    On SQLite the rows are put in a temporary table now, and the function writes them
    with a few long statements: the driver releases the interpreter's lock for each whole
    statement, so the caller can prepare its next batch meanwhile on another core.
    Inserted one by one, every row took the lock back, and the work of the 14 b-trees and
    the trigram index could not overlap with anything. Elsewhere all is done now."""
    if not rows and not links:
        return _nothing
    dialect = session.get_bind().dialect
    shape = new_bookmarks(dialect)
    if dialect.name != "sqlite":
        _insert_now(session, shape, user_id, rows, links)
        return _nothing
    connection = _dbapi(session)
    cursor = connection.cursor()
    try:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGED} "
            f"(id INTEGER PRIMARY KEY, {', '.join(NEW[1:])})"
        )
        cursor.executemany(
            f"INSERT INTO temp.{_STAGED} ({', '.join(NEW)}) VALUES ({', '.join('?' * len(NEW))})",
            rows,
        )
    finally:
        cursor.close()
    encoded = orjson.dumps(links).decode() if links else None

    def finish() -> None:
        _insert_staged(connection, shape, user_id, bool(rows), encoded)

    return finish


def _insert_now(
    session: Session,
    shape: NewBookmarks,
    user_id: int,
    rows: Sequence[Sequence[Any]],
    links: Sequence[tuple[int, int]],
) -> None:
    cursor = _cursor(session)
    try:
        if rows:
            marks = ", ".join(["%s"] * len(shape.columns))
            cursor.executemany(
                f"INSERT INTO bookmarks ({', '.join(shape.columns)}) VALUES ({marks})",
                [(user_id, *row, *shape.defaults) for row in rows],
            )
        if links:
            cursor.executemany(
                "INSERT INTO bookmark_tags (bookmark_id, tag_id) VALUES (%s, %s)", links
            )
    finally:
        cursor.close()


def _insert_staged(
    connection: Any, shape: NewBookmarks, user_id: int, rows: bool, links: str | None
) -> None:
    """SQLite: the staged rows into bookmarks and the trigram index, then the links.

    The insert trigger would add each row to the full-text index with a statement of its
    own (three times slower). Instead it is dropped, the rows inserted and indexed with one
    statement each, and the trigger made again, all in the open transaction: it holds the
    database's only write lock, so no other writer ever sees the trigger missing, and a
    crash rolls all of it back."""
    cursor = connection.cursor()
    try:
        if rows:
            trigger = cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                (FTS_INSERT_TRIGGER,),
            ).fetchone()
            if trigger is not None:
                cursor.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
            defaults = ", ".join("?" * len(shape.defaults))
            cursor.execute(
                f"INSERT INTO bookmarks ({', '.join(shape.columns)}) "
                f"SELECT ?, {', '.join(NEW)}, {defaults} FROM temp.{_STAGED} ORDER BY id",
                (user_id, *shape.defaults),
            )
            if trigger is not None:
                # the trigger's own INSERT, for all the new rows at once
                cursor.execute(
                    "INSERT INTO bookmark_fts(rowid, search_text) "
                    f"SELECT id, search_text FROM temp.{_STAGED}"
                )
                cursor.execute(trigger[0])
            cursor.execute(f"DELETE FROM temp.{_STAGED}")
        if links is not None:
            cursor.execute(
                "INSERT INTO bookmark_tags (bookmark_id, tag_id) "
                "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') "
                "FROM json_each(?)",
                (links,),
            )
    finally:
        cursor.close()


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


def folders_of(session: Session, user_id: int) -> list[tuple[int, int | None, str, str]]:
    """Every folder of the user: (id, parent id, folded name, description)."""
    query = select(Folder.id, Folder.parent_id, Folder.name_folded, Folder.description).where(
        Folder.user_id == user_id
    )
    return [tuple(row) for row in session.connection().execute(query)]  # type: ignore[misc]


# One statement for every folder, its values bound (building a statement around each
# folder's values cost 0.4 ms a folder, most of an import's time making folders).
_INSERT_FOLDER = insert(Folder).returning(Folder.id)


def insert_folder(session: Session, values: dict[str, Any]) -> int:
    """Insert a folder (every column but the id given); its id."""
    return int(session.connection().execute(_INSERT_FOLDER, values).scalar_one())


def set_folder_description(session: Session, folder_id: int, description: str) -> None:
    session.connection().execute(
        update(Folder).where(Folder.id == folder_id).values(description=description)
    )


# -- export


def _tag_ids(dialect: str) -> Any:
    """The bookmark's tag ids joined by commas, gathered by the database in the same
    statement (a second query per thousand rows cost a third of the export's time)."""
    ids = select(BookmarkTag.tag_id).where(BookmarkTag.bookmark_id == Bookmark.id)
    if dialect == "postgresql":
        joined = func.string_agg(sql_cast(BookmarkTag.tag_id, Text), literal_column("','"))
    else:
        joined = func.group_concat(BookmarkTag.tag_id, literal_column("','"))
    return ids.with_only_columns(joined).scalar_subquery()


def _exported(dialect: str, where: Any) -> Any:
    """The export's query: its rows are what the writers take (model.Row)."""
    return (
        select(
            Bookmark.url,
            Bookmark.title,
            Bookmark.description,
            Bookmark.notes,
            _tag_ids(dialect),
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
        .where(where)
        .order_by(Bookmark.date_added, Bookmark.id)
    )


# A folder belongs to one user already. With the user in the condition too, SQLite walked
# the user's date index for every folder (all their bookmarks, each time); the folder's
# own index (folder_id, date_added, id) is what it should use.
def _in_folder() -> Any:
    return Bookmark.folder_id == bindparam("folder")


def _at_root() -> Any:
    return (Bookmark.user_id == bindparam("user_id")) & Bookmark.folder_id.is_(None)


_IN_FOLDER = Compiled(lambda dialect: _exported(dialect, _in_folder()))
_AT_ROOT = Compiled(lambda dialect: _exported(dialect, _at_root()))


def _json_page(where: Any) -> Any:
    """SQLite: the next ``size`` rows after (``after_date``, ``after_id``) in the export's
    order, as one JSON array of arrays (model.Row's columns, then the id)."""
    after = tuple_(Bookmark.date_added, Bookmark.id) > tuple_(
        bindparam("after_date", type_=Text), bindparam("after_id")
    )
    page = _exported("sqlite", where & after).add_columns(Bookmark.id).limit(bindparam("size"))
    rows = page.subquery()
    return select(func.json_group_array(func.json_array(*rows.c)))


_IN_FOLDER_JSON = Compiled(lambda dialect: _json_page(_in_folder()))
_AT_ROOT_JSON = Compiled(lambda dialect: _json_page(_at_root()))


def stream_folder(
    session: Session, user_id: int, folder_id: int | None, size: int
) -> Generator[list[Row], None, None]:
    """The bookmarks directly in a folder (None: the root), oldest first, as model.Row
    in lists of ``size``.

    On SQLite each list is one statement that returns the rows as one JSON text, built
    inside SQLite: the driver releases the interpreter's lock for the whole statement
    instead of taking it back for every row, so the export's writer (see
    ``export.read_ahead``) formats one list while SQLite reads the next. PostgreSQL's
    rows come from a server-side cursor."""
    params: dict[str, Any] = (
        {"folder": folder_id} if folder_id is not None else {"user_id": user_id}
    )
    if session.get_bind().dialect.name != "sqlite":
        statement = _IN_FOLDER if folder_id is not None else _AT_ROOT
        for rows in statement.stream(session, params, size):
            yield cast(list[Row], rows)
        return
    statement = _IN_FOLDER_JSON if folder_id is not None else _AT_ROOT_JSON
    params.update(after_date="", after_id=0, size=size)
    while True:
        rows = orjson.loads(statement.fetch(session, params)[0][0])
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        params.update(after_date=rows[-1][5], after_id=rows[-1][-1])


def without_mmap(session: Session) -> None:
    """SQLite reads through read() rather than its memory map for the rest of the unit of
    work. Every mapped page an export or import touches counts in the process's resident
    memory (an export of a million bookmarks: 856 MB, 710 MB of it the mapped file);
    read() leaves them in the operating system's cache, and SQLite's own cache keeps to
    its 64 MiB."""
    set_until_checkin(session, "mmap_size", 0)


# The SQLite settings of an import's transactions (Database.unit's sqlite_settings):
# - no memory map (see without_mmap);
# - no copying of the write-ahead log into the database at each commit: an import writes
#   the same index pages in every transaction, and each automatic checkpoint wrote them to
#   the database again (at 100,000 bookmarks in 10 transactions, 3.3 s of commits against
#   0.8 s, plus 1.1 s for the one checkpoint the import then runs itself, ``checkpoint``);
# - temporary storage in files: insert_new's INSERT ... SELECT keeps a statement journal
#   (to undo that one statement should it fail), which in memory kept 47 MB more resident
#   at 100,000 bookmarks; a file's pages stay in the operating system's cache instead.
IMPORT_SETTINGS = {"mmap_size": 0, "wal_autocheckpoint": 0, "temp_store": 1}


def checkpoint(db: Database) -> None:
    """Copy what the write-ahead log holds into the database, without waiting for readers
    or writers (what they still need stays for a later checkpoint).

    On a connection of its own, outside the pool: a pooled connection handed to the
    checkpoint could next be handed to the import, which would then fill the page caches
    of two connections (60 MB more resident at 100,000 bookmarks)."""
    if db.dialect != "sqlite" or not db.engine.url.database:
        return
    with closing(sqlite3.connect(db.engine.url.database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def tag_names(session: Session, user_id: int) -> dict[int, str]:
    """Every tag of the user: id -> name."""
    query = select(Tag.id, Tag.name).where(Tag.user_id == user_id)
    return {int(i): name for i, name in session.connection().execute(query)}
