"""The persistent outbox: every alert is recorded here and waits in the state database until each
target has it.

Recording. ``record_alert`` is the one writer of alert rows — message alerts, incident alerts,
watcher health, test alerts alike. It joins the caller's ``State.transaction()`` (the one that records
the verdict), so an alert exists exactly when its verdict does. ``pushed`` False, or an alert whose
``push`` is False (backfill), is recorded and shown but never queued.

Which targets get an alert. A pending ``deliveries`` row per (alert, target) is created

* at record time for the ``targets`` the caller names, if any (so ``lockwatch status`` counts it at
  once), and
* by every delivery pass, for the targets configured *then* that want the alert's severity, for each
  pushed alert younger than ``give_up_after`` that no target has received yet.

So alerts recorded without targets (the scan pipeline, watcher health) go to whatever is configured
when they are delivered, and a URL fixed in the config (SIGHUP) still gets the alerts its broken
predecessor never delivered; a URL added later does not repeat alerts another target already showed.
Rows of a URL no longer configured wait until they are given up.

Sending. ``deliver_pending`` sends each due pair, marks it sent in its own committed transaction right
after apprise reports success (when the disk refuses that write, the mark waits in memory and is
written before anything else is sent), and otherwise retries with capped exponential backoff (30 s →
1 h) persisted in ``next_attempt_at``; after ``[notify] give_up_after`` (3 days) it marks the pair
``gave_up`` with a log line. A pair is claimed (leased) before sending, so two workers or two
processes never send the same pair at once. Targets are sent to in parallel: a slow or dead URL never
delays another.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lockwatch.clock import backoff, iso, now_utc, parse_iso, shift
from lockwatch.config import DEFAULT_GIVE_UP_AFTER
from lockwatch.deliver.notify import Notifier
from lockwatch.deliver.targets import Target
from lockwatch.model import Alert
from lockwatch.state import outbox as rows

if TYPE_CHECKING:
    from lockwatch.state.db import State

__all__ = ["BACKOFF_CAP", "BACKOFF_FIRST", "LEASE", "DeliverySummary", "deliver_pending",
           "next_attempt", "record_alert"]

log = logging.getLogger(__name__)

BACKOFF_FIRST, BACKOFF_CAP = 30.0, 3600.0  # seconds
LEASE = 300.0  # a claimed pair is not picked up by another worker for this long

# (state file, alert id, target key) → sent_at of pairs delivered whose "sent" could not be written
# (a full disk): they are written before anything else is sent, so the lease never resends them
_unrecorded: dict[tuple[str, int, str], str] = {}
_unrecorded_lock = threading.Lock()

Result = tuple[int, str, bool, str | None]  # (alert id, target label, delivered, error)


def record_alert(state: State, alert: Alert, *, account: str | None, pushed: bool,
                 targets: Iterable[Any] | None = None, now: datetime | None = None) -> int:
    """Store ``alert`` and return its id; queue it at once for those of ``targets`` (config
    ``NotifyTarget``s, URLs or ``Target``s) that want its severity.

    ``account``: the account it is about (None: ``alert.account``). ``pushed`` False records it without
    queueing it (``--no-notify``); so does ``alert.push`` False. Joins the caller's transaction.
    """
    moment = iso(now)
    push = pushed and alert.push is not False
    with state.transaction() as conn:
        alert_id = rows.insert_alert(
            conn, created_at=moment, account=account if account is not None else alert.account, kind=alert.kind,
            severity=alert.severity, title=alert.title, body=alert.body, message_ids=alert.message_ids,
            incident_id=alert.incident_id, pushed=push)
        if push and targets:
            wanted = [t.key for t in map(Target.of, targets) if t.wants(alert.severity)]
            rows.queue(conn, alert_id, wanted, moment)
    return alert_id


@dataclass
class DeliverySummary:
    """What one delivery pass did."""

    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    pending: int = 0  # still waiting after this pass
    results: list[Result] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.sent} delivered, {self.failed} failed (will retry), {self.gave_up} given up, "
                f"{self.pending} pending")


def deliver_pending(state: State, notifier: Notifier, now: datetime | None = None, *,
                    give_up_after: float = DEFAULT_GIVE_UP_AFTER) -> DeliverySummary:
    """Send every due (alert, target) pair once; must not run inside a state transaction."""
    if state.in_transaction():
        raise RuntimeError("deliver_pending inside a transaction: a success could not be committed at once")
    moment = now_utc(now)
    cutoff = iso(shift(moment, -give_up_after))
    summary = DeliverySummary()
    _record_unrecorded(state)
    with state.transaction() as conn:
        for alert in rows.undelivered(conn, cutoff):
            wanted = [key for key, target in notifier.targets.items() if target.wants(alert["severity"])]
            rows.queue(conn, alert["id"], wanted, iso(moment))
        summary.gave_up = _give_up(conn, notifier, cutoff)
        due = rows.due(conn, iso(moment))
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
    summary.pending = rows.pending_count(state)
    return summary


def _give_up(conn: Any, notifier: Notifier, cutoff: str) -> int:
    overdue = rows.overdue(conn, cutoff)
    for row in overdue:
        target = notifier.targets.get(row["target"])
        log.warning("notify: gave up on %s alert #%d to %s after %d attempts since %s (last error: %s)",
                    row["kind"], row["alert_id"], target.label if target else row["target"], row["attempts"],
                    row["created_at"], row["last_error"] or "none")
        rows.give_up(conn, row["alert_id"], row["target"])
    return len(overdue)


def _drain(state: State, notifier: Notifier, key: str, alert_ids: list[int], moment: datetime) -> list[Result]:
    """Send one target its due alerts in order; after a failure the rest wait with the failed one."""
    results: list[Result] = []
    for index, alert_id in enumerate(alert_ids):
        with state.transaction() as conn:
            alert = rows.claim(conn, alert_id, key, iso(moment), iso(shift(moment, LEASE)))
        if alert is None:  # another worker has it, or it was sent meanwhile
            continue
        result = notifier.send(key, alert)
        if result.ok:
            _mark_sent(state, alert_id, key, iso())
        else:
            retry = iso(shift(moment, backoff(alert["attempts"], BACKOFF_FIRST, BACKOFF_CAP)))
            with state.transaction() as conn:
                rows.retry_later(conn, alert_id, key, retry, result.error, alert_ids[index + 1:])
        results.append((alert_id, result.label, result.ok, result.error))
        if not result.ok:
            log.warning("notify: %s alert #%d to %s failed (attempt %d): %s", alert["kind"], alert_id,
                        result.label, alert["attempts"], result.error)
            break
    return results


def _mark_sent(state: State, alert_id: int, key: str, sent_at: str) -> None:
    """Commit a delivery at once (never sent twice); when the disk refuses, keep it in memory until it can."""
    with _unrecorded_lock:
        _unrecorded[(str(state.path), alert_id, key)] = sent_at
    _record_unrecorded(state)


def _record_unrecorded(state: State) -> None:
    """Write the deliveries that were sent but not yet recorded; raises StateError while it cannot."""
    with _unrecorded_lock:
        pairs = [(p, at) for p, at in _unrecorded.items() if p[0] == str(state.path)]
        if not pairs:
            return
        with state.transaction() as conn:
            rows.set_sent(conn, [(p[1], p[2], at) for p, at in pairs])
        for pair, _ in pairs:
            del _unrecorded[pair]


def next_attempt(state: State, targets: Iterable[str]) -> datetime | None:
    """When the earliest pending delivery to one of ``targets`` (keys) is due; None when none is."""
    return parse_iso(rows.earliest_due(state, list(targets)))
