"""The Netscape bookmark file reader on its own (no database): the leniency browsers
need (case, unclosed tags, entities, encodings, date units, truncation) and its limits."""

from __future__ import annotations

import codecs
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from markhive.importexport import netscape
from markhive.importexport.model import (
    MAX_DEPTH,
    BookmarkFileError,
    Entry,
    Event,
    FolderEnd,
    FolderStart,
    Skip,
)

DOCTYPE = "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"
CUT = "the entry is cut off at the end of the file"
T0 = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)  # 1700000000


def read(data: str | bytes) -> list[Event]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(netscape.read(io.BytesIO(raw)))


def entry(index: int, url: str, title: str = "", **fields: Any) -> Entry:
    return Entry(index=index, url=url, title=title, **fields)


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


# -- tags and attributes ---------------------------------------------------------------


def test_tags_and_attributes_in_any_case() -> None:
    events = read(
        "<!doctype netscape-bookmark-file-1>\n"
        "<dl><p>\n"
        '<Dt><h3 Add_Date="1700000000" last_modified="1700000060">Mixed Case</H3>\n'
        "<dL><P>\n"
        '    <dt><a Href="https://example.com/a" add_date="1700000000" Last_Modified="1700000100"'
        ' tags="One,two" ToRead="1" private="0" Last_Visit="1700000200">Lower</a>\n'
        "    <dd>Lower-case description\n"
        "    <DT><A HREF=https://example.com/b ADD_DATE=1700000000 TAGS=solo>Unquoted</A>\n"
        "    <DT><A HREF='https://example.com/c' TAGS='x, y ,,z'>Single quoted</A>\n"
        "</Dl><p>\n"
        "</DL>\n"
    )
    assert events == [
        FolderStart("Mixed Case", T0, at(1700000060)),
        entry(
            0,
            "https://example.com/a",
            "Lower",
            description="Lower-case description",
            tags=["One", "two"],
            added=T0,
            modified=at(1700000100),
            visited=at(1700000200),
            unread=True,
            private=False,
        ),
        entry(1, "https://example.com/b", "Unquoted", tags=["solo"], added=T0),
        entry(2, "https://example.com/c", "Single quoted", tags=["x", "y", "z"]),
        FolderEnd(),
    ]


def test_unclosed_and_closed_dt_dd_and_p() -> None:
    """<DT> and <p> are never closed by browsers, sometimes closed by other tools; a
    <DL> may hold an <A> with no <DT> at all; stray closing tags do no harm."""
    events = read(
        DOCTYPE + "<DL><p>\n"
        '<DT><H3>One</H3><p>\n<DL><p><A HREF="http://x.example.com/">no DT</A>\n</DL><p>\n'
        '<DT><A HREF="http://y.example.com/">closed DT</A></DT><p></p>\n'
        '<DT><A HREF="http://z.example.com/">closed DD</A>\n<DD>about z</DD></p>\n'
        "<p><p><HR><p>\n"
        '<DT><A HREF="http://w.example.com/">last</A>\n'
        "</DL><p></DL></DL></p>\n"
    )
    assert events == [
        FolderStart("One"),
        entry(0, "http://x.example.com/", "no DT"),
        FolderEnd(),
        entry(1, "http://y.example.com/", "closed DT"),
        entry(2, "http://z.example.com/", "closed DD", description="about z"),
        entry(3, "http://w.example.com/", "last"),
    ]


def test_entities() -> None:
    events = read(
        DOCTYPE + "<DL><p>\n"
        "<DT><H3>R&amp;D &eacute;quipe</H3>\n<DD>folder &lt;notes&gt;\n<DL><p>\n"
        '<DT><A HREF="http://a.example.com/?a=1&amp;b=2&c=3" TAGS="caf&eacute;,&#x263A;">'
        "Tom &amp; Jerry&#39;s &eacute;t&eacute; &#x263A; &#8364;5 a&nbsp;b Q&A &lt;b&gt; "
        "&quot;q&quot;</A>\n"
        "<DD>&lt;p&gt; &#39;quoted&#39; &amp;amp;\n"
        "</DL><p>\n</DL>\n"
    )
    assert events == [
        FolderStart("R&D \u00e9quipe", description="folder <notes>"),
        entry(
            0,
            "http://a.example.com/?a=1&b=2&c=3",
            'Tom & Jerry\'s \u00e9t\u00e9 \u263a \u20ac5 a\u00a0b Q&A <b> "q"',
            description="<p> 'quoted' &amp;",
            tags=["caf\u00e9", "\u263a"],
        ),
        FolderEnd(),
    ]


