"""Host-name helpers: registered domains, look-alikes, defanging."""

from __future__ import annotations

import pytest

from lockwatch.alert.defang import defang_text
from lockwatch.detect.domains import defang, registered_domain
from lockwatch.detect.sender import lookalike_reason


@pytest.mark.parametrize("host,expected", [
    ("auto-confirm.amazon.co.jp", "amazon.co.jp"),
    ("gc.email.amazon.co.jp", "amazon.co.jp"),
    ("amazon.co.jp.verify-id.info", "verify-id.info"),
    ("www.amazon.com.au", "amazon.com.au"),
])
def test_registered_domain(host, expected):
    assert registered_domain(host) == expected


@pytest.mark.parametrize("host", [
    "amaz0n.co.jp", "arnazon.co.jp", "amazom.co.jp", "amazon-security-jp.com", "secure-amazon-account.xyz",
    "amazon.co.jp.verify-id.info", "xn--mazon-3ve.com", "аmazon.co.jp", "amzn-account-verify.icu",
])
def test_lookalikes_are_caught(host):
    assert lookalike_reason(host)


@pytest.mark.parametrize("host", [
    "amazon.co.jp", "www.amazon.com", "m.media-amazon.com", "amazonses.com", "example.com", "ups.com",
    "kuronekoyamato.co.jp", "amazing-recipes.com", "mazda.co.jp", "bucket.s3.amazonaws.com",
])
def test_genuine_and_unrelated_hosts_are_not_lookalikes(host):
    assert lookalike_reason(host) == ""


def test_defang():
    assert defang("https://amaz0n-jp.top/signin?x=1") == "hxxps://amaz0n-jp[.]top/signin?x=1"
    assert defang("http://user@1.2.3.4/a") == "hxxp://user[@]1[.]2[.]3[.]4/a"
    assert defang_text("see amaz0n-jp.top now") == "see amaz0n-jp[.]top now"
    assert "https://" not in defang_text("go https://evil.example.top/x")
