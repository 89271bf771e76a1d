"""Alert composition: playbook texts per kind and language, defanging, escaping and size limits."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from lockwatch.alert import compose as alerts
from lockwatch.alert import playbooks
from lockwatch.alert.defang import clean, defang_text
from lockwatch.deliver.render import Limits, render
from lockwatch.detect import analyse_bytes
from lockwatch.record import message_record
from support import mailgen

PLAYBOOKS = Path(playbooks.__file__).parent
RAW_URL = re.compile(r"https?://(?!www\.amazon\.co(?:m|\.jp)/gp/)", re.IGNORECASE)


def phishing_record(host: str = "amaz0n-jp-login.top") -> dict[str, Any]:
    mail, analysis = analyse_bytes(mailgen.phishing_lock(host))
    return message_record("home/INBOX/3", mail, analysis)


def numbered(body: str) -> list[str]:
    return re.findall(r"^(\d+)\. ", body, re.MULTILINE)


NASTY = {
    "from": "**Amazon** [click](https://evil.example/x) <amazon@evil-amazon.top>",
    "subject": "*URGENT* <b>locked</b> see http://amaz0n.top/a_b?x=1 and amaz0n.top\u200b [x](y)",
    "date": "2026-11-22T09:00:00+09:00", "source": "home/Junk/7", "verdict": "phishing",
    "message_id": "<m1@evil-amazon.top>",
    "reasons": [{"code": "sender.lookalike", "detail": "evil-amazon.top imitates amazon.co.jp"},
                {"code": "auth.pass", "detail": "hidden"}, {"code": "made.up", "detail": "see https://x.example/"}],
    "links": [{"url": "hxxps://amaz0n[.]top/signin", "host": "amaz0n.top", "verdict": "lookalike"},
              {"url": "https://www.amazon.co.jp/", "host": "www.amazon.co.jp", "verdict": "amazon"}],
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_phishing_alert_from_a_detected_mail(lang: str) -> None:
    record = phishing_record()
    alert = alerts.compose_message(record, lang, account="home")
    assert alert is not None
    assert (alert.kind, alert.severity) == ("phishing", "critical")
    assert alert.message_ids == (record["message_id"],)
    text = alert.title + "\n" + alert.body
    assert "amaz0n-jp-login[.]top" in alert.body  # the lookalike sender, defanged
    assert "hxxps://amaz0n-jp-login[.]top/signin" in alert.body  # the link, defanged
    assert "amaz0n-jp-login.top" not in text and not RAW_URL.search(text)
    assert numbered(alert.body)[:5] == ["1", "2", "3", "4", "5"]
    assert ("メッセージセンター" if lang == "ja" else "Message Center") in alert.body
    assert ("今すぐやること" if lang == "ja" else "Do this now") in alert.body
    assert "stop-spoofing@amazon.com" in alert.body  # reporting address from the brand profile
    assert alert.as_json()["type"] == "alert"


def test_suspicious_is_a_quieter_phishing_alert_and_genuine_mail_gets_none() -> None:
    record = {**NASTY, "verdict": "suspicious"}
    alert = alerts.compose_message(record, "ja")
    assert alert is not None and (alert.kind, alert.severity) == ("phishing", "warning")
    assert alert.title.startswith("【注意】")
    assert alerts.compose_message({**NASTY, "verdict": "genuine"}, "ja") is None


def test_everything_from_the_mail_is_defanged_and_cleaned() -> None:
    alert = alerts.compose_message(NASTY, "en", account="home")
    assert alert is not None
    text = alert.title + "\n" + alert.body
    assert not RAW_URL.search(text)
    for raw in ("evil.example", "amaz0n.top", "evil-amazon.top", "x.example"):
        assert raw not in text
    assert "\u200b" not in text
    assert "hxxp://amaz0n[.]top/a_b?x=1" in alert.title
    assert "Where: home / Junk" in alert.body
    assert "hidden" not in alert.body  # auth.pass speaks for the mail: not a reason to show
    assert "www.amazon.co.jp/" not in alert.body.split("Links in the mail")[1].split("■")[0]  # amazon links skipped


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_subject_and_names_are_escaped_for_markup_targets(fmt: str) -> None:
    alert = alerts.compose_message(NASTY, "en")
    assert alert is not None
    title, body = render(alert.title, alert.body, fmt)
    assert title == alert.title  # a title field of its own stays plain text (a mail subject, a push title)
    merged_title, _ = render(alert.title, alert.body, fmt, Limits(title=0))  # apprise puts it in the body
    for out in (body, merged_title):
        if fmt == "markdown":
            assert "\\*URGENT\\*" in out and "\\<b\\>" in out
            assert re.search(r"(?<!\\)\[[^\]\\]*\]\(", out) is None  # no markdown link survives
        else:
            assert "&lt;b&gt;locked&lt;/b&gt;" in out and "<b>locked" not in out
    if fmt == "markdown":
        assert "\\[click\\]" in body and "**Why**" in body
    else:
        assert "<b>Why</b>" in body and body.count("<a href=") == body.count('<a href="https://www.amazon.com/gp/')
    assert "1. " in body


def test_official_help_urls_stay_clickable_in_markdown() -> None:
    alert = alerts.compose_message(phishing_record(), "ja")
    assert alert is not None
    _, body = render(alert.title, alert.body, "markdown",
                     verbatim=playbooks.brand_help("jp").official_urls)
    assert playbooks.brand_help("jp").page in body


def test_takeover_alert_lists_orders_and_says_call_now() -> None:
    incident = {"account": "home", "window": 1800, "message_ids": ["<o1@amazon.co.jp>"],
                "orders": [{"id": f"249-123456{i}-1234567", "items": ["Amazonギフトカード"], "total": 50000,
                            "currency": "JPY", "message_id": f"<o{i}@amazon.co.jp>"} for i in range(7)],
                "rules": [{"code": "burst.orders", "detail": "7 orders within 30 minutes"}]}
    ja = alerts.compose_incident("takeover", incident, "ja")
    assert (ja.kind, ja.severity) == ("takeover", "critical")
    assert "注文 7 件" in ja.title and "30分" in ja.body and "¥350,000" in ja.body
    assert "非表示" in ja.body and "2段階認証" in ja.body and "カード会社" in ja.body
    assert "0120-899-190" in ja.body  # phone from the brand profile, inside action 1
    assert numbered(ja.body) == ["1", "2", "3", "4", "5"]
    assert ja.body.count("- 249-") == alerts.MAX_ORDERS and "ほか 2 件" in ja.body
    assert ja.message_ids[0] == "<o1@amazon.co.jp>" and len(ja.message_ids) == 7
    en = alerts.compose_incident("takeover", incident, "en")
    assert "7 orders" in en.title and "30 minutes" in en.body and "hidden (archived) orders" in en.body


def test_account_lock_and_security_notice() -> None:
    record = {"from": "Amazon.co.jp <address-verification@amazon.co.jp>",
              "subject": "ご利用の Amazon.co.jp でのご注文を出荷できません", "date": "2026-11-22T09:00:00+09:00",
              "source": "home/INBOX/9", "message_id": "<lock@amazon.co.jp>"}
    lock = alerts.compose_incident("account_lock", {"account": "home", "record": record}, "ja")
    assert lock.kind == "account_lock" and "下4桁" in lock.body and "03" in lock.body and "1〜4日" in lock.body
    assert "address-verification@amazon[.]co[.]jp" in lock.body  # the mail's sender: defanged like any
    back = alerts.compose_incident("account_lock", {"account": "home", "record": record,
                                                    "lock_event": "reinstated"}, "en")
    assert "reinstated" in back.body.splitlines()[1]
    notice = alerts.compose_incident("security_notice", {"account": "home", "event": "password_changed"}, "ja")
    assert (notice.kind, notice.severity) == ("security_notice", "warning")
    assert "パスワードの変更" in notice.title and "2段階認証" in notice.body
    with pytest.raises(ValueError):
        alerts.compose_incident("phishing", {}, "ja")


def test_test_alert_is_marked_as_a_test() -> None:
    for lang, mark in (("ja", "【テスト】"), ("en", "[TEST]")):
        alert = alerts.compose_test(lang)
        assert alert.kind == "test" and alert.title.startswith(mark)
        assert "hxxps://amaz0n-jp[.]top/signin" in alert.body and not RAW_URL.search(alert.body)
        assert numbered(alert.body)


@pytest.mark.parametrize("limits", [Limits(body=1024), Limits(body=4000, title=200, total_bytes=4096),
                                    Limits(body=2000, title=0), Limits(body=300)])
def test_alerts_fit_each_service(limits: Limits) -> None:
    incident = {"account": "home", "window": 600, "orders": [
        {"id": f"249-{i:07d}-1234567", "items": ["とても長い商品名" * 10], "total": 9800, "currency": "JPY"}
        for i in range(40)]}
    alert = alerts.compose_incident("takeover", incident, "ja")
    for fmt in ("text", "markdown", "html"):
        title, body = render(alert.title, alert.body, fmt, limits)
        reserve = len(title) + 2 if limits.title == 0 else 0
        assert len(body) + reserve <= limits.body
        if limits.total_bytes:
            assert len(body.encode()) + len(title.encode()) + 2 <= limits.total_bytes
        if limits.body >= 1024:
            assert "1. " in body  # details gave way before the actions
    _, small = render(alert.title, alert.body, "text", Limits(body=300))
    assert small.endswith("…")


def test_defang_cases() -> None:
    cases = {
        "https://amaz0n-jp.top/signin": "hxxps://amaz0n-jp[.]top/signin",
        "go to amaz0n-jp.top now": "go to amaz0n-jp[.]top now",
        "x@amazon-co-jp-login.top": "x@amazon-co-jp-login[.]top",
        "http://192.168.1.10/a": "hxxp://192[.]168[.]1[.]10/a",
        "hxxps://amaz0n[.]top/x": "hxxps://amaz0n[.]top/x",  # idempotent
        "version 1.5, e.g. this": "version 1.5, e.g. this",
        "аmazon.co.jp": "аmazon[.]co[.]jp",  # Cyrillic а
    }
    for raw, want in cases.items():
        assert defang_text(raw) == want, raw
    assert clean("a\u202eb\r\nc\u200bd", 100) == "ab cd"
    assert len(clean("x" * 500, 50)) == 50


def test_playbooks_have_the_same_kinds_and_actions_in_every_language() -> None:
    books = {lang: tomllib.loads((PLAYBOOKS / f"{lang}.toml").read_text()) for lang in playbooks.LANGUAGES}
    ja, en = books["ja"], books["en"]
    assert set(ja["kind"]) == set(en["kind"]) == set(alerts.ENTRIES) - {"test"}
    for kind in ja["kind"]:
        assert len(ja["kind"][kind]["actions"]) == len(en["kind"][kind]["actions"]), kind
        assert ja["kind"][kind].keys() == en["kind"][kind].keys(), kind
    assert ja["labels"].keys() == en["labels"].keys()
    assert ja["reasons"].keys() == en["reasons"].keys() and ja["events"].keys() == en["events"].keys()


def test_brand_help_comes_from_the_profile() -> None:
    jp = playbooks.brand_help("jp")
    assert jp.page.startswith("https://www.amazon.co.jp/") and jp.site == "www.amazon.co.jp"
    assert any(p.number == "0120-899-190" for p in jp.phones) and jp.report_addresses
    assert "0120-899-190" in " ".join(alerts.actions_for("account_lock", "ja"))
