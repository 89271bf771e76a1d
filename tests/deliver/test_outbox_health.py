"""Watcher health: one alert after N failures in a row, quiet while down, one more on recovery."""

from __future__ import annotations

from pathlib import Path

from lockwatch.deliver import outbox
from lockwatch.deliver.notify import Notifier
from lockwatch.pipeline import watch_health
from lockwatch.state.db import State
from support.receivers import HttpReceiver


def test_health_alert_once_down_and_once_up(tmp_path: Path, http: HttpReceiver) -> None:
    state = State(tmp_path / "state.db")
    notifier = Notifier([http.url])
    raised = [watch_health(state, "home", "", "LOGIN failed: authentication failed", 3, lang="en")
              for _ in range(6)]
    assert raised[:2] == [None, None] and raised[2] is not None and raised[3:] == [None, None, None]
    assert watch_health(state, "other") is None  # never failed: nothing to say
    outbox.deliver_pending(state, notifier)
    [down] = http.posts
    assert down["title"] == "lockwatch cannot watch home" and down["type"] == "warning"
    assert "3 times in a row" in down["message"] and "LOGIN failed" in down["message"]

    state.close()
    state = State(tmp_path / "state.db")  # a restart neither forgets the failure nor repeats the alert
    assert watch_health(state, "home", "", "still failing", 3, lang="en") is None
    assert watch_health(state, "home", "", None, lang="en") is not None
    assert watch_health(state, "home", "", None, lang="en") is None
    outbox.deliver_pending(state, notifier)
    assert [p["title"] for p in http.posts][1:] == ["lockwatch is watching home again"]
    assert http.posts[1]["type"] == "success"
    state.close()


def test_folder_health_is_counted_per_folder_and_recovery_before_threshold_is_silent(tmp_path: Path) -> None:
    state = State(tmp_path / "state.db")
    assert watch_health(state, "home", "Junk", "NO [NONEXISTENT] folder gone", 2) is None
    assert watch_health(state, "home", "INBOX", "timeout", 2) is None
    assert watch_health(state, "home", "Junk") is None
    assert watch_health(state, "home", "Junk", "NO [NONEXISTENT] folder gone", 2) is None
    alert_id = watch_health(state, "home", "INBOX", "timeout", 2)
    row = state.execute("SELECT kind, severity, title FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    assert tuple(row) == ("health_down", "warning", "lockwatch: home/INBOX を監視できていません")
    state.close()
