"""Findings → one verdict and a 0–100 score. Weights and thresholds live in signals.toml.

The policy, in words:
- not Amazon-looking                         → not_amazon
- Amazon-looking, score ≥ phishing threshold → phishing
- sender proven Amazon (aligned auth), or an Amazon domain with no results from the server and
  nothing against it, and score below the suspicious threshold → genuine
- anything else Amazon-looking               → suspicious
Lure wording only counts when something else is already wrong: genuine lock and payment notices
use the same words.
"""

from __future__ import annotations

import copy
import re

from lockwatch.detect.auth import AuthVerdict, signed_domains, trusted_results, written_where_received
from lockwatch.detect.brand import brand_claim
from lockwatch.detect.domains import domain_in, fold, letters_skeleton, registered_domain
from lockwatch.detect.kinds import classify, extract_order, malformed_order_numbers
from lockwatch.detect.knowledge import knowledge
from lockwatch.detect.links import examine_links
from lockwatch.detect.lures import callback_numbers, examine_lures
from lockwatch.detect.options import DetectOptions
from lockwatch.detect.sender import SenderIdentity, examine_auth, examine_sender, sender_identity
from lockwatch.detect.tracking import lock_event, security_event
from lockwatch.model import Analysis, Mail, Reason

__all__ = ["decide"]

# link verdicts that make a mail not Amazon's own even when the From is an Amazon domain
_HOSTILE_LINKS = {"lookalike", "mismatch", "ip", "credentials", "redirector"}
# evidence that stands even against a mail proven to come from Amazon
_AGAINST_PROVEN = {"body.foreign_phone", "lure.credentials", "lure.never"}
# requests Amazon never makes by mail: they count whoever the sender (a seller's or gift-card text in genuine mail)
_NEVER_FROM_AMAZON = {"lure.credentials", "lure.never"}


