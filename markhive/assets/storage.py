"""Asset files in the data dir, stored gzip-compressed under random names."""

from __future__ import annotations

import gzip
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

READ_CHUNK = 64 * 1024


class AssetStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, source: BinaryIO) -> tuple[str, int]:
        """Compress ``source`` into a new file; returns (file name, original size)."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.gz"
        partial = self.root / (name + ".part")
        size = 0
        with open(partial, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            while chunk := source.read(READ_CHUNK):
                size += len(chunk)
                out.write(chunk)
        os.replace(partial, self.root / name)
        return name, size

    def stream(self, name: str) -> Iterator[bytes]:
        with gzip.open(self._path(name), "rb") as fh:
            while chunk := fh.read(READ_CHUNK):
                yield chunk

    def remove(self, name: str) -> None:
        if name:
            self._path(name).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return bool(name) and self._path(name).is_file()

    def _path(self, name: str) -> Path:
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"bad asset file name {name!r}")
        return self.root / name

    def copy_out(self, name: str, target: BinaryIO) -> None:
        with gzip.open(self._path(name), "rb") as fh:
            shutil.copyfileobj(fh, target)
