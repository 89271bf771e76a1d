"""Analysis speed over the corpus vs a bare mail-parser loop, and `lockwatch --help` start time.

Targets: analysis ≥ 0.5× the bare parse rate; `lockwatch --help` under 0.3 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import mailparser

from lockwatch.detect import analyse_bytes

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
TARGET_MESSAGES = 5_000


def rate(fn, messages: list[bytes]) -> float:
    start = time.perf_counter()
    for raw in messages:
        fn(raw)
    return len(messages) / (time.perf_counter() - start)


def main() -> None:
    corpus = [p.read_bytes() for p in sorted(CORPUS.glob("*/*.eml"))]
    messages = (corpus * (TARGET_MESSAGES // len(corpus) + 1))[:TARGET_MESSAGES]
    analyse_bytes(corpus[0])  # load data files and caches once, as the daemon does
    bare = rate(mailparser.parse_from_bytes, messages)
    full = rate(analyse_bytes, messages)
    starts = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "lockwatch", "--help"], capture_output=True, check=True)
        starts.append(time.perf_counter() - t)
    size = sum(len(m) for m in corpus) / len(corpus)
    print(f"messages: {len(messages)} (corpus of {len(corpus)}, mean {size / 1024:.1f} KB)")
    print(f"bare mailparser.parse_from_bytes: {bare:8.0f} msg/s")
    print(f"lockwatch analysis (parse+detect): {full:8.0f} msg/s")
    print(f"ratio analysis/bare: {full / bare:.2f}  (target >= 0.5)")
    print(f"lockwatch --help start: median {statistics.median(starts) * 1000:.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
