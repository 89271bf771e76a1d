"""The brand in the disguises an attacker reaches for, and the third parties that only mention it."""

from __future__ import annotations

import base64

import pytest

from lockwatch.detect import DetectOptions, analyse_bytes
from lockwatch.parse.html import extract_html

NO_DKIM = DetectOptions(dkim_verify=False)
OWN_PASS = ("mx.home.example; spf=pass smtp.mailfrom=members-desk.example; dkim=pass header.d=members-desk.example; "
            "dmarc=pass header.from=members-desk.example")
LOCK = ("山田 太郎 様\n\nお客様のアカウントは、お支払い方法に問題があるため一時的に停止されました。\n"
        "24時間以内に更新しない場合、アカウントはロックされます。\nhttps://members-desk.example/login\n")


def build(*, name: str = "会員サポート", subject: str = "【重要】アカウントが停止されました", text: str | None = LOCK,
          html: str | None = None) -> bytes:
    def word(value: str) -> str:
        return f"=?utf-8?B?{base64.b64encode(value.encode()).decode()}?="

    ctype, body = ("text/html", html) if html is not None else ("text/plain", text or "")
    return (f"Authentication-Results: {OWN_PASS}\r\nFrom: {word(name)} <info@members-desk.example>\r\n"
            f"To: me@home.example\r\nSubject: {word(subject)}\r\nDate: Mon, 30 Nov 2026 10:00:00 +0900\r\n"
            f"Message-ID: <{abs(hash((name, subject, body)))}@members-desk.example>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: {ctype}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}").encode()


DISGUISES = ["アマーゾン", "ア・マ・ゾ・ン", "Arnazon", "ᴀᴍᴀᴢᴏɴ", "\u202enozamA\u202c", "ァマゾン", "Ａ　ｍ　ａ　ｚ　ｏ　ｎ",
             "A\u200dm\u200da\u200dz\u200do\u200dn", "Am\u00adazon", "亜馬遜"]


@pytest.mark.parametrize("brand", DISGUISES)
@pytest.mark.parametrize("where", ["name", "subject", "signature"])
def test_a_disguised_brand_from_an_authenticated_stranger_is_phishing(brand: str, where: str) -> None:
    raw = build(name=f"{brand} サポート" if where == "name" else "会員サポート",
                subject=f"【{brand}】アカウントが停止されました" if where == "subject" else "【重要】アカウントが停止されました",
                text=LOCK + (f"\n{brand} カスタマーサービス\n" if where == "signature" else "\nカスタマーサービス\n"))
    _, analysis = analyse_bytes(raw, options=NO_DKIM)
    assert analysis.verdict == "phishing", analysis.reasons


@pytest.mark.parametrize("name", ["Amaozn", "Amason.co.jp", "Anazon", "Amazn"])
def test_a_display_name_one_typo_from_the_brand_is_phishing(name: str) -> None:
    _, analysis = analyse_bytes(build(name=name), options=NO_DKIM)
    assert analysis.verdict == "phishing", analysis.reasons


@pytest.mark.parametrize("brand_html", [
    "Ama<span>zon</span>", "<b>A</b><b>m</b><b>a</b><b>z</b><b>o</b><b>n</b>", 'Ama<span style="display:none">q</span>zon',
    'Ama<span style="font-size:0px">xx</span>zon', "Ama<!-- x -->zon", "Ama<wbr>zon",
    '<img src="https://members-desk.example/logo.png" alt="Amazon">',
    '<img src="https://members-desk.example/img/amazon_logo_RGB.png">',
])
def test_html_is_read_as_a_reader_sees_it(brand_html: str) -> None:
    html = (f"<html><body><div>{brand_html}</div><p>お客様のアカウントは一時的に停止されました。24時間以内に"
            '<a href="https://members-desk.example/login">こちら</a>からご確認ください。</p></body></html>')
    _, analysis = analyse_bytes(build(text=None, html=html), options=NO_DKIM)
    assert analysis.verdict == "phishing", analysis.reasons


def test_invisible_text_is_dropped_but_visible_text_kept() -> None:
    text, _, _ = extract_html('<p>vis<span style="opacity:0">hid</span>ible <span style="color:red">red</span></p>'
                              '<div style="font-size:12px">twelve</div><img alt="logo text">')
    assert text.split() == ["visible", "red", "twelve", "logo", "text"]


