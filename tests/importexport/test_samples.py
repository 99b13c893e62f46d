"""Realistic export files of every browser and service markhive imports from (in
``samples/``), imported into a fresh account and checked value by value: the report,
the folder tree, and the bookmarks as the account then holds them (read back through the
exporter's event stream). Importing the same file again must change nothing.

The samples are written by hand after each program's exporter:
- chrome.html: Chrome's writer (bookmark bar folder with PERSONAL_TOOLBAR_FOLDER, "Other
  bookmarks" and "Mobile bookmarks" as folders, ICON data URIs, an empty folder, titles
  escaped with &#39; and &lt;, a title that is the URL, a chrome: URL, a duplicate URL);
- firefox.html: Firefox's BookmarkHTMLUtils (the Bookmarks Menu is the top list,
  "Bookmarks Toolbar"/"Other Bookmarks" folders with their flags, <DD> on folders and
  bookmarks, multi-line descriptions, place: queries, a bookmarklet, <HR>, SHORTCUTURL,
  ICON_URI, TAGS with a space, one ADD_DATE in microseconds, about: and file: URLs);
- safari.html: Safari's export (tabs, no dates at all, <H3 FOLDED id=...>, no outer
  <DL> around the top folders, lower-case tags in one folder, the Reading List);
- edge_ie.html: Internet Explorer / legacy Edge (windows-1252 without any charset
  declaration, CRLF line ends, FOLDED, FEED/WEBSLICE attributes, LAST_VISIT, a res: URL);
- pinboard.html: Pinboard (flat, PRIVATE/TOREAD/TAGS on every entry, <DD> extended
  text, blank lines between entries, ``</DL></p>`` at the end);
- delicious.html: old Delicious (LAST_VISIT before ADD_DATE, PRIVATE not always there,
  one ADD_DATE in milliseconds, a tag with a space, a URL with a space);
- shaarli.html: Shaarli (TAGS comma-joined by NetscapeBookmarkUtils, LAST_MODIFIED only
  when edited, a note with its permalink prepended and one left relative as ``?hash``);
- linkding.html: linkding's exporter, byte for byte in form: lines joined with "\\n\\r",
  the URL not escaped (``&region=`` must not become an entity), notes in
  ``[linkding-notes]``, the archived pseudo-tag, an empty title;
- kde_floccus.xbel: XBEL as KDE and Floccus write it (XBEL public id, Floccus'
  ``<!--- highestId`` comment, freedesktop and KDE metadata that must be ignored, a
  separator, an alias, dates with offsets and fractions, a GNOME-style file: entry).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from markhive.db.session import Database
from markhive.importexport import export
from markhive.importexport.model import Entry, Event, FolderEnd, FolderStart
from markhive.importexport.service import ImportOptions, ImportReport, import_file
from markhive.settings import Settings
from markhive.users import repository as users_repository
from markhive.users.service import create_user

SAMPLES = Path(__file__).parent / "samples"
ONLY = "(only http, https, ftp, ftps)"
PLACE = "Firefox place: queries are not bookmarks"
BOOKMARKLET = "bookmarklets (javascript: URLs) are not imported"
RELATIVE = "a relative URL, not a web address"
INVALID = "not a valid URL"
CUT = "the entry is cut off at the end of the file"
ALIAS = "XBEL aliases are not imported"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def bookmark(url: str, title: str, added: datetime, **fields: Any) -> Entry:
    """A bookmark as the exporter gives it back: what the file did not say is at its
    default (not unread, not shared, not archived, modified when added)."""
    fields.setdefault("modified", added)
    values: dict[str, Any] = {
        "description": "",
        "notes": "",
        "tags": [],
        "visited": None,
        "reminder": None,
        "unread": False,
        "shared": False,
        "archived": False,
        "favorite": False,
        "rating": 0,
        "visits": 0,
        **fields,
    }
    return Entry(index=0, url=url, title=title, added=added, **values)


def aware(value: datetime | None) -> datetime | None:
    """The exporter's datetimes are UTC, naive or not (as the driver gives them)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def in_utc(event: Event) -> Event:
    if isinstance(event, Entry):
        return replace(
            event,
            added=aware(event.added),
            modified=aware(event.modified),
            visited=aware(event.visited),
            reminder=aware(event.reminder),
        )
    if isinstance(event, FolderStart):
        return replace(event, added=aware(event.added), modified=aware(event.modified))
    return event


def error(index: int, url: str, reason: str) -> dict[str, Any]:
    return {"index": index, "url": url, "reason": reason}


