"""/api/v1/folders: the tree, creating, /folders/path, renaming, moving, deleting."""

from __future__ import annotations

from typing import Any

from tests.api.linkagogo.conftest import (
    FOLDER_KEYS,
    ISO_Z,
    UNKNOWN_ID,
    Api,
    assert_detail,
    assert_invalid,
)


def _by_id(user: Api) -> dict[int, dict[str, Any]]:
    return {f["id"]: f for f in user.folders()}


def test_no_folders(v1: Api) -> None:
    r = v1.get("/folders")
    assert r.status_code == 200, r.text
    assert r.json() == []


def test_create_returns_the_folder_object(v1: Api) -> None:
    r = v1.post("/folders", json={"name": "  Dev  "})
    assert r.status_code == 201, r.text
    dev = r.json()
    assert list(dev) == FOLDER_KEYS
    assert dev["name"] == "Dev"
    assert dev["folder_id"] == 0
    assert dev["path"] == "Dev"
    assert dev["is_public"] is False
    assert dev["bookmark_count"] == 0
    assert ISO_Z.match(dev["created_at"]) and ISO_Z.match(dev["updated_at"])
    python = v1.folder("Python", dev["id"])
    assert (python["folder_id"], python["path"]) == (dev["id"], "Dev/Python")
    libs = v1.folder("Libraries", python["id"])
    assert libs["path"] == "Dev/Python/Libraries"
    top = v1.post("/folders", json={"name": "Top", "folder_id": None})
    assert top.status_code == 201 and top.json()["folder_id"] == 0
    assert _by_id(v1) == {f["id"]: f for f in (dev, python, libs, top.json())}


def test_list_puts_every_parent_before_its_children(v1: Api) -> None:
    b = v1.folder("b")
    a = v1.folder("a")
    a_child = v1.folder("child", a["id"])
    z = v1.folder("z")
    # move a (older) under z (newer), and b under a's child: parents now have higher ids
    assert v1.patch(f"/folders/{a['id']}", json={"folder_id": z["id"]}).status_code == 200
    assert v1.patch(f"/folders/{b['id']}", json={"folder_id": a_child["id"]}).status_code == 200
    deep = v1.folder("deep", b["id"])
    listed = v1.folders()
    assert [list(f) for f in listed] == [FOLDER_KEYS] * 5
    position = {f["id"]: i for i, f in enumerate(listed)}
    assert set(position) == {a["id"], b["id"], a_child["id"], z["id"], deep["id"]}
    for folder in listed:
        if folder["folder_id"]:
            assert position[folder["folder_id"]] < position[folder["id"]], listed
    paths = {f["id"]: f["path"] for f in listed}
    assert paths[deep["id"]] == "z/a/child/b/deep"
    assert paths[a_child["id"]] == "z/a/child"


def test_bookmark_count_counts_direct_children_only(v1: Api) -> None:
    parent = v1.folder("Parent")
    child = v1.folder("Child", parent["id"])
    for i in range(2):
        v1.add(f"https://example.com/p{i}", folder_id=parent["id"])
    v1.add("https://example.com/c", folder_id=child["id"])
    v1.add("https://example.com/archived", folder_id=child["id"], is_archived=True)
    v1.add("https://example.com/root")
    counts = {f["id"]: f["bookmark_count"] for f in v1.folders()}
    assert counts == {parent["id"]: 2, child["id"]: 2}
    r = v1.patch(f"/folders/{parent['id']}", json={"is_public": True})
    assert r.json()["bookmark_count"] == 2


def test_create_with_a_bad_name_is_422(v1: Api) -> None:
    v1.folder("Existing")
    before = v1.folders()
    for name in ["", "   ", "a/b", "/", "x" * 256, None, 5, ["a"], {"a": 1}, True]:
        assert_invalid(v1.post("/folders", json={"name": name}), "name")
        r = v1.post("/folders", json={"name": name, "folder_id": before[0]["id"]})
        assert_invalid(r, "name")
    assert v1.folders() == before


def test_create_name_limits(v1: Api) -> None:
    assert v1.folder("x")["name"] == "x"
    assert v1.folder("y" * 255)["name"] == "y" * 255
    assert_invalid(v1.post("/folders", json={}), "name")
    assert_invalid(v1.post("/folders", json={"name": "ok", "folder_id": "1"}), "folder_id")
    assert len(v1.folders()) == 2


def test_sibling_names_clash_case_insensitively(v1: Api) -> None:
    work = v1.folder("Work")
    other = v1.folder("Other")
    before = v1.folders()
    for name in ("Work", "work", "WORK", " work "):
        assert_detail(v1.post("/folders", json={"name": name}), 409)
    assert v1.folders() == before
    # the same name elsewhere in the tree is fine
    inner = v1.folder("work", other["id"])
    assert inner["path"] == "Other/work"
    nested = v1.folder("Work", work["id"])
    assert nested["path"] == "Work/Work"
    assert_detail(v1.post("/folders", json={"name": "WORK", "folder_id": work["id"]}), 409)


