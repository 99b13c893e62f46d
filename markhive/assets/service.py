"""Assets attached to bookmarks: uploads and HTML snapshots."""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy.orm import Session

from markhive.assets import repository
from markhive.assets.models import Asset
from markhive.assets.storage import AssetStorage
from markhive.bookmarks import service as bookmarks
from markhive.bookmarks.models import Bookmark
from markhive.db.base import utcnow
from markhive.db.session import after_commit
from markhive.errors import NotFound


class AssetService:
    def __init__(self, storage: AssetStorage) -> None:
        self.storage = storage

    def add(
        self,
        session: Session,
        bookmark: Bookmark,
        source: BinaryIO,
        *,
        asset_type: str,
        content_type: str,
        display_name: str,
    ) -> Asset:
        name, size = self.storage.save(source)
        asset = Asset(
            bookmark_id=bookmark.id,
            user_id=bookmark.user_id,
            asset_type=asset_type,
            content_type=content_type or "application/octet-stream",
            display_name=display_name[:2048],
            file=name,
            file_size=size,
            status="complete",
            date_created=utcnow(),
        )
        try:
            repository.add(session, asset)
        except Exception:
            self.storage.remove(name)
            raise
        if asset_type == "snapshot":
            bookmark.latest_snapshot_id = asset.id
        return asset

    def upload(
        self,
        session: Session,
        user_id: int,
        bookmark_id: int,
        source: BinaryIO,
        filename: str,
        content_type: str,
    ) -> Asset:
        bookmark = bookmarks.get(session, user_id, bookmark_id)
        return self.add(
            session,
            bookmark,
            source,
            asset_type="upload",
            content_type=content_type,
            display_name=filename,
        )

    def snapshot(self, session: Session, bookmark: Bookmark, source: BinaryIO) -> Asset:
        when = utcnow().strftime("%Y-%m-%d %H:%M:%S")
        return self.add(
            session,
            bookmark,
            source,
            asset_type="snapshot",
            content_type="text/html",
            display_name=f"HTML snapshot from {when}",
        )

    def get(self, session: Session, user_id: int, bookmark_id: int, asset_id: int) -> Asset:
        bookmarks.get(session, user_id, bookmark_id)
        asset = repository.get(session, bookmark_id, asset_id)
        if asset is None:
            raise NotFound("BookmarkAsset")
        return asset

    def page(
        self, session: Session, user_id: int, bookmark_id: int, limit: int, offset: int
    ) -> tuple[list[Asset], int]:
        bookmarks.get(session, user_id, bookmark_id)
        return repository.page(session, bookmark_id, limit, offset)

    def delete(self, session: Session, user_id: int, bookmark_id: int, asset_id: int) -> None:
        asset = self.get(session, user_id, bookmark_id, asset_id)
        bookmark = bookmarks.get(session, user_id, bookmark_id)
        if bookmark.latest_snapshot_id == asset.id:
            bookmark.latest_snapshot_id = None
        repository.remove(session, asset)
        name = asset.file
        after_commit(session, lambda: self.storage.remove(name))

    def forget_files(self, session: Session, bookmark: Bookmark) -> None:
        """Remove the bookmark's asset files once its deletion has committed."""
        self._remove_after_commit(session, repository.files_of(session, bookmark.id))

    def forget_many_files(self, session: Session, user_id: int, bookmark_ids: list[int]) -> None:
        """Remove the asset files of these bookmarks once their deletion has committed."""
        self._remove_after_commit(session, repository.files_of_many(session, user_id, bookmark_ids))

    def forget_folder_files(self, session: Session, user_id: int, folder_ids: list[int]) -> None:
        """Remove the asset files of the bookmarks in these folders once their deletion
        has committed."""
        self._remove_after_commit(
            session, repository.files_in_folders(session, user_id, folder_ids)
        )

    def _remove_after_commit(self, session: Session, names: list[str]) -> None:
        def remove_files() -> None:
            for name in names:
                self.storage.remove(name)

        after_commit(session, remove_files)
