"""The detection core: raw mail → verdict (not_amazon | genuine | suspicious | phishing), why, and what.

`analyse_bytes` never raises: a message that cannot be parsed gives an Analysis with parse_error.
Links are judged as text only; nothing here opens, fetches or resolves a link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from lockwatch.model import Analysis, Mail, Reason

__all__ = ["DetectOptions", "analyse", "analyse_bytes", "header_prefilter"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DetectOptions:
    authserv_ids: tuple[str, ...] = ()  # trusted Authentication-Results ids; empty = the topmost header
    trusted_forwarders: tuple[str, ...] = ()  # ARC sealers whose ARC-Authentication-Results count
    dkim_verify: bool = True  # genuine Amazon mail is always signed: a verified aligned signature is proof
    dns_servers: tuple[str, ...] = ()
    dns_port: int = 53
    dns_timeout: float = 1.0


def analyse_bytes(raw: bytes, *, truncated: bool = False,
                  options: DetectOptions | None = None) -> tuple[Mail | None, Analysis]:
    from lockwatch.parse.message import ParseError, parse

    try:
        mail = parse(raw, truncated=truncated)
    except ParseError as exc:
        return None, parse_failure(str(exc))
    except Exception as exc:  # a parser bug must not take the pipeline down
        log.warning("unexpected parser failure: %s", type(exc).__name__)
        return None, parse_failure(f"{type(exc).__name__}: {exc}")
    try:
        return mail, analyse(mail, options or DetectOptions(), raw)
    except Exception as exc:
        log.exception("analysis failed for %s", mail.message_id or "(no Message-ID)")
        return mail, parse_failure(f"analysis failed: {type(exc).__name__}")


def parse_failure(error: str) -> Analysis:
    return Analysis(amazon_like=False, verdict="not_amazon", kind=None, score=0,
                    reasons=[Reason("parse_error", error[:300])], parse_error=error[:300])


def analyse(mail: Mail, options: DetectOptions, raw: bytes | None = None) -> Analysis:
    from lockwatch.detect.verdict import decide

    return decide(mail, options, raw)


def header_prefilter(header_bytes: bytes) -> bool:
    """Cheap first pass on headers only: True unless the message is surely not Amazon-related.

    False only when the header shows no brand claim in any disguise, no brand or look-alike domain,
    nothing odd and no account / order / payment / notice wording (``detect.prefilter.triage``).
    The IMAP source triages itself and first peeks at the start of a body that has wording only.
    """
    from lockwatch.detect.prefilter import looks_relevant

    return looks_relevant(header_bytes)
