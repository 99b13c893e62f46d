"""Imports every model so that ``Base.metadata`` knows the whole schema."""

from markhive.assets.models import Asset
from markhive.bookmarks.models import Bookmark
from markhive.bundles.models import Bundle
from markhive.db.base import Base
from markhive.fetch.models import PageMetadata
from markhive.folders.models import Folder
from markhive.tags.models import BookmarkTag, Tag
from markhive.users.models import ApiKey, FeedToken, RequestQuota, User

__all__ = [
    "ApiKey",
    "Asset",
    "Base",
    "Bookmark",
    "BookmarkTag",
    "Bundle",
    "FeedToken",
    "Folder",
    "PageMetadata",
    "RequestQuota",
    "Tag",
    "User",
]
