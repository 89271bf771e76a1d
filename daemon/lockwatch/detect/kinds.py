"""What an Amazon-looking message is about, and the order it confirms."""

from __future__ import annotations

import re

from lockwatch.detect.domains import fold
from lockwatch.detect.knowledge import knowledge
from lockwatch.model import Mail, Order

_AMOUNT = re.compile(  # case-insensitive: the text it reads is case-folded
    r"(?P<pre>US\$|CDN\$|CA\$|A\$|[￥¥$£€₹]|JPY|USD|GBP|EUR|CAD|AUD|INR)?\s*"
    r"(?P<num>\d{1,3}(?:[,.\s]\d{3})+(?:[.,]\d{2})?|\d+(?:[.,]\d{2})?)\s*(?P<post>円|JPY|USD|GBP|EUR|€)?", re.IGNORECASE)


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
        if rule.body is not None and rule.body.search(folded_text[:20000]):
            return rule.kind
    return "other"


def _amount(match: re.Match[str]) -> tuple[float, str] | None:
    k = knowledge()
    sign = match.group("pre") or match.group("post")
    if not sign:
        return None
    currency = k.currencies.get(sign.strip()) or k.currencies.get(sign.strip().upper())
    if not currency:
        return None
    num = match.group("num").replace(" ", "")
    if currency == "JPY":
        num = re.sub(r"[.,]", "", num)
    elif re.search(r",\d{2}$", num):  # 19,99 (EUR style)
        num = num.replace(".", "").replace(",", ".")
    else:
        num = num.replace(",", "")
    try:
        return float(num), currency
    except ValueError:
        return None


def _total(text: str) -> tuple[float | None, str | None]:
    k = knowledge()
    lowered = text.lower()
    for label in k.brand["orders"]["total_labels"]:
        start = 0
        best = None
        while True:
            pos = lowered.find(label, start)
            if pos < 0:
                break
            window = text[pos + len(label): pos + len(label) + 60]
            for m in _AMOUNT.finditer(window):
                got = _amount(m)
                if got:
                    best = got
                    break
            start = pos + len(label)
        if best:
            return best
    amounts = [a for a in (_amount(m) for m in _AMOUNT.finditer(text[:20000])) if a]
    if amounts:
        return max(amounts)
    return None, None


def extract_order(mail: Mail, kind: str, folded_text: str) -> Order | None:
    """The order a genuine order / gift-card confirmation is about."""
    if kind not in ("order", "gift_card"):
        return None
    k = knowledge()
    text = folded_text
    ids = [i.upper() for i in k.order_id.findall(fold(mail.subject) + "\n" + text)]
    if not ids:
        return None
    total, currency = _total(text)
    words = k.brand["orders"]
    subject_and_text = fold(mail.subject) + " " + text[:5000]
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
    for m in k.order_label.finditer(folded_text[:20000]):
        candidate = m.group(1).strip("-")
        if not k.order_id.fullmatch(candidate) and re.search(r"\d{2,}-\d", candidate):
            bad.append(candidate)
    return bad[:3]
