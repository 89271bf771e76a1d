"""Value converters for config keys: each takes the TOML value and returns the typed one, or raises ``Invalid``
saying what was expected (the loader adds the file and the key). Durations and ``since`` also serve the
command line."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import field
from datetime import UTC, date, datetime, timedelta
from typing import Any

__all__ = [
    "Invalid", "choice", "flag", "folder_list", "integer", "key", "parse_duration", "parse_since", "parse_size",
    "positive_seconds", "since_value", "str_list", "text",
]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$", re.IGNORECASE)


class Invalid(ValueError):
    """Raised by converters; turned into a ConfigError naming the file and key."""


def parse_duration(value: object) -> timedelta:
    """"30s", "2m", "24h", "7d", "1w" (or a number of seconds) → timedelta."""
    if isinstance(value, bool):
        raise Invalid("a duration such as \"30s\", \"2m\", \"24h\" or \"7d\"")
    if isinstance(value, int | float) and value >= 0:
        return timedelta(seconds=value)
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match:
        raise Invalid("a duration such as \"30s\", \"2m\", \"24h\" or \"7d\"")
    return timedelta(seconds=float(match[1]) * _UNIT_SECONDS[match[2]])


def parse_since(value: str | date, now: datetime | None = None) -> date:
    """"7d" (a duration back from now) or "YYYY-MM-DD" → the first day to read (IMAP SINCE)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        pass
    try:
        back = parse_duration(value)
    except Invalid:
        raise Invalid("a duration such as \"7d\" or a date YYYY-MM-DD") from None
    return ((now or datetime.now(UTC)) - back).date()


def parse_size(value: object) -> int:
    """A size in bytes, or such as "2MB", "500KB" → bytes."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match or float(match[1]) <= 0:
        raise Invalid("a size in bytes or such as \"2MB\", \"500KB\"")
    return int(float(match[1]) * 1024 ** " kmg".index(match[2].lower() or " "))


def since_value(value: object) -> str:
    """A ``since`` key: kept as written (a duration counts back from each first pass), checked now."""
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise Invalid("a duration such as \"7d\" or a date YYYY-MM-DD")
    parse_since(value)
    return value


def text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("a non-empty string")
    return value


def flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid("true or false")
    return value


def integer(lo: int, hi: int) -> Callable[[object], int]:
    def convert(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise Invalid(f"an integer from {lo} to {hi}")
        return value
    return convert


def positive_seconds(value: object) -> float:
    seconds = parse_duration(value).total_seconds()
    if seconds <= 0:
        raise Invalid("a positive duration such as \"30s\"")
    return seconds


def choice(*choices: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        if value not in choices:
            shown = f" (got {value!r})" if isinstance(value, str) else ""
            raise Invalid(" or ".join(f'"{c}"' for c in choices) + shown)
        return value  # type: ignore[return-value]
    return convert


def str_list(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise Invalid("a list of non-empty strings")
    return tuple(value)


def folder_list(value: object) -> tuple[str, ...]:
    folders = str_list(value)
    if not folders:
        raise Invalid("a non-empty list of folder names such as [\"INBOX\", \"Junk\"]")
    return folders


def key(convert: Callable[[object], Any], default: Any = dataclasses.MISSING, *,
        secret: bool = False, factory: Callable[[], Any] | None = None) -> Any:
    """A dataclass field that is also a config key, converted and checked by ``convert``."""
    meta = {"convert": convert}
    if factory is not None:
        return field(default_factory=factory, metadata=meta, repr=not secret)
    return field(default=default, metadata=meta, repr=not secret)
