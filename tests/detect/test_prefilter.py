"""The scan prefilter decides like `check`: no mail that analysis flags is left unread.

Every corpus mail that analysis flags or finds Amazon-like must get its body read as the IMAP scan
sees it (header triage, then a peek at the start of the body); header samples per wording family
and per disguise must be read or peeked at; plainly unrelated mail must still be skipped.
"""

from __future__ import annotations

import base64
import re
from email.header import Header
from pathlib import Path

import pytest

from conftest import imap_account, write_config
from lockwatch import config
from lockwatch.detect import analyse_bytes, header_prefilter
from lockwatch.detect.prefilter import (
    PEEK,
    READ,
    SKIP,
    body_prefix_relevant,
    peek_size,
    reads_body,
    triage,
)
from lockwatch.sources.base import split_header
from lockwatch.sources.imap import ImapSource
from support.dovecot import Dovecot, User
from support.paths import TESTS

HERE = TESTS
from support.known_limits import KNOWN_LIMITS  # noqa: E402

# a known false alarm (a flagged third party) need not get its body read
MAILS = sorted([*(HERE / "corpus").rglob("*.eml"),
                *(p for p in (HERE / "adversarial").rglob("*.eml")
                  if str(p.relative_to(HERE / "adversarial").with_suffix("")) not in KNOWN_LIMITS)])


def served(raw: bytes) -> tuple[bytes, bytes]:
    """(BODY[HEADER], BODY[TEXT]) as an IMAP server sends them: CRLF line ends."""
    crlf = re.sub(rb"(?<!\r)\n", b"\r\n", raw)
    header = split_header(crlf)
    return header, crlf[len(header):]


