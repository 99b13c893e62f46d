"""A small web server on 127.0.0.1 serving canned pages to the fetch tests."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML = "text/html; charset=utf-8"


@dataclass
class Route:
    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": HTML})
    stall: float = 0.0  # seconds to wait before answering at all
    pause: float = 0.0  # seconds to wait between body chunks


class PageServer:
    """Serves ``routes`` (path -> Route) and counts the requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | list[Route]] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[dict[str, str]] = []  # the headers of each request
        self.stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.port = self._server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def page(self, path: str, html: str, **options: object) -> str:
        self.routes[path] = Route(body=html.encode(), **options)  # type: ignore[arg-type]
        return self.url(path)

    def _next_route(self, path: str) -> Route | None:
        route = self.routes.get(path)
        if isinstance(route, list):  # a sequence of answers, the last one repeated
            return route.pop(0) if len(route) > 1 else route[0]
        return route

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.hits[self.path] += 1
                server.requests.append(dict(self.headers.items()))
                route = server._next_route(self.path)
                if route is None:
                    route = Route(status=404, body=b"<title>Not found</title>")
                if route.stall and server.stopping.wait(route.stall):
                    return
                with suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(route)

            def _answer(self, route: Route) -> None:
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if isinstance(route.body, bytes):
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body)
                    return
                self.send_header("Connection", "close")
                self.end_headers()
                for chunk in route.body():
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    if route.pause and server.stopping.wait(route.pause):
                        return

        return Handler

    @contextmanager
    def running(self) -> Iterator[PageServer]:
        thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.stopping.set()
            self._server.shutdown()
            self._server.server_close()
            thread.join()
