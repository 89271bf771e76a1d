"""The attack suite: every labelled .eml under tests/adversarial/ (recursively) replayed through
``analyse_bytes`` and checked against its ``X-Lockwatch-Expect`` label, as tests/test_corpus.py does.

Label keys: ``verdict`` (not_amazon | genuine | suspicious | phishing, or ``flagged`` = phishing or
suspicious), ``kind`` (or ``none``), optional ``authserv`` (analyse trusting that authserv-id),
``target`` (a host some link must be judged on, once gateway rewriting is peeled off) and
``order`` / ``total`` / ``currency`` (the order a genuine confirmation must yield).
The mails are written by make_attacks.py; regenerate them after changing a spec.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lockwatch.detect import DetectOptions, analyse_bytes
from lockwatch.model import KINDS
from lockwatch.record import message_record

HERE = Path(__file__).resolve().parent

from support.known_limits import KNOWN_LIMITS  # noqa: E402
from support.make_attacks import all_specs  # noqa: E402

FILES = sorted(HERE.rglob("*.eml"))
# the attack classes of the issue (each must have several mails) and the controls that go with them
CLASSES = {"sender_tricks": 10, "katakana_brand": 5, "own_domain_impersonation": 8, "m365_dmarc_fail": 4,
           "forged_lower_ar": 4, "callback_number": 6, "genuine_marketplaces": 22, "genuine_rewritten": 4,
           "rewritten_phish": 3}
VERDICTS = {"not_amazon", "genuine", "suspicious", "phishing", "flagged"}


def expectation(raw: bytes) -> dict[str, str] | None:
    m = re.search(rb"^X-Lockwatch-Expect: *(.*)$", raw, re.MULTILINE)
    if not m:
        return None
    return dict(part.strip().split("=", 1) for part in m.group(1).decode().strip().split(";") if part.strip())


def _id(path: Path) -> str:
    return str(path.relative_to(HERE).with_suffix(""))


def _labelled() -> list[Path]:
    return [f for f in FILES if expectation(f.read_bytes()) is not None]


def test_every_class_is_covered_by_several_labelled_mails() -> None:
    for folder, least in CLASSES.items():
        mails = sorted((HERE / folder).glob("*.eml"))
        assert len(mails) >= least, f"{folder}: {len(mails)} mails"
        for path in mails:
            expect = expectation(path.read_bytes())
            assert expect is not None, f"{path.name} has no X-Lockwatch-Expect"
            assert expect["verdict"] in VERDICTS, path.name
            assert expect["kind"] in (*KINDS, "none"), path.name
            if folder not in ("genuine_marketplaces", "genuine_rewritten") and not path.name.startswith("control-"):
                assert expect["verdict"] in ("phishing", "flagged"), f"{path.name}: an attack must be labelled as one"


def test_the_mails_on_disk_are_what_the_generator_writes() -> None:
    from support.advmail import render

    specs = all_specs()
    assert len({s.path for s in specs}) == len(specs)
    for spec in specs:
        path = HERE / spec.path
        assert path.exists(), f"{spec.path} not generated (run make_attacks.py)"
        assert path.read_bytes() == render(spec), f"{spec.path} is stale (run make_attacks.py)"


def _cases() -> list:
    return [pytest.param(f, marks=pytest.mark.xfail(strict=True, reason=KNOWN_LIMITS[_id(f)]))
            if _id(f) in KNOWN_LIMITS else f for f in _labelled()]


@pytest.mark.parametrize("path", _cases(), ids=_id)
def test_attack_mail(path: Path) -> None:
    raw = path.read_bytes()
    expect = expectation(raw)
    assert expect is not None
    options = DetectOptions(authserv_ids=(expect["authserv"],)) if "authserv" in expect else None
    mail, analysis = analyse_bytes(raw, options=options)
    assert mail is not None and analysis.parse_error is None, analysis.parse_error
    reasons = [(r.code, r.weight, r.detail) for r in analysis.reasons]
    want = expect["verdict"]
    if want == "flagged":
        assert analysis.verdict in ("phishing", "suspicious"), (analysis.verdict, reasons)
    else:
        assert analysis.verdict == want, (analysis.verdict, reasons)
    assert analysis.amazon_like == (want != "not_amazon"), reasons
    if not _id(path).startswith("found/"):  # found/: the red team's verdicts; its kind labels are its guesses
        assert analysis.kind == (None if expect["kind"] == "none" else expect["kind"]), (analysis.kind, reasons)
    if analysis.verdict == "phishing":
        assert analysis.score >= 60 and reasons, "a phishing verdict must explain itself"
    if want == "genuine":
        assert analysis.score < 20, reasons
    if "target" in expect:
        hosts = {f.host for f in analysis.links}
        assert expect["target"] in hosts, hosts
    record = message_record(str(path), mail, analysis)
    for link in record["links"]:
        assert "://" not in link["url"] or link["url"].startswith("hxxp"), link
    if "order" in expect and want == "genuine":
        assert analysis.order is not None, "a genuine order confirmation must yield its order"
        assert analysis.order.id == expect["order"]


GENUINE_ORDERS = [f for f in _labelled() if (e := expectation(f.read_bytes())) and e["verdict"] == "genuine" and "total" in e]


@pytest.mark.parametrize("path", GENUINE_ORDERS, ids=_id)
def test_genuine_order_total_and_currency(path: Path) -> None:
    """The marketplace's currency and total come out right (kept apart from the verdict check)."""
    expect = expectation(path.read_bytes())
    assert expect is not None
    _, analysis = analyse_bytes(path.read_bytes())
    assert analysis.order is not None, (analysis.verdict, [(r.code, r.detail) for r in analysis.reasons])
    assert (analysis.order.currency, analysis.order.total) == (expect["currency"], pytest.approx(float(expect["total"])))
