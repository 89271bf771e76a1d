"""When a mail happened: its arrival (topmost Received) and its event time (the Date, bounded).

The event time is the mail's Date, bounded by its arrival and by now; a Date or stamp that is absurd
(year 9999, far in the future, unreadable) counts as missing (``lockwatch.parse.dates``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lockwatch.clock import now_utc, parse_iso, sane
from lockwatch.parse.dates import received_time

if TYPE_CHECKING:
    from lockwatch.model import Mail

__all__ = ["age", "arrival", "event_time"]


def arrival(mail: Mail | None, now: datetime | None = None) -> datetime | None:
    """When the receiving server took the mail: the topmost Received stamp (None when absent or absurd)."""
    if mail is None or not mail.received:
        return None
    return received_time(mail.received[0], now)


def event_time(record: Mapping[str, Any], mail: Mail | None, now: datetime | None = None) -> datetime:
    """The mail's Date, bounded by its arrival time and never in the future of ``now``.

    An absurd Date (year 1 or 9999, days ahead of now) is no Date: the arrival counts, else now.
    """
    now = now or datetime.now(UTC)
    moment = sane(mail.date if mail is not None and mail.date else parse_iso(record.get("date")), now)
    at = arrival(mail, now)
    if moment is None:
        moment = at or now
    elif at is not None and moment > at:
        moment = at
    return min(moment, now).astimezone(UTC)


def age(record: Mapping[str, Any], mail: Mail | None, now: datetime | None = None) -> float:
    """Seconds since the mail arrived: the topmost Received stamp (added by the user's own server); a
    sender-chosen Date only counts when there is none, and then bounded like every event time (a
    back-dated Date must not hide a fresh phish)."""
    moment = arrival(mail) or event_time(record, mail)
    return (now_utc(now) - moment).total_seconds()
