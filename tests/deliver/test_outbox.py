"""The persistent outbox with real receivers: kept while down, sent once when back, across restarts."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lockwatch.alert import compose as alerts
from lockwatch.clock import backoff
from lockwatch.deliver import deliver_configured, outbox
from lockwatch.deliver.notify import Notifier
from lockwatch.deliver.targets import Target, target_key
from lockwatch.model import Alert
from lockwatch.state import outbox as rows
from lockwatch.state.db import State
from support.receivers import HttpReceiver, closed_port

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)




def sample(severity: str = "critical") -> Alert:
    return replace(alerts.compose_test("ja"), kind="phishing", severity=severity, message_ids=("<m@x>",))


def deliveries(state: State) -> list[dict[str, Any]]:
    return [dict(r) for r in state.execute("SELECT * FROM deliveries ORDER BY alert_id, target")]


def test_record_alert_joins_the_verdict_transaction(state: State, http: HttpReceiver) -> None:
    with pytest.raises(RuntimeError), state.transaction():
        outbox.record_alert(state, sample(), account="home", pushed=True, targets=[http.url], now=T0)
        raise RuntimeError("the verdict could not be recorded")
    assert state.execute("SELECT COUNT(*) FROM alerts").fetchone()[0] == 0
    with state.transaction():
        alert_id = outbox.record_alert(state, sample(), account="home", pushed=True, targets=[http.url], now=T0)
    row = state.execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    assert (row["account"], row["kind"], row["pushed"], json.loads(row["message_ids"])) == \
        ("home", "phishing", 1, ["<m@x>"])
    assert [(d["target"], d["status"]) for d in deliveries(state)] == [(target_key(http.url), "pending")]


def test_down_endpoint_keeps_the_alert_and_it_arrives_once_when_back(state: State, http: HttpReceiver) -> None:
    notifier = Notifier([http.url])
    outbox.record_alert(state, sample(), account=None, pushed=True, targets=notifier.targets.values(), now=T0)
    http.stop()
    first = outbox.deliver_pending(state, notifier, now=T0)
    assert (first.sent, first.failed, first.pending) == (0, 1, 1)
    [row] = deliveries(state)
    assert row["status"] == "pending" and row["attempts"] == 1 and row["last_error"]
    assert row["next_attempt_at"] == (T0 + timedelta(seconds=30)).isoformat()
    assert outbox.deliver_pending(state, notifier, now=T0 + timedelta(seconds=10)).results == []  # backing off
    http.start()
    back = outbox.deliver_pending(state, notifier, now=T0 + timedelta(seconds=31))
    assert (back.sent, back.failed, back.pending) == (1, 0, 0)
    assert len(http.posts) == 1 and http.posts[0]["title"].startswith("【テスト】")
    for later in (60, 3600, 86400):
        outbox.deliver_pending(state, notifier, now=T0 + timedelta(seconds=later))
    assert len(http.posts) == 1
    [row] = deliveries(state)
    assert row["status"] == "sent" and row["sent_at"] and row["last_error"] is None


def test_an_endpoint_answering_500_is_retried(state: State, http: HttpReceiver) -> None:
    notifier = Notifier([http.url])
    outbox.record_alert(state, sample(), account=None, pushed=True, targets=[http.url], now=T0)
    http.status = 500
    assert outbox.deliver_pending(state, notifier, now=T0).failed == 1
    http.status = 200
    assert outbox.deliver_pending(state, notifier, now=T0 + timedelta(minutes=1)).sent == 1
    assert len(http.posts) == 1


def test_a_dead_url_never_delays_a_live_one(state: State, http: HttpReceiver) -> None:
    dead = f"json://127.0.0.1:{closed_port()}/"
    notifier = Notifier([dead, http.url])
    outbox.record_alert(state, sample(), account=None, pushed=True, targets=[dead, http.url], now=T0)
    outbox.record_alert(state, sample(), account=None, pushed=True, targets=[dead, http.url], now=T0)
    started = time.monotonic()
    summary = outbox.deliver_pending(state, notifier, now=T0)
    assert time.monotonic() - started < 3
    assert len(http.posts) == 2 and summary.sent == 2
    assert summary.failed == 1  # one probe of the dead URL; its second alert waits with the first
    dead_rows = [d for d in deliveries(state) if d["target"] == target_key(dead)]
    assert [(d["status"], d["attempts"]) for d in dead_rows] == [("pending", 1), ("pending", 0)]
    assert len({d["next_attempt_at"] for d in dead_rows}) == 1


def test_backoff_grows_and_is_capped(state: State) -> None:
    dead = f"json://127.0.0.1:{closed_port()}/"
    notifier = Notifier([dead])
    outbox.record_alert(state, sample(), account=None, pushed=True, targets=[dead], now=T0)
    now, gaps = T0, []
    for _ in range(9):
        outbox.deliver_pending(state, notifier, now=now)
        due = datetime.fromisoformat(deliveries(state)[0]["next_attempt_at"])
        gaps.append((due - now).total_seconds())
        now = due
    assert gaps == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert backoff(1, outbox.BACKOFF_FIRST, outbox.BACKOFF_CAP) == 30
    assert backoff(50, outbox.BACKOFF_FIRST, outbox.BACKOFF_CAP) == outbox.BACKOFF_CAP


def test_undelivered_alerts_go_out_after_a_restart(tmp_path: Path, http: HttpReceiver) -> None:
    path = tmp_path / "state.db"
    first = State(path)
    outbox.record_alert(first, sample(), account=None, pushed=True, targets=[http.url], now=T0)  # queued, then died
    http.stop()
    outbox.record_alert(first, sample("warning"), account=None, pushed=True, targets=[http.url], now=T0)
    outbox.deliver_pending(first, Notifier([http.url]), now=T0)  # failed while the endpoint was down
    first.close()
    http.start()
    second = State(path)  # a new process: a fresh State and a fresh Notifier
    summary = outbox.deliver_pending(second, Notifier([http.url]), now=T0 + timedelta(minutes=1))
    assert summary.sent == 2 and len(http.posts) == 2
    assert outbox.deliver_pending(second, Notifier([http.url]), now=T0 + timedelta(hours=1)).sent == 0
    second.close()


def test_give_up_after_the_configured_age(state: State, caplog: pytest.LogCaptureFixture) -> None:
    dead = f"json://127.0.0.1:{closed_port()}/?token=s3cr3t-token"
    notifier = Notifier([dead])
    outbox.record_alert(state, sample(), account=None, pushed=True, targets=[dead], now=T0)
    outbox.deliver_pending(state, notifier, now=T0, give_up_after=3600)
    caplog.set_level(logging.WARNING, logger="lockwatch.deliver.outbox")
    summary = outbox.deliver_pending(state, notifier, now=T0 + timedelta(hours=1, seconds=1), give_up_after=3600)
    assert summary.gave_up == 1 and summary.results == [] and summary.pending == 0
    assert deliveries(state)[0]["status"] == "gave_up"
    assert "gave up on phishing alert #1" in caplog.text and "s3cr3t" not in caplog.text
    status = rows.status(state)
    assert (status["gave_up"], status["pending"]) == (1, 0) and status["recent_gave_up"][0]["alert_id"] == 1
    assert outbox.deliver_pending(state, notifier, now=T0 + timedelta(days=9)).gave_up == 0  # marked once


def test_min_severity_decides_which_targets_queue_an_alert(state: State, http: HttpReceiver) -> None:
    loud, quiet = http.url + "loud", http.url + "quiet"
    targets = [Target(loud), Target(quiet, min_severity="critical")]
    outbox.record_alert(state, sample("warning"), account=None, pushed=True, targets=targets, now=T0)
    outbox.record_alert(state, sample("critical"), account=None, pushed=True, targets=targets, now=T0)
    outbox.deliver_pending(state, Notifier(targets), now=T0)
    assert len(http.posts) == 3
    assert [(d["alert_id"], d["target"]) for d in deliveries(state)] == sorted(
        [(1, target_key(loud)), (2, target_key(loud)), (2, target_key(quiet))])


def test_alerts_stored_by_the_pipeline_are_queued_for_the_configured_urls(state: State,
                                                                        http: HttpReceiver) -> None:
    with state.transaction():
        outbox.record_alert(state, Alert("phishing", "critical", "t1", "b1", ("<a>",)), account="home", pushed=True)
        outbox.record_alert(state, Alert("phishing", "critical", "t2", "b2", ("<b>",)), account="home", pushed=False)
    summary = outbox.deliver_pending(state, Notifier([http.url]))
    assert summary.sent == 1 and [p["title"] for p in http.posts] == ["t1"]
    assert outbox.deliver_pending(state, Notifier([http.url])).sent == 0


def test_the_scan_seam_takes_the_config(state: State, http: HttpReceiver) -> None:
    from lockwatch.config import parse

    config = parse({"notify": {"urls": [http.url, {"url": http.url + "x", "min_severity": "critical"}]}})
    outbox.record_alert(state, sample("warning"), account=None, pushed=True, targets=config.notify.urls)
    assert deliver_configured(state, config).sent == 1 and len(http.posts) == 1


def test_two_workers_never_send_the_same_pair_twice(state: State, http: HttpReceiver) -> None:
    for _ in range(20):
        outbox.record_alert(state, sample(), account=None, pushed=True, targets=[http.url], now=T0)
    notifier = Notifier([http.url])
    workers = [threading.Thread(target=outbox.deliver_pending, args=(state, notifier, T0)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(http.posts) == 20
    assert {d["status"] for d in deliveries(state)} == {"sent"}


def test_deliver_pending_refuses_to_run_inside_a_transaction(state: State) -> None:
    with pytest.raises(RuntimeError), state.transaction():
        outbox.deliver_pending(state, Notifier([]))