def test_unescaped_ampersands_in_urls_stay() -> None:
    """linkding and others write the URL unescaped: ``&region``, ``&copy``, ``&not``
    start like HTML 4 entities but are query parameters."""
    url = "https://example.com/search?q=x&region=US&copy=2&not=3&lang=en&para=1"
    events = read(DOCTYPE + f'<DL><p><DT><A HREF="{url}">search</A></DL>')
    assert events == [entry(0, url, "search")]


def test_multi_line_titles_and_line_breaks() -> None:
    """A title may span lines (kept as written, less the outer whitespace); <BR> is a
    line break in titles and descriptions."""
    events = read(
        DOCTYPE + "<DL><p>\n"
        '<DT><A HREF="https://example.com/taocp">\n'
        "    The Art of\nComputer Programming\n    </A>\n"
        "<DD>Volume 1<BR>Fundamental Algorithms<br>\n"
        '<DT><A HREF="https://example.com/two">two<BR>lines</A>\n'
        "</DL>\n"
    )
    assert events == [
        entry(
            0,
            "https://example.com/taocp",
            "The Art of\nComputer Programming",
            description="Volume 1\nFundamental Algorithms",
        ),
        entry(1, "https://example.com/two", "two\nlines"),
    ]


def test_no_url_and_title_that_is_the_url() -> None:
    events = read(
        DOCTYPE + "<DL><p>\n"
        "<DT><A>nowhere</A>\n"
        '<DT><A HREF="   ">blank</A>\n'
        '<DT><A HREF="https://example.com/">https://example.com/</A>\n'
        '<DT><A HREF="https://example.com/x">  </A>\n'
        "</DL>\n"
    )
    assert events == [
        Skip(0, "", "the entry has no URL"),
        Skip(1, "", "the entry has no URL"),
        entry(2, "https://example.com/"),
        entry(3, "https://example.com/x"),
    ]


def test_linkding_notes_are_split_off() -> None:
    events = read(
        DOCTYPE + "<DL><p>\n"
        '<DT><A HREF="https://a.example.com/">a</A>\n'
        "<DD>desc[linkding-notes]first\nsecond[/linkding-notes]\n"
        '<DT><A HREF="https://b.example.com/">b</A>\n'
        "<DD>[linkding-notes]only notes[/linkding-notes]\n"
        '<DT><A HREF="https://c.example.com/">c</A>\n'
        "<DD>mentions [linkding-notes] but does not end with the block\n"
        '<DT><A HREF="https://d.example.com/" TAGS="x,LINKDING:bookmarks.archived">d</A>\n'
        "</DL>\n"
    )
    assert events == [
        entry(0, "https://a.example.com/", "a", description="desc", notes="first\nsecond"),
        entry(1, "https://b.example.com/", "b", notes="only notes"),
        entry(
            2,
            "https://c.example.com/",
            "c",
            description="mentions [linkding-notes] but does not end with the block",
        ),
        entry(3, "https://d.example.com/", "d", tags=["x"], archived=True),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("0", False), ("true", True), ("false", False), ("", False)],
)
def test_flags(value: str, expected: bool) -> None:
    (event,) = read(
        DOCTYPE + f'<DL><p><DT><A HREF="https://a.example.com/" TOREAD="{value}" '
        f'PRIVATE="{value}">a</A></DL>'
    )
    assert isinstance(event, Entry)
    assert (event.unread, event.private) == (expected, expected)


