"""The From header an attacker writes: parsed strictly, never lending Amazon's name to a phish."""

from __future__ import annotations

import base64

import pytest

from lockwatch.detect import DetectOptions, analyse_bytes
from lockwatch.parse.addresses import parse_from

NO_DKIM = DetectOptions(dkim_verify=False)
OWN_PASS = "mx.home.example; spf=pass smtp.mailfrom=evil-shop.example; dkim=pass header.d=evil-shop.example; " \
           "dmarc=pass header.from=evil-shop.example"
AMAZON_PASS = "mx.home.example; spf=pass smtp.mailfrom=bounces.amazon.co.jp; dkim=pass header.d=amazon.co.jp; " \
              "dmarc=pass header.from=amazon.co.jp"
LOCK_BODY = ("Amazon.co.jp をご利用いただきありがとうございます。\nお客様のアカウントは一時的にロックされました。\n"
             "24時間以内に下記よりご確認ください。\nhttps://www.amazon.co.jp/ap/signin\n")


def mail(from_lines: list[str], *, auth: str | None = OWN_PASS, subject: str = "【重要】アカウントの一時停止",
         body: str = LOCK_BODY, extra: str = "") -> bytes:
    head = "".join(f"From: {f}\r\n" for f in from_lines)
    auth_line = f"Authentication-Results: {auth}\r\n" if auth else ""
    encoded = base64.b64encode(subject.encode()).decode()
    return (f"{auth_line}Received: from mail.evil-shop.example by mx.home.example; Mon, 30 Nov 2026 10:00:00 +0900\r\n"
            f"{head}To: me@home.example\r\nSubject: =?utf-8?B?{encoded}?=\r\n"
            f"Date: Mon, 30 Nov 2026 10:00:00 +0900\r\nMessage-ID: <{abs(hash(tuple(from_lines)))}@evil-shop.example>\r\n"
            f"{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\n{body}").encode()


def ew(text: str) -> str:
    return f"=?utf-8?B?{base64.b64encode(text.encode()).decode()}?="


# (From header values, the address that must count)
TRICKS = [
    (["account-update@amazon.co.jp <info@evil-shop.example>"], "info@evil-shop.example"),
    (['"account-update@amazon.co.jp" <info@evil-shop.example>'], "info@evil-shop.example"),
    (['"Amazon.co.jp (no-reply@amazon.co.jp)" <info@evil-shop.example>'], "info@evil-shop.example"),
    (["Amazon <no-reply@amazon.co.jp> <info@evil-shop.example>"], None),
    (["<no-reply@amazon.co.jp>info@evil-shop.example"], None),
    (["no-reply@amazon.co.jp, info@evil-shop.example"], None),
    (["info@evil-shop.example, no-reply@amazon.co.jp"], "info@evil-shop.example"),
    (["Amazon.co.jp: no-reply@amazon.co.jp, info@evil-shop.example;"], None),
    (["info@evil-shop.example (no-reply@amazon.co.jp)"], "info@evil-shop.example"),
    ([f"{ew('Amazon <no-reply@amazon.co.jp>')} <info@evil-shop.example>"], "info@evil-shop.example"),
    ([f"{ew('no-reply@amazon.co.jp')} <info@evil-shop.example>"], "info@evil-shop.example"),
    (["Amazon.co.jp <no-reply@amazon.co.jp>", "info@evil-shop.example"], None),
    (["info@evil-shop.example", "Amazon.co.jp <no-reply@amazon.co.jp>"], "info@evil-shop.example"),
]


@pytest.mark.parametrize("froms,real", TRICKS, ids=[t[0][0][:40] for t in TRICKS])
def test_an_ambiguous_from_is_seen_and_its_real_address_kept(froms: list[str], real: str | None) -> None:
    identity = parse_from(froms)
    assert identity.ambiguous, identity
    assert "info@evil-shop.example" in identity.candidates
    if real:
        assert identity.address == real


@pytest.mark.parametrize("froms,real", TRICKS, ids=[t[0][0][:40] for t in TRICKS])
def test_sender_tricks_with_the_attackers_own_dmarc_pass_are_phishing(froms: list[str], real: str | None) -> None:
    _, analysis = analyse_bytes(mail(froms), options=NO_DKIM)
    assert analysis.verdict == "phishing", analysis.reasons
    assert not analysis.verified and analysis.order is None and analysis.lock_event is None
    codes = {r.code for r in analysis.reasons}
    assert "sender.ambiguous_from" in codes
    assert "auth.pass" not in codes


