"""Benchmark: new mail → alert received, with `lockwatch run` on IMAP IDLE over loopback.

Starts a throwaway Dovecot (tests/dovecot.py) and a local apprise ``json://`` receiver
(tests/receivers.py), runs the daemon as a subprocess, then APPENDs phishing mails one at a time
and measures from just before each APPEND to the moment its alert POST arrives. Prints every
sample, the median and the p95 against the targets (median ≤ 0.8 s, p95 ≤ 1.2 s; Dovecot alone
delays IDLE notifications by 0.5 s).

    python bench/alert_latency.py [--count 20]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import imap_account, write_config  # noqa: E402
from dovecot import Dovecot  # noqa: E402
from receivers import HttpReceiver  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "phishing" / "ja-lock-combosquat-amazon-co-jp-login-top.eml"
TARGET_MEDIAN, TARGET_P95 = 0.8, 1.2


def phishing(n: int) -> bytes:
    fresh = f"<lw-bench-{n}-{os.urandom(6).hex()}@amaz0n-test.top>".encode()
    received = f"Received: from mx.example.test by imap.example.test; {format_datetime(datetime.now(UTC))}\r\n"
    # a fresh topmost Received: mail that arrived long ago is backfill (recorded, not pushed)
    return received.encode() + re.sub(rb"(?im)^Message-ID:[^\r\n]*", b"Message-ID: " + fresh, CORPUS.read_bytes(),
                                      count=1)


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
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
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
            print((work / "daemon.log").read_text(), file=sys.stderr)
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
                print(f"mail {n + 1:2d}: {samples[-1] * 1000:6.0f} ms", flush=True)
                time.sleep(0.3)
        median, p95 = statistics.median(samples), percentile(samples, 0.95)
        ok = median <= TARGET_MEDIAN and p95 <= TARGET_P95
        print(f"APPEND → alert POST over {len(samples)} mails: median {median:.3f} s "
              f"(target ≤ {TARGET_MEDIAN}), p95 {p95:.3f} s (target ≤ {TARGET_P95}), "
              f"min {min(samples):.3f} s, max {max(samples):.3f} s: {'OK' if ok else 'MISSED'}")
        return 0 if ok else 1
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
