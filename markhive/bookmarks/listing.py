"""The bookmark list query: filters, search, sort and paging, returning ids and an exact count.

Two plans return the same rows:

- *walk*: follow the index of the wanted order and check each row (``LIMIT`` inside the
  query), which finds a page fast when matches are common;
- *drive*: when a required part of the search (a word of three characters or more, a tag,
  the folder) has few candidates in its index, fetch those, check and sort only them.

On SQLite the plan is chosen by probing each required part's index with a cap; on
PostgreSQL one query is sent and its planner chooses. Exact counts are cached per owner data
version (see ``CountCache``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression

from markhive.bookmarks.derived import fold
from markhive.db.ids import among, among_params
from markhive.db.raw import Compiled
from markhive.search.ast import And, Keyword, Node, Not, Or, Tag, Term, prune
from markhive.search.candidates import Source, Sources, smallest
from markhive.search.compiler import (
    BOOKMARKS,
    TAGS,
    Compiler,
    SearchOptions,
    tag_names,
    unindexed,
)
from markhive.search.count_cache import CountCache, OrderCache
from markhive.search.parser import parse
from markhive.users.models import User

USERS = User.__table__.c
# Read on every list request (the count cache's key), so compiled once and run raw.
_VERSIONS = Compiled(
    lambda dialect: (
        select(USERS.id, USERS.data_version).where(among(USERS.id, [], dialect)).order_by(USERS.id)
    )
)
Plan = Literal["auto", "walk", "drive"]

# name -> (column, descending, ties descending); every order ends with id. The /api/v1
# orders break ties by id descending (title_asc_ties_desc has an index of its own).
SORTS: dict[str, tuple[ColumnElement[Any], bool, bool]] = {
    "added_desc": (BOOKMARKS.date_added, True, True),
    "added_asc": (BOOKMARKS.date_added, False, False),
    "modified_desc": (BOOKMARKS.date_modified, True, True),
    "modified_asc": (BOOKMARKS.date_modified, False, False),
    "title_asc": (BOOKMARKS.sort_title, False, False),
    "title_asc_ties_desc": (BOOKMARKS.sort_title, False, True),
    "title_desc": (BOOKMARKS.sort_title, True, True),
    "visit_date_desc": (BOOKMARKS.last_visited_at, True, True),
    "visit_count_desc": (BOOKMARKS.visit_count, True, True),
    "rating_desc": (BOOKMARKS.rating, True, True),
}
MIN_CAP, MAX_CAP = 10_000, 100_000


@dataclass(frozen=True)
class BundleFilter:
    """A saved filter (linkding's bundle); tag names as given, compared case-folded."""

    search: str = ""
    any_tags: tuple[str, ...] | list[str] = ()
    all_tags: tuple[str, ...] | list[str] = ()
    excluded_tags: tuple[str, ...] | list[str] = ()
    # "yes", "no", or anything else (usually "off") for no filter
    filter_unread: str = "off"
    filter_shared: str = "off"

    @classmethod
    def of(cls, bundle: Any) -> BundleFilter:
        """The filter a stored bundle row describes (tag lists are space-separated)."""
        return cls(
            search=bundle.search,
            any_tags=bundle.any_tags.split(),
            all_tags=bundle.all_tags.split(),
            excluded_tags=bundle.excluded_tags.split(),
            filter_unread=bundle.filter_unread,
            filter_shared=bundle.filter_shared,
        )

    def node(self) -> Node | None:
        """The bundle's search words and tags as one search tree (None: no condition)."""
        parts: list[Node] = [
            Term(fold(word)) for word in self.search.split() if word[:1] not in ("#", "!")
        ]
        parts.extend(Tag(fold(name)) for name in self.all_tags)
        if self.any_tags:
            parts.append(_any(Tag(fold(name)) for name in self.any_tags))
        if self.excluded_tags:
            parts.append(Not(_any(Tag(fold(name)) for name in self.excluded_tags)))
        if self.filter_unread in ("yes", "no"):
            unread = Keyword("unread")
            parts.append(unread if self.filter_unread == "yes" else Not(unread))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))


