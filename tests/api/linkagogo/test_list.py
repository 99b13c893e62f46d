"""GET /api/v1/urls: the page envelope, paging, filters, search and every sort."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from markhive.bookmarks import service as bookmark_service
from tests.api.linkagogo.conftest import BOOKMARK_KEYS, PAGE_KEYS, UNKNOWN_ID, Api, assert_invalid


def test_an_empty_list(v1: Api) -> None:
    r = v1.get("/urls")
    assert r.status_code == 200, r.text
    assert r.json() == {"bookmarks": [], "total": 0, "page": 1, "page_size": 50, "pages": 0}
    assert list(r.json()) == PAGE_KEYS


def test_defaults_and_shape(v1: Api) -> None:
    made = [v1.add(f"https://example.com/{i}", title=f"t{i}") for i in range(3)]
    body = v1.page()
    assert (body["total"], body["page"], body["page_size"], body["pages"]) == (3, 1, 50, 1)
    assert [list(b) for b in body["bookmarks"]] == [BOOKMARK_KEYS] * 3
    assert body["bookmarks"] == list(reversed(made))  # the same objects GET returns


def test_pages_cover_every_bookmark_once(v1: Api) -> None:
    made = [v1.add(f"https://example.com/p{i}")["id"] for i in range(7)]
    newest_first = list(reversed(made))
    seen: list[int] = []
    for page in (1, 2, 3):
        body = v1.page(page=page, page_size=3)
        assert (body["total"], body["page"], body["page_size"], body["pages"]) == (7, page, 3, 3)
        seen += [b["id"] for b in body["bookmarks"]]
    assert seen == newest_first
    # limit is an alias of page_size
    for page in (1, 3):
        by_limit = v1.page(page=page, limit=3)
        assert by_limit == v1.page(page=page, page_size=3)
    past = v1.page(page=4, page_size=3)
    assert past == {"bookmarks": [], "total": 7, "page": 4, "page_size": 3, "pages": 3}
    far = v1.page(page=1000)
    assert far["bookmarks"] == [] and far["total"] == 7 and far["pages"] == 1
    exact = v1.page(page_size=7)
    assert exact["pages"] == 1 and len(exact["bookmarks"]) == 7
    one = v1.page(page_size=1, page=7)
    assert one["pages"] == 7 and [b["id"] for b in one["bookmarks"]] == [made[0]]


def test_page_size_above_200_is_clamped(v1: Api, ctx: Any) -> None:
    with ctx.db.unit(write=True) as session:
        for i in range(201):
            bookmark_service.create(
                session, v1.id, {"url": f"https://example.com/many/{i}"}, merge=False
            )
    for params in ({"page_size": 500}, {"limit": 10_000}, {"page_size": 201}):
        body = v1.page(**params)
        assert body["page_size"] == 200, params
        assert len(body["bookmarks"]) == 200
        assert (body["total"], body["pages"]) == (201, 2)
    second = v1.page(page=2, page_size=10_000)
    assert len(second["bookmarks"]) == 1 and second["page_size"] == 200
    assert v1.page(page_size=200)["page_size"] == 200


def test_a_page_far_past_the_end_is_empty_and_says_which_page_it_is(v1: Api) -> None:
    v1.add("https://example.com/one")
    wrong = {}
    for page in (10_000, 20_000_000, 10**19):
        r = v1.get("/urls", params={"page": page, "page_size": 10})
        want = {"bookmarks": [], "total": 1, "page": page, "page_size": 10, "pages": 1}
        if r.status_code != 200 or r.json() != want:
            wrong[page] = (r.status_code, r.json())
    assert wrong == {}


def test_any_page_size_above_200_is_clamped(v1: Api) -> None:
    v1.add("https://example.com/one")
    wrong = {}
    for size in (1_000_000, 2**40, 10**20):
        for name in ("page_size", "limit"):
            r = v1.get("/urls", params={name: size})
            body = r.json()
            if r.status_code != 200 or (body["page_size"], body["total"]) != (200, 1):
                wrong[(name, size)] = (r.status_code, body)
    assert wrong == {}


def test_bad_paging_values_are_422(v1: Api) -> None:
    v1.add("https://example.com/one")
    for name, value in (
        ("page_size", "0"),
        ("page_size", "-1"),
        ("page_size", "abc"),
        ("page_size", "1.5"),
        ("page_size", "1e3"),
        ("limit", "0"),
        ("limit", "x"),
        ("page", "0"),
        ("page", "-3"),
        ("page", "abc"),
        ("page", "2.0"),
    ):
        assert_invalid(v1.get("/urls", params={name: value}), name)


def test_folder_filter_is_that_folder_only(v1: Api) -> None:
    parent = v1.folder("Parent")
    child = v1.folder("Child", parent["id"])
    root = [v1.add(f"https://example.com/root{i}")["id"] for i in range(2)]
    in_parent = [
        v1.add(f"https://example.com/p{i}", folder_id=parent["id"])["id"] for i in range(2)
    ]
    in_child = [v1.add("https://example.com/c", folder_id=child["id"])["id"]]
    assert v1.ids(folder_id=parent["id"]) == in_parent[::-1]
    assert v1.ids(folder_id=child["id"]) == in_child
    assert v1.ids(folder_id=0) == root[::-1]
    assert v1.page(folder_id=parent["id"])["total"] == 2
    everything = sorted(root + in_parent + in_child, reverse=True)
    assert v1.ids() == everything
    assert v1.ids(folder_id="") == everything  # an empty value is no filter
    for bad in ("abc", "-1", "1.5"):
        assert_invalid(v1.get("/urls", params={"folder_id": bad}), "folder_id")
    r = v1.get("/urls", params={"folder_id": UNKNOWN_ID})
    assert r.status_code in (200, 404), r.text
    if r.status_code == 200:
        assert r.json()["bookmarks"] == [] and r.json()["total"] == 0


def test_favorite_filter(v1: Api) -> None:
    fav = [v1.add(f"https://example.com/f{i}", is_favorite=True)["id"] for i in range(2)]
    plain = [v1.add(f"https://example.com/n{i}")["id"] for i in range(3)]
    assert v1.ids(favorite="true") == fav[::-1]
    assert v1.page(favorite="true")["total"] == 2
    assert v1.ids(favorite="false") == plain[::-1]
    assert len(v1.ids()) == 5
    for bad in ("maybe", "2", "yes please"):
        assert_invalid(v1.get("/urls", params={"favorite": bad}), "favorite")


def test_archived_bookmarks_are_listed(v1: Api) -> None:
    archived = v1.add("https://example.com/archived", is_archived=True)
    by_linkding = v1.add("https://example.com/ld-archived")
    assert v1.ld("POST", f"/bookmarks/{by_linkding['id']}/archive/").status_code == 204
    active = v1.add("https://example.com/active")
    listed = {b["id"]: b["is_archived"] for b in v1.page()["bookmarks"]}
    assert listed == {archived["id"]: True, by_linkding["id"]: True, active["id"]: False}


# --- search ----------------------------------------------------------------------------------


@pytest.fixture
def corpus(make_v1: Callable[..., Api]) -> tuple[Api, dict[str, int]]:
    """A user whose profile says strict tag search (the v1 keyword match ignores it)."""
    user = make_v1("carol", tag_search="strict")
    made = {
        "title": user.add("https://one.example/", title="The Quick Brown Fox")["id"],
        "url": user.add("https://zebracrossing.example/path")["id"],
        "keyword": user.add("https://two.example/", keywords="djangorestframework web")["id"],
        "comments": user.add("https://three.example/", comments="Notes about Marmalade")["id"],
        "python": user.add("https://four.example/", title="Snake", keywords="python")["id"],
        "pythonista": user.add("https://five.example/", title="python for pythonistas")["id"],
        "brown_quick": user.add("https://six.example/", title="brown and quick")["id"],
    }
    return user, made


def _found(user: Api, q: str) -> set[int]:
    body = user.page(q=q, page_size=200)
    assert body["total"] == len(body["bookmarks"])
    return {b["id"] for b in body["bookmarks"]}


def test_q_searches_title_url_keywords_and_comments(corpus: tuple[Api, dict[str, int]]) -> None:
    user, made = corpus
    assert _found(user, "quick brown fox") == {made["title"]}
    assert _found(user, "QUICK") == {made["title"], made["brown_quick"]}
    assert _found(user, "zebracrossing") == {made["url"]}
    assert _found(user, "ZebraCrossing.Example") == {made["url"]}
    assert _found(user, "marmalade") == {made["comments"]}
    assert _found(user, "djangorestframework") == {made["keyword"]}
    assert _found(user, "nothing-matches-this") == set()
    assert _found(user, "") == set(made.values())


def test_a_word_matches_inside_a_keyword(corpus: tuple[Api, dict[str, int]]) -> None:
    user, made = corpus
    assert _found(user, "restframe") == {made["keyword"]}
    assert _found(user, "RESTFRAME") == {made["keyword"]}
    assert _found(user, '"rest"') == {made["keyword"]}
    assert _found(user, "ytho") == {made["python"], made["pythonista"]}


def test_q_speaks_the_linkding_search_language(corpus: tuple[Api, dict[str, int]]) -> None:
    user, made = corpus
    m = made
    assert _found(user, '"quick brown"') == {m["title"]}
    assert _found(user, "quick brown") == {m["title"], m["brown_quick"]}
    assert _found(user, "#python") == {m["python"]}  # a tag, exactly: not the title
    assert _found(user, "#PYTHON") == {m["python"]}
    assert _found(user, "#pyth") == set()
    assert _found(user, "python") == {m["python"], m["pythonista"]}
    assert _found(user, "marmalade or zebracrossing") == {m["comments"], m["url"]}
    assert _found(user, "quick and brown") == {m["title"], m["brown_quick"]}
    assert _found(user, "quick and not fox") == {m["brown_quick"]}
    assert _found(user, "quick not fox") == {m["brown_quick"]}
    assert _found(user, "python not #python") == {m["pythonista"]}
    assert _found(user, "(marmalade or snake) and #python") == {m["python"]}
    assert _found(user, "not (quick or python)") == {
        m["url"],
        m["keyword"],
        m["comments"],
    }
    assert _found(user, "#web or #python") == {m["keyword"], m["python"]}


def test_q_combines_with_the_other_filters(v1: Api) -> None:
    folder = v1.folder("F")
    a = v1.add("https://a.example/", title="needle", folder_id=folder["id"], is_favorite=True)
    v1.add("https://b.example/", title="needle")
    v1.add("https://c.example/", title="hay", folder_id=folder["id"], is_favorite=True)
    assert v1.ids(q="needle", folder_id=folder["id"]) == [a["id"]]
    assert v1.ids(q="needle", favorite="true") == [a["id"]]
    assert v1.page(q="needle", page_size=1)["pages"] == 2


# --- sorting -----------------------------------------------------------------------------------


def _created(user: Api, url: str, date_added: str, **fields: Any) -> int:
    """A bookmark made through the linkding dialect with a chosen date added."""
    r = user.ld("POST", "/bookmarks/?disable_scraping", json={"url": url, "date_added": date_added})
    assert r.status_code == 201, r.text
    bookmark_id: int = r.json()["id"]
    if fields:
        assert user.patch(f"/urls/{bookmark_id}", json=fields).status_code == 200
    return bookmark_id


def _visit(user: Api, bookmark_id: int, times: int = 1) -> None:
    for _ in range(times):
        assert user.post(f"/urls/{bookmark_id}/visit").status_code == 200


def test_date_desc_is_the_default_by_created_at(v1: Api) -> None:
    old = _created(v1, "https://old.example/", "2020-01-01T00:00:00Z")
    new = _created(v1, "https://new.example/", "2024-01-01T00:00:00Z")
    older = _created(v1, "https://older.example/", "2019-01-01T00:00:00Z")
    tie_a = _created(v1, "https://tie-a.example/", "2022-06-01T00:00:00Z")
    tie_b = _created(v1, "https://tie-b.example/", "2022-06-01T00:00:00Z")
    expected = [new, tie_b, tie_a, old, older]
    assert v1.ids() == expected
    assert v1.ids(sort="date_desc") == expected
    assert [b["created_at"][:4] for b in v1.page()["bookmarks"]] == [
        "2024",
        "2022",
        "2022",
        "2020",
        "2019",
    ]


def test_title_asc_is_case_insensitive_with_the_url_for_an_empty_title(v1: Api) -> None:
    cherry = v1.add("https://a.example/", title="Cherry")["id"]
    apple = v1.add("https://b.example/", title="apple")["id"]
    untitled = v1.add("https://d-no-title.example/", title="")["id"]  # sorts as "https://..."
    banana = v1.add("https://c.example/", title="Banana")["id"]
    zebra = v1.add("https://e.example/", title="zebra")["id"]
    assert v1.ids(sort="title_asc") == [apple, banana, cherry, untitled, zebra]


def test_visit_date_desc_puts_never_visited_last(v1: Api) -> None:
    a = v1.add("https://a.example/")["id"]
    b = v1.add("https://b.example/")["id"]
    never_1 = v1.add("https://c.example/")["id"]
    c = v1.add("https://d.example/")["id"]
    never_2 = v1.add("https://e.example/")["id"]
    _visit(v1, b)
    _visit(v1, a)
    _visit(v1, c)
    _visit(v1, b)  # b visited most recently
    assert v1.ids(sort="visit_date_desc") == [b, c, a, never_2, never_1]


def test_visit_count_desc(v1: Api) -> None:
    a = v1.add("https://a.example/")["id"]
    b = v1.add("https://b.example/")["id"]
    c = v1.add("https://c.example/")["id"]
    d = v1.add("https://d.example/")["id"]
    e = v1.add("https://e.example/")["id"]
    _visit(v1, a, 3)
    _visit(v1, b, 1)
    _visit(v1, d, 1)
    assert v1.ids(sort="visit_count_desc") == [a, d, b, e, c]


def test_rating_desc(v1: Api) -> None:
    a = v1.add("https://a.example/", rating=3)["id"]
    b = v1.add("https://b.example/", rating=5)["id"]
    c = v1.add("https://c.example/")["id"]
    d = v1.add("https://d.example/", rating=3)["id"]
    e = v1.add("https://e.example/")["id"]
    assert v1.ids(sort="rating_desc") == [b, d, a, e, c]
    # the order follows changes
    assert v1.patch(f"/urls/{c}", json={"rating": 4}).status_code == 200
    assert v1.ids(sort="rating_desc") == [b, c, d, a, e]


SORTS = ("date_desc", "title_asc", "visit_date_desc", "visit_count_desc", "rating_desc")


def test_sorted_pages_are_stable(v1: Api) -> None:
    """Ties everywhere: paging one bookmark at a time gives the full order, every sort."""
    made = [v1.add(f"https://x.example/{i}", title="Same", rating=1)["id"] for i in range(5)]
    for sort in SORTS:
        full = v1.ids(sort=sort)
        assert sorted(full) == sorted(made)
        paged = [v1.page(sort=sort, page=p, page_size=1)["bookmarks"][0]["id"] for p in range(1, 6)]
        assert paged == full, sort


def test_every_sort_breaks_ties_by_id_descending(v1: Api) -> None:
    """Same date added, title (up to case), rating, visits (none): every key ties."""
    same = "2022-02-02T00:00:00Z"
    made = [
        _created(v1, f"https://x.example/{i}", same, title=title, rating=2)
        for i, title in enumerate(["Same", "same", "SAME", "Same"])
    ]
    newest_first = sorted(made, reverse=True)
    wrong = {sort: v1.ids(sort=sort) for sort in SORTS}
    wrong = {sort: ids for sort, ids in wrong.items() if ids != newest_first}
    assert wrong == {}, f"want {newest_first} for every sort"


def test_an_unknown_sort_is_422(v1: Api) -> None:
    for sort in ("nope", "DATE_DESC", "added_desc", "title_desc"):
        assert_invalid(v1.get("/urls", params={"sort": sort}), "sort")


def test_unknown_query_parameters_are_ignored(v1: Api) -> None:
    made = v1.add("https://example.com/x")
    assert v1.ids(whatever="1", offset="abc") == [made["id"]]
