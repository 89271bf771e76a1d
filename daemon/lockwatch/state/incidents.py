"""The ``events`` and ``incidents`` tables: what the takeover rules read and write (lockwatch.track).

Times are stored as ISO text in UTC (``lockwatch.clock.iso``), so text order is time order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lockwatch.clock import iso, utcnow

if TYPE_CHECKING:
    from lockwatch.state.db import State

__all__ = ["add_event", "add_incident", "bulk_counts", "close_incident", "event_of_message", "events_between",
           "open_incident", "order_event", "prune_bulk", "update_incident"]


def add_event(state: State, account: str, kind: str, at: datetime, message_id: str, *,
              subkind: str | None = None, order_id: str | None = None, amount: float | None = None,
              currency: str | None = None, detail: Mapping[str, Any] | None = None) -> bool:
    """Store one event; False when it is known already (the same order id seen before)."""
    cur = state.execute(
        "INSERT OR IGNORE INTO events (account, kind, subkind, event_time, message_id, order_id, amount,"
        " currency, detail) VALUES (?,?,?,?,?,?,?,?,?)",
        (account, kind, subkind, iso(at), message_id, order_id, amount, currency,
         json.dumps(dict(detail or {}), ensure_ascii=False)))
    return cur.rowcount == 1


def events_between(state: State, account: str, kind: str, start: datetime, end: datetime) -> list[sqlite3.Row]:
    """The account's events of ``kind`` from ``start`` to ``end`` (both included), oldest first."""
    return state.execute(
        "SELECT * FROM events WHERE account=? AND kind=? AND event_time BETWEEN ? AND ?"
        " ORDER BY event_time, id", (account, kind, iso(start), iso(end))).fetchall()


def event_of_message(state: State, account: str, kind: str, message_id: str) -> sqlite3.Row | None:
    """The newest event of ``kind`` that ``message_id`` left."""
    return state.execute("SELECT * FROM events WHERE account=? AND kind=? AND message_id=? ORDER BY id DESC",
                         (account, kind, message_id)).fetchone()


def order_event(state: State, account: str, order_id: str) -> sqlite3.Row | None:
    """The event of an order, by its id."""
    return state.execute("SELECT * FROM events WHERE account=? AND kind='order' AND order_id=?",
                         (account, order_id)).fetchone()


def prune_bulk(state: State, account: str, before: datetime) -> None:
    """Forget the ``bulk_mail`` events older than ``before``."""
    state.execute("DELETE FROM events WHERE account=? AND kind='bulk_mail' AND event_time < ?",
                  (account, iso(before)))


def bulk_counts(state: State, account: str, start: datetime, end: datetime) -> tuple[int, int]:
    """(bulk mails, distinct senders) from ``start`` to ``end``.

    Counted in SQL: asked for every bulk mail after an order, so fetching the rows would make a flood of
    mail (the very attack) quadratic in Python.
    """
    mails, senders = state.execute(
        "SELECT COUNT(*), COUNT(DISTINCT subkind) FROM events WHERE account=? AND kind='bulk_mail'"
        " AND event_time BETWEEN ? AND ?", (account, iso(start), iso(end))).fetchone()
    return int(mails), int(senders)


def open_incident(state: State, account: str, kind: str) -> sqlite3.Row | None:
    """The newest incident of ``kind`` that is not closed."""
    return state.execute("SELECT * FROM incidents WHERE account=? AND kind=? AND closed_at IS NULL"
                         " ORDER BY id DESC", (account, kind)).fetchone()


def close_incident(state: State, incident_id: int, at: datetime) -> None:
    state.execute("UPDATE incidents SET closed_at=? WHERE id=?", (iso(at), incident_id))


def add_incident(state: State, account: str, kind: str, severity: str, at: datetime, detail: Mapping[str, Any],
                 *, closed: bool = False) -> int:
    """Open an incident at ``at`` (closed at once when ``closed``), alerted now; returns its id."""
    cur = state.execute(
        "INSERT INTO incidents (account, kind, severity, opened_at, updated_at, closed_at, last_alert_at,"
        " detail) VALUES (?,?,?,?,?,?,?,?)",
        (account, kind, severity, iso(at), iso(at), iso(at) if closed else None, utcnow(),
         json.dumps(detail, ensure_ascii=False)))
    return int(cur.lastrowid or 0)


def update_incident(state: State, incident_id: int, updated: datetime, detail: Mapping[str, Any], *,
                    alerted: bool, closed: datetime | None = None) -> None:
    """Store an incident's new detail; ``alerted``: an alert goes out now; ``closed``: it ends at that time."""
    text = json.dumps(detail, ensure_ascii=False)
    if closed is not None:
        state.execute("UPDATE incidents SET updated_at=?, closed_at=?, last_alert_at=?, detail=? WHERE id=?",
                      (iso(updated), iso(closed), utcnow(), text, incident_id))
        return
    state.execute("UPDATE incidents SET updated_at=?, last_alert_at=COALESCE(?, last_alert_at), detail=?"
                  " WHERE id=?", (iso(updated), utcnow() if alerted else None, text, incident_id))
