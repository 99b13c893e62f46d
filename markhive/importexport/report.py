"""What an import is asked to do, and what it did."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from markhive.bookmarks.urls import MAX_URL_LENGTH


@dataclass
class ImportOptions:
    map_private: bool = False  # PRIVATE="0" in a Netscape file marks the bookmark shared


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    folders_created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: ImportReport) -> None:
        self.imported += other.imported
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.folders_created += other.folders_created
        self.errors.extend(other.errors)

    def skip(self, index: int, url: str, reason: str) -> None:
        self.skipped += 1
        self.errors.append({"index": index, "url": url[:MAX_URL_LENGTH], "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
