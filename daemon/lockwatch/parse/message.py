"""Raw bytes → `Mail`: decoded headers, bodies (Japanese charsets fixed) and every link.

mail-parser does the MIME parsing; bodies are decoded here because mail-parser 4.8 leaves
7-bit ISO-2022-JP bodies undecoded and garbles Shift_JIS bodies that use CP932 characters.
"""

from __future__ import annotations

import codecs
import contextlib
import email
import email.errors
import email.parser
import email.utils
import re
import unicodedata
from email.message import Message

from lockwatch.errors import ParseError
from lockwatch.model import Link, Mail
from lockwatch.parse import charsets as japanese
from lockwatch.parse.addresses import parse_from, parse_mailbox, parse_mailbox_list
from lockwatch.parse.headers import decode_words
from lockwatch.parse.html import extract_html

japanese.install_codec_aliases()

MAX_PARTS = 200
MAX_TEXT_CHARS = 400_000
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS  # of one text part, read before decoding (a 20 MB "text" part costs no more)
MAX_LINKS = 2_000
URL_IN_TEXT = re.compile(
    r"""(?i)\b(?:https?://|www\.)[^\s<>"'()\[\]{}\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]+""")


DECODED_HEADERS = ("from", "reply-to", "return-path", "to", "subject", "message-id", "date")


_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # also the start of the UTF-32 ones


def parse(raw: bytes, *, truncated: bool = False) -> Mail:
    """Decode one message; raises ParseError when it cannot be read at all."""
    import mailparser
    from mailparser.exceptions import MailParserError

    if not raw or not raw.strip():
        raise ParseError("empty message")
    raw = raw.replace(b"\x00", b"")
    body_error = ""
    try:
        msg: Message = mailparser.parse_from_bytes(raw).message
    except (MailParserError, RecursionError) as exc:
        # a MIME tree too deep or too broken to read: the headers still tell who sent it, and a phish
        # must not slip through wrapped in 3,000 multiparts
        body_error = f"{type(exc).__name__}: {str(exc)[:200]}"
        msg = _headers_only(raw)
    except (AttributeError, TypeError, ValueError, LookupError, IndexError, KeyError, email.errors.MessageError):
        # mail-parser's own bookkeeping trips on some broken trees (a multipart without a boundary);
        # the stdlib message it would have handed over is fine
        try:
            msg = email.message_from_bytes(raw)
        except RecursionError:
            body_error, msg = "message nesting too deep to parse", _headers_only(raw)
    if not msg.keys():
        raise ParseError("no headers")
    mail = Mail(raw_size=len(raw), truncated=truncated)
    mail.headers = {k.lower(): str(v) for k, v in reversed(msg.items())}
    for key in DECODED_HEADERS:
        if key in mail.headers:
            value = _header_text(mail.headers[key])
            if "\ufffd" in value or any("\udc80" <= ch <= "\udcff" for ch in value):
                value = _raw_header(raw, key) or value  # unencoded 8-bit header: decode it ourselves
            mail.headers[key] = value
    # addresses are parsed before encoded words are decoded: a decoded word may hide "<addr>"
    sender = parse_from(_raw_values(msg, "From", raw))
    mail.from_name, mail.from_addr = sender.name, sender.address
    mail.from_candidates, mail.from_problems = sender.candidates, sender.problems
    mail.sender_addr = next((parse_mailbox(v)[1] for v in _raw_values(msg, "Sender", raw)), "")
    mail.reply_to = [b.address for v in _raw_values(msg, "Reply-To", raw) for b in parse_mailbox_list(v) if b.address]
    mail.return_path = next((parse_mailbox(v)[1] for v in _raw_values(msg, "Return-Path", raw)), "")
    mail.to = [b.address for v in _raw_values(msg, "To", raw)[:5] for b in parse_mailbox_list(v)[:50] if b.address]
    mail.subject = mail.headers.get("subject", "")
    mail.message_id = mail.headers.get("message-id", "").strip()
    mail.date = _date(mail.headers.get("date"))
    mail.received = [_unfold(v) for v in msg.get_all("Received", [])]
    mail.trace = [(k.lower(), _unfold(v)) for k, v in msg.items()[:500]
                  if k.lower() in ("received", "authentication-results")]
    mail.auth_results = [_unfold(v) for v in msg.get_all("Authentication-Results", [])]
    mail.arc_headers = [(k.lower(), _unfold(v)) for k, v in msg.items() if k.lower().startswith("arc-")]
    mail.dkim_signatures = [_unfold(v) for v in msg.get_all("DKIM-Signature", [])]
    mail.defects = [type(d).__name__ for d in getattr(msg, "defects", [])][:20]
    if body_error:
        mail.body_error = body_error
    else:
        _read_bodies(msg, mail)
    return mail


def _headers_only(raw: bytes) -> Message:
    """The header block alone (the body is not parsed, so no MIME tree can be too deep)."""
    return email.parser.BytesParser().parsebytes(raw, headersonly=True)


