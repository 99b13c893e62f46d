"""Fetching one web page for its metadata: guarded, size-capped and on a hard deadline.

The whole fetch (name lookups, connects, TLS handshakes, every read, every redirect
hop) shares one deadline: each socket operation gets at most the time that is left.
Connections go through :class:`GuardedBackend`, which resolves the host, refuses
non-public addresses (see :mod:`markhive.fetch.guard`) and connects to a checked one.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpcore
import httpx

from markhive import __version__
from markhive.fetch import guard
from markhive.fetch.parse import decode_html
from markhive.settings import Settings

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
USER_AGENT = f"Mozilla/5.0 (compatible; markhive/{__version__}; +bookmark metadata)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
# Image types taken for favicons and previews, with the file extension they are kept under.
IMAGE_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/x-icon": "ico",
    "image/vnd.microsoft.icon": "ico",
    "image/avif": "avif",
}
MAX_IMAGE_BYTES = 1_000_000
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchResult:
    """What came back: ``html`` is set when a page was read, ``content`` and ``extension``
    when an image was; ``error`` says why not.

    ``error`` is one of ``refused``, ``timeout``, ``network``, ``http``, ``redirects``,
    ``not_html``, ``not_image``, ``too_large``, ``empty``, ``encoding``, or None on success.
    """

    url: str
    status: int | None = None
    html: str | None = None
    error: str | None = None
    content: bytes | None = None
    extension: str | None = None

    @property
    def transient(self) -> bool:
        """A failure worth trying again later."""
        if self.error in ("timeout", "network"):
            return True
        return (
            self.error == "http" and self.status is not None and self.status in (429, 502, 503, 504)
        )


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def _left(self, timeout: float | None, error: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise error("the fetch ran out of time")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        left = self._left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, left), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses the guard allows, within the deadline."""

    def __init__(self, *, allow_private: bool, deadline: float) -> None:
        self._allow_private = allow_private
        self._deadline = deadline
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = guard.allowed_addresses(
                host, port, allow_private=self._allow_private, deadline=self._deadline
            )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        last_error: Exception = httpcore.ConnectError(f"cannot connect to {host}")
        for ip in addresses:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise httpcore.ConnectTimeout(f"connecting to {host} took too long")
            try:
                stream = self._sockets.connect_tcp(
                    str(ip), port, min(timeout or left, left), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        raise last_error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise guard.FetchRefused("unix sockets are not fetched")


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool built on :class:`GuardedBackend`."""

    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__(trust_env=False, retries=0)
        # httpx does not take a network backend; its pool (``_pool``) is httpcore's.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=2,
            retries=0,
            network_backend=backend,
        )


def _is_html(content_type: str, head: bytes) -> bool:
    if content_type:
        return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES
    start = head[:512].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<title"))


def _decoded(chunks: Iterator[bytes], encoding: str, limit: int) -> Iterator[bytes]:
    """The body with gzip/deflate undone, never expanding past ``limit`` bytes."""
    if encoding in ("", "identity"):
        yield from chunks
        return
    wbits = {"gzip": 47, "x-gzip": 47, "deflate": 15}.get(encoding)
    if wbits is None:
        raise ValueError(f"unsupported content encoding {encoding!r}")
    inflater = zlib.decompressobj(wbits)
    produced = 0
    for chunk in chunks:
        data = inflater.decompress(chunk, limit - produced + 1)
        produced += len(data)
        yield data
        if produced > limit:
            return


def _read_capped(response: httpx.Response, limit: int) -> bytes:
    encoding = response.headers.get("content-encoding", "").strip().lower()
    body = bytearray()
    for data in _decoded(response.iter_raw(), encoding, limit):
        body += data
        if len(body) >= limit:
            break
    return bytes(body[:limit])


def _read_page(response: httpx.Response, url: str, limit: int) -> FetchResult:
    status = response.status_code
    if status >= 400:
        return FetchResult(url, status, error="http")
    content_type = response.headers.get("content-type", "")
    if content_type and not _is_html(content_type, b""):
        return FetchResult(url, status, error="not_html")
    try:
        body = _read_capped(response, limit)
    except (ValueError, zlib.error):
        return FetchResult(url, status, error="encoding")
    if not _is_html(content_type, body):
        return FetchResult(url, status, error="not_html")
    return FetchResult(url, status, html=decode_html(body, response.charset_encoding))


def _read_image(response: httpx.Response, url: str, limit: int) -> FetchResult:
    status = response.status_code
    if status >= 400:
        return FetchResult(url, status, error="http")
    content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type not in IMAGE_TYPES:
        return FetchResult(url, status, error="not_image")
    try:
        body = _read_capped(response, limit + 1)
    except (ValueError, zlib.error):
        return FetchResult(url, status, error="encoding")
    if len(body) > limit or not body:
        return FetchResult(url, status, error="too_large" if body else "empty")
    return FetchResult(url, status, content=body, extension=IMAGE_TYPES[content_type])


Reader = Callable[[httpx.Response, str, int], FetchResult]


def _follow(
    client: httpx.Client, url: str, limit: int, deadline: float, read: Reader
) -> FetchResult:
    for _ in range(MAX_REDIRECTS + 1):
        guard.check_scheme(url)
        left = max(deadline - time.monotonic(), 0.001)
        with client.stream("GET", url, timeout=left) as response:
            location = response.headers.get("location")
            if response.status_code in _REDIRECTS and location:
                url = urljoin(str(response.url), location.strip())
                continue
            return read(response, str(response.url), limit)
    return FetchResult(url, error="redirects")


def fetch_page(url: str, settings: Settings) -> FetchResult:
    """Fetch ``url`` (following up to five redirects) within ``settings.fetch_timeout``."""
    return _fetch(url, settings, settings.fetch_max_bytes, _read_page, HTML_ACCEPT)


def fetch_image(url: str, settings: Settings) -> FetchResult:
    """Fetch an image (a favicon, a preview) of at most ``MAX_IMAGE_BYTES``, under the same
    guard and deadline as pages. Only raster types are taken: an SVG can carry script."""
    return _fetch(url, settings, MAX_IMAGE_BYTES, _read_image, "image/*")


def _fetch(url: str, settings: Settings, limit: int, read: Reader, accept: str) -> FetchResult:
    deadline = time.monotonic() + settings.fetch_timeout
    backend = GuardedBackend(allow_private=settings.allow_private_fetch, deadline=deadline)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": accept,
        "Accept-Encoding": "gzip, deflate",
    }
    try:
        with httpx.Client(
            transport=GuardedTransport(backend),
            headers=headers,
            follow_redirects=False,
            trust_env=False,
        ) as client:
            return _follow(client, url, limit, deadline, read)
    except guard.FetchRefused as exc:
        log.info("not fetching %s: %s", url, exc)
        return FetchResult(url, error="refused")
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        log.info("not fetching %s: %s", url, exc)
        return FetchResult(url, error="refused")
    except httpx.TimeoutException:
        return FetchResult(url, error="timeout")
    except httpx.HTTPError as exc:
        log.info("fetching %s failed: %s", url, exc)
        return FetchResult(url, error="network")
