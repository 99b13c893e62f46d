"""The queries of import and export: whole batches of bookmarks at a time, and the
export's streaming read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Sequence
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


# The columns of a new bookmark as an import gives them: insert_bookmarks' tuples.
NEW = ("url", "url_key", *MERGED)
FTS_INSERT_TRIGGER = "bookmarks_fts_insert"


class _NewBookmarks:
    """insert_bookmarks' statement for one dialect: every column but the id, filled from
    the user id, a NEW tuple (through the columns' own bind processing, so values are
    stored exactly as SQLAlchemy stores them) and the other columns' scalar defaults."""

    def __init__(self, dialect: Any) -> None:
        table: Any = Bookmark.__table__
        rest = [c for c in table.columns if c.name not in ("id", "user_id", *NEW)]
        names = ["user_id", *NEW, *(c.name for c in rest)]
        quote = dialect.identifier_preparer.quote
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
            f"VALUES ({', '.join([mark] * len(names))})"
        )
        self.defaults = tuple(_stored(c, dialect, _default(c)) for c in rest)
        self.processors = [
            (i, process)
            for i, name in enumerate(NEW)
            if (process := table.c[name].type._cached_bind_processor(dialect)) is not None
        ]

    def params(self, user_id: int, row: Sequence[Any]) -> tuple[Any, ...]:
        values = list(row)
        for i, process in self.processors:
            values[i] = process(values[i])
        return (user_id, *values, *self.defaults)


def _default(column: Any) -> Any:
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


def _stored(column: Any, dialect: Any, value: Any) -> Any:
    process = column.type._cached_bind_processor(dialect)
    return process(value) if process is not None else value


_NEW_BOOKMARKS: dict[str, _NewBookmarks] = {}


def _cursor(session: Session) -> Any:
    return session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def insert_bookmarks(
    session: Session, user_id: int, rows: Sequence[Sequence[Any]]
) -> dict[str, int]:
    """Insert new bookmarks (tuples of the NEW columns, URL keys distinct and not yet in
    the database); their ids by URL key. One prepared statement run for every row."""
    if not rows:
        return {}
    dialect = session.get_bind().dialect
    statement = _NEW_BOOKMARKS.get(dialect.name)
    if statement is None:
        statement = _NEW_BOOKMARKS[dialect.name] = _NewBookmarks(dialect)
    cursor = _cursor(session)
    try:
        if dialect.name != "sqlite":
            cursor.executemany(statement.sql, [statement.params(user_id, row) for row in rows])
            query = select(Bookmark.url_key, Bookmark.id).where(
                Bookmark.user_id == user_id, Bookmark.url_key.in_([row[1] for row in rows])
            )
            return {key: int(i) for key, i in session.connection().execute(query)}
        # SQLite's insert trigger would add each row to the full-text index with a
        # statement of its own (each flushing the index). Instead the trigger is dropped,
        # the rows inserted, indexed with one statement, and the trigger made again, all
        # in this transaction: it holds the database's only write lock, so no other
        # writer ever sees the trigger missing, and a crash rolls all of it back. For the
        # same reason the rows with ids above the largest before are exactly these.
        before = cursor.execute("SELECT coalesce(max(id), 0) FROM bookmarks").fetchone()[0]
        trigger = cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (FTS_INSERT_TRIGGER,),
        ).fetchone()
        if trigger is not None:
            cursor.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
        cursor.executemany(statement.sql, (statement.params(user_id, row) for row in rows))
        if trigger is not None:
            # the trigger's own INSERT, for all the new rows at once
            cursor.execute(
                "INSERT INTO bookmark_fts(rowid, search_text) "
                "SELECT id, search_text FROM bookmarks WHERE id > ?",
                (before,),
            )
            cursor.execute(trigger[0])
        cursor.execute("SELECT url_key, id FROM bookmarks WHERE id > ?", (before,))
        return dict(cursor.fetchall())
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


def link(session: Session, pairs: Sequence[tuple[int, int]]) -> None:
    """Add (bookmark_id, tag_id) links known to be missing."""
    if not pairs:
        return
    mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
    cursor = _cursor(session)
    try:
        cursor.executemany(
            f"INSERT INTO bookmark_tags (bookmark_id, tag_id) VALUES ({mark}, {mark})", pairs
        )
    finally:
        cursor.close()


def folders_of(session: Session, user_id: int) -> list[tuple[int, int | None, str, str]]:
    """Every folder of the user: (id, parent id, folded name, description)."""
    query = select(Folder.id, Folder.parent_id, Folder.name_folded, Folder.description).where(
        Folder.user_id == user_id
    )
    return [tuple(row) for row in session.connection().execute(query)]  # type: ignore[misc]


def insert_folder(session: Session, values: dict[str, Any]) -> int:
    """Insert a folder (every column but the id given); its id."""
    statement = insert(Folder).values(values).returning(Folder.id)
    return int(session.connection().execute(statement).scalar_one())


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


def import_writes(session: Session) -> None:
    """For the rest of an import's transaction, its commit included: no memory map (see
    without_mmap), and no copying of the write-ahead log into the database at the commit.
    An import writes the same index pages in every transaction, and each automatic
    checkpoint wrote them to the database again: at 100,000 bookmarks in 10 transactions,
    3.3 s of commits against 0.8 s, plus 1.1 s for the one checkpoint the import then
    runs itself (``checkpoint``)."""
    without_mmap(session)
    set_until_checkin(session, "wal_autocheckpoint", 0)


def checkpoint(db: Database) -> None:
    """Copy what the write-ahead log holds into the database, without waiting for readers
    or writers (what they still need stays for a later checkpoint)."""
    if db.dialect != "sqlite":
        return
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").all()


def tag_names(session: Session, user_id: int) -> dict[int, str]:
    """Every tag of the user: id -> name."""
    query = select(Tag.id, Tag.name).where(Tag.user_id == user_id)
    return {int(i): name for i, name in session.connection().execute(query)}
