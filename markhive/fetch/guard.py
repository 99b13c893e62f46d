"""Which addresses markhive may fetch from: no private networks unless the admin allows it.

A page URL comes from a user, so fetching it must not become a way to reach the
server's own network (cloud metadata endpoints, databases, admin panels). Every
address a host name resolves to is checked, on every connection, including each
redirect hop; the connection is then made to one of the checked addresses, so a
name that resolves differently a moment later (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = ("http", "https")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class FetchRefused(Exception):
    """The URL may not be fetched: wrong scheme, unknown host or a forbidden address."""


def is_blocked_address(ip: IPAddress) -> bool:
    """True when ``ip`` is not a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d
            return is_blocked_address(ip.ipv4_mapped)
        if ip.is_site_local:
            return True
        embedded = _embedded_ipv4(ip)
        if embedded is not None and is_blocked_address(embedded):
            return True
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried inside an IPv6 one (6to4, Teredo, NAT64)."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def check_scheme(url: str) -> None:
    """Refuse anything but an http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError as exc:
        raise FetchRefused(f"invalid URL: {exc}") from None
    if parts.scheme.lower() not in SCHEMES:
        raise FetchRefused(f"scheme {parts.scheme!r} is not fetched")
    if not host:
        raise FetchRefused("URL has no host")


def resolve(host: str, port: int, timeout: float) -> list[IPAddress]:
    """Every address ``host`` resolves to, waiting at most ``timeout`` seconds."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    found: list[IPAddress] = []
    failure: list[BaseException] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            failure.append(exc)
            return
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if ip not in found:
                found.append(ip)

    # getaddrinfo has no timeout of its own; a daemon thread keeps the deadline.
    thread = threading.Thread(target=lookup, name="markhive-dns", daemon=True)
    thread.start()
    thread.join(max(timeout, 0.0))
    if thread.is_alive():
        raise TimeoutError(f"resolving {host} took too long")
    if failure or not found:
        raise FetchRefused(f"cannot resolve {host}")
    return found


def allowed_addresses(
    host: str, port: int, *, allow_private: bool, deadline: float
) -> list[IPAddress]:
    """The addresses of ``host``; refused if any of them is not public (unless allowed)."""
    addresses = resolve(host, port, deadline - time.monotonic())
    if not allow_private:
        for ip in addresses:
            if is_blocked_address(ip):
                raise FetchRefused(f"{host} resolves to a non-public address ({ip})")
    return addresses
