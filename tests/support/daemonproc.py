"""Run `lockwatch run` as a subprocess in tests: start, wait for readiness, stop; fresh phishing mail."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from conftest import imap_account, write_config
from support.dovecot import Dovecot, User
from support.paths import CORPUS
from support.procs import stop_process
from support.receivers import HttpReceiver

CORPUS = CORPUS / "phishing" / "ja-lock-combosquat-amazon-co-jp-login-top.eml"


def phishing(n: int = 0) -> bytes:
    """The corpus phishing mail with a fresh Message-ID (the state dedupes by Message-ID)."""
    raw = CORPUS.read_bytes()
    fresh = f"<lw-daemon-{n}-{os.urandom(6).hex()}@amaz0n-test.top>".encode()
    replaced, count = re.subn(rb"(?im)^Message-ID:[^\r\n]*", b"Message-ID: " + fresh, raw, count=1)
    replaced = replaced if count else b"Message-ID: " + fresh + b"\r\n" + raw
    return received_now() + replaced


def received_now() -> bytes:
    """A fresh topmost Received header, as the user's own server adds on delivery (the alert code
    treats mail that arrived long ago as backfill: recorded, not pushed)."""
    return f"Received: from mx.example.test by imap.example.test; {format_datetime(datetime.now(UTC))}\r\n".encode()


def wait_for(predicate: Callable[[], object], timeout: float, what: str, proc: subprocess.Popen | None = None,
             log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.05)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n--- daemon log ---\n{tail}")


class Daemon:
    """``python -m lockwatch -v run -c CONFIG`` with its log in a file."""

    def __init__(self, config: Path, env: dict[str, str], state: Path) -> None:
        self.config, self.state, self.log = config, state, config.parent / "daemon.log"
        self.out = self.log.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "lockwatch", "-v", "run", "-c", str(config)],
                                     stdout=self.out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env)

    def mode(self, folder: str = "INBOX") -> str | None:
        if not self.state.exists():
            return None
        try:
            with sqlite3.connect(self.state, timeout=5) as db:
                row = db.execute("SELECT mode, last_check FROM checkpoints WHERE folder = ?", (folder,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row and row[1] else None

    def wait_ready(self, mode: str, timeout: float = 15) -> None:
        wait_for(lambda: self.mode() == mode, timeout, f"the daemon to check INBOX in {mode} mode", self.proc,
                 self.log)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        """SIGTERM; fails the test if the daemon needs more than 5 s to exit."""
        began = time.monotonic()
        code = stop_process(self.proc)
        self.out.close()
        assert time.monotonic() - began < 5.5, f"no exit within 5 s of SIGTERM\n{self.text()[-3000:]}"
        return code


def make_config(tmp_path: Path, dovecot: Dovecot, user: User, url: str, *, idle: bool = True,
                interval: str = "2m") -> Path:
    extra = (f'\n[schedule]\ninterval = "{interval}"\nidle = {"true" if idle else "false"}\n'
             f'\n[notify]\nurls = ["{url}"]\nlanguage = "en"\n')
    return write_config(tmp_path, [imap_account(dovecot, user, timeout="5s")], extra=extra)


def alerts_for(http: HttpReceiver, count: int) -> Callable[[], bool]:
    return lambda: len(http.posts) >= count
