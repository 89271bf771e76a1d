"""What ``lockwatch status`` reads: checkpoints, watcher health, open incidents and recent alerts (read only)."""

from __future__ import annotations

from typing import Any

from lockwatch.state.db import State

__all__ = ["checkpoints", "health", "open_incidents", "recent_alerts"]


def checkpoints(state: State) -> list[dict[str, Any]]:
    """Every folder's checkpoint row (folder "" holds an account-level error), by account and folder."""
    return [dict(row) for row in state.execute(
        "SELECT account, folder, uidvalidity, last_uid, last_check, last_error, mode"
        " FROM checkpoints ORDER BY account, folder")]


def health(state: State) -> list[dict[str, Any]]:
    """The watcher health rows: failures in a row, whether "watcher down" was said, since when."""
    return [dict(row) for row in state.execute(
        "SELECT account, folder, failures, alerted, last_error, since FROM health")]


def open_incidents(state: State) -> list[dict[str, Any]]:
    """Incidents not closed yet, newest first."""
    return [dict(row) for row in state.execute(
        "SELECT id, account, kind, severity, opened_at, updated_at FROM incidents WHERE closed_at IS NULL"
        " ORDER BY opened_at DESC")]


def recent_alerts(state: State, limit: int) -> list[dict[str, Any]]:
    """The last ``limit`` alerts, newest first."""
    return [dict(row) for row in state.execute(
        "SELECT id, created_at, account, kind, severity, title FROM alerts ORDER BY id DESC LIMIT ?", (limit,))]
