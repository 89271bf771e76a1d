"""Watcher health as tracking: counting checks gives facts (no alert, no queue); the pipeline words and queues."""

from __future__ import annotations

from pathlib import Path

from lockwatch.state.db import State
from lockwatch.track.health import HealthFact, count_failure, count_success


def test_failures_in_a_row_give_one_down_fact_and_the_next_success_one_up_fact(tmp_path: Path) -> None:
    state = State(tmp_path / "state.db")
    facts = [count_failure(state, "home", "INBOX", "timeout", 2) for _ in range(3)]
    assert facts[0] is None and facts[2] is None
    down = facts[1]
    assert isinstance(down, HealthFact) and (down.kind, down.failures, down.error) == ("health_down", 2, "timeout")
    assert state.execute("SELECT COUNT(*) FROM alerts").fetchone()[0] == 0  # tracking writes no alert
    up = count_success(state, "home", "INBOX")
    assert up == HealthFact("health_up", "home", "INBOX", since=down.since)
    assert count_success(state, "home", "INBOX") is None
    state.close()


def test_a_success_before_the_threshold_is_silent(tmp_path: Path) -> None:
    state = State(tmp_path / "state.db")
    assert count_failure(state, "home", "", "refused", 3) is None
    assert count_success(state, "home") is None
    assert count_failure(state, "home", "", "refused", 3) is None  # the count started again
    state.close()
