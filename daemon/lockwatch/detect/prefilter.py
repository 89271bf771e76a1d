"""Header-only test used before fetching bodies: could this message concern Amazon?"""

from __future__ import annotations

import email.utils
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32

from lockwatch.detect.brand import names_brand
from lockwatch.detect.domains import domain_in, fold
from lockwatch.detect.knowledge import knowledge
from lockwatch.detect.sender import lookalike_reason

_RISKY_KINDS = ("account_lock", "security", "payment", "gift_card")


def _decoded(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except (ValueError, LookupError, UnicodeError):
        return str(value)


def looks_relevant(header_bytes: bytes) -> bool:
    from lockwatch import japanese

    japanese.install_codec_aliases()
    k = knowledge()
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(header_bytes)
    except Exception:  # unreadable headers: let the full analysis decide
        return True
    sender = _decoded(headers.get("From"))
    subject = _decoded(headers.get("Subject"))
    _name, addr = email.utils.parseaddr(sender)
    if not addr and not subject:
        return True
    fields = [sender, subject, _decoded(headers.get("Reply-To")), str(headers.get("Return-Path") or "")]
    if any(names_brand(f) for f in fields):
        return True
    domain = addr.rpartition("@")[2]
    if domain and (domain_in(domain, k.sender_domains) or lookalike_reason(domain)):
        return True
    folded = fold(subject)
    if any(p is not None and p.search(folded) for p in k.lures.values()):
        return True
    return any(rule.kind in _RISKY_KINDS and rule.subject is not None and rule.subject.search(folded)
               for rule in k.kind_rules)
