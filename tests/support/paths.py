"""Where things are, for tests and benchmarks: the checkout, the test tree and its mail collections."""

from __future__ import annotations

from pathlib import Path

SUPPORT = Path(__file__).resolve().parent
TESTS = SUPPORT.parent
ROOT = TESTS.parent
CORPUS = TESTS / "corpus"
ADVERSARIAL = TESTS / "adversarial"
