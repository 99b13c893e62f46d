"""The writers' output checked by independent parsers: the XBEL export is well-formed and
valid XBEL 1.0 (lxml, against the DTD written out below); the Netscape export has the
structure browsers and linkding rely on (the standard library's html.parser, which shares
nothing with the libxml2 tokenizer markhive reads with); and the export streams in
bounded pieces."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from markhive.bookmarks.derived import fold
from markhive.db.session import Database
from markhive.importexport.export import export
from markhive.settings import Settings
from tests.importexport.accounts import (
    AWKWARD,
    EXPORTED_AT,
    AccountSpec,
    BookmarkSpec,
    FolderSpec,
    accounts,
    build,
    build_large,
    export_bytes,
    state,
)

PROPERTY = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ARCHIVED_TAG = "linkding:bookmarks.archived"

# -- XBEL 1.0

# The XBEL 1.0 DTD (PUBLIC "+//IDN python.org//DTD XML Bookmark Exchange Language 1.0//EN//XML"),
# written out here: the tests fetch nothing.
XBEL_DTD = """
<!ENTITY % local.url.att "">
<!ENTITY % local.node.att "">
<!ENTITY % local.nodes.mix "">

<!ENTITY % node.att "id ID #IMPLIED added CDATA #IMPLIED %local.node.att;">
<!ENTITY % url.att "href CDATA #REQUIRED visited CDATA #IMPLIED
                    modified CDATA #IMPLIED %local.url.att;">
<!ENTITY % nodes.mix "bookmark|folder|alias|separator %local.nodes.mix;">

<!ELEMENT xbel (title?, info?, desc?, (%nodes.mix;)*)>
<!ATTLIST xbel %node.att; version CDATA #FIXED "1.0">