def test_create_under_a_missing_parent_is_404(v1: Api, bob: Api) -> None:
    theirs = bob.folder("Bob")
    for parent in (UNKNOWN_ID, 424242, theirs["id"]):
        assert_detail(v1.post("/folders", json={"name": "x", "folder_id": parent}), 404)
    assert v1.folders() == []
    assert [f["id"] for f in bob.folders()] == [theirs["id"]]


# --- /folders/path ------------------------------------------------------------------------------


def test_path_creates_the_missing_folders_and_returns_the_leaf(v1: Api) -> None:
    r = v1.post("/folders/path", json={"path": "Dev/Python/Libraries"})
    assert r.status_code == 201, r.text
    leaf = r.json()
    assert list(leaf) == FOLDER_KEYS
    assert (leaf["name"], leaf["path"]) == ("Libraries", "Dev/Python/Libraries")
    folders = v1.folders()
    assert [f["path"] for f in folders] == ["Dev", "Dev/Python", "Dev/Python/Libraries"]
    assert leaf == folders[2]
    # the same path, spelled differently: nothing made, 200, the same leaf
    for spelling in ("dev/python/libraries", "/DEV//Python/libraries/", " Dev / Python /Libraries"):
        r = v1.post("/folders/path", json={"path": spelling})
        assert r.status_code == 200, (spelling, r.text)
        assert r.json() == leaf
    assert v1.folders() == folders
    # a path sharing a prefix makes only the rest
    r = v1.post("/folders/path", json={"path": "dev/PYTHON/Web"})
    assert r.status_code == 201, r.text
    web = r.json()
    assert (web["name"], web["path"]) == ("Web", "Dev/Python/Web")
    assert web["folder_id"] == folders[1]["id"]
    assert len(v1.folders()) == 4
    # an existing intermediate folder is the leaf when the path ends there
    r = v1.post("/folders/path", json={"path": "Dev/"})
    assert r.status_code == 200 and r.json()["id"] == folders[0]["id"]


def test_path_reuses_folders_made_by_post_folders(v1: Api) -> None:
    dev = v1.folder("Dev")
    r = v1.post("/folders/path", json={"path": "dev"})
    assert r.status_code == 200, r.text
    assert r.json()["id"] == dev["id"]


def test_a_bad_path_is_422_and_makes_nothing(v1: Api) -> None:
    for path in ["", "/", "///", " / / ", "ok/" + "x" * 256, None, 5, ["a", "b"]]:
        assert_invalid(v1.post("/folders/path", json={"path": path}), "path")
    assert v1.folders() == []


def test_path_is_required(v1: Api) -> None:
    assert_invalid(v1.post("/folders/path", json={}), "path")
    assert_invalid(v1.post("/folders/path", json={"name": "Dev"}), "path")


# --- PATCH -----------------------------------------------------------------------------------


def test_rename_move_and_publish(v1: Api) -> None:
    a = v1.folder("A")
    b = v1.folder("B")
    child = v1.folder("Child", a["id"])
    path = f"/folders/{a['id']}"

    r = v1.patch(path, json={"name": "Renamed"})
    assert r.status_code == 200, r.text
    assert list(r.json()) == FOLDER_KEYS
    assert (r.json()["name"], r.json()["path"]) == ("Renamed", "Renamed")
    assert _by_id(v1)[child["id"]]["path"] == "Renamed/Child"

    r = v1.patch(path, json={"name": "renamed"})  # its own name in another case
    assert r.status_code == 200 and r.json()["name"] == "renamed"

    r = v1.patch(path, json={"folder_id": b["id"]})
    assert r.status_code == 200, r.text
    assert (r.json()["folder_id"], r.json()["path"]) == (b["id"], "B/renamed")
    assert _by_id(v1)[child["id"]]["path"] == "B/renamed/Child"

    r = v1.patch(path, json={"is_public": True})
    assert r.status_code == 200 and r.json()["is_public"] is True
    assert _by_id(v1)[a["id"]]["is_public"] is True

    r = v1.patch(path, json={"folder_id": 0, "name": "Back", "is_public": False})
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in ("folder_id", "path", "is_public")} == {
        "folder_id": 0,
        "path": "Back",
        "is_public": False,
    }
    r = v1.patch(f"/folders/{child['id']}", json={"folder_id": None})
    assert r.status_code == 200 and r.json()["folder_id"] == 0

    same = v1.patch(path, json={})
    assert same.status_code == 200 and same.json() == _by_id(v1)[a["id"]]


