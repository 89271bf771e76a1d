"""Benchmark: peak RSS of a first `lockwatch scan` over mailboxes of 1,000, 10,000 and 100,000 messages.

Starts a throwaway Dovecot (tests/dovecot.py) and grows one INBOX to each size in turn (Maildir files
written directly: 100,000 messages take seconds), warms Dovecot's index, then runs
`lockwatch scan --all --no-notify` with fresh state. The peak RSS is the lockwatch process's own
high-water mark (VmHWM, read at its exit; see benchlib.PEAK_RSS_WRAPPER). Memory should not grow with
the mailbox: target RSS at 10k ≤ 1.2× RSS at 1k; the same bound is applied to 100k.

    python bench/memory.py [--sizes 1000,10000,100000] [--mail-root auto|disk|DIR] [--json]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchlib import Dovecot, Figure, Report, check_space, disk_use, fresh_messages, mail_root, scan, seed_maildir, warm

TARGET_GROWTH = 1.2
MEAN_SIZE = 6_200  # bytes per generated message, for the space check


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="mailbox sizes, ascending (default 1000,10000,100000)")
    parser.add_argument("--mail-root", default="auto", help="where Dovecot's mail lives: auto (tmpfs when it "
                        "has room), disk (the temp dir) or a directory")
    parser.add_argument("--json", action="store_true", help="human lines to stderr, one JSON document to stdout")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or sizes[0] <= 0:
        parser.error("--sizes: give positive message counts, e.g. 1000,10000")
    report = Report("memory", args.json)
    need = sizes[-1] * MEAN_SIZE
    root = mail_root(args.mail_root, need)
    work = Path(tempfile.mkdtemp(prefix="lw-bench-mem-"))
    server = Dovecot(root=root, spare_users=1)
    try:
        check_space(server, need)
        user = server.add_user()
        rss: dict[int, int] = {}
        have = 0
        for size in sizes:
            started = time.monotonic()
            seed_maildir(server, user, fresh_messages(size - have, seed=size), first=have)
            have = size
            warm(server, user)
            report.say(f"{size:,} messages ({disk_use(user.maildir) / 1e6:.0f} MB on disk with Dovecot's index) "
                       f"under {server.root}, seeded in {time.monotonic() - started:.1f} s")
            run = scan(server, user, work / str(size))
            rss[size] = run.rss_kb
            report.say(f"  lockwatch scan: {run.wall:.1f} s, {size / run.wall:,.0f} msg/s, peak RSS {run.rss_kb / 1024:.1f} MB")
            report.details[str(size)] = {"wall": run.wall, "rss_kb": run.rss_kb, "summary": run.summary}
            report.add(Figure(f"peak RSS of lockwatch scan, {size:,} messages", run.rss_kb / 1024, "MB"))
        report.details.update(mail_root=str(server.root), mailbox_disk_bytes=disk_use(user.maildir))
        smallest = sizes[0]
        for size in sizes[1:]:
            note = "" if size <= 10 * smallest else "no target of its own: the 10k-vs-1k bound applied"
            report.add(Figure(f"peak RSS, {size:,} vs {smallest:,} messages", rss[size] / rss[smallest], "×", TARGET_GROWTH,
                              note=note))
        return report.finish()
    finally:
        server.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
