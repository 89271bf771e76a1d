"""Done-when check on a real Dovecot: one folder seeded with poison (a year-9999 Date, a 2 MB header with broken
MIME, a phish reusing a harmless mail's Message-ID, a phish that speaks as Amazon only in its body) among
ordinary mail. `lockwatch scan` exits 0, reports every mail once, flags every phish, and finds nothing new
the second time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime

from conftest import alerts, imap_account, messages, write_config
from support import burstmail, mailgen
from support.dovecot import Dovecot, User

SHARED_ID = "<20261201.lunch.42@mail.example>"


def received(moment: datetime | None = None) -> str:
    return f"Received: from mx.example.org by mx.home.example; {format_datetime(moment or datetime.now(UTC))}\r\n"


def plain(frm: str, subject: str, body: str, *, message_id: str, date: str | None = None,
          extra: str = "") -> bytes:
    """A text/plain mail as a user's server stores it (a fresh Received on top)."""
    head = (f"{received()}{extra}From: {frm}\r\nTo: taro.yamada@home.example\r\n"
            f"Subject: {Header(subject, 'utf-8').encode()}\r\nDate: {date or format_datetime(datetime.now(UTC))}\r\n"
            f"Message-ID: {message_id}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n")
    return f"{head}\r\n{body}\r\n".encode()


def harmless() -> bytes:
    return plain("Hanako Suzuki <hanako@mail.example>", "金曜日のランチ", "金曜日は12時に駅前でどうですか。",
                 message_id=SHARED_ID)


def id_reusing_phish() -> bytes:
    body = ("Amazon.co.jp をご利用いただきありがとうございます。\r\n"
            "お客様のアカウントはロックされました。24時間以内に以下のリンクからお支払い情報を確認してください。\r\n"
            "https://amaz0n-secure.top/ap/signin?id=8841\r\nAmazon.co.jp カスタマーサービス")
    return plain("Amazon.co.jp <info@amaz0n-secure.top>", "【重要】Amazon アカウントがロックされました", body,
                 message_id=SHARED_ID)


def body_only_phish() -> bytes:
    body = ("Amazon.co.jp をご利用いただきありがとうございます。お客様のアカウントは一時的に停止されました。\r\n"
            "ご利用を再開するには、24時間以内に下記よりお客様情報をご確認ください。\r\n"
            "https://kanri-center.example/amazon/verify?session=5521\r\n")
    return plain("サポートセンター <support@kanri-center.example>", "【重要】アカウントに関するお知らせ", body,
                 message_id="<k-5521@kanri-center.example>")


def year_9999_order() -> bytes:
    """A genuine-looking order confirmation whose Date is year 9999 at -12:00 (year 10000 in UTC)."""
    raw = burstmail.order(datetime.now(UTC) - timedelta(minutes=2))
    return re.sub(rb"(?im)^Date:[^\r\n]*", b"Date: Fri, 31 Dec 9999 23:59:59 -1200", raw, count=1)


def parse_hostile() -> bytes:
    """A 2 MB header block over a multipart body with no boundary and parts nested 2,000 deep."""
    filler = "".join(f"X-Filler-{n}: {'a' * 70}\r\n" for n in range(25_000))
    head = (f"{received()}{filler}From: \"Amazon.co.jp\" <security@amaz0n-jp-alert.top>\r\n"
            "To: taro.yamada@home.example\r\nSubject: Amazon: unusual sign-in\r\n"
            f"Date: {format_datetime(datetime.now(UTC))}\r\nMessage-ID: <hostile-1@amaz0n-jp-alert.top>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n")
    nested = "".join(f"--b{n}\r\nContent-Type: multipart/mixed; boundary=\"b{n + 1}\"\r\n\r\n" for n in range(2000))
    return (head + "\r\n" + nested + "https://amaz0n-jp-alert.top/verify\r\n").encode()


def test_one_poison_folder_is_read_to_the_end_once(tmp_path, dovecot: Dovecot, user: User, lockwatch) -> None:
    mails = [mailgen.ordinary(), harmless(), mailgen.ordinary(), year_9999_order(), id_reusing_phish(),
             mailgen.ordinary(), body_only_phish(), parse_hostile(), mailgen.ordinary()]
    assert len(mails[7]) > 2_000_000
    dovecot.append(user, mails)
    config = write_config(tmp_path, [imap_account(dovecot, user)])

    done = lockwatch("scan", "--json", "--no-notify", "-c", str(config), timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    found = messages(done.stdout)
    assert [m["source"] for m in found] == [f"home/INBOX/{uid}" for uid in range(1, len(mails) + 1)]  # each once
    by_uid = {int(m["source"].rsplit("/", 1)[1]): m for m in found}
    assert by_uid[2]["verdict"] == "not_amazon" and by_uid[2]["message_id"] == SHARED_ID
    assert by_uid[4]["date"] is None and by_uid[4]["date_header"].startswith("Fri, 31 Dec 9999")
    assert by_uid[4]["verdict"] == "genuine"  # judged on arrival: an order, not a poison
    assert by_uid[5]["message_id"] == SHARED_ID and by_uid[5]["verdict"] in ("phishing", "suspicious")  # not deduped
    assert by_uid[8]["verdict"] in ("phishing", "suspicious") or by_uid[8].get("parse_error")
    flagged = {uid for uid, m in by_uid.items() if m["verdict"] in ("phishing", "suspicious")}
    assert {1, 3, 6, 9}.isdisjoint(flagged)
    raised = alerts(done.stdout)
    assert SHARED_ID in {i for a in raised for i in a["message_ids"]}  # the reused Message-ID was alerted
    assert by_uid[7]["verdict"] in ("phishing", "suspicious"), by_uid[7]  # speaks as Amazon in its body only

    again = lockwatch("scan", "--json", "--no-notify", "-c", str(config), timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert messages(again.stdout) == [] and alerts(again.stdout) == []