def decide(mail: Mail, options: DetectOptions, raw: bytes | None = None) -> Analysis:
    k = knowledge()
    shown = _shown_text(mail)
    folded_text = fold(shown[:k.window("text")])
    auth = trusted_results(mail.auth_results, options.authserv_ids, arc_headers=mail.arc_headers,
                           trusted_forwarders=options.trusted_forwarders)
    auth = _consistent(auth, mail, options)
    identity = sender_identity(mail, auth)
    claim = brand_claim(mail, list(identity.candidates) or [identity.address], body=shown)
    owned_from = bool(identity.domain) and domain_in(identity.domain, k.sender_domains)
    if owned_from and not identity.ambiguous and not auth.aligned_pass(identity.domain):
        auth = _with_local_dkim(auth, identity.domain, options, raw)
    facts, sender_reasons = examine_sender(mail, claim, auth, identity)
    auth_reasons = examine_auth(mail, facts, auth)
    findings, link_reasons, _foreign_hosts = examine_links(mail.links)
    lure_reasons = examine_lures(mail, folded_text)
    # a deadline alone is everyday marketing wording: it does not make a mention of Amazon a claim
    lure_hit = any(r.code not in ("text.language_mismatch", "lure.deadline") for r in lure_reasons)

    link_claim = any(f.verdict in ("lookalike",) for f in findings)
    brand_candidate = any(domain_in(c.rpartition("@")[2], k.sender_domains) for c in identity.candidates)
    speaks_as = bool(claim.speaks_as) and not owned_from  # talks as Amazon from a domain Amazon does not own
    strong_claim = (claim.strong or facts.is_brand or bool(facts.lookalike) or bool(claim.obfuscated)
                    or speaks_as or (identity.ambiguous and brand_candidate))
    mentioned = claim.in_subject or claim.in_body
    # an Amazon logo is a mention too (an image-only mail): together with lure wording it is a claim
    mention_claim = (mentioned and (lure_hit or link_claim or claim.logo)) or (claim.logo and lure_hit)
    # an authenticated third party writing about Amazon and linking only to itself (a bank's warning, a card
    # issuer's purchase notice) is no imitation; with lure wording it must also read like a third party
    if mention_claim and not strong_claim and _speaks_for_itself(mail, findings, auth) and (
            not lure_hit or k.mentions.search(letters_skeleton(mail.subject + "\n" + mail.text[:k.window("body")]))):
        mention_claim = False
    amazon_like = strong_claim or mention_claim
    if amazon_like and _cobrand_issuer(identity, auth, findings) and not (facts.lookalike or claim.obfuscated or speaks_as):
        amazon_like = False  # the card issuer's own, authenticated mail about its Amazon co-branded card
    if not amazon_like:
        return Analysis(amazon_like=False, verdict="not_amazon", kind=None, score=0, reasons=[],
                        links=findings)

    kind = classify(mail, folded_text)
    reasons: list[Reason] = [*sender_reasons, *auth_reasons, *link_reasons]
    if speaks_as:
        reasons.append(Reason("body.speaks_as_brand",
                              f"writes as Amazon itself (「{claim.speaks_as}」) but comes from "
                              f"{facts.registered or '(no domain)'}", k.weight("body.speaks_as_brand")))
    elif mention_claim and not strong_claim:
        reasons.append(Reason("sender.speaks_as_brand",
                              f"talks as Amazon about your account, but comes from {facts.registered or '(no domain)'}",
                              k.weight("sender.speaks_as_brand")))
    phones = [p for p in callback_numbers(folded_text, mail.links) if not k.is_brand_phone(p)]
    if facts.proven:
        phones = [p for p in phones if _asked_to_call(folded_text, p)]
        if phones:  # genuine mail abused: a gift-card message, a seller's text, a name stuffed with a number
            reasons.append(Reason("body.foreign_phone", f"carries a phone number that is not Amazon's ({phones[0]})",
                                  k.weight("body.foreign_phone")))
    else:
        if mail.truncated:  # a body padded past the read cap hides its end from lockwatch, not from the reader
            reasons.append(Reason("body.truncated", "it is so large that only its first part could be checked",
                                  k.weight("body.truncated")))
        if mail.body_error:  # a MIME tree nobody can read hides its links from filters, not from people
            reasons.append(Reason("body.unreadable", f"its body cannot be read ({mail.body_error[:80]})",
                                  k.weight("body.unreadable")))
        bad_ids = malformed_order_numbers(folded_text)
        if bad_ids:
            reasons.append(Reason("order.malformed", f"order number {bad_ids[0]} is not in Amazon's format",
                                  k.weight("order.malformed")))
        call_us = bool(k.call_us.search(folded_text[:k.window("body")]))
        if phones and (facts.is_brand or call_us
                       or kind in ("order", "gift_card", "payment", "account_lock", "security")):
            reasons.append(Reason("lure.callback", f"gives a phone number to call that is not Amazon's ({phones[0]})",
                                  k.weight("lure.callback")))
    hostile_link = any(f.verdict in _HOSTILE_LINKS for f in findings)
    relayed = facts.proven and _carries_third_party_text(facts.domain)
    if facts.proven and not hostile_link and not relayed:
        # Amazon's own, proven mail: its notices use lure words and may link to app stores or
        # social networks; none of that is evidence against it (a foreign phone number still is)
        reasons = [r if r.weight <= 0 or r.code in _AGAINST_PROVEN else Reason(r.code, r.detail, 0) for r in reasons]
        reasons += [r if r.code in _NEVER_FROM_AMAZON else Reason(r.code, r.detail, 0) for r in lure_reasons]
    elif relayed:  # a seller's or a giver's words inside Amazon's own mail: they count, Amazon's proof too
        reasons += [r for r in lure_reasons if r.code != "lure.deadline"]
    else:
        credential = [r for r in lure_reasons if r.code in _NEVER_FROM_AMAZON]
        others = [r for r in lure_reasons if r.code not in _NEVER_FROM_AMAZON]
        reasons += credential
        against = sum(r.weight for r in reasons if r.weight > 0)
        if against > 0 or not facts.is_brand:
            reasons += others
        else:  # a plain Amazon notice: keep the wording as information only
            reasons += [Reason(r.code, r.detail, 0) for r in others]
    if facts.is_brand and not auth.present and any(r.weight > 0 for r in reasons):
        # unproven and carrying something a genuine Amazon mail would not: the missing proof now counts
        reasons = [Reason(r.code, r.detail, k.weight("auth.unverified")) if r.code == "auth.unverified" else r
                   for r in reasons]

    score = max(0, min(100, sum(r.weight for r in reasons)))
    proven_or_clean = facts.proven or (facts.is_brand and not auth.present)
    if score >= k.thresholds["phishing"] or (hostile_link and not facts.proven and score >= k.thresholds["suspicious"]):
        verdict = "phishing"
        score = max(score, k.thresholds["phishing"])
    elif proven_or_clean and sum(r.weight for r in reasons if r.weight > 0) < k.thresholds["suspicious"] \
            and not hostile_link:
        verdict = "genuine"
        score = min(score, k.thresholds["suspicious"] - 1)
    else:
        verdict = "suspicious"
        score = min(max(score, k.thresholds["suspicious"]), k.thresholds["phishing"] - 1)

    order = extract_order(mail, kind, folded_text) if verdict == "genuine" else None
    reasons.sort(key=lambda r: -abs(r.weight))
    return Analysis(
        amazon_like=True, verdict=verdict, kind=kind, score=score, reasons=reasons, links=findings,
        order=order,
        security_event=security_event(mail, kind) if verdict == "genuine" else None,
        lock_event=lock_event(mail, kind) if verdict == "genuine" else None,
        verified=verdict == "genuine" and facts.proven,
    )


