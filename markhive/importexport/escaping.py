"""Character escaping shared by the two writers."""

from __future__ import annotations

Table = tuple[tuple[str, str], ...]


def entities(text: str, table: Table) -> str:
    """``text`` with each character of ``table`` replaced by its entity, in table order
    (``&`` first). Most values need nothing: a test for each character is quicker than
    any rewrite."""
    for char, entity in table:
        if char in text:
            text = text.replace(char, entity)
    return text
