"""Every domain Amazon sends from (the brand profile) gives a genuine verdict with an aligned DMARC pass."""

from __future__ import annotations

import pytest

from lockwatch.detect import DetectOptions, analyse_bytes
from lockwatch.detect.knowledge import knowledge
from lockwatch.detect.sender import lookalike_reason

DOMAINS = sorted(knowledge().sender_domains)
EXPECTED = {  # every marketplace and service named in the issue must be in the profile
    "amazon.co.jp", "amazon.com", "amazon.ie", "amazon.com.be", "amazon.pl", "amazon.se", "amazon.nl", "amazon.sa",
    "amazon.ae", "amazon.eg", "amazon.com.tr", "amazon.sg", "amazonpay.com", "primevideo.com", "kindle.com",
    "audible.co.jp", "audible.com", "awscloud.com", "amazon.de", "amazon.fr", "amazon.co.uk", "amazon.it",
    "amazon.es", "amazon.ca", "amazon.com.au", "amazon.in", "amazon.com.mx", "amazon.com.br",
}


def notice(domain: str, *, auth_from: str | None = None) -> bytes:
    auth_from = auth_from or domain
    return (f"Authentication-Results: mx.home.example; spf=pass smtp.mailfrom=bounces.{domain}; "
            f"dkim=pass header.d={auth_from} header.s=s1; dmarc=pass (p=QUARANTINE) header.from={auth_from}\r\n"
            f"From: Amazon <account-update@{domain}>\r\nTo: me@home.example\r\n"
            "Subject: Your password was changed\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n"
            f"Message-ID: <0100019@email.{domain}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            "Hello,\nThe password of your Amazon account was changed. If you did this, there is nothing to do.\n"
            f"If you did not, sign in at https://www.{domain}/ and change it.\n").encode()


def test_the_profile_knows_every_marketplace_and_service() -> None:
    assert set(DOMAINS) >= EXPECTED, EXPECTED - set(DOMAINS)


@pytest.mark.parametrize("domain", DOMAINS)
def test_an_aligned_pass_from_each_amazon_domain_is_genuine(domain: str) -> None:
    assert lookalike_reason(domain) == "" and lookalike_reason(f"www.{domain}") == ""
    _, analysis = analyse_bytes(notice(domain), options=DetectOptions(dkim_verify=False))
    assert analysis.verdict == "genuine" and analysis.verified, (domain, analysis.reasons)
    assert not [r for r in analysis.reasons if r.code.startswith(("sender.", "link."))], analysis.reasons


@pytest.mark.parametrize("domain", ["amazon.co.jp", "amazon.ie", "amazonpay.com"])
def test_a_pass_for_another_domain_never_proves_an_amazon_from(domain: str) -> None:
    _, analysis = analyse_bytes(notice(domain, auth_from="evil-shop.example"), options=DetectOptions(dkim_verify=False))
    assert analysis.verdict == "phishing" and not analysis.verified, analysis.reasons
