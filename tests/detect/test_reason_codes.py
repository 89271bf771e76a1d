"""The reason codes, the weights and the alert texts agree (fail2ban-style: the data is checked against the mails).

- every code with a weight in signals.toml is produced by at least one mail of tests/corpus or tests/adversarial
  (a weight nothing produces is dead knowledge);
- every code the analysis emits over those mails has a weight (0 is a deliberate weight) or is listed below as
  informational, and has a text in both playbooks (alert/playbooks/ja.toml and en.toml, ``[reasons]``; "" there
  is a deliberate "not shown");
- every lure family has a weight and a wording, and nothing else in signals.toml names a family that is not there.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from lockwatch.detect import analyse_bytes
from lockwatch.detect.lures import FAMILY_TEXT
from support.paths import ADVERSARIAL, CORPUS

FILES = sorted([*CORPUS.glob("*/*.eml"), *ADVERSARIAL.rglob("*.eml")])
# codes the analysis may emit without a weight: they explain, they do not score
INFORMATIONAL = {"parse_error": "the message could not be read at all; the verdict is not_amazon"}
# codes that depend on how a mail was read, not on its bytes: (code, how a source reads such a mail)
READ_FLAGS = {"body.truncated": {"truncated": True}}  # a source caps the bytes it reads of a huge mail


def _toml(package: str, name: str) -> dict:
    with resources.files(package).joinpath(name).open("rb") as fh:
        return tomllib.load(fh)


SIGNALS = _toml("lockwatch.detect", "signals.toml")
WEIGHTS = SIGNALS["weights"]
TEXTS = {lang: _toml("lockwatch.alert.playbooks", f"{lang}.toml")["reasons"] for lang in ("ja", "en")}


@cache
def emitted() -> dict[str, list[str]]:
    """code → the mails (relative paths) whose analysis gives it."""
    found: dict[str, list[str]] = {}
    for path in FILES:
        _, analysis = analyse_bytes(path.read_bytes())
        for reason in analysis.reasons:
            found.setdefault(reason.code, []).append(_name(path))
    return found


def _name(path: Path) -> str:
    return str(path.relative_to(CORPUS.parent))


def test_the_mails_are_there() -> None:
    assert len(FILES) > 200


def test_every_weighted_code_is_produced_by_a_mail() -> None:
    produced = set(emitted())
    for code, flags in READ_FLAGS.items():
        if any(code in {r.code for r in analyse_bytes(p.read_bytes(), **flags)[1].reasons} for p in FILES):
            produced.add(code)
    assert sorted(set(WEIGHTS) - produced) == []


def test_every_emitted_code_has_a_weight_or_is_informational() -> None:
    unweighted = {code: mails[:3] for code, mails in emitted().items() if code not in WEIGHTS and code not in INFORMATIONAL}
    assert unweighted == {}


def test_informational_codes_have_no_weight() -> None:
    assert set(INFORMATIONAL) & set(WEIGHTS) == set()


def test_every_code_has_a_text_in_both_playbooks() -> None:
    codes = (set(WEIGHTS) | set(emitted()) | set(READ_FLAGS)) - set(INFORMATIONAL)
    missing = {lang: sorted(codes - set(texts)) for lang, texts in TEXTS.items()}
    assert missing == {"ja": [], "en": []}


def test_both_playbooks_word_the_same_codes() -> None:
    assert set(TEXTS["ja"]) == set(TEXTS["en"])


def test_every_lure_family_has_a_weight_and_a_wording() -> None:
    families = set(SIGNALS["lures"])
    assert sorted(f for f in families if f"lure.{f}" not in WEIGHTS) == []
    assert sorted(families - set(FAMILY_TEXT)) == []
    assert sorted(set(SIGNALS.get("lure_negations", {})) - families) == []
