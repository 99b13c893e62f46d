"""Parse a search query into a syntax tree.

Grammar, loosest first (`and` may be left out between two operands)::

    or_expr  := and_expr ("or" and_expr)*
    and_expr := not_expr (["and"] not_expr)*
    not_expr := "not"* primary
    primary  := WORD | PHRASE | TAG | KEYWORD | "(" or_expr ")"

`parse` returns ``None`` for a query that does not parse (`(python`, `and`, `not`, `()`);
a blank query parses to ``All()``. Words, phrases, tags and keywords are case-folded.
"""

from __future__ import annotations

from markhive.bookmarks.derived import fold
from markhive.search.ast import All, And, Keyword, Node, Not, Or, Tag, Term
from markhive.search.tokenizer import Kind, Token, tokenize

# Deeper nesting of parentheses than this is refused rather than risking the stack.
MAX_DEPTH = 100
OPERAND_STARTS = frozenset({Kind.WORD, Kind.PHRASE, Kind.TAG, Kind.KEYWORD, Kind.LPAREN, Kind.NOT})


class ParseError(Exception):
    pass


def parse(query: str) -> Node | None:
    tokens = tokenize(query)
    if not tokens:
        return All()
    parser = _Parser(tokens)
    try:
        node = parser.or_expr(0)
        if parser.peek() is not None:
            raise ParseError("unexpected token")
    except ParseError:
        return None
    return node


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Kind | None:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        if self.pos >= len(self.tokens):
            raise ParseError("unexpected end")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def or_expr(self, depth: int) -> Node:
        operands = [self.and_expr(depth)]
        while self.peek() is Kind.OR:
            self.pos += 1
            operands.append(self.and_expr(depth))
        return operands[0] if len(operands) == 1 else Or(_flatten(operands, Or))

    def and_expr(self, depth: int) -> Node:
        operands = [self.not_expr(depth)]
        while True:
            kind = self.peek()
            if kind is Kind.AND:
                self.pos += 1
            elif kind not in OPERAND_STARTS:
                break
            operands.append(self.not_expr(depth))
        return operands[0] if len(operands) == 1 else And(_flatten(operands, And))

    def not_expr(self, depth: int) -> Node:
        nots = 0
        while self.peek() is Kind.NOT:
            self.pos += 1
            nots += 1
        node = self.primary(depth)
        # `not not a` is `a`: fold any run of nots into one or none, so a long run
        # cannot nest the tree deeper than the stack allows.
        return Not(node) if nots % 2 else node

    def primary(self, depth: int) -> Node:
        token = self.take()
        if token.kind is Kind.WORD:
            return Term(fold(token.text))
        if token.kind is Kind.PHRASE:
            return Term(fold(token.text), phrase=True)
        if token.kind is Kind.TAG:
            return Tag(fold(token.text))
        if token.kind is Kind.KEYWORD:
            return Keyword(fold(token.text))
        if token.kind is Kind.LPAREN:
            if depth >= MAX_DEPTH:
                raise ParseError("nested too deeply")
            node = self.or_expr(depth + 1)
            if self.take().kind is not Kind.RPAREN:
                raise ParseError("expected )")
            return node
        raise ParseError(f"unexpected {token.kind.value}")


def _flatten(operands: list[Node], kind: type[And] | type[Or]) -> tuple[Node, ...]:
    """`(a and b) and c` is `a and b and c`: merge operands of the same kind."""
    flat: list[Node] = []
    for operand in operands:
        if isinstance(operand, kind):
            flat.extend(operand.operands)
        else:
            flat.append(operand)
    return tuple(flat)