@dataclass
class Snapshot:
    """What the account holds, read back through the exporter."""

    events: list[Event]
    xbel: bytes
    data_version: int

    @property
    def folders(self) -> dict[str, FolderStart]:
        """Each folder by its path (names joined with "/")."""
        found: dict[str, FolderStart] = {}
        for path, event in self._walk():
            if isinstance(event, FolderStart):
                found[path] = event
        return found

    @property
    def bookmarks(self) -> dict[str, tuple[str, Entry]]:
        """Each bookmark by its URL, with the path of its folder ("" for the root)."""
        found: dict[str, tuple[str, Entry]] = {}
        for path, event in self._walk():
            if isinstance(event, Entry):
                assert event.url not in found, f"{event.url} is there twice"
                found[event.url] = (path, event)
        return found

    def _walk(self) -> list[tuple[str, Event]]:
        stack: list[str] = []
        walked: list[tuple[str, Event]] = []
        for event in map(in_utc, self.events):
            if isinstance(event, FolderStart):
                stack.append(event.name)
                walked.append(("/".join(stack), event))
            elif isinstance(event, FolderEnd):
                stack.pop()
            else:
                walked.append(("/".join(stack), event))
        return walked


@dataclass
class Account:
    database: Database
    user_id: int

    def load(self, name: str | bytes, **options: Any) -> ImportReport:
        data = name if isinstance(name, bytes) else (SAMPLES / name).read_bytes()
        return import_file(
            self.database, self.user_id, io.BytesIO(data), options=ImportOptions(**options)
        )

    def snapshot(self) -> Snapshot:
        with self.database.unit(write=False) as session:
            events = list(export.events(session, self.user_id))
            xbel = b"".join(export.export(session, self.user_id, "xbel", "2000-01-01T00:00:00Z"))
            version = users_repository.data_version(session, self.user_id)
        return Snapshot(events, xbel, version)

    def load_again(self, name: str | bytes, first: ImportReport, **options: Any) -> None:
        """Import the file a second time: every entry it imported or met is now
        unchanged, the same ones are skipped, and the account is exactly as it was."""
        before = self.snapshot()
        again = self.load(name, **options)
        assert again.as_dict() == {
            "imported": 0,
            "updated": 0,
            "unchanged": first.imported + first.updated + first.unchanged,
            "skipped": first.skipped,
            "folders_created": 0,
            "errors": first.errors,
        }
        after = self.snapshot()
        assert after.events == before.events
        assert after.xbel == before.xbel
        assert after.data_version == before.data_version


@pytest.fixture
def account(database: Database, settings: Settings) -> Account:
    with database.unit() as session:
        user = create_user(session, settings, "alice")
        session.flush()
        user_id = user.id
    return Account(database, user_id)


def between(value: datetime | None, start: datetime, end: datetime) -> bool:
    return value is not None and start <= value <= end


# -- Chrome ------------------------------------------------------------------------------


