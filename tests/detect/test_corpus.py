"""Every labelled corpus mail gets its expected verdict, kind and order (fail2ban-style replay)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lockwatch.detect import analyse_bytes
from lockwatch.record import message_record
from support.paths import CORPUS

FILES = sorted(CORPUS.glob("*/*.eml"))


def expectation(raw: bytes) -> dict[str, str]:
    m = re.search(rb"^X-Lockwatch-Expect: *(.*)$", raw, re.MULTILINE)
    assert m, "corpus mail without X-Lockwatch-Expect"
    return dict(part.strip().split("=", 1) for part in m.group(1).decode().strip().split(";"))


def test_corpus_is_large_and_covers_every_verdict():
    assert len(FILES) >= 80
    verdicts = {expectation(f.read_bytes())["verdict"] for f in FILES}
    assert verdicts == {"genuine", "phishing", "suspicious", "not_amazon"}


@pytest.mark.parametrize("path", FILES, ids=[f"{f.parent.name}/{f.stem}" for f in FILES])
def test_corpus_mail(path: Path):
    raw = path.read_bytes()
    expect = expectation(raw)
    mail, analysis = analyse_bytes(raw)
    assert mail is not None and analysis.parse_error is None
    reasons = [(r.code, r.detail) for r in analysis.reasons]
    assert analysis.verdict == expect["verdict"], reasons
    assert analysis.kind == (None if expect["kind"] == "none" else expect["kind"]), reasons
    assert analysis.amazon_like == (expect["verdict"] != "not_amazon")
    if expect["verdict"] == "phishing":
        assert analysis.score >= 60 and reasons, "a phishing verdict must explain itself"
    if expect["verdict"] == "genuine":
        assert analysis.score < 20
    record = message_record(str(path), mail, analysis)
    if "order" in expect:
        order = record["order"]
        assert order["id"] == expect["order"]
        assert order["currency"] == expect["currency"]
        assert abs(order["total"] - float(expect["total"])) < 0.001
    else:
        assert record["order"] is None or expect["verdict"] == "genuine"
    for link in record["links"]:
        assert "://" not in link["url"] or link["url"].startswith("hxxp"), link
