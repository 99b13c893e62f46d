"""Which encoding a Netscape bookmark file is in: its byte order mark, the charset its
``<META>`` declares, or (with neither) UTF-8 when the bytes are valid UTF-8 and
windows-1252, the encoding of old Windows exports, when they are not."""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

HEAD = 4096
CHUNK = 1 << 16
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
FALLBACK = "windows-1252"
# What browsers read these labels as (the WHATWG encoding standard): Windows exports that
# declare ISO-8859-1 hold windows-1252's quotes, dashes and euro sign.
_AS_BROWSERS_DO = {"latin-1": FALLBACK, "iso8859-1": FALLBACK, "ascii": FALLBACK}


def _is_utf8(stream: BinaryIO, start: int) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(start)
    return True


def detect(stream: BinaryIO) -> str:
    """The codec name to read ``stream`` with; the stream is left where it was."""
    start = stream.tell()
    head = stream.read(HEAD)
    stream.seek(start)
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    found = _DECLARED.search(head)
    name = "utf-8"
    if found:
        try:
            name = codecs.lookup(found.group(1).decode("ascii")).name
        except LookupError:
            name = "utf-8"
        name = _AS_BROWSERS_DO.get(name, name)
    if name != "utf-8":
        return name
    # Declared UTF-8 (or nothing declared) but not UTF-8: old exports say one thing and
    # are another. windows-1252 keeps every byte readable.
    if stream.seekable() and not _is_utf8(stream, start):
        return FALLBACK
    return "utf-8"


def binary(head: bytes) -> bool:
    """True for data no bookmark file starts with: NUL bytes outside UTF-16/32."""
    if any(head.startswith(bom) for bom, _ in BOMS):
        return False
    return b"\x00" in head
