"""Link rewriters (Safe Links, Proofpoint URL Defense v1/v2/v3, Mimecast, Barracuda ...) are unwrapped
before a link is judged: a genuine Amazon link behind a gateway stays Amazon's, a phish behind one is
judged on its real target, and a wrapper that hides its target never counts as Amazon.

The encoders (adversarial/linkwrap.py) build rewritten URLs the way each gateway does, from real-looking targets.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from lockwatch.detect.links import MAX_UNWRAP, examine_links, rewriters, unwrap
from lockwatch.model import Link
from support.linkwrap import barracuda, mimecast, proofpoint_v1, proofpoint_v2, proofpoint_v3, safelinks, teams_safelinks

ORDER = "https://www.amazon.co.jp/gp/css/order-details?orderID=250-3318204-7709541&ref_=pe_TE_od"
SIGNIN = "https://www.amazon.co.jp/ap/signin?openid.return_to=https%3A%2F%2Fwww.amazon.co.jp%2F&_encoding=UTF8#top"
JP_PATH = "https://www.amazon.co.jp/s?k=%E3%82%A4%E3%83%A4%E3%83%9B%E3%83%B3&i=electronics"
US_ORDER = "https://www.amazon.com/gp/your-account/order-details?orderID=113-4829175-3301827&ref_=pe_2640190_T1"
PHISH = "https://amazon-co-jp.account-verify.example/ap/signin?session=Qk9PTQ&lang=ja#step-2"
LOOKALIKE = "https://www.arnazon-support.example/jp/login?id=7731"
GENUINE = [ORDER, SIGNIN, JP_PATH, US_ORDER]
ATTACKS = [PHISH, LOOKALIKE]


FULL_ENCODERS = {"safelinks": safelinks, "teams": teams_safelinks, "proofpoint_v1": proofpoint_v1,
                 "proofpoint_v2": proofpoint_v2, "proofpoint_v3": proofpoint_v3, "barracuda": barracuda}


def judged(url: str, shown: str = "", origin: str = "a") -> tuple[list, list]:
    findings, reasons, _ = examine_links([Link(url=url, shown=shown, origin=origin)])
    return findings, reasons


def test_the_rewriter_table_is_data() -> None:
    names = {r.name for r in rewriters()}
    assert {"Microsoft Defender Safe Links", "Proofpoint URL Defense", "Mimecast URL Protect",
            "Barracuda Link Protection"} <= names


@pytest.mark.parametrize("fmt", sorted(FULL_ENCODERS))
@pytest.mark.parametrize("target", GENUINE + ATTACKS)
def test_each_format_gives_back_the_exact_target(fmt: str, target: str) -> None:
    got = unwrap(FULL_ENCODERS[fmt](target))
    assert got.url == target and not got.opaque and len(got.via) == 1


def test_proofpoint_v3_placeholders_and_runs() -> None:
    # '%' → '*', "%%" and longer runs → '**X'; non-ASCII characters are replaced too
    url = "https://www.amazon.co.jp/s?k=%E3%82%A4ヤホン&x=%%%&frag#a"
    wrapped = proofpoint_v3(url)
    assert "**" in wrapped and "*" in wrapped.split("__")[1]
    assert unwrap(wrapped).url == url
    # a hand-built one: "*" takes '%', "**A" takes the next two characters ("#!")
    enc = base64.urlsafe_b64encode(b"%#!").decode().rstrip("=")
    assert unwrap(f"https://urldefense.com/v3/__https://www.amazon.com/a*2Fb**Ac__;{enc}!!AbC!dEf$").url == \
        "https://www.amazon.com/a%2Fb#!c"
    # Proofpoint sometimes writes "https:/host": the decoder restores the second slash
    assert unwrap("https://urldefense.com/v3/__https:/www.amazon.com/dp/B0C1__;!!AbC!dEf$").url == \
        "https://www.amazon.com/dp/B0C1"


def test_proofpoint_v2_html_escaped_ampersands() -> None:
    assert unwrap(proofpoint_v2(ORDER).replace("&d=", "&amp;d=")).url == ORDER


@pytest.mark.parametrize("fmt", sorted(FULL_ENCODERS))
def test_a_genuine_link_behind_a_gateway_stays_amazon(fmt: str) -> None:
    findings, reasons = judged(FULL_ENCODERS[fmt](ORDER), shown="https://www.amazon.co.jp/gp/css/order-details")
    assert [(f.host, f.verdict) for f in findings] == [("www.amazon.co.jp", "amazon")]
    assert reasons == []  # no mismatch between the shown Amazon address and the rewriter's host
    assert findings[0].url.startswith("hxxps://www[.]amazon[.]co[.]jp/")


@pytest.mark.parametrize("fmt", sorted(FULL_ENCODERS))
def test_a_phish_behind_a_gateway_is_judged_on_its_real_target(fmt: str) -> None:
    findings, reasons = judged(FULL_ENCODERS[fmt](PHISH), shown="Amazon にサインイン")
    assert [(f.host, f.verdict) for f in findings] == [("amazon-co-jp.account-verify.example", "lookalike")]
    assert "link.lookalike" in {r.code for r in reasons}
    findings, reasons = judged(FULL_ENCODERS[fmt](LOOKALIKE), shown="https://www.amazon.co.jp/ap/signin")
    assert findings[0].host == "www.arnazon-support.example" and findings[0].verdict == "lookalike"
    assert {"link.lookalike", "link.mismatch"} <= {r.code for r in reasons}


def test_mimecast_names_only_the_host() -> None:
    got = unwrap(mimecast("www.amazon.co.jp"))
    assert got.host_only and got.url == "https://www.amazon.co.jp/"
    findings, reasons = judged(mimecast("www.amazon.co.jp"), shown="注文内容を表示")
    assert [(f.host, f.verdict) for f in findings] == [("www.amazon.co.jp", "amazon")] and reasons == []
    assert "mimecast" in findings[0].url  # the target's path is not known: the finding shows the wrapper
    findings, _ = judged(mimecast("amazon-co-jp.account-verify.example", "us"))
    assert findings[0].host == "amazon-co-jp.account-verify.example" and findings[0].verdict == "lookalike"


def test_nested_rewriters_are_peeled_one_by_one() -> None:
    wrapped = safelinks(proofpoint_v3(barracuda(ORDER)), "nam12")
    got = unwrap(wrapped)
    assert got.url == ORDER and got.via == ("Microsoft Defender Safe Links", "Proofpoint URL Defense",
                                            "Barracuda Link Protection")
    findings, _ = judged(safelinks(mimecast("www.amazon.co.jp")))
    assert findings[0].verdict == "amazon"
    findings, _ = judged(proofpoint_v2(safelinks(PHISH)))
    assert findings[0].verdict == "lookalike"


def test_unwrapping_is_bounded() -> None:
    deep = ORDER
    for _ in range(MAX_UNWRAP + 2):
        deep = safelinks(deep)
    assert unwrap(deep).opaque
    findings, reasons = judged(deep)
    assert findings[0].verdict != "amazon" and "link.rewriter_opaque" in {r.code for r in reasons}


@pytest.mark.parametrize("url", [
    "https://jpn01.safelinks.protection.outlook.com/?data=05%7C02%7C&sdata=abc%3D&reserved=0",  # no url=
    "https://jpn01.safelinks.protection.outlook.com/?url=javascript%3Aalert(1)&reserved=0",  # not a web link
    "https://urldefense.com/v3/__https://www.amazon.co.jp/gp/*css__;!!AbC!dEf$",  # '*' with nothing to fill it
    "https://urldefense.com/v3/__https://www.amazon.co.jp/gp/*css__;@@@!!AbC!dEf$",  # broken base64
    "https://urldefense.com/v3/__https://www.amazon.co.jp/gp/**zcss__;JQ!!AbC!dEf$",  # run longer than the data
    "https://urldefense.proofpoint.com/v9/url?u=https-3A__www.amazon.co.jp_&d=x",  # unknown version
    "https://protect-eu.mimecast.com/s/Xq7RC8LPkVhAyq1jsBzYQH",  # no domain=
    "https://protect-eu.mimecast.com/s/Xq7RC8LPkVhAyq1jsBzYQH?domain=www.amazon.co.jp%2Fap%2Fsignin",  # not a host
    "https://linkprotect.cudasvc.com/url?c=E,1,abc&typo=1",
])
def test_a_rewriter_that_hides_its_target_never_counts_as_amazon(url: str) -> None:
    assert unwrap(url).opaque
    findings, reasons = judged(url, shown="https://www.amazon.co.jp/")
    assert findings[0].verdict not in ("amazon", "partner")
    assert "link.rewriter_opaque" in {r.code for r in reasons}


def test_only_the_real_rewriter_hosts_are_trusted() -> None:
    fake = f"https://jpn01.safelinks.protection.outlook.com.account-verify.example/?url={quote(ORDER, safe='')}&reserved=0"
    assert unwrap(fake).via == ()
    findings, _ = judged(fake)
    assert findings[0].host.endswith("account-verify.example") and findings[0].verdict != "amazon"


def test_an_open_redirect_stays_suspicious_even_to_amazon() -> None:
    findings, reasons = judged("https://www.google.com/url?q=" + quote(ORDER, safe="") + "&sa=D&usg=AOvVaw1x")
    assert findings[0].verdict == "redirector" and "link.redirector" in {r.code for r in reasons}
    findings, reasons = judged("https://www.google.com/url?q=" + quote(PHISH, safe=""))
    assert findings[0].verdict == "lookalike"
    assert {"link.redirector", "link.lookalike"} <= {r.code for r in reasons}
    assert "account-verify" in next(r.detail for r in reasons if r.code == "link.redirector")
    # behind a gateway the redirect is still the one judged and shown
    findings, reasons = judged(safelinks("https://www.google.com/url?q=" + quote(PHISH, safe="")))
    assert (findings[0].host, findings[0].verdict) == ("www.google.com", "lookalike")
    assert findings[0].url.startswith("hxxps://www[.]google[.]com/url")
    assert {"link.redirector", "link.lookalike"} <= {r.code for r in reasons}
    # one whose target cannot be read is a redirector all the same
    findings, reasons = judged(safelinks("https://www.google.com/url?sa=D&usg=AOvVaw1x"))
    assert (findings[0].host, findings[0].verdict) == ("www.google.com", "redirector")


def test_plain_links_are_judged_as_before() -> None:
    assert unwrap(ORDER).via == () and unwrap(ORDER).url == ORDER
    findings, reasons = judged(ORDER, shown="注文を表示")
    assert [(f.host, f.verdict) for f in findings] == [("www.amazon.co.jp", "amazon")] and reasons == []
