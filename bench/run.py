"""Measure markhive over HTTP: latency of list, search and create requests, and throughput.

    python -m bench.run --data-dir /tmp/bench-100k [--requests 200] [--concurrency-test]
    python -m bench.run            # generate bench/out/data-100000 if missing, run everything

Starts ``markhive serve`` on a free port against DIR (made by ``bench.generate``), warms up,
then sends each scenario's requests one at a time over one keep-alive connection and reports
p50/p99/mean latency and requests per second. ``--concurrency-test`` then puts 16 concurrent
clients on the page of 100 for 10 s (with ``wrk`` when installed, else Python threads), once
per server process count in ``--concurrency-workers``. The Markdown report goes to standard
output and to ``bench/out/results-N.md``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_COUNT = 100_000
# Files whose modification times are printed with the results, to tell runs of old code apart.
WATCHED = [
    "markhive/bookmarks",
    "markhive/search",
    "markhive/tags",
    "markhive/api",
    "markhive/users",
]
SUITES = ("linkding", "v1", "rate-limit", "import-export")


@dataclass(frozen=True)
class Target:
    p50_ms: float
    p99_ms: float | None

    def describe(self) -> str:
        if self.p99_ms is None:
            return f"p50 ≤ {self.p50_ms:g}"
        return f"p50 ≤ {self.p50_ms:g}, p99 ≤ {self.p99_ms:g}"

    def met(self, p50: float, p99: float) -> bool:
        return p50 <= self.p50_ms and (self.p99_ms is None or p99 <= self.p99_ms)


LATENCY = Target(20, 100)
BIG_PAGE = Target(400, None)
BULK = Target(500, None)
BULK_IDS = 1_000
BULK_REQUESTS = 40  # each bulk request works on 1,000 bookmarks no other request touched


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    target: Target | None = LATENCY
    body: Callable[[int], dict[str, Any]] | None = None
    expect: int = 200
    suite: str = "linkding"
    deletes_created: bool = False  # DELETE the bookmarks made (the create scenario)
    max_requests: int | None = None
    prepare: Callable[[int], None] | None = None  # untimed, before each request
    setup: Callable[[], None] | None = None  # untimed, before the first request
    teardown: Callable[[], None] | None = None  # untimed, after the last


@dataclass
class Result:
    scenario: Scenario
    latencies: list[float] = field(default_factory=list)  # seconds
    elapsed: float = 0.0
    first: float = 0.0
    count: int | None = None
    returned: int | None = None
    errors: list[str] = field(default_factory=list)
    server_cpu: float = 0.0  # seconds, over all the scenario's requests

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000

    @property
    def mean(self) -> float:
        return sum(self.latencies) / len(self.latencies) * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def scenarios(words: dict[str, Any]) -> list[Scenario]:
    common = words["common"][0]["word"]
    other = words["common"][1]["word"]
    rare = words["rare"]["word"]
    absent = words["absent"]["word"]
    tag = words["rare_tag"]["tag"]
    boolean = f"({common} or {rare}) and not {other}"
    listing = "/api/bookmarks/?limit=100"

    def create_body(serial: int) -> dict[str, Any]:
        run = uuid.uuid4().hex[:12]
        return {
            "url": f"https://bench-create.example/{run}/{serial}",
            "title": f"Bench create {serial} {common} notes",
            "description": f"A bookmark made by the benchmark, run {run}.",
            "tag_names": ["bench-create", tag],
        }

    return [
        Scenario("page of 100 (date added)", "GET", listing),
        Scenario("page of 100 (title sort)", "GET", listing + "&sort=title_asc"),
        Scenario("offset 50,000", "GET", listing + "&offset=50000"),
        Scenario("limit=10000", "GET", "/api/bookmarks/?limit=10000", BIG_PAGE),
        Scenario(f"search absent word `{absent}`", "GET", listing + "&q=" + quote(absent)),
        Scenario(f"search rare word `{rare}`", "GET", listing + "&q=" + quote(rare)),
        Scenario(f"search common word `{common}`", "GET", listing + "&q=" + quote(common)),
        Scenario(f"search tag `#{tag}`", "GET", listing + "&q=" + quote("#" + tag)),
        Scenario(f"search `{boolean}`", "GET", listing + "&q=" + quote(boolean)),
        Scenario(
            "create",
            "POST",
            "/api/bookmarks/?disable_scraping",
            body=create_body,
            expect=201,
            deletes_created=True,
        ),
    ]


V1_SORTS = ("date_desc", "title_asc", "visit_date_desc", "visit_count_desc", "rating_desc")
V1_PAGE_SIZE = 200


def v1_scenarios(store: DataSet) -> list[Scenario]:
    """/api/v1: every sort at page 1 and 500, the account's numbers, bulk tag and move.

    ``store`` writes what the API cannot make cheaply, untimed: a bumped data version (the
    uncached variants), the keyword each bulk-tag request removes, and the restore of
    every bulk change afterwards (so the data set stays as generated)."""
    found: list[Scenario] = []
    for page in (1, 500):
        for sort in V1_SORTS:
            path = f"/api/v1/urls?sort={sort}&page={page}&page_size={V1_PAGE_SIZE}"
            found.append(Scenario(f"v1 {sort}, page {page}", "GET", path, suite="v1"))
    first_page = f"/api/v1/urls?sort=date_desc&page=1&page_size={V1_PAGE_SIZE}"

    def stale(_serial: int) -> None:
        store.bump_version()

    chunks = store.sample_chunks(2 * BULK_REQUESTS, BULK_IDS)
    tagging = TagFixture(store, chunks[:BULK_REQUESTS])
    moving = MoveFixture(store, chunks[BULK_REQUESTS:])
    found += [
        Scenario(
            "v1 date_desc, page 1, after a write (count uncached)",
            "GET",
            first_page,
            suite="v1",
            max_requests=BULK_REQUESTS,
            prepare=stale,
        ),
        Scenario("v1 account/stats (cached)", "GET", "/api/v1/account/stats", suite="v1"),
        Scenario(
            "v1 account/stats, after a write (uncached)",
            "GET",
            "/api/v1/account/stats",
            suite="v1",
            max_requests=BULK_REQUESTS,
            prepare=stale,
        ),
        Scenario(
            "v1 favorite=true, date_desc, page 1",
            "GET",
            f"/api/v1/urls?favorite=true&page_size={V1_PAGE_SIZE}",
            suite="v1",
        ),
        Scenario(
            "v1 favorite=true, date_desc, page 100",
            "GET",
            f"/api/v1/urls?favorite=true&page=100&page_size={V1_PAGE_SIZE}",
            suite="v1",
        ),
        Scenario(
            "v1 account/reminders (due)", "GET", "/api/v1/account/reminders", None, suite="v1"
        ),
        Scenario(
            f"v1 urls/tag, {BULK_IDS:,} ids (+2, -1 keyword)",
            "POST",
            "/api/v1/urls/tag",
            BULK,
            body=tagging.body,
            suite="v1",
            max_requests=BULK_REQUESTS,
            setup=tagging.setup,
            teardown=tagging.teardown,
        ),
        Scenario(
            f"v1 urls/move, {BULK_IDS:,} ids",
            "POST",
            "/api/v1/urls/move",
            None,
            body=moving.body,
            suite="v1",
            max_requests=BULK_REQUESTS,
            setup=moving.setup,
            teardown=moving.teardown,
        ),
    ]
    return found


SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


class DataSet:
    """The data set's SQLite file, opened next to the running server for untimed fixtures
    (SQLite in WAL mode lets both write in turn). Every change bumps the user's data
    version, so the server's caches never serve what was there before."""

    def __init__(self, data_dir: Path, username: str) -> None:
        self.conn = sqlite3.connect(data_dir / "markhive.db", timeout=60, isolation_level=None)
        self.conn.execute("PRAGMA busy_timeout=60000")
        found = self.conn.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
        if found is None:
            raise SystemExit(f"no user {username!r} in {data_dir}")
        self.user_id = int(found[0])

    def bump_version(self) -> None:
        self.conn.execute(
            "UPDATE users SET data_version = data_version + 1 WHERE id = ?", (self.user_id,)
        )

    def sample_chunks(self, chunks: int, size: int, seed: int = 7) -> list[list[int]]:
        """Disjoint random chunks of the user's bookmark ids (the same ones every run);
        overlapping ones when the user has too few bookmarks."""
        rows = self.conn.execute(
            "SELECT id FROM bookmarks WHERE user_id = ? ORDER BY id", (self.user_id,)
        )
        ids = [int(row[0]) for row in rows]
        rng = random.Random(seed)
        if len(ids) < chunks * size:
            return [rng.sample(ids, min(size, len(ids))) for _ in range(chunks)]
        picked = rng.sample(ids, chunks * size)
        return [picked[n * size : (n + 1) * size] for n in range(chunks)]

    def rows(self, sql: str, ids: list[int]) -> list[tuple[Any, ...]]:
        """``sql`` with one ``?``: the JSON list of ``ids``."""
        return list(self.conn.execute(sql, (json.dumps(ids),)))

    def close(self) -> None:
        self.conn.close()


