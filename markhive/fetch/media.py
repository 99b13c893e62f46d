"""Fetched images (favicons, preview images) in DATA_DIR/media, named by their content."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|gif|webp|ico|avif)$")
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "ico": "image/x-icon",
    "avif": "image/avif",
}


class MediaStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, content: bytes, extension: str) -> str:
        """Keep ``content``; returns its file name (the same bytes get the same name)."""
        name = f"{hashlib.sha256(content).hexdigest()[:32]}.{extension}"
        if not NAME.match(name):
            raise ValueError(f"not a media file name: {name!r}")
        target = self.root / name
        if not target.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            fd, partial = tempfile.mkstemp(dir=self.root, suffix=".part")
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            os.replace(partial, target)
        return name

    def path(self, name: str) -> Path | None:
        """The file for a name from a URL, or None for anything that is not one of ours."""
        if not NAME.match(name):
            return None
        path = self.root / name
        return path if path.is_file() else None

    @staticmethod
    def content_type(name: str) -> str:
        return CONTENT_TYPES[name.rsplit(".", 1)[1]]
