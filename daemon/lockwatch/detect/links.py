"""Every link judged as text: where it really goes against what it shows. Nothing is fetched.

Links rewritten by a mail security gateway (Safe Links, Proofpoint, Mimecast, Barracuda ...) are
unwrapped first and judged by the target they carry; the rewriter list is data (signals.toml).
"""

from __future__ import annotations

import base64
import binascii
import functools
import html
import re
import string
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from lockwatch.detect.domains import (
    defang,
    domain_in,
    is_ip,
    registered_domain,
    skeleton,
    url_host,
)
from lockwatch.detect.knowledge import knowledge
from lockwatch.detect.sender import lookalike_reason
from lockwatch.model import Link, LinkFinding, Reason

__all__ = ["MAX_JUDGED", "MAX_UNWRAP", "SEVERITY", "Rewriter", "Unwrapped", "examine_links", "rewriters", "unwrap"]

MAX_JUDGED = 300
# (?i)(?:https?://)?((?:[a-z0-9\u00a1-\uffff-]+\.)+[a-z\u00a1-\uffff]{2,}|\d{1,3}(?:\.\d{1,3}){3}) without IGNORECASE
# (which makes re case-fold all 65,000 characters of the range at compile time, ~8 ms a process): each
# letter as the characters it matches under IGNORECASE (s: also U+017F ſ), each class as the complement
# of what it leaves out (the same characters, every code point checked: [a-z0-9\u00a1-\uffff-] matches
# "-", 0-9, A-Z, a-z and U+00A1-U+FFFF under IGNORECASE); 0.4 ms to compile, the same matches
_SHOWN_HOST = re.compile(r"(?:[hH][tT][tT][pP][sS\u017f]?://)?((?:[^\x00-\x2c./:-@\[-`{-\xa0\U00010000-\U0010ffff]+\.)+"
                         r"[^\x00-@\[-`{-\xa0\U00010000-\U0010ffff]{2,}|\d{1,3}(?:\.\d{1,3}){3})")
# a parameter value that is itself an address (open redirects: ?q=https://..., ?url=www....)
_EMBEDDED_URL = re.compile(r"(?i)(?:^|[&;])[a-z_]{0,12}=(?:https?(?::|%3a)|www\.|%2f%2f|//)")
# order of severity for a link's single verdict
SEVERITY = ("lookalike", "mismatch", "ip", "credentials", "redirector", "shortener", "suspicious", "foreign",
            "partner", "amazon")
MAX_UNWRAP = 5  # rewriters peeled off one link (a gateway wrapping a gateway wrapping ...)
_WEB_URL = re.compile(r"(?i)^(https?:)?//|^www\.")


@dataclass(frozen=True)
class Rewriter:
    """One link rewriter: where its URLs live and how the target is carried."""

    name: str
    hosts: frozenset[str]
    path: str  # the URL path must start with this ("" = any)
    decode: str  # query | proofpoint | mimecast
    params: tuple[str, ...]  # query parameters that carry the target (decode = query)
    gateway: bool  # a security gateway (judge the target) rather than an open redirect (suspicious itself)


@dataclass(frozen=True)
class Unwrapped:
    """Where a link really goes once every rewriter around it is peeled off."""

    url: str  # the innermost target; for a host-only rewriter "https://HOST/"
    via: tuple[str, ...] = ()  # rewriter names, outermost first
    opaque: bool = False  # a rewriter whose target could not be decoded: it goes somewhere unknown
    host_only: bool = False  # only the target's host is known (Mimecast's domain=)
    gateway: bool = True  # every layer peeled off was a security gateway
    redirect: str = ""  # the outermost open-redirect layer (its URL), "" when there is none


@functools.cache
def rewriters() -> tuple[Rewriter, ...]:
    """The rewriter table from signals.toml ``[[rewriters]]``."""
    table: list[dict[str, Any]] = knowledge().signals.get("rewriters", [])
    return tuple(Rewriter(name=str(r["name"]), hosts=frozenset(h.lower() for h in r["hosts"]),
                          path=str(r.get("path", "")).lower(), decode=str(r.get("decode", "query")),
                          params=tuple(r.get("params", ())), gateway=bool(r.get("gateway", True)))
                 for r in table)


