"""Delivery through apprise 2.x: one long-lived ``Apprise`` object per configured URL.

Each target is sent to on its own, so a failing URL never blocks the others; success is the
truthiness of apprise's result object. A URL may hold a token, so it is never logged, stored or
shown: targets are identified by ``target_key`` (scheme + hash, stored in the outbox) and shown by
``redact`` (scheme, a host only when it is a real host name, and a short hash).
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from lockwatch.alert.format import severity_rank
from lockwatch.deliver.render import DEFAULT_BODY_MAX, FORMATS, Limits, render
from lockwatch.logs import add_url_secrets, redactor

if TYPE_CHECKING:
    from lockwatch.deliver.outbox import DeliverySummary
    from lockwatch.state.db import State

__all__ = ["DEFAULT_CTO", "DEFAULT_RTO", "Notifier", "SendResult", "Target", "deliver_pending", "redact",
           "target_key"]

log = logging.getLogger(__name__)

DEFAULT_CTO, DEFAULT_RTO = 3.0, 5.0  # seconds; a URL's own ?cto=&rto= wins
# limits apprise does not declare: UTF-8 bytes of title + body the server accepts as a message
BYTE_LIMITS = {"ntfy": 4096, "ntfys": 4096}
NOTIFY_TYPES = {"critical": "failure", "warning": "warning", "info": "info"}
_URL_IN_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*)://", re.IGNORECASE)


def _scheme(url: str) -> str:
    m = _SCHEME.match(url)
    return m[1].lower() if m else "url"


def target_key(url: str) -> str:
    """A stable key for a notify URL that reveals nothing of it: ``scheme:hash12``."""
    return f"{_scheme(url)}:{hashlib.sha256(url.encode()).hexdigest()[:12]}"


def _is_hostname(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return "." in host and all(label and len(label) < 64 for label in host.split("."))


def redact(url: str) -> str:
    """``ntfys://ntfy.sh/… #1a2b3c``: the scheme, the host when it is one, never paths, users or tokens."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:  # e.g. tgram://123:ABC/... has a token where a port would be
        host, port = "***", None
    scheme = _scheme(url)
    shown = host if _is_hostname(host) else "***" if host else ""
    if shown and port:
        shown += f":{port}"
    digest = hashlib.sha256(url.encode()).hexdigest()[:6]
    return f"{scheme}://{shown}/… #{digest}"


