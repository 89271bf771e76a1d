"""Raw bytes → `Mail`: decoded headers, bodies (Japanese charsets fixed) and every link.

One stdlib parse per message (``email.message_from_bytes``, compat32 policy: headers come back as the raw
strings, so nothing is decoded twice and an unencoded 8-bit header is recognisable and read from the bytes
here). Bodies are decoded here, not by the stdlib: 7-bit ISO-2022-JP bodies and Shift_JIS bodies that use
CP932 characters need ``lockwatch.parse.charsets``. mail-parser, whose full parse lockwatch used to run only
to keep this same compat32 ``Message``, is not called (it stays a declared dependency, for attachments).
"""

from __future__ import annotations

import email
import email.parser
import re
import unicodedata
from email.message import Message
from typing import Any

from lockwatch.errors import ParseError
from lockwatch.model import Link, Mail
from lockwatch.parse.addresses import parse_from, parse_mailbox, parse_mailbox_list
from lockwatch.parse.charsets import decode_body
from lockwatch.parse.dates import mail_date
from lockwatch.parse.html import extract_html
from lockwatch.parse.rawheaders import garbled, header_text, raw_header, raw_values, unfold

__all__ = ["BARE_URL_IN_TEXT", "DECODED_HEADERS", "MAX_LINKS", "MAX_PARTS", "MAX_TEXT_BYTES", "MAX_TEXT_CHARS",
           "URL_IN_TEXT", "parse", "text_urls"]

MAX_PARTS = 200
MAX_TEXT_CHARS = 400_000
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS  # of one text part, read before decoding (a 20 MB "text" part costs no more)
MAX_LINKS = 2_000
# case-insensitive in the scheme only: the class means the same either way (every code point tested), and a
# case-insensitive class this wide costs ~2 ms more to compile at every start
URL_IN_TEXT = re.compile(
    r"""\b(?i:https?://|www\.)[^\s<>"'()\[\]{}\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]+""")


DECODED_HEADERS = ("from", "reply-to", "return-path", "to", "subject", "message-id", "date")
TOO_DEEP = "RecursionError: message nesting too deep to parse"


def parse(raw: bytes, *, truncated: bool = False) -> Mail:
    """Decode one message; raises ParseError when it cannot be read at all."""
    if not raw or not raw.strip():
        raise ParseError("empty message")
    raw = raw.replace(b"\x00", b"")
    body_error = ""
    try:
        msg: Message = email.message_from_bytes(raw)
    except RecursionError:
        # a MIME tree too deep to read: the headers still tell who sent it, and a phish must not slip
        # through wrapped in 3,000 multiparts
        body_error, msg = TOO_DEEP, _headers_only(raw)
    if not msg.keys():
        raise ParseError("no headers")
    mail = Mail(truncated=truncated)
    items = msg.items()  # each call renders every header again: once is enough
    named: dict[str, list[Any]] = {}
    for k, v in items:
        named.setdefault(k.lower(), []).append(v)
    mail.headers = {k.lower(): str(v) for k, v in reversed(items)}
    for key in DECODED_HEADERS:
        if key in mail.headers:
            value = header_text(mail.headers[key])
            if garbled(value):
                value = raw_header(raw, key) or value  # unencoded 8-bit header: decode it ourselves
            mail.headers[key] = value
    # addresses are parsed before encoded words are decoded: a decoded word may hide "<addr>"
    sender = parse_from(raw_values(named.get("from", []), "From", raw))
    mail.from_name, mail.from_addr = sender.name, sender.address
    mail.from_candidates, mail.from_problems = sender.candidates, sender.problems
    mail.sender_addr = next((parse_mailbox(v)[1] for v in raw_values(named.get("sender", []), "Sender", raw)), "")
    mail.reply_to = [b.address for v in raw_values(named.get("reply-to", []), "Reply-To", raw)
                     for b in parse_mailbox_list(v) if b.address]
    mail.return_path = next((parse_mailbox(v)[1] for v in raw_values(named.get("return-path", []), "Return-Path", raw)),
                            "")
    mail.subject = mail.headers.get("subject", "")
    mail.message_id = mail.headers.get("message-id", "").strip()
    mail.date = mail_date(mail.headers.get("date"))
    mail.received = [unfold(v) for v in named.get("received", [])]
    mail.trace = [(k.lower(), unfold(v)) for k, v in items[:500] if k.lower() in ("received", "authentication-results")]
    mail.auth_results = [unfold(v) for v in named.get("authentication-results", [])]
    mail.arc_headers = [(k.lower(), unfold(v)) for k, v in items if k.lower().startswith("arc-")]
    mail.dkim_signatures = [unfold(v) for v in named.get("dkim-signature", [])]
    mail.defects = [type(d).__name__ for d in getattr(msg, "defects", [])][:20]
    if not body_error:
        try:
            _read_bodies(msg, mail)
        except RecursionError:  # parsed, but too deep to walk
            body_error = TOO_DEEP
            mail.text = mail.html = mail.html_text = ""
            mail.links, mail.images = [], []
    mail.body_error = body_error
    return mail


