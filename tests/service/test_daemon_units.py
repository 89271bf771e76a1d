"""Daemon pieces without a server: backoff, housekeeping, the stop check between batches."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lockwatch.clock import backoff
from lockwatch.config import Account, Config, StateSettings
from lockwatch.scanner import ScanStats
from lockwatch.service import Runtime, Stopping, _AccountState, _StopBetweenBatches
from lockwatch.sources.idle import AUTH_BACKOFF_MAX, AUTH_BACKOFF_START, BACKOFF_MAX, BACKOFF_START
from lockwatch.sources.wire import new_mail


def test_backoff_doubles_up_to_the_cap() -> None:
    delays = [backoff(n, BACKOFF_START, BACKOFF_MAX) for n in range(1, 13)]
    assert delays[:4] == [1.0, 2.0, 4.0, 8.0] and max(delays) == BACKOFF_MAX == 300.0
    assert backoff(1, AUTH_BACKOFF_START, AUTH_BACKOFF_MAX) == 900.0
    assert backoff(20, AUTH_BACKOFF_START, AUTH_BACKOFF_MAX) == AUTH_BACKOFF_MAX


def test_idle_responses() -> None:
    assert new_mail([(b"OK", b"Still here"), (3, b"EXISTS")])
    assert new_mail([(1, b"RECENT")])
    assert not new_mail([(b"OK", b"Still here"), (2, b"EXPUNGE"), (1, b"FETCH", (b"FLAGS", ()))])
    assert not new_mail([])


def test_stop_between_batches() -> None:
    stop = threading.Event()
    check = _StopBetweenBatches(stop)
    check.advance(10)
    stop.set()
    with pytest.raises(Stopping):
        check.advance(10)


def test_housekeeping_prunes_old_rows_only(tmp_path: Path) -> None:
    runtime = Runtime(Config(state=StateSettings(path=str(tmp_path / "state.db"))))
    old = (datetime.now(UTC) - timedelta(days=120)).isoformat(timespec="seconds")
    new = datetime.now(UTC).isoformat(timespec="seconds")
    db = runtime.state
    for n, seen in enumerate((old, new)):
        db.execute("INSERT INTO messages (account, source, dedupe_key, seen_at, amazon_like, verdict, score, record)"
                   " VALUES ('a', 's', ?, ?, 0, 'not_amazon', 0, '{}')", (f"k{n}", seen))
        db.execute("INSERT INTO events (account, kind, event_time, order_id) VALUES ('a', 'order', ?, ?)",
                   (seen, f"o{n}"))
        db.execute("INSERT INTO alerts (created_at, account, kind, severity, title, body, message_ids, pushed)"
                   " VALUES (?, 'a', 'phishing', 'critical', 't', 'b', '[]', 1)", (seen,))
        db.execute("INSERT INTO incidents (account, kind, severity, opened_at, updated_at, closed_at, detail)"
                   " VALUES ('a', 'takeover', 'critical', ?, ?, ?, '{}')", (seen, seen, seen))
    db.execute("INSERT INTO deliveries (alert_id, target, status, next_attempt_at) VALUES (1, 't', 'sent', ?)", (old,))
    runtime.housekeeping()
    for table in ("messages", "events", "alerts", "incidents"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 1, table
    assert db.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 0
    runtime.shutdown(0.1)


def test_watcher_health_is_judged_by_whole_account_checks(tmp_path: Path) -> None:
    """Folder scans woken by IDLE during short outages add no failures; a scheduled check counts, and
    three failed checks in a row raise one health_down alert."""
    runtime = Runtime(Config(state=StateSettings(path=str(tmp_path / "state.db"))))
    acc = _AccountState(Account(name="home", host="imap.example.test", username="me"))
    failed = ScanStats(errors=["home: cannot connect: timed out"])

    def failures() -> int:
        row = runtime.state.execute("SELECT failures FROM health WHERE account = 'home'").fetchone()
        return row[0] if row else 0

    def health_alerts() -> int:
        return runtime.state.execute("SELECT COUNT(*) FROM alerts WHERE kind = 'health_down'").fetchone()[0]

    for _ in range(5):
        runtime._health(acc, failed, whole=False)
    assert failures() == 0 and health_alerts() == 0
    for expected in (1, 2, 3):
        runtime._health(acc, failed, whole=True)
        assert failures() == expected
    assert health_alerts() == 1
    runtime._health(acc, ScanStats(), whole=True)
    assert failures() == 0
    runtime.shutdown(0.1)


def test_a_folder_is_marked_idle_when_its_listener_says_so(tmp_path: Path) -> None:
    """The checkpoint says 'idle' from the moment the server accepted IDLE, and scans keep it so while it lasts."""
    runtime = Runtime(Config(state=StateSettings(path=str(tmp_path / "state.db"))))
    acc = _AccountState(Account(name="home", host="imap.example.test", username="me"))
    runtime.state.set_checkpoint("home", "INBOX", 7, 3, mode="poll")

    def mode() -> str:
        return runtime.state.checkpoint("home", "INBOX")["mode"]

    runtime._mark_idle(acc)
    assert mode() == "poll"  # the catch-up scan before IDLE is a poll
    runtime.idling(acc, "INBOX", True)
    assert mode() == "idle" and acc.idle_folders == {"INBOX"}
    runtime.state.set_checkpoint("home", "INBOX", 7, 4, mode="poll")  # a batch read by a scan
    runtime._mark_idle(acc)
    assert mode() == "idle"
    runtime.idling(acc, "INBOX", False)
    assert acc.idle_folders == set()
    runtime.shutdown(0.1)
