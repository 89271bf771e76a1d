"""Benchmark: new mail → alert received, with `lockwatch run` on IMAP IDLE over loopback.

Starts a throwaway Dovecot (tests/dovecot.py) and a local apprise ``json://`` receiver
(tests/receivers.py), runs the daemon as a subprocess, then APPENDs phishing mails one at a time
and measures from just before each APPEND to the moment its alert POST arrives. Prints every
sample, the median and the p95 against the targets (median ≤ 0.8 s, p95 ≤ 1.2 s; Dovecot alone
delays IDLE notifications by 0.5 s).

    python bench/alert_latency.py [--count 20] [--json]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import Dovecot, Figure, Report, imap_account, write_config
from support.daemonproc import phishing  # the corpus phish with a fresh Message-ID and a fresh Received stamp
from support.receivers import HttpReceiver

TARGET_MEDIAN, TARGET_P95 = 0.8, 1.2


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[rank]


def wait(predicate, timeout: float, poll: float = 0.0005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(poll)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="mails to append, one at a time (default 20)")
    parser.add_argument("--json", action="store_true", help="human lines to stderr, one JSON document to stdout")
    args = parser.parse_args()
    report = Report("alert_latency", args.json)
    work = Path(tempfile.mkdtemp(prefix="lw-latency-"))
    server = Dovecot(spare_users=1)
    receiver = HttpReceiver()
    daemon = None
    try:
        user = server.add_user()
        config = write_config(work, [imap_account(server, user)],
                              extra=f'\n[schedule]\ninterval = "10m"\nidle = true\n'
                                    f'\n[notify]\nurls = ["{receiver.url}"]\nlanguage = "ja"\n')
        log = (work / "daemon.log").open("wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOCKWATCH_")}
        daemon = subprocess.Popen([sys.executable, "-m", "lockwatch", "run", "-c", str(config)], stdout=log,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)

        def idle_ready() -> bool:
            try:
                with sqlite3.connect(work / "state.db", timeout=5) as db:
                    row = db.execute("SELECT mode FROM checkpoints WHERE folder = 'INBOX'").fetchone()
                return bool(row and row[0] == "idle")
            except sqlite3.Error:
                return False

        if not wait(idle_ready, 20, 0.05):
            print((work / "daemon.log").read_text()[-3000:], file=sys.stderr)
            raise SystemExit("the daemon did not reach IDLE")
        time.sleep(1.5)  # let the notify warm-up (apprise plugin load) finish
        samples: list[float] = []
        with server.client(user) as client:
            for n in range(args.count):
                raw, before = phishing(n), len(receiver.posts)
                started = time.monotonic()
                client.append("INBOX", raw)
                if not wait(lambda b=before: len(receiver.posts) > b, 10):
                    raise SystemExit(f"no alert for mail {n + 1} within 10 s")
                samples.append(time.monotonic() - started)
                report.say(f"mail {n + 1:2d}: {samples[-1] * 1000:6.0f} ms")
                time.sleep(0.3)
        median, p95 = statistics.median(samples), percentile(samples, 0.95)
        report.say(f"APPEND → alert POST over {len(samples)} mails: median {median:.3f} s, p95 {p95:.3f} s, "
                   f"min {min(samples):.3f} s, max {max(samples):.3f} s")
        report.details.update(samples=samples)
        report.add(Figure(f"new mail → alert POST with IDLE, median of {len(samples)}", median, "s", TARGET_MEDIAN))
        report.add(Figure(f"new mail → alert POST with IDLE, p95 of {len(samples)}", p95, "s", TARGET_P95))
        return report.finish()
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(10)
            except subprocess.TimeoutExpired:
                daemon.kill()
        receiver.stop()
        server.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
