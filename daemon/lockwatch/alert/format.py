"""The small formatters every alert text uses: templates, money, durations, times and the section marker.

Each exists once here (alert texts and incident texts used to carry drifted copies):

- ``fill``: a missing or ``None`` placeholder becomes "" (what the playbooks promise), a broken
  template shows as written;
- ``money``: a sign for the common currencies (yen without decimals), else "1,234.50 CHF";
- ``duration``: whole hours in hours, anything else in minutes, in the playbook's words;
- ``local_time``: the watcher's local time with its UTC offset, so a reader in another zone (a server
  running in UTC for a user in Japan) is never misled; an absurd time shows as cleaned text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lockwatch.alert.defang import clean
from lockwatch.clock import sane
from lockwatch.config import parse_duration
from lockwatch.model import SEVERITIES

__all__ = ["CURRENCY_SIGNS", "DATE_FORMAT", "HEADING", "duration", "fill", "local_time", "money",
           "severity_rank"]

HEADING = "■ "  # starts a section heading line of an alert body (lockwatch.deliver.render reads it)
DATE_FORMAT = "%Y-%m-%d %H:%M"
CURRENCY_SIGNS = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "INR": "₹"}


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def fill(template: str, values: Mapping[str, Any] | None = None, **more: Any) -> str:
    """``template`` with its ``{name}`` placeholders filled; unknown or None ones become ""."""
    merged = {**(values or {}), **more}
    try:
        return template.format_map(_Blank({k: "" if v is None else str(v) for k, v in merged.items()}))
    except (ValueError, IndexError, AttributeError):  # a broken template shows as written
        return template


def money(total: Any, currency: Any) -> str:
    """An amount with its currency: ``¥21,000``, ``$12.50``, ``1,234.50 CHF``; "" when it is no number."""
    if not isinstance(total, int | float) or isinstance(total, bool):
        return ""
    currency = str(currency or "")
    sign = CURRENCY_SIGNS.get(currency)
    if currency == "JPY":
        return f"{sign}{total:,.0f}"
    amount = f"{total:,.0f}" if float(total).is_integer() else f"{total:,.2f}"
    return f"{sign}{amount}" if sign else f"{amount} {clean(currency, 10)}".strip()


def duration(value: Any, labels: Mapping[str, str]) -> str:
    """Seconds (or a config duration such as "30m") in the playbook's ``minutes`` / ``hours`` words."""
    seconds: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and value:
        try:
            seconds = parse_duration(value).total_seconds()
        except ValueError:
            return clean(value, 40)
    if seconds is None:
        return ""
    if seconds < 3600 or seconds % 3600:
        return fill(labels.get("minutes", "{n} min"), n=round(seconds / 60))
    return fill(labels.get("hours", "{n} h"), n=round(seconds / 3600))


def local_time(value: Any, fmt: str = DATE_FORMAT) -> str:
    """A recorded time (ISO text or datetime) in the watcher's local time with its offset, e.g.
    ``2026-01-02 19:00 (UTC+09:00)``; an absurd or unreadable one as (cleaned) text, nothing as ""."""
    if not value:
        return ""
    try:
        moment = sane(value if isinstance(value, datetime) else datetime.fromisoformat(str(value)))
        if moment is None:  # year 9999 at -12:00 is out of range in UTC, and out of belief anyway
            return clean(str(value), 60)
        moment = moment.astimezone()  # the watcher's local time, with its offset
        text = moment.strftime(fmt)
    except (ValueError, OverflowError, OSError):
        return clean(str(value), 60)
    offset = moment.strftime("%z")
    return text + f" (UTC{offset[:3]}:{offset[3:]})"


def severity_rank(severity: str) -> int:
    """0 for info (and unknown), 1 warning, 2 critical."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0