def _rewriter_for(url: str) -> Rewriter | None:
    host, _ = url_host(url)
    if not host:
        return None
    try:
        path = urlsplit(url if "//" in url[:10] else "http://" + url).path.lower()
    except ValueError:
        return None
    for rule in rewriters():
        if domain_in(host, rule.hosts) and path.startswith(rule.path):
            return rule
    return None


def _query_target(url: str, params: tuple[str, ...]) -> str | None:
    try:
        query = parse_qs(urlsplit(url).query, keep_blank_values=True)
    except ValueError:
        return None
    lowered = {key.lower().removeprefix("amp;"): values for key, values in query.items()}
    for name in params:
        values = lowered.get(name.lower())
        if values and values[0].strip():
            return values[0].strip()
    return None


_PP_VERSION = re.compile(r"(?i)/(v[0-9])/")
_PP_V1 = re.compile(r"[?&]u=(?P<url>.+?)&(?:amp;)?k=")
_PP_V2 = re.compile(r"[?&]u=(?P<url>.+?)&(?:amp;)?[dc]=")
_PP_V3 = re.compile(r"/v3/__(?P<url>.+?)__(?:;(?P<enc>[^!]*))?!")
_PP_V3_TOKEN = re.compile(r"\*(\*.)?")
# "**X": a run of replaced characters whose length X encodes (A = 2, B = 3, ... _ = 65)
_PP_V3_RUN = {ch: n for n, ch in enumerate(string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_", 2)}
_SINGLE_SLASH = re.compile(r"(?i)^([a-z][a-z0-9+.-]*:/)([^/])")


def _proofpoint_v3(url: str) -> str | None:
    """URL Defense v3: ``__<url>__;<base64>!!...``; each ``*`` in the URL takes the next decoded
    character of the base64 run, ``**X`` the next run of characters (its length from X)."""
    m = _PP_V3.search(url)
    if not m:
        return None
    target = unquote(_SINGLE_SLASH.sub(r"\1/\2", m.group("url")))
    enc = m.group("enc") or ""
    try:
        replaced = base64.urlsafe_b64decode(enc + "=" * (-len(enc) % 4)).decode("utf-8") if enc else ""
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    out: list[str] = []
    pos = used = 0
    for tok in _PP_V3_TOKEN.finditer(target):
        count = _PP_V3_RUN.get(tok.group(0)[-1]) if tok.group(1) else 1
        if count is None or used + count > len(replaced):
            return None  # a placeholder with nothing to fill it: the target is unknown
        out += [target[pos:tok.start()], replaced[used:used + count]]
        used += count
        pos = tok.end()
    out.append(target[pos:])
    return "".join(out)


def _proofpoint(url: str) -> str | None:
    m = _PP_VERSION.search(urlsplit(url).path + "/")
    version = m.group(1).lower() if m else ""
    if version == "v3":
        return _proofpoint_v3(url)
    if version == "v1":
        found = _PP_V1.search(url) or re.search(r"[?&]u=(?P<url>[^&]+)", url)
        return html.unescape(unquote(found.group("url"))) if found else None
    if version == "v2":
        found = _PP_V2.search(url) or re.search(r"[?&]u=(?P<url>[^&]+)", url)
        return html.unescape(unquote(found.group("url").translate(str.maketrans("-_", "%/")))) if found else None
    return None


@functools.cache  # compiled when first needed (a Mimecast link): ~20 ms, most runs never need it
def _hostname() -> re.Pattern[str]:
    return re.compile(r"(?i)^(?=.{1,253}$)(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+"
                      r"[a-z\u00a1-\uffff][a-z0-9\u00a1-\uffff-]*$")


def _decode(rule: Rewriter, url: str) -> tuple[str | None, bool]:
    """(target, host_only) that one rewriter layer carries; target None when it cannot be decoded."""
    try:
        if rule.decode == "proofpoint":
            return _proofpoint(url), False
        if rule.decode == "mimecast":  # the target stays at Mimecast; only its host is named
            domain = (_query_target(url, ("domain",)) or "").strip().strip(".")
            return (f"https://{domain}/" if _hostname().match(domain) else None), True
        return _query_target(url, rule.params), False
    except (ValueError, UnicodeError):
        return None, False


def unwrap(url: str) -> Unwrapped:
    """Peel security-gateway and redirect wrappers off a link, at most ``MAX_UNWRAP`` deep."""
    via: list[str] = []
    redirect = ""
    current = url
    for _ in range(MAX_UNWRAP + 1):
        rule = _rewriter_for(current)
        if rule is None:
            return Unwrapped(current, tuple(via), False, False, not redirect, redirect)
        if len(via) == MAX_UNWRAP:
            break
        via.append(rule.name)
        if not rule.gateway and not redirect:
            redirect = current
        target, host_only = _decode(rule, current)
        if not target or not _WEB_URL.match(target.strip()):
            break
        current = target.strip()
        if host_only:
            return Unwrapped(current, tuple(via), False, True, not redirect, redirect)
    return Unwrapped(current, tuple(via), True, False, not redirect, redirect)


def _judge(link: Link) -> tuple[str, str, list[tuple[str, str]], str]:
    """(host, verdict, [(reason code, detail)], url shown in the finding) for one link."""
    if not re.match(r"(?i)^(https?:)?//|^www\.", link.url) or _rewriter_for(link.url) is None:
        host, verdict, found = _judge_target(link)
        return host, verdict, found, link.url
    target = unwrap(link.url)
    if target.opaque and target.redirect:  # an open redirect whose target cannot be read stays a redirector
        outer = url_host(target.redirect)[0]
        return outer, "redirector", [("link.redirector", f"{outer} hides its target in a redirect")], target.redirect
    if target.opaque:
        host = url_host(link.url)[0]
        return host, "suspicious", [("link.rewriter_opaque",
                                     f"{target.via[-1]} hides where {defang(link.url)[:120]} really goes")], link.url
    inner = Link(url=target.url, shown=link.shown, origin=link.origin)
    host, verdict, found = _judge_target(inner)
    if target.gateway:
        return host, verdict, found, link.url if target.host_only else target.url
    # an open redirect (google.com/url?q=...): suspicious in itself, and its target is judged too
    outer = url_host(target.redirect)[0]
    found = [("link.redirector", f"{outer} wraps the real target {defang(host) or '(unknown)'} in a redirect"), *found]
    worst = min((verdict, "redirector"), key=lambda v: SEVERITY.index(v) if v in SEVERITY else 99)
    return outer, worst, found, target.redirect


_PARAM_URL = re.compile(r"(?i)(?:^|[&;?])[a-z_.\-]{0,24}=((?:https?(?::|%3a)|www\.|%2f%2f|//)[^&;#]*)")


def _redirects_away(url: str) -> str:
    """The host an Amazon link's query forwards to when it is not Amazon's or a partner's, else ""."""
    if "?" not in url:
        return ""
    k = knowledge()
    for m in _PARAM_URL.finditer(url.split("?", 1)[1][:4000]):
        target = unquote(unquote(m[1]))
        if target.startswith("//"):
            target = "https:" + target
        host = url_host(target)[0]
        if host and not domain_in(host, k.link_domains | k.partner_domains):
            return host
    return ""


def _judge_target(link: Link) -> tuple[str, str, list[tuple[str, str]]]:
    """(host, verdict, [(reason code, detail)]) for one link that is not (or no longer) wrapped."""
    k = knowledge()
    url = link.url
    lowered = url.lower()
    if lowered.startswith(("mailto:", "tel:", "#", "cid:", "data:")):
        return "", "", []
    if not re.match(r"(?i)^(https?:)?//|^www\.", url):
        return "", "", []
    host, userinfo = url_host(url)
    if not host:
        return "", "", []
    found: list[tuple[str, str]] = []
    verdict = "amazon"
    reg = registered_domain(host)
    shown_host = ""
    m = _SHOWN_HOST.search(link.shown or "")
    if m:
        shown_host = m.group(1).lower()
    if userinfo:
        found.append(("link.credentials", f"{defang(url)} hides its real host {host} behind '{userinfo}@'"))
        verdict = "credentials"
    if is_ip(host):
        found.append(("link.ip", f"links to a bare IP address {host}"))
        verdict = "ip"
    elif any(host.endswith(r) or r in lowered.split("?")[0] for r in k.redirectors):
        found.append(("link.redirector", f"{host} wraps the real target in a redirect/proxy"))
        verdict = "redirector"
    elif not domain_in(host, k.link_domains) and _EMBEDDED_URL.search(url.split("?", 1)[-1] if "?" in url else ""):
        found.append(("link.embedded_url", f"{host} forwards to another address hidden in the link"))
        verdict = "redirector"
    elif (away := _redirects_away(url)):  # Amazon's own redirect (gp/r.html?U=, openid.return_to=) abused
        found.append(("link.embedded_url", f"{host} forwards to {defang(away)}, which is not Amazon"))
        verdict = "redirector"
    elif domain_in(host, k.shorteners):
        found.append(("link.shortener", f"{host} is a URL shortener that hides the real target"))
        verdict = "shortener"
    elif not domain_in(host, k.link_domains):
        why = lookalike_reason(host)
        if why:
            code = "link.idn" if "look-alike characters" in why else "link.lookalike"
            found.append((code, why))
            verdict = "lookalike"
        elif domain_in(host, k.partner_domains):
            verdict = "partner"
        else:
            path = unquote(lowered.split("://", 1)[-1].partition("/")[2])
            if any(lbl in skeleton(path) for lbl in k.brand_labels):
                found.append(("link.brand_elsewhere", f"{host} carries the brand in its path"))
                verdict = "suspicious"
            else:
                verdict = "foreign"
            tld = reg.rpartition(".")[2]
            if tld in k.risky_tlds:
                found.append(("link.risky_tld", f"{host} is on the often-abused .{tld} domain"))
                verdict = "suspicious"
            if link.origin == "form":
                found.append(("link.form", f"a form sends what you type to {host}"))
                verdict = "suspicious"
    if shown_host and registered_domain(shown_host) != reg and verdict != "amazon":
        found.append(("link.mismatch", f"the link shows {defang(shown_host)} but goes to {defang(host)}"))
        verdict = "mismatch" if verdict not in ("lookalike",) else verdict
    return host, verdict, found


_MAX_REMEMBERED = 4096  # characters of url and shown text up to which a link's judgement is remembered


@functools.lru_cache(maxsize=4096)  # pure; the same links (help pages, footers) come in mail after mail
def _judged(url: str, shown: str, origin: str) -> tuple[str, str, tuple[tuple[str, str], ...], str]:
    """``_judge`` of the link, with the url shown in the finding defanged."""
    host, verdict, found, shown_url = _judge(Link(url=url, shown=shown, origin=origin))
    return host, verdict, tuple(found), defang(shown_url) if host else shown_url


def examine_links(links: list[Link]) -> tuple[list[LinkFinding], list[Reason], list[str]]:
    """Findings per link, one reason per code (with its first detail), and the foreign hosts seen."""
    k = knowledge()
    findings: list[LinkFinding] = []
    reasons: dict[str, Reason] = {}
    foreign: list[str] = []
    for link in links[:MAX_JUDGED]:
        if len(link.url) + len(link.shown) <= _MAX_REMEMBERED:
            host, verdict, found, shown_url = _judged(link.url, link.shown, link.origin)
        else:  # a huge link is judged afresh: the cache keeps no megabytes of it
            host, verdict, found, shown_url = _judged.__wrapped__(link.url, link.shown, link.origin)
        if not host:
            continue
        findings.append(LinkFinding(url=shown_url, host=host, verdict=verdict, shown=link.shown[:200]))
        if verdict in ("foreign", "suspicious") and host not in foreign:
            foreign.append(host)
        for code, detail in found:
            reasons.setdefault(code, Reason(code, detail, k.weight(code)))
    if foreign:
        listed = ", ".join(h for h in foreign[:3])
        reasons.setdefault("link.foreign", Reason("link.foreign", f"links lead away from Amazon: {listed}",
                                                  k.weight("link.foreign")))
    unique: dict[tuple[str, str], LinkFinding] = {}
    for f in findings:
        unique.setdefault((f.url, f.verdict), f)
    ordered = sorted(unique.values(), key=lambda f: SEVERITY.index(f.verdict) if f.verdict in SEVERITY else 99)
    return ordered[:50], list(reasons.values()), foreign
