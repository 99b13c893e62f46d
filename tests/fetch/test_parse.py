from __future__ import annotations

import codecs

import pytest

from markhive.fetch.parse import decode_html, parse_html

PAGE = "https://example.com/blog/post.html"


def test_title_whitespace_is_collapsed() -> None:
    page = parse_html("<html><head><title>\n  A   long\n\ttitle </title></head></html>", PAGE)
    assert page.title == "A long title"


def test_description_from_meta_name_first() -> None:
    html = """<head>
    <meta property="og:description" content="From Open Graph">
    <meta name="description" content="  The   page's own  ">
    </head>"""
    assert parse_html(html, PAGE).description == "The page's own"


def test_description_falls_back_to_open_graph() -> None:
    html = '<head><meta property="og:description" content="From Open Graph"></head>'
    assert parse_html(html, PAGE).description == "From Open Graph"


def test_meta_names_are_case_insensitive() -> None:
    html = '<HEAD><META NAME="Description" CONTENT="Shouty"></HEAD>'
    assert parse_html(html, PAGE).description == "Shouty"


def test_empty_description_falls_back() -> None:
    html = '<meta name="description" content="  "><meta property="og:description" content="og">'
    assert parse_html(html, PAGE).description == "og"


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("/img/a.png", "https://example.com/img/a.png"),
        ("thumb.jpg", "https://example.com/blog/thumb.jpg"),
        ("//cdn.example.net/x.png", "https://cdn.example.net/x.png"),
        ("http://other.example/y.png", "http://other.example/y.png"),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_preview_image_is_absolute(src: str, expected: str | None) -> None:
    html = f'<head><meta property="og:image" content="{src}"></head>'
    assert parse_html(html, PAGE).preview_image == expected


def test_missing_everything() -> None:
    page = parse_html("<p>no head at all", PAGE)
    assert (page.title, page.description, page.preview_image) == (None, None, None)


def test_broken_html_is_tolerated() -> None:
    html = (
        '<html><head><title>Still <b>here</title><meta name=description content="unquoted ok">'
        "<div><p><span></head><body><table><tr><td>unclosed"
    )
    page = parse_html(html, PAGE)
    assert page.title == "Still <b>here"
    assert page.description == "unquoted ok"


def test_svg_title_in_body_does_not_win() -> None:
    html = "<head><title>Real</title></head><body><svg><title>icon</title></svg></body>"
    assert parse_html(html, PAGE).title == "Real"


def test_og_title_when_no_title_element() -> None:
    assert parse_html('<meta property="og:title" content="OG">', PAGE).title == "OG"


def test_decode_with_declared_charset() -> None:
    body = "<title>Grüße</title>".encode("iso-8859-15")
    assert "Grüße" in decode_html(body, "iso-8859-15")


def test_decode_with_meta_charset() -> None:
    body = '<meta charset="shift_jis"><title>日本語</title>'.encode("shift_jis")
    assert parse_html(decode_html(body, None), PAGE).title == "日本語"


def test_decode_with_http_equiv_charset() -> None:
    body = (
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<title>caf\xe9 \u2013 bar</title>"
    ).encode("cp1252")
    assert parse_html(decode_html(body, None), PAGE).title == "caf\xe9 \u2013 bar"


def test_latin1_label_reads_as_windows_1252() -> None:
    body = "<title>\u201cquoted\u201d</title>".encode("cp1252")
    assert "\u201cquoted\u201d" in decode_html(body, "ISO-8859-1")


def test_unknown_charset_falls_back_to_utf8() -> None:
    body = "<title>naïve</title>".encode()
    assert "naïve" in decode_html(body, "no-such-charset")


def test_invalid_bytes_are_replaced() -> None:
    assert (
        decode_html(b"<title>bad \xff\xfe byte</title>", None)
        == "<title>bad \ufffd\ufffd byte</title>"
    )


def test_byte_order_mark_wins() -> None:
    body = codecs.BOM_UTF8 + b"<title>bom</title>"
    assert decode_html(body, "iso-8859-1") == "<title>bom</title>"
