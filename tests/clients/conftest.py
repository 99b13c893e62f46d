"""A real ``markhive serve`` process (SQLite) for the tests that drive real linkding clients."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.serverproc import MARKHIVE, REPO, ServeProcess

STARTUP_SECONDS = 30.0


@dataclass(frozen=True)
class Server:
    url: str  # no trailing slash, as linkding clients expect
    key: str  # the 40 hex characters, without "lgg_", as linkding clients are given it
    env: dict[str, str]


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
    served = ServeProcess.launch(env, data_dir)
    try:
        served.wait_healthy(STARTUP_SECONDS)
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
        yield Server(url=served.url, key=secret.removeprefix("lgg_"), env=env)
    finally:
        served.stop()


@pytest.fixture
def http(server: Server) -> Iterator[httpx.Client]:
    """A plain HTTP client with the admin's key, for setting up and checking state."""
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Token {server.key}"}, timeout=10.0
    ) as client:
        yield client