@pytest.mark.parametrize("value", ["False", "FALSE"])
def test_false_flags_in_any_case(value: str) -> None:
    """ "false" is read as false; so must "False" be (Python-made exports write it so).
    (Once a bug: netscape._flag compared case-sensitively and read "False" as true, which
    marked the bookmark unread and, with map_private, private.)"""
    (event,) = read(
        DOCTYPE + f'<DL><p><DT><A HREF="https://a.example.com/" TOREAD="{value}" '
        f'PRIVATE="{value}">a</A></DL>'
    )
    assert isinstance(event, Entry)
    assert (event.unread, event.private) == (False, False)


# -- encodings -----------------------------------------------------------------------------

BODY = '<DL><p>\n<DT><H3>Caf\u00e9</H3>\n<DL><p>\n<DT><A HREF="https://a.example.com/">{title}</A>\n</DL><p>\n</DL>\n'


def cafe(title: str) -> list[Event]:
    return [FolderStart("Caf\u00e9"), entry(0, "https://a.example.com/", title), FolderEnd()]


def test_utf8_bom_wins_over_a_declared_charset() -> None:
    text = (
        DOCTYPE
        + '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1252">\n'
        + BODY.format(title="Caf\u00e9 \u263a \u2014 \u20ac")
    )
    assert read(codecs.BOM_UTF8 + text.encode("utf-8")) == cafe("Caf\u00e9 \u263a \u2014 \u20ac")


def test_undeclared_windows_1252() -> None:
    data = (DOCTYPE + BODY.format(title="Caf\u00e9 \u2013 5\u20ac \u2019quoted\u2019")).encode(
        "cp1252"
    )
    assert read(data) == cafe("Caf\u00e9 \u2013 5\u20ac \u2019quoted\u2019")


def test_declared_utf8_that_is_windows_1252() -> None:
    """Old exports declare UTF-8 and are not: the bytes decide."""
    text = (
        DOCTYPE
        + '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">\n'
        + BODY.format(title="Caf\u00e9 \u20ac")
    )
    assert read(text.encode("cp1252")) == cafe("Caf\u00e9 \u20ac")


@pytest.mark.parametrize(
    ("label", "codec", "folder", "title"),
    [
        ("windows-1252", "cp1252", "Caf\u00e9", "Caf\u00e9 \u2013 5\u20ac"),
        ("Shift_JIS", "shift_jis", "\u30cb\u30e5\u30fc\u30b9", "Yahoo! JAPAN \u2015 \u691c\u7d22"),
        (
            "koi8-r",
            "koi8_r",
            "\u041d\u043e\u0432\u043e\u0441\u0442\u0438",
            "\u042f\u043d\u0434\u0435\u043a\u0441",
        ),
        ("iso-8859-15", "iso8859_15", "Caf\u00e9", "5\u20ac \u0153uvre"),
    ],
)
def test_declared_charset(label: str, codec: str, folder: str, title: str) -> None:
    text = (
        DOCTYPE
        + f'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset={label}">\n'
        + BODY.format(title=title).replace("Caf\u00e9", folder, 1)
    )
    assert read(text.encode(codec)) == [
        FolderStart(folder),
        entry(0, "https://a.example.com/", title),
        FolderEnd(),
    ]


def test_declared_iso_8859_1_is_windows_1252() -> None:
    """HTML reads a declared ISO-8859-1 (or US-ASCII) as windows-1252 (WHATWG Encoding:
    the labels are windows-1252's), and Windows exports that declare it hold 0x80-0x9F
    bytes for \u20ac \u2019 \u201c \u2013. (Once a bug: charset.detect() used Python's latin-1, so
    those bytes became C1 control characters, U+0080, U+0092...)"""
    text = (
        DOCTYPE
        + '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ISO-8859-1">\n'
        + BODY.format(title="It\u2019s 5\u20ac \u2013 \u201cCaf\u00e9\u201d")
    )
    assert read(text.encode("cp1252")) == cafe("It\u2019s 5\u20ac \u2013 \u201cCaf\u00e9\u201d")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    text = DOCTYPE + BODY.format(title="Caf\u00e9 \u263a \U0001f516")
    assert read(bom + text.encode(codec)) == cafe("Caf\u00e9 \u263a \U0001f516")