def test_moving_into_itself_or_a_descendant_is_422(v1: Api) -> None:
    a = v1.folder("A")
    b = v1.folder("B", a["id"])
    c = v1.folder("C", b["id"])
    before = v1.folders()
    for target in (a, b, c):
        assert_invalid(
            v1.patch(f"/folders/{a['id']}", json={"folder_id": target["id"]}), "folder_id"
        )
    assert_invalid(v1.patch(f"/folders/{b['id']}", json={"folder_id": c["id"]}), "folder_id")
    assert v1.folders() == before


def test_rename_or_move_onto_a_siblings_name_is_409(v1: Api) -> None:
    a = v1.folder("Alpha")
    v1.folder("Beta")
    parent = v1.folder("Parent")
    v1.folder("alpha", parent["id"])
    before = v1.folders()
    assert_detail(v1.patch(f"/folders/{a['id']}", json={"name": "BETA"}), 409)
    assert_detail(v1.patch(f"/folders/{a['id']}", json={"folder_id": parent["id"]}), 409)
    assert v1.folders() == before


def test_patch_validation_and_missing_folders(v1: Api, bob: Api) -> None:
    a = v1.folder("A")
    theirs = bob.folder("Theirs")
    before = v1.folders()
    path = f"/folders/{a['id']}"
    for name in ("", "  ", "a/b", "x" * 256, None, 7):
        assert_invalid(v1.patch(path, json={"name": name}), "name")
    for value in ("yes", 1, None):
        assert_invalid(v1.patch(path, json={"is_public": value}), "is_public")
    assert_invalid(v1.patch(path, json={"folder_id": "x"}), "folder_id")
    assert_detail(v1.patch(path, json={"folder_id": UNKNOWN_ID}), 404)
    assert_detail(v1.patch(path, json={"folder_id": theirs["id"]}), 404)
    assert_detail(v1.patch(f"/folders/{UNKNOWN_ID}", json={"name": "x"}), 404)
    assert v1.folders() == before


# --- DELETE ----------------------------------------------------------------------------------


def test_delete_removes_the_subtree_and_every_bookmark_inside(v1: Api) -> None:
    a = v1.folder("A")
    b = v1.folder("B", a["id"])
    c = v1.folder("C", b["id"])
    d = v1.folder("D")
    d_child = v1.folder("DC", d["id"])
    doomed = [
        v1.add("https://example.com/a", folder_id=a["id"], keywords="only-in-a shared")["id"],
        v1.add("https://example.com/b", folder_id=b["id"], is_archived=True)["id"],
        v1.add("https://example.com/c1", folder_id=c["id"], keywords="deep")["id"],
        v1.add("https://example.com/c2", folder_id=c["id"], is_favorite=True)["id"],
    ]
    kept = [
        v1.add("https://example.com/root", keywords="shared")["id"],
        v1.add("https://example.com/d", folder_id=d["id"])["id"],
        v1.add("https://example.com/dc", folder_id=d_child["id"], is_archived=True)["id"],
    ]
    assert v1.stats()["bookmark_count"] == 7

    r = v1.delete(f"/folders/{a['id']}")
    assert r.status_code == 204
    assert r.content == b""

    assert [f["id"] for f in v1.folders()] == [d["id"], d_child["id"]]
    for bookmark_id in doomed:
        assert_detail(v1.get(f"/urls/{bookmark_id}"), 404)
        assert v1.ld("GET", f"/bookmarks/{bookmark_id}/").status_code == 404
    assert [b["id"] for b in v1.everything()] == kept
    assert v1.ld_ids() == set(kept)
    for folder in (a, b, c):
        assert_detail(v1.delete(f"/folders/{folder['id']}"), 404)
        assert_detail(v1.patch(f"/folders/{folder['id']}", json={"name": "x"}), 404)
    stats = v1.stats()
    assert (stats["bookmark_count"], stats["folder_count"], stats["favorite_count"]) == (3, 2, 0)
    assert stats["tag_count"] == 1  # "shared" only: the others are on no bookmark now
    assert stats["top_keywords"] == [{"keyword": "shared", "count": 1}]
    # the URLs are free again
    assert v1.add("https://example.com/c1")["id"] not in doomed


def test_delete_a_leaf_keeps_its_parent(v1: Api) -> None:
    parent = v1.folder("P")
    leaf = v1.folder("L", parent["id"])
    in_parent = v1.add("https://example.com/p", folder_id=parent["id"])
    v1.add("https://example.com/l", folder_id=leaf["id"])
    assert v1.delete(f"/folders/{leaf['id']}").status_code == 204
    assert [f["id"] for f in v1.folders()] == [parent["id"]]
    assert [b["id"] for b in v1.everything()] == [in_parent["id"]]
    assert v1.folders()[0]["bookmark_count"] == 1
    assert_detail(v1.delete(f"/folders/{UNKNOWN_ID}"), 404)
