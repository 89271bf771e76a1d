"""Realistic test mail: ordinary mail, genuine Amazon orders, Amazon phishing (the bench uses it too)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

WORDS = ["meeting", "project", "invoice", "weekend", "photos", "report", "schedule", "dinner", "garden",
         "train", "update", "notes", "family", "budget", "ticket", "museum", "recipe", "coffee", "library",
         "concert", "review", "draft", "summary"]
SENDERS = ["Alice <alice@example.org>", "News <news@shop.example.net>", "Bob <bob@mail.example>"]


def _message(frm: str, subject: str, text: str, html: str | None = None, *, to: str = "me@example.test",
             message_id: str | None = None, date: datetime | None = None,
             headers: dict[str, str] | None = None) -> bytes:
    msg = EmailMessage()
    for name, value in (headers or {}).items():
        msg[name] = value
    msg["From"], msg["To"], msg["Subject"] = frm, to, subject
    msg["Date"] = format_datetime(date or datetime.now(UTC))
    msg["Message-ID"] = message_id or make_msgid(domain=frm.rsplit("@", 1)[-1].rstrip(">"))
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes(policy=SMTP)


def ordinary(rng: random.Random | None = None, size: int = 4000) -> bytes:
    """A non-Amazon personal or newsletter mail of about ``size`` bytes (built by hand: fast for bulk)."""
    rng = rng or random.Random()
    sender = rng.choice(SENDERS)
    words = [rng.choice(WORDS) for _ in range(max(1, size // 7))]
    body = "\r\n".join(" ".join(words[i:i + 12]) for i in range(0, len(words), 12))
    head = (f"Received: from mx.example.org by mx.example.test; Mon, 23 Nov 2026 09:00:00 +0900\r\n"
            f"From: {sender}\r\nTo: me@example.test\r\n"
            f"Subject: {rng.choice(WORDS).title()} {rng.choice(WORDS)} {rng.randint(1, 999)}\r\n"
            f"Date: {format_datetime(datetime.now(UTC))}\r\nMessage-ID: <{uuid.uuid4().hex}@example.org>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 7bit\r\n")
    return f"{head}\r\n{body}\r\n".encode()


def genuine_order(order_id: str | None = None, total: int = 12800) -> bytes:
    """An Amazon.co.jp order confirmation as sent by Amazon (DKIM/SPF/DMARC pass)."""
    order_id = order_id or f"249-{random.randint(1000000, 9999999)}-{random.randint(1000000, 9999999)}"
    auth = ("mx.example.test; dkim=pass header.d=amazon.co.jp header.s=amazon201209; "
            "spf=pass smtp.mailfrom=auto-confirm@amazon.co.jp; dmarc=pass header.from=amazon.co.jp")
    url = f"https://www.amazon.co.jp/gp/css/order-details?orderId={order_id}"
    text = (f"Amazon.co.jp をご利用いただき、ありがとうございます。\n注文番号: {order_id}\n"
            f"ご請求額: ￥{total:,}\n注文の詳細: {url}\n")
    html = (f"<html><body><p>Amazon.co.jp をご利用いただき、ありがとうございます。</p>"
            f"<p>注文番号: {order_id}</p>"
            f"<p>ご請求額: ￥{total:,}</p><a href=\"{url}\">注文の詳細</a></body></html>")
    return _message("Amazon.co.jp <auto-confirm@amazon.co.jp>", f"Amazon.co.jp でのご注文 {order_id}",
                    text, html,
                    headers={"Authentication-Results": auth,
                             "Received": "from a27-1.smtp-out.amazonses.com by mx.example.test; "
                                         "Mon, 23 Nov 2026 09:00:00 +0900"})


def phishing_lock(host: str = "amaz0n-jp-login.top") -> bytes:
    """A fake "your account is locked" mail from a lookalike domain with a sign-in link."""
    url = f"https://{host}/signin?id={uuid.uuid4().hex[:8]}"
    text = ("お客様のアカウントはロックされました。"
            "24時間以内に以下のリンクからお支払い情報を更新してください。\n"
            f"{url}\nAmazon.co.jp カスタマーサービス\n")
    html = ("<html><body><p>お客様の Amazon アカウントはロックされました。</p>"
            "<p>24時間以内にお支払い情報を確認しない場合、アカウントは停止されます。</p>"
            f"<a href=\"{url}\">https://www.amazon.co.jp/signin</a></body></html>")
    auth = (f"mx.example.test; dkim=none; spf=softfail smtp.mailfrom=info@{host}; "
            f"dmarc=none header.from={host}")
    return _message(f"Amazon.co.jp <account-update@{host}>", "【重要】Amazon アカウントがロックされました",
                    text, html,
                    headers={"Authentication-Results": auth})


def mixed(count: int, amazon_share: float = 0.01, seed: int = 1) -> list[bytes]:
    """``count`` messages, ``amazon_share`` of them Amazon-looking (half genuine orders, half phishing)."""
    rng = random.Random(seed)
    every = max(1, round(1 / amazon_share)) if amazon_share else 0
    out = []
    for i in range(count):
        if every and i % every == every - 1:
            out.append(genuine_order() if (i // every) % 2 else phishing_lock())
        else:
            out.append(ordinary(rng, size=int(rng.lognormvariate(8.3, 0.8))))
    return out
