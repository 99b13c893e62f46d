"""The linkding dialect's route table (/api/...)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from markhive.api.linkding import assets, bookmarks, bundles, misc, tags

B = "/api/bookmarks"
ID = "/{bookmark_id:int}"
ASSET = ID + "/assets/{asset_id:int}"

ROUTES: list[BaseRoute] = [
    Route("/api/", misc.root, methods=["GET"]),
    Route(f"{B}/", bookmarks.list_active, methods=["GET"]),
    Route(f"{B}/", bookmarks.create, methods=["POST"]),
    Route(f"{B}/archived/", bookmarks.list_archived, methods=["GET"]),
    Route(f"{B}/shared/", bookmarks.list_shared, methods=["GET"]),
    Route(f"{B}/check/", bookmarks.check, methods=["GET"]),
    Route(f"{B}/singlefile/", assets.singlefile, methods=["POST"]),
    Route(f"{B}{ID}/", bookmarks.retrieve, methods=["GET"]),
    Route(f"{B}{ID}/", bookmarks.update, methods=["PUT", "PATCH"]),
    Route(f"{B}{ID}/", bookmarks.delete, methods=["DELETE"]),
    Route(f"{B}{ID}/archive/", bookmarks.archive, methods=["POST"]),
    Route(f"{B}{ID}/unarchive/", bookmarks.unarchive, methods=["POST"]),
    Route(f"{B}{ID}/assets/", assets.list_assets, methods=["GET"]),
    Route(f"{B}{ID}/assets/upload/", assets.upload, methods=["POST"]),
    Route(f"{B}{ASSET}/", assets.retrieve, methods=["GET"]),
    Route(f"{B}{ASSET}/", assets.delete, methods=["DELETE"]),
    Route(f"{B}{ASSET}/download/", assets.download, methods=["GET"]),
    Route("/api/tags/", tags.list_tags, methods=["GET"]),
    Route("/api/tags/", tags.create, methods=["POST"]),
    Route("/api/tags/{tag_id:int}/", tags.retrieve, methods=["GET"]),
    Route("/api/tags/{tag_id:int}/", tags.delete, methods=["DELETE"]),
    Route("/api/bundles/", bundles.list_bundles, methods=["GET"]),
    Route("/api/bundles/", bundles.create, methods=["POST"]),
    Route("/api/bundles/{bundle_id:int}/", bundles.retrieve, methods=["GET"]),
    Route("/api/bundles/{bundle_id:int}/", bundles.update, methods=["PUT", "PATCH"]),
    Route("/api/bundles/{bundle_id:int}/", bundles.delete, methods=["DELETE"]),
    Route("/api/user/profile/", misc.profile, methods=["GET"]),
    Route("/health", misc.health, methods=["GET"]),
]