def head(sender: str | None, subject: str, *extra: str) -> bytes:
    lines = ([f"From: {sender}"] if sender is not None else []) + [f"Subject: {subject}", *extra,
                                                                    "To: me@example.test", "Date: Mon, 23 Nov 2026 09:00:00 +0900"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def plain_body(text: str, size: int = 2000) -> bytes:
    """An ordinary text body of ``size`` bytes starting with ``text``."""
    filler = " ".join(["the garden needs water before the weekend and the train leaves early"] * 40)
    return (text + "\r\n" + filler).encode()[:size]


@pytest.mark.parametrize("path", MAILS, ids=lambda p: str(p.relative_to(HERE)))
def test_every_mail_analysis_flags_gets_its_body_read(path: Path) -> None:
    raw = path.read_bytes()
    _mail, analysis = analyse_bytes(raw)
    if analysis.verdict not in ("phishing", "suspicious") and not analysis.amazon_like:
        pytest.skip("neither flagged nor Amazon-like")
    header, body = served(raw)
    assert header_prefilter(header), "the header-only prefilter (local stores) would skip it"
    assert reads_body(header, body), f"{analysis.verdict} mail dropped by the IMAP scan's prefilter"


def test_the_corpus_holds_flagged_mail_to_replay() -> None:
    flagged = [p for p in MAILS[:200] if analyse_bytes(p.read_bytes())[1].verdict in ("phishing", "suspicious")]
    assert len(flagged) >= 20


WORDING = {
    "account": [("Customer Care <care@shop.example>", "About your account"),
                ("サポート窓口 <support@shop.example.jp>", "アカウントについて"),
                ("Kundenservice <service@shop.example.de>", "Ihr Konto"),
                ("Service client <service@shop.example.fr>", "Votre compte"),
                ("Suporte <suporte@loja.example.br>", "Sua conta foi atualizada")],
    "order": [("Shop <shop@shop.example>", "Your order #4411"), ("ショップ <info@shop.example.jp>", "ご注文ありがとうございます"),
              ("Shop <shop@shop.example>", "注文番号 1234"), ("Laden <laden@shop.example.de>", "Ihre Bestellung"),
              ("Boutique <b@shop.example.fr>", "Votre commande"), ("Tienda <t@shop.example.es>", "Tu pedido"),
              ("Negozio <n@shop.example.it>", "Il tuo ordine")],
    "payment": [("Shop <shop@shop.example>", "お支払いについて"), ("経理 <keiri@example.jp>", "請求書の送付"),
                ("Shop <shop@shop.example>", "Payment received"), ("Acme <ar@acme.example>", "Invoice 2026-11"),
                ("Shop <shop@shop.example>", "Your refund"), ("Laden <laden@shop.example.de>", "Zahlung erhalten"),
                ("Boutique <b@shop.example.fr>", "Paiement accepté"), ("Tienda <t@shop.example.es>", "Pago pendiente")],
    "security": [("IT <it@corp.example>", "セキュリティのお知らせ"), ("IT <it@corp.example>", "安全のために"),
                 ("窓口 <info@example.jp>", "本人確認のお願い"), ("窓口 <info@example.jp>", "新しい端末からサインイン"),
                 ("窓口 <info@example.jp>", "ログインがありました"), ("IT <it@corp.example>", "Security alert"),
                 ("IT <it@corp.example>", "Please verify your details"), ("IT <it@corp.example>", "Sicherheitshinweis"),
                 ("IT <it@corp.example>", "Sécurité de votre compte")],
    "delivery": [("配送センター <info@delivery.example.jp>", "お荷物の配達について"), ("窓口 <info@example.jp>", "配送状況"),
                 ("窓口 <info@example.jp>", "お届け予定日"), ("Courier <c@courier.example>", "Delivery attempt"),
                 ("Courier <c@courier.example>", "Your package"), ("Kurier <k@kurier.example.de>", "Ihre Lieferung"),
                 ("Coursier <c@courier.example.fr>", "Livraison prévue"), ("Mensajero <m@courier.example.es>", "Envío en camino")],
    "notice": [("窓口 <info@example.jp>", "【重要】お知らせ"), ("窓口 <info@example.jp>", "緊急"),
               ("窓口 <info@example.jp>", "ご確認ください"),
               ("窓口 <info@example.jp>", "情報の更新"), ("窓口 <info@example.jp>", "サービス停止"),
               ("Service <s@service.example>", "Important notice"), ("Service <s@service.example>", "Alert"),
               ("Service <s@service.example>", "Please confirm"), ("Service <s@service.example>", "Wichtig"),
               ("Service <s@service.example>", "Avis important")],
    "membership": [("会員窓口 <info@example.jp>", "プライム特典"), ("Club <club@club.example>", "Membership renewal"),
                   ("Club <club@club.example>", "Your subscription"), ("Club <club@club.example>", "Prime offer"),
                   ("Verein <v@club.example.de>", "Ihr Abonnement"), ("Club <club@club.example>", "Tu suscripción")],
    "in the sender": [("Order Desk <desk@shop.example>", "Hello"), ("Mailer <billing@service.example>", "Hi there"),
                      ("セキュリティ窓口 <info@example.jp>", "こんにちは")],
}


@pytest.mark.parametrize("family", WORDING)
def test_wording_in_from_or_subject_gets_a_look_at_the_body(family: str) -> None:
    for sender, subject in WORDING[family]:
        assert triage(head(sender, subject)) in (PEEK, READ), (sender, subject)


BRAND_DISGUISES = [
    "Аmazon", "Amaz0n", "AMAZ0N.C0.JP", "A\u200bmazon", "A\u200dm\u200da\u200dz\u200do\u200dn",
    "A\u034fm\u034fa\u034fz\u034fo\u034fn",
    "Ａｍａｚｏｎ", "アマゾン", "ｱﾏｿﾞﾝ", "あまぞん", "A m a z o n", "A.m.a.z.o.n", "a-m-a-z-o-n", "Arnazon", "ア マ ゾ ン",
    "𝐀𝐦𝐚𝐳𝐨𝐧", "Amazon\u0336", "AMZN Mktp",
]


@pytest.mark.parametrize("claim", BRAND_DISGUISES)
def test_a_brand_claim_in_any_disguise_gets_the_body_read(claim: str) -> None:
    assert triage(head(f"{claim} <info@mailer.example>", "Hello")) == READ
    assert triage(head("Info <info@mailer.example>", f"{claim} からのご連絡")) == READ


def test_encoded_and_raw_8bit_headers_are_decoded_before_judging() -> None:
    hidden = Header("アマゾンのご案内", "utf-8").encode()
    assert triage(head("Info <info@mailer.example>", hidden)) == READ
    sjis = Header("アマゾン", "shift_jis").encode()
    assert triage(head("Info <info@mailer.example>", sjis)) == READ
    raw_sjis = b"From: Info <info@mailer.example>\r\nSubject: " + "アマゾン".encode("cp932") + b"\r\n\r\n"
    assert triage(raw_sjis) == READ
    plain = b"From: Info <info@mailer.example>\r\nSubject: " + "夕食のこと".encode("cp932") + b"\r\n\r\n"
    assert triage(plain) == SKIP


@pytest.mark.parametrize("header", [
    head(None, "Dinner on Friday?"),
    head("Alice <alice@example.org>", "Dinner on Friday?", "From: Bob <bob@example.org>"),
    head("alice@example.org, bob@example.org", "Dinner on Friday?"),
    head("help@bank.example <alice@example.org>", "Dinner on Friday?"),
    head("=?utf-8?q?help=40bank.example?= <alice@example.org>", "Dinner on Friday?"),
    head("Alice <alice@amaz0n-jp.top>", "Dinner on Friday?"),
    head("Alice <alice@mail.amazon-secure.example>", "Dinner on Friday?"),
    head("Alice <amazon.support@example.org>", "Dinner on Friday?"),
    head("Alice <auto-confirm@amazon.co.jp>", "Dinner on Friday?"),
    head("Alice <alice@example.org>", "Dinner on Friday?", "Reply-To: desk@amazon-help.example"),
    head("Alice <alice@example.org>", "Dinner on Friday?", "Return-Path: <bounce@arnazon.example>"),
    head("Alice <alice@example.org>", "Din\u200bner on Friday?"),
    head("Alice", "Dinner on Friday?"),
    head("Alice <alice@example.org>", "Dinner on Friday?", "Subject: Your account is locked"),
    head("Alice <alice@example.org>", "Dinner on Friday?", "Content-Type: text/plain",
         "Content-Type: text/html"),
    head("Alice <alice@example.org>", "Dinner on Friday?", "no colon on this line"),
    head("Alice <alice@203.0.113.7>", "Dinner on Friday?"),
    head("Alice <alice@localhost>", "Dinner on Friday?"),
    head("Alice <alice@exa\u3164mple.org>", "Dinner on Friday?"),
    head("Alice <alice@example.org> (\u202a\u200b)", "Dinner on Friday?"),
    head("Alice <alice@example.org>", "\u202eyadirF no rennid"),
    head("Alice <alice@example.org>", "Dinner on Friday?",
         "Authentication-Results: mx.example.test; dmarc=pass header.from=amazon.co.jp"),
    head("Alice <alice@example.org>", "Dinner on Friday?", "Message-ID: <x1@arnazon.co.jp>"),
    head("Alice <alice@example.org>", "Dinner on Friday?" + " " * 3000 + "Amazon"),
], ids=["no From", "two From headers", "two addresses", "@ in the display name", "encoded word hiding an address",
        "look-alike domain", "brand label in the domain", "brand in the local part", "brand domain",
        "brand Reply-To", "look-alike Return-Path", "invisible character in a word", "no address",
        "two Subject headers", "two Content-Type headers", "a line that is no field", "IP address domain",
        "undotted domain", "invisible character in the address", "invisible characters in a From comment",
        "right-to-left override in the Subject", "checked domain of the brand", "look-alike Message-ID",
        "padded Subject"])
def test_odd_headers_get_the_body_read(header: bytes) -> None:
    assert triage(header) == READ


@pytest.mark.parametrize(("sender", "subject"), [
    ("Alice <alice@example.org>", "Dinner on Friday?"),
    ("Bob <bob@mail.example>", "Photos from the weekend"),
    ("母 <haha@family.example.jp>", "今夜の夕食"),
    ("=?utf-8?b?5bGx55SwIOiKseWtkA==?= <hanako@family.example.jp>", "今夜の夕食"),  # an encoded name alone is not odd
    ("Python Weekly <news@pythonweekly.example>", "Issue 612: generators"),
    ('"Carol Smith" <carol@uni.example.edu>', "Re: draft of chapter 3"),
    ("Ordinary Name <ordinary@example.com>", "Bordeaux trip"),  # "order" inside a word is no order
])
def test_plainly_unrelated_mail_is_still_skipped(sender: str, subject: str) -> None:
    header = head(sender, subject)
    assert triage(header) == SKIP
    assert not header_prefilter(header)


def test_mail_sent_through_the_brands_relay_or_from_an_mbox_is_not_odd() -> None:
    newsletter = head("Gardening Club <club@garden.example>", "Spring bulbs are here",
                      "Message-ID: <0100018c@email.amazonses.com>",
                      "Authentication-Results: mx.example.test; dkim=pass header.d=amazonses.com; "
                      "spf=pass smtp.mailfrom=bounce@amazonses.com")
    assert triage(newsletter) == SKIP
    assert triage(b"From alice@example.org  Mon Sep 30 13:43:59 2002\r\n" + head("Alice <alice@example.org>", "Hi")) == SKIP


BANK = head("Example Bank <notice@bank.example>", "Important notice about your statement",
            "Content-Type: text/plain; charset=utf-8")


def test_a_peek_at_plain_unrelated_text_saves_reading_the_rest() -> None:
    assert triage(BANK) == PEEK
    body = plain_body("Dear customer, your monthly statement is ready in the branch.", 4000)
    assert not body_prefix_relevant(BANK, body[:peek_size(BANK)])
    assert not reads_body(BANK, body)


@pytest.mark.parametrize("start", [
    "Dear customer, your Amazon order could not be shipped.",
    "Dear customer, your A m a z o n parcel is waiting.",
    "お客様、アマゾンからのお知らせです。",
    "Dear customer, please visit https://bank-login.example/verify today.",
    "Dear customer, your account needs attention before the weekend.",
    "Dear customer, unusual sign in detected on your profile.",
    "Dear customer, call 0120-123-456 now about your statement.",
])
def test_a_peek_that_shows_brand_link_account_wording_or_phone_reads_the_rest(start: str) -> None:
    body = plain_body(start, 4000)
    assert body_prefix_relevant(BANK, body[:peek_size(BANK)])
    assert reads_body(BANK, body)


def test_a_peek_that_cannot_show_enough_text_reads_the_rest() -> None:
    html = head("Shop <shop@shop.example>", "Your order", "Content-Type: text/html; charset=utf-8")
    markup = b"<html><head><style>" + b"p{margin:0} " * 200 + b"</style></head><body>Hi</body></html>"
    assert reads_body(html, markup)
    boundary = "b1"
    mixed = head("Shop <shop@shop.example>", "Your order", f'Content-Type: multipart/mixed; boundary="{boundary}"')
    attachment = (f"--{boundary}\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                  + "QUJD" * 600).encode()
    assert reads_body(mixed, attachment)


def test_encoded_bodies_are_decoded_before_judging() -> None:
    text = "お客様各位\r\n" + "いつもご利用ありがとうございます。" * 3 + "アマゾンのアカウント" + "。" * 400
    b64 = head("窓口 <info@example.jp>", "ご注文の確認", "Content-Type: text/plain; charset=utf-8",
               "Content-Transfer-Encoding: base64")
    encoded = base64.encodebytes(text.encode()).replace(b"\n", b"\r\n")
    assert peek_size(b64) > peek_size(BANK)
    assert reads_body(b64, encoded)
    alternative = head("窓口 <info@example.jp>", "ご注文の確認", 'Content-Type: multipart/alternative; boundary="zz"')
    body = (b"--zz\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + encoded + b"\r\n--zz--\r\n")
    assert reads_body(alternative, body)
    harmless = base64.encodebytes(("今日は良い天気ですね。" * 200).encode()).replace(b"\n", b"\r\n")
    assert not reads_body(b64, harmless)


def test_a_short_body_is_read_whole_within_the_peek() -> None:
    assert reads_body(BANK, b"Hello, see you on Friday.\r\n")


def test_the_imap_scan_peeks_and_reads_like_the_prefilter(tmp_path: Path, dovecot: Dovecot, user: User) -> None:
    friend = (head("Alice <alice@example.org>", "Dinner on Friday?", "Message-ID: <a@example.org>")
              + plain_body("See you at eight.", 3000))
    bank = BANK.replace(b"\r\n\r\n", b"\r\nMessage-ID: <b@bank.example>\r\n\r\n") + plain_body(
        "Dear customer, your monthly statement is ready in the branch.", 3000)
    later = BANK.replace(b"\r\n\r\n", b"\r\nMessage-ID: <c@bank.example>\r\n\r\n") + plain_body(
        "Dear customer, your Amazon account is locked: https://amaz0n-jp.top/signin within 24 hours.", 3000)
    short = (head("Service <s@service.example>", "Important notice", "Message-ID: <d@service.example>")
             + b"Your Amazon account is locked: https://amaz0n-jp.top/signin\r\n")
    raws = [friend, bank, later, short]
    dovecot.append(user, raws)
    account = config.load(write_config(tmp_path, [imap_account(dovecot, user)])).accounts[0]
    with ImapSource(account, header_prefilter) as source:
        read = source.read("INBOX", None, None)
        items = [item for batch in read.batches for item in batch.items]
    assert [item.header_only for item in items] == [True, True, False, False]
    for item, raw in zip(items, raws, strict=True):
        header, body = served(raw)
        assert item.header_only is not reads_body(header, body)
        assert item.raw == (header if item.header_only else header + body)
    assert analyse_bytes(items[2].raw)[1].verdict == "phishing"
    assert analyse_bytes(items[3].raw)[1].verdict in ("phishing", "suspicious")
