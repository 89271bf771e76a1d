"""Every mail-derived text in an alert is defanged: follow-up lines (a second notice's subject, a new order's
items), folder names, currencies, and the JSON alert title."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.header import Header
from pathlib import Path
from typing import Any

import pytest

from conftest import alerts
from lockwatch.alert.compose import compose_incident, compose_message
from lockwatch.alert.incident import order_text
from lockwatch.pipeline import Processor
from lockwatch.state.db import State
from support import burstmail
from support.fuzzcheck import live_links, official_urls

EVIL = "https://evil.example/x evil.example"
NOW = datetime.now(UTC)


def with_subject(raw: bytes, subject: str) -> bytes:
    encoded = Header(subject, "utf-8").encode().encode()
    return re.sub(rb"(?im)^Subject:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*", b"Subject: " + encoded, raw, count=1)


def assert_defanged(alert: dict[str, Any]) -> None:
    """No live URL or domain in the title or body, the brand's own help pages (shown as they are) aside."""
    for part in ("title", "body"):
        text = alert[part]
        for url in official_urls():
            text = text.replace(url, " ")
        assert live_links(text) == [], (part, alert[part])
        assert "evil.example" not in text and "https://evil" not in text


def run(lang: str, mails: list[bytes], tmp_path: Path) -> list[dict[str, Any]]:
    processor = Processor(State(tmp_path / f"{lang}.db"), lang=lang)
    return [a for n, raw in enumerate(mails) if (done := processor.process("h", f"h/INBOX/{n}", raw))
            for a in done.alerts]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_second_lock_notice_with_a_url_in_its_subject_is_defanged(lang: str, tmp_path: Path) -> None:
    second = with_subject(burstmail.lock_notice(NOW - timedelta(hours=1)),
                          f"ご利用の Amazon.co.jp でのご注文を出荷できません {EVIL}")
    raised = run(lang, [burstmail.lock_notice(NOW - timedelta(hours=3)), second], tmp_path)
    assert [a["kind"] for a in raised] == ["account_lock", "account_lock"]
    update = raised[1]
    notice = next(line for line in update["body"].splitlines() if "出荷できません hxxps" in line)
    assert "hxxps://evil[.]example/x evil[.]example" in notice  # the "New notice:" line, defanged
    for alert in raised:
        assert_defanged(alert)


def test_a_second_security_notice_and_a_new_order_item_are_defanged(tmp_path: Path) -> None:
    mails = [burstmail.password_changed(NOW - timedelta(hours=3)),
             with_subject(burstmail.password_changed(NOW - timedelta(hours=1)),
                          f"Amazon.co.jp: パスワードが変更されました {EVIL}"),
             *(burstmail.order(NOW - timedelta(minutes=m)) for m in (50, 40, 30)),
             burstmail.order(NOW - timedelta(minutes=10), item=f"Gift {EVIL}")]
    raised = run("en", mails, tmp_path)
    news = [a["body"].split("\n\n", 1)[0] for a in raised if a["title"].startswith("[Update]")]
    assert any("New notice:" in n and "evil[.]example" in n for n in news)
    assert any("New order:" in n and "Gift hxxps://evil[.]example/x" in n for n in news)
    for alert in raised:
        assert_defanged(alert)


def test_folder_names_currencies_and_order_fields_from_mail_are_defanged() -> None:
    record = {"verdict": "phishing", "from": "Amazon <a@amaz0n-jp.top>", "subject": "x", "reasons": [], "links": [],
              "source": "home/Shops.evil.example/7", "message_id": "<https://evil.example/x>"}
    alert = compose_message(record, "en", account="home").as_json()
    assert "Shops[.]evil[.]example" in alert["body"]
    assert_defanged(alert)
    order = {"id": "evil.example", "items": [EVIL], "total": 5, "currency": "evil.top", "message_id": "<m>"}
    incident = compose_incident("takeover", {"account": "home", "orders": [order], "count": 1}, "en").as_json()
    assert "5 evil[.]top" in incident["body"]
    assert_defanged(incident)
    assert live_links(order_text(order)) == [] and "evil[.]example" in order_text(order)


def test_the_json_alert_title_of_a_scan_is_defanged(tmp_path: Path, lockwatch) -> None:
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    second = with_subject(burstmail.lock_notice(NOW - timedelta(hours=1)),
                          f"ご利用の Amazon.co.jp でのご注文を出荷できません {EVIL}")
    for n, raw in enumerate((burstmail.lock_notice(NOW - timedelta(hours=3)), second)):
        (box / "new" / f"17900000{n}.M{n}P1.lw").write_bytes(raw)
    done = lockwatch("scan", "--source", str(box), "--json", "--no-notify", "--all", "--lang", "en")
    assert done.returncode == 0, done.stderr
    raised = alerts(done.stdout)
    assert len(raised) == 2 and raised[1]["title"].startswith("[Update]")
    assert "hxxps://evil[.]example/x" in raised[1]["title"]
    for alert in raised:
        assert_defanged(alert)


@pytest.mark.parametrize(("text", "live"), [
    ("tel:+81312345678", "tel:"), ("mailto:help@evil-verify.top", "mailto:"), ("javascript:alert(1)", "javascript:"),
    ("wss://evil-verify.top/x", "wss://"), ("intent://evil-verify.top/#Intent;end", "intent://"),
    ("ｈｔｔｐｓ://evil-verify.top/x", "evil-verify.top"), ("https://evil-verify\u2024top/x", "https://"),
    ('<a href="https&#58;//evil-verify&#46;top/x">確認</a>', "evil-verify.top"),
    ("data:text/html,<script>location='//evil-verify.top'</script>", "data:"),
])
def test_no_scheme_or_hidden_url_from_a_mail_stays_live(text: str, live: str) -> None:
    from lockwatch.alert.defang import defang_text

    assert live not in defang_text(text)


@pytest.mark.parametrize("number", ["050-3187-4420", "050 3187 4420", "05031874420", "+81-50-3187-4420",
                                    "〇五〇‐三一八七‐四四二〇", "+1 (808) 555-0142"])
def test_a_phone_number_from_a_mail_is_never_offered_to_call(number: str) -> None:
    from lockwatch.alert.defang import defang_text

    shown = defang_text(f"ご不明点は {number} までお電話ください")
    digits = "".join(ch for ch in shown if ch.isdigit())
    assert "XXXX" in shown and not digits.endswith(("4420", "0142")), shown


def test_order_numbers_and_amounts_stay_readable() -> None:
    from lockwatch.alert.defang import defang_text

    assert defang_text("注文番号 250-1234567-7654321 ¥50,000") == "注文番号 250-1234567-7654321 ¥50,000"
