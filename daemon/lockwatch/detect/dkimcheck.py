"""Optional local DKIM verification (dkimpy over dnspython) for mail whose server added no results.

Short DNS timeouts and a small cache with expiry: a key is asked for once an hour, an answered miss
once a minute, and a resolver that does not answer (timeout, refused) is not asked again for a
minute — so an unreachable resolver costs at most ``dns_timeout`` once a minute, whatever the number
of keys, and verification comes back by itself when DNS does. Never raises into the analysis.
"""

from __future__ import annotations

import logging
import threading
import time

from lockwatch.detect.options import DetectOptions

__all__ = ["CACHE_MAX", "DOWN_TTL", "KEY_TTL", "MISS_TTL", "verified_domain"]

log = logging.getLogger(__name__)

KEY_TTL, MISS_TTL, DOWN_TTL = 3600.0, 60.0, 60.0  # seconds
CACHE_MAX = 256

_keys: dict[tuple[str, tuple[str, ...], int], tuple[float, bytes | None]] = {}  # → (expires, TXT or None)
_down: dict[tuple[tuple[str, ...], int], float] = {}  # resolver → not asked again before (monotonic)
_lock = threading.Lock()


def _txt(name: str, servers: tuple[str, ...], port: int, timeout: float) -> bytes | None:
    import dns.exception
    import dns.resolver

    key, resolver_id, now = (name, servers, port), (servers, port), time.monotonic()
    with _lock:
        cached = _keys.get(key)
        if cached and cached[0] > now:
            return cached[1]
        if _down.get(resolver_id, 0.0) > now:
            return None
    resolver = dns.resolver.Resolver(configure=not servers)
    if servers:
        resolver.nameservers = list(servers)
        resolver.port = port
    resolver.timeout = resolver.lifetime = timeout
    value: bytes | None = None
    try:
        answer = resolver.resolve(name.rstrip("."), "TXT")
        value = b"".join(b"".join(r.strings) for r in answer)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer) as exc:  # answered: no such key
        log.debug("DKIM key lookup for %s: %s", name, type(exc).__name__)
    except (dns.exception.DNSException, OSError) as exc:  # no answer at all: skip DNS for a while
        log.debug("DKIM key lookup for %s failed: %s; not asking %s for %.0f s", name, type(exc).__name__,
                  ", ".join(servers) or "the system resolver", DOWN_TTL)
        with _lock:
            _down[resolver_id] = time.monotonic() + DOWN_TTL
        return None
    with _lock:
        if len(_keys) >= CACHE_MAX:
            _keys.pop(next(iter(_keys)))
        _keys[key] = (time.monotonic() + (KEY_TTL if value is not None else MISS_TTL), value)
    return value


class _DkimpyLog:
    """dkimpy reports an unprovable signature (no key, DNS down) as an ERROR; here it is a debug detail,
    and mail content (dkimpy's debug_content) is never logged."""

    def isEnabledFor(self, level: int) -> bool:
        return False

    def debug(self, msg: object, *args: object) -> None:
        log.debug("dkimpy: %s", str(msg) % args if args else msg)

    error = debug


def verified_domain(raw: bytes, options: DetectOptions) -> str | None:
    """The d= domain of a DKIM signature that verifies, or None."""
    import dkim

    def dnsfunc(name, timeout=None):
        key = name.decode() if isinstance(name, bytes) else name
        return _txt(key, options.dns_servers, options.dns_port, options.dns_timeout)

    try:
        verifier = dkim.DKIM(raw, logger=_DkimpyLog())
        signatures = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
        for index in range(min(signatures, 3)):
            if verifier.verify(idx=index, dnsfunc=dnsfunc):
                return verifier.domain.decode().lower() if verifier.domain else None
    except Exception as exc:  # dkimpy raises many kinds on hostile input
        log.debug("DKIM verification failed: %s", type(exc).__name__)
    return None
