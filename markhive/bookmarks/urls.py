"""URL validation (linkding's rules) and normalisation for duplicate detection."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

MAX_URL_LENGTH = 2048
SCHEMES = ("http", "https", "ftp", "ftps")
_LABEL = re.compile(r"^(?!-)[a-z0-9\u00a1-\uffff-]{1,63}(?<!-)$", re.IGNORECASE)
_SPACE = re.compile(r"\s")  # what str.isspace() calls whitespace
_TLD = re.compile(r"^(?:[a-z\u00a1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})$", re.IGNORECASE)


def is_valid_url(url: str, any_host: bool = False) -> bool:
    """True for an http(s)/ftp(s) URL whose host is a dotted name with a TLD,
    ``localhost``, or an IP literal (linkding's rule); with ``any_host`` a single-label
    name (``http://nas:8080/``, an intranet host) is fine too (the /api/v1 rule)."""
    return valid_parts(url, any_host) is not None


def valid_parts(url: str, any_host: bool = False) -> SplitResult | None:
    """The parts of a URL that is_valid_url accepts (for url_key, so that an import
    splits each URL once), or None."""
    if not url or len(url) > MAX_URL_LENGTH or _SPACE.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in SCHEMES or not host or not parts.netloc:
        return None
    return parts if _valid_host(host, any_host) else None


def _valid_host(host: str, any_host: bool) -> bool:
    if host == "localhost":
        return True
    if host[0].isdigit() or ":" in host:  # perhaps an IP literal (names rarely look so)
        try:
            ipaddress.ip_address(host)
            return True
        except ValueError:
            pass
    labels = host.rstrip(".").split(".")
    if len(labels) < 2:
        return any_host and bool(_LABEL.match(labels[0]))
    return all(_LABEL.match(label) for label in labels) and bool(_TLD.match(labels[-1]))


def normalize_url(url: str) -> str:
    """The form two URLs share when they are the same bookmark.

    Lower-case scheme and host, path case kept, trailing slashes of the path dropped,
    query parameters sorted by key then value, an empty ``?`` or ``#`` dropped;
    fragment, port and user info kept.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return _normalized(parts)


def _normalized(parts: SplitResult) -> str:
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        netloc = f"{userinfo}@{hostport.lower()}"
    else:
        netloc = netloc.lower()
    path = parts.path.rstrip("/")
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(sorted(pairs))
    return urlunsplit((parts.scheme.lower(), netloc, path, query, parts.fragment))


def url_key(url: str, parts: SplitResult | None = None) -> str:
    """A fixed-size key of the normalised URL, unique per user in the database.
    ``parts``: the URL already split (valid_parts), when the URL has no surrounding
    whitespace."""
    normal = normalize_url(url) if parts is None else _normalized(parts)
    return hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()
