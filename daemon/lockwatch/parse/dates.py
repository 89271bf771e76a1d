"""Dates written by a sender (Date header, Received stamps) → aware datetimes, or None when absurd.

The sanity rules themselves (1970 up to two days ahead of now) live in ``lockwatch.clock``.
"""

from __future__ import annotations

import email.utils
import re
from datetime import datetime

from lockwatch.clock import sane

__all__ = ["mail_date", "received_time"]

# the year before the time of day; the stdlib reads "0001" as 2001 (two-digit years), RFC 5322 does not
_YEAR = re.compile(r"(?<!\d)(\d{3,})\s+\d{1,2}:\d{1,2}")
MAX_TEXT = 200  # a Date longer than this is not a date


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
