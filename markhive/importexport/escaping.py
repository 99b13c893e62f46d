"""What the two writers share: character escaping, and a bookmark's tags in name order."""

from __future__ import annotations

from collections.abc import Callable

Table = tuple[tuple[str, str], ...]


def entities(text: str, table: Table) -> str:
    """``text`` with each character of ``table`` replaced by its entity, in table order
    (``&`` first). Most values need nothing: a test for each character is quicker than
    any rewrite."""
    for char, entity in table:
        if char in text:
            text = text.replace(char, entity)
    return text


def tag_lists(
    names: dict[int, str], element: Callable[[str], str], sep: str
) -> Callable[[str], str]:
    """A function from a bookmark's tag ids (``"12,5,40"``, the export's rows) to its tags
    in name order, each written as ``element(name)``, joined by ``sep``. Each tag is
    written once, here; a bookmark's ids are sorted by their names' rank (a million
    bookmarks: no name looked up, escaped or compared per bookmark)."""
    ordered = sorted(names.items(), key=lambda item: item[1])
    rank = {str(tag_id): n for n, (tag_id, _) in enumerate(ordered)}
    written = [element(name) for _, name in ordered]

    def tags(ids: str) -> str:
        return sep.join(map(written.__getitem__, sorted(map(rank.__getitem__, ids.split(",")))))

    return tags
