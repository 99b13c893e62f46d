"""Settings come from MARKHIVE_* variables, typed and checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from markhive.settings import Settings, SettingsError


def test_values_are_read_and_typed(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "MARKHIVE_DATA_DIR": str(tmp_path),
            "MARKHIVE_PORT": "9001",
            "MARKHIVE_TRUSTED_PROXY": "yes",
            "MARKHIVE_FETCH_TIMEOUT": "2.5",
            "MARKHIVE_DEFAULT_PLAN": "plus",
            "UNRELATED": "x",
        }
    )
    assert settings.port == 9001 and settings.trusted_proxy is True
    assert settings.fetch_timeout == 2.5 and settings.default_plan == "plus"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'markhive.db'}"


def test_secret_key_is_generated_once(tmp_path: Path) -> None:
    settings = Settings.from_env({"MARKHIVE_DATA_DIR": str(tmp_path)})
    first = settings.load_secret_key()
    assert len(first) == 64 and settings.load_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "variable, value",
    [
        ("MARKHIVE_PORT", "eighty"),
        ("MARKHIVE_TRUSTED_PROXY", "maybe"),
        ("MARKHIVE_DEFAULT_PLAN", "gold"),
        ("MARKHIVE_THREADS", "0"),
        ("MARKHIVE_FETCH_TIMEOUT", "-1"),
    ],
)
def test_bad_values_are_refused(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})
