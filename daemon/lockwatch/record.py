"""The contract record: analysis → the JSON message object, one JSON line of it, and the dedupe keys.

The human-readable form for the terminal is ``lockwatch.commands.terminal``'s.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import datetime
from typing import Any

from lockwatch.clock import sane
from lockwatch.model import Analysis, Mail

__all__ = ["DATE_TEXT_MAX", "KEY_ID_MAX", "dedupe_key", "json_line", "legacy_key", "message_record", "poison_record",
           "split_header", "storable"]

log = logging.getLogger(__name__)

DATE_TEXT_MAX = 100


def _record_date(moment: datetime | None) -> str | None:
    """A mail's date for the record; None when it is missing or absurd (year 9999, a zone 23:59 away)."""
    moment = sane(moment)
    return moment.isoformat() if moment else None


def message_record(source: str, mail: Mail | None, analysis: Analysis) -> dict[str, Any]:
    """The contract's JSON message object; ``date_header`` keeps a Date that could not be used, as text."""
    record: dict[str, Any] = {
        "type": "message",
        "source": source,
        "message_id": mail.message_id if mail else "",
        "from": mail.from_header if mail else "",
        "subject": mail.subject if mail else "",
        "date": _record_date(mail.date) if mail else None,
        "amazon_like": analysis.amazon_like,
        "verdict": analysis.verdict,
        "kind": analysis.kind,
        "score": analysis.score,
        "reasons": [{"code": r.code, "detail": r.detail} for r in analysis.reasons],
        "links": [{"url": f.url, "host": f.host, "verdict": f.verdict} for f in analysis.links],
        "order": analysis.order.as_json() if analysis.order and analysis.verdict == "genuine" else None,
    }
    if mail and record["date"] is None and (stated := mail.headers.get("date")):
        record["date_header"] = " ".join(str(stated)[:400].split())[:DATE_TEXT_MAX]  # absurd or unreadable: as text
    if analysis.parse_error:
        record["parse_error"] = analysis.parse_error
    if analysis.security_event:
        record["security_event"] = analysis.security_event
    if analysis.lock_event:
        record["lock_event"] = analysis.lock_event
    return record


def storable(value: Any) -> Any:
    """``value`` with every string storable (lone surrogates replaced) and only JSON types left."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {str(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return storable(str(value))


def poison_record(source: str, error: str, record: dict[str, Any] | None = None) -> dict[str, Any]:
    """A ``parse_error`` record: what ``record`` already said (made storable), or a bare one for ``source``."""
    base: dict[str, Any] = {"type": "message", "source": source, "message_id": "", "from": "", "subject": "",
                            "date": None, "amazon_like": False, "verdict": "not_amazon", "kind": None, "score": 0,
                            "reasons": [], "links": [], "order": None}
    try:
        base.update(storable(record or {}))
    except Exception:  # a record too odd even to copy: the bare one
        log.debug("%s: record dropped for its parse_error record", source)
    base["parse_error"] = error
    return base



_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_line(obj: Any) -> str:
    """``obj`` as JSON on exactly one line, also for readers that split on U+0085/U+2028/U+2029
    (``str.splitlines``): a mail's subject may carry those, and JSON leaves them unescaped. A lone
    surrogate (which no UTF-8 stream can write) is escaped too."""
    text = json.dumps(obj, ensure_ascii=False)
    if "\x85" in text or "\u2028" in text or "\u2029" in text:  # translate costs ~70 µs on a record, these 0.1
        text = text.translate(_LINE_BREAKS)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", text) if _SURROGATE.search(text) else text


# the header fields that say what a mail is (sender, subject, date and how its body reads); trace
# fields added on the way (Received, Authentication-Results ...) are left out
_CONTENT_FIELD = re.compile(rb"^(?:from|sender|reply-to|subject|date|content-type|content-transfer-encoding)"
                            rb"[ \t]*:.*(?:\r?\n[ \t].*)*", re.IGNORECASE | re.MULTILINE)
KEY_ID_MAX = 200  # characters of the Message-ID kept readable in a key (the digest covers all of it)


def split_header(raw: bytes) -> bytes:
    """The header block of a message, up to and including the blank line."""
    ends = [end + len(sep) for sep in (b"\r\n\r\n", b"\n\n") if (end := raw.find(sep)) != -1]
    return raw[: min(ends)] if ends else raw


def legacy_key(mail: Mail | None, raw: bytes) -> str:
    """The key of lockwatch 1 (schema version < 3): the Message-ID, or a digest of the header block."""
    if mail and mail.message_id:
        return mail.message_id
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return "sha256:" + hashlib.sha256(head).hexdigest()[:32]


def dedupe_key(mail: Mail | None, raw: bytes, *, header_only: bool = False) -> str:
    """What makes two messages the same mail: the Message-ID (or header digest) plus a digest of the
    content — From, Sender, Reply-To, Subject, Date and MIME type fields as written, and the body when it
    was read (``header_only``: the prefilter ruled it out, ``raw`` is its header block alone).

    A copy in another folder or a second fetch has the same key; a mail reusing a Message-ID with another
    sender, subject or body does not.
    """
    ident = legacy_key(mail, raw)
    head = split_header(raw)
    digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass"))
    for m in _CONTENT_FIELD.finditer(head):
        digest.update(b"\0" + b" ".join(m[0].split()))  # unfolded, whitespace runs as one space
    if header_only:
        digest.update(b"\0header-only")
    else:
        digest.update(b"\0body\0" + hashlib.sha256(raw[len(head):].replace(b"\r\n", b"\n").rstrip()).digest())
    return f"{ident[:KEY_ID_MAX]} {digest.hexdigest()[:32]}"
