"""Optional local DKIM verification (dkimpy over dnspython) for mail whose server added no results.

Short DNS timeouts and a small cache: an unreachable resolver costs at most `dns_timeout` once per
key, and never raises into the analysis.
"""

from __future__ import annotations

import functools
import logging

from lockwatch.detect import DetectOptions

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=256)
def _txt(name: str, servers: tuple[str, ...], port: int, timeout: float) -> bytes | None:
    import dns.exception
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=not servers)
    if servers:
        resolver.nameservers = list(servers)
        resolver.port = port
    resolver.timeout = resolver.lifetime = timeout
    try:
        answer = resolver.resolve(name.rstrip("."), "TXT")
    except (dns.exception.DNSException, OSError) as exc:
        log.debug("DKIM key lookup for %s failed: %s", name, type(exc).__name__)
        return None
    return b"".join(b"".join(r.strings) for r in answer)


def verified_domain(raw: bytes, options: DetectOptions) -> str | None:
    """The d= domain of a DKIM signature that verifies, or None."""
    import dkim

    def dnsfunc(name, timeout=None):
        key = name.decode() if isinstance(name, bytes) else name
        return _txt(key, options.dns_servers, options.dns_port, options.dns_timeout)

    try:
        verifier = dkim.DKIM(raw)
        signatures = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
        for index in range(min(signatures, 3)):
            if verifier.verify(idx=index, dnsfunc=dnsfunc):
                return verifier.domain.decode().lower() if verifier.domain else None
    except Exception as exc:  # dkimpy raises many kinds on hostile input
        log.debug("DKIM verification failed: %s", type(exc).__name__)
    return None