<!ELEMENT title (#PCDATA)>
<!ELEMENT info (metadata+)>
<!ELEMENT metadata EMPTY>
<!ATTLIST metadata owner CDATA #REQUIRED>

<!ELEMENT folder (title?, info?, desc?, (%nodes.mix;)*)>
<!ATTLIST folder %node.att; folded (yes|no) 'yes'>

<!ELEMENT bookmark (title?, info?, desc?)>
<!ATTLIST bookmark %node.att; %url.att;>

<!ELEMENT desc (#PCDATA)>
<!ELEMENT separator EMPTY>
<!ELEMENT alias EMPTY>
<!ATTLIST alias ref IDREF #REQUIRED>
"""
# markhive's values inside <metadata owner="markhive">, one element each.
METADATA_ELEMENTS = (
    "tag",
    "notes",
    "unread",
    "shared",
    "archived",
    "favorite",
    "rating",
    "visits",
    "reminder",
    "public",
)
# XBEL 1.0 declares metadata EMPTY; KDE and markhive put elements in it. Only that one
# declaration is relaxed, and markhive's elements are declared.
XBEL_DTD_WITH_METADATA = XBEL_DTD.replace(
    "<!ELEMENT metadata EMPTY>", "<!ELEMENT metadata ANY>"
) + "".join(f"<!ELEMENT {name} (#PCDATA)>\n" for name in METADATA_ELEMENTS)

XBEL_PUBLIC_ID = "+//IDN python.org//DTD XML Bookmark Exchange Language 1.0//EN//XML"
XBEL_SYSTEM_ID = "http://pyxml.sourceforge.net/topics/dtds/xbel.dtd"


def parse_xml(data: bytes) -> etree._ElementTree:
    """Parsed strictly: no recovery, nothing fetched, no DTD loaded."""
    parser = etree.XMLParser(
        recover=False, no_network=True, load_dtd=False, resolve_entities=False, huge_tree=True
    )
    return etree.parse(io.BytesIO(data), parser)


def assert_valid(data: bytes, dtd_text: str) -> etree._ElementTree:
    tree = parse_xml(data)
    assert tree.docinfo.xml_version == "1.0"
    assert tree.docinfo.encoding.upper() == "UTF-8"
    assert tree.docinfo.root_name == "xbel"
    assert tree.docinfo.public_id == XBEL_PUBLIC_ID
    assert tree.docinfo.system_url == XBEL_SYSTEM_ID
    assert tree.getroot().get("version") == "1.0"
    dtd = etree.DTD(io.StringIO(dtd_text))
    if not dtd.validate(tree):
        errors = [f"line {e.line}: {e.message}" for e in dtd.error_log.filter_from_errors()]
        pytest.fail("not valid XBEL 1.0:\n" + "\n".join(errors[:20]))
    return tree


PLAIN = AccountSpec(
    folders=(
        FolderSpec("Reading & <Writing>", None, description='He said "hi" & left'),
        FolderSpec(
            "Nested 'deep'", 0, created_at=datetime(1999, 12, 31, 23, 59, 59, 5, tzinfo=UTC)
        ),
        FolderSpec("Empty", 1),
        FolderSpec("שלום 😀", 2, description="line one\nline two\r\nthree"),
        FolderSpec("Sibling", 0),
    ),
    bookmarks=(
        BookmarkSpec(
            'https://example.com/a?x=1&y="2"&z=<3>',
            folder=3,
            title="<script>alert(1)</script>",
            description="tab\there, newline\nthere, CR\rhere, ]]> and &amp;",
            date_added=datetime(2001, 2, 3, 4, 5, 6, 789, tzinfo=UTC),
            date_modified=datetime(2002, 2, 3, 4, 5, 6, tzinfo=UTC),
            last_visit=datetime(2003, 1, 1, tzinfo=UTC),
        ),
        BookmarkSpec("http://localhost:8080/", folder=1),
        BookmarkSpec("ftp://nas/file", title="مرحبا \u202e RTL"),
    ),
)


def test_xbel_without_metadata_is_valid_against_the_strict_dtd(
    database: Database, settings: Settings
) -> None:
    """No tags, flags, notes, ratings, visits, reminders or public folders: nothing goes
    in <metadata>, and the document is valid against XBEL 1.0 itself."""
    user_id = build(database, settings, PLAIN)
    data = export_bytes(database, user_id, "xbel")
    tree = assert_valid(data, XBEL_DTD)
    assert tree.find(".//metadata") is None
    bookmarks = tree.findall(".//bookmark")
    assert len(bookmarks) == 3
    first = tree.find(".//bookmark[title='<script>alert(1)</script>']")
    assert first is not None
    assert first.get("href") == 'https://example.com/a?x=1&y="2"&z=<3>'
    assert first.get("added") == "2001-02-03T04:05:06.000789Z"
    assert first.get("modified") == "2002-02-03T04:05:06Z"
    assert first.get("visited") == "2003-01-01T00:00:00Z"
    assert first.findtext("desc") == "tab\there, newline\nthere, CR\rhere, ]]> and &amp;"
    titles = [folder.findtext("title") for folder in tree.iter("folder")]
    assert titles == ["Reading & <Writing>", "Nested 'deep'", "Empty", "שלום 😀", "Sibling"]
    nested = tree.find(".//folder[title=\"Nested 'deep'\"]")
    assert nested is not None
    assert nested.get("added") == "1999-12-31T23:59:59.000005Z"


FULL = AccountSpec(
    folders=(
        FolderSpec("Public", None, public=True, description="shared with the world"),
        FolderSpec("Inner", 0, public=True),
    ),
    bookmarks=(
        BookmarkSpec(
            "https://example.com/full",
            folder=1,
            title="Everything",
            description="desc",
            notes="notes <b>&</b>\nmore",
            tags=("a&b", "<tag>", "ü", "😀"),
            unread=True,
            shared=True,
            archived=True,
            favorite=True,
            rating=5,
            visits=2**31 - 1,
            last_visit=datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
            reminder=datetime(2030, 1, 1, tzinfo=UTC),
        ),
        BookmarkSpec("https://example.com/plain"),
    ),
)


def test_xbel_with_metadata_is_valid_with_only_metadata_relaxed(
    database: Database, settings: Settings
) -> None:
    user_id = build(database, settings, FULL)
    data = export_bytes(database, user_id, "xbel")
    tree = assert_valid(data, XBEL_DTD_WITH_METADATA)
    metadata = tree.findall(".//metadata")
    assert {m.get("owner") for m in metadata} == {"markhive"}
    full = tree.find(".//bookmark[@href='https://example.com/full']")
    assert full is not None
    values = [(child.tag, child.text) for child in full.find("info/metadata")]
    assert values == [
        ("tag", "<tag>"),
        ("tag", "a&b"),
        ("tag", "ü"),
        ("tag", "😀"),
        ("notes", "notes <b>&</b>\nmore"),
        ("unread", "true"),
        ("shared", "true"),
        ("archived", "true"),
        ("favorite", "true"),
        ("rating", "5"),
        ("visits", str(2**31 - 1)),
        ("reminder", "2030-01-01T00:00:00Z"),
    ]
    plain = tree.find(".//bookmark[@href='https://example.com/plain']")
    assert plain is not None
    assert plain.find("info") is None
    for folder in tree.iter("folder"):
        assert [(c.tag, c.text) for c in folder.find("info/metadata")] == [("public", "true")]


def test_the_strict_dtd_refuses_metadata_with_content(
    database: Database, settings: Settings
) -> None:
    """The validator is not a formality: the strict DTD refuses what only the relaxed one
    allows, and a bookmark without an href."""
    user_id = build(database, settings, FULL)
    tree = parse_xml(export_bytes(database, user_id, "xbel"))
    assert not etree.DTD(io.StringIO(XBEL_DTD)).validate(tree)
    broken = parse_xml(
        b'<?xml version="1.0"?><xbel version="1.0"><bookmark><title>x</title></bookmark></xbel>'
    )
    assert not etree.DTD(io.StringIO(XBEL_DTD_WITH_METADATA)).validate(broken)


@PROPERTY
@given(spec=accounts(xml_safe=False))
def test_xbel_of_any_account_is_valid(
    database: Database, settings: Settings, spec: AccountSpec
) -> None:
    """Whatever an account holds (characters XML cannot carry included), its XBEL export
    is well-formed and valid."""
    user_id = build(database, settings, spec)
    tree = assert_valid(export_bytes(database, user_id, "xbel"), XBEL_DTD_WITH_METADATA)
    assert len(tree.findall(".//bookmark")) == len(spec.bookmarks)
    assert len(tree.findall(".//folder")) == len(spec.folders)


# -- Netscape, read by html.parser


@dataclass
class Tag:
    name: str  # lower case, as html.parser gives it
    raw: str  # the start tag exactly as written
    attrs: dict[str, str | None]


@dataclass
class NSBookmark:
    tag: Tag
    title: str
    dd: str | None


@dataclass
class NSFolder:
    tag: Tag | None  # None for the document's top list
    name: str
    dd: str | None
    children: list[NSFolder | NSBookmark] = field(default_factory=list)


_START_TAG = re.compile(r'<[A-Za-z][A-Za-z0-9]*(?: [A-Za-z_-]+="[^"<>]*")*>')


class _Tokens(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, Any]] = []

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(("decl", decl))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("comment", data))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        # every attribute written NAME="value", the value free of raw quotes
        assert _START_TAG.fullmatch(raw), f"malformed start tag {raw!r}"
        names = [name for name, _ in attrs]
        assert len(names) == len(set(names)), f"an attribute is repeated in {raw}"
        self.tokens.append(("start", Tag(tag, raw, dict(attrs))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"self-closing tag {self.get_starttag_text()}")

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.tokens and self.tokens[-1][0] == "data":
            self.tokens[-1] = ("data", self.tokens[-1][1] + data)
        else:
            self.tokens.append(("data", data))

    def handle_pi(self, data: str) -> None:
        raise AssertionError(f"processing instruction {data!r}")

    def unknown_decl(self, data: str) -> None:
        raise AssertionError(f"unknown declaration {data!r}")


class NetscapeStructure:
    """A strict reading of the Netscape bookmark file's grammar, as browsers write it:

        <!DOCTYPE NETSCAPE-Bookmark-file-1> [comment] <META ...> <TITLE> <H1> list
        list   := <DL><p> item* </DL><p>
        item   := <DT> ( <A ...>title</A> [<DD>text] | <H3 ...>name</H3> [<DD>text] list )

    Anything else (a stray tag, text outside a title or <DD>, a list left open) fails."""

    def __init__(self, text: str) -> None:
        parser = _Tokens()
        parser.feed(text)
        parser.close()
        self.tokens = parser.tokens
        self.at = 0
        self.root = self._document(text)

    def _next(self, skip_space: bool = True) -> tuple[str, Any]:
        while skip_space and self.at < len(self.tokens):
            kind, value = self.tokens[self.at]
            if kind != "data" or value.strip(" \n"):
                break
            self.at += 1
        assert self.at < len(self.tokens), "the document ends too early"
        token = self.tokens[self.at]
        self.at += 1
        return token

    def _start(self, name: str, raw: str | None = None) -> Tag:
        kind, value = self._next()
        assert kind == "start" and value.name == name, f"expected <{name}>, got {kind} {value!r}"
        if raw is not None:
            assert value.raw == raw
        return value

    def _end(self, name: str) -> None:
        kind, value = self._next()
        assert (kind, value) == ("end", name), f"expected </{name}>, got {kind} {value!r}"

    def _text(self) -> str:
        """The text up to the next tag (no skipping: a title's spaces are its own)."""
        if self.at < len(self.tokens) and self.tokens[self.at][0] == "data":
            self.at += 1
            return str(self.tokens[self.at - 1][1])
        return ""

    def _peek(self) -> tuple[str, Any]:
        at = self.at
        token = self._next()
        self.at = at
        return token

    def _document(self, text: str) -> NSFolder:
        assert text.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n")
        assert self.tokens[0] == ("decl", "DOCTYPE NETSCAPE-Bookmark-file-1")
        self.at = 1
        if self._peek()[0] == "comment":
            self._next()
        meta = self._start("meta")
        assert meta.raw == '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">'
        self._start("title", "<TITLE>")
        assert self._text() == "Bookmarks"
        self._end("title")
        self._start("h1", "<H1>")
        assert self._text() == "Bookmarks"
        self._end("h1")
        root = NSFolder(None, "", None)
        self._list(root)
        assert all(kind == "data" and not value.strip() for kind, value in self.tokens[self.at :])
        return root

    def _list(self, folder: NSFolder) -> None:
        self._start("dl", "<DL>")
        self._start("p", "<p>")
        while True:
            kind, value = self._next()
            if (kind, value) == ("end", "dl"):
                self._start("p", "<p>")
                return
            assert kind == "start" and value.name == "dt", f"expected <DT>, got {kind} {value!r}"
            assert value.raw == "<DT>"
            folder.children.append(self._item())

    def _dd(self) -> str | None:
        kind, value = self._peek()
        if kind == "start" and value.name == "dd":
            self._start("dd", "<DD>")
            return self._text().strip()
        return None

    def _item(self) -> NSFolder | NSBookmark:
        kind, value = self._next()
        assert kind == "start" and value.name in ("a", "h3"), f"got {kind} {value!r}"
        title = self._text()
        self._end(value.name)
        dd = self._dd()
        if value.name == "a":
            return NSBookmark(value, title, dd)
        folder = NSFolder(value, title, dd)
        self._list(folder)  # an <H3> is followed by its own <DL>
        return folder


_ATTRIBUTE = re.compile(r'\s([A-Za-z_-]+)="([^"]*)"')
_INTEGER = re.compile(r"^-?\d+$")


def raw_attributes(tag: Tag) -> list[str]:
    """The attribute names as written, in order; every value is double-quoted."""
    names = [name for name, _ in _ATTRIBUTE.findall(tag.raw)]
    assert [name.lower() for name in names] == list(tag.attrs), tag.raw
    return names


def unix(value: datetime) -> str:
    return str((value - EPOCH) // timedelta(seconds=1))


def check_netscape(data: bytes, account: dict[str, Any]) -> NetscapeStructure:
    """The file's structure and every attribute of every folder and bookmark against the
    account's state."""
    structure = NetscapeStructure(data.decode("utf-8"))
    found_folders: dict[tuple[str, ...], dict[str, Any]] = {}
    found_bookmarks: dict[str, dict[str, Any]] = {}

    def walk(folder: NSFolder, path: tuple[str, ...]) -> None:
        subfolders = [c for c in folder.children if isinstance(c, NSFolder)]
        marks = [c for c in folder.children if isinstance(c, NSBookmark)]
        # subfolders first, by name; then the folder's bookmarks, oldest first
        assert folder.children == [*subfolders, *marks]
        assert [fold(f.name) for f in subfolders] == sorted(fold(f.name) for f in subfolders)
        added = [int(str(b.tag.attrs["add_date"])) for b in marks]
        assert added == sorted(added)
        for sub in subfolders:
            assert sub.tag is not None
            assert raw_attributes(sub.tag) == ["ADD_DATE", "LAST_MODIFIED"]
            assert sub.tag.raw.startswith("<H3 ")
            found_folders[(*path, sub.name)] = {
                "add_date": sub.tag.attrs["add_date"],
                "last_modified": sub.tag.attrs["last_modified"],
                "dd": sub.dd,
            }
            walk(sub, (*path, sub.name))
        for mark in marks:
            names = raw_attributes(mark.tag)
            # linkding's attributes, in linkding's order, then markhive's own
            assert names[:6] == ["HREF", "ADD_DATE", "LAST_MODIFIED", "PRIVATE", "TOREAD", "TAGS"]
            extra = ["FAVORITE", "RATING", "VISITS", "LAST_VISIT", "REMINDER"]
            assert names[6:] == [name for name in extra if name in names[6:]]
            attrs = mark.tag.attrs
            for name in ("add_date", "last_modified", "last_visit", "reminder"):
                assert attrs.get(name) is None or _INTEGER.match(str(attrs[name])), attrs
            assert attrs["private"] in ("0", "1")
            assert attrs["toread"] in ("0", "1")
            url = str(attrs["href"])
            assert url not in found_bookmarks
            found_bookmarks[url] = {"folder": path or None, "title": mark.title, "dd": mark.dd}
            found_bookmarks[url].update(
                {name: value for name, value in attrs.items() if name != "href"}
            )

    walk(structure.root, ())

    expected_folders = {
        path: {
            "add_date": unix(values["created_at"]),
            "last_modified": unix(values["updated_at"]),
            "dd": values["description"] or None,
        }
        for path, values in account["folders"].items()
    }
    assert found_folders == expected_folders

    expected_bookmarks = {}
    for url, v in account["bookmarks"].items():
        tags = list(v["tags"]) + ([ARCHIVED_TAG] if v["is_archived"] else [])
        dd = v["description"]
        if v["notes"]:
            dd += f"[linkding-notes]{v['notes']}[/linkding-notes]"
        expected: dict[str, Any] = {
            "folder": v["folder"],
            "title": v["title"] or url,
            "dd": dd or None,
            "add_date": unix(v["date_added"]),
            "last_modified": unix(v["date_modified"]),
            "private": "0" if v["shared"] else "1",
            "toread": "1" if v["unread"] else "0",
            "tags": ",".join(tags),
        }
        if v["is_favorite"]:
            expected["favorite"] = "1"
        if v["rating"]:
            expected["rating"] = str(v["rating"])
        if v["visit_count"]:
            expected["visits"] = str(v["visit_count"])
        if v["last_visited_at"] is not None:
            expected["last_visit"] = unix(v["last_visited_at"])
        if v["reminder_at"] is not None:
            expected["reminder"] = unix(v["reminder_at"])
        expected_bookmarks[url] = expected
    assert found_bookmarks == expected_bookmarks
    return structure


def combine(*specs: AccountSpec) -> AccountSpec:
    """The accounts' folders and bookmarks together (folder indexes shifted)."""
    folders: list[FolderSpec] = []
    marks: list[BookmarkSpec] = []
    for spec in specs:
        offset = len(folders)
        folders.extend(
            replace(f, parent=None if f.parent is None else f.parent + offset) for f in spec.folders
        )
        marks.extend(
            replace(b, folder=None if b.folder is None else b.folder + offset)
            for b in spec.bookmarks
        )
    return AccountSpec(tuple(folders), tuple(marks))


def test_netscape_structure_and_values(database: Database, settings: Settings) -> None:
    spec = combine(
        PLAIN,
        FULL,
        AccountSpec(
            bookmarks=(
                BookmarkSpec("https://example.com/quote", title="a \"quoted\" <title> & 'more'"),
                BookmarkSpec("https://example.com/only-notes", notes="just notes & <b>"),
            )
        ),
    )
    user_id = build(database, settings, spec)
    data = export_bytes(database, user_id, "html")
    assert EXPORTED_AT in data.decode()
    structure = check_netscape(data, state(database, user_id))
    # the title with quotes and angle brackets came back whole through html.parser
    titles = []

    def collect(folder: NSFolder) -> None:
        for child in folder.children:
            if isinstance(child, NSFolder):
                collect(child)
            else:
                titles.append(child.title)

    collect(structure.root)
    assert "a \"quoted\" <title> & 'more'" in titles
    assert "<script>alert(1)</script>" in titles
    assert "<script>" not in data.decode()
    # linkding's exact line for a plain bookmark
    assert (
        '<DT><A HREF="http://localhost:8080/" ADD_DATE="1577836800" LAST_MODIFIED="1577923200"'
        ' PRIVATE="1" TOREAD="0" TAGS="">http://localhost:8080/</A>\n'
    ) in data.decode()
    assert (
        '<DT><A HREF="https://example.com/only-notes" ADD_DATE="1577836800"'
        ' LAST_MODIFIED="1577923200" PRIVATE="1" TOREAD="0" TAGS="">'
        "https://example.com/only-notes</A>\n"
        "    <DD>[linkding-notes]just notes &amp; &lt;b&gt;[/linkding-notes]\n"
    ) in data.decode()


@PROPERTY
@given(spec=accounts(xml_safe=False))
def test_netscape_structure_of_any_account(
    database: Database, settings: Settings, spec: AccountSpec
) -> None:
    user_id = build(database, settings, spec)
    check_netscape(export_bytes(database, user_id, "html"), state(database, user_id))


GOOD = (
    "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"
    '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">\n'
    "<TITLE>Bookmarks</TITLE>\n"
    "<H1>Bookmarks</H1>\n"
    "<DL><p>\n"
    '    <DT><H3 ADD_DATE="1" LAST_MODIFIED="2">F</H3>\n'
    "    <DL><p>\n"
    '        <DT><A HREF="https://a.example/" ADD_DATE="1" LAST_MODIFIED="2" PRIVATE="1"'
    ' TOREAD="0" TAGS="">A &quot;x&quot;</A>\n'
    "    </DL><p>\n"
    "</DL><p>\n"
)


@pytest.mark.parametrize(
    ("broken", "replaced"),
    [
        ("    </DL><p>\n</DL><p>\n", "</DL><p>\n"),  # a list left open
        ("    <DL><p>\n", ""),  # an <H3> without its list
        ("</DL><p>\n</DL>", "</DL>\n</DL>"),  # </DL> without its <p>
        ("A &quot;x&quot;", 'A "x" <b>'),  # a title not escaped
        ('HREF="https://a.example/"', 'HREF="https://a.example/"x"'),  # an attribute broken
        ("<!DOCTYPE NETSCAPE-Bookmark-file-1>", "<!DOCTYPE html>"),
        ("charset=UTF-8", "charset=windows-1252"),
    ],
)
def test_the_netscape_checker_refuses_broken_files(broken: str, replaced: str) -> None:
    """The structure checker is not a formality either."""
    NetscapeStructure(GOOD)
    assert broken in GOOD
    with pytest.raises(AssertionError):
        NetscapeStructure(GOOD.replace(broken, replaced))


# -- streaming

LIMIT = 128 * 1024


@pytest.mark.parametrize("fmt", ["html", "xbel"])
def test_export_streams_in_bounded_pieces(database: Database, settings: Settings, fmt: str) -> None:
    count = 3000
    user_id = build_large(database, settings, count, [a for a in AWKWARD if a.strip()])
    read: list[int] = []
    with database.unit(write=False) as session:
        stream = export(session, user_id, fmt, exported_at=EXPORTED_AT, on_rows=read.append)
        first = next(stream)
        # the first piece leaves before the bookmarks have all been read
        assert sum(read) < count
        pieces = [first, *stream]
    assert sum(read) == count
    assert len(pieces) >= 5
    assert max(len(piece) for piece in pieces) <= LIMIT
    for piece in pieces:
        piece.decode("utf-8")  # each piece ends on a character boundary
    data = b"".join(pieces)
    if fmt == "xbel":
        tree = assert_valid(data, XBEL_DTD_WITH_METADATA)
        assert len(tree.findall(".//bookmark")) == count
    else:
        check_netscape(data, state(database, user_id))


@pytest.mark.parametrize("fmt", ["html", "xbel"])
def test_export_pieces_are_bounded_in_bytes(
    database: Database, settings: Settings, fmt: str
) -> None:
    """An account in Chinese, Japanese or emoji is three or four bytes a character: the
    pieces stay about 64 KiB all the same."""
    texts = ["中文書籤標題" * 20, "日本語のブックマーク" * 12, "😀🇫🇷👩\u200d👩\u200d👧" * 20]
    user_id = build_large(database, settings, 1500, texts, folders_count=1)
    with database.unit(write=False) as session:
        sizes = [len(piece) for piece in export(session, user_id, fmt, exported_at=EXPORTED_AT)]
    assert len(sizes) >= 5
    assert max(sizes) <= LIMIT, sizes