def test_chrome(account: Account) -> None:
    report = account.load("chrome.html")
    assert report.as_dict() == {
        "imported": 10,
        "updated": 0,
        # the second https://www.python.org (no trailing slash) is the same bookmark
        "unchanged": 1,
        "skipped": 1,
        "folders_created": 7,
        "errors": [error(9, "chrome://settings/", f"chrome: URLs are not imported {ONLY}")],
    }
    snap = account.snapshot()
    folders = snap.folders
    assert sorted(folders) == [
        "Bookmarks bar",
        "Bookmarks bar/Dev",
        "Bookmarks bar/Dev/Read later",
        "Bookmarks bar/Dev/Rust",
        "Mobile bookmarks",
        "Other bookmarks",
        "Other bookmarks/Recipes \u2215 Cooking",
    ]
    assert folders["Bookmarks bar"] == FolderStart(
        "Bookmarks bar", utc(2023, 7, 1, 12), utc(2024, 4, 1, 9)
    )
    assert folders["Bookmarks bar/Dev/Read later"] == FolderStart(
        "Read later", utc(2023, 7, 22, 4, 35), utc(2023, 7, 22, 4, 35)
    )
    assert folders["Other bookmarks/Recipes \u2215 Cooking"] == FolderStart(
        "Recipes \u2215 Cooking", utc(2024, 1, 11, 19, 10, 50), utc(2024, 1, 11, 19, 11, 40)
    )
    marks = snap.bookmarks
    assert len(marks) == 10
    # the first occurrence wins: its title, its folder, its date
    assert marks["https://www.python.org/"] == (
        "Bookmarks bar",
        bookmark("https://www.python.org/", "Welcome to Python.org", utc(2023, 7, 1, 12, 1)),
    )
    assert marks["https://github.com/"] == (
        "Bookmarks bar",
        bookmark(
            "https://github.com/",
            "GitHub: Let's build from here \u00b7 GitHub",
            utc(2023, 7, 1, 12, 2),
        ),
    )
    mdn = "https://developer.mozilla.org/en-US/docs/Web/HTML/Element/canvas"
    assert marks[mdn] == (
        "Bookmarks bar/Dev",
        bookmark(
            mdn,
            "<canvas>: The Graphics Canvas element - HTML: HyperText Markup Language | MDN",
            utc(2023, 7, 22, 4, 29, 20),
        ),
    )
    assert marks["https://docs.python.org/3/library/asyncio.html"][1].title == (
        "asyncio \u2014 Asynchronous I/O \u2014 Python 3.12.2 documentation"
    )
    assert marks["https://crates.io/crates/serde"] == (
        "Bookmarks bar/Dev/Rust",
        bookmark(
            "https://crates.io/crates/serde",
            "serde - crates.io: Rust Package Registry",
            utc(2023, 7, 22, 4, 33, 20),
        ),
    )
    # Chrome writes the URL when there is no title: the bookmark has none
    assert marks["https://example.org/untitled"] == (
        "Other bookmarks",
        bookmark("https://example.org/untitled", "", utc(2024, 1, 11, 19, 8, 20)),
    )
    assert marks["https://www.seriouseats.com/the-food-lab-5118015"][0] == (
        "Other bookmarks/Recipes \u2215 Cooking"
    )
    wiki = "https://en.m.wikipedia.org/wiki/Bookmark_(digital)"
    assert marks[wiki] == (
        "Mobile bookmarks",
        bookmark(wiki, "Bookmark (digital) - Wikipedia", utc(2024, 4, 1, 19, 41, 40)),
    )
    account.load_again("chrome.html", report)


def test_chrome_truncated(account: Account) -> None:
    """A download cut off inside an entry: what is complete is imported, the entry cut
    off is reported, and the folders opened so far are made."""
    data = (SAMPLES / "chrome.html").read_bytes()
    cut = data.index(b"ICON=", data.index(b"https://crates.io/crates/serde")) + 40
    report = account.load(data[:cut])
    assert report.as_dict() == {
        "imported": 5,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "folders_created": 3,
        "errors": [error(5, "https://crates.io/crates/serde", CUT)],
    }
    snap = account.snapshot()
    assert sorted(snap.folders) == ["Bookmarks bar", "Bookmarks bar/Dev", "Bookmarks bar/Dev/Rust"]
    assert {url: path for url, (path, _) in snap.bookmarks.items()} == {
        "https://www.python.org/": "Bookmarks bar",
        "https://github.com/": "Bookmarks bar",
        "https://docs.python.org/3/library/asyncio.html": "Bookmarks bar/Dev",
        "https://developer.mozilla.org/en-US/docs/Web/HTML/Element/canvas": "Bookmarks bar/Dev",
        "https://doc.rust-lang.org/book/": "Bookmarks bar/Dev/Rust",
    }
    # the whole file afterwards completes the account
    report = account.load("chrome.html")
    assert (report.imported, report.unchanged, report.folders_created) == (5, 6, 4)
    assert len(account.snapshot().bookmarks) == 10


# -- Firefox -----------------------------------------------------------------------------


