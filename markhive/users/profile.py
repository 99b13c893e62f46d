"""The linkding profile settings kept per user, with their defaults and allowed values."""

from __future__ import annotations

from typing import Any

CHOICES: dict[str, tuple[str, ...]] = {
    "theme": ("auto", "light", "dark"),
    "bookmark_date_display": ("relative", "absolute", "hidden"),
    "bookmark_link_target": ("_blank", "_self"),
    "web_archive_integration": ("disabled", "enabled"),
    "tag_search": ("strict", "lax"),
}
FLAGS = (
    "enable_sharing",
    "enable_public_sharing",
    "enable_favicons",
    "display_url",
    "permanent_notes",
)


def defaults() -> dict[str, Any]:
    values: dict[str, Any] = {name: options[0] for name, options in CHOICES.items()}
    values.update({flag: False for flag in FLAGS})
    values["search_preferences"] = {}
    return values


def effective(stored: dict[str, Any] | None) -> dict[str, Any]:
    """The stored profile with defaults filled in and unknown values replaced."""
    values = defaults()
    for name, value in (stored or {}).items():
        if (
            (name in CHOICES and value in CHOICES[name])
            or (name in FLAGS and isinstance(value, bool))
            or (name == "search_preferences" and isinstance(value, dict))
        ):
            values[name] = value
    return values
