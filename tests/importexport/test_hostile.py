"""Hostile bookmark files and request bodies, through the /api/v1 import endpoints (the
contract speaks of their HTTP answers) and through ``service.import_file`` (the path the
``markhive import`` command takes).

The contract (linkagogo-v1.md, "Import"): a file that is not a bookmark file at all → 422
and nothing imported; folders nested deeper than 256 levels → 422; an XML document that is
not well-formed, whose DTD declares entities, or that refers to an external entity → 422;
XML is parsed with entity expansion and external entities disabled (nothing is fetched);
a broken or truncated Netscape file imports what is valid and reports the rest; a body over
``max_body_bytes`` → 413. After every refusal the account is exactly as it was.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import random
import socket
import socketserver
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from markhive.app import create_app
from markhive.bookmarks.models import Bookmark
from markhive.context import Context, build_context
from markhive.errors import Invalid
from markhive.folders.models import Folder
from markhive.importexport import service, xbel
from markhive.importexport.model import Entry
from markhive.settings import Settings
from markhive.tags.models import BookmarkTag, Tag
from markhive.users import service as user_service
from tests.api.linkagogo.conftest import Api, assert_detail, assert_invalid
from tests.conftest import Account

SECRET = b"TOPSECRET-c0ffee-the-server-was-asked"
XBEL_PUBLIC = "+//IDN python.org//DTD XML Bookmark Exchange Language 1.0//EN//XML"
NETSCAPE_HEAD = b"<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n"


# --- fixtures --------------------------------------------------------------------------------


class Trap:
    """A TCP server on 127.0.0.1 that records every connection made to it (whatever the
    protocol) and answers anything with an HTTP 200 carrying SECRET."""

    def __init__(self) -> None:
        self.connections: list[bytes] = []
        trap = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(2)
                try:
                    first = self.request.recv(4096)
                except OSError:
                    first = b""
                trap.connections.append(first)
                body = SECRET + b"\n<!ENTITY leak 'leaked'>\n"
                head = b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
                with suppress(OSError):
                    self.request.sendall(head + body)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @contextmanager
    def running(self) -> Iterator[Trap]:
        thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join()


@pytest.fixture
def trap() -> Iterator[Trap]:
    with Trap().running() as server:
        yield server


def _account(ctx: Context, username: str, plan: str = "unlimited") -> Account:
    with ctx.db.unit() as session:
        user = user_service.create_user(session, ctx.settings, username, None, plan=plan)
        new = user_service.create_key(session, ctx.settings, user, "test")
        return Account(id=user.id, username=user.username, key=new.secret)


@pytest.fixture
def v1(client: TestClient, ctx: Context) -> Api:
    """alice's view of /api/v1, with a bookmark, a folder and a tag already there (so that
    "nothing changed" is not merely "still empty")."""
    api = Api(client, _account(ctx, "alice"))
    folder = api.folder("Existing")
    api.add("https://existing.example/", title="Existing", keywords="kept", folder_id=folder["id"])
    return api


def counts(ctx: Context) -> dict[str, int]:
    """Rows of every user's bookmarks, folders, tags and tag links."""
    with ctx.db.unit(write=False) as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Bookmark, Folder, Tag, BookmarkTag)
        }


@contextmanager
def unchanged(api: Api, ctx: Context) -> Iterator[None]:
    """Asserts that the block changes nothing: the user's whole state, every table's rows."""
    state, rows = api.state(), counts(ctx)
    yield
    assert counts(ctx) == rows
    assert api.state() == state


def post(api: Api, fmt: str, data: bytes, how: str = "raw") -> httpx.Response:
    if how == "multipart":
        media = "text/html" if fmt == "html" else "application/xml"
        return api.post(f"/import/{fmt}", files={"file": (f"b.{fmt}", data, media)})
    return api.post(f"/import/{fmt}", content=data)


def refused(api: Api, ctx: Context, fmt: str, data: bytes) -> dict[str, Any]:
    """422 naming ``file``, both as a raw body and as a multipart upload, and nothing
    changed. Returns the body of the raw one."""
    with unchanged(api, ctx):
        body = assert_invalid(post(api, fmt, data), "file")
        assert body["detail"].startswith("file: ")
        assert_invalid(post(api, fmt, data, "multipart"), "file")
    return body