def test_firefox(account: Account) -> None:
    report = account.load("firefox.html")
    assert report.as_dict() == {
        "imported": 8,
        "updated": 0,
        "unchanged": 0,
        "skipped": 5,
        "folders_created": 4,
        "errors": [
            error(0, "place:sort=8&maxResults=10", PLACE),
            error(
                5,
                "javascript:(function(){location.href="
                "'https://web.archive.org/save/'+location.href;})();",
                BOOKMARKLET,
            ),
            error(8, "place:type=6&sort=14&maxResults=10", PLACE),
            error(11, "about:preferences", f"about: URLs are not imported {ONLY}"),
            error(12, "file:///home/ana/notes/todo.html", f"file: URLs are not imported {ONLY}"),
        ],
    }
    snap = account.snapshot()
    folders = snap.folders
    # the Bookmarks Menu is the file's top list: its entries go to the root
    assert sorted(folders) == [
        "Bookmarks Toolbar",
        "Bookmarks Toolbar/News",
        "Mozilla Firefox",
        "Other Bookmarks",
    ]
    assert folders["Bookmarks Toolbar"] == FolderStart(
        "Bookmarks Toolbar",
        utc(2023, 1, 1),
        utc(2024, 4, 24, 23, 6, 40),
        "Add bookmarks to this folder to see them displayed on the Bookmarks Toolbar",
    )
    assert folders["Bookmarks Toolbar/News"] == FolderStart(
        "News",
        utc(2023, 11, 14, 22, 13, 20),
        utc(2024, 4, 5, 19, 34, 38),
        "Things I read in the morning.\nRefreshed daily.",
    )
    assert folders["Other Bookmarks"].description == ""
    marks = snap.bookmarks
    assert len(marks) == 8
    assert marks["https://support.mozilla.org/products/firefox"] == (
        "",
        bookmark(
            "https://support.mozilla.org/products/firefox",
            "Get Help",
            utc(2023, 1, 1),
            modified=utc(2023, 1, 1, 0, 0, 1),
        ),
    )
    assert marks["https://www.mozilla.org/en-US/about/"][0] == "Mozilla Firefox"
    assert marks["https://developer.mozilla.org/en-US/"] == (
        "Bookmarks Toolbar",
        bookmark(
            "https://developer.mozilla.org/en-US/",
            "MDN Web Docs",
            utc(2023, 3, 28, 10, 40),
            modified=utc(2024, 4, 5, 19, 34, 38),
            description="Resources for Developers, by Developers.",
            tags=["docs", "reference", "web"],
        ),
    )
    # ADD_DATE in microseconds (PRTime), LAST_MODIFIED in seconds
    assert marks["https://lwn.net/"] == (
        "Bookmarks Toolbar/News",
        bookmark(
            "https://lwn.net/",
            "LWN.net",
            utc(2005, 1, 1),
            modified=utc(2024, 4, 5, 19, 34, 38),
            description="Linux Weekly News: the kernel, distributions\n"
            "and the free software world.\n\nSubscriber since 2005 & still reading.",
        ),
    )
    guardian = marks["https://www.theguardian.com/international"][1]
    assert guardian.title == (
        "News, sport and opinion from the Guardian's global edition | The Guardian"
    )
    assert guardian.description == ""
    assert marks["https://arxiv.org/abs/1706.03762"] == (
        "Other Bookmarks",
        bookmark(
            "https://arxiv.org/abs/1706.03762",
            "[1706.03762] Attention Is All You Need",
            utc(2024, 4, 1, 19, 33, 20),
            modified=utc(2024, 4, 1, 19, 38, 20),
            tags=["ml", "papers", "to-read"],  # whitespace inside a tag becomes "-"
        ),
    )
    assert marks["ftp://ftp.gnu.org/gnu/emacs/"] == (
        "Other Bookmarks",
        bookmark("ftp://ftp.gnu.org/gnu/emacs/", "Index of /gnu/emacs", utc(2024, 4, 2, 23, 20)),
    )
    account.load_again("firefox.html", report)


# -- Safari ------------------------------------------------------------------------------


def test_safari(account: Account) -> None:
    start = datetime.now(UTC)
    report = account.load("safari.html")
    end = datetime.now(UTC)
    assert report.as_dict() == {
        "imported": 6,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "folders_created": 4,
        "errors": [],
    }
    snap = account.snapshot()
    folders = snap.folders
    assert sorted(folders) == ["Bookmarks Menu", "Favorites", "Favorites/Travel", "Reading List"]
    # Safari writes no dates: folders and bookmarks are dated by the import
    for folder in folders.values():
        assert between(folder.added, start, end)
        assert folder.modified == folder.added
    marks = snap.bookmarks
    for _, entry in marks.values():
        assert between(entry.added, start, end)
        assert entry.modified == entry.added
    assert {url: (path, entry.title) for url, (path, entry) in marks.items()} == {
        "https://www.apple.com/": ("Favorites", "Apple"),
        "https://www.icloud.com/": ("Favorites", "iCloud"),
        "https://www.sbb.ch/en": ("Favorites/Travel", "SBB CFF FFS"),
        "https://www.booking.com/hotel/fr/le-petit-paris.html?aid=304142&label=gen173nr": (
            "Favorites/Travel",
            "H\u00f4tel Le Petit Paris, Paris \u2013 Updated 2024 Prices",
        ),
        "https://www.newyorker.com/magazine/2024/03/04/the-slow-death-of-the-bookmark": (
            "Reading List",
            "The Slow Death of the Bookmark | The New Yorker",
        ),
        "https://daringfireball.net/2024/02/safari_reading_list": (
            "Reading List",
            "Daring Fireball: Safari\u2019s Reading List",
        ),
    }
    reading = marks["https://daringfireball.net/2024/02/safari_reading_list"][1]
    added = reading.added
    assert added is not None
    # the file does not say the Reading List entries are unread
    assert reading == bookmark(reading.url, reading.title, added)
    account.load_again("safari.html", report)


