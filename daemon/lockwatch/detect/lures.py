"""Lure wording: lock, deadline, verify, payment, sign-in, prize, delivery, credential requests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from lockwatch.detect.domains import fold
from lockwatch.detect.knowledge import knowledge
from lockwatch.model import Link, Mail, Reason

__all__ = ["FAMILY_TEXT", "callback_numbers", "examine_lures", "plain_numbers"]

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
    "never": "asks for what Amazon never asks by mail (a code you got, gift-card numbers, a transfer, a QR scan, a messenger)",
}


def examine_lures(mail: Mail, folded_text: str) -> list[Reason]:
    k = knowledge()
    reasons: list[Reason] = []
    haystack = fold(mail.subject) + "\n" + folded_text[:k.window("lures")]
    present: dict[str, bool] = {}  # the needed strings the haystack was found to hold, for every family
    for family, sieve in k.lures.items():  # the families with patterns, in their order
        m = _first_meant(sieve.finditer(haystack, present), k.lure_negations.get(family), haystack)
        if m:
            quote = m.group(0).strip()[:40]
            reasons.append(Reason(f"lure.{family}", f"{FAMILY_TEXT.get(family, family)} (「{quote}」)",
                                  k.weight(f"lure.{family}")))
    if not mail.subject or _JAPANESE.search(mail.subject):
        return reasons  # the language check compares an English subject with the body
    start = folded_text[:k.window("language")]
    body_ja = _JAPANESE.subn("", start)[1]  # counted without a list of the characters
    if body_ja > 50 and body_ja > _LATIN.subn("", start)[1]:
        reasons.append(Reason("text.language_mismatch", "an English subject over a Japanese body",
                              k.weight("text.language_mismatch")))
    return reasons


def _first_meant(matches: Iterator[re.Match[str]], negation: re.Pattern[str] | None, text: str) -> re.Match[str] | None:
    """The first of the matches not followed closely by a negation ("... は記載しないでください")."""
    for m in matches:
        # "do not send this code" / 「このコードを教えないでください」: the negation stands before or after
        if negation is None or not (negation.search(text[m.end():m.end() + 40])
                                    or negation.search(text[max(0, m.start() - 30):m.start()])):
            return m
    return None


_KANJI_DIGIT_CHARS = "〇一二三四五六七八九"
_NUMBER_CHARS = f"{_KANJI_DIGIT_CHARS}０-９0-9"
_NUMBER_SEPARATOR = "[ \\t\\u3000‐‑‒–—―−ー－﹣ｰ・･.()（）-]{0,2}"  # at most two between digits: linear, no line breaks
_KANJI_NUMBER = re.compile(f"[{_NUMBER_CHARS}](?:{_NUMBER_SEPARATOR}[{_NUMBER_CHARS}]){{8,}}")
_KANJI_DIGITS = str.maketrans(_KANJI_DIGIT_CHARS, "0123456789")
# each written to start with what it consumes (the look-behind moved after it, to see the same characters):
# the engine then skips straight to the characters a match can start with
_DASHES = "‐‑‒–—―−ー－﹣ｰ・･"
_DASH_BETWEEN_DIGITS = re.compile(f"[{_DASHES}](?<=[\\d)][{_DASHES}])(?=[\\d(])")
_SPACED_DIGITS = re.compile(r"\d(?<![\d ]\d)(?: \d){8,11}(?![\d])")  # 0 3 4 5 7 8 2 2 9 1


def plain_numbers(text: str) -> str:
    """Kanji digits in number-like runs made digits, and every dash between digits a hyphen."""
    if any(ch in text for ch in _KANJI_DIGIT_CHARS):
        text = _KANJI_NUMBER.sub(lambda m: m[0].translate(_KANJI_DIGITS), text)
    text = _DASH_BETWEEN_DIGITS.sub("-", text)
    return _SPACED_DIGITS.sub(lambda m: m[0].replace(" ", ""), text) if " " in text else text


def callback_numbers(folded_text: str, links: list[Link] | tuple[Link, ...] = ()) -> list[str]:
    """Phone numbers written in the mail or linked as ``tel:`` (a 'call us to cancel' scam gives one)."""
    k = knowledge()
    text = plain_numbers(folded_text[:k.window("phones")])
    found: list[str] = []
    for m in k.phone.finditer(text):
        number = next(g for g in m.groups() if g)
        before = text[max(0, m.start() - 14):m.start()]
        if any(label in before for label in k.not_phone_labels):
            continue
        digits = re.sub(r"\D", "", number)
        national = "0" + digits[2:] if number.lstrip().startswith("+81") else digits
        if national.startswith("0") and not 10 <= len(national) <= 11:
            continue
        found.append(number.strip())
    found += [unquote(link.url[4:]).strip() for link in links[:500] if link.url.lower().startswith("tel:")]
    return list(dict.fromkeys(found))[:5]
