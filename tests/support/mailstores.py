"""Throwaway mail stores for scan tests: a Maildir and an mbox filled with given mails."""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["maildir", "mbox"]


def maildir(path: Path, mails: list[bytes], sub: str = "new") -> Path:
    """A Maildir at ``path`` with ``mails`` delivered into ``sub`` (new or cur)."""
    for name in ("cur", "new", "tmp"):
        (path / name).mkdir(parents=True, exist_ok=True)
    for mail in mails:
        name = f"{time.time_ns()}.lwtest"
        (path / "tmp" / name).write_bytes(mail)
        os.rename(path / "tmp" / name, path / sub / name)
    return path


def mbox(path: Path, mails: list[bytes], mode: str = "wb") -> Path:
    """An mbox at ``path`` holding ``mails`` (From-quoted), written or appended (``mode``)."""
    with path.open(mode) as fh:
        for mail in mails:
            body = mail.replace(b"\r\n", b"\n")
            body = b"\n".join(b">" + line if line.startswith((b"From ", b">From ")) else line
                              for line in body.split(b"\n"))
            fh.write(b"From MAILER-DAEMON Mon Nov 23 09:00:00 2026\n" + body.rstrip(b"\n") + b"\n\n")
    return path
