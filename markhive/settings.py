"""Every option of markhive, typed, with its default and help text.

Settings are read from environment variables with the prefix ``MARKHIVE_`` by
:func:`Settings.from_env`, once, and passed to whatever needs them. Nothing in
markhive reads the environment at import time.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PREFIX = "MARKHIVE_"
PLANS = ("free", "plus", "premium", "unlimited")


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _opt(default: Any, help: str, env: bool = True) -> Any:
    return field(default=default, metadata={"help": help, "env": env})


@dataclass(frozen=True)
class Settings:
    data_dir: Path = _opt(
        Path("data"), "Directory for the SQLite database, assets, keys and caches."
    )
    database_url: str = _opt(
        "", "SQLAlchemy URL of the database; default: SQLite file markhive.db in the data dir."
    )
    host: str = _opt("127.0.0.1", "Address `markhive serve` listens on.")
    port: int = _opt(8000, "Port `markhive serve` listens on.")
    secret_key: str = _opt(
        "", "Key for signing sessions; default: generated once into DATA_DIR/secret_key."
    )
    trusted_proxy: bool = _opt(
        False, "Trust X-Forwarded-Proto/X-Forwarded-Host/X-Forwarded-For from the client."
    )
    allow_private_fetch: bool = _opt(
        False, "Allow fetching page metadata from private, loopback and link-local addresses."
    )
    fetch_timeout: float = _opt(5.0, "Seconds allowed for fetching one remote page.")
    fetch_max_bytes: int = _opt(2_000_000, "Largest page body read when fetching metadata.")
    metadata_cache_seconds: int = _opt(86_400, "How long fetched page metadata is reused.")
    redis_url: str = _opt(
        "",
        "Redis URL; when set, Redis carries the background job queue, the rate-limit counters"
        " and the failed sign-ins.",
    )
    run_worker: bool = _opt(True, "Run the background-job consumer inside `markhive serve`.")
    workers: int = _opt(1, "Number of server processes `markhive serve` starts.")
    threads: int = _opt(
        2,
        "Request threads per server process; more run slow requests side by side, fewer "
        "serve more requests per second (Python threads contend for the interpreter).",
    )
    max_body_bytes: int = _opt(64 * 1024 * 1024, "Largest request body accepted (413 above).")
    default_plan: str = _opt(
        "unlimited", "Plan given to new users: free, plus, premium, unlimited."
    )
    plan_keys_plus: int = _opt(3, "API keys allowed on the plus plan.")
    plan_keys_premium: int = _opt(5, "API keys allowed on the premium plan.")
    plan_requests_plus: int = _opt(5_000, "Requests per key per UTC day on the plus plan.")
    plan_requests_premium: int = _opt(10_000, "Requests per key per UTC day on the premium plan.")
    log_level: str = _opt("info", "Log level: debug, info, warning, error.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``MARKHIVE_*`` variables, then apply ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, f.type, raw)
        values.update(overrides)
        return cls(**values).resolved()

    def resolved(self) -> Settings:
        """Fill the defaults that depend on other settings and check values."""
        if self.default_plan not in PLANS:
            raise SettingsError(f"MARKHIVE_DEFAULT_PLAN must be one of {', '.join(PLANS)}")
        for name in ("workers", "threads", "port", "max_body_bytes", "fetch_max_bytes"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{PREFIX}{name.upper()} must be at least 1")
        if self.fetch_timeout <= 0:
            raise SettingsError(f"{PREFIX}FETCH_TIMEOUT must be more than 0")
        data_dir = Path(self.data_dir).expanduser().resolve()
        url = self.database_url or f"sqlite:///{data_dir / 'markhive.db'}"
        return dataclasses.replace(self, data_dir=data_dir, database_url=url)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def assets_dir(self) -> Path:
        return self.data_dir / "assets"

    @property
    def media_dir(self) -> Path:
        """Fetched favicons and preview images, served at /media/."""
        return self.data_dir / "media"

    def ensure_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.assets_dir.mkdir(parents=True, exist_ok=True)

    def load_secret_key(self) -> str:
        """The configured secret key, or the one kept in the data dir (made on first use)."""
        if self.secret_key:
            return self.secret_key
        self.ensure_data_dir()
        path = self.data_dir / "secret_key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        return path.read_text().strip()

    def plan_key_limit(self, plan: str) -> int | None:
        """How many API keys ``plan`` allows (None: no cap)."""
        return {"free": 0, "plus": self.plan_keys_plus, "premium": self.plan_keys_premium}.get(plan)

    def plan_request_limit(self, plan: str) -> int | None:
        """Requests per key per UTC day on ``plan`` (None: no cap)."""
        return {
            "free": 0,
            "plus": self.plan_requests_plus,
            "premium": self.plan_requests_premium,
        }.get(plan)


def _convert(name: str, type_: Any, raw: str) -> Any:
    kind = str(type_)
    try:
        if kind == "bool":
            lowered = raw.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name.upper()}: cannot read {raw!r} as {kind}") from None
    return raw


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting: the README's table is checked against it."""
    rows = []
    for f in dataclasses.fields(Settings):
        default = f.default
        rows.append((PREFIX + f.name.upper(), str(default), f.metadata["help"]))
    return rows
