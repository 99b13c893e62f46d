from __future__ import annotations

import ipaddress
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from markhive.fetch import guard
from markhive.fetch.client import fetch_page
from markhive.settings import Settings
from tests.fetch.pageserver import PageServer, Route

BLOCKED = [
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "fec0::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "2002:7f00:1::1",  # 6to4 around 127.0.0.1
]
PUBLIC = ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": tmp_path, "allow_private_fetch": False}
    values.update(overrides)
    return Settings.from_env({}, **values)


@pytest.mark.parametrize("address", BLOCKED)
def test_non_public_addresses_are_blocked(address: str) -> None:
    assert guard.is_blocked_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert not guard.is_blocked_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "http:///x", "nope"])
def test_only_http_urls_with_a_host(url: str) -> None:
    with pytest.raises(guard.FetchRefused):
        guard.check_scheme(url)


def test_every_resolved_address_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(guard.socket, "getaddrinfo", fake_getaddrinfo)
    deadline = time.monotonic() + 1
    with pytest.raises(guard.FetchRefused):
        guard.allowed_addresses("mixed.example", 80, allow_private=False, deadline=deadline)
    found = guard.allowed_addresses("mixed.example", 80, allow_private=True, deadline=deadline)
    assert [str(ip) for ip in found] == ["93.184.216.34", "10.0.0.7"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"])
def test_private_pages_refused_unless_allowed(pages: PageServer, tmp_path: Path, host: str) -> None:
    pages.page("/", "<title>Inside</title>")
    result = fetch_page(pages.url("/", host=host), make_settings(tmp_path))
    assert result.error == "refused"
    assert result.html is None
    assert pages.hits["/"] == 0


def test_private_pages_fetched_when_allowed(pages: PageServer, tmp_path: Path) -> None:
    pages.page("/", "<title>Inside</title>")
    result = fetch_page(pages.url("/"), make_settings(tmp_path, allow_private_fetch=True))
    assert result.error is None
    assert result.html is not None and "Inside" in result.html


@pytest.fixture
def only_127_0_0_1_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the test server's address is public, so redirects can be tested."""
    real = guard.is_blocked_address
    server_ip = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(guard, "is_blocked_address", lambda ip: ip != server_ip and real(ip))


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://127.0.0.2:{port}/"],
)
@pytest.mark.usefixtures("only_127_0_0_1_public")
def test_redirect_to_a_private_address_is_refused(
    pages: PageServer, tmp_path: Path, target: str
) -> None:
    location = target.format(port=pages.port)
    pages.routes["/go"] = Route(status=302, headers={"Location": location})
    pages.page("/", "<title>Inside</title>")
    started = time.monotonic()
    result = fetch_page(pages.url("/go"), make_settings(tmp_path))
    assert result.error == "refused"
    assert pages.hits["/go"] == 1
    assert pages.hits["/"] == 0
    assert time.monotonic() - started < 1


@pytest.mark.usefixtures("only_127_0_0_1_public")
def test_redirects_to_public_addresses_are_followed(pages: PageServer, tmp_path: Path) -> None:
    pages.routes["/a"] = Route(status=301, headers={"Location": "/b"})
    pages.routes["/b"] = Route(status=307, headers={"Location": pages.url("/c")})
    pages.page("/c", "<title>Landed</title>")
    result = fetch_page(pages.url("/a"), make_settings(tmp_path))
    assert result.error is None
    assert result.url == pages.url("/c")


def test_redirect_to_another_scheme_is_refused(pages: PageServer, tmp_path: Path) -> None:
    pages.routes["/go"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    result = fetch_page(pages.url("/go"), make_settings(tmp_path, allow_private_fetch=True))
    assert result.error == "refused"


@pytest.mark.parametrize(("hops", "error"), [(5, None), (6, "redirects")])
def test_at_most_five_redirects(
    pages: PageServer, tmp_path: Path, hops: int, error: str | None
) -> None:
    for n in range(hops):
        pages.routes[f"/{n}"] = Route(status=302, headers={"Location": f"/{n + 1}"})
    pages.page(f"/{hops}", "<title>End</title>")
    result = fetch_page(pages.url("/0"), make_settings(tmp_path, allow_private_fetch=True))
    assert result.error == error
