"""Candidate sets: a superset of a search's matches, found through an index.

A *source* is a list of SELECTs, each returning bookmark ids; the union of their rows holds
every bookmark the node can match (and maybe more, which the row condition then removes).
A node without a source (``not x``, short words, ``!unread``) can only be checked row by row.

On SQLite a word or phrase with a piece of three characters or more is looked up in the
FTS5 trigram table ``bookmark_fts`` as the rows that hold all of its pieces' trigrams (the
table keeps no positions); on PostgreSQL (used only when a plan is forced) through
``LIKE``. Tags are looked up in ``bookmark_tags`` by tag id.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select, table
from sqlalchemy.orm import Session

from markhive.bookmarks.derived import SEARCH_SEPARATOR
from markhive.search.ast import And, Node, Or, Tag, Term
from markhive.search.compiler import BOOKMARKS, LINKS, TAGS, Compiler, contains, fts_string

Source = list[Select[Any]]
FTS_TABLE = table("bookmark_fts")
MIN_FTS_LENGTH = 3


def trigrams(pieces: list[str]) -> list[str]:
    """The distinct three-character runs of the pieces, as the trigram tokenizer cuts them
    (by code point)."""
    found = (piece[i : i + 3] for piece in pieces for i in range(len(piece) - 2))
    return list(dict.fromkeys(found))


class Sources:
    """Finds the index lookups that bound a search node's matches."""

    def __init__(self, compiler: Compiler) -> None:
        self.compiler = compiler
        self.dialect = compiler.dialect

    def conjuncts(self, node: Node) -> list[Source]:
        """A source for each required part of ``node`` that has one."""
        parts = node.operands if isinstance(node, And) else (node,)
        return [s for s in (self.of(part) for part in parts) if s is not None]

    def of(self, node: Node) -> Source | None:
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Tag):
            return [self.tagged(TAGS.name_folded == node.name)]
        if isinstance(node, Or):
            arms: Source = []
            for operand in node.operands:
                source = self.of(operand)
                if source is None:
                    return None
                arms.extend(source)
            return arms
        if isinstance(node, And):
            for operand in node.operands:
                source = self.of(operand)
                if source is not None:
                    return source
        return None

    def term(self, node: Term) -> Source | None:
        text = node.text
        if SEARCH_SEPARATOR in text:
            return []  # matches nothing (see the compiler)
        if self.dialect == "sqlite":
            # Every trigram of each whitespace-separated piece must be there: a superset
            # of the term's rows, which the row condition then checks.
            pieces = [p for p in dict.fromkeys(text.split()) if len(p) >= MIN_FTS_LENGTH]
            if not pieces:
                return None
            match = " AND ".join(fts_string(t) for t in trigrams(pieces))
            arms: Source = [
                select(literal_column("rowid"))
                .select_from(FTS_TABLE)
                .where(literal_column("bookmark_fts").op("MATCH")(match))
            ]
        else:
            if text == "":
                return None
            arms = [
                select(BOOKMARKS.id).where(
                    BOOKMARKS.user_id.in_(self.compiler.owner_ids),
                    contains(BOOKMARKS.search_text, text, self.dialect),
                )
            ]
        tag_condition = self.compiler.tag_condition(node)
        if tag_condition is not None:
            arms.append(self.tagged(tag_condition))
        return arms

    def tagged(self, name_condition: ColumnElement[bool]) -> Select[Any]:
        return select(LINKS.bookmark_id).where(
            LINKS.tag_id.in_(self.compiler.tag_ids(name_condition))
        )


def probe(session: Session, source: Source, cap: int | None) -> set[int] | None:
    """The ids the source yields, or None when there are more than ``cap``."""
    found: set[int] = set()
    for arm in source:
        found.update(_fetch_ids(session, arm if cap is None else arm.limit(cap + 1)))
        if cap is not None and len(found) > cap:
            return None
    return found


def _fetch_ids(session: Session, statement: Select[Any]) -> list[int]:
    if session.get_bind().dialect.name != "sqlite":
        return list(session.execute(statement).scalars().all())
    # Thousands of rows through the driver cost more than the lookup: take them as one value.
    rows = statement.subquery()
    packed = session.execute(select(func.json_group_array(rows.c[0]))).scalar_one()
    return list(json.loads(packed))


def smallest(
    session: Session, sources: list[Source], cap: int | None, enough: int = 1000
) -> set[int] | None:
    """The intersection of the sources that stay within ``cap``; None if none does.

    Probing stops once the intersection is down to ``enough`` ids.
    """
    best: set[int] | None = None
    for source in sources:
        found = probe(session, source, cap)
        if found is None:
            continue
        best = found if best is None else best & found
        if len(best) <= enough:
            break
    return best
