"""Authentication-Results as real providers write them, which header to trust, and ARC as a fallback."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from lockwatch import config as cfg
from lockwatch.detect import DetectOptions, analyse_bytes
from lockwatch.detect.auth import AuthVerdict, trusted_results
from lockwatch.errors import ConfigError
from lockwatch.parse.message import parse
from support.paths import ROOT

AMAZON = "amazon.co.jp"

# -- samples, as each provider writes them (unfolded unless the test is about folding) -----------
M365_PASS = ("spf=pass (sender IP is 52.95.48.1) smtp.mailfrom=amazon.co.jp; dkim=pass (signature was verified) "
             "header.d=amazon.co.jp;dmarc=pass action=none header.from=amazon.co.jp;compauth=pass reason=100")
M365_FAIL = ("spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=amazon.co.jp; dkim=none (message not signed) "
             "header.d=none;dmarc=fail action=quarantine header.from=amazon.co.jp;compauth=fail reason=000")
M365_BESTGUESS = ("spf=pass (sender IP is 198.51.100.7) smtp.mailfrom=amazon.co.jp; dkim=none (message not signed) "
                  "header.d=none;dmarc=bestguesspass action=none header.from=amazon.co.jp;compauth=pass reason=109")
M365_NONE = ("spf=none (sender IP is 203.0.113.9) smtp.mailfrom=amaz0n-jp.top; dkim=none (message not signed) "
             "header.d=none;dmarc=none action=none header.from=amazon.co.jp;compauth=fail reason=001")
GMAIL_PASS = ("mx.google.com; dkim=pass header.i=@amazon.co.jp header.s=rjt5vhsqvgdqvvkcbsw5ur7bmxyxmwdz "
              "header.b=dT5Yz0Qa; dkim=pass header.i=@amazonses.com header.s=224i4yxa5dv7c2xz3womw6peuasteono "
              "header.b=Kd9wYvXc; spf=pass (google.com: domain of 20261123001234a1b2@bounces.amazon.co.jp designates "
              "52.95.48.1 as permitted sender) smtp.mailfrom=20261123001234a1b2@bounces.amazon.co.jp; "
              "dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=amazon.co.jp")
GMAIL_FAIL = ("mx.google.com; dkim=neutral (no key) header.i=@amazon.co.jp header.s=s1 header.b=AbCdEf12; "
              "spf=softfail (google.com: domain of transitioning info@amaz0n-jp.top does not designate 203.0.113.9 "
              "as permitted sender) smtp.mailfrom=info@amaz0n-jp.top; "
              "dmarc=fail (p=QUARANTINE sp=QUARANTINE dis=QUARANTINE) header.from=amazon.co.jp")
GMAIL_OWN_DOMAIN = ("mx.google.com; dkim=pass header.i=@amaz0n-support.top header.s=default header.b=Zx81Qw3e; "
                    "spf=pass (google.com: domain of info@amaz0n-support.top designates 203.0.113.9 as permitted "
                    "sender) smtp.mailfrom=info@amaz0n-support.top; "
                    "dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=amaz0n-support.top")
YAHOO_JP_PASS = ("mta5003.mail.kks.yahoo.co.jp  from=amazon.co.jp; domainkeys=neutral (no sig); "
                 "dkim=pass (ok) header.i=@amazon.co.jp; spf=pass smtp.mailfrom=bounces.amazon.co.jp; "
                 "dmarc=pass header.from=amazon.co.jp")
YAHOO_JP_PASS2 = ("mta1021.mail.ssk.yahoo.co.jp; spf=pass smtp.mailfrom=bounces.amazon.co.jp; "
                  "dkim=pass header.d=amazon.co.jp; dmarc=pass header.from=amazon.co.jp")
YAHOO_JP_FAIL = ("mta1021.mail.ssk.yahoo.co.jp; spf=softfail smtp.mailfrom=amaz0n-jp.top; dkim=none; "
                 "dmarc=fail header.from=amazon.co.jp")
YAHOO_COM = ("atlas220.free.mail.bf1.yahoo.com; dkim=pass header.i=@amazon.co.jp header.s=rjt5vhsqvgdqvvkcbsw5ur7b; "
             "spf=pass smtp.mailfrom=bounces.amazon.co.jp; dmarc=pass(p=QUARANTINE) header.from=amazon.co.jp;")
ICLOUD = [
    "bimi.icloud.com; bimi=pass header.d=amazon.co.jp header.selector=default policy.authority=pass "
    "policy.authority-uri=https://d3frv9g52qce38.cloudfront.net/amazondefault/vmc.pem",
    "dmarc.icloud.com; dmarc=pass header.from=amazon.co.jp",
    "dkim-verifier.icloud.com; dkim=pass (2048-bit key) header.d=amazon.co.jp header.i=@amazon.co.jp header.b=dT5Yz0Qa",
    "spf.icloud.com; spf=pass (spf.icloud.com: domain of 0106019a@bounces.amazon.co.jp designates 52.95.48.1 as "
    "permitted sender) smtp.mailfrom=0106019a@bounces.amazon.co.jp",
]
ICLOUD_IDS = ("bimi.icloud.com", "dmarc.icloud.com", "dkim-verifier.icloud.com", "spf.icloud.com")
OPENDMARC = "mail.example.com; dmarc=pass (p=reject dis=none) header.from=amazon.co.jp"
OPENDKIM = ("mail.example.com; dkim=pass (2048-bit key; unprotected) header.d=amazon.co.jp header.i=@amazon.co.jp "
            "header.a=rsa-sha256 header.s=rjt5vhsqvgdqvvkcbsw5ur7bmxyxmwdz header.b=dT5Yz0Qa; dkim-atps=neutral")
POLICYD_SPF = ("mail.example.com; spf=pass (sender SPF authorized) smtp.mailfrom=bounces.amazon.co.jp "
               "(client-ip=52.95.48.1; helo=a48-1.smtp-out.amazonses.com; envelope-from=x@bounces.amazon.co.jp; "
               "receiver=<UNKNOWN>)")
RSPAMD_PASS = ("mx.example.com; dkim=pass header.d=amazon.co.jp header.s=rjt5vhsqvgdqvvkcbsw5ur7bmxyxmwdz "
               "header.b=dT5Yz0Qa; spf=pass (mx.example.com: domain of 0106019a@bounces.amazon.co.jp designates "
               "52.95.48.1 as permitted sender) smtp.mailfrom=0106019a@bounces.amazon.co.jp; "
               'dmarc=pass reason="SPF not aligned (relaxed)" header.from=amazon.co.jp (policy=quarantine)')
RSPAMD_FAIL = ("mx.example.com; dkim=none; spf=fail (mx.example.com: domain of x@amazon.co.jp does not designate "
               "203.0.113.9 as permitted sender) smtp.mailfrom=x@amazon.co.jp; "
               'dmarc=fail reason="No valid SPF, No valid DKIM" header.from=amazon.co.jp (policy=quarantine)')
FORGED_PASS = ("mx.home.example; dkim=pass header.d=amazon.co.jp; spf=pass smtp.mailfrom=x@bounces.amazon.co.jp; "
               "dmarc=pass header.from=amazon.co.jp")
REAL_FAIL = ("mx.home.example; dkim=none; spf=softfail smtp.mailfrom=x@amaz0n-jp.top; "
             "dmarc=fail header.from=amazon.co.jp")


def proven(headers: list[str], ids: tuple[str, ...] = (), domain: str = AMAZON) -> bool:
    auth = trusted_results(headers, ids)
    return auth.present and auth.aligned_pass(domain)


# -- Microsoft 365 / Outlook.com ---------------------------------------------------------------
def test_m365_pass_without_authserv_id():
    auth = trusted_results([M365_PASS])
    assert auth.present and auth.source == "authentication-results" and auth.authserv_id == ""
    assert (auth.dmarc, auth.dmarc_from, auth.compauth) == ("pass", AMAZON, "pass")
    assert (auth.spf, auth.spf_domain, auth.dkim_pass_domains) == ("pass", AMAZON, [AMAZON])
    assert auth.aligned_pass("auto-confirm.amazon.co.jp") and not auth.dmarc_failed_for(AMAZON)


def test_m365_dmarc_fail_and_compauth_fail():
    auth = trusted_results([M365_FAIL])
    assert (auth.dmarc, auth.dmarc_from, auth.compauth, auth.spf) == ("fail", AMAZON, "fail", "fail")
    assert auth.dkim_results == ["none"] and auth.dkim_pass_domains == []
    assert auth.dmarc_failed_for(AMAZON) and not auth.aligned_pass(AMAZON)


def test_m365_bestguesspass_is_not_a_pass():
    auth = trusted_results([M365_BESTGUESS])
    assert auth.dmarc == "bestguesspass" and auth.dmarc_from == AMAZON
    assert not auth.aligned_pass(AMAZON) and not auth.dmarc_failed_for(AMAZON)


def test_m365_compauth_fail_alone_is_evidence_against():
    auth = trusted_results([M365_NONE])
    assert (auth.spf, auth.spf_domain, auth.dmarc, auth.compauth) == ("none", "amaz0n-jp.top", "none", "fail")
    assert auth.dmarc_failed_for(AMAZON) and not auth.dmarc_failed_for("example.org")
    # compauth=fail outweighs even a DKIM pass the same header reports
    assert not trusted_results([M365_NONE.replace("dkim=none (message not signed) header.d=none",
                                                  "dkim=pass header.d=amazon.co.jp")]).aligned_pass(AMAZON)


def test_outlook_lower_case_header_name_is_read():
    raw = (b"authentication-results: " + M365_PASS.encode() + b"\r\n"
           b"From: Amazon.co.jp <auto-confirm@amazon.co.jp>\r\nSubject: x\r\n\r\nbody\r\n")
    mail = parse(raw)
    assert mail.auth_results == [M365_PASS]
    assert trusted_results(mail.auth_results).aligned_pass(AMAZON)


# -- Gmail, Yahoo, iCloud ----------------------------------------------------------------------
def test_gmail_pass():
    auth = trusted_results([GMAIL_PASS], ("mx.google.com",))
    assert auth.authserv_id == "mx.google.com" and (auth.dmarc, auth.dmarc_from) == ("pass", AMAZON)
    assert auth.dkim_pass_domains == [AMAZON, "amazonses.com"] and auth.dkim_results == ["pass", "pass"]
    assert auth.spf_domain == "bounces.amazon.co.jp" and auth.aligned_pass(AMAZON)


def test_gmail_fail():
    auth = trusted_results([GMAIL_FAIL])
    assert (auth.dmarc, auth.spf, auth.spf_domain) == ("fail", "softfail", "amaz0n-jp.top")
    assert auth.dkim_results == ["neutral"] and not auth.aligned_pass(AMAZON) and auth.dmarc_failed_for(AMAZON)


def test_results_inside_comments_do_not_count():
    value = ("mx.google.com; arc=fail (i=1 spf=pass spfdomain=amazon.co.jp dkim=pass dkdomain=amazon.co.jp "
             "dmarc=pass fromdomain=amazon.co.jp); dkim=none; dmarc=fail (p=QUARANTINE sp=QUARANTINE "
             "dis=QUARANTINE) header.from=amazon.co.jp")
    auth = trusted_results([value])
    assert auth.dmarc == "fail" and auth.dkim_pass_domains == [] and not auth.aligned_pass(AMAZON)


@pytest.mark.parametrize("value", [YAHOO_JP_PASS, YAHOO_JP_PASS2, YAHOO_COM])
def test_yahoo_pass_forms(value):
    auth = trusted_results([value], (value.split(";")[0].split()[0],))
    assert auth.present and (auth.dmarc, auth.dmarc_from) == ("pass", AMAZON)
    assert auth.dkim_pass_domains == [AMAZON] and auth.spf == "pass" and auth.aligned_pass(AMAZON)


def test_yahoo_jp_fail():
    auth = trusted_results([YAHOO_JP_FAIL])
    assert (auth.dmarc, auth.spf, auth.dkim_results) == ("fail", "softfail", ["none"])
    assert auth.dmarc_failed_for(AMAZON) and not auth.aligned_pass(AMAZON)


def test_icloud_writes_one_header_per_method():
    auth = trusted_results(ICLOUD, ICLOUD_IDS)
    assert auth.authserv_id == "bimi.icloud.com" and (auth.dmarc, auth.dmarc_from) == ("pass", AMAZON)
    assert auth.dkim_pass_domains == [AMAZON] and auth.spf == "pass" and auth.aligned_pass(AMAZON)
    # a BIMI pass names header.d too: it is not a DKIM result
    assert not trusted_results(ICLOUD[:1], ICLOUD_IDS).aligned_pass(AMAZON)
    # without configured ids only the topmost (BIMI) header counts
    bare = trusted_results(ICLOUD)
    assert bare.present and bare.dmarc == "none" and not bare.aligned_pass(AMAZON)


def test_icloud_fail():
    headers = ["bimi.icloud.com; bimi=skipped reason=\"insufficient dmarc\"",
               "dmarc.icloud.com; dmarc=fail header.from=amazon.co.jp",
               "dkim-verifier.icloud.com; dkim=none", "spf.icloud.com; spf=fail smtp.mailfrom=x@amaz0n-jp.top"]
    auth = trusted_results(headers, ICLOUD_IDS)
    assert (auth.dmarc, auth.spf, auth.dkim_results) == ("fail", "fail", ["none"]) and auth.dmarc_failed_for(AMAZON)


# -- Postfix milters, rspamd -------------------------------------------------------------------
def test_opendmarc_and_opendkim_headers_of_one_pass_are_merged():
    auth = trusted_results([OPENDMARC, OPENDKIM, POLICYD_SPF], ("mail.example.com",))
    assert (auth.dmarc, auth.dmarc_from) == ("pass", AMAZON)
    assert auth.dkim_pass_domains == [AMAZON] and auth.dkim_results == ["pass"]
    assert (auth.spf, auth.spf_domain) == ("pass", "bounces.amazon.co.jp")


def test_opendkim_alone_and_a_failing_opendkim_result():
    assert trusted_results([OPENDKIM], ("mail.example.com",)).aligned_pass(AMAZON)
    failed = OPENDKIM.replace("dkim=pass (2048-bit key; unprotected)",
                              'dkim=fail reason="signature verification failed" (2048-bit key; secure)')
    auth = trusted_results([failed], ("mail.example.com",))
    assert auth.dkim_results == ["fail"] and auth.dkim_pass_domains == [] and not auth.aligned_pass(AMAZON)


def test_semicolons_inside_a_comment_do_not_split_results():
    auth = trusted_results([POLICYD_SPF + "; dmarc=fail header.from=amazon.co.jp"])
    assert (auth.spf, auth.spf_domain, auth.dmarc) == ("pass", "bounces.amazon.co.jp", "fail")


def test_rspamd_pass_with_quoted_reason_and_trailing_comment():
    auth = trusted_results([RSPAMD_PASS], ("mx.example.com",))
    assert (auth.dmarc, auth.dmarc_from, auth.dkim_pass_domains) == ("pass", AMAZON, [AMAZON])
    assert auth.aligned_pass(AMAZON)


def test_rspamd_fail():
    auth = trusted_results([RSPAMD_FAIL])
    assert (auth.dmarc, auth.dmarc_from, auth.spf, auth.spf_domain) == ("fail", AMAZON, "fail", AMAZON)
    assert not auth.aligned_pass(AMAZON)


# -- syntax ------------------------------------------------------------------------------------
def test_folded_uppercase_value_with_version():
    value = ("MX.Example.COM 1;\r\n\tDKIM=PASS (1024-bit key)\r\n header.d=Amazon.CO.JP;\r\n\t"
             "DMARC=Pass header.from=AMAZON.CO.JP;\r\n\tSPF = SoftFail smtp.mailfrom = X@Bounces.Amazon.co.jp")
    auth = trusted_results([value], ("mx.example.com",))
    assert auth.authserv_id == "mx.example.com" and (auth.dmarc, auth.dmarc_from) == ("pass", AMAZON)
    assert auth.dkim_pass_domains == [AMAZON] and (auth.spf, auth.spf_domain) == ("softfail", "bounces.amazon.co.jp")


def test_nested_comments_and_quoted_strings_hide_nothing_and_add_nothing():
    nested = "mx.example.com; dmarc=pass (outer (inner; dmarc=fail) still comment) header.from=amazon.co.jp"
    auth = trusted_results([nested])
    assert (auth.dmarc, auth.dmarc_from) == ("pass", AMAZON)
    quoted = ('mx.example.com; spf=pass smtp.mailfrom="a;dmarc=pass header.from=amazon.co.jp"@amaz0n-jp.top; '
              "dmarc=fail header.from=amazon.co.jp")
    auth = trusted_results([quoted])
    assert (auth.dmarc, auth.spf_domain) == ("fail", "amaz0n-jp.top")


def test_an_unbalanced_parenthesis_from_the_sender_cannot_hide_the_dmarc_failure():
    value = ('mx.google.com; dkim=none; spf=softfail (google.com: domain of "x(y"@amaz0n-jp.top does not '
             'designate 203.0.113.9 as permitted sender) smtp.mailfrom="x(y"@amaz0n-jp.top; '
             "dmarc=fail (p=QUARANTINE sp=QUARANTINE dis=QUARANTINE) header.from=amazon.co.jp")
    auth = trusted_results([value])
    assert (auth.dmarc, auth.dmarc_from, auth.spf) == ("fail", AMAZON, "softfail")


def test_no_results_and_failure_wins_within_a_header():
    auth = trusted_results(["mx.example.com; none"], ("mx.example.com",))
    assert auth.present and auth.dmarc == "none" and not auth.aligned_pass(AMAZON)
    twice = "mx.example.com; dmarc=pass header.from=amazon.co.jp; dmarc=fail header.from=amazon.co.jp"
    assert trusted_results([twice]).dmarc == "fail"


# -- which header counts -----------------------------------------------------------------------
def test_forged_lower_copy_is_ignored_without_ids():
    auth = trusted_results([REAL_FAIL, FORGED_PASS])
    assert auth.dmarc == "fail" and auth.dkim_pass_domains == [] and not auth.aligned_pass(AMAZON)


def test_forged_lower_copy_with_the_same_id_is_ignored():
    auth = trusted_results([REAL_FAIL, FORGED_PASS], ("mx.home.example",))
    assert auth.dmarc == "fail" and auth.dkim_pass_domains == [] and not auth.aligned_pass(AMAZON)
    # a copy adding only what the real header lacks is not enough either: the DMARC failure wins
    partial = trusted_results(["mx.home.example; dmarc=fail header.from=amazon.co.jp",
                               "mx.home.example; dkim=pass header.d=amazon.co.jp"], ("mx.home.example",))
    assert partial.dmarc_failed_for(AMAZON) and not partial.aligned_pass(AMAZON)


def test_only_a_configured_id_counts():
    # the sender wrote a header naming the user's provider; the user's own server wrote none
    assert not trusted_results([FORGED_PASS], ("mx.other.example",)).present
    # a header of an id the user does not trust, above the trusted one, is skipped
    auth = trusted_results(["relay.isp.example; dmarc=pass header.from=amazon.co.jp", REAL_FAIL],
                           ("MX.home.example",))
    assert auth.authserv_id == "mx.home.example" and auth.dmarc == "fail"


def test_several_trusted_ids_are_not_merged_when_a_method_repeats():
    top = "mx1.home.example; dkim=none; spf=fail smtp.mailfrom=x@amaz0n-jp.top; dmarc=fail header.from=amazon.co.jp"
    lower = "mx2.home.example; dkim=pass header.d=amazon.co.jp; dmarc=pass header.from=amazon.co.jp"
    auth = trusted_results([top, lower], ("mx1.home.example", "mx2.home.example"))
    assert auth.authserv_id == "mx1.home.example" and auth.dmarc == "fail" and auth.dkim_pass_domains == []


def test_merging_stops_at_a_header_of_another_id():
    auth = trusted_results([OPENDMARC, "other.example; spf=pass smtp.mailfrom=x@y.example", OPENDKIM],
                           ("mail.example.com",))
    assert auth.dmarc == "pass" and auth.dkim_results == [] and auth.spf == "none"


def test_unparseable_topmost_header_proves_nothing_without_ids():
    auth = trusted_results(["=;=", FORGED_PASS])
    assert not auth.present and not auth.aligned_pass(AMAZON)


# -- alignment ---------------------------------------------------------------------------------
def test_attackers_own_domain_pass_does_not_align_for_amazon():
    auth = trusted_results([GMAIL_OWN_DOMAIN])
    assert (auth.dmarc, auth.dmarc_from) == ("pass", "amaz0n-support.top")
    assert not auth.aligned_pass(AMAZON) and not auth.aligned_pass(AMAZON, from_unambiguous=False)
    assert auth.aligned_pass("mail.amaz0n-support.top")
    tricky = trusted_results(["mx.example.com; dkim=pass header.d=amazon.co.jp.evil.top; "
                              "dmarc=pass header.from=amazon.co.jp.evil.top"])
    assert not tricky.aligned_pass(AMAZON) and tricky.aligned_pass("evil.top")


def test_dmarc_pass_without_header_from_needs_an_unambiguous_from():
    auth = trusted_results(["mx.example.com; dmarc=pass"])
    assert auth.dmarc_from == "" and auth.aligned_pass(AMAZON)
    assert not auth.aligned_pass(AMAZON, from_unambiguous=False)


def test_relay_signature_alone_does_not_align():
    auth = trusted_results(["mx.example.com; dkim=pass header.d=amazonses.com; dmarc=none"])
    assert auth.dkim_pass_domains == ["amazonses.com"] and not auth.aligned_pass(AMAZON)


def test_dmarc_failed_for_another_domain_is_not_held_against_this_one():
    auth = trusted_results(["mx.example.com; dmarc=fail header.from=shop.example; dkim=pass header.d=amazon.co.jp"])
    assert auth.dmarc_failed_for("shop.example") and not auth.dmarc_failed_for(AMAZON)
    assert auth.aligned_pass(AMAZON)
    assert trusted_results(["mx.example.com; dmarc=reject"]).dmarc_failed_for(AMAZON)


def test_empty_verdict():
    auth = trusted_results([])
    assert auth == AuthVerdict() and auth.source == "" and not auth.aligned_pass(AMAZON)


# -- ARC ---------------------------------------------------------------------------------------
def arc_set(i: int, sealer: str = "google.com", cv: str = "none",
            results: str = "mx.google.com; dkim=pass header.i=@amazon.co.jp header.s=s1 header.b=dT5Yz0Qa; "
                           "spf=pass smtp.mailfrom=x@bounces.amazon.co.jp; "
                           "dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=amazon.co.jp"
            ) -> list[tuple[str, str]]:
    return [("arc-seal", f"i={i}; a=rsa-sha256; t=1795766400; cv={cv}; d={sealer}; s=arc-20240605; b=Qm9ndXM="),
            ("arc-message-signature", f"i={i}; a=rsa-sha256; c=relaxed/relaxed; d={sealer}; s=arc-20240605; "
                                      "h=from:to:subject:date; bh=YWJj; b=ZGVm"),
            ("arc-authentication-results", f"i={i}; {results}")]


def test_arc_is_read_only_for_a_trusted_forwarder():
    auth = trusted_results([], arc_headers=arc_set(1), trusted_forwarders=("google.com",))
    assert auth.present and auth.source == "arc" and auth.authserv_id == "mx.google.com"
    assert (auth.dmarc, auth.dmarc_from) == ("pass", AMAZON) and auth.aligned_pass(AMAZON)
    assert not trusted_results([], arc_headers=arc_set(1)).present
    assert not trusted_results([], arc_headers=arc_set(1), trusted_forwarders=("outlook.com",)).present
    lookalike = arc_set(1, sealer="google.com.evil.top")
    assert not trusted_results([], arc_headers=lookalike, trusted_forwarders=("google.com",)).present
    sub = arc_set(1, sealer="forwarding.google.com")
    assert trusted_results([], arc_headers=sub, trusted_forwarders=("google.com",)).source == "arc"


def test_arc_is_only_secondary():
    auth = trusted_results([REAL_FAIL], arc_headers=arc_set(1), trusted_forwarders=("google.com",))
    assert auth.source == "authentication-results" and auth.dmarc == "fail"
    # with configured ids, headers of other ids are not "present": then ARC is read
    auth = trusted_results([FORGED_PASS], ("mx.mine.example",), arc_headers=arc_set(1, results=GMAIL_FAIL),
                           trusted_forwarders=("google.com",))
    assert auth.source == "arc" and auth.dmarc == "fail" and not auth.aligned_pass(AMAZON)


def test_arc_failed_chain_or_untrusted_newest_set_is_not_read():
    fwd = ("google.com",)
    assert not trusted_results([], arc_headers=arc_set(1, cv="fail"), trusted_forwarders=fwd).present
    # the newest set decides: an untrusted sealer on top of a trusted one
    stacked = arc_set(2, sealer="relay.evil.top", cv="pass") + arc_set(1)
    assert not trusted_results([], arc_headers=stacked, trusted_forwarders=fwd).present
    # a trusted sealer on top of another: its own results (i=2) are read
    stacked = arc_set(2, cv="pass", results=GMAIL_FAIL) + arc_set(1, sealer="relay.example")
    auth = trusted_results([], arc_headers=stacked, trusted_forwarders=fwd)
    assert auth.source == "arc" and auth.dmarc == "fail"
    # two seals claiming the newest instance: not one forwarder's set
    doubled = arc_set(1) + arc_set(1, results=GMAIL_FAIL)
    assert not trusted_results([], arc_headers=doubled, trusted_forwarders=fwd).present


def test_microsoft_arc_results_with_version():
    aar = ("mx.microsoft.com 1; spf=pass (sender ip is 52.95.48.1) smtp.rcpttodomain=home.example "
           "smtp.mailfrom=bounces.amazon.co.jp; dmarc=pass (p=quarantine sp=quarantine pct=100) action=none "
           "header.from=amazon.co.jp; dkim=pass (signature was verified) header.d=amazon.co.jp; arc=none")
    headers = [("ARC-Seal", "i=1; a=rsa-sha256; s=arcselector10001; d=microsoft.com; cv=none; b=YWJj"),
               ("ARC-Authentication-Results", f"i=1; {aar}")]
    auth = trusted_results([], arc_headers=headers, trusted_forwarders=("microsoft.com",))
    assert auth.authserv_id == "mx.microsoft.com" and auth.dkim_pass_domains == [AMAZON] and auth.aligned_pass(AMAZON)


def test_hostile_arc_headers_never_raise():
    junk = [("arc-seal", "i=999; cv=none; d=google.com"), ("arc-seal", "i=x" + "(" * 3000),
            ("arc-authentication-results", "i=" + ";" * 5000), ("arc-message-signature", "=" * 5000),
            ("arc-seal", "i=1; cv=none; d=google.com"), ("arc-authentication-results", "i=1; " + "\x00" * 3000)]
    auth = trusted_results([], arc_headers=junk, trusted_forwarders=("google.com",))
    assert auth.source == "arc" and auth.dmarc == "none"  # the i=1 set, whose results are junk


# -- hostile headers ---------------------------------------------------------------------------
@pytest.mark.parametrize("junk", [
    ";" * 10_000, "(" * 5000, ")" * 5000, '"' * 5000, "\\" * 5000, "=" * 5000, '("' * 3000, "a" * 100_000,
    "\x00" * 3000, "a=b " * 25_000, "mx.example.com; " + "dkim=pass (" * 3000, "x; " + "k.k=v " * 20_000,
])
def test_hostile_values_never_raise_and_do_not_hide_the_trusted_header(junk):
    assert isinstance(trusted_results([junk]), AuthVerdict)
    auth = trusted_results([junk, REAL_FAIL, junk], ("mx.home.example",))
    assert auth.authserv_id == "mx.home.example" and auth.dmarc == "fail"


def test_results_after_junk_are_still_read():
    value = "mx.example.com; " + ";" * 10_000 + " dmarc=fail header.from=amazon.co.jp; x=" + ")(" * 3000
    assert trusted_results([value]).dmarc == "fail"
    value = "mx.example.com;\x00dmarc=pass\x00header.from=amazon.co.jp; dmarc=fail header.from=amazon.co.jp"
    assert trusted_results([value]).dmarc == "fail"


# -- wiring: message, config, analysis ---------------------------------------------------------
def _order(extra: list[tuple[str, str]]) -> bytes:
    msg = EmailMessage()
    for name, value in extra:
        msg[name] = value
    msg["From"] = '"Amazon.co.jp" <auto-confirm@amazon.co.jp>'
    msg["To"] = "taro@home.example"
    msg["Subject"] = "Amazon.co.jp ご注文の確認"
    msg["Date"] = "Sun, 22 Nov 2026 09:00:00 +0900"
    msg["Message-ID"] = "<arc-test@amazon.co.jp>"
    msg.set_content("ご注文ありがとうございます。\n注文番号 250-1234567-7654321\n注文合計: ￥980\n"
                    "https://www.amazon.co.jp/gp/css/order-history\n")
    return msg.as_bytes(policy=SMTP)


def test_parse_keeps_arc_headers_in_order():
    raw = _order(arc_set(1, sealer="relay.example"))
    mail = parse(b"ARC-Seal: i=2; cv=pass; d=google.com;\r\n b=YWJj\r\n" + raw)
    assert [n for n, _ in mail.arc_headers] == ["arc-seal", "arc-seal", "arc-message-signature",
                                                "arc-authentication-results"]
    assert mail.arc_headers[0][1] == "i=2; cv=pass; d=google.com; b=YWJj"


def test_analysis_reads_arc_from_a_trusted_forwarder():
    raw = _order(arc_set(1))
    _, trusted = analyse_bytes(raw, options=DetectOptions(trusted_forwarders=("google.com",), dkim_verify=False))
    assert any(r.code == "auth.pass" for r in trusted.reasons)
    _, untrusted = analyse_bytes(raw, options=DetectOptions(dkim_verify=False))
    assert not any(r.code == "auth.pass" for r in untrusted.reasons)


def test_config_trusted_forwarders(tmp_path: Path):
    minimal = ('[[account]]\nname = "home"\nhost = "imap.example.com"\nusername = "me@example.com"\n'
               'password_env = "LW_PW"\n')
    path = tmp_path / "config.toml"
    path.write_text(minimal + '[detect]\ntrusted_forwarders = ["google.com", "outlook.com"]\n')
    path.chmod(0o600)
    assert cfg.load(path).detect.options().trusted_forwarders == ("google.com", "outlook.com")
    path.write_text(minimal + '[detect]\ntrusted_forwarders = "google.com"\n')
    with pytest.raises(ConfigError, match=r"detect\.trusted_forwarders"):
        cfg.load(path)


def test_example_config_documents_trusted_forwarders():
    text = (ROOT / "config.example.toml").read_text()
    assert "\ntrusted_forwarders = []" in text


# -- results that cannot be about this mail ---------------------------------------------------------
def _traced(order: list[tuple[str, str]], *, dkim_signature: bool = False) -> bytes:
    head = "".join(f"{name}: {value}\r\n" for name, value in order)
    signature = "DKIM-Signature: v=1; a=rsa-sha256; d=amazon.co.jp; s=s1; h=from; bh=x; b=y\r\n" if dkim_signature else ""
    return (f"{head}{signature}From: Amazon.co.jp <account-update@amazon.co.jp>\r\nTo: me@home.example\r\n"
            "Subject: Your password was changed\r\nDate: Mon, 30 Nov 2026 10:00:00 +0900\r\nMessage-ID: <t1@amazon.co.jp>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nThe password of your Amazon account was changed.\r\n").encode()


HOME_RECEIVED = ("Received", "from a27-18.smtp-out.amazonses.com (a27-18.smtp-out.amazonses.com [54.240.27.18]) by "
                 "mx.home.example (Postfix) with ESMTPS id 1; Mon, 30 Nov 2026 10:00:01 +0900")
PASS = "dkim=pass header.d=amazon.co.jp; spf=pass smtp.mailfrom=bounces.amazon.co.jp; dmarc=pass header.from=amazon.co.jp"


@pytest.mark.parametrize("order", [
    [("Authentication-Results", f"mx.home.example; {PASS}"), HOME_RECEIVED],  # Postfix milter: above its Received
    [("Received", "from mx.google.com by 2002:a05:6f02::1 with SMTP id x; Mon, 30 Nov 2026 10:00:02 +0900"),
     ("Received", "from a27-18.smtp-out.amazonses.com by mx.google.com with ESMTPS id y; Mon, 30 Nov 2026 10:00:01 +0900"),
     ("Authentication-Results", f"mx.google.com; {PASS}")],  # Gmail: below its Received
    [("Authentication-Results", f"mx.home.example; {PASS}")],  # no Received at all: cannot be told
])
def test_results_written_where_the_mail_was_received_are_trusted(order: list[tuple[str, str]]) -> None:
    _, analysis = analyse_bytes(_traced(order, dkim_signature=True), options=DetectOptions(dkim_verify=False))
    assert analysis.verdict == "genuine" and analysis.verified, analysis.reasons


def test_a_topmost_result_of_another_domain_than_the_receiving_host_is_not_trusted() -> None:
    order = [("Authentication-Results", f"mx.home.example.kk-support.example; {PASS}"), HOME_RECEIVED]
    _, analysis = analyse_bytes(_traced(order, dkim_signature=True), options=DetectOptions(dkim_verify=False))
    assert not analysis.verified and "auth.pass" not in {r.code for r in analysis.reasons}


def test_a_dkim_pass_for_a_domain_that_signed_nothing_proves_nothing() -> None:
    order = [("Authentication-Results", "mx.home.example; dkim=pass header.d=AMAZON.CO.JP. header.s=s1; spf=none"),
             HOME_RECEIVED]
    _, unsigned = analyse_bytes(_traced(order), options=DetectOptions(dkim_verify=False))
    _, signed = analyse_bytes(_traced(order, dkim_signature=True), options=DetectOptions(dkim_verify=False))
    assert not unsigned.verified and signed.verified
