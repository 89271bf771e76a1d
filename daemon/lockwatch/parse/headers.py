"""A header-only ``Mail`` for messages the prefilter ruled out: the few fields a record needs, fast.

Most mail is not Amazon mail; building its record from Message-ID, From, Subject and Date with a
regex is ~40,000 msg/s, where a full parse would dominate the time of a scan.
"""

from __future__ import annotations

import email.utils
import re

from lockwatch.model import Mail
from lockwatch.parse.charsets import decode_body
from lockwatch.parse.dates import mail_date
from lockwatch.parse.rawheaders import decode_words

__all__ = ["header_fields", "header_mail", "shown_value", "unfolded_text"]

_FIELD = re.compile(rb"^(message-id|from|subject|date|reply-to|return-path)[ \t]*:[ \t]*(.*(?:\r?\n[ \t].*)*)",
                    re.IGNORECASE | re.MULTILINE)
# "Name <addr>", "\"Name\" <addr>" or "addr" with no comments or quoting tricks; the rest goes to parseaddr
_ADDR = r'[^\s"<>(),;:\\@]+@[^\s"<>(),;:\\@]+'
_SIMPLE_ADDRESS = re.compile(rf'^(?:"?(?P<name>[^"<>(),;:\\]*?)"?\s*<(?P<addr>{_ADDR})>|(?P<bare>{_ADDR}))$')


def header_fields(header: bytes) -> dict[str, str]:
    """Message-ID, From, Subject, Date, Reply-To and Return-Path (first of each), decoded, lower-case keys."""
    fields: dict[str, str] = {}
    for name, value in _FIELD.findall(header):
        key = name.decode().lower()
        if key not in fields:
            fields[key] = shown_value(value)
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
                subject=fields.get("subject", ""), date=mail_date(fields.get("date")), headers=fields)


_LINE_BREAK = re.compile(rb"\r?\n")


def unfolded_text(value: bytes) -> str:
    """A raw header value unfolded, unencoded 8-bit text decoded as the full parse decodes it (UTF-8, else
    the charset its bytes show: Shift_JIS, EUC-JP …); encoded words are kept (addresses are parsed first)."""
    value = _LINE_BREAK.sub(b"", value).strip()
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return decode_body(value, None)


def shown_value(value: bytes) -> str:
    """A raw header value as a mail client shows it: ``unfolded_text`` with its encoded words decoded."""
    return decode_words(unfolded_text(value))
