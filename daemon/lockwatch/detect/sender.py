"""Who really sent it: the From domain against the brand's domains, look-alikes, spoofed names."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from lockwatch.detect.auth import AuthVerdict
from lockwatch.detect.brand import BrandClaim
from lockwatch.detect.domains import (
    domain_in,
    edit_distance,
    label_skeleton,
    normalise_host,
    registered_domain,
)
from lockwatch.detect.knowledge import knowledge
from lockwatch.model import Mail, Reason

__all__ = ["DMARC_OTHER_DOMAIN", "SENDER_DIFFERS", "SenderFacts", "SenderIdentity", "examine_auth", "examine_sender",
           "lookalike_reason", "sender_identity"]


@dataclass(frozen=True)
class SenderIdentity:
    """The address that counts as the sender, and why the From header leaves room for doubt."""

    address: str
    domain: str
    candidates: tuple[str, ...]  # every address a reader (or a server) may take as the sender
    problems: tuple[str, ...]  # lockwatch.parse.addresses problem codes, plus the ones found here

    @property
    def ambiguous(self) -> bool:
        return bool(self.problems)


SENDER_DIFFERS = "sender_header_differs"
DMARC_OTHER_DOMAIN = "dmarc_evaluated_other_domain"


def sender_identity(mail: Mail, auth: AuthVerdict) -> SenderIdentity:
    """Who the sender is, never borrowing the brand's name from an ambiguous header.

    When the From header names several addresses (display-name address, list, group, second From,
    Sender elsewhere) or the receiving server's DMARC check evaluated another domain than the one
    parsed here, the address that counts is one the brand does not own: the brand's name never
    comes from the doubtful part.
    """
    k = knowledge()
    problems = list(mail.from_problems)
    candidates = list(mail.from_candidates or ([mail.from_addr] if mail.from_addr else []))
    address = mail.from_addr

    def owned(addr: str) -> bool:
        dom = addr.rpartition("@")[2]
        return bool(dom) and domain_in(dom, k.sender_domains)

    if mail.sender_addr and registered_domain(mail.sender_addr.rpartition("@")[2]) != registered_domain(
            address.rpartition("@")[2]) and (owned(mail.sender_addr) or owned(address)):
        problems.append(SENDER_DIFFERS)
        candidates.append(mail.sender_addr)
    evaluated = auth.dmarc_from if auth.present else ""
    if evaluated and registered_domain(evaluated) != registered_domain(address.rpartition("@")[2]):
        problems.append(DMARC_OTHER_DOMAIN)
        candidates.append(f"(checked by your server) @{evaluated}")
        if owned(address) and not domain_in(evaluated, k.sender_domains):
            address = f"@{evaluated}"  # the server saw a foreign From: that one counts
    if problems:
        foreign = [c for c in candidates if not owned(c) and "@" in c and not c.startswith("(")]
        if owned(address) and foreign:
            address = foreign[0]
    domain = address.rpartition("@")[2]
    return SenderIdentity(address, domain, tuple(dict.fromkeys(candidates)), tuple(dict.fromkeys(problems)))


@dataclass(frozen=True)
class SenderFacts:
    domain: str
    registered: str
    is_brand: bool  # From on one of the brand's own sender domains, unambiguously
    lookalike: str  # why the domain imitates the brand, "" if it does not
    proven: bool  # brand domain with aligned SPF/DKIM/DMARC from a trusted header or a verified signature


@functools.lru_cache(maxsize=8192)
def lookalike_reason(host: str) -> str:
    """Why a host imitates the brand ("" when it does not). Brand-owned hosts never do."""
    k = knowledge()
    host = normalise_host(host)
    if not host or domain_in(host, k.link_domains | k.relay_domains | k.user_content_domains):
        return ""
    reg = registered_domain(host)
    if host != host.encode("ascii", "ignore").decode():
        ascii_sk = label_skeleton(reg.split(".")[0])
        if any(lbl in ascii_sk for lbl in k.brand_labels):
            return f"{host} uses look-alike characters to spell the brand"
    owner_label = reg.split(".")[0]
    sk = label_skeleton(owner_label)
    for lbl in k.brand_labels:
        if lbl in sk:
            return f"{reg} puts the brand name into a domain Amazon does not own"
        if len(sk) >= 5 and edit_distance(sk, lbl, 2) <= (1 if len(lbl) <= 6 else 2):
            return f"{reg} is one letter away from {lbl}"
    sub = host[: -len(reg)].rstrip(".") if host.endswith(reg) else ""
    if sub and any(lbl in label_skeleton(part) for part in sub.split(".") for lbl in k.brand_labels):
        return f"{host} puts the brand in front of the foreign domain {reg}"
    return ""


def examine_sender(mail: Mail, claim: BrandClaim, auth: AuthVerdict,
                   identity: SenderIdentity | None = None) -> tuple[SenderFacts, list[Reason]]:
    k = knowledge()
    reasons: list[Reason] = []
    identity = identity or sender_identity(mail, auth)
    address, domain = identity.address, identity.domain
    reg = registered_domain(domain) if domain else ""
    is_brand = bool(domain) and domain_in(domain, k.sender_domains) and not identity.ambiguous
    lookalike = "" if (is_brand or domain_in(domain, k.sender_domains)) else lookalike_reason(domain)
    proven = is_brand and auth.present and auth.aligned_pass(domain)
    facts = SenderFacts(domain, reg, is_brand, lookalike, proven)

    def add(code: str, detail: str) -> None:
        reasons.append(Reason(code, detail, k.weight(code)))

    if identity.ambiguous:
        others = [c for c in identity.candidates if c != address][:3]
        add("sender.ambiguous_from",
            f"the From header is ambiguous ({', '.join(p.replace('_', ' ') for p in identity.problems)}): "
            f"the real sender is {address or '(no address)'}"
            + (f", not {', '.join(others)}" if others else ""))
    if lookalike:
        code = "sender.brand_subdomain" if "in front of" in lookalike else "sender.lookalike"
        if "look-alike characters" in lookalike:
            code = "sender.idn"
        add(code, f"sender {address}: {lookalike}")
    elif not is_brand and (claim.in_display_name or claim.in_address):
        if reg in k.freemail:
            add("sender.freemail", f"claims to be Amazon but writes from the free-mail address {address}")
        elif not identity.ambiguous or not domain_in(domain, k.sender_domains):
            add("sender.display_spoof",
                f"the name says Amazon but the address is {address or '(none)'} on {reg or '(no domain)'}")
    if claim.obfuscated:
        add("sender.obfuscated_brand",
            f"the {claim.obfuscated} spells the brand with look-alike or hidden characters")
    if is_brand:
        for addr in mail.reply_to:
            rdom = addr.rpartition("@")[2]
            if rdom and not domain_in(rdom, k.sender_domains):
                add("sender.reply_to_foreign", f"replies go to {addr}, not to Amazon")
                break
        rp = mail.return_path.rpartition("@")[2]
        if rp and not domain_in(rp, k.sender_domains | k.relay_domains):
            add("sender.return_path_foreign", f"bounces go to {mail.return_path}, not to Amazon")
    return facts, reasons


def examine_auth(mail: Mail, facts: SenderFacts, auth: AuthVerdict) -> list[Reason]:
    """Authentication evidence; only meaningful for mail whose From is on a brand domain."""
    k = knowledge()
    if not facts.is_brand:
        return []
    if not auth.present:
        # nothing proves it: no results from the user's server and no signature that verifies. It may stay
        # genuine (weightless here), but it is never counted as Amazon's word; anything a genuine Amazon mail
        # would not carry makes it suspicious (verdict.py gives this reason its weight then)
        return [Reason("auth.unverified", f"nothing proves it comes from {facts.registered}: your mail server "
                       "added no authentication results and no DKIM signature could be verified", 0)]
    if facts.proven:
        how = "DMARC" if auth.dmarc == "pass" else f"DKIM (d={auth.dkim_pass_domains[0]})"
        return [Reason("auth.pass", f"{how} proves the mail comes from {facts.registered}", k.weight("auth.pass"))]
    if auth.dmarc_failed_for(facts.domain):
        return [Reason("auth.dmarc_fail", f"DMARC fails: the From {facts.domain} is forged",
                       k.weight("auth.dmarc_fail"))]
    dkim_bad = not auth.dkim_pass_domains
    if auth.spf in ("fail", "hardfail") and dkim_bad:
        return [Reason("auth.spoofed", f"SPF fails and no Amazon DKIM signature: {facts.domain} is forged",
                       k.weight("auth.spoofed"))]
    if auth.dkim_pass_domains and all(registered_domain(d) in k.relay_domains for d in auth.dkim_pass_domains):
        detail = "only the relay amazonses.com signed it, not Amazon itself"
        return [Reason("auth.unverified", detail, k.weight("auth.unverified"))]
    return [Reason("auth.unverified",
                   f"your mail server could not confirm the sender (spf={auth.spf}, dmarc={auth.dmarc})",
                   k.weight("auth.unverified"))]
