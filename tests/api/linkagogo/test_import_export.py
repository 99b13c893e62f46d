"""/api/v1 bookmark files: ``POST /import/{html,xbel}`` and ``GET /export/{html,xbel}``.

The contract (linkagogo-v1.md, the endpoint table, "Import" and "Export", the plan table):
an import takes the multipart field ``file`` or the raw body and answers the report
``{"imported", "updated", "unchanged", "skipped", "folders_created", "errors"}``; a file
that is not a bookmark file (an empty one included) is 422 with nothing imported; the
caller is admitted (key, plan, daily quota) before the body is read, and the import counts
as one request. An export is the whole account (archived bookmarks too) in its folders,
streamed, as an attachment.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from markhive.app import create_app
from markhive.context import Context, build_context
from markhive.settings import Settings
from markhive.users import service as user_service
from tests.api.linkagogo.conftest import Api, assert_detail, assert_invalid

REPORT_KEYS = ["imported", "updated", "unchanged", "skipped", "folders_created", "errors"]
XBEL_DOCTYPE = (
    '<!DOCTYPE xbel PUBLIC "+//IDN python.org//DTD XML Bookmark Exchange Language 1.0//EN//XML"'
    ' "http://pyxml.sourceforge.net/topics/dtds/xbel.dtd">'
)

# The same account in both formats: three folders (one empty), three bookmarks, one
# bookmarklet that is skipped (entry 2).
NETSCAPE = b"""<!DOCTYPE NETSCAPE-Bookmark-file-1>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000">Dev</H3>
    <DL><p>
        <DT><H3>Python</H3>
        <DL><p>
            <DT><A HREF="https://docs.python.org/3/" ADD_DATE="1700000001" PRIVATE="0" TOREAD="1" TAGS="python,docs">Python docs</A>
            <DD>The documentation
        </DL><p>
        <DT><A HREF="https://github.com/" ADD_DATE="1700000002" PRIVATE="1" TAGS="code">GitHub</A>
    </DL><p>
    <DT><H3>Empty</H3>
    <DL><p>
    </DL><p>
    <DT><A HREF="javascript:alert(1)">bookmarklet</A>
    <DT><A HREF="https://example.com/" ADD_DATE="1700000003" TAGS="misc,linkding:bookmarks.archived">Example</A>
</DL><p>
"""  # noqa: E501

XBEL = f"""<?xml version="1.0" encoding="UTF-8"?>
{XBEL_DOCTYPE}
<xbel version="1.0">
  <folder added="2023-11-14T22:13:20Z"><title>Dev</title>
    <folder><title>Python</title>
      <bookmark href="https://docs.python.org/3/" added="2023-11-14T22:13:21Z">
        <title>Python docs</title>
        <info><metadata owner="markhive"><tag>python</tag><tag>docs</tag><unread>true</unread></metadata></info>
        <desc>The documentation</desc>
      </bookmark>
    </folder>
    <bookmark href="https://github.com/" added="2023-11-14T22:13:22Z">
      <title>GitHub</title>
      <info><metadata owner="markhive"><tag>code</tag></metadata></info>
    </bookmark>
  </folder>
  <folder><title>Empty</title></folder>
  <bookmark href="javascript:alert(1)"><title>bookmarklet</title></bookmark>
  <bookmark href="https://example.com/" added="2023-11-14T22:13:23Z">
    <title>Example</title>
    <info><metadata owner="markhive"><tag>misc</tag><archived>true</archived></metadata></info>
  </bookmark>
