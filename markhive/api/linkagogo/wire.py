"""Reading /api/v1 request bodies and query values; problems become Invalid (422)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.requests import Request

from markhive.api.common import read_datetime
from markhive.errors import DomainError, Invalid


class UnsupportedMediaType(DomainError):
    def __init__(self, content_type: str) -> None:
        super().__init__(f"Unsupported media type {content_type!r}; send application/json.")


class Body:
    """A JSON object body. A body that could not be read keeps its error, raised by
    :meth:`check` once the caller is admitted (an anonymous caller learns nothing)."""

    def __init__(self, data: dict[str, Any], error: DomainError | None = None) -> None:
        self.data = data
        self.error = error

    def check(self) -> dict[str, Any]:
        if self.error is not None:
            raise self.error
        return self.data


async def read_body(request: Request) -> Body:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if not raw.strip():
        return Body({})
    if media and media != "application/json" and not media.endswith("+json"):
        return Body({}, UnsupportedMediaType(media))
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return Body({}, Invalid.one("body", f"not valid JSON ({exc})"))
    if not isinstance(data, dict):
        return Body({}, Invalid.one("body", "expected a JSON object"))
    return Body(data)


class Fields:
    """Checks a body's values field by field; ``done()`` raises one Invalid for them all."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.values: dict[str, Any] = {}
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise Invalid(self.errors)
        return self.values

    def require(self, *names: str) -> None:
        for name in names:
            if name not in self.data:
                self.fail(name, "field required")

    def _given(self, name: str, nullable: bool = False) -> bool:
        if name not in self.data:
            return False
        if self.data[name] is None and not nullable:
            self.fail(name, "may not be null")
            return False
        return True

    def string(self, name: str, to: str = "") -> None:
        if self._given(name):
            value = self.data[name]
            if not isinstance(value, str):
                self.fail(name, "must be a string")
            elif "\x00" in value:
                self.fail(name, "null characters are not allowed")
            else:
                self.values[to or name] = value

    def integer(self, name: str, low: int, high: int, to: str = "", nullable: bool = False) -> None:
        if not self._given(name, nullable):
            return
        value = self.data[name]
        if value is None:
            self.values[to or name] = None
        elif isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, "must be an integer")
        elif not low <= value <= high:
            self.fail(name, f"must be between {low} and {high}")
        else:
            self.values[to or name] = value

    def boolean(self, name: str) -> None:
        if self._given(name):
            value = self.data[name]
            if isinstance(value, bool):
                self.values[name] = value
            else:
                self.fail(name, "must be true or false")

    def datetime(self, name: str) -> None:
        if not self._given(name, nullable=True):
            return
        value = self.data[name]
        if value is None:
            self.values[name] = None
            return
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            self.values[name] = read_datetime(value)
        except (ValueError, OverflowError):
            self.fail(name, "must be an ISO 8601 datetime such as 2026-11-22T10:00:00Z")

    def words(self, name: str) -> None:
        """Keywords as one string (split later) or a list of strings."""
        if not self._given(name):
            return
        value = self.data[name]
        if isinstance(value, str) and "\x00" not in value:
            self.values[name] = value
        elif isinstance(value, list) and all(
            isinstance(item, str) and "\x00" not in item for item in value
        ):
            self.values[name] = " ".join(value)
        else:
            self.fail(name, "must be a string or a list of strings")

    def ids(self, name: str, most: int) -> None:
        if not self._given(name):
            return
        value = self.data[name]
        if not isinstance(value, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in value
        ):
            self.fail(name, "must be a list of integer ids")
        elif len(value) > most:
            self.fail(name, f"at most {most} ids at a time")
        else:
            self.values[name] = value


_INTEGER = re.compile(r"[+-]?\d{1,100}")


def query_int(
    params: Mapping[str, str], name: str, default: int, low: int, high: int, clamp: bool = True
) -> int:
    """An integer query parameter; Invalid when it is not one or below ``low``; above
    ``high`` it is clamped to it, or Invalid when not ``clamp``."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not _INTEGER.fullmatch(raw.strip()):
        raise Invalid.one(name, "must be an integer")
    value = int(raw)
    if value < low:
        raise Invalid.one(name, f"must be at least {low}")
    if value > high and not clamp:
        raise Invalid.one(name, f"must be at most {high}")
    return min(value, high)


def query_bool(params: Mapping[str, str], name: str) -> bool | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    lowered = raw.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise Invalid.one(name, "must be true or false")


def pages(total: int, size: int) -> int:
    return math.ceil(total / size)
