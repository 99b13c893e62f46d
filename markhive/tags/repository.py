"""Every query on tags and the bookmark-tag links."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from markhive.db.ids import among, among_params
from markhive.db.raw import Compiled
from markhive.tags.models import BookmarkTag, Tag


def by_folded(session: Session, user_id: int, folded: Sequence[str]) -> dict[str, Tag]:
    if not folded:
        return {}
    query = select(Tag).where(Tag.user_id == user_id, Tag.name_folded.in_(list(folded)))
    return {tag.name_folded: tag for tag in session.scalars(query)}


def insert_missing(session: Session, user_id: int, names: dict[str, str], when: datetime) -> None:
    """Create the tags named (folded name -> spelling), skipping any that exist already,
    including ones a concurrent request has just created."""
    if not names:
        return
    rows = [
        {"user_id": user_id, "name": name, "name_folded": folded, "date_added": when}
        for folded, name in names.items()
    ]
    dialect = session.get_bind().dialect.name
    maker = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = maker(Tag).on_conflict_do_nothing(index_elements=["user_id", "name_folded"])
    session.connection().execute(statement, rows)  # executemany: compiled once, cached


def get(session: Session, user_id: int, tag_id: int) -> Tag | None:
    tag = session.get(Tag, tag_id)
    return tag if tag is not None and tag.user_id == user_id else None


def page(session: Session, user_id: int, limit: int, offset: int) -> tuple[list[Tag], int]:
    total = session.scalar(select(func.count()).select_from(Tag).where(Tag.user_id == user_id))
    query = select(Tag).where(Tag.user_id == user_id).order_by(Tag.id).limit(limit).offset(offset)
    return list(session.scalars(query)), int(total or 0)


def delete_tag(session: Session, tag: Tag) -> None:
    session.execute(delete(BookmarkTag).where(BookmarkTag.tag_id == tag.id))
    session.delete(tag)


_NAMES = Compiled(
    lambda dialect: (
        select(BookmarkTag.bookmark_id, Tag.name)
        .join(Tag, Tag.id == BookmarkTag.tag_id)
        .where(among(BookmarkTag.bookmark_id, [], dialect))
    )
)


def names_for(session: Session, bookmark_ids: Iterable[int]) -> dict[int, list[str]]:
    """Tag names of each bookmark, sorted by code point (run raw: it is on every list)."""
    ids = list(bookmark_ids)
    result: dict[int, list[str]] = defaultdict(list)
    if not ids:
        return result
    for bookmark_id, name in _NAMES.fetch(session, among_params(ids, session)):
        result[bookmark_id].append(name)
    for names in result.values():
        names.sort()
    return result


def tag_ids_of(session: Session, bookmark_id: int) -> set[int]:
    query = select(BookmarkTag.tag_id).where(BookmarkTag.bookmark_id == bookmark_id)
    return set(session.scalars(query))


def link(session: Session, bookmark_id: int, tag_ids: Iterable[int]) -> None:
    rows = [{"bookmark_id": bookmark_id, "tag_id": tag_id} for tag_id in tag_ids]
    if rows:
        session.execute(insert(BookmarkTag), rows)


def unlink(session: Session, bookmark_id: int, tag_ids: Iterable[int]) -> None:
    ids = list(tag_ids)
    if ids:
        session.execute(
            delete(BookmarkTag).where(
                BookmarkTag.bookmark_id == bookmark_id, BookmarkTag.tag_id.in_(ids)
            )
        )


def links_among(
    session: Session, bookmark_ids: Sequence[int], tag_ids: Sequence[int]
) -> set[tuple[int, int]]:
    """The (bookmark id, tag id) links that exist among these bookmarks and tags."""
    if not bookmark_ids or not tag_ids:
        return set()
    dialect = session.get_bind().dialect.name
    query = select(BookmarkTag.bookmark_id, BookmarkTag.tag_id).where(
        among(BookmarkTag.bookmark_id, bookmark_ids, dialect), BookmarkTag.tag_id.in_(tag_ids)
    )
    return {(int(b), int(t)) for b, t in session.execute(query)}


def link_pairs(session: Session, pairs: Iterable[tuple[int, int]]) -> None:
    rows = [{"bookmark_id": b, "tag_id": t} for b, t in pairs]
    if rows:
        session.execute(insert(BookmarkTag), rows)


def unlink_pairs(session: Session, pairs: Iterable[tuple[int, int]]) -> None:
    by_tag: dict[int, list[int]] = defaultdict(list)
    for bookmark_id, tag_id in pairs:
        by_tag[tag_id].append(bookmark_id)
    dialect = session.get_bind().dialect.name
    for tag_id, bookmark_ids in by_tag.items():
        session.execute(
            delete(BookmarkTag).where(
                BookmarkTag.tag_id == tag_id, among(BookmarkTag.bookmark_id, bookmark_ids, dialect)
            )
        )


def count_in_use(session: Session, user_id: int) -> int:
    """How many of the user's tags are on at least one bookmark."""
    used = select(BookmarkTag.tag_id).where(BookmarkTag.tag_id == Tag.id).exists()
    query = select(func.count()).select_from(Tag).where(Tag.user_id == user_id, used)
    return int(session.scalar(query) or 0)


