"""Notify targets and their identity: a URL may hold a token, so it is never logged, stored or shown.

A target is stored as ``target_key`` (scheme + hash of the URL: the outbox's name for it), shown as
``redact`` (scheme, the host when it is a real host name, a short hash), and every error text about
it passes ``scrub`` (the URL's secret parts, as ``logs.url_secrets`` finds them, and any URL masked).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lockwatch.alert.format import severity_rank
from lockwatch.deliver.render import FORMATS
from lockwatch.errors import ERROR_TEXT_MAX
from lockwatch.logs import MASK, is_hostname, url_secrets

__all__ = ["Target", "redact", "scheme", "scrub", "target_key"]

SCRUB_MIN_PART = 2  # an error text names its own URL: even short path pieces and values are masked there
_URL_IN_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*)://", re.IGNORECASE)


def scheme(url: str) -> str:
    """The URL's scheme in lower case (``url`` when it has none)."""
    m = _SCHEME.match(url)
    return m[1].lower() if m else "url"


def _digest(url: str, length: int) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:length]


def target_key(url: str) -> str:
    """A stable key for a notify URL that reveals nothing of it: ``scheme:hash12``."""
    return f"{scheme(url)}:{_digest(url, 12)}"


def redact(url: str) -> str:
    """``ntfys://ntfy.sh/… #1a2b3c``: the scheme, the host when it is one, never paths, users or tokens."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:  # e.g. tgram://123:ABC/... has a token where a port would be
        host, port = "***", None
    shown = host if is_hostname(host) else "***" if host else ""
    if shown and port:
        shown += f":{port}"
    return f"{scheme(url)}://{shown}/… #{_digest(url, 6)}"


def scrub(text: str, url: str) -> str:
    """An error text about ``url`` with every secret part of it and any URL masked, cut to the stored length."""
    for secret in url_secrets(url, min_part=SCRUB_MIN_PART):
        text = text.replace(secret, MASK)
    return _URL_IN_TEXT.sub("<url>", text)[:ERROR_TEXT_MAX]


@dataclass
class Target:
    """One configured notify URL (the URL itself is kept out of repr)."""

    url: str = field(repr=False)
    min_severity: str = "info"
    tags: tuple[str, ...] = ()
    format: str = "text"
    key: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        self.key = self.key or target_key(self.url)
        self.label = self.label or redact(self.url)
        if self.format not in FORMATS:
            self.format = "text"

    def wants(self, severity: str) -> bool:
        return severity_rank(severity) >= severity_rank(self.min_severity)

    @classmethod
    def of(cls, item: Any) -> Target:
        """From a config ``NotifyTarget``, a URL string or a table {url, min_severity, tags, format}."""
        if isinstance(item, Target):
            return item
        if isinstance(item, str):
            return cls(item)
        get = item.get if isinstance(item, Mapping) else lambda k, d=None: getattr(item, k, d)
        return cls(str(get("url")), get("min_severity", "info") or "info", tuple(get("tags", ()) or ()),
                   get("format", "text") or "text")
