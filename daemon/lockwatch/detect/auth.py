"""SPF / DKIM / DMARC results from the Authentication-Results headers the user's own server added."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lockwatch.detect.domains import registered_domain


@dataclass
class AuthVerdict:
    present: bool = False  # a trusted header was found
    dmarc: str = "none"
    spf: str = "none"
    spf_domain: str = ""
    dkim_pass_domains: list[str] = field(default_factory=list)
    dkim_results: list[str] = field(default_factory=list)

    def aligned_pass(self, from_domain: str) -> bool:
        """DMARC pass, or DKIM pass for the From's registered domain."""
        reg = registered_domain(from_domain)
        if self.dmarc == "pass":
            return True
        return any(registered_domain(d) == reg for d in self.dkim_pass_domains)


_COMMENT = re.compile(r"\([^()]*\)")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_RESULT = re.compile(r"^\s*([a-z0-9_.-]+)\s*=\s*([a-z0-9_-]+)(.*)$", re.IGNORECASE | re.DOTALL)
_PROPERTY = re.compile(r"([a-z0-9_-]+)\.([a-z0-9_-]+)\s*=\s*([^\s;]+)", re.IGNORECASE)


@dataclass(frozen=True)
class _Result:
    method: str
    result: str
    properties: dict[str, str]


def _parse(value: str) -> tuple[str, list[_Result]] | None:
    """RFC 8601 header value → (authserv-id, results); None when it is not one.

    A small tolerant parser: the library parsers cost ~3 ms a header (comment handling), which
    would dominate the whole analysis; comments and quoted strings carry no results.
    """
    value = _QUOTED.sub('""', value)
    for _ in range(3):  # nested comments
        value = _COMMENT.sub(" ", value)
    authserv, _, rest = value.partition(";")
    authserv_id = authserv.strip().split()[0] if authserv.strip() else ""
    if not authserv_id or "=" in authserv_id:
        return None
    results = []
    for chunk in rest.split(";"):
        m = _RESULT.match(chunk)
        if not m:
            continue
        props = {f"{t}.{n}".lower(): v.strip('"') for t, n, v in _PROPERTY.findall(m.group(3))}
        results.append(_Result(m.group(1).lower(), m.group(2).lower(), props))
    return authserv_id, results


def trusted_results(headers: list[str], authserv_ids: tuple[str, ...] = ()) -> AuthVerdict:
    """Read the topmost header (or those of the configured authserv-ids); ignore the rest.

    Headers further down may have been written by the sender and prove nothing.
    """
    verdict = AuthVerdict()
    wanted = {a.lower() for a in authserv_ids}
    for value in headers:
        parsed = _parse(value)
        if parsed is None:
            if not wanted:
                break
            continue
        authserv_id, results = parsed
        if wanted and authserv_id.lower() not in wanted:
            continue
        verdict.present = True
        for result in results:
            method, outcome, props = result.method, result.result, result.properties
            if method == "dmarc":
                verdict.dmarc = outcome if verdict.dmarc in ("none", "") else verdict.dmarc
            elif method == "spf":
                verdict.spf = outcome
                mailfrom = props.get("smtp.mailfrom", "") or props.get("smtp.helo", "")
                verdict.spf_domain = mailfrom.rpartition("@")[2].lower()
            elif method == "dkim":
                verdict.dkim_results.append(outcome)
                domain = props.get("header.d", "") or props.get("header.i", "").lstrip("@").rpartition("@")[2]
                if outcome == "pass" and domain:
                    verdict.dkim_pass_domains.append(domain.lower())
        if not wanted:
            break
    return verdict
