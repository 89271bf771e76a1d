"""Delivery through apprise to real receivers: json:// on an HTTP server, mailto:// on aiosmtpd."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from lockwatch.alert import compose as alerts
from lockwatch.deliver.notify import Notifier
from lockwatch.deliver.targets import Target, redact, target_key
from lockwatch.detect import analyse_bytes
from lockwatch.record import message_record
from support import mailgen
from support.receivers import HttpReceiver, SmtpReceiver, closed_port

PHISH_HOST = "amaz0n-jp-login.top"


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver()
    yield receiver
    receiver.stop()


def phishing_alert(lang: str) -> dict[str, Any]:
    mail, analysis = analyse_bytes(mailgen.phishing_lock(PHISH_HOST))
    alert = alerts.compose_message(message_record("home/INBOX/3", mail, analysis), lang, account="home")
    assert alert is not None
    return alert.as_json()


def assert_safe(text: str) -> None:
    """No raw URL or domain of the phishing mail anywhere."""
    assert PHISH_HOST not in text
    assert not re.search(r"https?://(?!www\.amazon\.co(?:m|\.jp)/gp/)", text)


@pytest.mark.parametrize(("lang", "actions", "title"), [("ja", "今すぐやること", "フィッシング"),
                                                        ("en", "Do this now", "Phishing")])
def test_json_receiver_gets_the_localized_alert(http: HttpReceiver, lang: str, actions: str, title: str) -> None:
    result = Notifier([http.url]).send(target_key(http.url), phishing_alert(lang))
    assert result.ok, result.error
    [post] = http.posts
    assert title in post["title"] and post["type"] == "failure"  # critical
    body = post["message"]
    assert actions in body and re.search(r"^1\. .+\n2\. .+\n3\. ", body, re.MULTILINE)
    assert "hxxps://amaz0n-jp-login[.]top/signin" in body
    assert "amaz0n-jp-login[.]top" in body.split("\n\n")[0]  # the lookalike sender, in what happened
    assert_safe(http.payload_text())


def test_markdown_target_gets_escaped_text(http: HttpReceiver) -> None:
    url = http.url + "md"
    Notifier([{"url": url, "format": "markdown"}]).send(target_key(url), phishing_alert("en"))
    body = http.posts[0]["message"]
    assert "**Do this now**" in body and "amaz0n\\-jp\\-login\\[\\.\\]top" in body
    assert_safe(http.payload_text())


def test_mailto_receiver_gets_the_alert(smtp: SmtpReceiver) -> None:
    url = smtp.url()
    result = Notifier([url]).send(target_key(url), phishing_alert("ja"))
    assert result.ok, result.error
    [message] = smtp.messages
    assert "フィッシング" in message["subject"]
    text = message.get_content()
    assert "今すぐやること" in text and "\n1. " in text and "hxxps://amaz0n-jp-login[.]top/signin" in text
    raw = smtp.received[0][2].replace(b"=\r\n", b"").decode("ascii", "replace")  # undo QP soft breaks
    assert_safe(raw + str(message["subject"]) + text)


def test_a_dead_url_does_not_hold_up_a_live_one(http: HttpReceiver) -> None:
    dead = f"json://127.0.0.1:{closed_port()}/"
    notifier = Notifier([dead, "nonsense-scheme://whatever", http.url])
    started = time.monotonic()
    results = notifier.send_all(phishing_alert("ja"))
    assert [r.ok for r in results] == [False, False, True]
    assert len(http.posts) == 1 and time.monotonic() - started < 3
    assert "not a usable apprise URL" in (results[1].error or "")


def test_min_severity_per_target(http: HttpReceiver) -> None:
    loud, quiet = http.url + "all", http.url + "critical"
    notifier = Notifier([loud, Target(quiet, min_severity="critical")])
    warning = {**phishing_alert("en"), "severity": "warning"}
    assert [r.key for r in notifier.send_all(warning)] == [target_key(loud)]
    assert len(notifier.send_all(phishing_alert("en"))) == 2
    assert len(http.posts) == 3


def test_tokens_never_show_in_results_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    secret = "tk_SECRET_0123456789"
    url = f"json://user:{secret}@127.0.0.1:{closed_port()}/hook/{secret}?token={secret}"
    caplog.set_level(logging.DEBUG)
    notifier = Notifier([url])
    [result] = notifier.send_all(phishing_alert("en"))
    assert not result.ok
    shown = f"{result} {result.label} {result.error} {notifier.targets} {caplog.text}"
    assert secret not in shown and secret not in redact(url) and secret not in target_key(url)
    assert redact(url).startswith("json://127.0.0.1:")
    assert redact("tgram://123456:ABCDEF/789").startswith("tgram://***/")