def _headers_only(raw: bytes) -> Message:
    """The header block alone (the body is not parsed, so no MIME tree can be too deep)."""
    return email.parser.BytesParser().parsebytes(raw, headersonly=True)


def _read_bodies(msg: Message, mail: Mail) -> None:
    texts: list[str] = []
    htmls: list[str] = []
    for count, part in enumerate(msg.walk()):
        if count >= MAX_PARTS:
            mail.defects.append("TooManyParts")
            break
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype not in ("text/plain", "text/html") or _names_a_file(part):
            continue
        try:
            payload = part.get_payload(decode=True) or b""
        except (ValueError, TypeError, AssertionError):
            mail.defects.append("BadPayload")
            continue
        body = decode_body(payload[:MAX_TEXT_BYTES], part.get_content_charset(), partial=len(payload) > MAX_TEXT_BYTES)
        (htmls if ctype == "text/html" else texts).append(body[:MAX_TEXT_CHARS])
        if mail.truncated:
            break
    mail.text = "\n".join(texts)
    mail.html = "\n".join(htmls)
    links: list[Link] = []
    html_text = ""
    if mail.html:
        html_text, html_links, mail.images = extract_html(mail.html)
        links.extend(html_links)
        mail.html_text = html_text[:MAX_TEXT_CHARS]
    if not mail.text:
        mail.text = html_text
    links.extend(Link(url=url, origin="text") for url in text_urls(mail.text))
    seen: set[tuple[str, str, str]] = set()
    for link in links:
        key = (link.url, link.shown, link.origin)
        if key not in seen:
            seen.add(key)
            mail.links.append(link)
            if len(mail.links) >= MAX_LINKS:
                mail.defects.append("TooManyLinks")
                break


def _names_a_file(part: Message) -> bool:
    """``part.get_filename()`` is set; asked only when a header can name a file, as get_param parses every parameter.

    A file is named by a Content-Disposition parameter or a ``name`` one of the Content-Type (lower-cased by the
    stdlib, and no other character lower-cases to one of those letters)."""
    if "name" not in str(part.get("content-type", "")).lower() and "content-disposition" not in part:
        return False
    return bool(part.get_filename())


# a host with a path written without a scheme ("acct-service.jp/verify"): readers type it in
BARE_URL_IN_TEXT = re.compile(r"(?i)(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.)+[a-z]{2,24}/[^\s<>\"'()\[\]{}]*")
_REFANG = (("hxxp", "http"), ("[.]", "."), ("(.)", "."), ("[:]", ":"), ("[://]", "://"))


def text_urls(text: str) -> list[str]:
    """The URLs a reader can follow or type from plain text: also full-width, defanged or scheme-less ones."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT_CHARS])
    if "hxxp" in text.lower() or "[.]" in text:
        for old, new in _REFANG:
            text = re.sub(re.escape(old), new, text, flags=re.IGNORECASE)
    urls: list[str] = []
    rest: list[str] = []  # the text between the URLs: URL_IN_TEXT.sub(" ", text) from the same one scan
    pos = 0
    for m in URL_IN_TEXT.finditer(text):
        urls.append(m.group(0).rstrip(".,;:!?"))
        rest.append(text[pos:m.start()])
        pos = m.end()
    rest.append(text[pos:])
    scanned = " ".join(rest)
    if "/" in scanned:  # a bare URL has one after its host
        urls += ["http://" + m.group(0).rstrip(".,;:!?") for m in BARE_URL_IN_TEXT.finditer(scanned)]
    return urls[:MAX_LINKS]


