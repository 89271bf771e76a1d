"""Genuine Amazon.co.jp mail for the takeover / lock timelines of test_burst.py (header style of the corpus)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

ME = "taro.yamada@home.example"


def _mail(frm: str, subject: str, text: str, at: datetime, *, domain: str = "amazon.co.jp",
          genuine: bool = True) -> bytes:
    msg = EmailMessage()
    sender_domain = frm.rsplit("@", 1)[-1].rstrip(">")
    if genuine:
        msg["Authentication-Results"] = (
            f"mx.home.example; dkim=pass header.d={domain} header.s=rjrygo4nkzl2kjrxzbqz3wtxtdl2uhxr; "
            f"spf=pass smtp.mailfrom=bounces@bounces.{domain}; dmarc=pass header.from={domain}")
    else:
        msg["Authentication-Results"] = (f"mx.home.example; dkim=none; spf=softfail smtp.mailfrom=info@{sender_domain};"
                                         f" dmarc=none header.from={sender_domain}")
    arrival = at + timedelta(seconds=5)
    msg["Received"] = (f"from a27-224.smtp-out.us-west-2.amazonses.com (a27-224.smtp-out.us-west-2.amazonses.com "
                       f"[54.240.27.224]) by mx.home.example (Postfix) with ESMTPS id 8646A16B5E21 for <{ME}>; "
                       f"{format_datetime(arrival.astimezone(UTC))}")
    msg["Date"] = format_datetime(at.astimezone(UTC))
    msg["From"], msg["To"], msg["Subject"] = frm, ME, subject
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@email.amazonses.com>"
    msg.set_content(text)
    return msg.as_bytes(policy=SMTP)


def order_id() -> str:
    return f"250-{random.randint(1000000, 9999999)}-{random.randint(1000000, 9999999)}"


def order(at: datetime, oid: str | None = None, total: int = 12800, item: str = "Anker PowerCore 10000") -> bytes:
    oid = oid or order_id()
    text = (f"山田 太郎 様\n\nご注文ありがとうございます。商品の発送準備が整いましたらお知らせいたします。\n\n"
            f"注文番号: {oid}\n\n{item}\n数量: 1\n\n注文合計: ￥{total:,}\n\n"
            f"https://www.amazon.co.jp/gp/css/order-details?orderID={oid}\n")
    return _mail('"Amazon.co.jp" <auto-confirm@amazon.co.jp>', f'注文済み: "{item}"', text, at)


def gift_card(at: datetime, total: int, oid: str | None = None) -> bytes:
    oid = oid or order_id()
    text = (f"山田 太郎 様\n\nAmazonギフトカードをご購入いただきありがとうございます。\n\n注文番号: {oid}\n"
            f"ギフトカードタイプ: Eメールタイプ\n受取人: gc.receive.0417@proton.me\n金額: ￥{total:,}\n\n"
            f"ご請求額: ￥{total:,}\n\nhttps://www.amazon.co.jp/gp/css/order-details?orderID={oid}\n")
    return _mail("Amazonギフトカード <gc-orders@gc.email.amazon.co.jp>", f"Amazonギフトカードのご注文 (注文番号 {oid})",
                 text, at, domain="gc.email.amazon.co.jp")


def password_changed(at: datetime) -> bytes:
    text = ("山田 太郎 様\n\nお客様の Amazon アカウントのパスワードが変更されました。\n"
            "この変更に心当たりがない場合は、直ちにカスタマーサービスまでご連絡ください。\n")
    return _mail('"Amazon.co.jp" <account-update@amazon.co.jp>', "Amazon.co.jp: パスワードが変更されました", text, at)


def lock_notice(at: datetime) -> bytes:
    text = ("山田 太郎 様\n\nAmazon.co.jp をご利用いただき、ありがとうございます。\n\n"
            "ご注文の商品を出荷するにあたり、お客様のお支払い情報を確認する必要があります。\n"
            "以下の情報を記載のうえ、このEメールにご返信ください。\n"
            "・カードの明細書（カード番号の下4桁のみ表示）\n・請求先の氏名と住所\n・電話番号\n\n"
            "アカウントスペシャリスト\nAmazon.co.jp\n")
    return _mail('"Amazon.co.jp" <address-verification@amazon.co.jp>', "ご利用の Amazon.co.jp でのご注文を出荷できません",
                 text, at)


def reinstated(at: datetime) -> bytes:
    text = ("山田 太郎 様\n\nご利用の Amazon.co.jp アカウントを再開いたしました。\n"
            "お支払い情報を確認できなかったご注文はキャンセルされました。\n\nAmazon.co.jp\n")
    return _mail('"Amazon.co.jp" <no-reply@amazon.co.jp>', "ご利用の Amazon.co.jp アカウントを再開いたしました", text, at)


def phishing_order(at: datetime, total: int = 39800) -> bytes:
    oid = order_id()
    text = (f"山田 太郎 様\n\nご注文ありがとうございます。\n注文番号: {oid}\n注文合計: ￥{total:,}\n"
            f"ご注文に心当たりがない場合は、24時間以内に以下からキャンセルしてください。\n"
            f"https://amazon-co-jp.order-cancel.top/signin?id={oid}\n")
    return _mail('"Amazon.co.jp" <auto-confirm@amazon-co-jp.order-cancel.top>', f'注文済み: "iPhone 17 Pro" {oid}',
                 text, at, genuine=False)


def newsletter(at: datetime, n: int) -> bytes:
    """Unrelated sign-up / newsletter mail (an e-mail bomb is many of these from many senders)."""
    msg = EmailMessage()
    msg["Received"] = f"from mx.example.org by mx.home.example; {format_datetime(at.astimezone(UTC))}"
    msg["Date"] = format_datetime(at.astimezone(UTC))
    msg["From"] = f"News {n} <welcome@list{n}.example.org>"
    msg["To"], msg["Subject"] = ME, f"Welcome to our newsletter #{n}"
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@list{n}.example.org>"
    msg.set_content("Thanks for subscribing. Confirm your subscription on our site.\n")
    return msg.as_bytes(policy=SMTP)
