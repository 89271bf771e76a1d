"""What an Amazon-looking message is about, and the order it confirms."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from lockwatch.detect.domains import fold, registered_domain
from lockwatch.detect.knowledge import knowledge
from lockwatch.model import Mail, Order

__all__ = ["classify", "extract_order", "malformed_order_numbers", "marketplace_currency"]

_GAP_CHARS = " \t"  # between sign and number, on one line (NFKC has made no-break spaces plain ones)
# 1,249 / 1.249 / 1 249 / 1'249 / ١٬٢٤٩ (one separator throughout), 1,29,999 (Indian), 1249; then
# a decimal part of one or two digits (.00 ,00 ٫٠٠). Three digits after the last separator are thousands.
_NUMBER = (r"(?<![\d.,٫٬])(?P<int>\d{1,3}(?P<sep>[,. '’٬])\d{3}(?:(?P=sep)\d{3})*"
           r"|\d{1,2}(?:,\d{2})+,\d{3}|\d+)(?:[.,٫](?P<frac>\d{1,2}))?(?![\d])")
_NUMBER_RE = re.compile(_NUMBER)


def classify(mail: Mail, folded_text: str) -> str:
    k = knowledge()
    subject = fold(mail.subject)
    has_order_number = bool(k.order_id.search(subject + "\n" + folded_text) or k.order_label.search(folded_text))
    for rule in k.kind_rules:
        if rule.subject is not None and rule.subject.search(subject):
            if rule.kind in ("order", "shipping") and k.other_subject and k.other_subject.search(subject):
                return "other"
            if rule.kind == "order" and not has_order_number:
                return "other"
            return rule.kind
    if k.other_subject and k.other_subject.search(subject):
        return "other"
    local = mail.from_addr.partition("@")[0]
    for kind, locals_ in k.brand["senders"].items():
        if local in locals_ and kind not in ("security", "account_lock"):
            return kind
    if has_order_number:
        return "order"
    for rule in k.kind_rules:
        if rule.body is not None and rule.body.search(folded_text[:knowledge().window("body")]):
            return rule.kind
    return "other"


@functools.cache
def _signs() -> dict[str, tuple[str | None, frozenset[str]]]:
    """Folded sign → (its own currency or None, the currencies it may stand for on their marketplace)."""
    k = knowledge()
    shared = {fold(s): frozenset(codes) for s, codes in k.brand["orders"].get("shared_signs", {}).items()}
    own = {fold(s): code for s, code in k.currencies.items()}
    return {s: (own.get(s), shared.get(s, frozenset())) for s in own.keys() | shared.keys()}


def _spaced_letter(ch: str) -> bool:
    """A letter of a script written with spaces between words (not 円 or 元, which sit against the text)."""
    return ch.isalpha() and unicodedata.east_asian_width(ch) not in ("W", "F")


@functools.cache
def _sign_lengths() -> tuple[int, ...]:
    """The lengths of the signs, longest first (so "R$" is tried before "$")."""
    return tuple(sorted({len(s) for s in _signs()}, reverse=True))


def _stands_alone(text: str, start: int, end: int) -> bool:
    """A sign that starts or ends in a letter of a spaced script is a word of its own ("aed199" and
    "199 aed" are amounts, "krona" is no "kr")."""
    sign = text[start:end]
    return not ((_spaced_letter(sign[0]) and start and text[start - 1].isalpha())
                or (_spaced_letter(sign[-1]) and end < len(text) and text[end].isalpha()))


def _sign_before(text: str, end: int) -> str | None:
    """The longest sign ending right before ``end`` (spaces between allowed)."""
    while end and text[end - 1] in _GAP_CHARS:
        end -= 1
    for n in _sign_lengths():
        if n <= end and text[end - n:end].casefold() in _signs() and _stands_alone(text, end - n, end):
            return text[end - n:end]
    return None


def _sign_after(text: str, start: int) -> str | None:
    """The longest sign starting right after ``start`` (spaces between allowed), unless a number follows
    it: then it is that number's sign ("Quantity: 1 AED 199.00")."""
    while start < len(text) and text[start] in _GAP_CHARS:
        start += 1
    for n in _sign_lengths():
        end = start + n
        if end <= len(text) and text[start:end].casefold() in _signs() and _stands_alone(text, start, end):
            rest = text[end:end + 8].lstrip(_GAP_CHARS)
            return None if rest[:1].isdecimal() else text[start:end]
    return None