def report_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- XML: entities, DTDs, external references ------------------------------------------------


def billion_laughs(levels: int = 10) -> bytes:
    entities = ['<!ENTITY lol0 "lol">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE xbel [\n'
        + "\n".join(entities)
        + f']>\n<xbel version="1.0"><bookmark href="https://bomb.example/">'
        f"<title>&lol{levels - 1};</title></bookmark></xbel>\n"
    ).encode()


def test_billion_laughs_is_422_and_fast(v1: Api, ctx: Context) -> None:
    body = refused(v1, ctx, "xbel", billion_laughs())
    assert "entities" in body["detail"]


def test_a_quadratic_blowup_entity_is_422(v1: Api, ctx: Context) -> None:
    big = "A" * 50_000
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE xbel [<!ENTITY a "{big}">]>'
        f'<xbel version="1.0"><bookmark href="https://q.example/"><title>{"&a;" * 5000}'
        "</title></bookmark></xbel>"
    ).encode()
    refused(v1, ctx, "xbel", doc)


@pytest.mark.parametrize("target", ["http", "file"])
def test_an_external_entity_is_422_and_never_fetched(
    v1: Api, ctx: Context, trap: Trap, target: str
) -> None:
    where = trap.url("/secret") if target == "http" else "file:///etc/passwd"
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE xbel [<!ENTITY xxe SYSTEM "{where}">]>\n'
        '<xbel version="1.0"><bookmark href="https://xxe.example/">'
        "<title>&xxe;</title><desc>&xxe;</desc></bookmark></xbel>\n"
    ).encode()
    body = refused(v1, ctx, "xbel", doc)
    assert SECRET.decode() not in body["detail"] and "root:" not in body["detail"]
    assert trap.connections == []


def test_an_external_entity_in_an_attribute_is_422(v1: Api, ctx: Context, trap: Trap) -> None:
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE xbel [<!ENTITY x SYSTEM "{trap.url("/attr")}">]>'
        '<xbel version="1.0"><bookmark href="&x;"/></xbel>'
    ).encode()
    refused(v1, ctx, "xbel", doc)
    assert trap.connections == []


def test_a_doctype_whose_system_id_is_a_local_url_is_422_and_never_fetched(
    v1: Api, ctx: Context, trap: Trap
) -> None:
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE xbel SYSTEM "{trap.url("/evil.dtd")}">\n'
        '<xbel version="1.0"><bookmark href="https://dtd.example/"><title>t</title>'
        "</bookmark></xbel>\n"
    ).encode()
    try:
        refused(v1, ctx, "xbel", doc)
    finally:
        assert trap.connections == []


def test_a_foreign_public_id_with_a_local_system_id_is_422(
    v1: Api, ctx: Context, trap: Trap
) -> None:
    doc = (
        '<?xml version="1.0"?>\n<!DOCTYPE xbel PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        f'"{trap.url("/xhtml.dtd")}">\n<xbel version="1.0"></xbel>\n'
    ).encode()
    try:
        refused(v1, ctx, "xbel", doc)
    finally:
        assert trap.connections == []


def test_xbels_own_public_id_is_accepted_and_its_system_id_never_fetched(
    v1: Api, trap: Trap
) -> None:
    """The XBEL public identifier is accepted whatever system id follows it (producers
    disagree on the URL), and the DTD is never read."""
    doc = (
        f'<?xml version="1.0"?>\n<!DOCTYPE xbel PUBLIC "{XBEL_PUBLIC}" "{trap.url("/xbel.dtd")}">\n'
        '<xbel version="1.0"><bookmark href="https://public-id.example/"><title>ok</title>'
        "</bookmark></xbel>\n"
    ).encode()
    report = report_of(post(v1, "xbel", doc))
    assert (report["imported"], report["skipped"]) == (1, 0)
    assert trap.connections == []