class TagFixture:
    """Each request adds two keywords to 1,000 bookmarks and removes a third that the
    setup put on them, so every request inserts 2,000 links and deletes 1,000. The
    teardown removes the three keywords and restores ``date_modified``."""

    KEYWORDS = ("bench-kw-a", "bench-kw-b", "bench-kw-c")

    def __init__(self, store: DataSet, chunks: list[list[int]]) -> None:
        self.store = store
        self.chunks = chunks
        self.saved: list[tuple[Any, ...]] = []

    def body(self, serial: int) -> dict[str, Any]:
        add, other, remove = self.KEYWORDS
        return {"ids": self.chunks[serial], "add": [add, other], "remove": [remove]}

    def _forget_keywords(self) -> None:
        marks = ", ".join("?" * len(self.KEYWORDS))
        mine = f"SELECT id FROM tags WHERE user_id = ? AND name_folded IN ({marks})"
        args = (self.store.user_id, *self.KEYWORDS)
        self.store.conn.execute(f"DELETE FROM bookmark_tags WHERE tag_id IN ({mine})", args)
        self.store.conn.execute(f"DELETE FROM tags WHERE id IN ({mine})", args)

    def setup(self) -> None:
        ids = sorted({i for chunk in self.chunks for i in chunk})
        conn = self.store.conn
        self.saved = self.store.rows(
            "SELECT date_modified, id FROM bookmarks WHERE id IN (SELECT value FROM json_each(?))",
            ids,
        )
        conn.execute("BEGIN IMMEDIATE")
        self._forget_keywords()  # left by an interrupted run
        now = datetime.now(UTC).strftime(SQLITE_TIME)
        name = self.KEYWORDS[2]
        tag_id = conn.execute(
            "INSERT INTO tags (user_id, name, name_folded, date_added) VALUES (?, ?, ?, ?)",
            (self.store.user_id, name, name, now),
        ).lastrowid
        conn.executemany(
            "INSERT INTO bookmark_tags (bookmark_id, tag_id) VALUES (?, ?)",
            [(i, tag_id) for i in ids],
        )
        self.store.bump_version()
        conn.execute("COMMIT")

    def teardown(self) -> None:
        conn = self.store.conn
        conn.execute("BEGIN IMMEDIATE")
        self._forget_keywords()
        conn.executemany("UPDATE bookmarks SET date_modified = ? WHERE id = ?", self.saved)
        self.store.bump_version()
        conn.execute("COMMIT")


