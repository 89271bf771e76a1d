"""The rules the delivery rooms settled on: one writer of alerts, which targets get an alert, the config's
give_up_after, one URL-secret splitter for logs and errors, no side effect on import."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from lockwatch.config import parse
from lockwatch.deliver import deliver_configured, outbox
from lockwatch.deliver.notify import Notifier
from lockwatch.deliver.targets import scrub, target_key
from lockwatch.logs import add_url_secrets, redactor
from lockwatch.model import Alert
from lockwatch.state.db import State
from support.receivers import HttpReceiver, closed_port

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)




def alert(title: str = "t", push: bool | None = None) -> Alert:
    return Alert("phishing", "critical", title, "body", ("<m@x>",), push=push)


def deliveries(state: State) -> list[tuple[int, str, str]]:
    return [tuple(r) for r in state.execute("SELECT alert_id, target, status FROM deliveries ORDER BY alert_id, target")]


def test_a_fixed_url_gets_what_its_broken_predecessor_never_delivered(state: State, http: HttpReceiver) -> None:
    broken = f"json://127.0.0.1:{closed_port()}/"  # a typo in the config
    outbox.record_alert(state, alert("queued for the broken URL"), account="home", pushed=True, targets=[broken], now=T0)
    outbox.record_alert(state, alert("recorded without targets"), account="home", pushed=True, now=T0)
    assert outbox.deliver_pending(state, Notifier([broken]), now=T0).failed == 1
    fixed = Notifier([http.url])  # the config is fixed and reloaded (SIGHUP)
    summary = outbox.deliver_pending(state, fixed, now=T0 + timedelta(minutes=1))
    assert summary.sent == 2 and sorted(p["title"] for p in http.posts) == ["queued for the broken URL",
                                                                            "recorded without targets"]
    assert outbox.deliver_pending(state, fixed, now=T0 + timedelta(hours=1)).sent == 0


def test_a_url_added_later_does_not_repeat_what_another_showed(state: State, http: HttpReceiver) -> None:
    outbox.record_alert(state, alert("old"), account="home", pushed=True, now=T0)
    assert outbox.deliver_pending(state, Notifier([http.url]), now=T0).sent == 1
    added = http.url + "phone"
    both = Notifier([http.url, added])
    assert outbox.deliver_pending(state, both, now=T0 + timedelta(minutes=1)).sent == 0
    outbox.record_alert(state, alert("new"), account="home", pushed=True, now=T0 + timedelta(minutes=2))
    assert outbox.deliver_pending(state, both, now=T0 + timedelta(minutes=2)).sent == 2
    assert [p["title"] for p in http.posts] == ["old", "new", "new"]
    assert deliveries(state) == sorted([(1, target_key(http.url), "sent"), (2, target_key(http.url), "sent"),
                                        (2, target_key(added), "sent")])


def test_an_alert_that_must_not_push_is_recorded_only(state: State, http: HttpReceiver) -> None:
    """Twins decided: the pipeline's writer honoured ``Alert.push`` False (backfill), the outbox's did not."""
    alert_id = outbox.record_alert(state, alert(push=False), account="home", pushed=True, targets=[http.url])
    assert state.execute("SELECT pushed FROM alerts WHERE id = ?", (alert_id,)).fetchone()[0] == 0
    assert deliveries(state) == []
    assert outbox.deliver_pending(state, Notifier([http.url])).sent == 0 and http.posts == []


def test_give_up_after_is_read_from_the_config(state: State) -> None:
    dead = f"json://127.0.0.1:{closed_port()}/"
    config = parse({"notify": {"urls": [dead], "give_up_after": "1h"}})
    assert config.notify.give_up_after == 3600 and parse({}).notify.give_up_after == 3 * 86400
    now = datetime.now(UTC)
    outbox.record_alert(state, alert("old"), account="home", pushed=True, targets=[dead],
                        now=now - timedelta(hours=1, minutes=1))
    outbox.record_alert(state, alert("young"), account="home", pushed=True, targets=[dead],
                        now=now - timedelta(minutes=59))
    summary = deliver_configured(state, config)
    assert (summary.gave_up, summary.failed) == (1, 1)
    assert [status for _, _, status in deliveries(state)] == ["gave_up", "pending"]


SECRET_URLS = {
    "user:pass": ("json://lw:Pa55-w0rd-xyz@127.0.0.1:8080/", ["Pa55-w0rd-xyz"]),
    "encoded password": ("ntfys://me:p%40ss-w0rd-9@ntfy.sh/alerts", ["p@ss-w0rd-9", "p%40ss-w0rd-9"]),
    "ntfy topic": ("ntfys://ntfy.sh/lw-topic-s3cr3t", ["lw-topic-s3cr3t"]),
    "telegram bot token": ("tgram://123456789:AAH-bot-token_xyz/987654321", ["AAH-bot-token_xyz", "987654321"]),
    "pushover keys": ("pover://uQiRzpo4DXghDmr9QzzfQu27@azGDORePK8gMaC0QOYAM",
                      ["uQiRzpo4DXghDmr9QzzfQu27", "azGDORePK8gMaC0QOYAM"]),
    "query token": ("json://127.0.0.1:8080/hook?token=tk-query-s3cr3t", ["tk-query-s3cr3t"]),
}


@pytest.mark.parametrize("name", sorted(SECRET_URLS))
def test_a_url_secret_is_masked_in_logs_and_in_errors(name: str) -> None:
    url, secrets = SECRET_URLS[name]
    add_url_secrets(url)
    for secret in secrets:
        text = f"POST /{secret} failed: {secret} refused (see {url})"
        assert secret not in redactor.mask(text), f"{name}: {secret} in a log line"
        assert secret not in scrub(text, url), f"{name}: {secret} in an error"


def test_a_real_host_stays_readable_and_short_pieces_are_masked_only_in_errors() -> None:
    url = "ntfys://ntfy.sh/abcd"  # a short topic: too short to mask in every log line
    add_url_secrets(url)
    assert "ntfy.sh" in redactor.mask("connecting to ntfy.sh") and "ntfy.sh" in scrub("ntfy.sh: 403", url)
    assert scrub("topic abcd: 403 forbidden", url) == "topic ***: 403 forbidden"


def test_importing_the_delivery_rooms_changes_no_logger() -> None:
    code = ("import logging, lockwatch.deliver, lockwatch.deliver.notify, lockwatch.deliver.outbox\n"
            "before = len(logging.getLogger('apprise').filters)\n"
            "lockwatch.deliver.notify.Notifier([])\n"
            "print(before, len(logging.getLogger('apprise').filters))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "1"]
