from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from markhive.fetch.client import fetch_page
from markhive.settings import Settings
from tests.fetch.pageserver import PageServer, Route


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": tmp_path, "allow_private_fetch": True}
    values.update(overrides)
    return Settings.from_env({}, **values)


def test_reads_a_page(pages: PageServer, tmp_path: Path) -> None:
    url = pages.page("/", "<title>Hello</title>")
    result = fetch_page(url, make_settings(tmp_path))
    assert (result.error, result.status, result.html) == (None, 200, "<title>Hello</title>")


def test_sends_a_user_agent_and_no_proxy_headers(pages: PageServer, tmp_path: Path) -> None:
    url = pages.page("/", "<title>ua</title>")
    fetch_page(url, make_settings(tmp_path))
    (headers,) = pages.requests
    assert headers["User-Agent"].startswith("Mozilla/5.0 (compatible; markhive/")
    assert "text/html" in headers["Accept"]


def test_a_stalled_server_times_out(pages: PageServer, tmp_path: Path) -> None:
    pages.routes["/"] = Route(body=b"<title>late</title>", stall=10)
    started = time.monotonic()
    result = fetch_page(pages.url("/"), make_settings(tmp_path, fetch_timeout=0.5))
    elapsed = time.monotonic() - started
    assert result.error == "timeout" and result.transient
    assert result.html is None
    assert elapsed < 0.5 + 0.3


def test_a_trickling_server_hits_the_overall_deadline(pages: PageServer, tmp_path: Path) -> None:
    """Each read returns quickly, so only a deadline for the whole fetch stops it."""

    def trickle() -> Iterator[bytes]:
        yield b"<html><head>"
        for _ in range(1000):
            yield b" "

    pages.routes["/"] = Route(body=trickle, pause=0.05)
    started = time.monotonic()
    result = fetch_page(pages.url("/"), make_settings(tmp_path, fetch_timeout=0.6))
    elapsed = time.monotonic() - started
    assert result.error == "timeout"
    assert elapsed < 0.6 + 0.3


def test_a_huge_page_is_cut_at_the_cap(pages: PageServer, tmp_path: Path) -> None:
    sent = []

    def huge() -> Iterator[bytes]:
        yield b"<html><head><title>Big page</title></head><body>"
        for _ in range(50_000):  # 50 MB if anybody read it all
            sent.append(1)
            yield b"x" * 1024

    pages.routes["/"] = Route(body=huge)
    started = time.monotonic()
    result = fetch_page(pages.url("/"), make_settings(tmp_path, fetch_max_bytes=64 * 1024))
    assert result.error is None
    assert result.html is not None
    assert len(result.html) == 64 * 1024
    assert "<title>Big page</title>" in result.html
    assert time.monotonic() - started < 1
    assert len(sent) < 50_000


def test_gzip_bodies_are_inflated_up_to_the_cap(pages: PageServer, tmp_path: Path) -> None:
    bomb = gzip.compress(b"<title>zipped</title>" + b" " * 20_000_000)
    pages.routes["/"] = Route(
        body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    result = fetch_page(pages.url("/"), make_settings(tmp_path, fetch_max_bytes=10_000))
    assert result.html is not None
    assert len(result.html) == 10_000
    assert result.html.startswith("<title>zipped</title>")


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/json"])
def test_non_html_is_not_parsed(pages: PageServer, tmp_path: Path, content_type: str) -> None:
    pages.routes["/"] = Route(
        body=b"<title>not really</title>", headers={"Content-Type": content_type}
    )
    result = fetch_page(pages.url("/"), make_settings(tmp_path))
    assert result.error == "not_html"
    assert result.html is None
    assert not result.transient


def test_html_without_a_content_type_is_sniffed(pages: PageServer, tmp_path: Path) -> None:
    pages.routes["/page"] = Route(body=b"  <!DOCTYPE html><title>t</title>", headers={})
    pages.routes["/blob"] = Route(body=b"%PDF-1.7 <title>t</title>", headers={})
    assert fetch_page(pages.url("/page"), make_settings(tmp_path)).html is not None
    assert fetch_page(pages.url("/blob"), make_settings(tmp_path)).error == "not_html"


def test_xhtml_is_html(pages: PageServer, tmp_path: Path) -> None:
    pages.routes["/"] = Route(
        body=b"<title>x</title>", headers={"Content-Type": "application/xhtml+xml"}
    )
    assert fetch_page(pages.url("/"), make_settings(tmp_path)).html == "<title>x</title>"


def test_charset_from_the_content_type_header(pages: PageServer, tmp_path: Path) -> None:
    pages.routes["/"] = Route(
        body="<title>Ärger</title>".encode("latin-1"),
        headers={"Content-Type": "text/html; charset=ISO-8859-1"},
    )
    assert fetch_page(pages.url("/"), make_settings(tmp_path)).html == "<title>Ärger</title>"


@pytest.mark.parametrize(("status", "transient"), [(404, False), (410, False), (503, True)])
def test_error_statuses(pages: PageServer, tmp_path: Path, status: int, transient: bool) -> None:
    pages.routes["/"] = Route(status=status, body=b"<title>Error page</title>")
    result = fetch_page(pages.url("/"), make_settings(tmp_path))
    assert (result.error, result.status, result.html) == ("http", status, None)
    assert result.transient is transient


def test_connection_refused_is_a_network_error(tmp_path: Path) -> None:
    with PageServer().running() as server:
        url = server.url("/")
    result = fetch_page(url, make_settings(tmp_path))
    assert result.error == "network"
    assert result.transient
