"""Real ``markhive serve`` processes for end-to-end tests: start on a free port, wait until
/health answers, stop."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "markhive"
# `make install` installs the package (and so the `markhive` script) into .venv; a venv
# that only has the dependencies runs the same command line through its module.
MARKHIVE = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "markhive.cli.main"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(
    url: str, seconds: float, stopped: Callable[[], str | None], log: Callable[[], str] = str
) -> None:
    """Poll ``url``/health until it answers 200; fail the test after ``seconds`` (with the
    end of the server's ``log()``), or as soon as ``stopped()`` says (with a message) that
    the server is gone."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        gone = stopped()
        if gone is not None:
            pytest.fail(gone)
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    pytest.fail(f"{url} was not healthy within {seconds}s:\n{log()}")


@dataclass
class ServeProcess:
    process: subprocess.Popen[bytes]
    url: str  # no trailing slash
    log: Path

    @classmethod
    def launch(cls, env: dict[str, str], log_dir: Path, name: str = "serve") -> ServeProcess:
        port = free_port()
        log = log_dir / f"{name}-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*MARKHIVE, "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return cls(process, f"http://127.0.0.1:{port}", log)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def wait_healthy(self, seconds: float = 60.0) -> None:
        def exited() -> str | None:
            if self.process.poll() is None:
                return None
            return f"markhive serve exited with {self.process.returncode}:\n{self.tail()}"

        wait_healthy(self.url, seconds, exited, self.tail)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
