"""Make mail-derived text safe to show: no clickable URL, domain or address survives.

``hxxps://amaz0n-jp[.]top/signin``, ``amaz0n-jp[.]top``, ``user@evil[.]top``. URLs go through the
detector's ``lockwatch.detect.domains.defang``; bare domains, IPv4 addresses and
leftover schemes are handled here. Idempotent: defanged text passes through unchanged.
"""

from __future__ import annotations

import html
import re
import unicodedata

from lockwatch.detect.domains import defang
from lockwatch.detect.knowledge import knowledge
from lockwatch.detect.lures import plain_numbers

__all__ = ["clean", "defang_text", "defang_url"]

_URL = re.compile(r"(?i)\b(?:https?|ftp)://[^\s<>\"'）」』】]+")
# a run of dotted labels; _is_name decides whether it could be a host name (or an IPv4 address)
_DOTTED = re.compile(r"(?<![\w-])[\w-]+(?:\.[\w-]+)+")
# fullwidth, halfwidth and ideographic full stops, which IDNA reads as dots, between Latin letters or digits
_ODD_DOT = re.compile(r"(?<=[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a-])[\uff0e\uff61\u3002\u2024\ufe52\u2e33\u00b7]"
                      r"(?=[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])")
_SCHEME = re.compile(r"(?i)\b(h)tt(ps?)(?=:|%3a)|\b(f)t(p)(?=:|%3a)")
# characters that hide or reorder text (zero-width, bidi overrides), controls other than newline,
# and the Hangul fillers that show as blank space
_INVISIBLE = {"Cf", "Cc", "Co", "Cs"}
_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}


# other schemes a phone or a mail app follows: mailto:, tel:, javascript:, data:, intent://, ...
_OTHER_SCHEME = re.compile(r"(?i)\b(mailto|tel|sms|smsto|callto|facetime|skype|javascript|vbscript|data|wss?|intent"
                           r"|file|market|itms-services|itms-apps|line|whatsapp|viber|tg)(:)(?!\])")
_FULL_WIDTH_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # ｈｔｔｐｓ：／／ → https://


def _scheme(text: str) -> str:
    text = _SCHEME.sub(lambda m: f"{m[1]}xx{m[2]}" if m[1] else f"{m[3]}x{m[4]}", text)
    return _OTHER_SCHEME.sub(lambda m: f"{m[1]}[:]", text)


def _defang_numbers(text: str) -> str:
    """Phone numbers from a mail are never offered to call: the last four digits are masked (050-3187-XXXX)."""
    text = plain_numbers(text)
    if sum(ch.isdigit() for ch in text) < 9:
        return text

    def mask(m: re.Match[str]) -> str:
        number, digits = m[0], 0
        out = []
        for ch in reversed(number):
            if ch.isdigit() and digits < 4:
                out.append("X")
                digits += 1
            else:
                out.append(ch)
        return "".join(reversed(out))

    return knowledge().phone.sub(mask, text)


def _is_name(token: str) -> bool:
    """Could ``token`` (labels joined by dots) be followed as an address?

    Broader than a valid host name on purpose: a half-broken name (``login.amazon-j``,
    ``amazon.co.j``, ``www.203.0.113.77``) still reads as one. Numbers (``1.5``) and
    abbreviations of one-letter labels (``e.g``) are left alone.
    """
    labels = token.split(".")
    if labels[0].lower() == "www":  # www.0 is linked by autolinkers all the same
        return True
    if len(labels) == 4 and all(label.isdigit() and len(label) <= 3 for label in labels):
        return True
    lettered = [any(ch.isalpha() for ch in label) for label in labels]
    if lettered[-1] and any(len(label) > 1 for label in labels):
        return True
    return len(labels) >= 3 and any(lettered)


def _defang_bare(text: str) -> str:
    text = _ODD_DOT.sub(".", text)  # amazon．co。jp is amazon.co.jp to a browser
    return _scheme(_DOTTED.sub(lambda m: m[0].replace(".", "[.]") if _is_name(m[0]) else m[0], text))


def defang_url(url: str) -> str:
    """One URL from a mail, defanged."""
    return _defang_bare(defang(url))  # whatever the detector left: nested URLs in the query, bare names


def defang_text(text: str) -> str:
    """Free text from a mail (subject, names, reason details) with every URL, domain, other link scheme and
    phone number made inert; full-width Latin and HTML entities are read as what they show."""
    if "&" in text:
        text = html.unescape(text)  # https&#58;//evil&#46;top is https://evil.top to an HTML renderer
    text = text.translate(_FULL_WIDTH_ASCII)  # markup is escaped where a target renders it (lockwatch.deliver.render)
    return _defang_numbers(_defang_bare(_URL.sub(lambda m: defang_url(m[0]), text)))


def clean(text: object, limit: int = 300) -> str:
    """Mail-derived value for display: one line, no invisible characters, defanged, at most ``limit``."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = "".join(" " if ch in "\r\n\t" else ch for ch in text
                   if ch in "\r\n\t" or (unicodedata.category(ch) not in _INVISIBLE and ch not in _FILLERS))
    text = defang_text(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"
