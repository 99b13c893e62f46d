"""Reading a fetched page: decoding its bytes and picking out title, description, image."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

# Where a page may name its encoding: <meta charset=...> or the http-equiv form.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_SNIFF_BYTES = 4096
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class ParsedPage:
    title: str | None
    description: str | None
    preview_image: str | None
    icon: str | None = None


def _codec(name: str | None) -> str | None:
    """The Python codec for a charset label, or None when it is unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    # Browsers read pages labelled latin-1/ascii as windows-1252; so do we.
    if label in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        label = "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(body: bytes, declared_charset: str | None = None) -> str:
    """Page text: a byte-order mark wins, then the HTTP charset, then the meta charset;
    UTF-8 otherwise. Undecodable bytes become U+FFFD."""
    for bom, bom_encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(bom_encoding, errors="replace")
    encoding = _codec(declared_charset)
    if encoding is None:
        match = _META_CHARSET.search(body[:_SNIFF_BYTES])
        if match:
            encoding = _codec(match.group(1).decode("ascii"))
    if encoding is None or encoding.startswith("utf-16"):
        # A page that claims UTF-16 in ASCII-readable bytes is not UTF-16.
        encoding = "utf-8"
    return body.decode(encoding, errors="replace")


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    collapsed = " ".join(text.split())
    return collapsed or None


def _meta_values(tree: LexborHTMLParser) -> dict[str, str]:
    """The first content of each <meta name=...> / <meta property=...>, keys lower-cased."""
    values: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        content = attrs.get("content")
        if content is None:
            continue
        for attr in ("name", "property", "itemprop"):
            key = attrs.get(attr)
            if key:
                values.setdefault(key.strip().lower(), content)
    return values


def _absolute_image(page_url: str, src: str | None) -> str | None:
    src = (src or "").strip()
    if not src:
        return None
    try:
        url = urljoin(page_url, src)
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def parse_html(html: str, page_url: str) -> ParsedPage:
    """Title, description and preview image of a page; tolerant of broken markup."""
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("head title") or tree.css_first("title")
    title = _clean(title_node.text(deep=True)) if title_node is not None else None
    meta = _meta_values(tree)
    description = _clean(meta.get("description")) or _clean(meta.get("og:description"))
    if title is None:
        title = _clean(meta.get("og:title"))
    image = _absolute_image(page_url, meta.get("og:image") or meta.get("og:image:url"))
    return ParsedPage(
        title=title, description=description, preview_image=image, icon=_icon(tree, page_url)
    )


def _icon(tree: LexborHTMLParser, page_url: str) -> str | None:
    """The page's own icon: the first <link rel="icon"> (or "shortcut icon")."""
    for node in tree.css("link[rel][href]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        if "icon" in rel:
            return _absolute_image(page_url, node.attributes.get("href"))
    return None
