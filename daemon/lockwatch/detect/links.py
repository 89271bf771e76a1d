"""Every link judged as text: where it really goes against what it shows. Nothing is fetched."""

from __future__ import annotations

import re
from urllib.parse import unquote

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

MAX_JUDGED = 300
_SHOWN_HOST = re.compile(r"(?i)(?:https?://)?((?:[a-z0-9\u00a1-\uffff-]+\.)+[a-z\u00a1-\uffff]{2,}|\d{1,3}(?:\.\d{1,3}){3})")
# a parameter value that is itself an address (open redirects: ?q=https://..., ?url=www....)
_EMBEDDED_URL = re.compile(r"(?i)(?:^|[&;])[a-z_]{0,12}=(?:https?(?::|%3a)|www\.|%2f%2f|//)")
# order of severity for a link's single verdict
SEVERITY = ("lookalike", "mismatch", "ip", "credentials", "redirector", "shortener", "suspicious", "foreign",
            "partner", "amazon")


def _judge(link: Link) -> tuple[str, str, list[tuple[str, str]]]:
    """(host, verdict, [(reason code, detail)]) for one link."""
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


def examine_links(links: list[Link]) -> tuple[list[LinkFinding], list[Reason], list[str]]:
    """Findings per link, one reason per code (with its first detail), and the foreign hosts seen."""
    k = knowledge()
    findings: list[LinkFinding] = []
    reasons: dict[str, Reason] = {}
    foreign: list[str] = []
    judged: dict[tuple[str, str, str], tuple[str, str, list[tuple[str, str]]]] = {}
    for link in links[:MAX_JUDGED]:
        key = (link.url, link.shown, link.origin)
        if key not in judged:
            judged[key] = _judge(link)
        host, verdict, found = judged[key]
        if not host:
            continue
        findings.append(LinkFinding(url=defang(link.url), host=host, verdict=verdict, shown=link.shown[:200]))
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