# -- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1700000000", T0),  # seconds (every browser)
        ("1700000000123", T0),  # milliseconds
        ("1700000000123456", T0),  # microseconds (Firefox's PRTime)
        ("1700000000123456789", T0),  # nanoseconds
        (" 1700000000 ", T0),
        ("1700000000.75", T0),
        ("946684800", datetime(2000, 1, 1, tzinfo=UTC)),
        ("946684800000", datetime(2000, 1, 1, tzinfo=UTC)),
        ("0", None),  # Netscape's "unknown"
        ("", None),
        ("yesterday", None),
        ("99999999999999999999999999", None),  # beyond the calendar
    ],
)
def test_add_date_units(value: str, expected: datetime | None) -> None:
    (event,) = read(
        DOCTYPE + f'<DL><p><DT><A HREF="https://a.example.com/" ADD_DATE="{value}" '
        f'LAST_MODIFIED="{value}" LAST_VISIT="{value}">a</A></DL>'
    )
    assert isinstance(event, Entry)
    assert (event.added, event.modified, event.visited) == (expected, expected, expected)


# -- structure ---------------------------------------------------------------------------


def test_h3_without_a_list_is_an_empty_folder() -> None:
    events = read(
        DOCTYPE + "<DL><p>\n"
        '<DT><H3 ADD_DATE="1700000000">Empty</H3>\n'
        "<DT><H3>Described, empty</H3>\n<DD>nothing here yet\n"
        "<DT><H3>Full</H3>\n<DL><p>\n"
        "    <DT><H3>Inner empty</H3>\n"
        '    <DT><A HREF="https://a.example.com/">a</A>\n'
        "</DL><p>\n"
        '<DT><A HREF="https://b.example.com/">b</A>\n'
        "<DT><H3>Last, empty</H3>\n"
        "</DL><p>\n"
    )
    assert events == [
        FolderStart("Empty", added=T0),
        FolderEnd(),
        FolderStart("Described, empty", description="nothing here yet"),
        FolderEnd(),
        FolderStart("Full"),
        FolderStart("Inner empty"),
        FolderEnd(),
        entry(0, "https://a.example.com/", "a"),
        FolderEnd(),
        entry(1, "https://b.example.com/", "b"),
        FolderStart("Last, empty"),
        FolderEnd(),
    ]


def test_separators_comments_and_anonymous_lists_make_no_folders() -> None:
    events = read(
        DOCTYPE + "<DL><p>\n"
        '<!-- a comment with <DT><A HREF="https://no.example.com/">no</A> inside -->\n'
        '<DT><A HREF="https://a.example.com/">a</A>\n<HR>\n'
        '<DL><p><DT><A HREF="https://b.example.com/">in a list without a heading</A></DL><p>\n'
        "</DL><p>\n"
    )
    assert events == [
        entry(0, "https://a.example.com/", "a"),
        entry(1, "https://b.example.com/", "in a list without a heading"),
    ]


FOLDERED = (
    DOCTYPE + "<DL><p>\n"
    "<DT><H3>Outer</H3>\n<DL><p>\n"
    '    <DT><A HREF="https://a.example.com/" ADD_DATE="1700000000">a</A>\n'
    "    <DT><H3>Inner</H3>\n    <DL><p>\n"
    '        <DT><A HREF="https://b.example.com/">b</A>\n'
    '        <DT><A HREF="https://c.example.com/page?x=1" ADD_DATE="1700000000" '
    'ICON="data:image/png;base64,iVBORw0KGgo">c</A>\n'
    "    </DL><p>\n"
    "</DL><p>\n"
    "</DL><p>\n"
)
COMPLETE = [
    FolderStart("Outer"),
    entry(0, "https://a.example.com/", "a", added=T0),
    FolderStart("Inner"),
    entry(1, "https://b.example.com/", "b"),
]


