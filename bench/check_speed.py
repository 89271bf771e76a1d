"""Benchmark: `lockwatch check` over the corpus vs a bare mail-parser loop, as whole processes; `lockwatch --help` start.

Both sides are processes started here over the same file list (the corpus mails, ``tests/corpus/*/*.eml``,
repeated to ``--messages``): "bare parse" is ``python -c`` reading each file and calling
``mailparser.parse_from_bytes`` on it and nothing else; "check" is ``lockwatch check --json`` over the
same list (our parse, the whole detection and one JSON line per mail). Each rate is messages / wall time of
the whole process, start-up and imports included. The two take turns within each of ``--rounds`` rounds;
the best round of each counts (as timeit does: noise only slows).
Targets: check ≥ 0.6× the bare parse rate; `lockwatch --help` under 300 ms (median of 5 runs).

    python bench/check_speed.py [--messages 2000] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchlib import ROOT, Figure, Report

CORPUS = ROOT / "tests" / "corpus"
TARGET_RATIO, TARGET_START_MS = 0.6, 300
BARE_LOOP = ("import sys, mailparser\n"
             "for path in sys.argv[1:]:\n"
             "    with open(path, 'rb') as f:\n"
             "        mailparser.parse_from_bytes(f.read())\n")


def lockwatch_command() -> list[str]:
    """The console script beside this interpreter, else ``-m lockwatch``."""
    script = Path(sys.executable).with_name("lockwatch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lockwatch"]


def wall(command: list[str]) -> float:
    """Seconds of one whole process; its output is discarded (``check`` exits 1 when it flags a mail)."""
    started = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{command[:3]} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def start_times(runs: int) -> list[float]:
    """Seconds for `lockwatch --help`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*lockwatch_command(), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2_000, help="files per process (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both processes; the best of each counts (default 3)")
    parser.add_argument("--json", action="store_true", help="human lines to stderr, one JSON document to stdout")
    args = parser.parse_args()
    report = Report("check_speed", args.json)
    corpus = [str(p) for p in sorted(CORPUS.glob("*/*.eml"))]
    files = (corpus * (args.messages // len(corpus) + 1))[:args.messages]
    bare_cmd = [sys.executable, "-c", BARE_LOOP, *files]
    check_cmd = [*lockwatch_command(), "check", "--json", *files]
    bares, checks = [], []
    for _ in range(max(1, args.rounds)):
        bares.append(len(files) / wall(bare_cmd))
        checks.append(len(files) / wall(check_cmd))
    bare, check = max(bares), max(checks)
    starts = start_times(5)
    size = sum(Path(p).stat().st_size for p in corpus) / len(corpus)
    report.say(f"files per process: {len(files)} (corpus of {len(corpus)}, mean {size / 1024:.1f} KB)")
    report.say(f"bare mailparser.parse_from_bytes process: {bare:8.0f} msg/s (rounds: {', '.join(f'{r:.0f}' for r in bares)})")
    report.say(f"lockwatch check --json process:           {check:8.0f} msg/s (rounds: {', '.join(f'{r:.0f}' for r in checks)})")
    report.say(f"lockwatch --help start: {', '.join(f'{t * 1000:.0f}' for t in starts)} ms")
    report.details.update(messages=len(files), corpus=len(corpus), mean_kb=size / 1024, bare_rate=bare,
                          check_rate=check, bare_rounds=bares, check_rounds=checks, start_ms=[t * 1000 for t in starts])
    report.add(Figure("bare mailparser.parse_from_bytes (process)", bare, "msg/s", higher_is_better=True))
    report.add(Figure("lockwatch check --json (process)", check, "msg/s", higher_is_better=True))
    report.add(Figure("check rate vs bare parse", check / bare, "×", TARGET_RATIO, higher_is_better=True))
    report.add(Figure("`lockwatch --help` start (median of 5)", statistics.median(starts) * 1000, "ms", TARGET_START_MS))
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