class MoveFixture:
    """Each request moves 1,000 bookmarks into one folder none of them was in; the
    teardown puts every bookmark back into its folder."""

    def __init__(self, store: DataSet, chunks: list[list[int]]) -> None:
        self.store = store
        self.chunks = chunks
        self.saved: list[tuple[Any, ...]] = []
        self.target = 0

    def body(self, serial: int) -> dict[str, Any]:
        return {"ids": self.chunks[serial], "folder_id": self.target}

    def setup(self) -> None:
        ids = sorted({i for chunk in self.chunks for i in chunk})
        self.saved = self.store.rows(
            "SELECT folder_id, id FROM bookmarks WHERE id IN (SELECT value FROM json_each(?))", ids
        )
        used = {folder for folder, _ in self.saved}
        folders = self.store.conn.execute(
            "SELECT id FROM folders WHERE user_id = ? ORDER BY id", (self.store.user_id,)
        )
        self.target = next((int(f) for (f,) in folders if f not in used), 0)

    def teardown(self) -> None:
        conn = self.store.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("UPDATE bookmarks SET folder_id = ? WHERE id = ?", self.saved)
        self.store.bump_version()
        conn.execute("COMMIT")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def markhive_command() -> list[str]:
    script = Path(sys.executable).parent / "markhive"
    if script.exists():
        return [str(script)]
    # Not installed as a script (e.g. the venv predates the entry point): run the module.
    return [sys.executable, "-m", "markhive.cli.main"]


