"""Times written by a sender (Date, Received) made safe to compute with.

A mail can say it was written in year 1 or 9999, in a time zone 23:59 away, or with no zone at all;
datetime arithmetic on such a value raises OverflowError (9999-12-31 at -12:00 is year 10000 in UTC).
Every mail-derived time goes through ``sane``: a believable time (1970 up to two days ahead of now)
comes back aware, anything else as None, and the caller falls back on when the server received the
mail, or on now. ``shift`` moves a time by a window without ever leaving datetime's range.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime, timedelta

__all__ = ["EARLIEST", "FUTURE_SLACK", "mail_date", "received_time", "sane", "shift"]

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)  # a sender's clock may run ahead; further ahead is a lie
_MIN = datetime.min.replace(tzinfo=UTC)
_MAX = datetime.max.replace(tzinfo=UTC)
# the year before the time of day; the stdlib reads "0001" as 2001 (two-digit years), RFC 5322 does not
_YEAR = re.compile(r"(?<!\d)(\d{3,})\s+\d{1,2}:\d{1,2}")
MAX_TEXT = 200  # a Date longer than this is not a date


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


def mail_date(text: str | None, now: datetime | None = None) -> datetime | None:
    """An RFC 5322 date (Date header, Received stamp) → aware datetime; None when unreadable or absurd."""
    if not text or len(text) > MAX_TEXT:
        return None
    if (year := _YEAR.search(text)) and int(year[1]) < 1000:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return sane(moment, now)


def received_time(received: str, now: datetime | None = None) -> datetime | None:
    """The stamp after the last ``;`` of a Received header, None when it is unreadable or absurd."""
    return mail_date(received.rpartition(";")[2].strip(), now)


def shift(moment: datetime, seconds: float) -> datetime:
    """``moment`` moved by ``seconds`` (either way), clamped to datetime's range instead of raising."""
    try:
        return moment + timedelta(seconds=seconds)
    except (OverflowError, ValueError):  # ValueError: a NaN window
        return _MAX if seconds > 0 else _MIN