# -- Internet Explorer / Edge ------------------------------------------------------------


def test_edge_ie_windows_1252(account: Account) -> None:
    assert b"charset" not in (SAMPLES / "edge_ie.html").read_bytes()
    report = account.load("edge_ie.html")
    assert report.as_dict() == {
        "imported": 6,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "folders_created": 3,
        "errors": [
            error(6, "res://ieframe.dll/navcancl.htm", f"res: URLs are not imported {ONLY}")
        ],
    }
    snap = account.snapshot()
    folders = snap.folders
    assert sorted(folders) == ["Caf\u00e9s & Bars", "Favorites Bar", "Links"]
    # no LAST_MODIFIED on IE's folders: modified when added
    assert folders["Favorites Bar"] == FolderStart(
        "Favorites Bar", utc(2010, 1, 1), utc(2010, 1, 1)
    )
    assert folders["Caf\u00e9s & Bars"] == FolderStart(
        "Caf\u00e9s & Bars", utc(2011, 3, 13, 7, 6, 40), utc(2011, 3, 13, 7, 6, 40)
    )
    marks = snap.bookmarks
    assert marks["http://go.microsoft.com/fwlink/p/?LinkId=255142"] == (
        "Favorites Bar",
        bookmark(
            "http://go.microsoft.com/fwlink/p/?LinkId=255142",
            "Bing",
            utc(2010, 1, 1),
            visited=utc(2010, 1, 2),
        ),
    )
    # a web slice: LAST_VISIT="0" means never visited
    assert marks["https://ieonline.microsoft.com/#ieslice"] == (
        "Favorites Bar",
        bookmark(
            "https://ieonline.microsoft.com/#ieslice", "Suggested Sites", utc(2010, 1, 1, 0, 1)
        ),
    )
    assert marks["http://www.msn.com/en-us/news/rss"][1].title == "MSN News \u2013 Top Stories"
    assert marks["http://www.cafedeflore.fr/"] == (
        "Caf\u00e9s & Bars",
        bookmark(
            "http://www.cafedeflore.fr/",
            "Caf\u00e9 de Flore \u2013 Saint-Germain-des-Pr\u00e9s",
            utc(2011, 3, 13, 7, 8, 20),
            visited=utc(2011, 3, 19, 2),
        ),
    )
    assert marks["http://www.example.de/preise?waehrung=EUR&land=DE"] == (
        "Caf\u00e9s & Bars",
        bookmark(
            "http://www.example.de/preise?waehrung=EUR&land=DE",
            "Preise in \u20ac \u2013 \u00dcbersicht",
            utc(2011, 3, 13, 7, 10),
        ),
    )
    assert marks["http://www.msn.com/"] == (
        "",
        bookmark(
            "http://www.msn.com/",
            "MSN \u2013 Nachrichten, Wetter, E-Mail und Hotmail",
            utc(2010, 1, 1),
            visited=utc(2010, 1, 1),
        ),
    )
    account.load_again("edge_ie.html", report)


# -- Pinboard ----------------------------------------------------------------------------

PINBOARD = {
    "jvns": "https://jvns.ca/blog/2022/02/20/things-that-used-to-be-hard-and-are-now-easy/",
    "bs4": "https://www.crummy.com/software/BeautifulSoup/bs4/doc/",
    "obesity": "https://idlewords.com/talks/website_obesity.htm",
    "raii": "https://en.cppreference.com/w/cpp/language/raii",
    "maps": "https://maps.google.com/?q=Gare+du+Nord&z=15",
    "emoji": "https://unicode.org/emoji/charts/full-emoji-list.html",
}