@contextmanager
def server(
    data_dir: Path, workers: int, log: Path, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[int, int]]:
    """Yields the port and the server's process group id (for ``server_cpu``)."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        MARKHIVE_DATA_DIR=str(data_dir),
        MARKHIVE_RUN_WORKER="false",
        MARKHIVE_LOG_LEVEL="warning",
        MARKHIVE_WORKERS=str(workers),
    )
    for name in ("MARKHIVE_DATABASE_URL", "MARKHIVE_REDIS_URL", "MARKHIVE_PLAN_REQUESTS_PLUS"):
        env.pop(name, None)
    env.update(extra_env or {})
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as sink:
        proc = subprocess.Popen(
            [*markhive_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_healthy(port, proc, log)
            yield port, proc.pid
        finally:
            stop(proc)


def wait_healthy(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise SystemExit(f"the server exited with {proc.returncode}:\n{tail}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer /health within 120 s")


def server_cpu(group: int) -> float:
    """CPU seconds (user + system) used so far by the processes of the server's group; it
    changes little when other work on the machine slows the wall clock down."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the process group started for this server only
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closes it."""

    def __init__(self, port: int, key: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.last_limit: str | None = None  # X-RateLimit-Limit of the last response

    def send(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                self.last_limit = response.getheader("X-RateLimit-Limit")
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def measure(client: Client, scenario: Scenario, requests: int, budget: float, group: int) -> Result:
    """Send the scenario's requests one after another; stop early after ``budget`` seconds
    (with at least 20 samples)."""
    result = Result(scenario)
    created: list[int] = []
    if scenario.setup:
        scenario.setup()
    total = min(requests, scenario.max_requests or requests)
    cpu = server_cpu(group)
    started = time.perf_counter()
    untimed = 0.0
    for serial in range(total):
        body = scenario.body(serial) if scenario.body else None
        if scenario.prepare:
            u0 = time.perf_counter()
            scenario.prepare(serial)
            untimed += time.perf_counter() - u0
        t0 = time.perf_counter()
        status, payload = client.send(scenario.method, scenario.path, body)
        took = time.perf_counter() - t0
        result.latencies.append(took)
        if serial == 0:
            result.first = took * 1000
        if status != scenario.expect:
            result.errors.append(f"{status}: {payload[:200]!r}")
        elif scenario.deletes_created:
            created.append(int(json.loads(payload)["id"]))
        elif serial == 0 and scenario.method == "GET":
            data = json.loads(payload)
            result.count = data.get("count", data.get("total"))
            listed = data.get("results", data.get("bookmarks"))
            result.returned = None if listed is None else len(listed)
        if len(result.latencies) >= 20 and time.perf_counter() - started > budget + untimed:
            break
    result.elapsed = time.perf_counter() - started - untimed
    result.server_cpu = server_cpu(group) - cpu
    for bookmark_id in created:  # keep the data set as generated; not timed
        client.send("DELETE", f"/api/bookmarks/{bookmark_id}/")
    if scenario.teardown:
        scenario.teardown()
    return result


def warm_up(client: Client, seconds: float) -> None:
    """Fill the page cache and the server's code paths with a few seconds of the first page
    (the scenarios' own queries stay cold until measured: see ``first`` in the report)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        client.send("GET", "/api/bookmarks/?limit=100")
    client.send("GET", "/api/bookmarks/?limit=100&sort=title_asc")


@dataclass
class Throughput:
    workers: int
    tool: str
    rate: float
    p50_ms: float | None
    p99_ms: float | None
    requests: int
    errors: int


def run_wrk(port: int, key: str, path: str, clients: int, seconds: int) -> Throughput:
    command = [
        "wrk",
        "-t2",
        f"-c{clients}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Authorization: Token {key}",
        f"http://127.0.0.1:{port}{path}",
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Throughput(
        0,
        "wrk -t2 -c16",
        rate,
        _wrk_ms(out, "50%"),
        _wrk_ms(out, "99%"),
        total,
        errors,
    )


def _wrk_ms(out: str, label: str) -> float | None:
    found = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    if not found:
        return None
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]
    return float(found.group(1)) * scale


def run_threads(port: int, key: str, path: str, clients: int, seconds: int) -> Throughput:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        client = Client(port, key)
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            status, _ = client.send("GET", path)
            mine.append(time.perf_counter() - t0)
            bad += status != 200
        client.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return Throughput(
        0,
        f"{clients} Python threads",
        len(ordered) / elapsed,
        ordered[len(ordered) // 2] * 1000,
        ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)] * 1000,
        len(ordered),
        errors[0],
    )