def marketplace_currency(mail: Mail) -> str | None:
    """The currency of the marketplace the From domain writes for ([marketplaces]), None if unknown."""
    domain = registered_domain(mail.from_addr.rpartition("@")[2]) if "@" in mail.from_addr else ""
    return knowledge().brand.get("marketplaces", {}).get(domain)


def _currency(sign: str | None, local: str | None) -> str | None:
    """The ISO code ``sign`` stands for in mail of the marketplace whose currency is ``local``."""
    if not sign:
        return None
    own, shared = _signs().get(fold(sign), (None, frozenset()))
    return local if local in shared else own


def _value(match: re.Match[str]) -> float:
    """The number's value: separators dropped, any script's digits (Arabic-Indic too) read as digits."""
    def digits(part: str) -> str:
        return "".join(str(unicodedata.decimal(ch)) for ch in part if ch.isdecimal())

    frac = match.group("frac")
    return float(digits(match.group("int")) + ("." + digits(frac) if frac else ""))


def _amounts(text: str, local: str | None) -> Iterator[tuple[float, str]]:
    """Every number in ``text`` with a currency sign before it or, failing that, after it."""
    for m in _NUMBER_RE.finditer(text):
        currency = _currency(_sign_before(text, m.start()), local) or _currency(_sign_after(text, m.end()), local)
        if currency:
            yield _value(m), currency


def _total(text: str, local: str | None = None) -> tuple[float | None, str | None]:
    """The grand total after the most specific total label, else the largest amount with a currency."""
    k = knowledge()
    lowered = text.lower()
    for written in k.brand["orders"]["total_labels"]:
        label = fold(written)
        start = 0
        best = None
        while True:
            pos = lowered.find(label, start)
            if pos < 0:
                break
            window = text[pos + len(label): pos + len(label) + 60]
            best = next(_amounts(window, local), best)
            start = pos + len(label)
        if best:
            return best
    return max(_amounts(text[:knowledge().window("body")], local), default=(None, None))


def extract_order(mail: Mail, kind: str, folded_text: str) -> Order | None:
    """The order a genuine order / gift-card confirmation is about."""
    if kind not in ("order", "gift_card"):
        return None
    k = knowledge()
    text = folded_text
    ids = [i.upper() for i in k.order_id.findall(fold(mail.subject) + "\n" + text)]
    if not ids:
        return None
    total, currency = _total(text, marketplace_currency(mail))
    words = k.brand["orders"]
    subject_and_text = fold(mail.subject) + " " + text[:knowledge().window("kind_words")]
    gift = kind == "gift_card" or any(w in subject_and_text for w in words["gift_card_words"])
    digital = ids[0].startswith("D") or any(w in subject_and_text for w in words["digital_words"])
    items = tuple(_items(mail))
    return Order(id=ids[0], total=total, currency=currency, gift_card=gift, items=items, digital=digital)


def _items(mail: Mail) -> list[str]:
    """Item names: quoted in the subject, bulleted in the body, or the line above a quantity."""
    quoted = re.findall(r"[「\"“](.{2,80}?)[」\"”]", mail.subject)
    if quoted:
        return [q.strip().rstrip("…").strip() for q in quoted][:5]
    lines = [ln.strip() for ln in mail.text.splitlines()[:400]]
    items: list[str] = []
    for i, line in enumerate(lines):
        bullet = re.match(r"^[*・•]\s*(.{2,100})$", line)
        if bullet:
            items.append(bullet.group(1).strip())
        elif re.match(r"(?i)^(数量|qty|quantity|menge)\s*[:：]", line) and i and lines[i - 1]:
            items.append(lines[i - 1][:100])
    return list(dict.fromkeys(items))[:5]


def malformed_order_numbers(folded_text: str) -> list[str]:
    """Order numbers after an 'order number' label that do not have Amazon's shape."""
    k = knowledge()
    bad = []
    for m in k.order_label.finditer(folded_text[:k.window("body")]):
        candidate = m.group(1).strip("-")
        if not k.order_id.fullmatch(candidate) and re.search(r"\d{2,}-\d", candidate):
            bad.append(candidate)
    return bad[:3]
