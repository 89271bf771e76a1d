"""How the detection core is tuned from the config: which Authentication-Results to trust, DNS for DKIM."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DetectOptions"]


@dataclass(frozen=True)
class DetectOptions:
    authserv_ids: tuple[str, ...] = ()  # trusted Authentication-Results ids; empty = the topmost header
    trusted_forwarders: tuple[str, ...] = ()  # ARC sealers whose ARC-Authentication-Results count
    dkim_verify: bool = True  # genuine Amazon mail is always signed: a verified aligned signature is proof
    dns_servers: tuple[str, ...] = ()
    dns_port: int = 53
    dns_timeout: float = 1.0

