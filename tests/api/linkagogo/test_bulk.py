"""POST /api/v1/urls/move and /api/v1/urls/tag: many bookmarks at once, all or nothing."""

from __future__ import annotations

import re
from typing import Any

from tests.api.linkagogo.conftest import UNKNOWN_ID, Api, assert_detail, assert_invalid, when

MAX_IDS = 10_000


# --- move ------------------------------------------------------------------------------------


def test_move_into_a_folder_and_back_to_the_root(v1: Api) -> None:
    folder = v1.folder("Target")
    made = [v1.add(f"https://example.com/{i}") for i in range(4)]
    ids = [b["id"] for b in made[:3]]
    r = v1.post("/urls/move", json={"ids": [*ids, ids[0]], "folder_id": folder["id"]})
    assert r.status_code == 200, r.text
    assert r.json() == {"moved": 3}  # distinct bookmarks named
    for before in made[:3]:
        after = v1.one(before["id"])
        assert after == {**before, "folder_id": folder["id"]}  # updated_at unchanged too
    assert v1.one(made[3]["id"]) == made[3]
    assert v1.folders()[0]["bookmark_count"] == 3
    assert sorted(v1.ids(folder_id=folder["id"])) == ids

    r = v1.post("/urls/move", json={"ids": ids[:2], "folder_id": 0})
    assert r.status_code == 200 and r.json() == {"moved": 2}
    r = v1.post("/urls/move", json={"ids": ids[2:], "folder_id": None})
    assert r.status_code == 200 and r.json() == {"moved": 1}
    assert [b["folder_id"] for b in v1.everything()] == [0, 0, 0, 0]
    # moving to where they are already still counts them
    r = v1.post("/urls/move", json={"ids": ids, "folder_id": 0})
    assert r.json() == {"moved": 3}
    r = v1.post("/urls/move", json={"ids": [], "folder_id": folder["id"]})
    assert r.status_code == 200 and r.json() == {"moved": 0}


def test_move_with_an_id_not_the_callers_changes_nothing(v1: Api, bob: Api) -> None:
    folder = v1.folder("Target")
    mine = [v1.add(f"https://example.com/{i}")["id"] for i in range(2)]
    theirs = bob.add("https://bob.example/")["id"]
    bob_before = bob.state()
    before = v1.state()
    for extra in ([UNKNOWN_ID], [theirs], [theirs, 999_999], [0], [-5]):
        r = v1.post(
            "/urls/move", json={"ids": [mine[0], *extra, mine[1]], "folder_id": folder["id"]}
        )
        body = assert_detail(r, 404)
        for missing in extra:
            assert str(missing) in body["detail"], (extra, body)
        for present in mine:
            assert str(present) not in body["detail"].replace(str(UNKNOWN_ID), ""), body
    assert v1.state() == before
    assert bob.state() == bob_before


def test_move_to_a_missing_or_foreign_folder_is_404(v1: Api, bob: Api) -> None:
    mine = v1.add("https://example.com/x")
    theirs = bob.folder("Bob's")
    before = v1.state()
    for folder_id in (UNKNOWN_ID, 31337, theirs["id"]):
        r = v1.post("/urls/move", json={"ids": [mine["id"]], "folder_id": folder_id})
        assert_detail(r, 404)
    assert v1.state() == before
    assert bob.everything() == [] and bob.folders()[0]["bookmark_count"] == 0


MOVE_BODY_ERRORS: list[tuple[dict[str, Any], str]] = [
    ({"folder_id": 0}, "ids"),
    ({"ids": [1]}, "folder_id"),
    ({"ids": "1", "folder_id": 0}, "ids"),
    ({"ids": 1, "folder_id": 0}, "ids"),
    ({"ids": [1.5], "folder_id": 0}, "ids"),
    ({"ids": ["1"], "folder_id": 0}, "ids"),
    ({"ids": [True], "folder_id": 0}, "ids"),
    ({"ids": None, "folder_id": 0}, "ids"),
    ({"ids": [1], "folder_id": "1"}, "folder_id"),
    ({"ids": [1], "folder_id": -1}, "folder_id"),
    ({"ids": [1], "folder_id": 1.0}, "folder_id"),
    ({"ids": list(range(1, MAX_IDS + 2)), "folder_id": 0}, "ids"),
]


def test_move_body_errors_are_422(v1: Api) -> None:
    v1.add("https://example.com/m")
    before = v1.state()
    for body, field in MOVE_BODY_ERRORS:
        assert_invalid(v1.post("/urls/move", json=body), field)
    assert v1.state() == before


def test_ten_thousand_ids_are_taken(v1: Api) -> None:
    made = v1.add("https://example.com/m", keywords="k")
    same = [made["id"]] * MAX_IDS
    r = v1.post("/urls/move", json={"ids": same, "folder_id": 0})
    assert r.status_code == 200 and r.json() == {"moved": 1}
    r = v1.post("/urls/tag", json={"ids": same, "add": ["t"]})
    assert r.status_code == 200 and r.json() == {"updated": 1}
    before = v1.state()
    distinct = list(range(1, MAX_IDS + 1))  # only one of them is alice's
    for path, body in (("/urls/move", {"folder_id": 0}), ("/urls/tag", {"add": ["u"]})):
        detail = assert_detail(v1.post(path, json={"ids": distinct, **body}), 404)["detail"]
        shown = re.findall(r"\d+", detail)
        assert len(shown) >= 20 and str(made["id"]) not in shown, detail
    assert v1.state() == before


