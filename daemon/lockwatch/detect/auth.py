"""SPF / DKIM / DMARC results from the Authentication-Results headers the user's own server added."""

from __future__ import annotations

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


def _parse(value: str):
    import authres

    try:
        return authres.AuthenticationResultsHeader.parse("Authentication-Results: " + value)
    except Exception:  # authres raises its own SyntaxError and others on junk
        return None


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
        if wanted and str(parsed.authserv_id).lower() not in wanted:
            continue
        verdict.present = True
        for result in parsed.results:
            method, outcome = str(result.method).lower(), str(result.result).lower()
            props = {f"{p.type}.{p.name}".lower(): str(p.value) for p in result.properties}
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
