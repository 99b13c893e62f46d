"""`markhive import FILE --user U` and `markhive export --user U --format F [-o FILE]`.

Import prints a summary line (and the skipped entries), writes the whole report as JSON
with ``--report``, and changes nothing when run again; a file that cannot be imported, or
an unknown user, is a one-line error with a non-zero exit and nothing imported. Export
writes the whole account, to a file that is replaced only once complete, or to stdout.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

from markhive.cli.main import cli
from markhive.context import Context
from markhive.settings import Settings
from markhive.users import service as user_service
from tests.api.linkagogo.conftest import Api
from tests.api.linkagogo.test_import_export import (
    NETSCAPE,
    URLS,
    XBEL,
    _many,
    first_report,
    read_export,
)
from tests.conftest import Account
from tests.serverproc import MARKHIVE, REPO

SUMMARY = re.compile(
    r"imported (\d+), updated (\d+), unchanged (\d+), skipped (\d+); (\d+) folders created"
)


def env(settings: Settings) -> dict[str, str]:
    return {
        "MARKHIVE_DATA_DIR": str(settings.data_dir),
        "MARKHIVE_DATABASE_URL": settings.database_url,
    }


def run(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env(settings))


def summary(result: Result) -> tuple[int, ...]:
    assert result.exit_code == 0, (result.output, result.exception)
    lines = result.stdout.splitlines()
    found = SUMMARY.fullmatch(lines[0])
    assert found, result.stdout
    return tuple(int(n) for n in found.groups())


PROGRESS = ("Reading ", "Importing ", "Exporting ")


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert result.stdout == ""
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith(PROGRESS)  # a progress bar may come first
    ]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines
    return lines[0]


@pytest.fixture
def user(ctx: Context, client: TestClient) -> Api:
    """dora, with an API view to look at her account."""
    with ctx.db.unit() as session:
        made = user_service.create_user(session, ctx.settings, "dora", None, plan="unlimited")
        key = user_service.create_key(session, ctx.settings, made, "test")
        account = Account(id=made.id, username=made.username, key=key.secret)
    return Api(client, account)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "files"
    folder.mkdir()
    paths = {"html": folder / "bookmarks.html", "xbel": folder / "bookmarks.xbel"}
    paths["html"].write_bytes(NETSCAPE)
    paths["xbel"].write_bytes(XBEL)
    return paths


# --- import -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "xbel"])
def test_import_prints_a_summary_and_writes_the_report(
    settings: Settings, user: Api, files: dict[str, Path], tmp_path: Path, fmt: str
) -> None:
    report_path = tmp_path / "report.json"
    result = run(
        settings, "import", str(files[fmt]), "--user", "dora", "--report", str(report_path)
    )
    assert summary(result) == (3, 0, 0, 1, 3)
    skipped = result.stdout.splitlines()[1:]
    assert len(skipped) == 1 and skipped[0].startswith("  skipped entry 2 javascript:alert(1): ")
    report = json.loads(report_path.read_text())
    assert report == first_report(fmt)
    assert sorted(b["url"] for b in user.everything()) == sorted(URLS)
    assert sorted(f["path"] for f in user.folders()) == ["Dev", "Dev/Python", "Empty"]

    again = run(
        settings,
        "import",
        str(files[fmt]),
        "--user",
        "DORA",
        "--format",
        fmt,
        "--report",
        str(report_path),
    )
    assert summary(again) == (0, 0, 3, 1, 0)
    assert json.loads(report_path.read_text())["unchanged"] == 3


def test_import_of_both_formats_into_one_account(
    settings: Settings, user: Api, files: dict[str, Path]
) -> None:
    assert summary(run(settings, "import", str(files["html"]), "--user", "dora")) == (
        3,
        0,
        0,
        1,
        3,
    )
    before = user.state()
    xbel = run(settings, "import", str(files["xbel"]), "--user", "dora", "--format", "auto")
    assert summary(xbel) == (0, 0, 3, 1, 0)
    assert user.state() == before


def test_import_map_private(settings: Settings, user: Api, files: dict[str, Path]) -> None:
    result = run(settings, "import", str(files["html"]), "--user", "dora", "--map-private")
    assert summary(result)[0] == 3
    shared = {b["url"]: user.ld_bookmark(b["id"])["shared"] for b in user.everything()}
    assert shared == {URLS[0]: True, URLS[1]: False, URLS[2]: False}


def test_many_skipped_entries_are_cut_short_on_screen_but_not_in_the_report(
    settings: Settings, user: Api, tmp_path: Path
) -> None:
    lines = [f'<DT><A HREF="javascript:void({n})">js {n}</A>' for n in range(25)]
    path = tmp_path / "bookmarklets.html"
    path.write_text("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n" + "\n".join(lines) + "\n</DL>")
    report_path = tmp_path / "r.json"
    result = run(settings, "import", str(path), "--user", "dora", "--report", str(report_path))
    assert summary(result) == (0, 0, 0, 25, 0)
    shown = result.stdout.splitlines()[1:]
    assert len(shown) == 21 and "5 more" in shown[-1]
    report = json.loads(report_path.read_text())
    assert [e["index"] for e in report["errors"]] == list(range(25))


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "auto"),
    "blank": (b"\n  \n", "html"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "auto"),
    "bomb": (
        b'<?xml version="1.0"?><!DOCTYPE xbel [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<xbel version="1.0"><title>&b;</title></xbel>',
        "auto",
    ),
    "truncated-xbel": (XBEL[: len(XBEL) // 2], "auto"),
    "netscape-as-xbel": (NETSCAPE, "xbel"),
    "not-bookmarks": (b"<html><body><p>hello</p></body></html>", "html"),
    "too-deep": (
        b'<xbel version="1.0">'
        + b"<folder><title>f</title>" * 257
        + b"</folder>" * 257
        + b"</xbel>",
        "xbel",
    ),
}


def test_a_bad_file_is_a_one_line_error_and_imports_nothing(
    settings: Settings, user: Api, tmp_path: Path
) -> None:
    user.add("https://kept.example/", title="kept")
    before = user.state()
    report_path = tmp_path / "report.json"
    for name, (data, fmt) in BAD_FILES.items():
        path = tmp_path / f"{name}.bin"
        path.write_bytes(data)
        result = run(
            settings,
            "import",
            str(path),
            "--user",
            "dora",
            "--format",
            fmt,
            "--report",
            str(report_path),
        )
        line = one_line_error(result)
        assert line.startswith("Error: file: "), (name, line)
        assert not report_path.exists(), name
    assert user.state() == before


def test_import_for_an_unknown_user_is_a_one_line_error(
    settings: Settings, user: Api, files: dict[str, Path], tmp_path: Path
) -> None:
    report_path = tmp_path / "report.json"
    result = run(
        settings, "import", str(files["html"]), "--user", "nobody", "--report", str(report_path)
    )
    assert "nobody" in one_line_error(result)
    assert not report_path.exists()
    assert user.everything() == []


def test_import_usage_errors(settings: Settings, user: Api, files: dict[str, Path]) -> None:
    missing = run(settings, "import", str(files["html"].with_name("nope.html")), "--user", "dora")
    assert missing.exit_code == 2
    no_user = run(settings, "import", str(files["html"]))
    assert no_user.exit_code == 2
    bad_format = run(settings, "import", str(files["html"]), "--user", "dora", "--format", "csv")
    assert bad_format.exit_code == 2
    assert user.everything() == []


# --- export -----------------------------------------------------------------------------------


def _without_stamp(data: bytes) -> bytes:
    return re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"<stamp>", data)


@pytest.fixture
def filled(settings: Settings, user: Api, files: dict[str, Path]) -> Api:
    assert run(settings, "import", str(files["xbel"]), "--user", "dora").exit_code == 0
    python = next(f for f in user.folders() if f["path"] == "Dev/Python")
    user.add("https://made.example/", title="Made <here> & now", keywords="api")
    user.add("https://archived.example/", title="archived", folder_id=python["id"])
    archived = next(b for b in user.everything() if b["url"] == "https://archived.example/")
    assert user.ld("POST", f"/bookmarks/{archived['id']}/archive/").status_code == 204
    return user


EXPECTED = {
    "https://docs.python.org/3/": ("Dev", "Python"),
    "https://github.com/": ("Dev",),
    "https://example.com/": (),
    "https://made.example/": (),
    "https://archived.example/": ("Dev", "Python"),
}


def _places(fmt: str, data: bytes) -> dict[str, Any]:
    class Body:
        content = data
        text = data.decode("utf-8")

    marks, _ = read_export(fmt, Body())  # type: ignore[arg-type]
    return {url: mark.folder for url, mark in marks.items()}


@pytest.mark.parametrize("fmt", ["html", "xbel"])
def test_export_to_a_file_writes_it_whole(
    settings: Settings, filled: Api, tmp_path: Path, fmt: str
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"bookmarks.{fmt}"
    target.write_text("an older export")
    result = run(settings, "export", "--user", "dora", "--format", fmt, "-o", str(target))
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.stdout == ""
    assert f"exported 5 bookmarks to {target}" in result.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == [target.name]  # no temporary file
    written = target.read_bytes()
    assert _places(fmt, written) == EXPECTED
    over_http = filled.get(f"/export/{fmt}")
    assert over_http.status_code == 200
    assert _without_stamp(written) == _without_stamp(over_http.content)


def test_export_into_a_pipe_writes_through_it_and_leaves_it_a_pipe(
    settings: Settings, filled: Api, tmp_path: Path
) -> None:
    """-o names something that is not a regular file (a FIFO here; /dev/null alike): it is
    written directly, never replaced by a file moved over it."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    fifo = out_dir / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    # a daemon: if the export never opens the pipe, the test fails instead of hanging
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run(settings, "export", "--user", "dora", "--format", "html", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, (result.output, result.exception)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received, "nothing was written into the pipe"
    assert _places("html", received[0]) == EXPECTED
    assert sorted(p.name for p in out_dir.iterdir()) == ["pipe"]  # no temporary file


@pytest.mark.parametrize("fmt", ["html", "xbel"])
def test_export_to_stdout(settings: Settings, filled: Api, fmt: str) -> None:
    result = run(settings, "export", "--user", "dora", "--format", fmt)
    assert result.exit_code == 0, (result.output, result.exception)
    assert _places(fmt, result.stdout_bytes) == EXPECTED
    over_http = filled.get(f"/export/{fmt}")
    assert _without_stamp(result.stdout_bytes) == _without_stamp(over_http.content)


@pytest.mark.parametrize("fmt", ["html", "xbel"])
def test_export_reimports_as_unchanged(
    settings: Settings, filled: Api, tmp_path: Path, fmt: str
) -> None:
    """The account includes bookmarks made over the API (dates with microseconds)."""
    target = tmp_path / f"again.{fmt}"
    exported = run(settings, "export", "--user", "dora", "--format", fmt, "-o", str(target))
    assert exported.exit_code == 0
    before = filled.state()
    result = run(settings, "import", str(target), "--user", "dora")
    assert summary(result) == (0, 0, 5, 0, 0)
    assert filled.state() == before


def test_export_errors_leave_the_old_file_and_no_temporary_file(
    settings: Settings, user: Api, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "bookmarks.html"
    target.write_text("an older export")
    unknown = run(settings, "export", "--user", "nobody", "--format", "html", "-o", str(target))
    assert "nobody" in one_line_error(unknown)
    assert target.read_text() == "an older export"
    assert sorted(p.name for p in out_dir.iterdir()) == ["bookmarks.html"]
    assert run(settings, "export", "--user", "dora").exit_code == 2  # --format is required
    assert run(settings, "export", "--user", "dora", "--format", "csv").exit_code == 2


def test_export_into_a_missing_folder_is_a_one_line_error(
    settings: Settings, user: Api, tmp_path: Path
) -> None:
    target = tmp_path / "no" / "such" / "folder" / "bookmarks.html"
    result = run(settings, "export", "--user", "dora", "--format", "html", "-o", str(target))
    one_line_error(result)
    assert not target.parent.exists()


def test_export_to_a_pipe_that_closes_early_ends_quietly(
    settings: Settings, user: Api, tmp_path: Path
) -> None:
    """`markhive export ... | head`: a reader that stops early is no error."""
    bulk = tmp_path / "bulk.html"
    bulk.write_bytes(_many(800))  # some 200 KB of export, more than a pipe holds
    assert summary(run(settings, "import", str(bulk), "--user", "dora"))[0] == 800
    process = subprocess.Popen(
        [*MARKHIVE, "export", "--user", "dora", "--format", "xbel"],
        env={**os.environ, **env(settings)},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    head = process.stdout.read(100)
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 0, stderr
    assert head.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr, stderr
