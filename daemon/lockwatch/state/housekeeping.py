"""Pruning old rows: messages, order events, closed incidents and alerts no delivery is waiting for."""

from __future__ import annotations

from dataclasses import dataclass

from lockwatch.state.db import State

__all__ = ["Pruned", "prune"]

# alerts older than the cutoff with no delivery still pending (a pending one is kept until it is sent or given up)
_OLD_ALERTS = ("SELECT id FROM alerts a WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM deliveries d"
               " WHERE d.alert_id = a.id AND d.status = 'pending')")


@dataclass(frozen=True)
class Pruned:
    """How many rows of each kind one pass removed."""

    messages: int
    events: int
    incidents: int
    alerts: int

    def __bool__(self) -> bool:
        return any((self.messages, self.events, self.incidents, self.alerts))


def prune(state: State, cutoff: str) -> Pruned:
    """Delete, in one transaction, what is older than ``cutoff`` (stored ISO text)."""
    with state.transaction() as conn:
        messages = conn.execute("DELETE FROM messages WHERE seen_at < ?", (cutoff,)).rowcount
        events = conn.execute("DELETE FROM events WHERE event_time < ?", (cutoff,)).rowcount
        incidents = conn.execute("DELETE FROM incidents WHERE closed_at IS NOT NULL AND closed_at < ?",
                                 (cutoff,)).rowcount
        conn.execute(f"DELETE FROM deliveries WHERE alert_id IN ({_OLD_ALERTS})", (cutoff,))
        alerts = conn.execute(f"DELETE FROM alerts WHERE id IN ({_OLD_ALERTS})", (cutoff,)).rowcount
    return Pruned(messages, events, incidents, alerts)