@dataclass
class ListQuery:
    owner_ids: list[int]
    archived: bool | None = False
    search: str = ""
    lax_tags: bool = False
    keyword_substring: bool = False
    unread: bool | None = None
    shared: bool | None = None
    favorite: bool | None = None
    folder_id: int | None = None
    folder_filter: bool = False
    added_since: datetime | None = None
    modified_since: datetime | None = None
    bundle: BundleFilter | None = None
    sort: str = "added_desc"
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True)
class Page:
    ids: list[int]
    count: int
    plan: Literal["none", "walk", "drive"]


def list_ids(
    session: Session,
    q: ListQuery,
    count_cache: CountCache,
    order_cache: OrderCache | None = None,
) -> tuple[list[int], int]:
    """The ids of one page, in order, and the exact number of matching bookmarks."""
    page = list_page(session, q, count_cache, order_cache=order_cache)
    return page.ids, page.count


def list_page(
    session: Session,
    q: ListQuery,
    count_cache: CountCache,
    plan: Plan = "auto",
    order_cache: OrderCache | None = None,
) -> Page:
    """``list_ids`` with the plan used; ``plan`` forces one (a forced drive needs a source)."""
    if q.sort not in SORTS:
        raise ValueError(f"unknown sort: {q.sort}")
    node = parse(q.search)
    if node is None or not q.owner_ids:
        return Page([], 0, "none")
    node = prune(node)
    dialect = session.get_bind().dialect.name
    owners = sorted(set(q.owner_ids))
    bundle_node = q.bundle.node() if q.bundle else None
    # PostgreSQL plans `#tag` well only with the tag's id as a constant (its statistics on
    # bookmark_tags.tag_id then apply): a tag on 34% of 100,000 went from 77 ms a page to 3 ms.
    tag_ids = _tag_ids(session, owners, node, bundle_node) if dialect == "postgresql" else None
    options = SearchOptions(q.lax_tags, q.keyword_substring)
    compiler = Compiler(dialect, owners, options, tag_ids)
    conditions = [compiler.compile(node)]
    if bundle_node is not None:
        conditions.append(Compiler(dialect, owners, resolved_tags=tag_ids).compile(bundle_node))

    # Read the versions before counting: a write in between can only make the entry stale
    # for a version nobody asks for any more.
    key = _count_key(session, q, owners, node, bundle_node)
    count = count_cache.get(key)
    order_key = (q.sort, key)
    ordered = order_cache.get(order_key) if order_cache is not None and plan == "auto" else None
    if ordered is not None:
        return Page(list(ordered[q.offset : q.offset + q.limit]), len(ordered), "drive")
    sources = _sources(q, owners, compiler, node, bundle_node)
    candidates: set[int] | None = None
    if sources and (plan == "drive" or (plan == "auto" and dialect == "sqlite")):
        cap = None if plan == "drive" else _cap(session, q)
        candidates = smallest(session, sources, cap)

    if candidates is not None:
        conditions += _filters(q, owners, unindexed)
        ids = _drive(session, dialect, candidates, conditions, _order(q.sort, dialect))
        count_cache.put(key, len(ids))
        if order_cache is not None and len(ids) <= OrderCache.MAX_IDS:
            order_cache.put(order_key, tuple(ids))
        return Page(ids[q.offset : q.offset + q.limit], len(ids), "drive")

    conditions += _filters(q, owners)
    statement = select(BOOKMARKS.id).where(*conditions).order_by(*_order(q.sort, dialect))
    ids = list(session.execute(statement.limit(q.limit).offset(q.offset)).scalars().all())
    if count is None:
        if len(ids) < q.limit and (ids or q.offset == 0):
            count = q.offset + len(ids)  # the page ended early: nothing to count
        else:
            counting = select(func.count()).select_from(BOOKMARKS.id.table).where(*conditions)
            if sources and dialect == "sqlite":
                # Counting a common word row by row reads every row's text (3.3 s at 1M);
                # bounded by one required part's index lookup it reads only those rows (0.4 s).
                counting = counting.where(or_(*(BOOKMARKS.id.in_(arm) for arm in sources[0])))
            count = int(session.execute(counting).scalar_one())
        count_cache.put(key, count)
    return Page(ids, count, "walk")


def _any(nodes: Any) -> Node:
    items = tuple(nodes)
    return items[0] if len(items) == 1 else Or(items)


