"""Benchmark: a first `lockwatch scan` of 10,000 messages against a bare imapclient header fetch.

Starts a throwaway Dovecot (tests/dovecot.py), seeds 1,000 and 10,000 messages (1% Amazon-looking,
sizes log-normal around 4 KB) straight into Maildirs, warms Dovecot's index, then runs as
subprocesses: a bare loop fetching only the headers of every message, and `lockwatch scan --all`.
Prints wall time, messages/s, bytes fetched and peak RSS, and the ratios against the targets:
scan time ≤ 3× the bare fetch, bytes ≤ 1.1×, peak RSS at 10k ≤ 1.2× of 1k.

    python bench/scan_speed.py [--count 10000]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import mailgen  # noqa: E402
from conftest import imap_account, lockwatch_command, write_config  # noqa: E402
from dovecot import Dovecot, User  # noqa: E402

BARE_FETCH = """
import ssl, sys, time
from imapclient import IMAPClient
host, port, ca, user, password = sys.argv[1:6]
started = time.monotonic()
client = IMAPClient(host, int(port), ssl=True, ssl_context=ssl.create_default_context(cafile=ca), timeout=30)
received = 0
read, readline = client._imap.read, client._imap.readline
def counted_read(n):
    global received
    data = read(n); received += len(data); return data
def counted_readline():
    global received
    data = readline(); received += len(data); return data
client._imap.read, client._imap.readline = counted_read, counted_readline
client.login(user, password)
client.select_folder("INBOX", readonly=True)
uids = client.search("ALL")
count = 0
for i in range(0, len(uids), 500):
    count += len(client.fetch(uids[i:i + 500], ["BODY.PEEK[HEADER]"]))
client.logout()
print(count, received, time.monotonic() - started)
"""


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run ``command`` and return (wall seconds, peak RSS KB, output)."""
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    output = b""
    assert proc.stdout is not None
    for chunk in iter(lambda: proc.stdout.read(65536), b""):
        output += chunk
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} exited {proc.returncode}: {output.decode()[-800:]}")
    return wall, usage.ru_maxrss, output.decode()


def seed(server: Dovecot, count: int) -> User:
    user = server.add_user()
    server.seed(user, mailgen.mixed(count, amazon_share=0.01, seed=count))
    with server.client(user) as client:  # let Dovecot build its index before anything is timed
        client.select_folder("INBOX", readonly=True)
        client.fetch(client.search("ALL"), ["RFC822.SIZE"])
    return user


def bare_fetch(server: Dovecot, user: User) -> tuple[float, float, int]:
    wall, _rss, out = measure([sys.executable, "-c", BARE_FETCH, "127.0.0.1", str(server.sport), server.ca,
                               user.name, user.password])
    _count, received, inner = out.split()
    return wall, float(inner), int(received)


def scan(server: Dovecot, user: User, workdir: Path) -> tuple[float, int, int, str]:
    workdir.mkdir(parents=True, exist_ok=True)
    config = write_config(workdir, [imap_account(server, user, timeout="60s")])
    env = {**os.environ, "HOME": str(workdir), "XDG_STATE_HOME": str(workdir)}
    wall, rss, out = measure([*lockwatch_command(), "scan", "-c", str(config), "--all", "--no-notify"], env)
    summary = next(line for line in out.splitlines() if line.startswith("scan: "))
    number, unit = re.search(r"([\d.]+) (B|KB|MB) fetched", summary).groups()  # type: ignore[union-attr]
    fetched = int(float(number) * {"B": 1, "KB": 1024, "MB": 1024 * 1024}[unit])
    return wall, rss, fetched, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lw-bench-"))
    server = Dovecot(spare_users=2)
    try:
        started = time.monotonic()
        small, large = seed(server, args.small), seed(server, args.count)
        print(f"seeded {args.small} + {args.count} messages in {time.monotonic() - started:.1f} s")

        bare_wall, bare_inner, bare_bytes = bare_fetch(server, large)
        scan_wall, rss_large, scan_bytes, summary = scan(server, large, work / "large")
        _wall, rss_small, _bytes, _summary = scan(server, small, work / "small")

        n = args.count
        print(f"bare header fetch: {bare_wall:.2f} s wall ({bare_inner:.2f} s in-process), "
              f"{n / bare_wall:,.0f} msg/s, {bare_bytes / 1e6:.2f} MB")
        print(f"lockwatch scan:    {scan_wall:.2f} s wall, {n / scan_wall:,.0f} msg/s, "
              f"{scan_bytes / 1e6:.2f} MB")
        print(f"  {summary}")
        print(f"peak RSS: {rss_small / 1024:.1f} MB at {args.small}, {rss_large / 1024:.1f} MB at {n}")
        checks = [("scan time / bare fetch", scan_wall / bare_wall, 3.0),
                  ("bytes / bare fetch", scan_bytes / bare_bytes, 1.1),
                  (f"RSS {n} / {args.small}", rss_large / rss_small, 1.2)]
        for name, value, target in checks:
            print(f"{name:<24} {value:5.2f}  (target ≤ {target})  {'ok' if value <= target else 'MISSED'}")
        return 0 if all(value <= target for _n, value, target in checks) else 1
    finally:
        server.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
