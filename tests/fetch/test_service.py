from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

from sqlalchemy import update

from markhive.bookmarks.urls import url_key
from markhive.db.base import utcnow
from markhive.db.session import Database
from markhive.fetch import repository
from markhive.fetch.client import FetchResult
from markhive.fetch.models import PageMetadata
from markhive.fetch.service import MetadataService, PageMeta
from markhive.settings import Settings
from tests.fetch.pageserver import PageServer, Route

PAGE = """<html><head><title> The  Title </title>
<meta name="description" content="The description">
<meta property="og:image" content="/preview.png"></head></html>"""


def test_get_reads_the_page(settings: Settings, database: Database, pages: PageServer) -> None:
    url = pages.page("/post", PAGE)
    meta = MetadataService(settings, database).get(url)
    assert meta == PageMeta(url, "The Title", "The description", pages.url("/preview.png"))


def test_second_get_comes_from_the_cache(
    settings: Settings, database: Database, pages: PageServer
) -> None:
    url = pages.page("/post/", PAGE)
    service = MetadataService(settings, database)
    first = service.get(url)
    # Another spelling of the same URL shares the entry but reports the URL as sent.
    other = url.replace("/post/", "/post") + "?"
    second = service.lookup(other)
    assert pages.hits["/post/"] == 1
    assert second.cached
    assert second.meta == dataclasses.replace(first, url=other)


def test_stale_entries_are_fetched_again(
    settings: Settings, database: Database, pages: PageServer
) -> None:
    url = pages.page("/", PAGE)
    service = MetadataService(settings, database)
    service.get(url)
    with database.unit() as session:
        session.execute(update(PageMetadata).values(fetched_at=utcnow() - timedelta(days=2)))
    assert service.get(url).title == "The Title"
    assert pages.hits["/"] == 2


def test_failures_are_cached_briefly(
    settings: Settings, database: Database, pages: PageServer
) -> None:
    pages.routes["/"] = [Route(status=503), Route(body=PAGE.encode())]
    url = pages.url("/")
    service = MetadataService(settings, database)
    failed = service.lookup(url)
    assert failed.meta == PageMeta(url) and not failed.ok and failed.transient
    assert service.get(url) == PageMeta(url)
    assert pages.hits["/"] == 1
    # A job may insist on a new attempt.
    assert service.lookup(url, retry_failures=True).meta.title == "The Title"
    # Five minutes later a failure is forgotten anyway.
    with database.unit() as session:
        session.execute(
            update(PageMetadata).values(ok=False, fetched_at=utcnow() - timedelta(minutes=6))
        )
    assert service.get(url).title == "The Title"
    assert pages.hits["/"] == 3


def test_unfetchable_urls_are_not_cached(settings: Settings, database: Database) -> None:
    calls: list[str] = []

    def fetcher(url: str, _settings: Settings) -> FetchResult:
        calls.append(url)
        return FetchResult(url)

    service = MetadataService(settings, database, fetcher=fetcher)
    for url in ["", "ftp://example.com/file", "not a url", "javascript:alert(1)"]:
        assert service.get(url) == PageMeta(url)
    assert calls == []
    with database.unit(write=False) as session:
        assert repository.get(session, url_key("ftp://example.com/file")) is None


def test_concurrent_gets_of_one_url(settings: Settings, database: Database) -> None:
    barrier = threading.Barrier(4)

    def fetcher(url: str, _settings: Settings) -> FetchResult:
        barrier.wait(timeout=5)  # every thread fetches, then all write at once
        return FetchResult(url, 200, html="<title>Same</title>")

    service = MetadataService(settings, database, fetcher=fetcher)
    results: list[PageMeta] = []
    threads = [
        threading.Thread(target=lambda: results.append(service.get("https://example.com/")))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [meta.title for meta in results] == ["Same"] * 4
    with database.unit(write=False) as session:
        row = repository.get(session, url_key("https://example.com/"))
        assert row is not None and row.ok and row.title == "Same"


def test_purge_drops_old_entries(settings: Settings, database: Database) -> None:
    service = MetadataService(
        settings, database, fetcher=lambda url, _s: FetchResult(url, 200, html="<title>t</title>")
    )
    service.get("https://old.example/")
    service.get("https://new.example/")
    with database.unit() as session:
        session.execute(
            update(PageMetadata)
            .where(PageMetadata.url == "https://old.example/")
            .values(fetched_at=utcnow() - timedelta(days=30))
        )
    assert service.purge_stale() == 1
    with database.unit(write=False) as session:
        assert repository.get(session, url_key("https://old.example/")) is None
        assert repository.get(session, url_key("https://new.example/")) is not None