def test_a_parameter_entity_is_422_and_never_fetched(v1: Api, ctx: Context, trap: Trap) -> None:
    for subset in (
        f'<!ENTITY % pe SYSTEM "{trap.url("/pe.dtd")}"> %pe;',
        "<!ENTITY % pe \"<!ENTITY inner 'expanded'>\"> %pe;",
        f'<!ENTITY % pe SYSTEM "{trap.url("/pe.dtd")}">',  # declared, never used
    ):
        doc = (
            f'<?xml version="1.0"?>\n<!DOCTYPE xbel [{subset}]>\n'
            '<xbel version="1.0"><bookmark href="https://pe.example/"><title>&inner;</title>'
            "</bookmark></xbel>\n"
        ).encode()
        refused(v1, ctx, "xbel", doc)
    assert trap.connections == []


def test_an_undeclared_entity_is_422(v1: Api, ctx: Context) -> None:
    doc = b'<xbel version="1.0"><bookmark href="https://u.example/"><title>&nope;</title></bookmark></xbel>'
    refused(v1, ctx, "xbel", doc)


def test_xinclude_is_not_processed(v1: Api, trap: Trap) -> None:
    doc = (
        '<?xml version="1.0"?>\n<xbel version="1.0" xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<xi:include href="{trap.url("/inc")}" parse="text"/>'
        '<xi:include href="file:///etc/passwd" parse="text"/>'
        '<bookmark href="https://xi.example/"><title>xi</title></bookmark></xbel>\n'
    ).encode()
    report = report_of(post(v1, "xbel", doc))
    assert report["imported"] == 1
    state = repr(v1.state())
    assert SECRET.decode() not in state and "root:" not in state
    assert trap.connections == []


def test_xml_tricks_in_a_netscape_file_are_plain_text(v1: Api, trap: Trap) -> None:
    """The HTML reader knows no DTDs: declarations are not entities, a system id is not
    fetched, and an entity reference stays the text it is."""
    bomb = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    doc = (
        f'<!DOCTYPE NETSCAPE-Bookmark-file-1 SYSTEM "{trap.url("/ns.dtd")}" [{bomb}'
        f'<!ENTITY xxe SYSTEM "{trap.url("/secret")}"><!ENTITY pw SYSTEM "file:///etc/passwd">]>\n'
        "<DL><p>\n"
        '<DT><A HREF="https://lol.example/">&lol9;</A>\n'
        '<DT><A HREF="https://xxe.example/">&xxe;</A>\n'
        '<DT><A HREF="https://pw.example/">&pw;</A>\n'
        "</DL><p>\n"
    ).encode()
    report = report_of(post(v1, "html", doc))
    assert (report["imported"], report["skipped"]) == (3, 0)
    titles = {b["url"]: b["title"] for b in v1.everything()}
    assert titles["https://lol.example/"] == "&lol9;"
    assert titles["https://xxe.example/"] == "&xxe;"
    assert titles["https://pw.example/"] == "&pw;"
    assert trap.connections == []


def test_an_xml_bomb_sent_as_a_netscape_file_is_422(v1: Api, ctx: Context) -> None:
    refused(v1, ctx, "html", billion_laughs())


# --- not bookmark files at all ---------------------------------------------------------------


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes(range(48)) for _ in range(16))
    ihdr = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


