from __future__ import annotations

import pytest

from markhive.search.ast import All, And, Keyword, Not, Or, Tag, Term, prune
from markhive.search.parser import MAX_DEPTH, parse

a, b, c, d = Term("a"), Term("b"), Term("c"), Term("d")


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "#", "! #"])
def test_blank_query_matches_all(query: str) -> None:
    assert parse(query) == All()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a", a),
        ("A", a),
        ('"Hello World"', Term("hello world", phrase=True)),
        ("#Python", Tag("python")),
        ("!Unread", Keyword("unread")),
        ("Ärger", Term("ärger")),
    ],
)
def test_operands_are_folded(query: str, expected: object) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # implicit and explicit and, left-associative (flattened)
        ("a b", And((a, b))),
        ("a and b", And((a, b))),
        ("a AND b c", And((a, b, c))),
        # or, left-associative
        ("a or b or c", Or((a, b, c))),
        # and binds tighter than or
        ("a or b and c", Or((a, And((b, c))))),
        ("a and b or c", Or((And((a, b)), c))),
        ("a b or c d", Or((And((a, b)), And((c, d))))),
        # not binds tightest
        ("not a and b", And((Not(a), b))),
        ("not a or b", Or((Not(a), b))),
        ("a or not b c", Or((a, And((Not(b), c))))),
        # not is right-associative and repeatable
        ("not not a", a),  # double negation folds away
        ("not not not a", Not(a)),
        ("not " * 5001 + "a", Not(a)),  # no recursion however long the run
        # parentheses group
        ("(a or b) and c", And((Or((a, b)), c))),
        ("not (a or b)", Not(Or((a, b)))),
        ("a (b or c)", And((a, Or((b, c))))),
        ("((a))", a),
        ("(a b) c", And((a, b, c))),
        ("a or (b or c)", Or((a, b, c))),
        # operands of every kind
        ('#t "p q" !unread x', And((Tag("t"), Term("p q", True), Keyword("unread"), Term("x")))),
        ("python#tutorial", And((Term("python"), Tag("tutorial")))),
        ("android notation", And((Term("android"), Term("notation")))),
        ('"and" or "not"', Or((Term("and", True), Term("not", True)))),
    ],
)
def test_precedence_and_grouping(query: str, expected: object) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "(python",
        "python)",
        "and",
        "or",
        "not",
        "()",
        "a and",
        "a or",
        "and a",
        "or a",
        "a or or b",
        "a and and b",
        "a not",
        "not not",
        "(a or)",
        "(a))",
        "((a)",
        ")(",
        "a ( ) b",
        "not ()",
        "# and",
    ],
)
def test_does_not_parse(query: str) -> None:
    assert parse(query) is None


def test_deep_nesting_is_refused_not_crashing() -> None:
    assert parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH) == a
    assert parse("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1)) is None
    assert parse("not " * 5000 + "a") is not None
    assert parse(" or ".join(["a"] * 5000)) == Or(tuple([a] * 5000))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("!foo", All()),
        ("not !foo", All()),
        ("not not !foo", All()),
        ("a !foo", a),
        ("a or !foo", a),
        ("not (a and !foo)", Not(a)),
        ("!foo !bar", All()),
        ("!unread !untagged", And((Keyword("unread"), Keyword("untagged")))),
        ("a (b or !x) c", And((a, b, c))),
    ],
)
def test_prune_removes_unknown_keywords(query: str, expected: object) -> None:
    node = parse(query)
    assert node is not None
    assert prune(node) == expected