def test_pinboard(account: Account) -> None:
    report = account.load("pinboard.html")
    assert report.as_dict() == {
        "imported": 6,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "folders_created": 0,
        "errors": [],
    }
    snap = account.snapshot()
    assert snap.folders == {}
    marks = snap.bookmarks
    assert set(marks) == set(PINBOARD.values())
    # PRIVATE="0" does not share anything unless asked for
    assert [url for url, (_, entry) in marks.items() if entry.shared] == []
    assert marks[PINBOARD["jvns"]] == (
        "",
        bookmark(
            PINBOARD["jvns"],
            "Things that used to be hard and are now easy",
            utc(2022, 2, 21),
            description='A list of things that got easier: "what used to be hard" '
            "& what helps now.",
            tags=["blogs", "programming"],
        ),
    )
    assert marks[PINBOARD["bs4"]] == (
        "",
        bookmark(
            PINBOARD["bs4"],
            "Beautiful Soup Documentation \u2014 Beautiful Soup 4.12.0 documentation",
            utc(2022, 2, 27, 22, 13, 20),
            tags=["python", "scraping", "toread"],
            unread=True,
        ),
    )
    assert marks[PINBOARD["obesity"]][1] == bookmark(
        PINBOARD["obesity"],
        "The Website Obesity Crisis",
        utc(2015, 12, 13, 9, 46, 40),
        description="Transcript of a talk at Web Directions 2015.",
        tags=["performance", "via:maciej", "web"],
        unread=True,
    )
    # "Programming" is the tag "programming" made by the first entry
    assert marks[PINBOARD["raii"]][1].tags == ["c++", "programming"]
    assert marks[PINBOARD["maps"]][1].tags == []
    assert marks[PINBOARD["emoji"]][1] == bookmark(
        PINBOARD["emoji"],
        "Full Emoji List, v15.1",
        utc(2018, 6, 26, 8),
        description="Every emoji <with> its code points.",
        tags=["unicode", "\u00e9moji", "\u263a"],
    )
    account.load_again("pinboard.html", report)


def test_pinboard_map_private(account: Account) -> None:
    report = account.load("pinboard.html", map_private=True)
    assert (report.imported, report.skipped) == (6, 0)
    marks = account.snapshot().bookmarks
    shared = {url for url, (_, entry) in marks.items() if entry.shared}
    assert shared == {PINBOARD["jvns"], PINBOARD["obesity"], PINBOARD["maps"]}
    # everything else is as without the mapping
    assert marks[PINBOARD["obesity"]][1] == bookmark(
        PINBOARD["obesity"],
        "The Website Obesity Crisis",
        utc(2015, 12, 13, 9, 46, 40),
        description="Transcript of a talk at Web Directions 2015.",
        tags=["performance", "via:maciej", "web"],
        unread=True,
        shared=True,
    )
    account.load_again("pinboard.html", report, map_private=True)
    # a later import without the mapping unshares nothing (nothing is ever cleared)
    account.load_again("pinboard.html", report)


def test_pinboard_map_private_later(account: Account) -> None:
    """Imported without the mapping, then again with it: the PRIVATE="0" bookmarks
    become shared, which is an update of those three."""
    account.load("pinboard.html")
    report = account.load("pinboard.html", map_private=True)
    assert (report.imported, report.updated, report.unchanged) == (0, 3, 3)
    marks = account.snapshot().bookmarks
    assert {url for url, (_, e) in marks.items() if e.shared} == {
        PINBOARD["jvns"],
        PINBOARD["obesity"],
        PINBOARD["maps"],
    }


# -- Delicious ---------------------------------------------------------------------------


def test_delicious(account: Account) -> None:
    report = account.load("delicious.html")
    assert report.as_dict() == {
        "imported": 4,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "folders_created": 0,
        "errors": [error(4, "http://www.example.com/my page.html", INVALID)],
    }
    marks = account.snapshot().bookmarks
    assert marks["http://www.alistapart.com/articles/taminglists/"] == (
        "",
        bookmark(
            "http://www.alistapart.com/articles/taminglists/",
            "A List Apart: Articles: CSS Design: Taming Lists",
            utc(2006, 10, 4, 22, 13, 20),
            visited=utc(2007, 1, 28, 16),
            description="Using CSS to style ordered and unordered lists.",
            tags=["css", "lists", "webdesign"],
        ),
    )
    assert marks["http://www.paulgraham.com/hp.html"][1] == bookmark(
        "http://www.paulgraham.com/hp.html",
        "Hackers and Painters",
        utc(2007, 3, 27, 12, 53, 20),
        visited=utc(2007, 5, 24, 9, 46, 40),
        tags=["essays", "hacking"],
    )
    # ADD_DATE in milliseconds
    assert marks["http://www.flickr.com/photos/example/2156753497/"][1] == bookmark(
        "http://www.flickr.com/photos/example/2156753497/",
        "Sunset over the harbour on Flickr - Photo Sharing!",
        utc(2008, 1, 1),
        tags=["photos", "web-design"],
    )
    # tags sorted by code point: upper case first
    assert marks["http://jquery.com/"][1].tags == ["Library", "javascript", "jquery"]
    assert marks["http://jquery.com/"][1].description == (
        "jQuery is a new type of JavaScript library."
    )
    account.load_again("delicious.html", report)


