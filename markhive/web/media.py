"""GET /media/NAME: fetched favicons and preview images (public, like linkding's)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from markhive.context import Context
from markhive.fetch.media import MediaStorage


async def media(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    storage = MediaStorage(ctx.settings.media_dir)
    name = request.path_params["name"]
    path = storage.path(name)
    if path is None:
        return PlainTextResponse("Not found.", status_code=404)
    return FileResponse(
        path,
        media_type=storage.content_type(name),
        headers={
            # Named by content: a name always means the same bytes.
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        },
    )


ROUTES = [Route("/media/{name}", media, methods=["GET"])]