@pytest.mark.parametrize(
    ("cut_after", "url"),
    [
        (
            '<DT><A HREF="https://c.example.com/page?x=1" ADD_DATE="1700',
            "https://c.example.com/page?x=1",
        ),
        ('ICON="data:image/png;base64,iVBO', "https://c.example.com/page?x=1"),
        ('<DT><A HREF="https://c.example.com/pa', "https://c.example.com/pa"),
        ("<DT><A HREF=", ""),
        ("<DT><A", ""),
    ],
)
def test_truncated_inside_an_entry(cut_after: str, url: str) -> None:
    """A file cut off inside an <A> tag: everything before it is read, the open folders
    are closed, and the entry cut off is a Skip with what there is of its URL."""
    data = FOLDERED[: FOLDERED.rindex(cut_after) + len(cut_after)]
    assert read(data) == [*COMPLETE, FolderEnd(), FolderEnd(), Skip(2, url, CUT)]


def test_truncated_inside_a_long_entry_across_a_read_boundary() -> None:
    """Firefox and Chrome write favicons as ICON data URIs, some of them 10-20 KB (SVG,
    64x64 PNG). A file cut off inside such an entry, where the entry began more than
    8 KiB characters before the reader's 64 KiB read boundary and the cut is
    after it, must still report the entry cut off.
    (Once a bug: netscape.read() kept only the last 8 KiB of what it read to find the
    cut-off <A> (_cut_entry looks for its "<"), so the "<A" was no longer there and the
    entry silently disappeared: no Skip, nothing in the report.)"""
    icon = "data:image/png;base64," + "iVBORw0KGgo" * 1500
    lines = [DOCTYPE, "<DL><p>\n"]
    size = len(DOCTYPE) + len("<DL><p>\n")
    count = 0
    while size < netscape.CHUNK - 12_000:
        line = f'<DT><A HREF="https://e{count}.example.com/" ICON="{icon[:1000]}">e{count}</A>\n'
        lines.append(line)
        size += len(line)
        count += 1
    head = "".join(lines) + "<DT>"
    cut = f'<A HREF="https://cut.example.com/" ICON="{icon}'
    data = head + cut
    data = data[: netscape.CHUNK + 500]
    assert len(head) < netscape.CHUNK - 8192 < netscape.CHUNK < len(data)
    events = read(data)
    assert events[:count] == [entry(i, f"https://e{i}.example.com/", f"e{i}") for i in range(count)]
    assert events[count:] == [Skip(count, "https://cut.example.com/", CUT)]


def test_truncated_between_entries() -> None:
    data = FOLDERED[: FOLDERED.index('        <DT><A HREF="https://c.')]
    assert read(data) == [*COMPLETE, FolderEnd(), FolderEnd()]


def nested(depth: int) -> str:
    return (
        DOCTYPE
        + "<DL><p>\n"
        + "<DT><H3>level</H3>\n<DL><p>\n" * depth
        + '<DT><A HREF="https://deep.example.com/">deep</A>\n'
        + "</DL><p>\n" * depth
        + "</DL><p>\n"
    )


def test_256_nested_folders_are_fine() -> None:
    assert MAX_DEPTH == 256
    events = read(nested(256))
    assert events == [
        *[FolderStart("level")] * 256,
        entry(0, "https://deep.example.com/", "deep"),
        *[FolderEnd()] * 256,
    ]


@pytest.mark.parametrize("depth", [257, 300])
def test_deeper_nesting_refuses_the_file(depth: int) -> None:
    with pytest.raises(BookmarkFileError, match="nested more than 256 levels deep"):
        read(nested(depth))


def test_unclosed_nesting_counts_too() -> None:
    """Browsers never close anything at the end of a cut file: depth is what is open."""
    data = DOCTYPE + "<DL><p>\n" + "<DT><H3>f</H3><DL><p>\n" * 300
    with pytest.raises(BookmarkFileError, match="nested more than 256 levels deep"):
        read(data)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"<html><head><title>Hello</title></head><body><p>Just a page</p></body></html>",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ],
)
def test_not_a_bookmark_file(data: bytes) -> None:
    with pytest.raises(BookmarkFileError):
        read(data)
