"""Watcher health: N failed checks in a row make a ``health_down`` fact, the next success a ``health_up``.

An account that cannot log in is counted with folder ``""``; a folder that disappears or cannot be read
with its name. The count lives in the state table ``health``, so a restart neither forgets a running
failure nor repeats the alert. Composing the alert is ``lockwatch.alert``'s, queueing it
``lockwatch.deliver``'s (``lockwatch.pipeline.watch_health`` wires them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from lockwatch.clock import iso
from lockwatch.state.health import clear_health, health_of, store_health

if TYPE_CHECKING:
    from lockwatch.state.db import State

__all__ = ["DEFAULT_THRESHOLD", "ERROR_KEPT", "HealthFact", "count_failure", "count_success"]

DEFAULT_THRESHOLD = 3
ERROR_KEPT = 300  # characters of the last error kept (and shown)


@dataclass(frozen=True)
class HealthFact:
    """A watcher went down (``health_down``) or works again (``health_up``)."""

    kind: str  # health_down | health_up
    account: str
    folder: str = ""
    error: str = ""
    failures: int = 0
    since: str = ""  # ISO time of the first failure in the row


def count_failure(state: State, account: str, folder: str, error: str, threshold: int = DEFAULT_THRESHOLD,
                  now: datetime | None = None) -> HealthFact | None:
    """Count one failed check; the ``health_down`` fact when this one reaches ``threshold``.

    ``error`` must not contain secrets (it is shown in the alert).
    """
    row = health_of(state, account, folder)
    failures = (row["failures"] if row else 0) + 1
    since = (row["since"] if row else None) or iso(now)
    alerted = bool(row and row["alerted"])
    raise_now = failures >= max(threshold, 1) and not alerted
    store_health(state, account, folder, failures, alerted or raise_now, error[:ERROR_KEPT], since)
    return HealthFact("health_down", account, folder, error, failures, since) if raise_now else None


def count_success(state: State, account: str, folder: str = "") -> HealthFact | None:
    """A check worked: clear the count; the ``health_up`` fact when a ``health_down`` was said."""
    row = health_of(state, account, folder)
    if row is None:
        return None
    clear_health(state, account, folder)
    return HealthFact("health_up", account, folder, since=row["since"] or "") if row["alerted"] else None
