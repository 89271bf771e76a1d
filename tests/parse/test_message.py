"""Parsing: Japanese charsets the way real mail sends them, links with their shown text."""

from __future__ import annotations

from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from lockwatch.parse.charsets import decode_body
from lockwatch.parse.message import parse


def _raw(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode() + b"\r\n" + body


def test_iso2022jp_body_sent_7bit_is_decoded():
    body = "ご注文ありがとうございます。".encode("iso2022_jp")
    raw = _raw("From: a@example.jp\nSubject: =?ISO-2022-JP?B?GyRCQ21KOBsoQg==?=\nMIME-Version: 1.0\n"
               "Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n", body)
    mail = parse(raw)
    assert mail.text.strip() == "ご注文ありがとうございます。"
    assert mail.subject == "注文"


def test_iso2022jp_with_nec_row13_characters():
    # ① is NEC row 13 (JIS 0x2D21): not in plain ISO-2022-JP, common in real Japanese mail
    data = b"\x1b$B-!\x1b(B item"
    assert decode_body(data, "iso-2022-jp") == "① item"


def test_shift_jis_label_with_cp932_characters():
    text = "①ノート ㈱ツバメ 髙橋 ～"
    assert decode_body(text.encode("cp932"), "Shift_JIS") == text
    assert decode_body(text.encode("cp932"), "windows-31j") == text


def test_euc_jp_and_mislabelled_charsets():
    text = "お届け予定日"
    assert decode_body(text.encode("euc_jp"), "euc-jp") == text
    assert decode_body(text.encode("utf-8"), "iso-8859-1") == text
    assert decode_body(text.encode("cp932"), "x-unknown-charset") == text


def test_links_with_shown_text_forms_and_image_links():
    msg = MIMEMultipart("alternative")
    msg["From"] = '"Amazon.co.jp" <x@example.top>'
    msg["Subject"] = "test"
    msg.attach(MIMEText("see https://plain.example.com/path and www.other.example/x", "plain", "utf-8"))
    msg.attach(MIMEText(
        '<a href="https://evil.example.top/signin">https://www.amazon.co.jp/</a>'
        '<a href="https://img.example.net/x"><img src="https://m.media-amazon.com/logo.png" alt=""></a>'
        '<form action="https://collect.example.cn/post"><input name="cc"></form>', "html", "utf-8"))
    mail = parse(msg.as_bytes())
    by_url = {link.url: link for link in mail.links}
    assert by_url["https://evil.example.top/signin"].shown == "https://www.amazon.co.jp/"
    assert by_url["https://img.example.net/x"].origin == "img-link"
    assert by_url["https://collect.example.cn/post"].origin == "form"
    assert "https://plain.example.com/path" in by_url and "www.other.example/x" in by_url
    assert mail.images == ["https://m.media-amazon.com/logo.png"]
    assert mail.from_name == "Amazon.co.jp" and mail.from_addr == "x@example.top"


def test_url_in_text_class_reads_the_same_as_a_case_insensitive_one():
    import re
    import sys

    from lockwatch.parse.message import URL_IN_TEXT

    written = URL_IN_TEXT.pattern.partition(")")[2]  # the character class after the scheme
    exact, folded = re.compile(written), re.compile("(?i)" + written)
    assert not [cp for cp in range(sys.maxunicode + 1) if bool(exact.match(chr(cp))) != bool(folded.match(chr(cp)))]
    assert [m[0] for m in URL_IN_TEXT.finditer("see HTTPS://Amazon.CO.JP/x and Www.Example.COM\u3000ok")] == [
        "HTTPS://Amazon.CO.JP/x", "Www.Example.COM"]


def test_a_text_part_that_names_a_file_is_not_the_body():
    for header in ('Content-Type: text/plain; NAME="a.txt"', "Content-Type: text/plain\nContent-Disposition: attachment;"
                   " filename*0*=utf-8''b.txt", 'Content-Type: text/plain; name*0="c.txt"'):
        raw = _raw('From: a@example.jp\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n',
                   f"--b\nContent-Type: text/plain\n\nbody\n--b\n{header}\n\nfile\n--b--\n".replace("\n", "\r\n").encode())
        assert parse(raw).text.strip() == "body", header