</xbel>
""".encode()  # noqa: E501

FILES = {"html": NETSCAPE, "xbel": XBEL}
MEDIA = {"html": "text/html", "xbel": "application/xml"}
URLS = ["https://docs.python.org/3/", "https://github.com/", "https://example.com/"]


def first_report(fmt: str) -> dict[str, Any]:
    """What importing FILES[fmt] into an empty account answers."""
    return {
        "imported": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "folders_created": 3,
        "errors": [{"index": 2, "url": "javascript:alert(1)", "reason": REASON}],
    }


class _AnyText:
    """Equal to any non-empty string (the wording of a skip reason is not the contract's)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(other.strip())

    def __repr__(self) -> str:
        return "<any reason>"


REASON = _AnyText()


def check_report(body: Any) -> dict[str, Any]:
    """The report's shape and types, whatever its numbers."""
    assert isinstance(body, dict) and list(body) == REPORT_KEYS, body
    for name in REPORT_KEYS[:-1]:
        assert type(body[name]) is int and body[name] >= 0, (name, body)
    assert isinstance(body["errors"], list), body
    for error in body["errors"]:
        assert list(error) == ["index", "url", "reason"], error
        assert type(error["index"]) is int and error["index"] >= 0, error
        assert isinstance(error["url"], str) and isinstance(error["reason"], str), error
        assert error["reason"], error
    assert body["skipped"] == len(body["errors"]), body
    return body


def send(api: Api, fmt: str, data: bytes, how: str = "raw", **kw: Any) -> httpx.Response:
    """POST /import/{fmt} with the file as the raw body or as the multipart field ``file``."""
    if how == "multipart":
        files = {"file": (f"bookmarks.{fmt}", data, MEDIA[fmt])}
        return api.post(f"/import/{fmt}", files=files, **kw)
    headers = {"Content-Type": MEDIA[fmt], **kw.pop("headers", {})}
    return api.post(f"/import/{fmt}", content=data, headers=headers, **kw)


def imported(api: Api, fmt: str, data: bytes, how: str = "raw", **kw: Any) -> dict[str, Any]:
    response = send(api, fmt, data, how, **kw)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return check_report(response.json())


def by_url(api: Api) -> dict[str, dict[str, Any]]:
    return {b["url"]: b for b in api.everything()}


def folder_paths(api: Api) -> dict[int, str]:
    return {f["id"]: f["path"] for f in api.folders()}


class Tripwire:
    """A request body that records whether the server read any of it."""

    def __init__(self, data: bytes = b"<DL><DT><A HREF='https://tripwire.example/'>x</A>") -> None:
        self.data = data
        self.consumed = False

    def __iter__(self) -> Iterator[bytes]:
        self.consumed = True
        yield self.data


# --- importing --------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["raw", "multipart"])
@pytest.mark.parametrize("fmt", ["html", "xbel"])
def test_import_answers_the_exact_report_and_makes_the_account(v1: Api, fmt: str, how: str) -> None:
    assert imported(v1, fmt, FILES[fmt], how) == first_report(fmt)
    paths = folder_paths(v1)
    assert sorted(paths.values()) == ["Dev", "Dev/Python", "Empty"]
    marks = by_url(v1)
    assert sorted(marks) == sorted(URLS)
    python, github, example = (marks[url] for url in URLS)
    assert paths[python["folder_id"]] == "Dev/Python"
    assert paths[github["folder_id"]] == "Dev"
    assert example["folder_id"] == 0
    assert (python["title"], python["comments"]) == ("Python docs", "The documentation")
    assert sorted(python["keywords"].split()) == ["docs", "python"]
    assert github["keywords"] == "code" and example["keywords"] == "misc"
    assert example["is_archived"] and not python["is_archived"] and not github["is_archived"]
    assert python["created_at"] == "2023-11-14T22:13:21Z"
    assert v1.ld_bookmark(python["id"])["unread"] is True
    assert v1.ld_bookmark(github["id"])["unread"] is False


@pytest.mark.parametrize("fmt", ["html", "xbel"])
def test_the_same_file_again_changes_nothing(v1: Api, fmt: str) -> None:
    imported(v1, fmt, FILES[fmt])
    before = v1.state()
    again = imported(v1, fmt, FILES[fmt], "multipart")
    assert again == {**first_report(fmt), "imported": 0, "unchanged": 3, "folders_created": 0}
    assert v1.state() == before


def test_an_import_updates_existing_bookmarks_and_merges_folders(v1: Api) -> None:
    dev = v1.folder("DEV")  # the file's "Dev" is the same folder, whatever the case
    mine = v1.add("https://github.com", title="", keywords="mine")
    report = imported(v1, "html", NETSCAPE)
    assert report == {
        **first_report("html"),
        "imported": 2,
        "updated": 1,
        "folders_created": 2,
    }
    after = v1.one(mine["id"])
    assert after["title"] == "GitHub"
    assert after["folder_id"] == dev["id"]
    assert sorted(after["keywords"].split()) == ["code", "mine"]  # added, nothing removed
    assert len(v1.folders()) == 3


def test_map_private_marks_private_0_as_shared(v1: Api) -> None:
    imported(v1, "html", NETSCAPE)
    marks = by_url(v1)
    python, github = marks[URLS[0]], marks[URLS[1]]
    assert v1.ld_bookmark(python["id"])["shared"] is False  # PRIVATE="0", not mapped
    assert v1.ld_bookmark(github["id"])["shared"] is False
    report = imported(v1, "html", NETSCAPE, params={"map_private": "true"})
    assert (report["imported"], report["updated"], report["unchanged"]) == (0, 1, 2)
    assert v1.ld_bookmark(python["id"])["shared"] is True
    assert v1.ld_bookmark(github["id"])["shared"] is False  # PRIVATE="1"


def test_map_private_on_a_fresh_import(make_v1: Callable[..., Api]) -> None:
    api = make_v1("mapper")
    imported(api, "html", NETSCAPE, "multipart", params={"map_private": "1"})
    shared = {url: api.ld_bookmark(b["id"])["shared"] for url, b in by_url(api).items()}
    # example.com has no PRIVATE attribute: the file says nothing, so it stays private.
    assert shared == {URLS[0]: True, URLS[1]: False, URLS[2]: False}


def test_map_private_that_is_not_a_boolean_is_422_and_reads_nothing(v1: Api) -> None:
    body = Tripwire(NETSCAPE)
    response = v1.post("/import/html", params={"map_private": "perhaps"}, content=body)
    assert_invalid(response, "map_private")
    assert not body.consumed
    assert v1.everything() == []


def test_multipart_without_a_file_field_is_422(v1: Api) -> None:
    before = v1.state()
    for fmt in ("html", "xbel"):
        other = v1.post(f"/import/{fmt}", files={"upload": (f"b.{fmt}", FILES[fmt], MEDIA[fmt])})
        assert_invalid(other, "file")
        as_text = v1.post(
            f"/import/{fmt}",
            data={"file": FILES[fmt].decode()},
            files={"note": ("n.txt", b"x", "text/plain")},
        )
        assert_invalid(as_text, "file")  # a text field called "file" is not a file
    assert v1.state() == before


def test_an_empty_file_is_422(v1: Api) -> None:
    before = v1.state()
    for fmt in ("html", "xbel"):
        for how in ("raw", "multipart"):
            for data in (b"", b"  \n\t\n"):
                response = send(v1, fmt, data, how)
                body = assert_invalid(response, "file")
                assert body["detail"].startswith("file: ")
    assert v1.state() == before


def test_no_body_at_all_is_422(v1: Api) -> None:
    for fmt in ("html", "xbel"):
        assert_invalid(v1.post(f"/import/{fmt}"), "file")
    assert v1.everything() == []


def test_the_format_is_the_endpoints_not_the_files(v1: Api) -> None:
    """An XBEL document sent to /import/html is not a Netscape file, and the reverse."""
    before = v1.state()
    assert_invalid(send(v1, "xbel", NETSCAPE), "file")
    assert_invalid(send(v1, "html", XBEL), "file")
    assert v1.state() == before


# --- who may import and export -------------------------------------------------------------


def _downgraded(ctx: Context, make_user: Callable[..., Any], name: str) -> Any:
    """A user on free whose key was made on plus (free may not make keys)."""
    account = make_user(name, plan="plus")
    with ctx.db.unit() as session:
        user_service.set_plan(session, name, "free")
    return account


def test_free_plan_is_403_before_the_body_is_read(
    client: Any, ctx: Context, make_user: Callable[..., Any]
) -> None:
    free = Api(client, _downgraded(ctx, make_user, "freeloader"))
    for fmt in ("html", "xbel"):
        body = Tripwire(FILES[fmt])
        assert_detail(free.post(f"/import/{fmt}", content=body), 403)
        assert not body.consumed
        multipart = free.post(f"/import/{fmt}", files={"file": ("b", FILES[fmt], MEDIA[fmt])})
        assert_detail(multipart, 403)
        assert_detail(free.get(f"/export/{fmt}"), 403)
    with ctx.db.unit() as session:
        user_service.set_plan(session, "freeloader", "plus")
    assert free.get("/urls").json()["total"] == 0  # nothing was imported


def test_paid_plans_import_and_export_both_formats(make_v1: Callable[..., Api]) -> None:
    for plan in ("plus", "premium", "unlimited"):
        api = make_v1(f"{plan}-user", plan=plan)
        assert imported(api, "html", NETSCAPE) == first_report("html")
        assert imported(api, "xbel", XBEL, "multipart")["unchanged"] == 3
        for fmt in ("html", "xbel"):
            response = api.get(f"/export/{fmt}")
            assert response.status_code == 200, (plan, response.text)
            assert all(url in response.text for url in URLS)


AUTH_HEADERS = [None, "Bearer", "Bearer lgg_" + "0" * 40, "Basic YWxpY2U6cGFzc3dvcmQ=", "Token a b"]


def test_auth_errors_are_401_before_the_body_is_read(v1: Api, client: Any) -> None:
    for header in AUTH_HEADERS:
        headers = {} if header is None else {"Authorization": header}
        for fmt in ("html", "xbel"):
            body = Tripwire(FILES[fmt])
            response = client.post(f"/api/v1/import/{fmt}", content=body, headers=headers)
            assert_detail(response, 401)
            assert response.headers["www-authenticate"] == "Bearer"
            assert not body.consumed, header
            multipart = client.post(
                f"/api/v1/import/{fmt}",
                files={"file": ("b", FILES[fmt], MEDIA[fmt])},
                headers=headers,
            )
            assert_detail(multipart, 401)
            assert_detail(client.get(f"/api/v1/export/{fmt}", headers=headers), 401)
    assert v1.everything() == []


# --- the daily quota -----------------------------------------------------------------------

RATE = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


def remaining(response: httpx.Response) -> tuple[int, int]:
    assert all(name in response.headers for name in RATE), (response.status_code, response.headers)
    reset = int(response.headers["x-ratelimit-reset"])
    now = datetime.now(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    assert reset in (int(midnight.timestamp()), int((midnight + timedelta(days=1)).timestamp()))
    return int(response.headers["x-ratelimit-limit"]), int(
        response.headers["x-ratelimit-remaining"]
    )


def test_an_import_is_one_request_with_rate_headers_on_200_and_422(
    make_v1: Callable[..., Api],
) -> None:
    plus = make_v1("counted", plan="plus")
    ok = send(plus, "html", NETSCAPE)
    assert ok.status_code == 200
    assert remaining(ok) == (5000, 4999)  # 4 entries, 3 folders, batches: still one request
    multipart = send(plus, "xbel", XBEL, "multipart")
    assert multipart.status_code == 200
    assert remaining(multipart) == (5000, 4998)
    refused = send(plus, "xbel", b"<xbel><folder>")
    assert_invalid(refused, "file")
    assert remaining(refused) == (5000, 4997)
    missing = plus.post("/import/html", files={"other": ("x", b"x", "text/plain")})
    assert_invalid(missing, "file")
    assert remaining(missing) == (5000, 4996)
    export = plus.get("/export/xbel")
    assert export.status_code == 200
    assert remaining(export) == (5000, 4995)
    assert remaining(plus.get("/auth/me")) == (5000, 4994)


def test_unlimited_imports_carry_no_rate_headers(v1: Api) -> None:
    response = send(v1, "html", NETSCAPE)
    assert response.status_code == 200
    assert not any(name in response.headers for name in RATE)


def test_over_the_quota_is_429_before_the_body_is_read(
    settings: Settings, make_user: Callable[..., Any]
) -> None:
    limited = dataclasses.replace(settings, plan_requests_plus=2)
    account = make_user("busy", plan="plus")
    with TestClient(create_app(limited, build_context(limited))) as client:
        api = Api(client, account)
        assert send(api, "html", NETSCAPE).status_code == 200
        assert remaining(api.get("/export/html")) == (2, 0)
        body = Tripwire(XBEL)
        response = api.post("/import/xbel", content=body)
        assert_detail(response, 429)
        assert response.headers["retry-after"] == "86400"
        assert remaining(response) == (2, 0)
        assert not body.consumed
        assert_detail(api.get("/export/xbel"), 429)
        assert_detail(api.post("/import/html", files={"file": ("b", XBEL, "text/html")}), 429)


# --- exporting -----------------------------------------------------------------------------


@dataclass
class Mark:
    url: str
    title: str
    folder: tuple[str, ...]
    tags: list[str] = field(default_factory=list)
    description: str = ""


class _NetscapeTree(HTMLParser):
    """Reads an exported Netscape file into {url: Mark}, independently of markhive."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: dict[str, Mark] = {}
        self.folders: list[tuple[str, ...]] = []
        self.lists: list[str | None] = []
        self.pending: str | None = None
        self.mode = ""
        self.text = ""
        self.attrs: dict[str, str] = {}
        self.last: Mark | None = None

    def path(self) -> tuple[str, ...]:
        return tuple(name for name in self.lists if name is not None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._end()
        if tag == "h3":
            self.mode, self.text = "h3", ""
        elif tag == "a":
            self.mode, self.text, self.attrs = "a", "", {k: v or "" for k, v in attrs}
        elif tag == "dd":
            self.mode, self.text = "dd", ""
        elif tag == "dl":
            self.lists.append(self.pending)
            if self.pending is not None:
                self.folders.append(self.path())
            self.pending = None
        elif tag == "dt":
            self.last = None

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "h3"):
            self._end()
        elif tag == "dl":
            self._end()
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        if self.mode:
            self.text += data

    def _end(self) -> None:
        mode, self.mode = self.mode, ""
        if mode == "h3":
            self.pending = self.text.strip()
        elif mode == "a":
            url = self.attrs["href"]
            tags = [t for t in self.attrs.get("tags", "").split(",") if t]
            self.last = self.marks[url] = Mark(url, self.text.strip(), self.path(), tags)
        elif mode == "dd" and self.last is not None:
            self.last.description = self.text.strip()


def netscape_tree(text: str) -> tuple[dict[str, Mark], list[tuple[str, ...]]]:
    reader = _NetscapeTree()
    reader.feed(text)
    reader.close()
    return reader.marks, reader.folders


def xbel_tree(data: bytes) -> tuple[dict[str, Mark], list[tuple[str, ...]]]:
    root = ET.fromstring(data)
    assert root.tag == "xbel" and root.get("version") == "1.0"
    marks: dict[str, Mark] = {}
    folders: list[tuple[str, ...]] = []

    def walk(node: ET.Element, path: tuple[str, ...]) -> None:
        for child in node:
            if child.tag == "folder":
                inner = (*path, child.findtext("title") or "")
                folders.append(inner)
                walk(child, inner)
            elif child.tag == "bookmark":
                meta = child.find("info/metadata[@owner='markhive']")
                tags = [t.text or "" for t in meta.findall("tag")] if meta is not None else []
                if meta is not None and (meta.findtext("archived") or "") == "true":
                    tags.append("linkding:bookmarks.archived")
                marks[child.get("href") or ""] = Mark(
                    child.get("href") or "",
                    child.findtext("title") or "",
                    path,
                    tags,
                    child.findtext("desc") or "",
                )

    walk(root, ())
    return marks, folders


def read_export(fmt: str, response: httpx.Response) -> tuple[dict[str, Mark], list[Any]]:
    if fmt == "html":
        return netscape_tree(response.text)
    return xbel_tree(response.content)


@pytest.fixture
def account(v1: Api) -> dict[str, Any]:
    """alice's bookmarks: in the root, in a folder, in a subfolder, archived ones, an empty
    folder."""
    dev = v1.folder("Dev")
    python = v1.folder("Python", dev["id"])
    empty = v1.folder('Empty & <odd> "name"')
    marks = {
        "https://root.example/": v1.add(
            "https://root.example/", title="Root <one>", keywords="alpha beta"
        ),
        "https://dev.example/": v1.add(
            "https://dev.example/", title="Dev one", folder_id=dev["id"], comments="notes & more"
        ),
        "https://py.example/?a=1&b=2": v1.add(
            "https://py.example/?a=1&b=2", title="Py", folder_id=python["id"], keywords="py"
        ),
        "https://old.example/": v1.add(
            "https://old.example/", title="Archived", folder_id=python["id"], keywords="old"
        ),
        "https://gone.example/": v1.add("https://gone.example/", title="Archived at root"),
    }
    for url in ("https://old.example/", "https://gone.example/"):
        r = v1.ld("POST", f"/bookmarks/{marks[url]['id']}/archive/")
        assert r.status_code == 204, r.text
    return {"folders": [dev, python, empty], "marks": marks}


EXPECTED_PLACES = {
    "https://root.example/": (),
    "https://dev.example/": ("Dev",),
    "https://py.example/?a=1&b=2": ("Dev", "Python"),
    "https://old.example/": ("Dev", "Python"),
    "https://gone.example/": (),
}


def check_disposition(response: httpx.Response, suffix: str) -> None:
    disposition = response.headers["content-disposition"]
    found = re.fullmatch(
        r'attachment; filename="markhive-bookmarks-(\d{4}-\d\d-\d\d)\.' + suffix + '"',
        disposition,
    )
    assert found, disposition
    now = datetime.now(UTC)
    days = {(now + timedelta(seconds=s)).date().isoformat() for s in (-60, 0)}
    assert found.group(1) in days


@pytest.mark.parametrize(
    ("fmt", "media"), [("html", "text/html; charset=utf-8"), ("xbel", "application/xml")]
)
def test_export_is_the_whole_account_as_an_attachment(
    v1: Api, account: dict[str, Any], fmt: str, media: str
) -> None:
    response = v1.get(f"/export/{fmt}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media
    check_disposition(response, fmt)
    marks, folders = read_export(fmt, response)
    assert {url: mark.folder for url, mark in marks.items()} == EXPECTED_PLACES
    assert sorted(folders) == sorted([("Dev",), ("Dev", "Python"), ('Empty & <odd> "name"',)])
    assert marks["https://root.example/"].title == "Root <one>"
    assert sorted(marks["https://root.example/"].tags) == ["alpha", "beta"]
    assert marks["https://dev.example/"].description == "notes & more"
    assert "linkding:bookmarks.archived" in marks["https://old.example/"].tags
    assert "linkding:bookmarks.archived" in marks["https://gone.example/"].tags
    assert "linkding:bookmarks.archived" not in marks["https://py.example/?a=1&b=2"].tags


def test_export_of_an_empty_account(v1: Api) -> None:
    for fmt in ("html", "xbel"):
        response = v1.get(f"/export/{fmt}")
        assert response.status_code == 200
        assert read_export(fmt, response) == ({}, [])


def _many(count: int) -> bytes:
    lines = [b"<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><H3>Bulk</H3>\n<DL><p>\n"]
    lines += [
        b'<DT><A HREF="https://bulk.example/%d" ADD_DATE="%d" TAGS="bulk,n%d">Bulk %d</A>\n'
        b"<DD>%s\n" % (n, 1_600_000_000 + n, n % 7, n, b"description " * 8)
        for n in range(count)
    ]
    return b"".join([*lines, b"</DL><p>\n</DL><p>\n"])


def test_export_is_streamed_in_pieces_and_complete(v1: Api) -> None:
    count = 1200
    report = imported(v1, "html", _many(count))
    assert (report["imported"], report["folders_created"]) == (count, 1)
    for fmt in ("html", "xbel"):
        with v1.client.stream("GET", f"/api/v1/export/{fmt}", headers=v1.headers) as response:
            assert response.status_code == 200
            assert "content-length" not in response.headers  # streamed, no length up front
            pieces = list(response.iter_raw())
        assert len(pieces) > 1, [len(p) for p in pieces]
        body = b"".join(pieces)
        marks, folders = read_export(fmt, httpx.Response(200, content=body))
        assert folders == [("Bulk",)]
        assert len(marks) == count
        assert all(mark.folder == ("Bulk",) for mark in marks.values())
        assert sorted(marks["https://bulk.example/7"].tags) == ["bulk", "n0"]


def test_export_never_shows_another_users_bookmarks(
    v1: Api, bob: Api, account: dict[str, Any]
) -> None:
    secret = "zanzibarquokka"
    bob_folder = bob.folder(f"Bob {secret}")
    bob.add(f"https://bob.example/{secret}", title=secret, folder_id=bob_folder["id"])
    bob.add("https://root.example/", title=f"bob's {secret}", keywords=secret)  # alice has it
    for fmt in ("html", "xbel"):
        response = v1.get(f"/export/{fmt}")
        assert secret not in response.text
        marks, _ = read_export(fmt, response)
        assert set(marks) == set(EXPECTED_PLACES)
        bobs, _ = read_export(fmt, bob.get(f"/export/{fmt}"))
        assert set(bobs) == {f"https://bob.example/{secret}", "https://root.example/"}


def test_import_never_touches_another_users_account(v1: Api, bob: Api) -> None:
    bob.folder("Dev")
    bob.add("https://github.com/", title="bob's github", keywords="bob")
    before = bob.state()
    report = imported(v1, "html", NETSCAPE)
    assert report == first_report("html")  # github.com is new for alice; Dev is hers to make
    imported(v1, "xbel", XBEL, "multipart", params={"map_private": "true"})
    assert bob.state() == before
    assert sorted(by_url(v1)) == sorted(URLS)


# --- round trips ---------------------------------------------------------------------------


def _without_stamp(text: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<stamp>", text)


def _reimport_changes_nothing(api: Api, out: str) -> None:
    total = len(api.everything())
    exported = api.get(f"/export/{out}")
    assert exported.status_code == 200
    before = api.state()
    again = imported(api, out, exported.content, "multipart")
    assert again == {
        "imported": 0,
        "updated": 0,
        "unchanged": total,
        "skipped": 0,
        "folders_created": 0,
        "errors": [],
    }
    assert api.state() == before
    second = api.get(f"/export/{out}")
    assert _without_stamp(second.text) == _without_stamp(exported.text)


@pytest.mark.parametrize("out", ["html", "xbel"])
@pytest.mark.parametrize("source", ["html", "xbel"])
def test_import_export_import_changes_nothing(v1: Api, source: str, out: str) -> None:
    imported(v1, source, FILES[source])
    _reimport_changes_nothing(v1, out)


@pytest.mark.parametrize("out", ["html", "xbel"])
def test_reimporting_the_export_of_bookmarks_made_over_the_api_changes_nothing(
    v1: Api, account: dict[str, Any], out: str
) -> None:
    """Bookmarks made over the API have dates with microseconds; a Netscape file keeps
    whole seconds. Importing the account's own export must not take the file's rounded
    date for an earlier one (it would rewrite every date_added and call it an update)."""
    imported(v1, "xbel", XBEL)
    _reimport_changes_nothing(v1, out)


def test_an_export_imports_into_another_account_as_the_same_account(
    v1: Api, make_v1: Callable[..., Api], account: dict[str, Any]
) -> None:
    carol = make_v1("carol")
    for fmt in ("xbel", "html"):
        report = imported(carol, fmt, v1.get(f"/export/{fmt}").content)
        assert report["skipped"] == 0
    mine = {
        url: (b["title"], b["keywords"], b["comments"], b["is_archived"])
        for url, b in by_url(v1).items()
    }
    hers = {
        url: (b["title"], b["keywords"], b["comments"], b["is_archived"])
        for url, b in by_url(carol).items()
    }
    assert hers == mine
    assert sorted(f["path"] for f in carol.folders()) == sorted(f["path"] for f in v1.folders())
