"""English alerts about amazon.co.jp mail give the Japanese help line, not the US one."""

from __future__ import annotations

from lockwatch.alert.compose import compose_incident, compose_message

PHISH_JP = {"verdict": "phishing", "from": "Amazon.co.jp <x@amaz0n-jp.top>", "subject": "locked",
            "source": "home/INBOX/1", "message_id": "<a@b>",
            "reasons": [{"code": "sender.lookalike", "detail": "amaz0n-jp.top imitates amazon.co.jp"}],
            "links": [{"url": "hxxps://amaz0n-jp[.]top/", "host": "amaz0n-jp.top", "verdict": "lookalike"}]}


def test_english_alert_for_a_jp_phish_names_the_jp_line():
    body = compose_message(PHISH_JP, "en").body
    assert "0120-899-190" in body and "1-888-280-4331" not in body


def test_english_alert_for_a_us_phish_names_the_us_line():
    record = dict(PHISH_JP, **{"from": "Amazon <x@amzn-verify.icu>", "links": []})
    assert "1-888-280-4331" in compose_message(record, "en").body


def test_takeover_in_yen_names_the_jp_line():
    orders = [{"id": "250-1234567-1234567", "items": ["x"], "total": 30000, "currency": "JPY"}] * 3
    alert = compose_incident("takeover", {"account": "home", "orders": orders, "count": 3}, "en")
    assert "0120-899-190" in alert.body
