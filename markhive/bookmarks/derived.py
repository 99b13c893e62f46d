"""Columns derived from a bookmark's text, recomputed on every write."""

from __future__ import annotations

SEARCH_SEPARATOR = "\x1f"


def fold(text: str) -> str:
    """The case folding search uses on both sides: the stored text and the query."""
    return text.lower()


def search_text(title: str, description: str, notes: str, url: str) -> str:
    """Title, description, notes and URL, folded and joined so no match crosses fields."""
    return SEARCH_SEPARATOR.join(fold(part) for part in (title, description, notes, url))


def sort_title(title: str, url: str) -> str:
    """The title sort key: the folded title, or the folded URL when there is no title."""
    return fold(title or url)[:512]
