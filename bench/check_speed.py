"""Benchmark: analysis speed over the corpus vs a bare mail-parser loop, and `lockwatch --help` start time.

"Bare parse" is ``mailparser.parse_from_bytes(raw)`` and nothing else; "analysis" is
``lockwatch.detect.analyse_bytes(raw)``: our parse (mail-parser plus header decoding, body charsets, links)
and the whole detection. Both run in this process over the same messages: the 148 corpus mails
repeated to ``--messages``, after one warm-up call that loads data files and caches. The two loops
take turns corpus by corpus within each of ``--rounds`` rounds; the best round of each counts (as
timeit does: noise only slows).
Targets: analysis ≥ 0.5× the bare parse rate; `lockwatch --help` under 300 ms (median of 5 runs).

    python bench/check_speed.py [--messages 2000] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import mailparser

from benchlib import ROOT, Figure, Report
from lockwatch.detect import analyse_bytes

CORPUS = ROOT / "tests" / "corpus"
TARGET_RATIO, TARGET_START_MS = 0.5, 300


def timed(fn: Callable[[bytes], object], messages: list[bytes]) -> float:
    start = time.perf_counter()
    for raw in messages:
        fn(raw)
    return time.perf_counter() - start


def round_rates(messages: list[bytes], chunk: int) -> tuple[float, float]:
    """(bare msg/s, analysis msg/s) of one round; the two loops take turns chunk by chunk, so that a
    burst of load from elsewhere slows both alike instead of one of them."""
    bare = full = 0.0
    for start in range(0, len(messages), chunk):
        part = messages[start:start + chunk]
        bare += timed(mailparser.parse_from_bytes, part)
        full += timed(analyse_bytes, part)
    return len(messages) / bare, len(messages) / full


def start_times(runs: int) -> list[float]:
    """Seconds for `lockwatch --help` (the console script beside this interpreter, else ``-m lockwatch``)."""
    script = Path(sys.executable).with_name("lockwatch")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "lockwatch"]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command, "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2_000, help="messages per loop (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both loops; the best of each counts (default 3)")
    parser.add_argument("--json", action="store_true", help="human lines to stderr, one JSON document to stdout")
    args = parser.parse_args()
    report = Report("check_speed", args.json)
    corpus = [p.read_bytes() for p in sorted(CORPUS.glob("*/*.eml"))]
    messages = (corpus * (args.messages // len(corpus) + 1))[:args.messages]
    analyse_bytes(corpus[0])  # load data files and caches once, as the daemon does
    rounds = [round_rates(messages, len(corpus)) for _ in range(max(1, args.rounds))]
    bares, fulls = [r[0] for r in rounds], [r[1] for r in rounds]
    bare, full = max(bares), max(fulls)
    starts = start_times(5)
    size = sum(len(m) for m in corpus) / len(corpus)
    report.say(f"messages: {len(messages)} (corpus of {len(corpus)}, mean {size / 1024:.1f} KB)")
    report.say(f"bare mailparser.parse_from_bytes:  {bare:8.0f} msg/s (rounds: {', '.join(f'{r:.0f}' for r in bares)})")
    report.say(f"lockwatch analysis (parse+detect): {full:8.0f} msg/s (rounds: {', '.join(f'{r:.0f}' for r in fulls)})")
    report.say(f"lockwatch --help start: {', '.join(f'{t * 1000:.0f}' for t in starts)} ms")
    report.details.update(messages=len(messages), corpus=len(corpus), mean_kb=size / 1024, bare_rate=bare,
                          analysis_rate=full, bare_rounds=bares, analysis_rounds=fulls, start_ms=[t * 1000 for t in starts])
    report.add(Figure("bare mailparser.parse_from_bytes", bare, "msg/s", higher_is_better=True))
    report.add(Figure("lockwatch analysis (parse + detect)", full, "msg/s", higher_is_better=True))
    report.add(Figure("analysis rate vs bare parse", full / bare, "×", TARGET_RATIO, higher_is_better=True))
    report.add(Figure("`lockwatch --help` start (median of 5)", statistics.median(starts) * 1000, "ms", TARGET_START_MS))
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
