"""Fault-injection helpers for the environment side: a daemon whose log survives a file-size limit, a
disk that fills up (RLIMIT_FSIZE on the daemon, or a real tmpfs where mounting is allowed), a DNS
resolver that never answers, and DKIM-signed Amazon mail that only DNS could prove.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import resource
import socket
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from support.daemonproc import Daemon, received_now

__all__ = ["DeliveryWorker", "OnPost", "PipedDaemon", "SilentResolver", "Tmpfs", "dkim_key", "integrity",
           "limit_writes", "signed_order"]


# -- the daemon ----------------------------------------------------------------------------------------
class _Pump:
    """Copies the daemon's output pipe into its log file from the test process (the daemon itself may
    be unable to write any file); ``close`` waits for the copy to finish."""

    def __init__(self, pipe, log: Path) -> None:
        self.pipe, self.file = pipe, log.open("wb")
        self.thread = threading.Thread(target=self._copy, name="daemon-log", daemon=True)
        self.thread.start()

    def _copy(self) -> None:
        for chunk in iter(lambda: self.pipe.read1(65536), b""):
            self.file.write(chunk)
            self.file.flush()

    def close(self) -> None:
        self.thread.join(5)
        self.file.close()


class PipedDaemon(Daemon):
    """``lockwatch -v run`` as daemonproc.Daemon, but logging through a pipe (see _Pump)."""

    def __init__(self, config: Path, env: dict[str, str], state: Path) -> None:
        self.config, self.state, self.log = config, state, config.parent / "daemon.log"
        self.proc = subprocess.Popen([sys.executable, "-m", "lockwatch", "-v", "run", "-c", str(config)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env)
        self.out = _Pump(self.proc.stdout, self.log)


# -- a full disk ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def limit_writes(pid: int):
    """Every write of process ``pid`` past the first byte of a file fails with EFBIG while inside."""
    soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (1, hard))
    try:
        yield
    finally:
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))


class DeliveryWorker:
    """A process that runs one outbox delivery pass (``deliver_pending``) of a state file each time asked."""

    SCRIPT = """
import json, sys
from lockwatch.deliver.notify import Notifier
from lockwatch.deliver.outbox import deliver_pending
from lockwatch.state.db import State
state, notifier = State(sys.argv[1]), Notifier([sys.argv[2]])
for _ in sys.stdin:
    try:
        done = deliver_pending(state, notifier)
        print(json.dumps({"sent": done.sent, "failed": done.failed, "pending": done.pending}), flush=True)
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
"""

    def __init__(self, state: Path, url: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", self.SCRIPT, str(state), url], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def deliver(self) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"the delivery worker died (exit {self.proc.wait(5)})"
        return json.loads(line)

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(10)


class OnPost(list):
    """A list for ``HttpReceiver.posts`` that runs ``hook`` as each post arrives, before it is answered."""

    def __init__(self, hook: Callable[[], None]) -> None:
        super().__init__()
        self.hook = hook

    def append(self, item: Any) -> None:
        self.hook()
        super().append(item)


class Tmpfs:
    """A small tmpfs mounted at ``path`` (``Tmpfs.mount`` gives None where mounting is not allowed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.filler = path / "filler"

    @classmethod
    def mount(cls, path: Path, size: str = "16m") -> Tmpfs | None:
        path.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
                                  capture_output=True)
        except OSError:  # no mount(8) at all
            return None
        return cls(path) if done.returncode == 0 else None

    @contextlib.contextmanager
    def full(self):
        """Fill every free byte (writes then fail with ENOSPC); the space returns on leaving."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * (1 << 16)):  # the last write is partial, the next one fails
                pass
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
        finally:
            os.close(fd)
        try:
            yield
        finally:
            self.filler.unlink()

    def unmount(self) -> None:
        if subprocess.run(["umount", str(self.path)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


def integrity(state: Path) -> str:
    """``PRAGMA integrity_check`` through a read-only connection (the daemon may still hold it open)."""
    with sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5) as db:
        return "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))


# -- DNS -----------------------------------------------------------------------------------------------
class SilentResolver:
    """A UDP "resolver" on 127.0.0.1 that reads every query and never answers; ``names`` were asked."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.names: list[str] = []
        threading.Thread(target=self._listen, name="silent-dns", daemon=True).start()

    def _listen(self) -> None:
        while True:
            try:
                packet = self.sock.recv(4096)
            except OSError:  # closed
                return
            self.names.append(_qname(packet))

    def close(self) -> None:
        self.sock.close()


def _qname(packet: bytes) -> str:
    labels, at = [], 12
    while at < len(packet) and packet[at]:
        labels.append(packet[at + 1:at + 1 + packet[at]].decode("ascii", "replace"))
        at += 1 + packet[at]
    return ".".join(labels).lower()


# -- mail ----------------------------------------------------------------------------------------------
def dkim_key(directory: Path) -> bytes:
    """A throwaway RSA private key (PEM) to sign with; its public half is published nowhere."""
    key = directory / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "1024"], check=True, capture_output=True)
    return key.read_bytes()


def signed_order(private_key: bytes, selector: str, order_id: str) -> bytes:
    """An amazon.co.jp order confirmation signed by DKIM (d=amazon.co.jp) with no Authentication-Results:
    only a DNS lookup of the key could prove it, and it arrived just now."""
    import dkim

    msg = EmailMessage()
    msg["From"] = '"Amazon.co.jp" <auto-confirm@amazon.co.jp>'
    msg["To"] = "taro.yamada@home.example"
    msg["Subject"] = f"Amazon.co.jp でのご注文 {order_id}"
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@email.amazonses.com>"
    msg.set_content(f"ご注文ありがとうございます。\n注文番号: {order_id}\n注文合計: ￥980\n"
                    f"https://www.amazon.co.jp/gp/css/order-details?orderID={order_id}\n")
    raw = msg.as_bytes(policy=SMTP)
    signature = dkim.sign(raw, selector.encode(), b"amazon.co.jp", private_key,
                          include_headers=[b"from", b"subject", b"date", b"message-id", b"to"])
    return received_now() + signature + raw

