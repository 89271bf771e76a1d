"""Sending through apprise 2.x: one long-lived ``Apprise`` object per configured URL.

Each target is sent to on its own, so a failing URL never blocks the others; success is the
truthiness of apprise's result object. Targets are named by their key and label only
(``deliver.targets``); apprise's own log lines are masked at the source once a Notifier exists.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lockwatch.alert.playbooks import brand_help
from lockwatch.deliver.render import DEFAULT_BODY_MAX, Limits, render
from lockwatch.deliver.targets import Target, scheme, scrub
from lockwatch.logs import add_url_secrets, guard_logger
from lockwatch.model import TITLE_MAX

__all__ = ["DEFAULT_CTO", "DEFAULT_RTO", "Notifier", "SendResult"]

DEFAULT_CTO, DEFAULT_RTO = 3.0, 5.0  # seconds; a URL's own ?cto=&rto= wins
# limits apprise does not declare: UTF-8 bytes of title + body the server accepts as a message
BYTE_LIMITS = {"ntfy": 4096, "ntfys": 4096}
NOTIFY_TYPES = {"critical": "failure", "warning": "warning", "info": "info"}


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
        guard_logger("apprise")  # apprise logs target URLs at debug level, whichever handler gets them
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
        return Limits(body=min(body, DEFAULT_BODY_MAX) if body > 0 else DEFAULT_BODY_MAX,
                      title=int(getattr(plugin, "title_maxlen", TITLE_MAX)),
                      total_bytes=BYTE_LIMITS.get(scheme(target.url)))

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
            error = scrub(f"{type(exc).__name__}: {exc}", target.url)
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
        return scrub(detail, target.url)

    def send_all(self, alert: Mapping[str, Any], *, respect_severity: bool = True) -> list[SendResult]:
        """One alert to every target (that wants its severity); each target on its own."""
        return [self.send(key, alert) for key, target in self.targets.items()
                if not respect_severity or target.wants(str(alert.get("severity", "info")))]