def concurrency(
    data_dir: Path, key: str, workers: int, clients: int, seconds: int, log: Path
) -> Throughput:
    path = "/api/bookmarks/?limit=100"
    with server(data_dir, workers, log) as (port, _group):
        client = Client(port, key)
        warm_up(client, 3)
        client.close()
        if shutil.which("wrk"):
            found = run_wrk(port, key, path, clients, seconds)
        else:
            found = run_threads(port, key, path, clients, seconds)
    found.workers = workers
    return found


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({model or platform.machine()}), Python {platform.python_version()}"
    )


def code_version() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    newest = 0.0
    for name in WATCHED:
        target = ROOT / name
        paths = target.rglob("*.py") if target.is_dir() else [target]
        newest = max([newest, *(p.stat().st_mtime for p in paths if p.exists())])
    stamp = datetime.fromtimestamp(newest, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"commit {commit or '?'} (working tree; newest listing/search/API file {stamp})"


def latency_table(results: list[Result]) -> list[str]:
    lines = [
        "| scenario | count | rows | n | p50 ms | p99 ms | mean ms | first ms | req/s "
        "| server CPU ms | target (1M) | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        s = r.scenario
        if not r.latencies:
            continue
        p50, p99 = r.percentile(50), r.percentile(99)
        target = s.target.describe() if s.target else ""
        met = "" if s.target is None else ("yes" if s.target.met(p50, p99) else "**no**")
        if s.target is not None and r.first > (s.target.p99_ms or s.target.p50_ms):
            met += " (first **no**)"
        if r.errors:
            met = f"**{len(r.errors)} errors**"
        lines.append(
            f"| {s.name} | {_n(r.count)} | {_n(r.returned)} | {len(r.latencies)} "
            f"| {p50:.1f} | {p99:.1f} | {r.mean:.1f} | {r.first:.1f} | {r.rate:.0f} "
            f"| {r.server_cpu * 1000 / len(r.latencies):.1f} | {target} | {met} |"
        )
    return lines


def report(
    data_dir: Path,
    words: dict[str, Any],
    results: list[Result],
    throughput: list[Throughput],
    workers: int,
    load: tuple[float, float],
    code: str,
    ab: list[ABResult] | None = None,
) -> str:
    count = words["count"]
    lines = [
        f"# markhive benchmark: {count:,} bookmarks",
        "",
        f"- when: {datetime.now(UTC):%Y-%m-%d %H:%M UTC}; data: `{data_dir}`",
        f"- machine: {machine()}; server and client on the same machine; load average "
        f"{load[0]:.1f} before, {load[1]:.1f} after (1-minute; other work on the machine shows "
        "here)",
        f"- server: `markhive serve`, SQLite, {workers} process(es), no background worker",
        f"- code: {code}",
        "- latency: one client, one request at a time over a keep-alive connection; "
        "`first` is the first request of the scenario (before any per-query cache is warm); "
        "`(first no)`: that first request alone was over the p99 target; `server CPU ms`: "
        "the server's CPU time per request (mean, from /proc; less sensitive than the "
        "latencies to other work on the machine)",
    ]
    for suite in SUITES:
        mine = [r for r in results if r.scenario.suite == suite]
        if mine:
            lines += ["", f"{SUITE_TITLES[suite]}:", "", *latency_table(mine)]
    errors = [(r.scenario.name, e) for r in results for e in r.errors[:3]]
    if errors:
        lines += ["", "Errors (first three per scenario):", ""]
        lines += [f"- {name}: `{error}`" for name, error in errors]
    if throughput:
        lines += [
            "",
            "Throughput, page of 100 (date added), 16 concurrent clients "
            "(target at 100k: ≥ 800 requests/s):",
            "",
            "| server processes | client | requests/s | p50 ms | p99 ms | requests | errors "
            "| met |",
            "|---:|---|---:|---:|---:|---:|---:|---|",
        ]
        for t in throughput:
            met = "yes" if t.rate >= 800 and not t.errors else "**no**"
            lines.append(
                f"| {t.workers} | {t.tool} | {t.rate:.0f} | {_ms(t.p50_ms)} | {_ms(t.p99_ms)} "
                f"| {t.requests} | {t.errors} | {met} |"
            )
    if ab:
        lines += ["", *ab_table(ab)]
    v1 = words.get("v1")
    if v1 and any(r.scenario.suite == "v1" for r in results):
        lines += [
            "",
            f"v1 fields: {v1['folders']:,} folders ({v1['top_folders']} top-level), "
            f"{v1['at_root']:,} bookmarks at the root, the largest folder "
            f"{v1['largest_folder']:,}; "
            f"{v1['rated']:,} rated, {v1['favorites']:,} favourites, {v1['visited']:,} visited "
            f"(at most {v1['max_visit_count']:,} times), {v1['reminders']:,} reminders "
            f"({v1['due_reminders']:,} due).",
        ]
    common, other = words["common"][0], words["common"][1]
    lines += [
        "",
        f"Words (rows containing them, archived included): common `{common['word']}` "
        f"{common['rows']:,}, other common `{other['word']}` {other['rows']:,}, rare "
        f"`{words['rare']['word']}` {words['rare']['rows']}, absent `{words['absent']['word']}`; "
        f"tag `{words['rare_tag']['tag']}` on {words['rare_tag']['rows']:,} bookmarks.",
        "",
    ]
    return "\n".join(lines)


def _n(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


SUITE_TITLES = {
    "linkding": "linkding API (`/api/bookmarks/`)",
    "v1": "LinkaGoGo API (`/api/v1`), user `bench` (plan unlimited)",
}
AB_PATHS = ("/api/v1/urls?page_size=10", "/api/bookmarks/?limit=10")
AB_PLUS_LIMIT = 1_000_000_000  # plus plan's daily requests in the A/B test: never reached


@dataclass
class ABResult:
    store: str
    path: str
    round: int
    unlimited: list[float]  # seconds
    plus: list[float]
    errors: int
    plus_limit_header: str | None

    def paired(self) -> float:
        """The median of the pairs' differences (B - A), in ms: steadier than the
        difference of the medians when the machine's speed drifts."""
        diffs = sorted(b - a for a, b in zip(self.unlimited, self.plus, strict=True))
        return diffs[len(diffs) // 2] * 1000

    @staticmethod
    def p(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] * 1000


def ab_table(results: list[ABResult]) -> list[str]:
    lines = [
        "Rate-limit bookkeeping, interleaved A/B: the same request with a key of "
        "`bench-unlimited` (A, no counter) and of `bench-plus` (B, counted; "
        f"`MARKHIVE_PLAN_REQUESTS_PLUS={AB_PLUS_LIMIT}`), alternating A,B then B,A over two "
        "keep-alive connections (target: p50 difference ≤ 1 ms):",
        "",
        "| counter store | request | round | pairs | A p50 ms | B p50 ms | B - A p50 ms "
        "| median of B - A per pair ms | A p99 ms | B p99 ms | met |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    keys = list(dict.fromkeys((r.store, r.path) for r in results))
    for store, path in keys:
        mine = [r for r in results if (r.store, r.path) == (store, path)]
        pooled = ABResult(
            store,
            path,
            0,
            [x for r in mine for x in r.unlimited],
            [x for r in mine for x in r.plus],
            sum(r.errors for r in mine),
            mine[0].plus_limit_header,
        )
        for r in [*mine, pooled]:
            a, b = ABResult.p(r.unlimited, 50), ABResult.p(r.plus, 50)
            met = "yes" if b - a <= 1.0 else "**no**"
            if r.errors:
                met = f"**{r.errors} errors**"
            if not r.plus_limit_header:
                met = "**B not counted**"
            label = str(r.round) if r.round else "**all**"
            lines.append(
                f"| {store} | `{path}` | {label} | {len(r.unlimited)} | {a:.2f} | {b:.2f} "
                f"| {b - a:+.2f} | {r.paired():+.2f} | {ABResult.p(r.unlimited, 99):.2f} "
                f"| {ABResult.p(r.plus, 99):.2f} | {met} |"
            )
    return lines


def rate_limit_ab(
    data_dir: Path, store: str, extra_env: dict[str, str], pairs: int, rounds: int, log: Path
) -> list[ABResult]:
    """Interleave the A and B keys' requests on one server; one result per path and round."""
    keys = json.loads((data_dir / "bench_ab_keys.json").read_text())
    env = {"MARKHIVE_PLAN_REQUESTS_PLUS": str(AB_PLUS_LIMIT), **extra_env}
    found: list[ABResult] = []
    with server(data_dir, 1, log, env) as (port, _group):
        a, b = Client(port, keys["unlimited"]), Client(port, keys["plus"])
        for path in AB_PATHS:
            for _ in range(200):  # warm both paths and the page cache
                a.send("GET", path)
                b.send("GET", path)
            for round_ in range(1, rounds + 1):
                result = ABResult(store, path, round_, [], [], 0, b.last_limit)
                for serial in range(pairs):
                    order = [(a, result.unlimited), (b, result.plus)]
                    for client, sink in order if serial % 2 == 0 else order[::-1]:
                        t0 = time.perf_counter()
                        status, _ = client.send("GET", path)
                        sink.append(time.perf_counter() - t0)
                        result.errors += status != 200
                if a.last_limit is not None:  # the unlimited key must not be counted
                    result.errors += 1
                found.append(result)
                print(
                    f"  A/B {store} {path} round {round_}: "
                    f"A p50 {ABResult.p(result.unlimited, 50):.2f} ms, "
                    f"B p50 {ABResult.p(result.plus, 50):.2f} ms",
                    file=sys.stderr,
                    flush=True,
                )
        a.close()
        b.close()
    return found


@contextmanager
def redis_server(url: str | None) -> Iterator[str | None]:
    """``url`` as given; else a throw-away ``redis-server`` (no persistence) on a free port
    when one is installed, stopped afterwards; else None."""
    if url:
        yield url
        return
    exe = shutil.which("redis-server")
    if exe is None:
        yield None
        return
    port = free_port()
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd="/tmp",
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("redis-server did not start") from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(proc)


def complete_statistics(data_dir: Path) -> list[str]:
    """Migrate the data set (as ``markhive serve`` would) and ANALYZE again every table with
    an index the planner has no statistics for while others have: ``bench.generate`` ran
    ANALYZE, and a migration that creates or rebuilds an index afterwards leaves it without,
    so SQLite guesses it selective (0004's ``ix_bookmarks_user_title`` was then chosen for
    every plain /api/v1 list, with a sort of the million rows). The whole table, so that all
    its indexes' statistics describe the same rows (2-3 s for a million bookmarks). markhive
    itself never runs ANALYZE: its databases have no statistics at all, and no such mix.
    Returns the tables analyzed."""
    from sqlalchemy import text

    from markhive.db.engine import make_engine
    from markhive.db.migrate import migrate

    engine = make_engine(f"sqlite:///{data_dir / 'markhive.db'}", pool_size=1)
    try:
        migrate(engine)
        with engine.begin() as conn:
            if not conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            ).first():
                return []
            tables = list(
                conn.scalars(
                    text(
                        "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'index' "
                        "AND sql IS NOT NULL AND tbl_name IN ('bookmarks', 'bookmark_tags', "
                        "'tags', 'folders') AND name NOT IN "
                        "(SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL) ORDER BY tbl_name"
                    )
                )
            )
            for table in tables:
                conn.exec_driver_sql(f'ANALYZE "{table}"')
            return tables
    finally:
        engine.dispose()


def run(args: argparse.Namespace) -> str:
    data_dir: Path = args.data_dir.resolve()
    suites = args.suite or ["linkding"]
    transfer = ""
    if "import-export" in suites:
        # No server: child processes import a generated file and export this data set
        # (bench/importexport.py; its report also goes to bench/out/importexport-results.md).
        from bench import importexport

        transfer = importexport.run(
            importexport.parse_args(["--data-dir", str(data_dir), "--repeat", str(args.repeat)])
        )
        suites = [s for s in suites if s != "import-export"]
        if not suites:
            return transfer
    analyzed = complete_statistics(data_dir)
    if analyzed:
        print(
            f"analyzed again (an index had no statistics): {', '.join(analyzed)}", file=sys.stderr
        )
    key = (data_dir / "bench_key").read_text().strip()
    words = json.loads((data_dir / "bench_words.json").read_text())
    count = words["count"]
    log = OUT / f"server-{count}.log"
    store: DataSet | None = None
    chosen: list[Scenario] = []
    if "linkding" in suites:
        chosen += scenarios(words)
    if "v1" in suites:
        store = DataSet(data_dir, words.get("username", "bench"))
        chosen += v1_scenarios(store)
    if args.only:
        chosen = [s for s in chosen if any(o.lower() in s.name.lower() for o in args.only)]
    results: list[Result] = []
    load_before = os.getloadavg()[0]
    code = code_version()  # before the server starts: the code it loads
    if chosen:
        with server(data_dir, args.workers, log) as (port, group):
            client = Client(port, key)
            print(f"server on port {port}; warming up", file=sys.stderr, flush=True)
            warm_up(client, args.warmup)
            for scenario in chosen:
                result = measure(client, scenario, args.requests, args.budget, group)
                results.append(result)
                print(
                    f"  {scenario.name}: p50 {result.percentile(50):.1f} ms, "
                    f"p99 {result.percentile(99):.1f} ms, first {result.first:.1f} ms"
                    + (f", {len(result.errors)} errors" if result.errors else ""),
                    file=sys.stderr,
                    flush=True,
                )
            client.close()
    if store is not None:
        store.close()
    ab: list[ABResult] = []
    if "rate-limit" in suites:
        ab += rate_limit_ab(data_dir, "SQLite", {}, args.ab_pairs, args.ab_rounds, log)
        if args.redis_url != "none":
            with redis_server(args.redis_url) as url:
                if url is None:
                    print("  no redis-server installed: Redis A/B skipped", file=sys.stderr)
                else:
                    env = {"MARKHIVE_REDIS_URL": url}
                    ab += rate_limit_ab(data_dir, "Redis", env, args.ab_pairs, args.ab_rounds, log)
    throughput: list[Throughput] = []
    if args.concurrency_test:
        for workers in args.concurrency_workers:
            found = concurrency(data_dir, key, workers, 16, args.duration, log)
            print(
                f"  16 clients, {workers} process(es): {found.rate:.0f} requests/s", file=sys.stderr
            )
            throughput.append(found)
    load = (load_before, os.getloadavg()[0])
    text = report(data_dir, words, results, throughput, args.workers, load, code, ab)
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = "" if suites == ["linkding"] else "-" + "-".join(suites)
    (OUT / f"results-{count}{suffix}.md").write_text(text)
    return text + ("\n" + transfer if transfer else "")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__.splitlines()[0],
        epilog="Without --data-dir: generates bench/out/data-100000 when missing, then runs "
        "every scenario and the concurrency test on it.",
    )
    parser.add_argument("--data-dir", type=Path, help="a directory made by bench.generate")
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds per scenario before stopping early"
    )
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up")
    parser.add_argument("--workers", type=int, default=1, help="server processes for latency")
    parser.add_argument("--concurrency-test", action="store_true")
    parser.add_argument(
        "--concurrency-workers",
        type=lambda raw: [int(n) for n in raw.split(",")],
        default=[1, 2],
        help="server process counts for the concurrency test, e.g. 1,2",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of the concurrency test")
    parser.add_argument(
        "--only", action="append", help="run the scenarios whose name contains this (repeatable)"
    )
    parser.add_argument(
        "--suite",
        action="append",
        choices=SUITES,
        help="linkding (the default): /api/bookmarks/; v1: /api/v1 lists, stats, bulk tag and "
        "move; rate-limit: the interleaved A/B of an unlimited and a plus key; import-export: "
        "bench.importexport on this data set (no server) (repeatable)",
    )
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of each import-export measurement"
    )
    parser.add_argument("--ab-pairs", type=int, default=1000, help="A/B pairs per round")
    parser.add_argument("--ab-rounds", type=int, default=3, help="A/B rounds per request")
    parser.add_argument(
        "--redis-url",
        help="Redis for the rate-limit A/B's second run; default: start a throw-away "
        "redis-server when installed; 'none' skips it",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.data_dir is None:
        args.data_dir = OUT / f"data-{DEFAULT_COUNT}"
        args.concurrency_test = True
        if not (args.data_dir / "bench_words.json").exists():
            from bench.generate import generate

            shutil.rmtree(args.data_dir, ignore_errors=True)
            print(f"generating {DEFAULT_COUNT:,} bookmarks into {args.data_dir}", file=sys.stderr)
            generate(args.data_dir, DEFAULT_COUNT, 1)
    print(run(args))


if __name__ == "__main__":
    main()
