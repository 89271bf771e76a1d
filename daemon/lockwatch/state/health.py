"""The ``health`` table: failed checks in a row per account and folder (lockwatch.track.health)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lockwatch.state.db import State

__all__ = ["clear_health", "health_of", "store_health"]


def health_of(state: State, account: str, folder: str) -> sqlite3.Row | None:
    """(failures, alerted, since) of a failing check, None when it is not failing."""
    return state.execute("SELECT failures, alerted, since FROM health WHERE account = ? AND folder = ?",
                         (account, folder)).fetchone()


def store_health(state: State, account: str, folder: str, failures: int, alerted: bool, error: str,
                 since: str) -> None:
    state.execute(
        "INSERT INTO health (account, folder, failures, alerted, last_error, since) VALUES (?,?,?,?,?,?)"
        " ON CONFLICT(account, folder) DO UPDATE SET failures = excluded.failures,"
        " alerted = excluded.alerted, last_error = excluded.last_error, since = excluded.since",
        (account, folder, failures, int(alerted), error, since))


def clear_health(state: State, account: str, folder: str) -> None:
    state.execute("DELETE FROM health WHERE account = ? AND folder = ?", (account, folder))
