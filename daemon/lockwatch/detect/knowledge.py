"""Loads the brand profile and the generic signal data once, with patterns compiled."""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lockwatch.detect.sieve import Sieve, alternation

__all__ = ["KindRule", "Knowledge", "knowledge"]


def _compile(patterns: list[str], flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    return alternation(patterns, flags) if patterns else None


@dataclass(frozen=True)
class KindRule:
    kind: str
    subject: re.Pattern[str] | None
    body: re.Pattern[str] | None


@dataclass(frozen=True)
class Knowledge:
    """Everything the detectors look up: brand facts, lure families, hosts, weights."""

    brand: dict[str, Any]
    signals: dict[str, Any]
    sender_domains: frozenset[str]
    link_domains: frozenset[str]
    relay_domains: frozenset[str]
    third_party_text: tuple[str, ...]
    cobrand_domains: frozenset[str]
    user_content_domains: frozenset[str]
    partner_domains: frozenset[str]
    brand_words: tuple[str, ...]
    brand_typo_words: tuple[str, ...]
    brand_labels: tuple[str, ...]
    brand_text: re.Pattern[str]
    mentions: re.Pattern[str]  # wording of a third party writing about the brand (warning, merchant, carrier)
    brand_phones: frozenset[str]  # the brand's own numbers, digits only (national form)
    logo_image: re.Pattern[str]
    kind_rules: tuple[KindRule, ...]
    other_subject: re.Pattern[str] | None
    order_id: re.Pattern[str]
    order_label: re.Pattern[str]
    currencies: dict[str, str]
    phone: re.Pattern[str]
    not_phone_labels: tuple[str, ...]
    call_us: re.Pattern[str]
    shorteners: frozenset[str]
    redirectors: tuple[str, ...]
    freemail: frozenset[str]
    risky_tlds: frozenset[str]
    confusables: dict[str, str]
    confusable_sequences: dict[str, str]
    lure_negations: dict[str, re.Pattern[str]]
    weights: dict[str, int]
    thresholds: dict[str, int]
    windows: dict[str, int]  # how much of a text each detector reads ([windows])
    security_events: tuple[tuple[str, re.Pattern[str]], ...]  # ([events]) in order, first match wins
    lock_events: tuple[tuple[str, re.Pattern[str]], ...]
    event_done: re.Pattern[str]  # the past tense that makes body wording an event
    event_no_tense: frozenset[str]  # events that count in the body without it

    @functools.cached_property
    def speaks_as(self) -> Sieve:
        """Wording only the brand itself writes (greeting, signature, footer), as a sieve: only the
        patterns a text can match are run; built when first asked."""
        return Sieve(self.brand["voice"]["speaks_as"], re.MULTILINE)

    @functools.cached_property
    def lures(self) -> dict[str, Sieve]:
        """Each lure family that has patterns, in order, as a sieve; built when first asked. Lure patterns
        are written in lower case and matched on case-folded text: no IGNORECASE, which would make them
        several times slower."""
        return {family: Sieve(patterns, 0) for family, patterns in self.signals["lures"].items() if patterns}

    def weight(self, code: str) -> int:
        return int(self.weights.get(code, 0))

    def window(self, name: str) -> int:
        return self.windows[name]

    def is_brand_phone(self, number: str) -> bool:
        return _digits(number) in self.brand_phones


def _load_toml(package: str, name: str) -> dict[str, Any]:
    with resources.files(package).joinpath(name).open("rb") as fh:
        return tomllib.load(fh)


def _pattern_form(word: str) -> str:
    """A brand word folded the way ``domains.skeleton`` folds text (NFKC, case, marks dropped: ゾ → ソ)."""
    folded = unicodedata.normalize("NFKC", word).casefold()
    if folded.isascii():
        return folded
    return "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))


def _brand_text_pattern(words: list[str]) -> re.Pattern[str]:
    """Brand words, folded like the text they are matched on, with up to two separators between letters
    ("A m a z o n", "ア・マ・ゾ・ン")."""
    # a long-vowel mark or a middle dot between kana is a separator too (アマーゾン, ア・マ・ゾ・ン)
    alternatives = list(dict.fromkeys(
        r"[\W_ーｰ・･〜~]{0,2}".join(re.escape(ch) for ch in _pattern_form(word)) for word in words))
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _digits(number: str) -> str:
    """A phone number's digits in national form: +81-50-3032-2207 → 05030322207."""
    digits = re.sub(r"\D", "", number.split("(")[0])
    return "0" + digits[2:] if number.strip().startswith("+81") else digits


@functools.cache
def knowledge(brand: str = "amazon") -> Knowledge:
    b = _load_toml("lockwatch.brands", f"{brand}.toml")
    s = _load_toml("lockwatch.detect", "signals.toml")
    domains = b["domains"]
    return Knowledge(
        brand=b,
        signals=s,
        sender_domains=frozenset(domains["senders"]),
        link_domains=frozenset(domains["senders"]) | frozenset(domains["links"]),
        relay_domains=frozenset(domains["relays"]),
        third_party_text=tuple(domains.get("third_party_text", [])),
        cobrand_domains=frozenset(domains.get("cobrand", [])),
        user_content_domains=frozenset(domains["user_content"]),
        partner_domains=frozenset(domains["partners"]),
        brand_words=tuple(b["brand_words"]),
        brand_typo_words=tuple(b.get("brand_typo_words", [])),
        brand_labels=tuple(b["brand_labels"]),
        brand_text=_brand_text_pattern(b["brand_words"]),
        mentions=re.compile("|".join(f"(?:{p})" for p in b["voice"]["mentions"])),
        brand_phones=frozenset(_digits(n) for n in b["help"]["jp_phones"] + b["help"]["en_phones"]
                               + b["help"].get("other_phones", [])),
        logo_image=re.compile(domains["logo_image_pattern"]),
        kind_rules=tuple(KindRule(r["kind"], _compile(r.get("subject", [])), _compile(r.get("body", [])))
                         for r in b["kinds"]),
        other_subject=_compile(b["other"]["subject"]),
        order_id=re.compile(b["orders"]["id_pattern"], re.IGNORECASE),
        order_label=re.compile(b["orders"]["label_pattern"], re.IGNORECASE),
        currencies=dict(b["currencies"]),
        phone=re.compile("|".join(f"(?:{p})" for p in s["phones"]["patterns"])),
        not_phone_labels=tuple(s["phones"]["not_phone_labels"]),
        call_us=re.compile("|".join(s["call_us"]["patterns"])),
        shorteners=frozenset(s["hosts"]["shorteners"]),
        redirectors=tuple(s["hosts"]["redirectors"]),
        freemail=frozenset(s["hosts"]["freemail"]),
        risky_tlds=frozenset(s["hosts"]["risky_tlds"]),
        confusables=dict(s["confusables"]),
        confusable_sequences=dict(s["confusable_sequences"]),
        lure_negations={f: re.compile("|".join(p), re.IGNORECASE) for f, p in s.get("lure_negations", {}).items()},
        weights={k: int(v) for k, v in s["weights"].items()},
        thresholds={k: int(v) for k, v in s["thresholds"].items()},
        windows={k: int(v) for k, v in s["windows"].items()},
        security_events=tuple((e, re.compile(p, re.IGNORECASE)) for e, p in s["events"]["security"]),
        lock_events=tuple((e, re.compile(p, re.IGNORECASE)) for e, p in s["events"]["lock"]),
        event_done=re.compile(s["events"]["done"]),
        event_no_tense=frozenset(s["events"]["no_tense"]),
    )
