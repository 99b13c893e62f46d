from __future__ import annotations

import pytest

from markhive.search.tokenizer import Kind, Token, tokenize

W, P, T, K = Kind.WORD, Kind.PHRASE, Kind.TAG, Kind.KEYWORD


def kinds(query: str) -> list[tuple[Kind, str]]:
    return [(t.kind, t.text) for t in tokenize(query)]


def test_words_split_on_whitespace() -> None:
    assert kinds("  python \t django\nflask ") == [(W, "python"), (W, "django"), (W, "flask")]


def test_parentheses_are_tokens() -> None:
    assert kinds("(a)(b)") == [
        (Kind.LPAREN, ""),
        (W, "a"),
        (Kind.RPAREN, ""),
        (Kind.LPAREN, ""),
        (W, "b"),
        (Kind.RPAREN, ""),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"hello world"', [(P, "hello world")]),
        ("'hello world'", [(P, "hello world")]),
        ('"it\'s"', [(P, "it's")]),
        ("'say \"hi\"'", [(P, 'say "hi"')]),
        (r'"a \"quoted\" word"', [(P, 'a "quoted" word')]),
        (r"'don\'t'", [(P, "don't")]),
        (r'"back\\slash"', [(P, "back\\slash")]),
        ('"unclosed phrase (and more', [(P, "unclosed phrase (and more")]),
        ('""', [(P, "")]),
        ('a"b c"d', [(W, "a"), (P, "b c"), (W, "d")]),
        ('"trailing\\', [(P, "trailing\\")]),
    ],
)
def test_phrases(query: str, expected: list[tuple[Kind, str]]) -> None:
    assert kinds(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("#python", [(T, "python")]),
        ("!unread", [(K, "unread")]),
        ("# ! x", [(W, "x")]),
        ("#", []),
        ("!", []),
        ("(#a)", [(Kind.LPAREN, ""), (T, "a"), (Kind.RPAREN, "")]),
        ("#a#b!c", [(T, "a#b!c")]),
        ('#a"b"', [(T, "a"), (P, "b")]),
        ("python#tutorial", [(W, "python"), (T, "tutorial")]),
        ("python!unread", [(W, "python"), (K, "unread")]),
        ("c++ node.js", [(W, "c++"), (W, "node.js")]),
    ],
)
def test_tags_keywords_and_word_stops(query: str, expected: list[tuple[Kind, str]]) -> None:
    assert kinds(query) == expected


@pytest.mark.parametrize("word", ["and", "AND", "And", "or", "OR", "not", "NoT"])
def test_operators_any_case(word: str) -> None:
    assert tokenize(word) == [Token(Kind(word.lower()))]


@pytest.mark.parametrize("word", ["android", "notation", "order", "andy", "nota"])
def test_operator_prefixes_are_words(word: str) -> None:
    assert tokenize(word) == [Token(W, word)]


def test_quoted_operators_are_phrases() -> None:
    assert kinds('"and" #or !not') == [(P, "and"), (T, "or"), (K, "not")]


def test_operator_glued_to_parenthesis() -> None:
    assert kinds("not(a)") == [
        (Kind.NOT, ""),
        (Kind.LPAREN, ""),
        (W, "a"),
        (Kind.RPAREN, ""),
    ]


def test_nul_separates_words() -> None:
    assert tokenize("a\x00b") == tokenize("a b")
