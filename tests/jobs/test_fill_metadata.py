from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from markhive.bookmarks import derived
from markhive.bookmarks.models import Bookmark
from markhive.bookmarks.urls import url_key
from markhive.db.session import Database
from markhive.fetch.client import FetchResult
from markhive.fetch.service import MetadataService
from markhive.jobs.queue import BackgroundConsumer, make_huey
from markhive.jobs.tasks import Jobs
from markhive.settings import Settings
from markhive.users.models import User
from markhive.users.repository import data_version
from tests.fetch.pageserver import PageServer, Route

PAGE = """<html><head><title>Fetched Title</title>
<meta name="description" content="Fetched description"></head></html>"""
ADDED = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def add_bookmark(database: Database, url: str, title: str = "", description: str = "") -> int:
    with database.unit() as session:
        user = session.query(User).filter_by(username_folded="alice").one_or_none()
        if user is None:
            user = User(username="alice", username_folded="alice")
            session.add(user)
            session.flush()
        bookmark = Bookmark(
            user_id=user.id,
            url=url,
            url_key=url_key(url),
            title=title,
            description=description,
            date_added=ADDED,
            date_modified=ADDED,
            sort_title=derived.sort_title(title, url),
            search_text=derived.search_text(title, description, "", url),
        )
        session.add(bookmark)
        session.flush()
        return bookmark.id


def load(database: Database, bookmark_id: int) -> Bookmark | None:
    with database.unit(write=False) as session:
        return session.get(Bookmark, bookmark_id)


def wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the job")
        time.sleep(0.02)


@pytest.fixture
def make_jobs(settings: Settings, database: Database) -> Iterator[Callable[..., Jobs]]:
    """Jobs on a real SQLite queue in the data dir, with a real consumer running."""
    consumers: list[BackgroundConsumer] = []

    def make(**options: object) -> Jobs:
        huey = make_huey(settings)
        jobs = Jobs(settings, database, huey, **options)  # type: ignore[arg-type]
        consumer = BackgroundConsumer(huey, shutdown_timeout=2)
        consumer.start()
        consumers.append(consumer)
        return jobs

    yield make
    for consumer in consumers:
        consumer.stop()


def test_queue_lives_in_the_data_dir(settings: Settings) -> None:
    huey = make_huey(settings)
    assert type(huey).__name__ == "SqliteHuey"
    assert (settings.data_dir / "jobs.db").exists()


def test_empty_title_and_description_are_filled(
    database: Database, pages: PageServer, make_jobs: Callable[..., Jobs]
) -> None:
    url = pages.page("/article", PAGE)
    bookmark_id = add_bookmark(database, url)
    before = load(database, bookmark_id)
    assert before is not None
    with database.unit(write=False) as session:
        version = data_version(session, before.user_id)
    jobs = make_jobs()
    jobs.enqueue_fill_metadata(bookmark_id)

    wait_for(lambda: (b := load(database, bookmark_id)) is not None and b.description != "")
    bookmark = load(database, bookmark_id)
    assert bookmark is not None
    assert bookmark.title == "Fetched Title"
    assert bookmark.description == "Fetched description"
    assert bookmark.search_text == derived.search_text(
        "Fetched Title", "Fetched description", "", url
    )
    assert bookmark.sort_title == "fetched title"
    assert bookmark.date_modified == ADDED
    with database.unit(write=False) as session:
        assert data_version(session, bookmark.user_id) == version + 1


def test_what_the_user_typed_is_kept(
    database: Database, pages: PageServer, make_jobs: Callable[..., Jobs]
) -> None:
    url = pages.page("/article", PAGE)
    bookmark_id = add_bookmark(database, url, title="My own title")
    make_jobs().enqueue_fill_metadata(bookmark_id)

    wait_for(lambda: (b := load(database, bookmark_id)) is not None and b.description != "")
    bookmark = load(database, bookmark_id)
    assert bookmark is not None
    assert bookmark.title == "My own title"
    assert bookmark.description == "Fetched description"
    assert bookmark.sort_title == "my own title"


def test_an_edit_made_during_the_fetch_wins(
    settings: Settings, database: Database, make_jobs: Callable[..., Jobs]
) -> None:
    url = "https://example.com/racing"
    bookmark_id = add_bookmark(database, url)

    def fetch_while_the_user_edits(page_url: str, _settings: Settings) -> FetchResult:
        with database.unit() as session:
            bookmark = session.get(Bookmark, bookmark_id)
            assert bookmark is not None
            bookmark.title = "Typed meanwhile"
        return FetchResult(page_url, 200, html=PAGE)

    metadata = MetadataService(settings, database, fetcher=fetch_while_the_user_edits)
    make_jobs(metadata=metadata).enqueue_fill_metadata(bookmark_id)

    wait_for(lambda: (b := load(database, bookmark_id)) is not None and b.description != "")
    bookmark = load(database, bookmark_id)
    assert bookmark is not None
    assert (bookmark.title, bookmark.description) == ("Typed meanwhile", "Fetched description")


def test_transient_failures_are_retried(
    database: Database, pages: PageServer, make_jobs: Callable[..., Jobs]
) -> None:
    pages.routes["/flaky"] = [Route(status=503), Route(body=PAGE.encode())]
    bookmark_id = add_bookmark(database, pages.url("/flaky"))
    make_jobs(retry_delay=0).enqueue_fill_metadata(bookmark_id)

    wait_for(lambda: (b := load(database, bookmark_id)) is not None and b.title != "")
    assert pages.hits["/flaky"] == 2


def test_a_deleted_bookmark_is_left_alone(
    settings: Settings, database: Database, pages: PageServer
) -> None:
    jobs = Jobs(settings, database, make_huey(settings))
    assert jobs.fill_metadata(12345) is False
    assert pages.hits == {}


def test_a_complete_bookmark_is_not_fetched(
    settings: Settings, database: Database, pages: PageServer
) -> None:
    url = pages.page("/", PAGE)
    bookmark_id = add_bookmark(database, url, title="t", description="d")
    with database.unit() as session:  # its preview is known; favicons are off by default
        bookmark = session.get(Bookmark, bookmark_id)
        assert bookmark is not None
        bookmark.preview_image_file = "0" * 32 + ".png"
    jobs = Jobs(settings, database, make_huey(settings))
    assert jobs.fill_metadata(bookmark_id) is False
    assert pages.hits == {}


def test_permanent_failures_give_up(
    settings: Settings, database: Database, pages: PageServer
) -> None:
    pages.routes["/gone"] = Route(status=404)
    bookmark_id = add_bookmark(database, pages.url("/gone"))
    jobs = Jobs(settings, database, make_huey(settings))
    assert jobs.fill_metadata(bookmark_id) is False
    bookmark = load(database, bookmark_id)
    assert bookmark is not None and bookmark.title == ""
