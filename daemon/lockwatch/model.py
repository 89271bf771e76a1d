"""Plain values that flow through the pipeline: a parsed mail, its links, the analysis and an alert."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["KINDS", "SEVERITIES", "TITLE_MAX", "VERDICTS", "Alert", "Analysis", "Link", "LinkFinding", "Mail", "Order",
           "Reason"]

VERDICTS = ("not_amazon", "genuine", "suspicious", "phishing")
SEVERITIES = ("info", "warning", "critical")  # of an alert, lowest first
TITLE_MAX = 250  # characters of an alert title, the most a push service shows
KINDS = ("order", "gift_card", "shipping", "account_lock", "security", "payment", "marketing", "other")


@dataclass(frozen=True)
class Link:
    """A link as found in the mail: its target and the text it is shown under."""

    url: str
    shown: str = ""  # visible text of the <a>, "" for bare URLs
    origin: str = "text"  # text | a | form | img-link | area


@dataclass
class Mail:
    """One message decoded into the fields the detectors read."""

    message_id: str = ""
    from_name: str = ""
    from_addr: str = ""  # the first From mailbox's address (see from_candidates when ambiguous)
    from_candidates: list[str] = field(default_factory=list)  # every address a reader may take as the sender
    from_problems: list[str] = field(default_factory=list)  # why the From is ambiguous (lockwatch.parse.addresses)
    sender_addr: str = ""  # the Sender header's address, "" if none
    reply_to: list[str] = field(default_factory=list)
    return_path: str = ""
    subject: str = ""
    date: datetime | None = None
    received: list[str] = field(default_factory=list)  # topmost first
    trace: list[tuple[str, str]] = field(default_factory=list)  # Received and Authentication-Results in order
    auth_results: list[str] = field(default_factory=list)  # unfolded, topmost first
    arc_headers: list[tuple[str, str]] = field(default_factory=list)  # ARC-* (lower-case name, unfolded value), topmost first
    dkim_signatures: list[str] = field(default_factory=list)
    text: str = ""  # plain-text body (or text derived from HTML when there is none)
    html: str = ""
    html_text: str = ""  # the visible text of the HTML part (readers of an HTML mail see this, not the plain part)
    links: list[Link] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # <img src> URLs
    headers: dict[str, str] = field(default_factory=dict)  # first value of each header, lower-case keys
    truncated: bool = False  # body analysed only in part (size cap)
    defects: list[str] = field(default_factory=list)
    body_error: str = ""  # why the body could not be read (the verdict rests on the headers)

    @property
    def from_header(self) -> str:
        if self.from_name:
            return f"{self.from_name} <{self.from_addr}>"
        return self.from_addr


@dataclass(frozen=True)
class Reason:
    code: str  # stable, dotted: sender.lookalike, link.mismatch, auth.dmarc_fail ...
    detail: str  # one human sentence
    weight: int = 0  # + towards phishing, - towards genuine


@dataclass(frozen=True)
class LinkFinding:
    url: str  # defanged
    host: str
    verdict: str  # amazon | lookalike | mismatch | ip | shortener | foreign | suspicious
    shown: str = ""


@dataclass(frozen=True)
class Order:
    id: str
    total: float | None
    currency: str | None
    gift_card: bool = False
    items: tuple[str, ...] = ()
    digital: bool = False

    def as_json(self) -> dict:
        total: float | int | None = self.total
        if isinstance(total, float) and total.is_integer():
            total = int(total)
        return {"id": self.id, "total": total, "currency": self.currency, "gift_card": self.gift_card,
                "items": list(self.items)}


@dataclass
class Analysis:
    """What lockwatch concluded about one message."""

    amazon_like: bool
    verdict: str  # one of VERDICTS
    kind: str | None  # one of KINDS, None for not_amazon
    score: int  # 0 (surely genuine / unrelated) .. 100 (surely phishing)
    reasons: list[Reason] = field(default_factory=list)
    links: list[LinkFinding] = field(default_factory=list)
    order: Order | None = None
    security_event: str | None = None  # password_changed, email_changed, 2sv_off, sign_in, otp, ...
    lock_event: str | None = None  # lock | hold | reinstated
    parse_error: str | None = None
    verified: bool = False  # genuine and proven (aligned DMARC/DKIM): only such mail counts as Amazon's word


@dataclass(frozen=True)
class Alert:
    """One alert, composed and ready to store; ``as_json`` is the contract's alert object.

    ``push`` False: record and show, never push (an incident found in backfill, last month's phishing).
    """

    kind: str  # phishing | takeover | account_lock | security_notice | health_down | health_up | test
    severity: str  # info | warning | critical
    title: str
    body: str
    message_ids: tuple[str, ...] = ()
    account: str | None = None
    incident_id: int | None = None
    push: bool | None = None

    def as_json(self) -> dict[str, Any]:
        return {"type": "alert", "severity": self.severity, "kind": self.kind, "title": self.title,
                "body": self.body, "message_ids": list(self.message_ids)}
