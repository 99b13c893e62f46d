"""Reading linkding request bodies and values, with DRF's error messages."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from markhive.api.common import read_datetime
from markhive.errors import DomainError, Invalid

TRUE = {"true", "1", "yes", "on", "y", "t"}
FALSE = {"false", "0", "no", "off", "n", "f"}
DATETIME_HELP = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)


class BadRequest(DomainError):
    """A body that cannot be read at all: 400 ``{"detail": ...}``."""


class UnsupportedMediaType(DomainError):
    def __init__(self, content_type: str) -> None:
        super().__init__(f'Unsupported media type "{content_type}" in request.')


class Body:
    """A parsed request body: a JSON object or a form (fields may repeat).

    A body that could not be read keeps its error, raised by :meth:`check` once the
    caller is authenticated (an anonymous caller learns nothing about the request)."""

    def __init__(
        self, data: dict[str, Any] | FormData, is_form: bool, error: DomainError | None = None
    ) -> None:
        self.data = data
        self.is_form = is_form
        self.error = error

    def check(self) -> Body:
        if self.error is not None:
            raise self.error
        return self

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def get(self, name: str) -> Any:
        return self.data.get(name)

    def getlist(self, name: str) -> list[Any]:
        if isinstance(self.data, FormData):
            return list(self.data.getlist(name))
        return [self.data[name]] if name in self.data else []

    def file(self, name: str) -> UploadFile | None:
        value = self.data.get(name)
        return value if isinstance(value, UploadFile) else None


async def read_body(request: Request) -> Body:
    try:
        return await _read(request)
    except DomainError as exc:
        return Body({}, is_form=False, error=exc)


_LONG_NUMBER = re.compile(rb"\d{19}")


def _loads(raw: bytes) -> Any:
    """orjson, except where integers beyond 64 bits may occur: orjson reads those as
    floats (``1e+20``) while they are exact integers in JSON."""
    try:
        if _LONG_NUMBER.search(raw):
            return json.loads(raw)
        return orjson.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"JSON parse error - {exc}") from None


async def _read(request: Request) -> Body:
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = await request.form(max_files=16, max_fields=10_000)
        except Exception as exc:  # malformed multipart
            raise BadRequest(f"Multipart form parse error - {exc}") from None
        return Body(form, is_form=True)
    raw = await request.body()
    if media == "application/json" or media.endswith("+json") or (not media and raw):
        if not raw.strip():
            return Body({}, is_form=False)
        data = _loads(raw)
        if not isinstance(data, dict):
            kind = type(data).__name__
            raise Invalid.one(
                "non_field_errors", f"Invalid data. Expected a dictionary, but got {kind}."
            )
        return Body(data, is_form=False)
    if not raw:
        return Body({}, is_form=False)
    raise UnsupportedMediaType(content_type)


class Fields:
    """Collects values and per-field errors, the way a DRF serializer reports them."""

    def __init__(self, body: Body) -> None:
        self.body = body.check()
        self.values: dict[str, Any] = {}
        self.errors: dict[str, Any] = {}

    def fail(self, name: str, message: str | dict[str, list[str]]) -> None:
        self.errors[name] = message if isinstance(message, dict) else [message]

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise Invalid(self.errors)
        return self.values

    def require(self, *names: str) -> None:
        for name in names:
            if name not in self.body:
                self.fail(name, "This field is required.")

    def _present(self, name: str) -> bool:
        """Whether the field was sent with a value; a null is an error of its own."""
        if name not in self.body:
            return False
        if self.body.get(name) is None:
            self.fail(name, "This field may not be null.")
            return False
        return True

    def string(self, name: str, *, max_length: int | None = None, as_name: str = "") -> None:
        if not self._present(name):
            return
        value = self.body.get(name)
        message = string_error(value)
        if message:
            return self.fail(name, message)
        text = str(value).strip()
        if max_length is not None and len(text) > max_length:
            return self.fail(name, f"Ensure this field has no more than {max_length} characters.")
        self.values[as_name or name] = text

    def boolean(self, name: str) -> None:
        if not self._present(name):
            return
        value = parse_bool(self.body.get(name))
        if value is None:
            return self.fail(name, "Must be a valid boolean.")
        self.values[name] = value

    def datetime(self, name: str) -> None:
        if not self._present(name):
            return
        value = self.body.get(name)
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            self.values[name] = read_datetime(value)
        except ValueError:
            self.fail(name, DATETIME_HELP)
        except OverflowError:
            self.fail(name, "Datetime value out of range.")

    def integer(self, name: str) -> None:
        if not self._present(name):
            return
        value = self.body.get(name)
        number = parse_int(value)
        if number is None:
            return self.fail(name, "A valid integer is required.")
        if not -(2**31) <= number < 2**31:
            return self.fail(name, "Ensure this value is less than or equal to 2147483647.")
        self.values[name] = number

    def string_list(self, name: str) -> None:
        if not self._present(name):
            return
        if self.body.is_form:
            items = [v for v in self.body.getlist(name) if isinstance(v, str)]
        else:
            items = self.body.get(name)
            if not isinstance(items, list):
                kind = "str" if isinstance(items, str) else type(items).__name__
                return self.fail(name, f'Expected a list of items but got type "{kind}".')
        bad = {}
        for index, item in enumerate(items):
            message = "This field may not be null." if item is None else string_error(item)
            if message:
                bad[str(index)] = [message]
        if bad:
            return self.fail(name, bad)
        self.values[name] = [str(item) for item in items]


def string_error(value: Any) -> str | None:
    """DRF's complaint about a value given for a string field, if any."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return "Not a valid string."
    if isinstance(value, str) and "\x00" in value:
        return "Null characters are not allowed."
    return None


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
    return None


def parse_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,20}\s*", value):
        return int(value)
    return None