# --- tag -------------------------------------------------------------------------------------


def test_tag_adds_and_removes_keywords(v1: Api) -> None:
    a = v1.add("https://example.com/a", keywords="old keep")
    b = v1.add("https://example.com/b", keywords="keep")
    c = v1.add("https://example.com/c", keywords="old")
    r = v1.post(
        "/urls/tag",
        json={"ids": [a["id"], b["id"], a["id"]], "add": ["python", "Web"], "remove": ["OLD"]},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"updated": 2}
    assert v1.one(a["id"])["keywords"] == "Web keep python"
    assert v1.one(b["id"])["keywords"] == "Web keep python"
    assert v1.one(c["id"]) == c  # not named: untouched
    assert v1.ld_bookmark(a["id"])["tag_names"] == ["Web", "keep", "python"]

    r = v1.post("/urls/tag", json={"ids": [b["id"]], "remove": ["web", "keep", "absent"]})
    assert r.json() == {"updated": 1}
    assert v1.one(b["id"])["keywords"] == "python"

    # keywords as a string, split like on create
    r = v1.post("/urls/tag", json={"ids": [c["id"]], "add": "x, y  z", "remove": "old"})
    assert r.json() == {"updated": 1}
    assert v1.one(c["id"])["keywords"] == "x y z"


def test_tag_updates_updated_at_only_when_keywords_change(v1: Api) -> None:
    a = v1.add("https://example.com/a", keywords="k")
    r = v1.post("/urls/tag", json={"ids": [a["id"]], "add": ["new"]})
    assert r.json() == {"updated": 1}
    changed = v1.one(a["id"])
    assert when(changed["updated_at"]) > when(a["updated_at"])
    assert v1.ld_bookmark(a["id"])["date_modified"] == changed["updated_at"]
    # nothing to do: still counted, nothing changes
    r = v1.post("/urls/tag", json={"ids": [a["id"]], "add": ["NEW"], "remove": ["absent"]})
    assert r.json() == {"updated": 1}
    assert v1.one(a["id"]) == changed


def test_a_keyword_both_added_and_removed_ends_up_removed(v1: Api) -> None:
    has = v1.add("https://example.com/has", keywords="both other")
    lacks = v1.add("https://example.com/lacks", keywords="other")
    r = v1.post(
        "/urls/tag",
        json={"ids": [has["id"], lacks["id"]], "add": ["Both", "fresh"], "remove": ["BOTH"]},
    )
    assert r.status_code == 200 and r.json() == {"updated": 2}
    assert v1.one(has["id"])["keywords"] == "fresh other"
    assert v1.one(lacks["id"])["keywords"] == "fresh other"


def test_tag_with_an_id_not_the_callers_changes_nothing(v1: Api, bob: Api) -> None:
    mine = [v1.add(f"https://example.com/{i}", keywords="orig")["id"] for i in range(2)]
    theirs = bob.add("https://bob.example/", keywords="bobs")["id"]
    bob_before = bob.state()
    before = v1.state()
    for extra in ([UNKNOWN_ID], [theirs], [theirs, 888_888]):
        r = v1.post(
            "/urls/tag",
            json={"ids": [mine[0], *extra, mine[1]], "add": ["brandnew"], "remove": ["orig"]},
        )
        body = assert_detail(r, 404)
        for missing in extra:
            assert str(missing) in body["detail"], body
    assert v1.state() == before  # no keyword changed, no tag was made
    assert bob.state() == bob_before


TAG_BODY_ERRORS: list[tuple[dict[str, Any], str]] = [
    ({"add": ["x"]}, "ids"),
    ({"ids": "1", "add": ["x"]}, "ids"),
    ({"ids": [1.5]}, "ids"),
    ({"ids": [False]}, "ids"),
    ({"ids": [1], "add": 5}, "add"),
    ({"ids": [1], "add": [1]}, "add"),
    ({"ids": [1], "add": None}, "add"),
    ({"ids": [1], "remove": {"a": 1}}, "remove"),
    ({"ids": [1], "remove": ["ok", None]}, "remove"),
    ({"ids": list(range(1, MAX_IDS + 2)), "add": ["x"]}, "ids"),
]


def test_tag_body_errors_are_422(v1: Api) -> None:
    v1.add("https://example.com/t", keywords="k")
    before = v1.state()
    for body, field in TAG_BODY_ERRORS:
        assert_invalid(v1.post("/urls/tag", json=body), field)
    assert v1.state() == before


def test_tag_with_no_ids(v1: Api) -> None:
    before = v1.state()
    r = v1.post("/urls/tag", json={"ids": [], "add": ["lonely"]})
    assert r.status_code == 200 and r.json() == {"updated": 0}
    assert v1.state() == before
