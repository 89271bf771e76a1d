"""Run every benchmark and write one Markdown report: machine, figures, targets, and by how much a target is missed.

Each benchmark runs as its own subprocess with ``--json`` (its progress goes to stderr); the report goes
to stdout and to ``--out`` (default bench/results.md). Exit status: 0 when every benchmark ran (a missed
target is a figure in the report, not a failure), 1 when one could not run.

    python bench/run_all.py [--quick] [--skip NAME ...] [--out bench/results.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from benchlib import Figure, figure  # noqa: E402


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    full: list[str]
    quick: list[str]
    what: str
    optional: bool = False  # run only when the script exists
    timeout: float = 1800


BENCHES = [
    Bench("check", "check_speed.py", ["--messages", "2000"], ["--messages", "600"],
          "analysis vs bare mail-parser parse, corpus mail; `lockwatch --help` start"),
    Bench("scan", "scan_speed.py", ["--count", "10000"], ["--count", "1000"],
          "first IMAP scan vs bare header fetch: time and bytes"),
    Bench("memory", "memory.py", ["--sizes", "1000,10000,100000"], ["--sizes", "300,1000,3000"],
          "peak RSS of a first scan at 1k / 10k / 100k messages"),
    Bench("latency", "alert_latency.py", ["--count", "20"], ["--count", "5"],
          "new mail → alert POST with IDLE"),
    Bench("fuzz", "fuzz.py", [], ["--count", "300"], "hostile-mail fuzzing through analysis and alerts", optional=True),
]


# the lines of a plain-text benchmark's output that make its summary (fuzz.py's); else its last line
SUMMARY_PREFIXES = ("messages:", "per-message analysis:", "RSS:", "messages with problems")


@dataclass
class Outcome:
    bench: Bench
    seconds: float
    figures: list[Figure] = field(default_factory=list)
    summary: str = ""  # for a benchmark without --json: its last output line
    error: str = ""


def run(bench: Bench, quick: bool) -> Outcome:
    script = BENCH / bench.script
    args = bench.quick if quick else bench.full
    speaks_json = True
    if bench.optional:  # written elsewhere: pass only the options its --help offers
        usage = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60).stdout
        speaks_json = "--json" in usage
        args = [a for a in args if not a.startswith("--") or a in usage] if args and args[0] in usage else []
    command = [sys.executable, str(script), *args, *(["--json"] if speaks_json else [])]
    print(f"== {bench.name}: {' '.join(command[1:])}", file=sys.stderr, flush=True)
    started = time.monotonic()
    try:
        proc = subprocess.run(command, stdout=subprocess.PIPE, text=True, timeout=bench.timeout, cwd=ROOT,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Outcome(bench, time.monotonic() - started, error=f"no result within {bench.timeout:.0f} s")
    outcome = Outcome(bench, time.monotonic() - started)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if not speaks_json:
        print(proc.stdout, file=sys.stderr, end="")
        picked = [line for line in lines if line.startswith(SUMMARY_PREFIXES)]
        outcome.summary = "; ".join(picked) if picked else (lines[-1] if lines else "")
        if proc.returncode not in (0, 1) or not lines:
            outcome.error = f"exited {proc.returncode}"
        return outcome
    try:
        document = json.loads(lines[-1])
        outcome.figures = [figure(f) for f in document["figures"]]
    except (IndexError, ValueError, KeyError, TypeError):
        outcome.error = f"exited {proc.returncode} without a result (see its output above)"
    return outcome


# -- the machine -------------------------------------------------------------------------------------------
def _first(path: str, prefix: str) -> str:
    try:
        with open(path) as fh:
            return next((line.split(":", 1)[1].strip() for line in fh if line.startswith(prefix)), "")
    except OSError:
        return ""


def _command(*args: str) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> list[tuple[str, str]]:
    mem_kb = int((_first("/proc/meminfo", "MemTotal") or "0 kB").split()[0])
    try:
        os_name = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    except OSError:
        os_name = platform.system()
    vm, box = _command("systemd-detect-virt", "--vm"), _command("systemd-detect-virt", "--container")
    if vm in ("", "none") and "hypervisor" in _first("/proc/cpuinfo", "flags").split():
        vm = "a hypervisor"
    virt = ", ".join(f"{label} {kind}" for label, kind in (("VM:", vm), ("container:", box)) if kind not in ("", "none"))
    versions = []
    for dist in ("mail-parser", "imapclient", "apprise"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            continue
    commit = _command("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD")
    dirty = " + uncommitted changes" if _command("git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no") else ""
    return [
        ("date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", f"{_first('/proc/cpuinfo', 'model name') or platform.processor() or platform.machine()}"
                f"{f' ({virt})' if virt else ''}"),
        ("cores", f"{os.cpu_count()} logical"),
        ("RAM", f"{mem_kb / 1024 / 1024:.1f} GiB"),
        ("OS", f"{os_name}, Linux {platform.release()}"),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("Dovecot", _command("dovecot", "--version") or "not found"),
        ("libraries", ", ".join(versions)),
        ("lockwatch", f"{commit}{dirty}" if commit else "unknown"),
        ("load average at start", " ".join(f"{v:.2f}" for v in os.getloadavg())),
    ]


# -- the report --------------------------------------------------------------------------------------------
def markdown(outcomes: list[Outcome], about: list[tuple[str, str]], wall: float, command: str) -> str:
    lines = ["# lockwatch benchmark results", "", f"`{command}` — {wall / 60:.1f} min in all.", "",
             "| machine | |", "|---|---|", *(f"| {k} | {v} |" for k, v in about),
             f"| load average at end | {' '.join(f'{v:.2f}' for v in os.getloadavg())} |", "",
             "| benchmark | measure | figure | target | result |", "|---|---|---|---|---|"]
    for outcome in outcomes:
        name = outcome.bench.name
        if outcome.error:
            lines.append(f"| {name} | {outcome.bench.what} | — | — | **did not run**: {outcome.error} |")
        if outcome.summary:
            lines.append(f"| {name} | {outcome.bench.what} | {outcome.summary.replace('|', '/')} | — | — |")
        for fig in outcome.figures:
            result = fig.result() if fig.met is not False else f"**{fig.result()}**"
            result += f" ({fig.note})" if fig.note else ""
            lines.append(f"| {name} | {fig.measure} | {fig.shown()} | {fig.target_text()} | {result} |")
    missed = [f for o in outcomes for f in o.figures if f.met is False]
    lines += ["", f"{sum(f.met is True for o in outcomes for f in o.figures)} targets met, {len(missed)} missed"
              f"{': ' + '; '.join(f'{f.measure} {f.result()}' for f in missed) if missed else ''}.",
              "Wall time per benchmark: " + ", ".join(f"{o.bench.name} {o.seconds:.0f} s" for o in outcomes) + ".",
              "Why a target is missed, and how each figure is measured: bench/README.md.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of a minute or two")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME",
                        help=f"leave a benchmark out (repeatable): {', '.join(b.name for b in BENCHES)}")
    parser.add_argument("--out", type=Path, default=BENCH / "results.md", help="the report file (default bench/results.md)")
    args = parser.parse_args()
    unknown = set(args.skip) - {b.name for b in BENCHES}
    if unknown:
        parser.error(f"--skip: no benchmark named {', '.join(sorted(unknown))} (known: {', '.join(b.name for b in BENCHES)})")
    about = machine()
    started = time.monotonic()
    outcomes = [run(b, args.quick) for b in BENCHES
                if b.name not in args.skip and (not b.optional or (BENCH / b.script).exists())]
    command = " ".join(["python bench/run_all.py", *(["--quick"] if args.quick else []),
                        *(f"--skip {s}" for s in args.skip)])
    report = markdown(outcomes, about, time.monotonic() - started, command)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(f"written to {args.out}", file=sys.stderr)
    return 1 if any(o.error for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
