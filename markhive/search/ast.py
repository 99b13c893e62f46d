"""The search language's syntax tree, and the pruning of keywords that filter nothing.

Nodes are frozen dataclasses, so equal queries give equal trees (and equal cache keys).
``And`` and ``Or`` hold two or more operands: the language makes both left-associative,
and since both are associative the parser flattens ``a and b and c`` into one node.
"""

from __future__ import annotations

from dataclasses import dataclass

# Keywords (`!name`) that filter; every other keyword is no filter at all.
KNOWN_KEYWORDS = frozenset({"unread", "untagged"})


@dataclass(frozen=True)
class All:
    """Matches every bookmark: the blank query."""


@dataclass(frozen=True)
class Term:
    """A word or a phrase: a case-insensitive substring of title, description, notes or URL."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class Tag:
    """`#name`: the bookmark has a tag of exactly this name (case-insensitive)."""

    name: str


@dataclass(frozen=True)
class Keyword:
    """`!name`: `!unread`, `!untagged`; any other name filters nothing."""

    name: str


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = All | Term | Tag | Keyword | Not | And | Or


def prune(node: Node) -> Node:
    """Drop what filters nothing: unknown keywords, blank queries inside a group.

    An unknown `!word` is no filter, as if it were not in the query: `!foo` and `not !foo`
    match everything, `a and !foo` and `a or !foo` are `a`. Returns ``All()`` when nothing
    is left.
    """
    pruned = _prune(node)
    return All() if pruned is None else pruned


def _prune(node: Node) -> Node | None:
    if isinstance(node, All):
        return None
    if isinstance(node, Keyword):
        return node if node.name in KNOWN_KEYWORDS else None
    if isinstance(node, Not):
        inner = _prune(node.operand)
        return None if inner is None else Not(inner)
    if isinstance(node, And | Or):
        kept = [p for p in (_prune(op) for op in node.operands) if p is not None]
        if not kept:
            return None
        if len(kept) == 1:
            return kept[0]
        return type(node)(tuple(kept))
    return node
