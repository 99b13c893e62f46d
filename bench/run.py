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
import re
import shutil
import signal
import socket
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
    "markhive/bookmarks/listing.py",
    "markhive/search",
    "markhive/api/linkding",
]


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


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    target: Target | None = LATENCY
    body: Callable[[int], dict[str, Any]] | None = None
    expect: int = 200


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
            "create", "POST", "/api/bookmarks/?disable_scraping", body=create_body, expect=201
        ),
    ]


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
def server(data_dir: Path, workers: int, log: Path) -> Iterator[tuple[int, int]]:
    """Yields the port and the server's process group id (for ``server_cpu``)."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        MARKHIVE_DATA_DIR=str(data_dir),
        MARKHIVE_RUN_WORKER="false",
        MARKHIVE_LOG_LEVEL="warning",
        MARKHIVE_WORKERS=str(workers),
    )
    env.pop("MARKHIVE_DATABASE_URL", None)
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
    cpu = server_cpu(group)
    started = time.perf_counter()
    for serial in range(requests):
        body = scenario.body(serial) if scenario.body else None
        t0 = time.perf_counter()
        status, payload = client.send(scenario.method, scenario.path, body)
        took = time.perf_counter() - t0
        result.latencies.append(took)
        if serial == 0:
            result.first = took * 1000
        if status != scenario.expect:
            result.errors.append(f"{status}: {payload[:200]!r}")
        elif serial == 0 or scenario.method == "POST":
            data = json.loads(payload)
            if scenario.method == "POST":
                created.append(int(data["id"]))
            else:
                result.count = data.get("count")
                result.returned = len(data.get("results", []))
        if len(result.latencies) >= 20 and time.perf_counter() - started > budget:
            break
    result.elapsed = time.perf_counter() - started
    result.server_cpu = server_cpu(group) - cpu
    for bookmark_id in created:  # keep the data set as generated; not timed
        client.send("DELETE", f"/api/bookmarks/{bookmark_id}/")
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


def report(
    data_dir: Path,
    words: dict[str, Any],
    results: list[Result],
    throughput: list[Throughput],
    workers: int,
    load: tuple[float, float],
    code: str,
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
        "",
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


def run(args: argparse.Namespace) -> str:
    data_dir: Path = args.data_dir.resolve()
    key = (data_dir / "bench_key").read_text().strip()
    words = json.loads((data_dir / "bench_words.json").read_text())
    count = words["count"]
    log = OUT / f"server-{count}.log"
    chosen = scenarios(words)
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
    throughput: list[Throughput] = []
    if args.concurrency_test:
        for workers in args.concurrency_workers:
            found = concurrency(data_dir, key, workers, 16, args.duration, log)
            print(
                f"  16 clients, {workers} process(es): {found.rate:.0f} requests/s", file=sys.stderr
            )
            throughput.append(found)
    load = (load_before, os.getloadavg()[0])
    text = report(data_dir, words, results, throughput, args.workers, load, code)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"results-{count}.md").write_text(text)
    return text


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