def _filters(
    q: ListQuery, owners: list[int], wrap: Callable[[Any], Any] = lambda column: column
) -> list[ColumnElement[bool]]:
    """The conditions besides the search; ``wrap`` is applied to every column."""
    c = BOOKMARKS
    user = wrap(c.user_id)
    conditions: list[ColumnElement[bool]] = [
        user == owners[0] if len(owners) == 1 else user.in_(owners)
    ]
    if q.archived is not None:
        conditions.append(wrap(c.is_archived) == q.archived)
    if q.bundle and q.bundle.filter_shared in ("yes", "no"):
        conditions.append(wrap(c.shared) == (q.bundle.filter_shared == "yes"))
    for column, wanted in ((c.unread, q.unread), (c.shared, q.shared), (c.is_favorite, q.favorite)):
        if wanted is not None:
            conditions.append(wrap(column) == wanted)
    if q.folder_filter:
        folder = wrap(c.folder_id)
        conditions.append(folder.is_(None) if q.folder_id is None else folder == q.folder_id)
    if q.added_since is not None:
        conditions.append(wrap(c.date_added) > q.added_since)
    if q.modified_since is not None:
        conditions.append(wrap(c.date_modified) > q.modified_since)
    return conditions


def _sources(
    q: ListQuery, owners: list[int], compiler: Compiler, node: Node, bundle: Node | None
) -> list[Source]:
    sources = Sources(compiler).conjuncts(node)
    if bundle is not None:
        sources += Sources(Compiler(compiler.dialect, owners)).conjuncts(bundle)
    if q.folder_filter:
        in_folder = (
            BOOKMARKS.folder_id == q.folder_id
            if q.folder_id is not None
            else BOOKMARKS.folder_id.is_(None) & BOOKMARKS.user_id.in_(owners)
        )
        sources.append([select(BOOKMARKS.id).where(in_folder)])
    return sources


def _cap(session: Session, q: ListQuery) -> int:
    """Drive when candidates are fewer than about sqrt(rows wanted * rows in the table).

    Walking finds (offset + limit) matches after about (offset + limit) * rows / matches
    rows; driving reads each candidate once. The highest id stands in for the row count.
    """
    highest = session.execute(select(func.max(BOOKMARKS.id))).scalar() or 0
    estimate = math.isqrt(max(q.offset + q.limit, 1) * int(highest))
    return min(max(estimate, MIN_CAP), MAX_CAP)


def _drive(
    session: Session,
    dialect: str,
    candidates: set[int],
    conditions: list[ColumnElement[bool]],
    order: list[UnaryExpression[Any]],
) -> list[int]:
    """Every matching candidate's id, sorted."""
    if not candidates:
        return []
    listed = among(BOOKMARKS.id, sorted(candidates), dialect)
    statement = select(BOOKMARKS.id).where(listed, *conditions).order_by(*order)
    return list(session.execute(statement).scalars().all())


def _order(sort: str, dialect: str) -> list[UnaryExpression[Any]]:
    column, descending, ties_descending = SORTS[sort]
    ties = BOOKMARKS.id.desc() if ties_descending else BOOKMARKS.id.asc()
    if not descending:
        return [column.asc(), ties]
    first = column.desc()
    if sort == "visit_date_desc" and dialect == "postgresql":
        first = first.nulls_last()  # SQLite puts NULLs last in a descending order already
    return [first, ties]


def _tag_ids(session: Session, owners: list[int], *nodes: Node | None) -> dict[str, list[int]]:
    """The owners' tag ids for every ``#tag`` named in the trees, by folded name."""
    names = set().union(*(tag_names(node) for node in nodes))
    found: dict[str, list[int]] = {name: [] for name in names}
    if names:
        query = select(TAGS.name_folded, TAGS.id).where(
            TAGS.user_id.in_(owners), TAGS.name_folded.in_(sorted(names))
        )
        for name, tag_id in session.execute(query):
            found[name].append(tag_id)
    return found


def _count_key(
    session: Session, q: ListQuery, owners: list[int], node: Node, bundle: Node | None
) -> Hashable:
    rows = _VERSIONS.fetch(session, among_params(owners, session))
    versions = tuple((int(user_id), int(version)) for user_id, version in rows)
    return (
        versions,
        node,
        q.archived,
        q.lax_tags,
        q.keyword_substring,
        q.unread,
        q.shared,
        q.favorite,
        q.folder_filter,
        q.folder_id,
        q.added_since,
        q.modified_since,
        bundle,
        q.bundle.filter_shared if q.bundle and q.bundle.filter_shared in ("yes", "no") else "",
    )
