"""Clock helpers every stage shares: now in UTC, ISO text both ways, and times kept within reason.

A mail can say it was written in year 1 or 9999, in a time zone 23:59 away, or with no zone at all;
datetime arithmetic on such a value raises OverflowError (9999-12-31 at -12:00 is year 10000 in UTC).
Every mail-derived or stored time goes through ``sane`` or ``parse_iso``: a believable time comes back
aware, anything else as None, and the caller falls back on when the server received the mail, or on
now. ``shift`` moves a time by a window without ever leaving datetime's range. This module imports
nothing from lockwatch.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["EARLIEST", "FUTURE_SLACK", "backoff", "iso", "now_utc", "parse_iso", "sane", "shift", "utcnow"]

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)  # a sender's clock may run ahead; further ahead is a lie
_MIN = datetime.min.replace(tzinfo=UTC)
_MAX = datetime.max.replace(tzinfo=UTC)


def now_utc(now: datetime | None = None) -> datetime:
    """``now`` in UTC when given (tests, a caller's fixed clock), else the current time."""
    return now.astimezone(UTC) if now else datetime.now(UTC)


def iso(moment: datetime | None = None) -> str:
    """A moment (default: now) as the ISO text the state file stores: UTC, whole seconds."""
    return now_utc(moment).isoformat(timespec="seconds")


def utcnow() -> str:
    """Now as stored ISO text."""
    return iso()


def parse_iso(value: Any) -> datetime | None:
    """A stored or recorded time (ISO text or datetime) in UTC; None when unreadable or out of range."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    try:
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (OverflowError, ValueError):  # 9999-12-31T23:59:59-12:00 is year 10000 in UTC
        return None


def sane(moment: datetime | None, now: datetime | None = None) -> datetime | None:
    """``moment`` (naive read as UTC) if it is a believable mail time, else None; its offset is kept."""
    if moment is None:
        return None
    try:
        if moment.utcoffset() is None:
            moment = moment.replace(tzinfo=UTC)
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    latest = shift(now or datetime.now(UTC), FUTURE_SLACK.total_seconds())
    return moment if EARLIEST <= utc <= latest else None


def shift(moment: datetime, seconds: float) -> datetime:
    """``moment`` moved by ``seconds`` (either way), clamped to datetime's range instead of raising."""
    try:
        return moment + timedelta(seconds=seconds)
    except (OverflowError, ValueError):  # ValueError: a NaN window
        return _MAX if seconds > 0 else _MIN


def backoff(attempts: int, first: float, cap: float) -> float:
    """Seconds to wait after the ``attempts``-th failure in a row: first, 2·first, 4·first ... cap (0 before any)."""
    if attempts <= 0:
        return 0.0
    return min(first * 2.0 ** min(attempts - 1, 64), cap)
