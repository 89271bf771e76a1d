"""One formatter each for the alert texts (alert/format.py); where the old copies drifted apart, the
behaviour kept is pinned here."""

from __future__ import annotations

import time

import pytest

from lockwatch.alert.format import duration, fill, local_time, money
from lockwatch.alert.incident import reason_text

LABELS = {"minutes": "{n} minutes", "hours": "{n} hours"}


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_fill_blanks_a_missing_placeholder_instead_of_showing_the_template() -> None:
    # the incident copy showed "{limit}" as written when a value was missing; the playbooks promise ""
    assert fill("over {limit} within {window}", window="1 hour") == "over  within 1 hour"
    assert fill("{a}{b}", {"a": None, "b": 2}) == "2"
    assert fill("{broken", x=1) == "{broken"  # a broken template shows as written


def test_money() -> None:
    assert money(21000.0, "JPY") == "¥21,000"
    assert money(12.5, "USD") == "$12.50"
    assert money(30, "USD") == "$30"
    assert money(1234.5, "CHF") == "1,234.50 CHF"
    assert money(True, "JPY") == money(None, "JPY") == ""


def test_duration_in_whole_hours_else_minutes() -> None:
    assert duration(7200, LABELS) == "2 hours"
    assert duration(5400, LABELS) == "90 minutes"
    assert duration(1800.0, LABELS) == "30 minutes"
    assert duration("30m", LABELS) == "30 minutes"
    assert duration("soon", LABELS) == "soon" and duration(None, LABELS) == ""


def test_local_time_says_its_offset(tokyo: None) -> None:
    assert local_time("2026-01-02T01:00:00+00:00") == "2026-01-02 10:00 (UTC+09:00)"
    assert local_time("9999-12-31T23:59:59-12:00") == "9999-12-31T23:59:59-12:00"  # absurd: as text
    assert local_time("") == ""


def test_a_rule_reason_gives_its_time_with_the_offset(tokyo: None) -> None:
    # the incident copy wrote a bare local "2026-01-02 10:00", which misleads a reader in another zone
    reason = {"rule": "security_notice", "event": "password_changed", "when": "2026-01-02T01:00:00+00:00"}
    assert "2026-01-02 10:00 (UTC+09:00)" in reason_text(reason, "en")


def test_rule_reasons_are_worded_from_their_facts() -> None:
    gift = {"rule": "gift_card", "total": 35000.0, "limit": 20000.0, "currency": "JPY", "window": 86400}
    assert reason_text(gift, "en").startswith("Gift-card orders totalling ¥35,000 within 24 hours (more than ¥20,000)")
    assert reason_text({"rule": "orders", "count": 3, "window": 1800}, "ja") == "30分以内に本物の注文確認メールが3通"
    assert reason_text("a reason stored as text by an older version", "en") == \
        "a reason stored as text by an older version"
