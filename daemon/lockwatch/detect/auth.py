"""SPF / DKIM / DMARC results from the Authentication-Results headers the user's own server added.

A sender controls every header of a mail except those the receiving side put on top, so only
the topmost Authentication-Results header (or the topmost of a configured authserv-id) is read;
any copy further down is the sender's word and ignored. ARC-Authentication-Results are a
fallback, read only when a configured forwarder sealed the newest ARC set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lockwatch.detect.domains import registered_domain

__all__ = ["AuthVerdict", "signed_domains", "trusted_results", "written_where_received"]

_DMARC_FAIL = frozenset({"fail", "quarantine", "reject"})


@dataclass
class AuthVerdict:
    """What the trusted header says. Results are lower-case; "none" when a method is absent."""

    present: bool = False  # a trusted header was found
    dmarc: str = "none"  # "bestguesspass" (Microsoft) is not a pass
    dmarc_from: str = ""  # lower-cased header.from domain the DMARC result is about
    spf: str = "none"
    spf_domain: str = ""
    dkim_pass_domains: list[str] = field(default_factory=list)  # header.d (or header.i's domain) of passes
    dkim_results: list[str] = field(default_factory=list)
    compauth: str = ""  # Microsoft composite authentication, "" when absent
    source: str = ""  # "authentication-results" | "arc" | "" (nothing trusted)
    authserv_id: str = ""  # of the header read ("" for Microsoft 365, which writes none)

    def aligned_pass(self, from_domain: str, *, from_unambiguous: bool = True) -> bool:
        """DMARC pass for the From's registered domain, or a DKIM pass signed by that domain.

        A DMARC pass without ``header.from`` counts only when the caller knows the From is
        unambiguous (one From, one address). A DMARC failure for the domain outweighs any pass.
        """
        reg = registered_domain(from_domain) if from_domain else ""
        if not reg or self.dmarc_failed_for(from_domain):
            return False
        if self.dmarc == "pass":
            if self.dmarc_from and registered_domain(self.dmarc_from) == reg:
                return True
            if not self.dmarc_from and from_unambiguous:
                return True
        return any(registered_domain(d) == reg for d in self.dkim_pass_domains)

    def dmarc_failed_for(self, from_domain: str) -> bool:
        """DMARC fail/quarantine/reject, or compauth=fail, for that domain (or naming no header.from)."""
        if not (self.dmarc in _DMARC_FAIL or self.compauth == "fail"):
            return False
        return not self.dmarc_from or registered_domain(self.dmarc_from) == registered_domain(from_domain)


@dataclass(frozen=True)
class _Result:
    method: str
    result: str
    properties: dict[str, str]  # "header.d", "smtp.mailfrom", ... and bare "reason", "action"


# -- tokenising (linear time: no backtracking regex; comments and quotes in at most two passes) ----
_SPECIAL = re.compile(r'[()"\\]')
_TOKEN = re.compile(r"[^\s=]+|=")
_METHOD = re.compile(r"[a-z0-9_-]+(?:/[0-9]+)?")
_WORD = re.compile(r"[a-z0-9_-]+")
_RESULT_START = re.compile(r"\s*[A-Za-z0-9_-]+(?:/[0-9]+)?\s*=")
_INERT = str.maketrans(dict.fromkeys(" \t\r\n;=()\"\\", "_"))  # separators inside a quoted string


def _decomment(value: str) -> str:
    """Drop (nested) comments; keep a quoted string's text with its separators made inert.

    A "(" or '"' that is never closed (a sender's stray parenthesis echoed in a comment) is read
    as a plain character, so it cannot hide the results after it; a stray ")" is a space.
    """
    text, unclosed = _decomment_pass(value, frozenset())
    if unclosed:
        text, _ = _decomment_pass(value, frozenset(unclosed))  # what is still unbalanced is dropped
    return text


def _decomment_pass(value: str, literal: frozenset[int]) -> tuple[str, list[int]]:
    """One linear pass; ``literal``: positions of "(" / '"' to read as plain characters."""
    out: list[str] = []
    opened: list[int] = []  # positions of the comment parentheses still open
    quote = -1  # position of the opening quote while inside a quoted string
    start = 0  # where the text being kept (outside or quoted) began
    skip = -1  # position escaped by a backslash
    for m in _SPECIAL.finditer(value):
        i, ch = m.start(), m.group()
        if i == skip or i in literal:
            continue
        if ch == "\\":
            if quote >= 0 or opened:
                skip = i + 1
        elif quote >= 0:
            if ch == '"':
                out.append(value[start:i].translate(_INERT))
                quote, start = -1, i + 1
        elif opened:
            if ch == "(":
                opened.append(i)
            elif ch == ")":
                opened.pop()
                if not opened:
                    out.append(" ")
                    start = i + 1
        else:
            out.append(value[start:i])
            start = i + 1
            if ch == "(":
                opened.append(i)
            elif ch == '"':
                quote = i
            else:
                out.append(" ")  # stray ")"
    if quote >= 0:
        out.append(value[start:].translate(_INERT))
        return "".join(out), [quote]
    if not opened:
        out.append(value[start:])
    return "".join(out), opened


def _pairs(chunk: str) -> list[tuple[str, str]]:
    """`key = value` pairs of one result, in order (spaces around "=" allowed)."""
    tokens = _TOKEN.findall(chunk)
    pairs: list[tuple[str, str]] = []
    i, n = 0, len(tokens)
    while i < n - 1:
        if tokens[i] != "=" and tokens[i + 1] == "=":
            value = tokens[i + 2] if i + 2 < n and tokens[i + 2] != "=" else ""
            pairs.append((tokens[i].lower(), value))
            i += 3 if value else 2
        else:
            i += 1
    return pairs


def _result(chunk: str) -> _Result | None:
    pairs = _pairs(chunk)
    if not pairs:
        return None
    method, outcome = pairs[0]
    outcome = outcome.lower()
    if not _METHOD.fullmatch(method) or not _WORD.fullmatch(outcome):
        return None
    props: dict[str, str] = {}
    for key, value in pairs[1:]:
        props.setdefault(key, value)
    return _Result(method.partition("/")[0], outcome, props)


def _parse(value: str) -> tuple[str, list[_Result]] | None:
    """RFC 8601 header value → (authserv-id, results); None when it is not one.

    Microsoft 365 writes no authserv-id (the value starts with a result): its id is "".
    """
    chunks = _decomment(value).split(";")
    if _RESULT_START.match(chunks[0]):
        authserv_id, rest = "", chunks  # no authserv-id: the first chunk is already a result
    else:
        tokens = chunks[0].split()
        if not tokens or "=" in tokens[0]:
            return None
        authserv_id, rest = tokens[0], chunks[1:]  # a version number may follow the id
    results = [r for r in map(_result, rest) if r is not None]
    return authserv_id.lower(), results


# -- reading the results -----------------------------------------------------------------------
def _domain(value: str) -> str:
    return value.strip().rpartition("@")[2].strip(".<>_").lower()


def _verdict(headers: Sequence[tuple[str, list[_Result]]], source: str) -> AuthVerdict:
    """Fold the results of the trusted header(s) into one verdict; a failure wins over a pass."""
    verdict = AuthVerdict(present=True, source=source, authserv_id=headers[0][0])
    results = [r for _, rs in headers for r in rs]
    dmarc = [r for r in results if r.method == "dmarc"]
    if dmarc:
        chosen = next((r for r in dmarc if r.result in _DMARC_FAIL), dmarc[0])
        verdict.dmarc = chosen.result
        verdict.dmarc_from = _domain(chosen.properties.get("header.from", ""))
    spf = [r for r in results if r.method == "spf"]
    if spf:
        chosen = next((r for r in spf if r.properties.get("smtp.mailfrom")), spf[0])
        verdict.spf = chosen.result
        verdict.spf_domain = _domain(chosen.properties.get("smtp.mailfrom", "") or chosen.properties.get("smtp.helo", ""))
    compauth = [r.result for r in results if r.method == "compauth"]
    if compauth:
        verdict.compauth = "fail" if "fail" in compauth else compauth[0]
    for r in results:
        if r.method != "dkim":
            continue
        verdict.dkim_results.append(r.result)
        domain = _domain(r.properties.get("header.d", "") or r.properties.get("header.i", ""))
        if r.result == "pass" and domain and domain != "none":
            verdict.dkim_pass_domains.append(domain)
    return verdict


def _trusted_block(headers: Iterable[str], wanted: set[str]) -> list[tuple[str, list[_Result]]]:
    """The topmost header of a wanted id, and the headers the same pass wrote right below it.

    OpenDKIM + OpenDMARC (and iCloud) write one header per method; the block ends at the first
    header of another id, one that does not parse, or one repeating a method already read (a copy).
    """
    block: list[tuple[str, list[_Result]]] = []
    seen: set[str] = set()
    for value in headers:
        parsed = _parse(value)
        if parsed is None or parsed[0] not in wanted:
            if block:
                break
            continue  # above the trusted header: a later hop of the user's own side
        methods = {r.method for r in parsed[1]}
        if methods & seen:
            break
        block.append(parsed)
        seen |= methods
    return block


def _arc_tags(value: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for part in value.split(";"):
        key, eq, val = part.partition("=")
        if eq:
            tags.setdefault(key.strip().lower(), "".join(val.split()))
    return tags


def _arc_instance(name: str, value: str) -> int | None:
    if name == "arc-authentication-results":
        key, _, val = value.partition(";")[0].partition("=")
        i = val.strip() if key.strip().lower() == "i" else ""
    else:
        i = _arc_tags(value).get("i", "")
    return int(i) if i.isdigit() and len(i) <= 2 and 1 <= int(i) <= 50 else None


def _arc_results(arc_headers: Sequence[tuple[str, str]], forwarders: Sequence[str]) -> AuthVerdict | None:
    """The newest ARC set's results when a trusted forwarder sealed it and its chain did not fail."""
    trusted = {registered_domain(f) for f in forwarders if f.strip()}
    if not trusted:
        return None
    sets: dict[int, dict[str, list[str]]] = {}
    for name, value in arc_headers:
        name = name.lower()
        if name not in ("arc-seal", "arc-message-signature", "arc-authentication-results"):
            continue
        i = _arc_instance(name, value)
        if i is not None:
            sets.setdefault(i, {}).setdefault(name, []).append(value)
    if not sets:
        return None
    newest = sets[max(sets)]
    seals, aars = newest.get("arc-seal", []), newest.get("arc-authentication-results", [])
    if len(seals) != 1 or len(aars) != 1:
        return None  # missing or duplicated: not one forwarder's set
    seal = _arc_tags(seals[0])
    if seal.get("cv", "").lower() not in ("none", "pass") or registered_domain(seal.get("d", "")) not in trusted:
        return None
    parsed = _parse(aars[0].partition(";")[2])
    return _verdict([parsed], "arc") if parsed is not None else None


def trusted_results(headers: Sequence[str], authserv_ids: Sequence[str] = (), *,
                    arc_headers: Sequence[tuple[str, str]] | None = None,
                    trusted_forwarders: Sequence[str] = ()) -> AuthVerdict:
    """The verdict of the user's own server; never raises.

    ``headers``: Authentication-Results values, topmost first. With ``authserv_ids`` the topmost
    header of one of them counts (with the headers its server wrote in the same pass right below
    it); without, the topmost header alone. ``arc_headers`` — (name, value) of ARC-* headers,
    topmost first — are read only when no such header is there and ``trusted_forwarders`` sealed
    the newest ARC set.
    """
    wanted = {a.strip().lower() for a in authserv_ids if a.strip()}
    if wanted:
        block = _trusted_block(headers, wanted)
    else:
        top = _parse(headers[0]) if headers else None
        block = [top] if top is not None else []
    if block:
        return _verdict(block, "authentication-results")
    if arc_headers and trusted_forwarders:
        return _arc_results(arc_headers, trusted_forwarders) or AuthVerdict()
    return AuthVerdict()


_BY_HOST = re.compile(r"(?i)\bby\s+\[?([a-z0-9][a-z0-9.-]*)")
_SIGNED_DOMAIN = re.compile(r"(?i)(?:^|;)\s*d\s*=\s*([a-z0-9.-]+)")


def written_where_received(trace: Sequence[tuple[str, str]], authserv_id: str) -> bool:
    """Could the topmost Authentication-Results with ``authserv_id`` have been written by the server that
    received the mail? Its nearest Received header above or below must be by a host of the same domain
    (Postfix milters write it above their Received, Gmail below). True when that cannot be told (no
    Received, an id or host that is no domain name)."""
    if "." not in authserv_id:
        return True
    position = next((i for i, (name, value) in enumerate(trace) if name == "authentication-results"
                     and value.split(";", 1)[0].strip().split()[:1] == [authserv_id]), None)
    if position is None:
        return True
    near = [next((v for n, v in reversed(trace[:position]) if n == "received"), None),
            next((v for n, v in trace[position + 1:] if n == "received"), None)]
    hosts = [m[1].lower().rstrip(".") for v in near if v and (m := _BY_HOST.search(v))]
    if not hosts or not any("." in h and not h.replace(".", "").isdigit() for h in hosts):
        return True
    own = registered_domain(authserv_id)
    return any(h == authserv_id.lower() or registered_domain(h) == own for h in hosts)


def signed_domains(dkim_signatures: Sequence[str]) -> set[str]:
    """The registered d= domains of the DKIM-Signature headers a mail carries."""
    return {registered_domain(m[1]) for value in dkim_signatures[:20] if (m := _SIGNED_DOMAIN.search(value))}