@pytest.mark.parametrize("body", [
    "お客様のAmazonアカウントは停止されました。24時間以内に https://members-desk.example/login から更新してください。",
    "Amazonプライムの会費のお支払いに失敗しました。https://members-desk.example/prime から更新してください。",
    "Your Amazon account has been locked. Verify it within 24 hours at https://members-desk.example/verify",
])
def test_lure_wording_about_amazon_from_an_authenticated_stranger_is_no_third_party_talk(body: str) -> None:
    _, analysis = analyse_bytes(build(text=body), options=NO_DKIM)
    assert analysis.verdict in ("phishing", "suspicious"), analysis.reasons


@pytest.mark.parametrize("body", [
    "【注意喚起】Amazonを装ったメールにご注意ください。「アカウントがロックされました」と偽サイトへ誘導します。"
    "詳しくは https://members-desk.example/info",
    "Amazon.co.jpでのカードご利用について、不審なご利用の可能性があります。ご本人確認のため"
    " https://members-desk.example/check をご確認ください。",
    "Beware of fake Amazon e-mails saying your account is locked: https://members-desk.example/security",
    "Amazonからのお荷物をお届けにあがりましたが不在のため持ち帰りました。再配達は https://members-desk.example/redeliver",
])
def test_a_third_party_warning_or_merchant_notice_stays_not_amazon(body: str) -> None:
    _, analysis = analyse_bytes(build(name="メンバーズデスク", subject="お知らせ", text=body), options=NO_DKIM)
    assert analysis.verdict == "not_amazon", analysis.reasons


def test_full_width_amazon_in_a_japanese_body_is_no_disguise() -> None:
    body = "Ａｍａｚｏｎ.co.jp をご利用いただき、ありがとうございます。ご注文の商品を発送しました。\n"
    raw = build(name="Amazon.co.jp", subject="発送のお知らせ", text=body).replace(
        b"info@members-desk.example", b"ship-confirm@amazon.co.jp").replace(
        OWN_PASS.encode(), b"mx.home.example; dkim=pass header.d=amazon.co.jp; dmarc=pass header.from=amazon.co.jp")
    _, analysis = analyse_bytes(raw, options=NO_DKIM)
    assert analysis.verdict == "genuine", analysis.reasons


def _card_notice(domain: str, auth: str | None) -> bytes:
    auth_line = f"Authentication-Results: {auth}\r\n" if auth else ""
    return (f"{auth_line}From: Amazon Mastercard <mail@contact.{domain}>\r\nTo: me@home.example\r\n"
            "Subject: =?utf-8?B?44Kr44O844OJ44GU5Yip55So44Gu44GK55+l44KJ44Gb?=\r\nDate: Mon, 30 Nov 2026 10:00:00 +0900\r\n"
            f"Message-ID: <c1@{domain}>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            f"Amazon Mastercard をご利用いただいているお客様へ。カードのご利用がありました。\r\n"
            f"ご利用内容は https://www.{domain}/login でご確認ください。\r\n").encode()


def test_a_cobranded_card_issuers_authenticated_notice_is_not_an_imitation() -> None:
    auth = ("mx.home.example; dkim=pass header.d=contact.vpass.ne.jp; spf=pass smtp.mailfrom=contact.vpass.ne.jp; "
            "dmarc=pass header.from=contact.vpass.ne.jp")
    _, analysis = analyse_bytes(_card_notice("vpass.ne.jp", auth), options=NO_DKIM)
    assert analysis.verdict == "not_amazon", analysis.reasons


@pytest.mark.parametrize(("domain", "auth"), [
    ("vpass.ne.jp", None),  # the issuer's name without its proof
    ("vpass-card.example", "mx.home.example; dkim=pass header.d=contact.vpass-card.example; "
                           "dmarc=pass header.from=contact.vpass-card.example"),  # someone else's authenticated domain
])
def test_the_cobrand_name_borrowed_without_the_issuers_proof_is_still_flagged(domain: str, auth: str | None) -> None:
    _, analysis = analyse_bytes(_card_notice(domain, auth), options=NO_DKIM)
    assert analysis.verdict in ("phishing", "suspicious"), analysis.reasons
