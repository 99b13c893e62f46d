"""Compile a search tree to a SQL condition on one bookmark row.

The condition is evaluated row by row (walking a sort order, or over a candidate set); the
planner in ``markhive.search.candidates`` uses the full-text index to find candidates.

- A word or phrase is a substring of ``bookmarks.search_text`` (already case-folded, fields
  joined by U+001F): ``instr(...) > 0`` on SQLite, ``LIKE '%term%'`` on PostgreSQL. A term
  containing U+001F would only match across two fields, so it matches nothing; the empty
  phrase matches everything.
- ``#tag``: the bookmark has a tag with exactly that folded name.
- ``!unread``: unread; ``!untagged``: no tags. Other keywords are pruned before compiling.
- ``lax_tags``: a plain word also matches a tag of exactly that name;
  ``keyword_substring``: a word or phrase also matches a tag whose name contains it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, not_, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from markhive.bookmarks.derived import SEARCH_SEPARATOR
from markhive.bookmarks.models import Bookmark
from markhive.search.ast import All, And, Keyword, Node, Not, Or, Tag, Term, prune
from markhive.tags.models import BookmarkTag
from markhive.tags.models import Tag as TagRow

BOOKMARKS = Bookmark.__table__.c
LINKS = BookmarkTag.__table__.c
TAGS = TagRow.__table__.c


@dataclass(frozen=True)
class SearchOptions:
    lax_tags: bool = False
    keyword_substring: bool = False


def like_pattern(term: str) -> str:
    """``%term%`` with LIKE's wildcards and the escape character (backslash) escaped."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_string(term: str) -> str:
    """The term as one FTS5 string: quoted, quotes doubled."""
    return '"' + term.replace('"', '""') + '"'


def contains(column: ColumnElement[str], term: str, dialect: str) -> ColumnElement[bool]:
    """``term`` (already folded) is a substring of ``column``."""
    if dialect == "postgresql":
        return column.like(like_pattern(term), escape="\\")
    return func.instr(column, term) > 0


class Compiler:
    """Turns search trees into conditions for a query over ``bookmarks`` of ``owner_ids``."""

    def __init__(
        self,
        dialect: str,
        owner_ids: Sequence[int],
        options: SearchOptions | None = None,
        resolved_tags: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        self.dialect = dialect
        self.owner_ids = list(owner_ids)
        self.options = options or SearchOptions()
        # The ids of the `#tags` in the query, looked up beforehand (see resolve_tags): with
        # them as constants PostgreSQL can use its statistics on bookmark_tags.tag_id.
        self.resolved_tags = resolved_tags

    def compile(self, node: Node) -> ColumnElement[bool]:
        """The condition for a parsed query (unknown keywords are pruned first)."""
        return self._compile(prune(node))

    def _compile(self, node: Node) -> ColumnElement[bool]:
        if isinstance(node, All):
            return true()
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Tag):
            if self.resolved_tags is not None:
                return self.has_tag_ids(self.resolved_tags.get(node.name, ()))
            return self.has_tag(TAGS.name_folded == node.name)
        if isinstance(node, Keyword):
            return self.keyword(node.name)
        if isinstance(node, Not):
            return not_(self._compile(node.operand))
        if isinstance(node, And):
            return and_(*(self._compile(op) for op in node.operands))
        if isinstance(node, Or):
            return or_(*(self._compile(op) for op in node.operands))
        raise TypeError(f"not a search node: {node!r}")

    def term(self, node: Term) -> ColumnElement[bool]:
        text = node.text
        if text == "":
            return true()
        condition = self.substring(text)
        tag_name = self.tag_condition(node)
        if tag_name is not None:
            condition = or_(condition, self.has_tag(tag_name))
        return condition

    def substring(self, text: str) -> ColumnElement[bool]:
        if SEARCH_SEPARATOR in text:
            return false()
        return contains(BOOKMARKS.search_text, text, self.dialect)

    def tag_condition(self, node: Term) -> ColumnElement[bool] | None:
        """Which tags also satisfy a word or phrase in the current mode, if any."""
        if self.options.keyword_substring:
            return contains(TAGS.name_folded, node.text, self.dialect)
        if self.options.lax_tags and not node.phrase:
            return TAGS.name_folded == node.text
        return None

    def tag_ids(self, name_condition: ColumnElement[bool]) -> Select[Any]:
        """The ids of the owners' tags satisfying ``name_condition``."""
        return select(TAGS.id).where(TAGS.user_id.in_(self.owner_ids), name_condition)

    def has_tag(self, name_condition: ColumnElement[bool]) -> ColumnElement[bool]:
        return exists(
            select(LINKS.bookmark_id).where(
                LINKS.bookmark_id == BOOKMARKS.id,
                LINKS.tag_id.in_(self.tag_ids(name_condition)),
            )
        )

    def has_tag_ids(self, ids: Sequence[int]) -> ColumnElement[bool]:
        if not ids:
            return false()
        return exists(
            select(LINKS.bookmark_id).where(
                LINKS.bookmark_id == BOOKMARKS.id, LINKS.tag_id.in_(list(ids))
            )
        )

    def keyword(self, name: str) -> ColumnElement[bool]:
        if name == "unread":
            return BOOKMARKS.unread == true()
        if name == "untagged":
            return ~exists(select(LINKS.bookmark_id).where(LINKS.bookmark_id == BOOKMARKS.id))
        return true()


class unindexed(FunctionElement[Any]):
    """The column, written so that SQLite will not use an index for a condition on it.

    SQLite's unary ``+`` keeps a term away from every index; a drive plan needs the
    candidates' rowids, not a sort index walked while checking them one by one.
    """

    name = "unindexed"
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any]) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))


def tag_names(node: Node | None) -> set[str]:
    """The (folded) names of every ``#tag`` in a tree."""
    if isinstance(node, Tag):
        return {node.name}
    if isinstance(node, Not):
        return tag_names(node.operand)
    if isinstance(node, And | Or):
        return set().union(*(tag_names(op) for op in node.operands))
    return set()