def most_used(session: Session, user_id: int, limit: int) -> list[tuple[str, int]]:
    """The user's tags with the most bookmarks: (name, count), most used first.

    Each tag's links are counted by a subquery on its range of ``ix_bookmark_tags_tag``:
    SQLite runs that as a tight count over the index, twice as fast as grouping a join
    (4.7 million links: 1.0 s became 0.54 s). It still reads every link of the user's
    tags, which is why the stats are cached."""
    uses = (
        select(func.count())
        .select_from(BookmarkTag)
        .where(BookmarkTag.tag_id == Tag.id)
        .correlate(Tag)
        .scalar_subquery()
        .label("uses")
    )
    used = select(BookmarkTag.tag_id).where(BookmarkTag.tag_id == Tag.id).exists()
    query = (
        select(Tag.name, uses)
        .where(Tag.user_id == user_id, used)
        .order_by(uses.desc(), Tag.name)
        .limit(limit)
    )
    return [(name, int(n)) for name, n in session.execute(query)]


def names_starting(session: Session, user_id: int, folded: str, limit: int) -> list[str]:
    """The user's tag names whose folded name begins with ``folded``, by name: a range of
    the (user, name) unique index, not a scan."""
    query = (
        select(Tag.name)
        .where(Tag.user_id == user_id, *_starting(folded))
        .order_by(Tag.name_folded)
        .limit(limit)
    )
    return list(session.scalars(query))


def with_counts(
    session: Session, user_id: int, folded_prefix: str, limit: int, offset: int
) -> list[tuple[int, str, int]]:
    """The user's tags whose folded name begins with ``folded_prefix``, by name, each with
    the number of bookmarks carrying it: (id, name, count). The page of tags is picked
    first (the name index) and only its tags' links are counted (the tag index), so the
    cost follows the page, not the account's half a million links."""
    page = select(Tag.id, Tag.name, Tag.name_folded).where(Tag.user_id == user_id)
    if folded_prefix:
        page = page.where(*_starting(folded_prefix))
    tags = page.order_by(Tag.name_folded, Tag.id).limit(limit).offset(offset).subquery()
    count = (
        select(func.count())
        .select_from(BookmarkTag)
        .where(BookmarkTag.tag_id == tags.c.id)
        .scalar_subquery()
    )
    query = select(tags.c.id, tags.c.name, count).order_by(tags.c.name_folded, tags.c.id)
    return [(int(i), name, int(n)) for i, name, n in session.execute(query)]


def _starting(folded: str) -> tuple[Any, Any]:
    """Folded names beginning with ``folded``: a range, so the name index serves it."""
    return Tag.name_folded >= folded, Tag.name_folded < folded + "\U0010ffff"


def link_count(session: Session, tag_id: int) -> int:
    """How many bookmarks carry the tag."""
    query = select(func.count()).select_from(BookmarkTag).where(BookmarkTag.tag_id == tag_id)
    return int(session.execute(query).scalar_one())


def bookmark_ids_with(session: Session, tag_id: int) -> list[int]:
    """The bookmarks that carry the tag."""
    query = select(BookmarkTag.bookmark_id).where(BookmarkTag.tag_id == tag_id)
    return [int(i) for i in session.scalars(query)]


def copy_links(session: Session, source_id: int, target_id: int) -> None:
    """Give the target tag to every bookmark of the source tag that lacks it."""
    has_target = select(BookmarkTag.bookmark_id).where(BookmarkTag.tag_id == target_id)
    rows = select(BookmarkTag.bookmark_id, literal(target_id)).where(
        BookmarkTag.tag_id == source_id, BookmarkTag.bookmark_id.not_in(has_target)
    )
    session.execute(insert(BookmarkTag).from_select(["bookmark_id", "tag_id"], rows))