def _secrets(url: str) -> list[str]:
    """Every piece of ``url`` that might be a secret, longest first (to scrub from error texts)."""
    try:
        parts = urlsplit(url)
        pieces = [url, parts.netloc, parts.username or "", parts.password or "", parts.path]
        if not _is_hostname(parts.hostname or ""):
            pieces.append(parts.hostname or "")
    except ValueError:
        return [url]
    pieces += [unquote(p) for p in parts.path.split("/")]
    pieces += [v for _, v in parse_qsl(parts.query)]
    return sorted({p for p in pieces if len(p) >= 2}, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """An error text with any URL and any part of ``url`` masked."""
    for secret in _secrets(url):
        text = text.replace(secret, "***")
    return _URL_IN_TEXT.sub("<url>", text)


# apprise logs target URLs at debug level: masked at the source too, whichever handler gets the record
logging.getLogger("apprise").addFilter(redactor)


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


@dataclass(frozen=True)
class SendResult:
    key: str
    label: str
    ok: bool
    error: str | None = None


class Notifier:
    """Sends rendered alerts to configured targets; Apprise objects are made once and reused."""

    def __init__(self, targets: Iterable[Any], *, cto: float = DEFAULT_CTO, rto: float = DEFAULT_RTO,
                 verbatim: Iterable[str] | None = None) -> None:
        self.targets: dict[str, Target] = {}
        for item in targets:
            target = Target.of(item)
            self.targets.setdefault(target.key, target)
            add_url_secrets(target.url)  # apprise's own debug lines show URLs: masked in every log line
        self.cto, self.rto = cto, rto
        self._verbatim = tuple(verbatim) if verbatim is not None else None
        self._services: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def verbatim(self) -> tuple[str, ...]:
        """Official URLs that stay clickable in markdown/HTML (the brand's help pages)."""
        if self._verbatim is None:
            from lockwatch.alert.playbooks import brand_help

            self._verbatim = tuple(u for mp in ("jp", "en") for u in brand_help(mp).official_urls)
        return self._verbatim

    def _service(self, target: Target) -> tuple[Any, Any] | None:
        """(Apprise object, plugin) for ``target``, built on first use; None when the URL is unusable."""
        with self._lock:
            if target.key in self._services:
                return self._services[target.key]
            import apprise

            plugin = apprise.Apprise.instantiate(target.url, tag=list(target.tags) or None)
            service = None
            if plugin is not None:
                query = {k.lower() for k, _ in parse_qsl(urlsplit(target.url).query)}
                if "cto" not in query and hasattr(plugin, "socket_connect_timeout"):
                    plugin.socket_connect_timeout = self.cto
                if "rto" not in query and hasattr(plugin, "socket_read_timeout"):
                    plugin.socket_read_timeout = self.rto
                obj = apprise.Apprise()
                if obj.add(plugin):
                    service = (obj, plugin)
            self._services[target.key] = service
            return service

    def limits(self, target: Target) -> Limits:
        service = self._service(target)
        if service is None:
            return Limits()
        plugin = service[1]
        body = int(getattr(plugin, "body_maxlen", 0) or 0)
        scheme = _scheme(target.url)
        return Limits(body=min(body, DEFAULT_BODY_MAX) if body > 0 else DEFAULT_BODY_MAX,
                      title=int(getattr(plugin, "title_maxlen", 250)), total_bytes=BYTE_LIMITS.get(scheme))

    def _format(self, target: Target, plugin: Any) -> str:
        """The format to render in: the configured one, but markdown when the service would show
        plain text as markdown anyway (so mail-derived text is escaped)."""
        try:
            resolved = str(getattr(plugin.resolve_format(target.format), "value", target.format))
        except (AttributeError, ValueError, TypeError):
            return target.format
        return "markdown" if resolved == "markdown" else target.format

    def send(self, key: str, alert: Mapping[str, Any]) -> SendResult:
        """Send one alert ({title, body, severity, kind}) to one target."""
        target = self.targets.get(key)
        if target is None:
            return SendResult(key, key, False, "target no longer configured")
        service = self._service(target)
        if service is None:
            return SendResult(key, target.label, False, "not a usable apprise URL (unknown scheme or syntax)")
        obj, plugin = service
        fmt = self._format(target, plugin)
        title, body = render(str(alert.get("title", "")), str(alert.get("body", "")), fmt,
                             self.limits(target), self.verbatim)
        notify_type = "success" if alert.get("kind") == "health_up" else \
            NOTIFY_TYPES.get(str(alert.get("severity")), "info")
        try:
            result = obj.notify(body=body, title=title, body_format=fmt, notify_type=notify_type)
        except Exception as exc:  # apprise should not raise; a plugin bug must not stop the others
            error = scrub(f"{type(exc).__name__}: {exc}", target.url)[:300]
            return SendResult(key, target.label, False, error)
        try:
            if result:
                return SendResult(key, target.label, True)
            return SendResult(key, target.label, False, self._error(result, target))
        finally:
            close = getattr(result, "close", None)
            if callable(close):
                close()

    @staticmethod
    def _error(result: Any, target: Target) -> str:
        status = getattr(getattr(result, "status", None), "name", "FAILURE").lower()
        messages: list[str] = []
        with contextlib.suppress(AttributeError, TypeError):
            messages = [e.message for e in result.logs() if e.level in ("WARNING", "ERROR", "CRITICAL")]
        detail = f"{status}: {messages[-1]}" if messages else status
        return scrub(detail, target.url)[:300]

    def send_all(self, alert: Mapping[str, Any], *, respect_severity: bool = True) -> list[SendResult]:
        """One alert to every target (that wants its severity); each target on its own."""
        return [self.send(key, alert) for key, target in self.targets.items()
                if not respect_severity or target.wants(str(alert.get("severity", "info")))]


# -- the seam for `lockwatch scan` / the daemon -------------------------------------------------
_notifiers: dict[tuple[Any, ...], Notifier] = {}
_notifiers_lock = threading.Lock()


def notifier_for(settings: Any) -> Notifier:
    """The long-lived Notifier for a config (``Config`` or its ``notify`` section), reused per URL set."""
    section = getattr(settings, "notify", settings)
    targets = [Target.of(t) for t in getattr(section, "urls", ()) or ()]
    signature = tuple((t.url, t.min_severity, t.tags, t.format) for t in targets)
    with _notifiers_lock:
        if signature not in _notifiers:
            _notifiers[signature] = Notifier(targets)
        return _notifiers[signature]


def give_up_after(settings: Any) -> float:
    """``[notify] give_up_after`` in seconds (default 3 days)."""
    from lockwatch.deliver.outbox import DEFAULT_GIVE_UP

    value = getattr(getattr(settings, "notify", settings), "give_up_after", None)
    seconds = getattr(value, "total_seconds", lambda: value)()
    return float(seconds) if isinstance(seconds, int | float) and seconds > 0 else DEFAULT_GIVE_UP


def deliver_pending(state: State, settings: Any) -> DeliverySummary:
    """Push every alert that is due to every configured URL (called after each scan pass)."""
    from lockwatch.deliver.outbox import deliver_pending as deliver

    summary = deliver(state, notifier_for(settings), give_up_after=give_up_after(settings))
    if summary.sent or summary.failed or summary.gave_up:
        log.info("notify: %s", summary.line())
    return summary
