"""A header-only ``Mail`` for messages the prefilter ruled out: the few fields a record needs, fast.

Most mail is not Amazon mail; building its record from Message-ID, From, Subject and Date with a
regex is ~40,000 msg/s, where a full parse would dominate the time of a scan.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import quopri
import re

from lockwatch.model import Mail
from lockwatch.parse.dates import mail_date

__all__ = ["decode_words", "header_fields", "header_mail"]

_FIELD = re.compile(rb"^(message-id|from|subject|date|reply-to|return-path)[ \t]*:[ \t]*(.*(?:\r?\n[ \t].*)*)",
                    re.IGNORECASE | re.MULTILINE)
# "Name <addr>", "\"Name\" <addr>" or "addr" with no comments or quoting tricks; the rest goes to parseaddr
_ADDR = r'[^\s"<>(),;:\\@]+@[^\s"<>(),;:\\@]+'
_SIMPLE_ADDRESS = re.compile(rf'^(?:"?(?P<name>[^"<>(),;:\\]*?)"?\s*<(?P<addr>{_ADDR})>|(?P<bare>{_ADDR}))$')
_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?\s]*)\?=")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")


def header_fields(header: bytes) -> dict[str, str]:
    """Message-ID, From, Subject, Date, Reply-To and Return-Path (first of each), decoded, lower-case keys."""
    fields: dict[str, str] = {}
    for name, value in _FIELD.findall(header):
        key = name.decode().lower()
        if key not in fields:
            fields[key] = _decode(re.sub(rb"\r?\n", b"", value).strip())
    return fields


def header_mail(header: bytes) -> Mail:
    """The fields of a message record (Message-ID, From, Subject, Date) from a header, fast."""
    fields = header_fields(header)
    simple = _SIMPLE_ADDRESS.match(fields.get("from", ""))
    if simple:
        from_name, from_addr = simple["name"] or "", simple["addr"] or simple["bare"]
    else:
        try:
            from_name, from_addr = email.utils.parseaddr(fields.get("from", ""))
        except RecursionError:  # the stdlib parses nested comments recursively: "(" * 600 is a poison From
            from_name, from_addr = "", ""
    return Mail(message_id=fields.get("message-id", ""), from_name=from_name, from_addr=from_addr,
                subject=fields.get("subject", ""), date=mail_date(fields.get("date")), raw_size=len(header), headers=fields)


def _decode(value: bytes) -> str:
    return decode_words(value.decode("utf-8", "replace"))


def decode_words(text: str) -> str:
    """``text`` with its RFC 2047 encoded words decoded, tolerating what the stdlib refuses.

    Broken base64, unknown or lying charset labels and words split inside a character all decode
    as far as they can; whitespace between adjacent words goes, as the RFC says.
    """
    if "=?" not in text:
        return text
    out: list[str] = []
    pending: list[bytes] = []
    label = ""
    last = 0

    def flush() -> None:
        if pending:
            from lockwatch.parse.message import decode_body

            # partial: a word cut inside a character loses that character, not its charset
            out.append(decode_body(b"".join(pending), label or None, partial=True))
            pending.clear()

    for m in _WORD.finditer(text):
        gap = text[last:m.start()]
        if gap and not (pending and gap.isspace()):
            flush()
            out.append(gap)
        charset = m[1].partition("*")[0]  # RFC 2231 language suffix: utf-8*ja
        if pending and charset.lower() != label.lower():
            flush()
        label = charset
        pending.append(_word_bytes(m[2], m[3]))
        last = m.end()
    flush()
    out.append(text[last:])
    return "".join(out)


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding in "qQ":
        return quopri.decodestring(payload.encode("utf-8", "surrogateescape"), header=True)
    data = _NOT_BASE64.sub("", payload.partition("=")[0])
    data = data[: len(data) - (len(data) % 4 == 1)]  # a lone trailing character carries no byte
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return b""
