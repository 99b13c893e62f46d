"""JSON responses rendered with orjson."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

# Datetimes render as ISO 8601 in UTC with "Z", the fraction only when it is not zero.
OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=OPTIONS)


def no_content() -> Response:
    return Response(status_code=204)
