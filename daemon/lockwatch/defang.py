"""Make mail-derived text safe to show: no clickable URL, domain or address survives.

``hxxps://amaz0n-jp[.]top/signin``, ``amaz0n-jp[.]top``, ``user@evil[.]top``. URLs go through the
detector's ``lockwatch.detect.domains.defang``; bare domains, IPv4 addresses and
leftover schemes are handled here. Idempotent: defanged text passes through unchanged.
"""

from __future__ import annotations

import re
import unicodedata

from lockwatch.detect.domains import defang

__all__ = ["clean", "defang_text", "defang_url"]

_URL = re.compile(r"(?i)\b(?:https?|ftp)://[^\s<>\"'）」』】]+")
# a dotted name whose last label looks like a TLD (letters, or xn--), or an IPv4 address
_DOMAIN = re.compile(
    r"(?<![\w.-])(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:xn--[a-z0-9-]{1,59}|[^\W\d_]{2,63})(?![\w-]|\.\w)"
    r"|(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"(?i)\b(h)tt(ps?)(?=:|%3a)|\b(f)t(p)(?=:|%3a)")
# characters that hide or reorder text (zero-width, bidi overrides) and controls other than newline
_INVISIBLE = {"Cf", "Cc", "Co", "Cs"}


def _scheme(text: str) -> str:
    return _SCHEME.sub(lambda m: f"{m[1]}xx{m[2]}" if m[1] else f"{m[3]}x{m[4]}", text)


def _defang_bare(text: str) -> str:
    return _scheme(_DOMAIN.sub(lambda m: m[0].replace(".", "[.]"), text))


def defang_url(url: str) -> str:
    """One URL from a mail, defanged."""
    return _defang_bare(defang(url))  # whatever the detector left: nested URLs in the query, bare names


def defang_text(text: str) -> str:
    """Free text from a mail (subject, names, reason details) with every URL and domain defanged."""
    return _defang_bare(_URL.sub(lambda m: defang_url(m[0]), text))


def clean(text: object, limit: int = 300) -> str:
    """Mail-derived value for display: one line, no invisible characters, defanged, at most ``limit``."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = "".join(" " if ch in "\r\n\t" else ch for ch in text
                   if ch in "\r\n\t" or unicodedata.category(ch) not in _INVISIBLE)
    text = defang_text(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"
