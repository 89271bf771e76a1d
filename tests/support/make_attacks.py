"""Writes the labelled adversarial mails under tests/adversarial/<class>/ (run it after editing a spec).

    PYTHONPATH=tests .venv/bin/python -m support.make_attacks

Every mail is fictional: people, shops, banks and attacker domains are invented (``.example`` names,
documentation IP ranges); Amazon's own domains appear only where a mail claims to be, or is, Amazon's.
The label ``X-Lockwatch-Expect: verdict=...; kind=...`` says what the mail really is; ``verdict=flagged``
means "phishing or suspicious". Optional keys: ``authserv`` (analyse with that trusted authserv-id),
``target`` (a host the links must be judged on once unwrapped), ``order``/``total``/``currency``.
"""

from __future__ import annotations

from support.advmail import Spec, render
from support.paths import ADVERSARIAL
from support.specs_attacks import callback, forged_ar, katakana, m365, own_domain, rewritten_phish, sender_tricks
from support.specs_genuine import genuine_specs, rewritten_specs

HERE = ADVERSARIAL


def all_specs() -> list[Spec]:
    return (sender_tricks() + katakana() + own_domain() + m365() + forged_ar() + callback() + genuine_specs()
            + rewritten_specs() + rewritten_phish())


def main() -> None:
    seen: set[str] = set()
    specs = all_specs()
    for spec in specs:
        assert spec.path not in seen, spec.path
        seen.add(spec.path)
        target = HERE / spec.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render(spec))
    print(f"wrote {len(specs)} mails")


if __name__ == "__main__":
    main()
