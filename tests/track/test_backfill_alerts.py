"""A first scan of an old mailbox records last month's phishing without pushing it; fresh phishing is pushed."""

from __future__ import annotations

import email.utils
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from support.paths import CORPUS

PHISH = CORPUS / "phishing" / "ja-lock-combosquat-amazon-co-jp-login-top.eml"


def _with_arrival(raw: bytes, when: float, message_id: str) -> bytes:
    stamp = email.utils.formatdate(when, localtime=False).encode()
    head = (b"Received: from mx.attacker.example by mx.home.example; " + stamp + b"\r\n"
            + b"Message-ID: <" + message_id.encode() + b">\r\n")
    body = b"\n".join(line for line in raw.split(b"\n") if not line.lower().startswith(b"message-id:"))
    return head + body


def test_old_phishing_recorded_not_pushed(tmp_path: Path):
    maildir = tmp_path / "mail"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    now = time.time()
    raw = PHISH.read_bytes()
    (maildir / "cur" / "1.old:2,S").write_bytes(_with_arrival(raw, now - 20 * 86400, "old@x.test"))
    (maildir / "cur" / "2.new:2,").write_bytes(_with_arrival(raw, now - 60, "new@x.test"))
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    r = subprocess.run([sys.executable, "-m", "lockwatch", "scan", "--source", str(maildir), "--all", "--json"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count('"type": "alert"') == 2  # both shown
    db = sqlite3.connect(tmp_path / "state" / "lockwatch" / "local-state.db")
    pushed = dict(db.execute("SELECT message_ids, pushed FROM alerts").fetchall())
    assert pushed == {'["<old@x.test>"]': 0, '["<new@x.test>"]': 1}
