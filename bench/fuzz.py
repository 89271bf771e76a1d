"""Hostile-mail fuzzing at full size: ≥10,000 generated messages through analysis, records and alerts.

Every message must get a verdict or a parse_error with no exception, and every alert must be inert
(tests/fuzzcheck.py says what that means). Prints verdict counts, per-message time (max, p99) and RSS
at start, after 10 % and at the end: memory is constant when it barely grows after the warm-up.
Exit status 1 when any message had a problem. One message in 100 is a large one (tests/fuzzmail.LARGE).

    .venv/bin/python bench/fuzz.py [--count 10000] [--seed 0]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support import fuzzcheck, fuzzmail

LARGE_EVERY = 100


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    logging.getLogger("mailparser").setLevel(logging.CRITICAL)  # it logs every broken header it meets
    verbatim = fuzzcheck.official_urls()
    fuzzcheck.examine(fuzzmail.build(random.Random(-1)), verbatim)  # load data files and caches first
    verdicts: Counter[str] = Counter()
    problems: list[tuple[int, str, list[str]]] = []
    seconds: list[float] = []
    slowest = (0.0, "")
    alerts = 0
    size = 0
    rss_start, rss_warm = rss_mb(), 0.0
    started = time.perf_counter()
    for i in range(args.count):
        family = fuzzmail.LARGE[(i // LARGE_EVERY) % len(fuzzmail.LARGE)] if i % LARGE_EVERY == LARGE_EVERY - 1 else None
        rng = random.Random(args.seed * 1_000_003 + i)
        raw = fuzzmail.build(rng, family)
        size += len(raw)
        outcome = fuzzcheck.examine(raw, verbatim)
        verdicts["parse_error" if outcome.parse_error else outcome.verdict] += 1
        alerts += outcome.alerts
        seconds.append(outcome.seconds)
        if outcome.seconds > slowest[0]:
            slowest = (outcome.seconds, f"#{i} {family or 'mixed'}")
        if outcome.problems:
            problems.append((i, family or "mixed", outcome.problems))
        if i + 1 == max(1, args.count // 10):
            rss_warm = rss_mb()
    elapsed = time.perf_counter() - started
    rss_end = rss_mb()

    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"messages: {args.count} (seed {args.seed}; {args.count // LARGE_EVERY} large; {size / 1e6:.0f} MB in all)")
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    print(f"parse_error: {verdicts['parse_error']}")
    print(f"alerts composed and checked: {alerts} (x 3 formats x {len(fuzzcheck.LIMITS)} size limits)")
    print(f"per-message analysis: max {slowest[0]:.3f} s ({slowest[1]}), p99 {p99:.3f} s, "
          f"mean {sum(seconds) / len(seconds) * 1000:.1f} ms; wall {elapsed:.0f} s incl. generation and checks")
    print(f"RSS: start {rss_start:.0f} MB, after 10% {rss_warm:.0f} MB, end {rss_end:.0f} MB "
          f"(growth after warm-up {rss_end - rss_warm:+.0f} MB)")
    print(f"messages with problems (exceptions, hangs, live links, markup, hiding characters): {len(problems)}")
    for i, family, found in problems[:20]:
        print(f"  #{i} ({family}): {found[:3]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
