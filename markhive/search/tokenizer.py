"""Split a search query into tokens.

- whitespace separates tokens; `(` and `)` are tokens of their own;
- `"..."` and `'...'` are phrases: a backslash takes the next character literally, and a
  quote left open runs to the end of the query;
- `#name` is a tag and `!name` a keyword: the name runs to whitespace, a parenthesis or a
  quote; a bare `#` or `!` is dropped;
- anything else is a word, which also stops at `#` and `!` (`python#tutorial` is the word
  `python` and the tag `tutorial`); the words `and`, `or` and `not`, in any case, are
  operators.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    WORD = "word"
    PHRASE = "phrase"
    TAG = "tag"
    KEYWORD = "keyword"
    LPAREN = "("
    RPAREN = ")"
    AND = "and"
    OR = "or"
    NOT = "not"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str = ""


QUOTES = "\"'"
NAME_STOPS = "()" + QUOTES
WORD_STOPS = NAME_STOPS + "#!"
OPERATORS = {"and": Kind.AND, "or": Kind.OR, "not": Kind.NOT}


def tokenize(query: str) -> list[Token]:
    # Stored text never holds NUL (every front door refuses it, and PostgreSQL cannot
    # store it), so in a query it separates words like whitespace.
    query = query.replace("\x00", " ")
    tokens: list[Token] = []
    pos, end = 0, len(query)
    while pos < end:
        char = query[pos]
        if char.isspace():
            pos += 1
        elif char == "(":
            tokens.append(Token(Kind.LPAREN))
            pos += 1
        elif char == ")":
            tokens.append(Token(Kind.RPAREN))
            pos += 1
        elif char in QUOTES:
            text, pos = _read_phrase(query, pos + 1, char)
            tokens.append(Token(Kind.PHRASE, text))
        elif char in "#!":
            name, pos = _read_until(query, pos + 1, NAME_STOPS)
            if name:
                tokens.append(Token(Kind.TAG if char == "#" else Kind.KEYWORD, name))
        else:
            word, pos = _read_until(query, pos, WORD_STOPS)
            operator = OPERATORS.get(word.lower())
            tokens.append(Token(operator) if operator else Token(Kind.WORD, word))
    return tokens


def _read_until(query: str, pos: int, stops: str) -> tuple[str, int]:
    start = pos
    while pos < len(query) and not query[pos].isspace() and query[pos] not in stops:
        pos += 1
    return query[start:pos], pos


def _read_phrase(query: str, pos: int, quote: str) -> tuple[str, int]:
    """Read a phrase after its opening quote; return its text and the position after it."""
    parts: list[str] = []
    end = len(query)
    while pos < end:
        char = query[pos]
        if char == quote:
            return "".join(parts), pos + 1
        if char == "\\" and pos + 1 < end:
            parts.append(query[pos + 1])
            pos += 2
            continue
        parts.append(char)
        pos += 1
    return "".join(parts), pos
