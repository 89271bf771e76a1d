"""Takeover and lock incidents (lockwatch.track.takeover) end to end: timelines of genuine mail in a Maildir or a
real Dovecot, read by the real `lockwatch scan`; Dates relative to now (the rules run on event time)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import alerts, imap_account, json_lines, write_config
from lockwatch.config import parse
from lockwatch.errors import ConfigError
from lockwatch.model import Mail
from lockwatch.track.events import event_time
from support import burstmail as mk
from support.dovecot import Dovecot, User

NOW = datetime.now(UTC)


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


class Box:
    """A Maildir that the tests add mail to, scanned with `lockwatch scan --source` (own state per test)."""

    def __init__(self, root: Path, run: Callable[..., Any], env: dict[str, str]) -> None:
        self.path, self.run, self.count = root / "Maildir", run, 0
        for sub in ("cur", "new", "tmp"):
            (self.path / sub).mkdir(parents=True)
        self.db = Path(env["XDG_STATE_HOME"]) / "lockwatch" / "local-state.db"

    def add(self, *raws: bytes) -> None:
        for raw in raws:
            self.count += 1
            (self.path / "new" / f"1790000000.M{self.count}P1.burst").write_bytes(raw)

    def scan(self, *extra: str, notify: bool = False) -> list[dict[str, Any]]:
        args = ["scan", "--source", str(self.path), "--json", "--all", *extra]
        done = self.run(*args) if notify else self.run(*args, "--no-notify")
        assert done.returncode == 0, done.stderr
        return json_lines(done.stdout)

    def rows(self, sql: str) -> list[sqlite3.Row]:
        with sqlite3.connect(self.db) as conn:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql).fetchall()


@pytest.fixture
def box(tmp_path: Path, lockwatch, env: dict[str, str]) -> Box:
    return Box(tmp_path, lockwatch, env)


def of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [a for a in alerts("\n".join(json.dumps(o) for o in objects)) if a["kind"] == kind]


def test_three_orders_in_twenty_minutes_one_alert_then_one_update(box: Box) -> None:
    ids = [mk.order_id() for _ in range(4)]
    box.add(*(mk.order(ago(minutes=m), oid) for m, oid in zip((40, 30, 20), ids, strict=False)))
    out = box.scan()
    takeover = of_kind(out, "takeover")
    assert len(takeover) == 1 and takeover[0]["severity"] == "critical"
    assert len(takeover[0]["message_ids"]) == 3
    assert all(oid in takeover[0]["body"] for oid in ids[:3])
    assert "￥12,800" in takeover[0]["body"] or "¥12,800" in takeover[0]["body"]
    assert "Anker PowerCore 10000" in takeover[0]["body"]

    box.add(mk.order(ago(minutes=15), ids[3]))
    update = of_kind(box.scan(), "takeover")
    assert len(update) == 1 and update[0]["severity"] == "critical"
    new_part = update[0]["body"].split("\n\n", 1)[0]  # the "what's new" block comes first
    assert ids[3] in new_part and ids[0] not in new_part
    assert len(update[0]["message_ids"]) == 4
    incidents = box.rows("SELECT * FROM incidents WHERE kind='takeover'")
    assert len(incidents) == 1 and incidents[0]["closed_at"] is None
    assert [o["id"] for o in json.loads(incidents[0]["detail"])["orders"]] == ids


def test_two_orders_a_day_apart_raise_nothing(box: Box) -> None:
    box.add(mk.order(ago(hours=26)), mk.order(ago(hours=2)))
    out = box.scan()
    assert [o for o in out if o["type"] == "alert"] == []
    assert len(box.rows("SELECT * FROM events WHERE kind='order'")) == 2


def test_the_same_order_delivered_twice_counts_once(box: Box) -> None:
    oid = mk.order_id()
    box.add(mk.order(ago(minutes=30)), mk.order(ago(minutes=20), oid), mk.order(ago(minutes=19), oid))
    assert of_kind(box.scan(), "takeover") == []
    assert len(box.rows("SELECT * FROM events WHERE kind='order'")) == 2


def test_gift_card_over_the_limit_is_critical(box: Box) -> None:
    oid = mk.order_id()
    box.add(mk.gift_card(ago(minutes=10), 50000, oid))
    takeover = of_kind(box.scan(), "takeover")
    assert len(takeover) == 1 and takeover[0]["severity"] == "critical"
    assert oid in takeover[0]["body"] and "50,000" in takeover[0]["body"]


def test_small_gift_cards_add_up_within_a_day(box: Box) -> None:
    box.add(mk.gift_card(ago(hours=20), 15000))
    assert of_kind(box.scan(), "takeover") == []
    box.add(mk.gift_card(ago(hours=1), 6000))  # ¥21,000 within 24 h: over ¥20,000
    assert len(of_kind(box.scan(), "takeover")) == 1


def test_password_change_then_order_is_critical(box: Box) -> None:
    oid = mk.order_id()
    box.add(mk.password_changed(ago(minutes=90)), mk.order(ago(minutes=30), oid))
    out = box.scan()
    takeover = of_kind(out, "takeover")
    assert len(takeover) == 1 and takeover[0]["severity"] == "critical"
    assert oid in takeover[0]["body"]
    assert len(takeover[0]["message_ids"]) == 2  # the change notice and the order
    notices = of_kind(out, "security_notice")
    assert len(notices) == 1 and notices[0]["severity"] == "warning"


def test_order_buried_by_an_email_bomb_is_critical(box: Box) -> None:
    oid = mk.order_id()
    box.add(mk.order(ago(minutes=30), oid), *(mk.newsletter(ago(minutes=29 - i * 0.5), i) for i in range(22)))
    takeover = of_kind(box.scan(), "takeover")
    assert len(takeover) == 1 and oid in takeover[0]["body"]


def test_genuine_lock_after_gift_card_names_the_order_and_reinstatement_closes(box: Box) -> None:
    oid = mk.order_id()
    box.add(mk.gift_card(ago(hours=5), 15000, oid), mk.lock_notice(ago(hours=3)))
    out = box.scan()
    assert of_kind(out, "takeover") == []  # ¥15,000 alone is under the limit
    lock = of_kind(out, "account_lock")
    assert len(lock) == 1 and lock[0]["severity"] == "critical"
    assert oid in lock[0]["body"] and "15,000" in lock[0]["body"]
    assert "address-verification@amazon" in lock[0]["body"]

    box.add(mk.reinstated(ago(minutes=10)))
    done = of_kind(box.scan(), "account_lock")
    assert len(done) == 1 and oid in done[0]["body"]
    incident = box.rows("SELECT * FROM incidents WHERE kind='account_lock'")
    assert len(incident) == 1 and incident[0]["closed_at"] is not None


def test_phishing_order_confirmations_are_no_takeover(box: Box) -> None:
    box.add(*(mk.phishing_order(ago(minutes=m)) for m in (25, 20, 15, 10)))
    out = box.scan()
    assert of_kind(out, "takeover") == []
    assert len(of_kind(out, "phishing")) == 4
    assert box.rows("SELECT * FROM events WHERE kind='order'") == []


def test_restart_between_orders_still_one_alert(box: Box) -> None:
    box.add(mk.order(ago(minutes=40)), mk.order(ago(minutes=30)))
    assert of_kind(box.scan(), "takeover") == []  # one process ...
    box.add(mk.order(ago(minutes=20)))
    assert len(of_kind(box.scan(), "takeover")) == 1  # ... and another one: the window lives in state
    assert of_kind(box.scan(), "takeover") == []
    assert len(box.rows("SELECT * FROM alerts WHERE kind='takeover'")) == 1


def test_month_old_burst_is_recorded_and_shown_but_not_pushed(box: Box) -> None:
    old = [mk.order_id() for _ in range(3)]
    box.add(*(mk.order(ago(days=30, minutes=m), oid) for m, oid in zip((30, 20, 10), old, strict=False)))
    box.add(*(mk.order(ago(minutes=m)) for m in (30, 20, 10)))
    out = box.scan(notify=True)  # no --no-notify: only the backfill rule keeps the old one from being pushed
    takeover = of_kind(out, "takeover")
    assert len(takeover) == 2 and old[0] in takeover[0]["body"]
    pushed = [(r["pushed"], r["body"]) for r in box.rows("SELECT * FROM alerts WHERE kind='takeover' ORDER BY id")]
    assert pushed[0][0] == 0 and old[0] in pushed[0][1]
    assert pushed[1][0] == 1
    incidents = box.rows("SELECT * FROM incidents WHERE kind='takeover' ORDER BY id")
    assert len(incidents) == 2 and incidents[0]["closed_at"] is not None  # closed after the quiet period


def test_english_alert_text(box: Box) -> None:
    box.add(*(mk.order(ago(minutes=m)) for m in (30, 20, 10)))
    takeover = of_kind(box.scan("--lang", "en"), "takeover")
    assert len(takeover) == 1 and "takeover" in takeover[0]["title"].lower()
    assert "3 genuine order confirmations within 30 minutes" in takeover[0]["body"]


def test_burst_over_imap(tmp_path: Path, dovecot: Dovecot, user: User, lockwatch) -> None:
    ids = [mk.order_id() for _ in range(3)]
    dovecot.append(user, [mk.order(ago(minutes=m), oid) for m, oid in zip((40, 30, 20), ids, strict=False)])
    config = write_config(tmp_path, [imap_account(dovecot, user)])
    done = lockwatch("scan", "-c", str(config), "--json", "--no-notify")
    assert done.returncode == 0, done.stderr
    takeover = [a for a in alerts(done.stdout) if a["kind"] == "takeover"]
    assert len(takeover) == 1 and all(oid in takeover[0]["body"] for oid in ids)
    dovecot.append(user, [mk.order(ago(minutes=15))])
    again = lockwatch("scan", "-c", str(config), "--json", "--no-notify")
    assert len([a for a in alerts(again.stdout) if a["kind"] == "takeover"]) == 1  # the update


def test_event_time_is_bounded_by_arrival_and_now() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    received = ["from x by mx.home.example; Mon, 23 Nov 2026 20:30:00 +0900"]
    late = Mail(date=datetime(2026, 11, 23, 13, 0, tzinfo=UTC), received=received)
    assert event_time({}, late, now) == datetime(2026, 11, 23, 11, 30, tzinfo=UTC)
    future = Mail(date=datetime(2026, 12, 1, tzinfo=UTC))
    assert event_time({}, future, now) == now
    assert event_time({"date": "2026-11-23T09:00:00+09:00"}, None, now) == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def test_burst_config_keys_are_validated() -> None:
    config = parse({"burst": {"gift_card_limits": {"JPY": 30000}, "quiet_period": "12h"}})
    assert config.burst.gift_card_limits["JPY"] == 30000 and config.burst.gift_card_limits["USD"] == 150
    assert config.burst.quiet_period == 12 * 3600
    for bad in ({"gift_card_limits": {"yen": 1}}, {"gift_card_limits": {"JPY": -5}},
                {"gift_card_limits": 20000}, {"bomb_messages": 0}, {"followup_interval": "soon"}):
        with pytest.raises(ConfigError, match=r"burst\."):
            parse({"burst": bad})


def test_follow_ups_are_limited_to_one_per_ten_minutes(box: Box) -> None:
    ids = [mk.order_id() for _ in range(6)]
    minutes = (60, 55, 50, 45, 43, 33)  # alert at the 3rd; 4th: first update; 5th: held back; 6th: update
    box.add(*(mk.order(ago(minutes=m), oid) for m, oid in zip(minutes, ids, strict=False)))
    takeover = of_kind(box.scan("--lang", "en"), "takeover")
    assert len(takeover) == 3
    assert takeover[1]["title"].startswith("[Update]") and ids[3] in takeover[1]["body"]
    news = takeover[2]["body"].split("\n\n", 1)[0]
    assert ids[4] in news and ids[5] in news and ids[3] not in news  # the held-back order is said later


def test_a_second_lock_notice_updates_the_lock_incident(box: Box) -> None:
    box.add(mk.lock_notice(ago(hours=20)), mk.lock_notice(ago(hours=2)))
    lock = of_kind(box.scan(), "account_lock")
    assert len(lock) == 2 and lock[1]["title"].startswith("【続報】")
    assert len(box.rows("SELECT * FROM incidents")) == 1