# -- Shaarli -----------------------------------------------------------------------------


def test_shaarli(account: Account) -> None:
    report = account.load("shaarli.html")
    assert report.as_dict() == {
        "imported": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "folders_created": 0,
        "errors": [error(2, "?Zk1mNw", RELATIVE)],
    }
    marks = account.snapshot().bookmarks
    assert marks["https://github.com/shaarli/Shaarli"][1] == bookmark(
        "https://github.com/shaarli/Shaarli",
        "shaarli/Shaarli: The personal, minimalist, super-fast, database free, bookmarking service",
        utc(2011, 3, 13, 7, 6, 40),
        modified=utc(2023, 11, 14, 22, 13, 20),
        description="The personal, minimalist, super-fast, database free, bookmarking "
        "service - community repo.",
        tags=["php", "self-hosted", "shaarli"],
    )
    assert marks["https://links.example.net/shaare/Ab3xYz"][1] == bookmark(
        "https://links.example.net/shaare/Ab3xYz",
        "Note: weekend project ideas",
        utc(2024, 3, 9, 16),
        modified=utc(2024, 3, 9, 17),
        description="- finish the bookshelf\n- learn to sharpen chisels\n\n"
        "See also [the reading list](?Zk1mNw).",
        tags=["ideas", "note"],
    )
    assert marks["https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=43s"][1].tags == [
        "music",
        "video",
    ]
    account.load_again("shaarli.html", report)


# -- linkding ----------------------------------------------------------------------------

WEATHER = "https://www.weather.gov/forecast?lang=en&region=US&zip=10001"


def test_linkding(account: Account) -> None:
    report = account.load("linkding.html")
    assert report.as_dict() == {
        "imported": 5,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "folders_created": 0,
        "errors": [],
    }
    marks = account.snapshot().bookmarks
    assert marks["https://github.com/sissbruecker/linkding"][1] == bookmark(
        "https://github.com/sissbruecker/linkding",
        "GitHub - sissbruecker/linkding: Self-hosted bookmark manager that is designed be "
        "to be minimal, fast, and easy to set up using Docker.",
        utc(2023, 1, 1, 12),
        modified=utc(2024, 5, 1, 12),
        description="Self-hosted bookmark manager & read-it-later tool.",
        notes="Runs on the NAS since 2023.\nUpgrade with `docker compose pull`.",
        tags=["bookmarks", "self-hosted"],
    )
    assert marks["https://www.rust-lang.org/learn"][1] == bookmark(
        "https://www.rust-lang.org/learn",
        "Learn Rust - Rust Programming Language",
        utc(2023, 4, 1),
        tags=["learning", "rust"],
        unread=True,
    )
    assert marks["https://blog.example.com/2019/01/old-post.html"][1] == bookmark(
        "https://blog.example.com/2019/01/old-post.html",
        "An old post I keep for reference",
        utc(2019, 1, 1),
        modified=utc(2023, 11, 14, 22, 13, 20),
        notes="Archived: the site is gone, see the Wayback snapshot.",
        tags=["blog"],
        archived=True,
    )
    # linkding does not escape the URL: "&region" is not the entity "&reg;"
    assert marks[WEATHER][1] == bookmark(
        WEATHER,
        'National Weather Service "Forecast" <NYC>',
        utc(2023, 11, 14, 22, 13, 20),
        modified=utc(2023, 11, 14, 23, 13, 20),
        description="Text forecast for 'New York City'",
    )
    assert marks["https://example.com/no-title"][1] == bookmark(
        "https://example.com/no-title",
        "",
        utc(2023, 11, 16, 2),
        archived=True,
    )
    account.load_again("linkding.html", report)


def test_linkding_map_private(account: Account) -> None:
    account.load("linkding.html", map_private=True)
    marks = account.snapshot().bookmarks
    assert {url for url, (_, e) in marks.items() if e.shared} == {
        "https://github.com/sissbruecker/linkding",
        WEATHER,
    }


def test_linkding_roundtrip_through_markhive_html(account: Account, database: Database) -> None:
    """markhive's own Netscape export of the linkding import reads back the same."""
    account.load("linkding.html", map_private=True)
    before = account.snapshot()
    with database.unit(write=False) as session:
        html = b"".join(export.export(session, account.user_id, "html", "2000-01-01T00:00:00Z"))
    assert b"linkding:bookmarks.archived" in html
    assert b"[linkding-notes]" in html
    report = account.load(html, map_private=True)
    assert (report.imported, report.updated, report.unchanged) == (0, 0, 5)
    assert account.snapshot() == before


