"""Header-only test used before fetching bodies: could this message concern Amazon?"""

from __future__ import annotations

import email.utils

from lockwatch.detect.brand import names_brand
from lockwatch.detect.domains import domain_in, fold
from lockwatch.detect.knowledge import knowledge
from lockwatch.detect.sender import lookalike_reason

_RISKY_KINDS = ("account_lock", "security", "payment", "gift_card")


def looks_relevant(header_bytes: bytes) -> bool:
    """True unless neither sender, names, subject nor Reply-To/Return-Path could concern Amazon."""
    from lockwatch import japanese
    from lockwatch.headers import header_fields

    japanese.install_codec_aliases()
    k = knowledge()
    fields = header_fields(header_bytes)
    sender, subject = fields.get("from", ""), fields.get("subject", "")
    if not sender and not subject:
        return True  # nothing to judge by: let the full analysis decide
    if any(names_brand(fields.get(name, "")) for name in ("from", "subject", "reply-to", "return-path")):
        return True
    addr = email.utils.parseaddr(sender)[1]
    domain = addr.rpartition("@")[2].lower()
    if domain and (domain_in(domain, k.sender_domains) or lookalike_reason(domain)):
        return True
    folded = fold(subject)
    if any(p is not None and p.search(folded) for p in k.lures.values()):
        return True
    return any(rule.kind in _RISKY_KINDS and rule.subject is not None and rule.subject.search(folded)
               for rule in k.kind_rules)
