"""The outbox's queries: the ``alerts`` table and one ``deliveries`` row per (alert, target).

Each function takes a ``State`` or a connection inside ``State.transaction()`` and runs its SQL
there; the rules (who writes, when a pair is due, how long to wait) are ``lockwatch.deliver.outbox``'s.
Times are the stored ISO text (``clock.iso``); targets are ``target_key``s, never URLs.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

__all__ = ["Db", "claim", "due", "earliest_due", "give_up", "insert_alert", "overdue", "pending_count", "queue",
           "retry_later", "set_sent", "status", "undelivered"]


class Db(Protocol):
    """``State`` or ``sqlite3.Connection``: whatever runs one statement."""

    def execute(self, sql: str, params: Any = (), /) -> sqlite3.Cursor: ...


def insert_alert(db: Db, *, created_at: str, account: str | None, kind: str, severity: str, title: str, body: str,
                 message_ids: Iterable[str], incident_id: int | None, pushed: bool) -> int:
    """One alerts row; returns its id."""
    cur = db.execute(
        "INSERT INTO alerts (created_at, account, kind, severity, title, body, message_ids, incident_id,"
        " pushed) VALUES (?,?,?,?,?,?,?,?,?)",
        (created_at, account, kind, severity, title, body, json.dumps(list(message_ids), ensure_ascii=False),
         incident_id, int(pushed)))
    return int(cur.lastrowid or 0)


def queue(db: Db, alert_id: int, targets: Iterable[str], due_at: str) -> None:
    """A pending row for each target that has none for this alert yet."""
    rows = [(alert_id, key, due_at) for key in targets]
    for row in rows:  # State.execute and Connection.execute alike: no executemany on a State
        db.execute("INSERT OR IGNORE INTO deliveries (alert_id, target, status, attempts, next_attempt_at)"
                   " VALUES (?, ?, 'pending', 0, ?)", row)


def undelivered(db: Db, since: str) -> list[sqlite3.Row]:
    """(id, severity) of pushed alerts created at ``since`` or later that no target has received yet."""
    return db.execute(
        "SELECT id, severity FROM alerts a WHERE pushed = 1 AND created_at >= ? AND NOT EXISTS"
        " (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id AND d.status = 'sent') ORDER BY id",
        (since,)).fetchall()


def overdue(db: Db, cutoff: str) -> list[sqlite3.Row]:
    """Pending pairs of alerts created before ``cutoff``, with what a give-up line says about them."""
    return db.execute(
        "SELECT d.alert_id, d.target, d.attempts, d.last_error, a.kind, a.created_at FROM deliveries d"
        " JOIN alerts a ON a.id = d.alert_id WHERE d.status = 'pending' AND a.created_at < ?",
        (cutoff,)).fetchall()


def give_up(db: Db, alert_id: int, target: str) -> None:
    db.execute("UPDATE deliveries SET status = 'gave_up' WHERE alert_id = ? AND target = ?", (alert_id, target))


def due(db: Db, moment: str) -> list[sqlite3.Row]:
    """(alert_id, target) of the pending pairs due at ``moment``, oldest alert first."""
    return db.execute(
        "SELECT d.alert_id, d.target FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
        " WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.alert_id", (moment,)).fetchall()


def claim(db: Db, alert_id: int, target: str, moment: str, lease_until: str) -> dict[str, Any] | None:
    """Lease a due pair until ``lease_until`` and count the attempt; the alert (kind, severity, title,
    body, attempts) or None when the pair is not due (any more). Run it inside one transaction."""
    cur = db.execute(
        "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?"
        " WHERE alert_id = ? AND target = ? AND status = 'pending' AND next_attempt_at <= ?",
        (lease_until, alert_id, target, moment))
    if cur.rowcount != 1:
        return None
    row = db.execute(
        "SELECT a.kind, a.severity, a.title, a.body, d.attempts FROM alerts a JOIN deliveries d"
        " ON d.alert_id = a.id WHERE a.id = ? AND d.target = ?", (alert_id, target)).fetchone()
    return dict(row)


def retry_later(db: Db, alert_id: int, target: str, retry_at: str, error: str | None,
                waiting: Sequence[int] = ()) -> None:
    """A failed attempt: the pair (and ``waiting``, the target's later alerts) is due again at ``retry_at``."""
    db.execute("UPDATE deliveries SET next_attempt_at = ?, last_error = ? WHERE alert_id = ? AND target = ?",
               (retry_at, error, alert_id, target))
    for other in waiting:
        db.execute("UPDATE deliveries SET next_attempt_at = ? WHERE alert_id = ? AND target = ?"
                   " AND status = 'pending'", (retry_at, other, target))


def set_sent(db: Db, pairs: Iterable[tuple[int, str, str]]) -> None:
    """Mark (alert_id, target, sent_at) pairs delivered."""
    for alert_id, target, sent_at in pairs:
        db.execute("UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = NULL"
                   " WHERE alert_id = ? AND target = ?", (sent_at, alert_id, target))


def pending_count(db: Db) -> int:
    return int(db.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'").fetchone()[0])


def earliest_due(db: Db, targets: Sequence[str]) -> str | None:
    """When the earliest pending pair of one of ``targets`` is due (stored text); None when none is."""
    if not targets:
        return None
    marks = ",".join("?" * len(targets))
    row = db.execute(f"SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending' AND target IN ({marks})",
                     tuple(targets)).fetchone()
    return row[0] if row and row[0] else None


def status(db: Db, recent: int = 5) -> dict[str, Any]:
    """The outbox for ``lockwatch status``: counts per state, the oldest pending, recent give-ups."""
    counts = {row["status"]: row["n"] for row in db.execute(
        "SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status")}
    oldest = db.execute(
        "SELECT MIN(a.created_at) FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
        " WHERE d.status = 'pending'").fetchone()[0]
    gave_up = [dict(row) for row in db.execute(
        "SELECT d.alert_id, d.target, a.kind, a.created_at, d.attempts, d.last_error FROM deliveries d"
        " JOIN alerts a ON a.id = d.alert_id WHERE d.status = 'gave_up' ORDER BY d.alert_id DESC LIMIT ?",
        (recent,))]
    return {"pending": counts.get("pending", 0), "sent": counts.get("sent", 0),
            "gave_up": counts.get("gave_up", 0), "oldest_pending": oldest, "recent_gave_up": gave_up}