def _raw_values(msg: Message, name: str, raw: bytes) -> list[str]:
    """Every value of a header, unfolded, encoded words left as they are; 8-bit bytes decoded (UTF-8, CP932, EUC-JP)."""
    values = []
    raws: list[str] | None = None
    for index, value in enumerate(msg.get_all(name, [])):
        text = str(value)
        if "\ufffd" in text or any("\udc80" <= ch <= "\udcff" for ch in text):
            # unencoded 8-bit header (the stdlib hands it over as U+FFFD or surrogates): read the bytes
            raws = _raw_header_values(raw, name) if raws is None else raws
            if index < len(raws):
                text = raws[index]
            elif any("\udc80" <= ch <= "\udcff" for ch in text):
                text = decode_body(text.encode("utf-8", "surrogateescape"), None)
        values.append(_unfold(text))
    return values


def _raw_header_values(raw: bytes, name: str) -> list[str]:
    """Every value of a header straight from the raw bytes, 8-bit text decoded, encoded words kept."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    pattern = rb"(?im)^" + re.escape(name.encode()) + rb":[ \t]*(.*(?:\r?\n[ \t].*)*)"
    return [decode_body(m.group(1), None) for m in re.finditer(pattern, head)]


def _header_text(value: object) -> str:
    return _unfold(decode_words(str(value)))


def _raw_header(raw: bytes, name: str) -> str:
    """A header's (first) value decoded straight from the raw bytes (UTF-8, CP932 or EUC-JP)."""
    values = _raw_header_values(raw, name)
    return _header_text(values[0]) if values else ""


_SPACE_RUN = re.compile(r"\s+")


def _unfold(value: str) -> str:
    """Folded header → one line: a whitespace run holding a line break followed by more space is one space.

    One linear pass over whitespace runs (a pattern like ``\\s*\\r?\\n\\s+`` is quadratic on a long run of spaces).
    """
    return _SPACE_RUN.sub(lambda m: " " if "\n" in m[0][:-1] else m[0], str(value)).strip()


def _date(value: str | None):
    """The Date header as an aware datetime; None when missing, unreadable or absurd (``lockwatch.parse.dates``)."""
    from lockwatch.parse.dates import mail_date

    return mail_date(value)


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
        if ctype not in ("text/plain", "text/html") or part.get_filename():
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


# a host with a path written without a scheme ("acct-service.jp/verify"): readers type it in
BARE_URL_IN_TEXT = re.compile(r"(?i)(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.)+[a-z]{2,24}/[^\s<>\"'()\[\]{}]*")
_REFANG = (("hxxp", "http"), ("[.]", "."), ("(.)", "."), ("[:]", ":"), ("[://]", "://"))


def text_urls(text: str) -> list[str]:
    """The URLs a reader can follow or type from plain text: also full-width, defanged or scheme-less ones."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT_CHARS])
    if "hxxp" in text.lower() or "[.]" in text:
        for old, new in _REFANG:
            text = re.sub(re.escape(old), new, text, flags=re.IGNORECASE)
    urls = [m.group(0).rstrip(".,;:!?") for m in URL_IN_TEXT.finditer(text)]
    scanned = URL_IN_TEXT.sub(" ", text)
    urls += ["http://" + m.group(0).rstrip(".,;:!?") for m in BARE_URL_IN_TEXT.finditer(scanned)]
    return urls[:MAX_LINKS]


def decode_body(payload: bytes, charset: str | None, *, partial: bool = False) -> str:
    """Bytes of a text part → str, coping with missing, wrong and unknown charset labels.

    ``partial``: the bytes are a prefix cut anywhere, so a character cut at the end is dropped.
    """
    label = (charset or "").strip().strip('"').lower()
    if b"\x1b$" in payload or b"\x1b(" in payload or label.startswith("iso-2022-jp"):
        return japanese.decode_iso2022jp(payload)
    candidates: list[str] = []
    if label:
        with contextlib.suppress(LookupError, ValueError):  # ValueError: a NUL in the label
            candidates.append(codecs.lookup(label).name)
    if not payload.isascii():
        # a label of ascii/latin-1 on 8-bit Japanese text is common: try the likely ones first
        if not candidates or candidates[0] in ("ascii", "iso8859-1", "cp1252", "latin-1"):
            candidates[:0] = ["utf-8", "cp932", "euc_jp"]
        else:
            candidates += ["utf-8", "cp932", "euc_jp"]
    candidates.append("utf-8")
    for name in candidates:
        if name in ("utf-16", "utf-32") and not payload.startswith(_BOMS):
            name += "-le"  # no byte-order mark: little-endian, as senders write it (and as Python reads it whole)
        try:
            return codecs.getincrementaldecoder(name)().decode(payload, final=not partial)
        except (UnicodeError, LookupError):  # UTF-16 without a BOM raises a bare UnicodeError
            continue
    try:
        return payload.decode(candidates[0] if candidates[0] != "ascii" else "utf-8", errors="replace")
    except UnicodeError:
        return payload.decode("utf-8", errors="replace")
