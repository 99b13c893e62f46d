"""A real ``markhive serve`` process (SQLite) for the tests that drive real linkding clients."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "markhive"
# `make install` installs the package (and so the `markhive` script) into .venv; a venv
# that only has the dependencies runs the same command line through its module.
MARKHIVE = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "markhive.cli.main"]
STARTUP_SECONDS = 30.0


@dataclass(frozen=True)
class Server:
    url: str  # no trailing slash, as linkding clients expect
    key: str  # the 40 hex characters, without "lgg_", as linkding clients are given it
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"markhive serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"markhive serve did not become healthy in {STARTUP_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("markhive-serve")
    env = {
        **os.environ,
        "MARKHIVE_DATA_DIR": str(data_dir),
        "MARKHIVE_ALLOW_PRIVATE_FETCH": "true",
        "MARKHIVE_FETCH_TIMEOUT": "2",
        "MARKHIVE_LOG_LEVEL": "warning",
    }
    env.pop("MARKHIVE_DATABASE_URL", None)  # SQLite in the data dir
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*MARKHIVE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(url, process, log)
        created = subprocess.run(
            [*MARKHIVE, "key", "create", "admin", "--name", "clients"],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        secret = created.stdout.strip().splitlines()[-1].strip()
        assert secret.startswith("lgg_") and len(secret) == 44, created.stdout
        yield Server(url=url, key=secret.removeprefix("lgg_"), env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def http(server: Server) -> Iterator[httpx.Client]:
    """A plain HTTP client with the admin's key, for setting up and checking state."""
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Token {server.key}"}, timeout=10.0
    ) as client:
        yield client
