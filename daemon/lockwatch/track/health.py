"""Watcher health: one alert after N failed checks in a row, one more when it works again.

An account that cannot log in is recorded with folder ``""``; a folder that disappears or cannot be
read with its name. The count lives in the state table ``health``, so a restart neither forgets a
running failure nor repeats the alert.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lockwatch.alert.compose import compose_health
from lockwatch.deliver.outbox import enqueue

if TYPE_CHECKING:
    from lockwatch.state.db import State

__all__ = ["DEFAULT_THRESHOLD", "record_failure", "record_success"]

DEFAULT_THRESHOLD = 3


def _iso(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


def record_failure(state: State, account: str, folder: str, error: str, threshold: int = DEFAULT_THRESHOLD,
                   *, lang: str = "ja", targets: Iterable[Any] = (), pushed: bool = True,
                   now: datetime | None = None) -> int | None:
    """Count one failed check; returns the id of the ``health_down`` alert when this one raised it.

    ``targets``: the configured notify URLs (empty: ``deliver_pending`` queues it for the URLs it
    knows); ``error`` must not contain secrets (it is shown in the alert, cut to 300 characters).
    """
    moment = _iso(now)
    with state.transaction() as conn:
        row = conn.execute("SELECT failures, alerted, since FROM health WHERE account = ? AND folder = ?",
                           (account, folder)).fetchone()
        failures = (row["failures"] if row else 0) + 1
        since = (row["since"] if row else None) or moment
        alerted = bool(row and row["alerted"])
        raise_now = failures >= max(threshold, 1) and not alerted
        conn.execute(
            "INSERT INTO health (account, folder, failures, alerted, last_error, since) VALUES (?,?,?,?,?,?)"
            " ON CONFLICT(account, folder) DO UPDATE SET failures = excluded.failures,"
            " alerted = excluded.alerted, last_error = excluded.last_error, since = excluded.since",
            (account, folder, failures, int(alerted or raise_now), error[:300], since))
        if not raise_now:
            return None
        alert = compose_health("health_down", account, folder, error=error, failures=failures, since=since,
                               lang=lang)
        return enqueue(state, alert, targets, pushed, account=account, now=now)


def record_success(state: State, account: str, folder: str = "", *, lang: str = "ja",
                   targets: Iterable[Any] = (), pushed: bool = True,
                   now: datetime | None = None) -> int | None:
    """A check worked: clear the count; returns the id of the ``health_up`` alert if one was due."""
    with state.transaction() as conn:
        row = conn.execute("SELECT alerted, since FROM health WHERE account = ? AND folder = ?",
                           (account, folder)).fetchone()
        if row is None:
            return None
        conn.execute("DELETE FROM health WHERE account = ? AND folder = ?", (account, folder))
        if not row["alerted"]:
            return None
        alert = compose_health("health_up", account, folder, since=row["since"] or "", lang=lang)
        return enqueue(state, alert, targets, pushed, account=account, now=now)
