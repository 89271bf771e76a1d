"""Benchmark: a first `lockwatch scan` of 10,000 messages against a bare imapclient header fetch.

Starts a throwaway Dovecot (tests/dovecot.py), writes N messages (1% Amazon-looking, sizes log-normal
around 4 KB) straight into its Maildir, warms Dovecot's index, then runs two subprocesses over TLS: a
bare loop fetching only the headers of every message (BODY.PEEK[HEADER], 500 UIDs per FETCH), and
`lockwatch scan --all --no-notify` (fresh state each time), alternating ``--repeat`` times; the best
run of each counts. Bytes are what Dovecot logs it sent each session (out=).
Targets: scan time ≤ 3× the bare fetch, bytes ≤ 1.3× (the prefilter peeks at the start of mail with mere
order / notice wording). Memory is bench/memory.py's job.

    python bench/scan_speed.py [--count 10000] [--repeat 3] [--mail-root auto|disk|DIR] [--json]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchlib import (
    Dovecot,
    Figure,
    Report,
    User,
    check_space,
    fresh_messages,
    mail_root,
    measure,
    next_session,
    scan,
    seed_maildir,
    sessions,
    warm,
)

TARGET_TIME, TARGET_BYTES = 3.0, 1.3
MEAN_SIZE = 6_200  # bytes per generated message, for the space check

BARE_FETCH = """
import ssl, sys, time
from imapclient import IMAPClient
host, port, ca, user, password = sys.argv[1:6]
started = time.monotonic()
client = IMAPClient(host, int(port), ssl=True, ssl_context=ssl.create_default_context(cafile=ca), timeout=60)
client.login(user, password)
client.select_folder("INBOX", readonly=True)
uids = client.search("ALL")
count = 0
for i in range(0, len(uids), 500):
    count += len(client.fetch(uids[i:i + 500], ["BODY.PEEK[HEADER]"]))
client.logout()
print(count, time.monotonic() - started)
"""


def bare_fetch(server: Dovecot, user: User) -> tuple[float, float, int]:
    """(wall seconds, seconds inside the process, bytes Dovecot sent) of the bare header fetch."""
    before = len(sessions(server, user))
    wall, out = measure([sys.executable, "-c", BARE_FETCH, "127.0.0.1", str(server.sport), server.ca,
                         user.name, user.password])
    _count, inner = out.split()
    return wall, float(inner), next_session(server, user, before).sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="messages in the mailbox (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest counts (default 3)")
    parser.add_argument("--mail-root", default="auto", help="where Dovecot's mail lives: auto (tmpfs when it "
                        "has room), disk (the temp dir) or a directory")
    parser.add_argument("--json", action="store_true", help="human lines to stderr, one JSON document to stdout")
    args = parser.parse_args()
    report = Report("scan_speed", args.json)
    n = args.count
    root = mail_root(args.mail_root, n * MEAN_SIZE)
    work = Path(tempfile.mkdtemp(prefix="lw-bench-scan-"))
    server = Dovecot(root=root, spare_users=1)
    try:
        check_space(server, n * MEAN_SIZE)
        started = time.monotonic()
        user = server.add_user()
        count, size = seed_maildir(server, user, fresh_messages(n, seed=n))
        warm(server, user)
        report.say(f"seeded {count:,} messages ({size / 1e6:.1f} MB) under {server.root} "
                   f"in {time.monotonic() - started:.1f} s (incl. index warm-up)")

        bares, runs = [], []
        for i in range(max(1, args.repeat)):
            bares.append(bare_fetch(server, user))
            runs.append(scan(server, user, work / str(i)))
        bare_wall, bare_inner, bare_bytes = min(bares)
        run = min(runs, key=lambda r: r.wall)
        report.say(f"runs (s): bare {', '.join(f'{b[0]:.2f}' for b in bares)}; scan {', '.join(f'{r.wall:.2f}' for r in runs)}")
        report.say(f"bare header fetch: {bare_wall:.2f} s wall ({bare_inner:.2f} s after start-up), "
                   f"{n / bare_wall:,.0f} msg/s, {bare_bytes / 1e6:.2f} MB")
        report.say(f"lockwatch scan:    {run.wall:.2f} s wall, {n / run.wall:,.0f} msg/s, {run.session.sent / 1e6:.2f} MB "
                   f"(headers {run.session.header_bytes / 1e6:.2f} MB, bodies {run.session.body_bytes / 1e6:.2f} MB), "
                   f"peak RSS {run.rss_kb / 1024:.1f} MB")
        report.say(f"  {run.summary}")
        report.details.update(bare_runs=[b[0] for b in bares], scan_runs=[r.wall for r in runs])
        report.details.update(messages=n, mailbox_bytes=size, mail_root=str(server.root), bare_wall=bare_wall,
                              bare_in_process=bare_inner, bare_bytes=bare_bytes, scan_wall=run.wall,
                              scan_bytes=run.session.sent, scan_header_bytes=run.session.header_bytes,
                              scan_body_bytes=run.session.body_bytes, scan_rss_kb=run.rss_kb, summary=run.summary)
        report.add(Figure(f"bare header fetch, {n:,} messages", n / bare_wall, "msg/s", higher_is_better=True))
        report.add(Figure(f"lockwatch scan, {n:,} messages", n / run.wall, "msg/s", higher_is_better=True))
        report.add(Figure(f"scan time vs bare header fetch ({n:,} messages)", run.wall / bare_wall, "×", TARGET_TIME))
        report.add(Figure("bytes fetched vs bare header fetch", run.session.sent / bare_bytes, "×", TARGET_BYTES))
        return report.finish()
    finally:
        server.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
