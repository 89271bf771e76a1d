"""Lure wording: lock, deadline, verify, payment, sign-in, prize, delivery, credential requests."""

from __future__ import annotations

import re

from lockwatch.detect.domains import fold
from lockwatch.detect.knowledge import knowledge
from lockwatch.model import Mail, Reason

LURE_WINDOW = 8_000  # lures sit near the top; scanning all of a long mail costs more than it finds
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
FAMILY_TEXT = {
    "lock": "says the account is locked or suspended",
    "deadline": "pushes a deadline",
    "verify": "asks you to verify or update account details",
    "payment": "claims a payment problem",
    "signin": "claims a suspicious sign-in",
    "prize": "promises a prize or reward",
    "delivery": "claims a parcel problem or fee",
    "refund": "asks you to confirm or collect a refund",
    "credentials": "asks for a password, the full card number or its security code (Amazon only ever asks for the last 4 digits)",
}


def examine_lures(mail: Mail, folded_text: str) -> list[Reason]:
    k = knowledge()
    reasons: list[Reason] = []
    haystack = fold(mail.subject) + "\n" + folded_text[:LURE_WINDOW]
    for family, pattern in k.lures.items():
        if pattern is None:
            continue
        m = _first_meant(pattern, k.lure_negations.get(family), haystack)
        if m:
            quote = m.group(0).strip()[:40]
            reasons.append(Reason(f"lure.{family}", f"{FAMILY_TEXT.get(family, family)} (「{quote}」)",
                                  k.weight(f"lure.{family}")))
    subject_ja = bool(_JAPANESE.search(mail.subject))
    body_ja = len(_JAPANESE.findall(folded_text[:5000]))
    body_latin = len(_LATIN.findall(folded_text[:5000]))
    if mail.subject and not subject_ja and body_ja > 50 and body_ja > body_latin:
        reasons.append(Reason("text.language_mismatch", "an English subject over a Japanese body",
                              k.weight("text.language_mismatch")))
    return reasons


def _first_meant(pattern: re.Pattern[str], negation: re.Pattern[str] | None, text: str) -> re.Match[str] | None:
    """The first match not followed closely by a negation ("... は記載しないでください")."""
    for m in pattern.finditer(text):
        if negation is None or not negation.search(text[m.end():m.end() + 40]):
            return m
    return None


def callback_numbers(folded_text: str) -> list[str]:
    """Phone numbers written in the mail (a 'call us to cancel' scam gives one)."""
    return list(dict.fromkeys(m.group(1) for m in knowledge().phone.finditer(folded_text)))[:5]
