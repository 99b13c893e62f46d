"""Building blocks of the OpenAPI document: JSON Schema helpers, the row type of the
operation tables, and how one row becomes an OpenAPI operation object."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

JSON_MEDIA = "application/json"
FORM_MEDIA = ("application/x-www-form-urlencoded", "multipart/form-data")
Schema = dict[str, Any]

# --- JSON Schema helpers (OpenAPI 3.1 speaks JSON Schema 2020-12) ---------------------

STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
BOOL: Schema = {"type": "boolean"}
ID: Schema = {"type": "integer", "minimum": 1}
DATETIME: Schema = {"type": "string", "format": "date-time"}
URI: Schema = {"type": "string", "format": "uri"}
STR_LIST: Schema = {"type": "array", "items": STR}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def text(schema: Schema, description: str, **extra: Any) -> Schema:
    """``schema`` with a description (and any other keywords)."""
    return {**schema, "description": description, **extra}


def nullable(schema: Schema) -> Schema:
    """``schema`` or null."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def closed(properties: dict[str, Schema], description: str = "") -> Schema:
    """A response object: every property is always present, no others."""
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if properties:
        schema["required"] = list(properties)
    return {**schema, "description": description} if description else schema


def open_object(
    properties: dict[str, Schema], required: tuple[str, ...] = (), description: str = ""
) -> Schema:
    """A request object: unknown fields are accepted and ignored."""
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return {**schema, "description": description} if description else schema


def query(name: str, schema: Schema, description: str) -> Schema:
    """A query parameter (all of them are optional)."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


# --- the operation tables --------------------------------------------------------------

Auth = Literal["key", "optional", "none"]


@dataclass(frozen=True)
class Reply:
    """A success response: a component schema's name, an inline schema, or no body."""

    description: str
    schema: str | Schema | None = None
    media: str = JSON_MEDIA
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Op:
    """One (path, method) of a route table. Errors are status codes, resolved through
    the dialect's error responses; 401/403/429 come with ``auth``, 413/415 with a body."""

    id: str
    summary: str
    description: str
    replies: dict[int, Reply]
    errors: tuple[int, ...] = ()
    query: tuple[Schema, ...] = ()
    body: str | Schema | None = None
    body_media: tuple[str, ...] = (JSON_MEDIA,)
    # A body whose schema depends on its media type (a file upload); then no 415.
    body_by_media: dict[str, Schema] = field(default_factory=dict)
    auth: Auth = "key"
    tag: str = ""
    error_overrides: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Dialect:
    tag: str
    operations: dict[tuple[str, str], Op]
    errors: dict[int, str]  # status → name in components/responses
    path_params: dict[str, str]  # name → description


SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"token": []}]
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
_PARAM = re.compile(r"{(\w+)}")


def header_refs(names: tuple[str, ...]) -> dict[str, Schema]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def error_response(description: str, schema: str | Schema, headers: tuple[str, ...]) -> Schema:
    """An entry of components/responses: a JSON error body and its headers."""
    body = ref(schema) if isinstance(schema, str) else schema
    out: Schema = {"description": description, "content": {JSON_MEDIA: {"schema": body}}}
    if headers:
        out["headers"] = header_refs(headers)
    return out


def _content(schema: str | Schema, media: tuple[str, ...]) -> dict[str, Any]:
    body = ref(schema) if isinstance(schema, str) else schema
    return {m: {"schema": body} for m in media}


def _reply(reply: Reply, rate_limited: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"description": reply.description}
    headers = reply.headers + (RATE_HEADERS if rate_limited else ())
    if headers:
        out["headers"] = header_refs(headers)
    if reply.schema is not None:
        out["content"] = _content(reply.schema, (reply.media,))
    return out


def operation(dialect: Dialect, path: str, op: Op) -> dict[str, Any]:
    out: dict[str, Any] = {
        "tags": [op.tag or dialect.tag],
        "summary": op.summary,
        "description": op.description,
        "operationId": op.id,
    }
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": ID,
            "description": dialect.path_params[name],
        }
        for name in _PARAM.findall(path)
    ]
    parameters += op.query
    if parameters:
        out["parameters"] = parameters
    if op.body is not None:
        out["requestBody"] = {"required": True, "content": _content(op.body, op.body_media)}
    if op.body_by_media:
        content = {media: {"schema": schema} for media, schema in op.body_by_media.items()}
        out["requestBody"] = {"required": True, "content": content}
    responses = {str(s): _reply(r, op.auth != "none") for s, r in op.replies.items()}
    codes = set(op.errors)
    if op.auth != "none":
        codes |= {401, 403, 429}
    if op.body is not None:
        codes |= {413, 415}
    if op.body_by_media:
        codes |= {413}
    names = {**dialect.errors, **op.error_overrides}
    for code in codes:
        responses[str(code)] = {"$ref": f"#/components/responses/{names[code]}"}
    out["responses"] = dict(sorted(responses.items()))
    if op.auth == "none":
        out["security"] = []
    elif op.auth == "optional":
        out["security"] = [{}, *SECURITY]
    return out


def paths(dialect: Dialect) -> dict[str, dict[str, Any]]:
    """The dialect's operations as OpenAPI path items, in table order."""
    items: dict[str, dict[str, Any]] = {}
    for (path, method), op in dialect.operations.items():
        items.setdefault(path, {})[method.lower()] = operation(dialect, path, op)
    return items
