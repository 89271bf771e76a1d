"""Local DKIM verification against a real DNS server (dnsmasq), and no DNS never breaking analysis."""

from __future__ import annotations

import base64
import subprocess
import time
from email.message import EmailMessage
from pathlib import Path

import dkim
import pytest

from lockwatch.detect import DetectOptions, analyse_bytes
from support.dnsserver import DnsServer, free_udp_port


def _keypair(tmp: Path) -> tuple[bytes, str]:
    key = tmp / "key.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "1024"], check=True, capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"], check=True,
                         capture_output=True).stdout
    return key.read_bytes(), base64.b64encode(der).decode()


def _signed_order(private_key: bytes, domain: bytes = b"amazon.co.jp") -> bytes:
    msg = EmailMessage()
    msg["From"] = '"Amazon.co.jp" <auto-confirm@amazon.co.jp>'
    msg["To"] = "taro@home.example"
    msg["Subject"] = "注文済み: 「単三電池」"
    msg["Date"] = "Sun, 22 Nov 2026 09:00:00 +0900"
    msg["Message-ID"] = "<dkim-test@amazon.co.jp>"
    msg.set_content("ご注文ありがとうございます。\n注文番号 250-1234567-7654321\n注文合計: ￥980\n"
                    "https://www.amazon.co.jp/gp/css/order-history\n")
    raw = msg.as_bytes().replace(b"\n", b"\r\n")
    signature = dkim.sign(raw, b"lwtest", domain, private_key,
                          include_headers=[b"from", b"subject", b"date", b"message-id", b"to"])
    return signature + raw


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dkim")
    private, public = _keypair(tmp)
    server = DnsServer(tmp, {"lwtest._domainkey.amazon.co.jp": f"v=DKIM1; k=rsa; p={public}"})
    yield server, _signed_order(private)
    server.stop()


def test_valid_signature_proves_the_sender(signed):
    server, raw = signed
    options = DetectOptions(dkim_verify=True, dns_servers=("127.0.0.1",), dns_port=server.port, dns_timeout=1.0)
    _, analysis = analyse_bytes(raw, options=options)
    assert analysis.verdict == "genuine" and analysis.verified
    assert any(r.code == "auth.pass" for r in analysis.reasons)
    assert analysis.order is not None  # proven: it counts for the takeover rules


def test_tampered_mail_is_not_proven(signed):
    server, raw = signed
    tampered = raw.replace("￥980".encode(), "￥98,000".encode())
    options = DetectOptions(dkim_verify=True, dns_servers=("127.0.0.1",), dns_port=server.port, dns_timeout=1.0)
    _, analysis = analyse_bytes(tampered, options=options)
    assert not any(r.code == "auth.pass" for r in analysis.reasons)
    assert not analysis.verified


def test_unreachable_dns_costs_bounded_time(signed):
    _, raw = signed
    options = DetectOptions(dkim_verify=True, dns_servers=("127.0.0.1",), dns_port=free_udp_port(),
                            dns_timeout=0.5)
    start = time.monotonic()
    _, analysis = analyse_bytes(raw.replace(b"Message-ID: <dkim-test", b"Message-ID: <dkim-test2"), options=options)
    assert time.monotonic() - start < 3
    assert analysis.verdict == "genuine"  # an Amazon domain with nothing against it ...
    assert not any(r.code == "auth.pass" for r in analysis.reasons)
    assert not analysis.verified and "auth.unverified" in {r.code for r in analysis.reasons}  # ... but unproven


def test_a_valid_signature_of_another_domain_proves_nothing_for_amazon(tmp_path):
    private, public = _keypair(tmp_path)
    server = DnsServer(tmp_path, {"lwtest._domainkey.evil-shop.example": f"v=DKIM1; k=rsa; p={public}"})
    try:
        raw = _signed_order(private, domain=b"evil-shop.example")
        options = DetectOptions(dkim_verify=True, dns_servers=("127.0.0.1",), dns_port=server.port, dns_timeout=1.0)
        _, analysis = analyse_bytes(raw, options=options)
    finally:
        server.stop()
    assert not analysis.verified and not any(r.code == "auth.pass" for r in analysis.reasons)
