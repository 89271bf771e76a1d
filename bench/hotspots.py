"""Where the time goes: cProfile of the check path (analyse_bytes over the corpus) and of the scan path (an
in-process `lockwatch scan` of a seeded Dovecot), as shares of own time by area and the top functions.

cProfile adds a fixed cost per Python call, so call-heavy pure-Python code looks somewhat bigger than
it is and waiting (socket reads) somewhat smaller; the shares are for finding hot spots, not figures.

    python bench/hotspots.py [check|scan|both] [--messages 2000] [--count 10000] [--top 15]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import re
import shutil
import sys
import sysconfig
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import ROOT, Dovecot, fresh_messages, imap_account, mail_root, seed_maildir, warm, write_config

STDLIB = sysconfig.get_paths()["stdlib"]


def area(filename: str, function: str) -> str:
    """A readable owner for a profiled function: lockwatch module, library, stdlib module or C builtin."""
    if filename == "~":  # a C function: group by what it belongs to
        for needle, label in (("_ssl.", "TLS socket reads/writes (waiting on Dovecot)"), ("socket", "socket"),
                              ("sqlite3", "SQLite (C)"), ("re.Pattern", "regular expressions (C)"),
                              ("_sre", "regular expressions (C)"), ("_imp.", "imports"), ("marshal", "imports")):
            if needle in function:
                return label
        return "other C builtins"
    path = filename.replace("\\", "/")
    if "/site-packages/" in path:
        return "lib " + path.split("/site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/daemon/lockwatch/" in path:
        return "lockwatch." + path.split("/daemon/lockwatch/", 1)[1].removesuffix(".py").replace("/", ".")
    if path.startswith(STDLIB):
        rel = path[len(STDLIB):].lstrip("/")
        return "stdlib " + (rel.split("/", 1)[0] if "/" in rel else rel.removesuffix(".py"))
    if path.startswith("<frozen"):
        return "imports"
    return "other"


def show(profile: cProfile.Profile, title: str, top: int) -> None:
    stats = pstats.Stats(profile)
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for _cc, _nc, tt, _ct, _callers in raw.values())
    by_area: dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_cc, _nc, tt, _ct, _callers) in raw.items():
        by_area[area(filename, function)] += tt
    print(f"\n== {title}: {total:.2f} s under the profiler\n-- own time by area")
    for name, seconds in sorted(by_area.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {seconds / total * 100:5.1f}%  {seconds:6.2f} s  {name}")
    print("-- cumulative time of the top functions (inclusive of what they call)")
    ranked = sorted(raw.items(), key=lambda kv: -kv[1][3])
    shown = 0
    for (filename, line, function), (_cc, calls, _tt, cumulative, _callers) in ranked:
        if filename == "~" and function.startswith("<built-in method builtins.exec"):
            continue
        where = f"{area(filename, function)}:{function}" + (f" ({Path(filename).name}:{line})" if filename != "~" else "")
        print(f"  {cumulative / total * 100:5.1f}%  {cumulative:6.2f} s  {calls:>8} calls  {where}")
        shown += 1
        if shown >= top:
            break


def best_ms(fn: Callable[[Any], object], items: list[Any], rounds: int = 3) -> float:
    """Milliseconds per item of the best of ``rounds`` loops (no profiler)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - started)
    return best / len(items) * 1000


def check_stages(batch: list[bytes]) -> None:
    """Unprofiled cost per message of each stage of the check path, next to the bare parse."""
    import email

    import mailparser

    from lockwatch.detect import DetectOptions, analyse, analyse_bytes
    from lockwatch.parse.message import parse

    mails = [(parse(raw), raw) for raw in batch]
    options = DetectOptions()
    stages = [("bare mailparser.parse_from_bytes", best_ms(mailparser.parse_from_bytes, batch)),
              ("stdlib email.message_from_bytes (what message.parse keeps of it)", best_ms(email.message_from_bytes, batch)),
              ("lockwatch.parse.message.parse (mail-parser + decoding, bodies, links)", best_ms(parse, batch)),
              ("lockwatch.detect.analyse (detection on a parsed Mail)", best_ms(lambda m: analyse(m[0], options, m[1]), mails)),
              ("lockwatch.detect.analyse_bytes (all of it)", best_ms(analyse_bytes, batch))]
    print(f"\n== check path stages, no profiler, best of 3 loops over {len(batch)} messages")
    whole = stages[-1][1]
    for name, ms in stages:
        print(f"  {ms:6.3f} ms/msg  {ms / whole * 100:5.1f}% of analyse_bytes  {name}")


def profile_check(messages: int, top: int) -> None:
    from lockwatch.detect import analyse_bytes

    corpus = [p.read_bytes() for p in sorted((ROOT / "tests" / "corpus").glob("*/*.eml"))]
    batch = (corpus * (messages // len(corpus) + 1))[:messages]
    analyse_bytes(corpus[0])
    check_stages(batch)
    profile = cProfile.Profile()
    profile.enable()
    for raw in batch:
        analyse_bytes(raw)
    profile.disable()
    show(profile, f"check path: analyse_bytes over {len(batch)} corpus messages", top)


def profile_scan(count: int, top: int) -> None:
    server = Dovecot(root=mail_root("auto", count * 6_200), spare_users=1)
    work = Path(tempfile.mkdtemp(prefix="lw-hotspots-"))
    try:
        user = server.add_user()
        seed_maildir(server, user, fresh_messages(count, seed=count))
        warm(server, user)
        config = write_config(work, [imap_account(server, user, timeout="120s")])
        os.environ.update(HOME=str(work), XDG_STATE_HOME=str(work), XDG_CONFIG_HOME=str(work))
        for name in [k for k in os.environ if k.startswith("LOCKWATCH_")]:
            del os.environ[name]
        profile = cProfile.Profile()
        out = io.StringIO()
        profile.enable()
        from lockwatch.cli import main  # imports count: the CLI pays them on every run

        with contextlib.redirect_stdout(out):
            code = main(["scan", "-c", str(config), "--all", "--no-notify"])
        profile.disable()
        summary = next((line for line in out.getvalue().splitlines() if line.startswith("scan: ")), "")
        if code != 0:
            raise SystemExit(f"the scan failed ({code}): {out.getvalue()[-500:]}")
        show(profile, f"scan path: first `lockwatch scan` of {count} messages ({re.sub(r'^scan: ', '', summary)})", top)
    finally:
        server.destroy()
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", choices=["check", "scan", "both"], default="both")
    parser.add_argument("--messages", type=int, default=2_000, help="corpus messages for the check path")
    parser.add_argument("--count", type=int, default=10_000, help="mailbox size for the scan path")
    parser.add_argument("--top", type=int, default=15, help="rows per table")
    args = parser.parse_args()
    if args.path in ("check", "both"):
        profile_check(args.messages, args.top)
    if args.path in ("scan", "both"):
        profile_scan(args.count, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
