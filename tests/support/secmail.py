"""Security-test helpers: a link-target server that counts every connection, corpus mail rewritten
to name it, raw IMAP snapshots of a mailbox, and a ``lockwatch -vv run`` daemon."""

from __future__ import annotations

import base64
import contextlib
import email
import email.policy
import imaplib
import os
import quopri
import re
import socket
import ssl
import subprocess
import sys
import threading
from email.message import Message
from pathlib import Path

from support.daemonproc import Daemon
from support.dovecot import Dovecot, User
from support.paths import CORPUS

_HOST_IN_HREF = re.compile(r"""(href\s*=\s*["']?)https?://[^/"'\s<>]+""", re.IGNORECASE)
_MESSAGE_ID = re.compile(rb"(?im)^Message-ID:[^\r\n]*(\r?\n[ \t][^\r\n]*)*")


class LinkTarget:
    """A TCP listener on 127.0.0.1 (and ::1 when it can) that counts every connection it is offered
    and keeps the first bytes of each (an HTTP request line or a TLS ClientHello)."""

    def __init__(self) -> None:
        self.connections: list[bytes] = []
        self._socks = [socket.create_server(("127.0.0.1", 0))]
        self.port = self._socks[0].getsockname()[1]
        with contextlib.suppress(OSError):  # no IPv6 here
            self._socks.append(socket.create_server(("::1", self.port), family=socket.AF_INET6))
        self._lock = threading.Lock()
        for sock in self._socks:
            threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def _accept(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    first = conn.recv(200)
                except OSError:
                    first = b""
                with self._lock:
                    self.connections.append(first or b"(connection, no bytes)")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def close(self) -> None:
        for sock in self._socks:
            sock.close()


def _decoded(part: Message) -> tuple[str, str]:
    """(text, charset) of a leaf text part; unknown charsets are read as UTF-8."""
    charset = part.get_content_charset() or "us-ascii"
    payload = part.get_payload(decode=True) or b""
    try:
        return payload.decode(charset, "replace"), charset
    except LookupError:
        return payload.decode("utf-8", "replace"), "utf-8"


def _set_text(part: Message, text: str, charset: str) -> None:
    """Put ``text`` back into ``part`` in its own charset and transfer encoding (UTF-8 when the
    charset cannot carry it)."""
    try:
        data = text.encode(charset)
    except (UnicodeEncodeError, LookupError):
        data, charset = text.encode("utf-8"), "utf-8"
        part.set_param("charset", "utf-8")
    cte = str(part.get("Content-Transfer-Encoding", "7bit")).strip().lower()
    if cte == "base64":
        part.set_payload(base64.encodebytes(data).decode("ascii"))
    elif cte == "quoted-printable":
        part.set_payload(quopri.encodestring(data).decode("ascii"))
    else:
        if any(b > 127 for b in data) and cte == "7bit":
            del part["Content-Transfer-Encoding"]
            part["Content-Transfer-Encoding"] = "8bit"
        part.set_payload(data.decode("ascii", "surrogateescape"))


def name_target(raw: bytes, target: LinkTarget, tag: str, *, repoint: bool) -> tuple[bytes, int]:
    """``raw`` with the link target named in every text part: a plain URL at the top of each
    text/plain part, a link and an image at the top of each text/html body and, with ``repoint``,
    the first existing href of each HTML part moved to the target. Returns (mail, parts changed)."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    changed = 0
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text" or part.get_filename():
            continue
        subtype = part.get_content_subtype()
        if subtype not in ("plain", "html"):
            continue
        text, charset = _decoded(part)
        if subtype == "plain":
            text = f"Verify now: {target.url(f'{tag}/plain')}\n\n{text}"
        else:
            if repoint:
                text = _HOST_IN_HREF.sub(lambda m: m[1] + target.url(f"{tag}/moved").rstrip("/"), text, count=1)
            link = (f'<p><a href="{target.url(f"{tag}/html")}">Sign in to Amazon</a>'
                    f'<img src="{target.url(f"{tag}/logo.png")}" alt="amazon"></p>')
            body = re.search(r"<body[^>]*>", text, re.IGNORECASE)
            text = text[:body.end()] + link + text[body.end():] if body else link + text
        _set_text(part, text, charset)
        changed += 1
    return msg.as_bytes(policy=email.policy.compat32), changed


def fresh(raw: bytes, tag: str) -> bytes:
    """``raw`` under a new Message-ID and a Received stamp of now (pushed, not backfill)."""
    from support.daemonproc import received_now

    new = f"Message-ID: <lw-sec-{tag}-{os.urandom(5).hex()}@sec.example.test>".encode()
    replaced, count = _MESSAGE_ID.subn(new, raw, count=1)
    return received_now() + (replaced if count else new + b"\r\n" + raw)


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("**/*.eml"))


# -- raw IMAP snapshots ------------------------------------------------------------------------
_RECENT = re.compile(rb"\s?\\Recent")


def snapshot(dovecot: Dovecot, user: User, folders: list[str]) -> dict[str, list[bytes]]:
    """Per folder, read-only: STATUS (incl. HIGHESTMODSEQ) and the raw UID FETCH (FLAGS RFC822.SIZE
    INTERNALDATE) lines of every message, with the session-dependent \\Recent removed."""
    context = ssl.create_default_context(cafile=dovecot.ca)
    imap = imaplib.IMAP4_SSL("127.0.0.1", dovecot.sport, ssl_context=context, timeout=30)
    try:
        imap.login(user.name, user.password)
        shot: dict[str, list[bytes]] = {}
        for folder in folders:
            typ, status = imap.status(folder, "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)")
            assert typ == "OK", status
            typ, _ = imap.select(folder, readonly=True)
            assert typ == "OK"
            typ, lines = imap.uid("FETCH", "1:*", "(FLAGS RFC822.SIZE INTERNALDATE)")
            assert typ == "OK", lines
            fetched = [_RECENT.sub(b"", line) for line in lines if isinstance(line, bytes)]
            shot[folder] = [bytes(status[0]), *sorted(fetched)]
            imap.close()
        return shot
    finally:
        imap.logout()


# -- the daemon at the most verbose level ------------------------------------------------------
class LoudDaemon(Daemon):
    """``python -m lockwatch -vv run -c CONFIG``: every dependency logs at DEBUG (the IMAP trace)."""

    def __init__(self, config: Path, env: dict[str, str], state: Path, umask: int = -1) -> None:
        self.config, self.state, self.log = config, state, config.parent / "daemon.log"
        self.out = self.log.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "lockwatch", "-vv", "run", "-c", str(config)],
                                     stdout=self.out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env, umask=umask)


_COMMAND = re.compile(r"> b'[A-Z]+\d+ ((?:UID )?[A-Z]+)([^'\n]*)")
# commands that change a mailbox or its flags, or open it read-write
WRITING = {"SELECT", "STORE", "UID STORE", "EXPUNGE", "UID EXPUNGE", "COPY", "UID COPY", "MOVE", "UID MOVE",
           "APPEND", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "SETMETADATA"}


def imap_commands(log: str) -> list[tuple[str, str]]:
    """(command, arguments) of every IMAP command in a ``-vv`` log (imapclient's protocol trace)."""
    return [(m[1], m[2]) for m in _COMMAND.finditer(log)]


def marks_seen(arguments: str) -> bool:
    """True when FETCH items would set \\Seen: BODY[...] without PEEK, RFC822 or RFC822.TEXT."""
    items = arguments.upper()
    return bool(re.search(r"(?<![.\w])BODY\[", items) or re.search(r"\bRFC822(?!\.HEADER|\.SIZE)\b", items))