GOOD_NETSCAPE = NETSCAPE_HEAD + b'<DL><p>\n<DT><A HREF="https://gz.example/">gz</A>\n</DL><p>\n'
GOOD_XBEL = (
    b'<?xml version="1.0"?><xbel version="1.0"><bookmark href="https://gz.example/"/></xbel>'
)
GARBAGE = {
    "random": random.Random(20261122).randbytes(70_000),
    "random-with-bom": b"\xef\xbb\xbf" + random.Random(7).randbytes(5_000),
    "png": _png(),
    "gzip-netscape": gzip.compress(GOOD_NETSCAPE, mtime=0),
    "gzip-xbel": gzip.compress(GOOD_XBEL, mtime=0),
    "printable": bytes(random.Random(3).choice(b'abcefghijk<>/=" \n') for _ in range(20_000)),
    "nul-padded": b"\x00" * 4096 + GOOD_NETSCAPE,
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_binary_garbage_is_422(v1: Api, ctx: Context, name: str) -> None:
    for fmt in ("html", "xbel"):
        refused(v1, ctx, fmt, GARBAGE[name])


OTHER_ROOTS = [
    b'<?xml version="1.0"?><html><body><dl><dt><a href="https://x.example/">x</a></dl></body></html>',
    b'<?xml version="1.0"?><rss version="2.0"><channel><item><link>https://x.example/</link>'
    b"</item></channel></rss>",
    b'<?xml version="1.0"?><bookmark href="https://x.example/"/>',
    b'<?xml version="1.0"?><folder><title>x</title></folder>',
]


def test_xml_with_another_root_element_is_422(v1: Api, ctx: Context) -> None:
    for doc in OTHER_ROOTS:
        body = refused(v1, ctx, "xbel", doc)
        assert "root element" in body["detail"]


def _xbel_entries(count: int) -> bytes:
    return b"".join(
        b'<bookmark href="https://cut.example/%d"><title>t%d</title></bookmark>\n' % (n, n)
        for n in range(count)
    )


def test_an_xbel_cut_in_the_middle_is_422_and_imports_nothing(v1: Api, ctx: Context) -> None:
    whole = (
        b'<?xml version="1.0"?>\n<xbel version="1.0"><folder><title>Cut</title>\n'
        + _xbel_entries(3000)
        + b"</folder></xbel>\n"
    )
    assert len(whole) > 3 * xbel.CHUNK  # read in pieces: bookmarks come before the error
    events = list(xbel.read(io.BytesIO(whole)))  # the whole file is fine
    assert sum(isinstance(event, Entry) for event in events) == 3000
    for cut in (len(whole) // 2, len(whole) - 10, 200):
        refused(v1, ctx, "xbel", whole[:cut])


# --- nesting ---------------------------------------------------------------------------------


def nested_xbel(depth: int) -> bytes:
    return b"".join(
        [
            b'<?xml version="1.0"?>\n<xbel version="1.0">',
            b"<folder><title>f</title>" * depth,
            b'<bookmark href="https://deep.example/"><title>deep</title></bookmark>',
            b"</folder>" * depth,
            b"</xbel>\n",
        ]
    )


def nested_netscape(depth: int, closed: bool = True) -> bytes:
    return b"".join(
        [
            NETSCAPE_HEAD,
            b"<DL><p>\n",
            b"<DT><H3>f</H3>\n<DL><p>\n" * depth,
            b'<DT><A HREF="https://deep.example/">deep</A>\n',
            b"</DL><p>\n" * depth if closed else b"",
            b"</DL><p>\n",
        ]
    )


NESTED = {"xbel": nested_xbel, "html": nested_netscape}


def test_a_hundred_thousand_nested_folders_are_422(v1: Api, ctx: Context) -> None:
    for fmt in ("html", "xbel"):
        body = refused(v1, ctx, fmt, NESTED[fmt](100_000))
        assert "256" in body["detail"]


def test_a_hundred_thousand_unclosed_netscape_folders_are_422(v1: Api, ctx: Context) -> None:
    refused(v1, ctx, "html", nested_netscape(100_000, closed=False))


def test_257_nested_folders_are_422(v1: Api, ctx: Context) -> None:
    for fmt in ("html", "xbel"):
        refused(v1, ctx, fmt, NESTED[fmt](257))


@pytest.mark.parametrize("fmt", ["html", "xbel"])
def test_256_nested_folders_are_fine(v1: Api, fmt: str) -> None:
    report = report_of(post(v1, fmt, NESTED[fmt](256)))
    assert (report["imported"], report["folders_created"], report["skipped"]) == (1, 256, 0)
    deep = next(b for b in v1.everything() if b["url"] == "https://deep.example/")
    path = {f["id"]: f["path"] for f in v1.folders()}[deep["folder_id"]]
    assert path == "/".join(["f"] * 256)


def test_deep_nesting_that_is_not_folders_is_harmless(v1: Api) -> None:
    """Deeply nested markup that opens no folder is not a folder tree: it imports."""
    netscape = b"".join(
        [
            NETSCAPE_HEAD,
            b"<DL><p>" * 100_000,
            b'<DT><A HREF="https://inside.example/">inside</A>',
            b"</DL>" * 100_000,
            b'<DT><A HREF="https://after.example/">after</A>',
        ]
    )
    report = report_of(post(v1, "html", netscape))
    assert (report["imported"], report["folders_created"]) == (2, 0)
    xbel = b"".join(
        [
            b'<xbel version="1.0">',
            b"<x>" * 100_000,
            b"</x>" * 100_000,
            b'<bookmark href="https://after-x.example/"/></xbel>',
        ]
    )
    assert report_of(post(v1, "xbel", xbel))["imported"] == 1


# --- lenient Netscape: truncated and broken files ---------------------------------------------

TRUNCATED = NETSCAPE_HEAD + (
    b"<DL><p>\n"
    b'<DT><H3 ADD_DATE="1700000000">Folder</H3>\n<DL><p>\n'
    b'<DT><A HREF="https://one.example/" ADD_DATE="1700000001" TAGS="a">One</A>\n'
    b'<DT><A HREF="https://two.example/" ADD_DATE="1700000002">Two</A>\n'
    b"<DD>the second\n"
    b'<DT><A HREF="https://three.example/" ADD_DATE="1700'
)


def test_a_netscape_file_cut_in_the_middle_imports_the_complete_entries(v1: Api) -> None:
    before = {b["url"] for b in v1.everything()}
    report = report_of(post(v1, "html", TRUNCATED))
    assert report == {
        "imported": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "folders_created": 1,
        "errors": [{"index": 2, "url": "https://three.example/", "reason": report_reason(report)}],
    }
    assert "cut off" in report["errors"][0]["reason"]
    marks = {b["url"]: b for b in v1.everything()}
    assert set(marks) - before == {"https://one.example/", "https://two.example/"}
    folder = {f["id"]: f["path"] for f in v1.folders()}
    assert folder[marks["https://one.example/"]["folder_id"]] == "Folder"
    assert marks["https://two.example/"]["comments"] == "the second"
    again = report_of(post(v1, "html", TRUNCATED, "multipart"))
    assert (again["imported"], again["unchanged"], again["skipped"]) == (0, 2, 1)


def report_reason(report: dict[str, Any]) -> str:
    reason: str = report["errors"][0]["reason"]
    assert reason
    return reason


def test_a_netscape_file_cut_inside_a_url_reports_what_there_is_of_it(v1: Api) -> None:
    doc = (
        NETSCAPE_HEAD
        + b'<DL><p>\n<DT><A HREF="https://a.example/">a</A>\n<DT><A HREF="https://b.exa'
    )
    report = report_of(post(v1, "html", doc))
    assert (report["imported"], report["skipped"]) == (1, 1)
    assert report["errors"][0]["index"] == 1
    assert report["errors"][0]["url"] == "https://b.exa"
    assert "https://b.exa" not in {b["url"] for b in v1.everything()}


BROKEN = NETSCAPE_HEAD + (
    b"<DL><p>\n"
    b"<DT><H3>A</H3>\n"
    b"<DL><p>\n"
    b'<DT><A HREF="https://a1.example/">a1\n'  # no </A>
    b'<DT><A HREF="https://a2.example/">a2</A>\n'
    b"</DL><p>\n"
    b"</DL><p>\n"  # stray: closes the top list
    b"</DL>\n"  # stray: nothing left to close
    b"</H3></A></DD>\n"  # closing tags of nothing
    b'<DT><A HREF="https://b.example/"><b>bold <i>unclosed</A>\n'
    b"<DT><H3>B\n"  # no </H3>
    b'<DL><p><DT><A HREF="https://b1.example/">b1</a>\n'
    b'<DT><A HREF="https://b2.example/" TAGS="x">b2<DD>desc of b2\n'
    b"</DL>\n"
    b"<DT><A HREF=https://c.example/ TAGS=unquoted>c</A>\n"
    b'<DT><A HREF="javascript:void(0)">js</A>\n'
    b"<DT><A>no href</A>\n"
    b'<DT><A HREF="https://d.example/">d'  # the file ends without closing anything
)


def test_a_netscape_file_with_broken_markup_imports_what_is_valid(v1: Api) -> None:
    before = {b["url"] for b in v1.everything()}
    report = report_of(post(v1, "html", BROKEN))
    assert report["imported"] == 7
    assert report["folders_created"] == 2
    assert report["skipped"] == 2
    assert [(e["index"], e["url"]) for e in report["errors"]] == [
        (6, "javascript:void(0)"),
        (7, ""),
    ]
    marks = {b["url"]: b for b in v1.everything() if b["url"] not in before}
    paths = {f["id"]: f["path"] for f in v1.folders()}
    place = {url: paths.get(b["folder_id"], "") for url, b in marks.items()}
    assert place == {
        "https://a1.example/": "A",
        "https://a2.example/": "A",
        "https://b.example/": "",
        "https://b1.example/": "B",
        "https://b2.example/": "B",
        "https://c.example/": "",
        "https://d.example/": "",
    }
    assert marks["https://a1.example/"]["title"] == "a1"
    assert marks["https://b.example/"]["title"] == "bold unclosed"
    assert marks["https://b2.example/"]["comments"] == "desc of b2"
    assert marks["https://b2.example/"]["keywords"] == "x"
    assert marks["https://c.example/"]["keywords"] == "unquoted"
    assert marks["https://d.example/"]["title"] == "d"


# --- the body size limit ---------------------------------------------------------------------


@contextmanager
def serving(settings: Settings) -> Iterator[int]:
    """The application on a real HTTP server (uvicorn, in a thread); yields its port."""
    app = create_app(settings, build_context(settings))  # the lifespan closes the context
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield int(sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """Status and body of the HTTP/1.1 response on ``sock`` (the server closes it)."""
    data = b""
    while True:
        piece = sock.recv(65536)
        if not piece:
            break
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def request_head(port: int, key: str, path: str, extra: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {key}\r\nContent-Type: text/html\r\n{extra}\r\n"
    ).encode()


def test_a_two_gigabyte_content_length_is_413_before_reading(
    v1: Api, ctx: Context, settings: Settings
) -> None:
    """The server answers at once, while the client has sent none of the 2 GB it announced.
    (No body bytes at all: a server that closes with unread bytes makes the kernel send a
    reset, which can overtake the answer on a loaded machine.)"""
    assert settings.max_body_bytes == 64 * 1024 * 1024  # the default
    with unchanged(v1, ctx), serving(settings) as port:
        for path in ("/api/v1/import/html", "/api/v1/import/xbel"):
            with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
                sock.sendall(request_head(port, v1.key, path, "Content-Length: 2147483648\r\n"))
                status, body = read_response(sock)
            assert status == 413, body
            assert b"detail" in body


def test_a_two_gigabyte_content_length_is_413_in_process(v1: Api, ctx: Context) -> None:
    with unchanged(v1, ctx):
        for fmt in ("html", "xbel"):
            tripwire = Tripwire()
            response = v1.post(
                f"/import/{fmt}", content=tripwire, headers={"Content-Length": "2147483648"}
            )
            assert_detail(response, 413)
            assert not tripwire.consumed


class Tripwire:
    """A request body that records whether the server read any of it."""

    def __init__(self, pieces: list[bytes] | None = None) -> None:
        self.pieces = pieces or [GOOD_NETSCAPE]
        self.consumed = False

    def __iter__(self) -> Iterator[bytes]:
        self.consumed = True
        yield from self.pieces


LIMIT = 4096


def padded_netscape(size: int) -> bytes:
    """A valid Netscape file of exactly ``size`` bytes (padded with a comment)."""
    head = NETSCAPE_HEAD + b"<DL><p>\n"
    tail = b'<DT><A HREF="https://limit.example/">limit</A>\n</DL><p>\n'
    filler = size - len(head) - len(tail) - len(b"<!--  -->\n")
    assert filler >= 0
    return head + b"<!-- " + b"x" * filler + b" -->\n" + tail


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:
    """The application with a body limit of 4 KiB."""
    small = dataclasses.replace(settings, max_body_bytes=LIMIT)
    with TestClient(create_app(small, build_context(small))) as client:
        yield client


def test_the_limit_itself_is_accepted_and_one_byte_more_is_413(
    v1: Api, ctx: Context, limited: TestClient
) -> None:
    api = Api(limited, v1.account)
    with unchanged(v1, ctx):
        over = api.post("/import/html", content=padded_netscape(LIMIT + 1))
        assert_detail(over, 413)
    ok = api.post("/import/html", content=padded_netscape(LIMIT))
    assert report_of(ok)["imported"] == 1


@pytest.mark.parametrize("how", ["raw", "multipart"])
def test_a_chunked_body_over_the_limit_is_413_and_imports_nothing(
    v1: Api, ctx: Context, limited: TestClient, how: str
) -> None:
    api = Api(limited, v1.account)
    data = padded_netscape(3 * LIMIT)
    if how == "multipart":
        boundary = "hostileboundary"
        data = (
            (
                f"--{boundary}\r\n"
                'Content-Disposition: form-data; name="file"; filename="b.html"\r\n'
                "Content-Type: text/html\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        media = f"multipart/form-data; boundary={boundary}"
    else:
        media = "text/html"
    pieces = [data[i : i + 1000] for i in range(0, len(data), 1000)]
    with unchanged(v1, ctx):
        for fmt in ("html", "xbel"):
            body = Tripwire(pieces)
            response = api.post(f"/import/{fmt}", content=body, headers={"Content-Type": media})
            assert response.request.headers.get("transfer-encoding") == "chunked"
            assert "content-length" not in response.request.headers
            assert_detail(response, 413)


def test_a_chunked_body_is_cut_off_while_it_streams(
    v1: Api, ctx: Context, settings: Settings
) -> None:
    """Over a real connection: the 413 comes once the limit is passed, while the client
    has not finished (never sends the last chunk)."""
    small = dataclasses.replace(settings, max_body_bytes=LIMIT)
    data = padded_netscape(3 * LIMIT)
    with unchanged(v1, ctx), serving(small) as port:
        with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
            sock.sendall(
                request_head(port, v1.key, "/api/v1/import/html", "Transfer-Encoding: chunked\r\n")
            )
            sent = 0
            while sent <= LIMIT:  # just past the limit, then nothing more
                piece = data[sent : sent + 1024]
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
            # no terminating 0-length chunk: the body never ends
            status, body = read_response(sock)
        assert status == 413, body


# --- the same refusals through import_file (the path of `markhive import`) ---------------------

HOSTILE = {
    "billion-laughs": billion_laughs(),
    "xxe-file": (
        b'<?xml version="1.0"?><!DOCTYPE xbel [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<xbel version="1.0"><title>&x;</title></xbel>'
    ),
    "truncated-xbel": nested_xbel(3)[:-40],
    "nested-xbel": nested_xbel(257),
    "nested-netscape": nested_netscape(257),
    "png": GARBAGE["png"],
    "gzip": GARBAGE["gzip-netscape"],
    "random": GARBAGE["random"],
    "empty": b"",
    "blank": b" \r\n\t ",
}


def test_import_file_refuses_before_writing(v1: Api, ctx: Context) -> None:
    with unchanged(v1, ctx):
        for name, data in HOSTILE.items():
            for fmt in ("auto", "html", "xbel"):
                rows = counts(ctx)
                with pytest.raises(Invalid) as caught:
                    service.import_file(ctx.db, v1.id, io.BytesIO(data), fmt)
                assert list(caught.value.fields) == ["file"], (name, fmt)
                assert counts(ctx) == rows, (name, fmt)


def test_import_file_reads_a_spooled_upload_from_where_it_stands(v1: Api, ctx: Context) -> None:
    """A stream already past a prefix (as a multipart spool can be) is read from there."""
    stream = io.BytesIO(b"JUNK" + GOOD_NETSCAPE)
    stream.seek(4)
    report = service.import_file(ctx.db, v1.id, stream, "auto")
    assert report.imported == 1