_CALL_AFTER = re.compile(r"\s*[)）]?\s*(へ|に|まで|にて)\s*(お?電話|ご?連絡|お問い?合わせ)|\s*(to|and) (cancel|confirm|verify)")
_CALL_BEFORE = re.compile(
    r"(call|dial|phone|text|ring)\s*(us|our [a-z ]{0,20}|the [a-z ]{0,20})?\s*(at|on|now)?\s*[:：]?\s*[(（]?$")
_CALLED_FROM = re.compile(r"\s*[)）]?\s*(から|より)")  # "03-... からお電話を差し上げます": Amazon calling back


def _cobrand_issuer(identity: SenderIdentity, auth: AuthVerdict, findings: list) -> bool:
    """Authenticated mail of an Amazon co-branded card issuer whose links stay with it or with Amazon."""
    k = knowledge()
    if identity.ambiguous or not identity.domain or not domain_in(identity.domain, k.cobrand_domains):
        return False
    if not (auth.present and auth.aligned_pass(identity.domain)):
        return False
    return all(f.verdict in ("amazon", "partner") or domain_in(f.host, k.cobrand_domains) for f in findings)


def _carries_third_party_text(domain: str) -> bool:
    """Is ``domain`` an Amazon sub-domain for text others write (marketplace.amazon.co.jp, gc.email.amazon.co.jp)?"""
    k = knowledge()
    sub = domain[: -len(registered_domain(domain))].rstrip(".")
    return bool(sub) and any(sub == label or sub.endswith("." + label) for label in k.third_party_text)


def _asked_to_call(folded_text: str, number: str) -> bool:
    """Is the reader asked to call ``number`` (call-us wording next to it), rather than shown it (a courier's or
    a shop's number, the number Amazon will call back from)?"""
    at = folded_text.find(number)
    if at < 0:
        return True  # a tel: link: a number to tap
    before, after = folded_text[max(0, at - 60):at], folded_text[at + len(number):at + len(number) + 20]
    if _CALLED_FROM.match(after):
        return False
    return bool(_CALL_AFTER.match(after) or _CALL_BEFORE.search(before)
                or knowledge().call_us.search(f"{before[-30:]}{number}{after}"))


def _shown_text(mail: Mail) -> str:
    """The body as readers see it: the plain part, and the HTML part's text too when it says more (an
    HTML phish behind a one-line plain part 「HTMLメールを表示できる環境でご覧ください」)."""
    if mail.html_text and mail.html_text.strip() != mail.text.strip() and len(mail.text) < 2 * len(mail.html_text):
        return f"{mail.text}\n{mail.html_text}"
    return mail.text


def _consistent(auth: AuthVerdict, mail: Mail, options: DetectOptions) -> AuthVerdict:
    """The server's results, unless the mail itself shows they cannot be about it.

    Without configured ``authserv_ids`` the topmost header is trusted; one whose id names a domain other
    than the host that received the mail was written upstream. A DKIM pass for a domain that signed
    nothing in the mail is not about this mail.
    """
    if not auth.present:
        return auth
    if not options.authserv_ids and auth.authserv_id and not written_where_received(mail.trace, auth.authserv_id):
        return AuthVerdict()
    signed = signed_domains(mail.dkim_signatures)
    kept = [d for d in auth.dkim_pass_domains if registered_domain(d.rstrip(".")) in signed]
    if kept != auth.dkim_pass_domains:
        auth = copy.copy(auth)
        auth.dkim_pass_domains = kept
    return auth


def _with_local_dkim(auth: AuthVerdict, domain: str, options: DetectOptions, raw: bytes | None) -> AuthVerdict:
    """The server's results, or — when they prove nothing and fail nothing — a DKIM signature verified here."""
    if not options.dkim_verify or raw is None or auth.dmarc_failed_for(domain):
        return auth
    from lockwatch.detect.dkimcheck import verified_domain

    signed = verified_domain(raw, options)
    if not signed or registered_domain(signed) != registered_domain(domain):
        return auth
    proof = copy.copy(auth)
    proof.present, proof.dkim_pass_domains = True, [*auth.dkim_pass_domains, signed]
    if not auth.present:
        proof.source = "dkim-local"
    return proof


def _speaks_for_itself(mail: Mail, findings: list, auth: AuthVerdict) -> bool:
    """The sender is authenticated (aligned DMARC/DKIM) for its own domain and every link stays there.

    A bank warning about Amazon phishing or a card issuer's notice of an Amazon purchase looks like
    this; an imitation needs somewhere to send the victim.
    """
    domain = mail.from_addr.rpartition("@")[2]
    if not domain or mail.from_problems:
        return False
    if not (auth.present and auth.aligned_pass(domain)):
        return False
    own = registered_domain(domain)
    # without a link of its own a mail that talks as Amazon is an imitation (call-us, QR code, attachment)
    return any(registered_domain(f.host) == own for f in findings) and all(
        f.verdict in ("amazon", "partner") or registered_domain(f.host) == own for f in findings)