# -- XBEL (KDE, Floccus, freedesktop) ----------------------------------------------------


def test_xbel_kde_floccus(account: Account) -> None:
    start = datetime.now(UTC)
    report = account.load("kde_floccus.xbel")
    end = datetime.now(UTC)
    assert report.as_dict() == {
        "imported": 5,
        "updated": 0,
        "unchanged": 0,
        "skipped": 2,
        "folders_created": 4,
        "errors": [
            error(4, "", ALIAS),
            error(
                5, "file:///home/ana/Documents/report.pdf", f"file: URLs are not imported {ONLY}"
            ),
        ],
    }
    snap = account.snapshot()
    folders = snap.folders
    assert sorted(folders) == ["KDE", "KDE/Empty", "KDE/Plasma\u2215Widgets", "Reading"]
    assert folders["KDE"] == FolderStart(
        "KDE", utc(2021, 2, 3, 4, 5, 6), utc(2021, 2, 3, 4, 5, 6), "Everything about the desktop."
    )
    assert folders["Reading"].added == utc(2023, 5, 6, 11, 8, 9)  # -04:00
    assert between(folders["KDE/Empty"].added, start, end)
    marks = snap.bookmarks
    assert len(marks) == 5
    # KDE's and freedesktop's metadata (tags, notes, unread, visits there) are not markhive's
    assert marks["https://kde.org/"] == (
        "KDE",
        bookmark(
            "https://kde.org/",
            "KDE Community",
            utc(2021, 2, 3, 4, 5, 7),
            modified=utc(2023, 7, 8, 7, 10, 11),  # +02:00
            visited=utc(2024, 1, 1),
            description="Home of the Plasma desktop & the KDE applications.",
        ),
    )
    assert marks["https://apps.kde.org/konqueror/"] == (
        "KDE",
        bookmark(
            "https://apps.kde.org/konqueror/", "Konqueror - KDE Applications", utc(2022, 12, 1)
        ),
    )
    store = "https://store.kde.org/browse?cat=705&ord=latest"
    assert marks[store] == (
        "KDE/Plasma\u2215Widgets",
        bookmark(
            store,
            "KDE Store: Plasma Widgets",
            utc(2024, 2, 29, 12, 0, 0, 250000),
            modified=utc(2024, 3, 1, 8, 30, 0, 750000),
        ),
    )
    assert marks["https://lwn.net/Articles/953000/"] == (
        "Reading",
        bookmark(
            "https://lwn.net/Articles/953000/",
            "Kernel development news [LWN.net]",
            utc(2023, 12, 5, 10),
            description="The weekly kernel page.",
        ),
    )
    assert marks["https://www.gnu.org/software/emacs/"] == (
        "",
        bookmark(
            "https://www.gnu.org/software/emacs/", "GNU Emacs - GNU Project", utc(2020, 1, 1, 12)
        ),
    )
    account.load_again("kde_floccus.xbel", report)


# -- several files into one account ------------------------------------------------------


def test_every_sample_into_one_account(account: Account) -> None:
    """The files one after the other: folders of the same path merge (Firefox's
    "Other Bookmarks" is Chrome's "Other bookmarks"), and all of it again changes nothing."""
    names = sorted(path.name for path in SAMPLES.iterdir())
    assert names == [
        "chrome.html",
        "delicious.html",
        "edge_ie.html",
        "firefox.html",
        "kde_floccus.xbel",
        "linkding.html",
        "pinboard.html",
        "safari.html",
        "shaarli.html",
    ]
    reports = {name: account.load(name) for name in names}
    assert reports["firefox.html"].folders_created == 3  # "Other Bookmarks" was there
    snap = account.snapshot()
    assert "Other bookmarks" in snap.folders
    assert "Other Bookmarks" not in snap.folders
    # Firefox's unfiled bookmarks went into Chrome's folder
    assert snap.bookmarks["https://arxiv.org/abs/1706.03762"][0] == "Other bookmarks"
    total = sum(r.imported for r in reports.values())
    assert len(snap.bookmarks) == total == 10 + 8 + 6 + 6 + 6 + 4 + 3 + 5 + 5
    for name in names:
        again = account.load(name)
        assert (again.imported, again.updated, again.folders_created) == (0, 0, 0), name
    assert account.snapshot() == snap
