"""Raw mail → Analysis: parse, then decide; never raises (an unreadable message is a parse_error verdict).

Links are judged as text only; nothing here opens, fetches or resolves a link.
"""

from __future__ import annotations

import logging

from lockwatch.detect.options import DetectOptions
from lockwatch.detect.verdict import decide
from lockwatch.errors import ParseError
from lockwatch.model import Analysis, Mail, Reason
from lockwatch.parse.message import parse

__all__ = ["analyse", "analyse_bytes", "header_prefilter", "parse_failure"]

log = logging.getLogger(__name__)


def analyse_bytes(raw: bytes, *, truncated: bool = False,
                  options: DetectOptions | None = None) -> tuple[Mail | None, Analysis]:

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
    return decide(mail, options, raw)


def header_prefilter(header_bytes: bytes) -> bool:
    """Cheap first pass on headers only: True unless the message is surely not Amazon-related.

    False only when the header shows no brand claim in any disguise, no brand or look-alike domain,
    nothing odd and no account / order / payment / notice wording (``detect.prefilter.triage``).
    The IMAP source triages itself and first peeks at the start of a body that has wording only.
    """
    from lockwatch.detect.prefilter import looks_relevant  # a scan's need: `check` never imports it

    return looks_relevant(header_bytes)
