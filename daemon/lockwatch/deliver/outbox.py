"""The persistent outbox: alerts wait in the state database until every target has them.

``enqueue`` writes an alert and one ``deliveries`` row per target inside the caller's transaction
(the one that records the message's verdict), so an alert exists exactly when its verdict does.
``deliver_pending`` sends each due (alert, target) pair, marks it sent in its own committed
transaction right after apprise reports success (when the disk refuses that write, the mark waits in
memory and is written before anything else is sent), and otherwise retries with capped exponential
backoff (30 s → 1 h) persisted in ``next_attempt_at``; after ``give_up_after`` (3 days) it marks the
pair ``gave_up`` with a log line. A pair is claimed (leased) before sending, so two workers or two
processes never send the same pair at once. Targets are sent to in parallel: a slow or dead URL
never delays another.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lockwatch.deliver.notify import Notifier
    from lockwatch.state.db import State

__all__ = ["BACKOFF_CAP", "BACKOFF_FIRST", "DEFAULT_GIVE_UP", "DeliverySummary", "backoff", "deliver_pending",
           "enqueue", "next_attempt", "status"]

log = logging.getLogger(__name__)

BACKOFF_FIRST, BACKOFF_CAP = 30.0, 3600.0  # seconds
DEFAULT_GIVE_UP = 3 * 86400.0
LEASE = 300.0  # a claimed pair is not picked up by another worker for this long

# (state file, alert id, target key) → sent_at of pairs delivered whose "sent" could not be written
# (a full disk): they are written before anything else is sent, so the lease never resends them
_unrecorded: dict[tuple[str, int, str], str] = {}
_unrecorded_lock = threading.Lock()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _now(now: datetime | None) -> datetime:
    return now.astimezone(UTC) if now else datetime.now(UTC)


def backoff(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: 30 s, 60 s, 120 s ... capped at 1 h."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def _targets(targets: Iterable[Any]) -> list[Any]:
    from lockwatch.deliver.notify import Target

    return [Target.of(t) for t in targets]


def enqueue(state: State, alert: Mapping[str, Any] | Any, targets: Iterable[Any], pushed: bool, *,
            account: str | None = None, incident_id: int | None = None, now: datetime | None = None) -> int:
    """Store ``alert`` and queue it for each target that wants its severity; returns the alert id.

    ``alert``: the contract's alert object (kind, severity, title, body, message_ids) or an
    ``model.Alert``; ``targets``: config ``NotifyTarget``s, URL strings or ``notify.Target``s.
    ``pushed`` False records the alert without queueing it (``--no-notify``, backfill). Call it inside
    the ``State.transaction()`` that records the verdict; it joins that transaction.
    """
    data = alert.as_dict() if hasattr(alert, "as_dict") else dict(alert)
    moment = _iso(_now(now))
    account = account if account is not None else data.get("account")
    incident_id = incident_id if incident_id is not None else data.get("incident_id")
    with state.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO alerts (created_at, account, kind, severity, title, body, message_ids, incident_id,"
            " pushed) VALUES (?,?,?,?,?,?,?,?,?)",
            (moment, account, data["kind"], data["severity"], data["title"], data["body"],
             json.dumps(list(data.get("message_ids") or []), ensure_ascii=False), incident_id, int(pushed)))
        alert_id = int(cur.lastrowid or 0)
        if pushed:
            _queue(conn, alert_id, data["severity"], _targets(targets), moment)
    return alert_id


def _queue(conn: Any, alert_id: int, severity: str, targets: Iterable[Any], moment: str) -> int:
    rows = [(alert_id, t.key, moment) for t in targets if t.wants(severity)]
    conn.executemany("INSERT OR IGNORE INTO deliveries (alert_id, target, status, attempts, next_attempt_at)"
                     " VALUES (?, ?, 'pending', 0, ?)", rows)
    return len(rows)


@dataclass
class DeliverySummary:
    """What one delivery pass did."""

    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    pending: int = 0  # still waiting after this pass
    # (alert id, target label, delivered, error)
    results: list[tuple[int, str, bool, str | None]] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.sent} delivered, {self.failed} failed (will retry), {self.gave_up} given up, "
                f"{self.pending} pending")


def deliver_pending(state: State, notifier: Notifier, now: datetime | None = None, *,
                    give_up_after: float = DEFAULT_GIVE_UP) -> DeliverySummary:
    """Send every due (alert, target) pair once; must not run inside a state transaction."""
    if state.in_transaction():
        raise RuntimeError("deliver_pending inside a transaction: a success could not be committed at once")
    moment = _now(now)
    cutoff = _iso(moment - timedelta(seconds=give_up_after))
    summary = DeliverySummary()
    _record_unrecorded(state)
    with state.transaction() as conn:
        _materialize(conn, notifier, cutoff, _iso(moment))
        summary.gave_up = _give_up(conn, notifier, cutoff)
        due = conn.execute(
            "SELECT d.alert_id, d.target FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
            " WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.alert_id",
            (_iso(moment),)).fetchall()
    queues: dict[str, list[int]] = {}
    for row in due:
        if row["target"] in notifier.targets:
            queues.setdefault(row["target"], []).append(row["alert_id"])
    if queues:
        with ThreadPoolExecutor(max_workers=min(len(queues), 8), thread_name_prefix="notify") as pool:
            for results in pool.map(lambda item: _drain(state, notifier, item[0], item[1], moment),
                                    list(queues.items())):
                summary.results += results
    summary.sent = sum(1 for r in summary.results if r[2])
    summary.failed = sum(1 for r in summary.results if not r[2])
    summary.pending = state.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'").fetchone()[0]
    return summary


def _materialize(conn: Any, notifier: Notifier, cutoff: str, moment: str) -> None:
    """Queue alerts stored with ``pushed`` = 1 but no deliveries yet (written without ``enqueue``)."""
    rows = conn.execute(
        "SELECT id, severity FROM alerts a WHERE pushed = 1 AND created_at >= ?"
        " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id)", (cutoff,)).fetchall()
    for row in rows:
        _queue(conn, row["id"], row["severity"], notifier.targets.values(), moment)


def _give_up(conn: Any, notifier: Notifier, cutoff: str) -> int:
    rows = conn.execute(
        "SELECT d.alert_id, d.target, d.attempts, d.last_error, a.kind, a.created_at FROM deliveries d"
        " JOIN alerts a ON a.id = d.alert_id WHERE d.status = 'pending' AND a.created_at < ?",
        (cutoff,)).fetchall()
    for row in rows:
        target = notifier.targets.get(row["target"])
        log.warning("notify: gave up on %s alert #%d to %s after %d attempts since %s (last error: %s)",
                    row["kind"], row["alert_id"], target.label if target else row["target"], row["attempts"],
                    row["created_at"], row["last_error"] or "none")
        conn.execute("UPDATE deliveries SET status = 'gave_up' WHERE alert_id = ? AND target = ?",
                     (row["alert_id"], row["target"]))
    return len(rows)


def _drain(state: State, notifier: Notifier, key: str, alert_ids: list[int],
           moment: datetime) -> list[tuple[int, str, bool, str | None]]:
    """Send one target its due alerts in order; after a failure the rest wait with the failed one."""
    results: list[tuple[int, str, bool, str | None]] = []
    for index, alert_id in enumerate(alert_ids):
        alert = _claim(state, alert_id, key, moment)
        if alert is None:  # another worker has it, or it was sent meanwhile
            continue
        result = notifier.send(key, alert)
        if result.ok:
            _mark_sent(state, alert_id, key, _iso(datetime.now(UTC)))
        else:
            with state.transaction() as conn:
                retry = _iso(moment + timedelta(seconds=backoff(alert["attempts"])))
                conn.execute("UPDATE deliveries SET next_attempt_at = ?, last_error = ?"
                             " WHERE alert_id = ? AND target = ?", (retry, result.error, alert_id, key))
                rest = alert_ids[index + 1:]
                conn.executemany("UPDATE deliveries SET next_attempt_at = ? WHERE alert_id = ? AND target = ?"
                                 " AND status = 'pending'", [(retry, a, key) for a in rest])
        results.append((alert_id, result.label, result.ok, result.error))
        if not result.ok:
            log.warning("notify: %s alert #%d to %s failed (attempt %d): %s", alert["kind"], alert_id,
                        result.label, alert["attempts"], result.error)
            break
    return results


def _mark_sent(state: State, alert_id: int, key: str, sent_at: str) -> None:
    """Commit a delivery at once (never sent twice); when the disk refuses, keep it in memory until it can."""
    pair = (str(state.path), alert_id, key)
    with _unrecorded_lock:
        _unrecorded[pair] = sent_at
    _record_unrecorded(state)


def _record_unrecorded(state: State) -> None:
    """Write the deliveries that were sent but not yet recorded; raises StateError while it cannot."""
    with _unrecorded_lock:
        pairs = [(p, at) for p, at in _unrecorded.items() if p[0] == str(state.path)]
        if not pairs:
            return
        with state.transaction() as conn:
            conn.executemany("UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = NULL"
                             " WHERE alert_id = ? AND target = ?", [(at, p[1], p[2]) for p, at in pairs])
        for pair, _ in pairs:
            del _unrecorded[pair]


def next_attempt(state: State, targets: Iterable[str]) -> datetime | None:
    """When the earliest pending delivery to one of ``targets`` (keys) is due; None when none is."""
    keys = list(targets)
    if not keys:
        return None
    marks = ",".join("?" * len(keys))
    row = state.execute(f"SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending' AND target IN ({marks})",
                        tuple(keys)).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def _claim(state: State, alert_id: int, key: str, moment: datetime) -> dict[str, Any] | None:
    """Lease one due pair and count the attempt; None when it is not due (any more)."""
    with state.transaction() as conn:
        cur = conn.execute(
            "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?"
            " WHERE alert_id = ? AND target = ? AND status = 'pending' AND next_attempt_at <= ?",
            (_iso(moment + timedelta(seconds=LEASE)), alert_id, key, _iso(moment)))
        if cur.rowcount != 1:
            return None
        row = conn.execute(
            "SELECT a.kind, a.severity, a.title, a.body, d.attempts FROM alerts a JOIN deliveries d"
            " ON d.alert_id = a.id WHERE a.id = ? AND d.target = ?", (alert_id, key)).fetchone()
    return dict(row)


def status(state: State, recent: int = 5) -> dict[str, Any]:
    """The outbox for ``lockwatch status``: counts per state, the oldest pending, recent give-ups."""
    counts = {row["status"]: row["n"] for row in state.execute(
        "SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status")}
    oldest = state.execute(
        "SELECT MIN(a.created_at) FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
        " WHERE d.status = 'pending'").fetchone()[0]
    gave_up = [dict(row) for row in state.execute(
        "SELECT d.alert_id, d.target, a.kind, a.created_at, d.attempts, d.last_error FROM deliveries d"
        " JOIN alerts a ON a.id = d.alert_id WHERE d.status = 'gave_up' ORDER BY d.alert_id DESC LIMIT ?",
        (recent,))]
    return {"pending": counts.get("pending", 0), "sent": counts.get("sent", 0),
            "gave_up": counts.get("gave_up", 0), "oldest_pending": oldest, "recent_gave_up": gave_up}