@pytest.mark.parametrize("froms", [t[0] for t in TRICKS], ids=[t[0][0][:40] for t in TRICKS])
def test_sender_tricks_are_phishing_even_with_amazons_dmarc_pass(froms: list[str]) -> None:
    """A genuine signed Amazon mail replayed with a second address added: DKIM still passes, readers see the attacker."""
    _, analysis = analyse_bytes(mail(froms, auth=AMAZON_PASS), options=NO_DKIM)
    assert analysis.verdict == "phishing", analysis.reasons
    assert not analysis.verified


def test_plain_froms_are_not_ambiguous() -> None:
    for value in ['"Amazon.co.jp" <auto-confirm@amazon.co.jp>', "auto-confirm@amazon.co.jp",
                  "Amazon.co.jp <auto-confirm@amazon.co.jp>", '"Smith, John" <j@example.com>',
                  '"no-reply@amazon.co.jp" <no-reply@amazon.co.jp>', "=?ISO-2022-JP?B?GyRCJSIlXiU+JXMbKEI=?= <x@y.jp>",
                  "Amazon.co.jp <auto-confirm@amazon.co.jp> (Amazon)"]:
        identity = parse_from([value])
        assert not identity.ambiguous, (value, identity)
        assert identity.address and "@" in identity.address


def test_the_issue_attack_names_the_real_sender_in_the_record() -> None:
    from lockwatch.record import message_record

    parsed, analysis = analyse_bytes(mail(["account-update@amazon.co.jp <info@evil-shop.example>"]), options=NO_DKIM)
    record = message_record("x.eml", parsed, analysis)
    assert parsed.from_addr == "info@evil-shop.example"
    assert record["from"].endswith("<info@evil-shop.example>")
    detail = next(r["detail"] for r in record["reasons"] if r["code"] == "sender.ambiguous_from")
    assert "the real sender is info@evil-shop.example" in detail


def test_a_display_name_cut_off_from_its_address_is_a_claim() -> None:
    _, analysis = analyse_bytes(mail(["Amazon Xmas,<office@universe-fash.example>"]), options=NO_DKIM)
    assert analysis.verdict == "phishing", analysis.reasons


def test_a_sender_header_elsewhere_makes_amazon_mail_doubtful() -> None:
    raw = mail(["Amazon.co.jp <account-update@amazon.co.jp>"], auth=AMAZON_PASS,
               extra="Sender: info@evil-shop.example\r\n")
    _, analysis = analyse_bytes(raw, options=NO_DKIM)
    assert analysis.verdict == "phishing" and not analysis.verified


def test_dmarc_that_evaluated_another_domain_never_proves_amazon() -> None:
    """The server's DMARC check looked at evil-shop.example; the From parsed here says amazon.co.jp."""
    _, analysis = analyse_bytes(mail(["Amazon.co.jp <account-update@amazon.co.jp>"]), options=NO_DKIM)
    assert analysis.verdict == "phishing", analysis.reasons
    assert "auth.pass" not in {r.code for r in analysis.reasons}


def test_a_genuine_notice_with_amazons_aligned_pass_stays_genuine() -> None:
    _, analysis = analyse_bytes(mail(["Amazon.co.jp <account-update@amazon.co.jp>"], auth=AMAZON_PASS),
                                options=NO_DKIM)
    assert analysis.verdict == "genuine" and analysis.verified, analysis.reasons


def test_eight_bit_and_encoded_names_keep_their_address() -> None:
    identity = parse_from(["アマゾン <support@evil-shop.example>"])
    assert identity.name == "アマゾン" and identity.address == "support@evil-shop.example" and not identity.ambiguous
    identity = parse_from([f"{ew('Amazon.co.jp')} <auto-confirm@amazon.co.jp>"])
    assert identity.name == "Amazon.co.jp" and not identity.ambiguous


def test_hostile_from_headers_parse_quickly_and_never_raise() -> None:
    for value in ["<" * 50_000, '"' * 50_000, "(" * 50_000 + "x@y.z", "a@b," * 20_000, "=?utf-8?B?" * 5_000,
                  "\x00\udcff<a@b.c>", ":" * 10_000, ";" * 10_000, "@" * 10_000]:
        identity = parse_from([value])
        assert len(identity.candidates) <= 20
