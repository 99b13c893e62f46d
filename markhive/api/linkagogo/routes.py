"""The LinkaGoGo dialect's route table (/api/v1/...)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from markhive.api.linkagogo import account, folders, transfer, urls

V1 = "/api/v1"
URL = V1 + "/urls/{bookmark_id:int}"
FOLDER = V1 + "/folders/{folder_id:int}"

ROUTES: list[BaseRoute] = [
    Route(f"{V1}/auth/me", account.me, methods=["GET"]),
    Route(f"{V1}/urls", urls.list_urls, methods=["GET"]),
    Route(f"{V1}/urls", urls.create, methods=["POST"]),
    Route(f"{V1}/urls/move", urls.move, methods=["POST"]),
    Route(f"{V1}/urls/tag", urls.tag, methods=["POST"]),
    Route(URL, urls.retrieve, methods=["GET"]),
    Route(URL, urls.update, methods=["PUT", "PATCH"]),
    Route(URL, urls.delete, methods=["DELETE"]),
    Route(f"{URL}/visit", urls.visit, methods=["POST"]),
    Route(f"{V1}/account/stats", account.stats, methods=["GET"]),
    Route(f"{V1}/account/reminders", account.reminders, methods=["GET"]),
    Route(f"{V1}/folders", folders.list_folders, methods=["GET"]),
    Route(f"{V1}/folders", folders.create, methods=["POST"]),
    Route(f"{V1}/folders/path", folders.ensure_path, methods=["POST"]),
    Route(FOLDER, folders.update, methods=["PATCH"]),
    Route(FOLDER, folders.delete, methods=["DELETE"]),
    Route(f"{V1}/import/html", transfer.import_html, methods=["POST"]),
    Route(f"{V1}/import/xbel", transfer.import_xbel, methods=["POST"]),
    Route(f"{V1}/export/html", transfer.export_html, methods=["GET"]),
    Route(f"{V1}/export/xbel", transfer.export_xbel, methods=["GET"]),
]
