"""'Genuine' needs proof; brand claims the attacker cannot dodge (katakana, speaking as Amazon)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from lockwatch.detect import DetectOptions, analyse_bytes

NO_DKIM = DetectOptions(dkim_verify=False)
AMAZON_PASS = ("mx.home.example; spf=pass smtp.mailfrom=bounces.amazon.co.jp; dkim=pass header.d=amazon.co.jp; "
               "dmarc=pass header.from=amazon.co.jp")
ORDER_BODY = ("Amazon.co.jp をご利用いただき、ありがとうございます。\nご注文番号: 250-1234567-7654321\n"
              "Amazonギフトカード(Eメールタイプ) 50,000円\n注文合計: ￥50,000\n"
              "https://www.amazon.co.jp/gp/css/order-history\n")


def build(frm: str, subject: str, body: str, *, auth: str | None = None, html: bool = False) -> bytes:
    auth_line = f"Authentication-Results: {auth}\r\n" if auth else ""
    subject_word = f"=?utf-8?B?{base64.b64encode(subject.encode()).decode()}?="
    ctype = "text/html" if html else "text/plain"
    return (f"{auth_line}From: {frm}\r\nTo: me@home.example\r\nSubject: {subject_word}\r\n"
            f"Date: Mon, 30 Nov 2026 10:00:00 +0900\r\nMessage-ID: <{abs(hash((frm, subject, body)))}@x.example>\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: {ctype}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            f"{body}").encode()


# --- genuine needs proof ---------------------------------------------------------------------------
def test_an_unproven_amazon_order_may_look_genuine_but_never_counts() -> None:
    _, analysis = analyse_bytes(build("Amazon.co.jp <auto-confirm@amazon.co.jp>", "Amazon.co.jp ご注文の確認",
                                      ORDER_BODY), options=NO_DKIM)
    assert analysis.verdict == "genuine" and not analysis.verified
    assert "auth.unverified" in {r.code for r in analysis.reasons}


def test_the_same_order_proven_counts() -> None:
    _, analysis = analyse_bytes(build("Amazon.co.jp <auto-confirm@amazon.co.jp>", "Amazon.co.jp ご注文の確認",
                                      ORDER_BODY, auth=AMAZON_PASS), options=NO_DKIM)
    assert analysis.verdict == "genuine" and analysis.verified and analysis.order is not None


@pytest.mark.parametrize("body", [
    "ご注文ありがとうございます。注文番号 250-1234567-7654321 合計 ￥39,800\nご注文に心当たりがない場合は"
    " 050-5555-0123 までお電話ください。\n",
    "Your Amazon.com order of Apple iPhone 15 Pro has been placed. Total: $1,299.00\n"
    "If you did not make this purchase call our fraud desk at +1 (808) 555-0142 immediately.\n",
    "Amazon Prime membership renewal failed. To cancel the renewal of $139.00 dial 1-844-555-0199 now.\n",
])
def test_an_unproven_amazon_from_with_a_callback_number_is_phishing(body: str) -> None:
    for frm in ("Amazon.co.jp <auto-confirm@amazon.co.jp>", "Amazon.com <auto-confirm@amazon.com>"):
        _, analysis = analyse_bytes(build(frm, "Amazon order confirmation", body), options=NO_DKIM)
        assert analysis.verdict == "phishing", analysis.reasons
        assert "lure.callback" in {r.code for r in analysis.reasons}


def test_an_unproven_amazon_from_with_a_foreign_link_is_at_least_suspicious() -> None:
    body = "お客様のアカウント情報を更新してください。\nhttps://secure-update.example/jp\n"
    _, analysis = analyse_bytes(build("Amazon.co.jp <account-update@amazon.co.jp>", "アカウント情報の更新", body),
                                options=NO_DKIM)
    assert analysis.verdict in ("suspicious", "phishing"), analysis.reasons


def test_an_unproven_amazon_from_asking_for_card_data_is_phishing() -> None:
    body = "お支払い情報を確認するため、カード番号を全桁とセキュリティコードをご返信ください。\n"
    _, analysis = analyse_bytes(build("Amazon.co.jp <account-update@amazon.co.jp>", "お支払い方法の確認", body),
                                options=NO_DKIM)
    assert analysis.verdict == "phishing", analysis.reasons


@pytest.mark.parametrize("text", [
    "ギフトメッセージ: 至急 050-5555-0177 にお電話ください",
    "Seller message: to finish your refund call +1 (808) 555-0190",
    "Hello CALL 1-888-555-0144 TO CANCEL, your order has been placed.",
])
def test_proven_amazon_mail_carrying_a_foreign_number_is_at_least_suspicious(text: str) -> None:
    body = ORDER_BODY + text + "\n"
    _, analysis = analyse_bytes(build("Amazon.co.jp <gc-orders@amazon.co.jp>", "Amazon.co.jp ご注文の確認", body,
                                      auth=AMAZON_PASS), options=NO_DKIM)
    assert analysis.verdict in ("suspicious", "phishing"), analysis.reasons
    assert not analysis.verified and analysis.order is None


def test_amazons_own_numbers_are_no_reason() -> None:
    body = ORDER_BODY + "カスタマーサービス: 0120-899-190 / 050-3032-2207\n"
    _, analysis = analyse_bytes(build("Amazon.co.jp <auto-confirm@amazon.co.jp>", "Amazon.co.jp ご注文の確認", body,
                                      auth=AMAZON_PASS), options=NO_DKIM)
    assert analysis.verdict == "genuine" and analysis.verified, analysis.reasons


def test_an_unproven_order_never_raises_a_takeover(tmp_path) -> None:
    from lockwatch.pipeline import Processor
    from lockwatch.state.db import State

    state = State(tmp_path / "s.db")
    processor = Processor(state, options=NO_DKIM, push=False)
    now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    alerts = []
    for i in range(5):
        raw = build("Amazon.co.jp <auto-confirm@amazon.co.jp>", "Amazon.co.jp ご注文の確認",
                    ORDER_BODY.replace("7654321", f"765432{i}"))
        raw = raw.replace(b"Mon, 30 Nov 2026 10:00:00 +0900", now.encode())
        done = processor.process("home", f"x/{i}", raw)
        alerts += done.alerts if done else []
    assert not [a for a in alerts if a["kind"] in ("takeover", "account_lock")], alerts


# --- brand claims the attacker cannot dodge ----------------------------------------------------------
@pytest.mark.parametrize("brand", ["アマゾン", "アマゾンプライム", "ｱﾏｿﾞﾝ", "あまぞん", "ア マ ゾ ン", "Ａｍａｚｏｎ"])
@pytest.mark.parametrize("where", ["name", "subject", "body"])
def test_kana_and_width_forms_of_the_brand_are_a_claim(brand: str, where: str) -> None:
    name = f"{brand} サポート" if where == "name" else "サポートセンター"
    subject = f"【{brand}】アカウントが一時停止されました" if where == "subject" else "アカウントが一時停止されました"
    body = (f"{brand if where == 'body' else ''}をご利用のお客様\nお客様のアカウントは一時停止されました。\n"
            "24時間以内に本人確認を完了してください。\nhttps://kanri-center.example/login\n")
    _, analysis = analyse_bytes(build(f"{name} <info@kanri-center.example>", subject, body), options=NO_DKIM)
    assert analysis.verdict == "phishing", analysis.reasons


OWN_PASS = ("mx.home.example; spf=pass smtp.mailfrom=shop-notice.example; dkim=pass header.d=shop-notice.example; "
            "dmarc=pass header.from=shop-notice.example")


@pytest.mark.parametrize("body", [
    "Amazon.co.jp をご利用いただき、ありがとうございます。\nお客様のアカウントの確認が必要です。\n"
    "https://www.shop-notice.example/confirm\n",
    "いつもアマゾンをご利用いただき誠にありがとうございます。\nお支払い方法を更新してください。\n"
    "https://shop-notice.example/pay\n\nAmazon.co.jp カスタマーサービス\n",
    "Hello,\nThank you for shopping with Amazon.\nWe could not process your last payment.\n"
    "https://shop-notice.example/billing\n\nRegards,\nAmazon Customer Service\n",
    "Dear customer,\nplease review the recent activity on your account.\nhttps://shop-notice.example/review\n\n"
    "Amazon Account Security\nCopyright © 2026, Amazon.com, Inc. or its affiliates.\n",
    "Sehr geehrter Kunde,\nvielen Dank für Ihren Einkauf bei Amazon. Bitte bestätigen Sie Ihre Zahlungsdaten.\n"
    "https://shop-notice.example/de\n\nIhr Amazon-Team\n",
])
def test_speaking_as_amazon_from_an_authenticated_foreign_domain_is_phishing(body: str) -> None:
    _, analysis = analyse_bytes(build("Customer Center <notice@shop-notice.example>", "Important notice", body,
                                      auth=OWN_PASS), options=NO_DKIM)
    assert analysis.verdict == "phishing", analysis.reasons
    assert "body.speaks_as_brand" in {r.code for r in analysis.reasons}


@pytest.mark.parametrize("body", [
    "【注意喚起】Amazonを装ったフィッシングメールにご注意ください。\n「アカウントがロックされました」などと"
    "記載し、偽サイトへ誘導します。当行からのお知らせは https://www.shop-notice.example/info をご覧ください。\n",
    "Amazon.co.jp でのカードご利用のお知らせ\nご利用金額: 3,980円\nご利用先: AMAZON.CO.JP\n"
    "詳しくは https://www.shop-notice.example/meisai をご確認ください。\n",
    "Beware of fake Amazon mails that say your account is locked. Amazon customer service never asks for your "
    "password. More: https://www.shop-notice.example/security\n",
])
def test_a_third_party_that_mentions_amazon_is_not_an_imitation(body: str) -> None:
    _, analysis = analyse_bytes(build("Shop Notice Bank <info@shop-notice.example>", "セキュリティのお知らせ", body,
                                      auth=OWN_PASS), options=NO_DKIM)
    assert analysis.verdict == "not_amazon", analysis.reasons
