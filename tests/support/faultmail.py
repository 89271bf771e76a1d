"""Fault-injection helpers for the mailbox side: a mailbox whose alerts are known exactly, progress read
from the daemon's state database, freezing the daemon at a chosen moment, and checking the receiver.

A mailbox (``Mailbox``) is ordinary mail with tagged phishing mails (each subject ends in a unique tag,
which the alert's title repeats) and a burst of three genuine orders (one takeover alert naming all
three order ids) spread through it. ``expected`` names what the receiver must get, each exactly once.
"""

from __future__ import annotations

import contextlib
import functools
import os
import random
import re
import signal
import sqlite3
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from support import burstmail, mailgen
from support.daemonproc import phishing, wait_for
from support.receivers import HttpReceiver

__all__ = ["Mailbox", "Snapshot", "build_mailbox", "delivery_in_flight", "freeze_mid_scan", "received",
           "snapshot", "tagged_phishing", "thaw"]

_SUBJECT = re.compile(rb"(?m)^Subject:[^\n]*\n(?:[ \t][^\n]*\n)*")


def tagged_phishing(tag: str) -> bytes:
    """The corpus phishing mail (fresh Message-ID and Received) whose subject ends in ``tag``."""
    raw, count = _SUBJECT.subn(lambda m: m[0].rstrip(b"\r\n") + f" {tag}".encode() + b"\n", phishing(), count=1)
    assert count == 1, "the corpus phishing mail has no Subject"
    return raw


@dataclass
class Mailbox:
    """The mail to seed, in order, and the alerts it must give: phishing tags and one takeover."""

    raws: list[bytes]
    tags: list[str]  # one phishing alert each (the tag is in the alert's title)
    orders: list[str] = field(default_factory=list)  # one takeover alert naming all of them

    @property
    def expected(self) -> list[str]:
        return [*self.tags, *(["takeover"] if self.orders else [])]


def build_mailbox(total: int, phish: int, *, burst: bool = True, seed: int = 7) -> Mailbox:
    """``total`` messages: ``phish`` tagged phishing mails and (``burst``) three genuine orders from the
    last 10 minutes, spread evenly through ordinary mail (about 2 KB each, quick to seed and read)."""
    run = os.urandom(3).hex()
    tags = [f"LWF-{run}-{i:03d}" for i in range(phish)]
    now = datetime.now(UTC)
    orders = [burstmail.order_id() for _ in range(3)] if burst else []
    special: list[bytes] = [tagged_phishing(tag) for tag in tags]
    special += [burstmail.order(now - timedelta(minutes=10 - 2 * i), oid) for i, oid in enumerate(orders)]
    # alert-worthy mail at even steps, the orders among the phishing mails (so they land in different batches)
    spots = {round((k + 1) * len(special) / (len(orders) + 1)) - 1 for k in range(len(orders))} if orders else set()
    phish_raws, order_raws = iter(special[:len(tags)]), iter(special[len(tags):])
    placed = [next(order_raws) if i in spots else next(phish_raws) for i in range(len(special))]
    step = total // (len(placed) + 1)
    raws = list(_ordinary(total - len(placed), seed))
    for n, raw in enumerate(placed, start=1):
        raws.insert(n * step, raw)
    return Mailbox(raws, tags, orders)


@functools.cache
def _ordinary(count: int, seed: int) -> tuple[bytes, ...]:
    """Ordinary mail, made once per session (each test has its own state, so repeats are fine)."""
    rng = random.Random(seed)
    return tuple(mailgen.ordinary(rng, size=2000) for _ in range(count))


# -- what the daemon has done, from its state database -----------------------------------------------
@dataclass(frozen=True)
class Snapshot:
    messages: int  # rows in the messages table
    uidvalidity: int | None
    last_uid: int
    last_error: str | None
    alerts: int  # alerts stored for pushing


def snapshot(state: Path, folder: str = "INBOX") -> Snapshot | None:
    """The state database's view of ``folder`` (None while it does not exist or is locked)."""
    if not state.exists():
        return None
    try:
        with contextlib.closing(_read(state)) as db:
            messages = db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
            alerts = db.execute("SELECT COUNT(*) FROM alerts WHERE pushed = 1").fetchone()[0]
            row = db.execute("SELECT uidvalidity, last_uid, last_error FROM checkpoints WHERE folder = ?",
                             (folder,)).fetchone()
    except sqlite3.Error:
        return None
    uidvalidity, last_uid, error = row if row else (None, 0, None)
    return Snapshot(messages, uidvalidity, last_uid or 0, error, alerts)


def _read(state: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=2)


def delivery_in_flight(state: Path) -> bool:
    """True while an alert is claimed for sending but not yet marked sent (a kill now may double it)."""
    with contextlib.closing(_read(state)) as db:
        row = db.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND attempts > 0"
                         " AND last_error IS NULL").fetchone()
    return bool(row[0])


def freeze_mid_scan(proc: subprocess.Popen, state: Path, total: int, log: Path, *, at_most: int | None = None,
                    folder: str = "INBOX", timeout: float = 30) -> Snapshot:
    """SIGSTOP the daemon once some of ``total`` messages (but at most ``at_most``) are recorded and no alert
    is half sent; returns what the state holds then (the daemon stays stopped until ``thaw``).

    ``at_most`` leaves work that needs the server: with two header batches to go, the rest of the scan
    cannot come from what the socket already holds.
    """
    held: list[Snapshot] = []
    limit = total - 1 if at_most is None else at_most

    def partial() -> bool:
        now = snapshot(state, folder)
        if now is None or not 0 < now.messages <= limit:
            return False
        proc.send_signal(signal.SIGSTOP)
        frozen = snapshot(state, folder)
        if frozen is not None and 0 < frozen.messages <= limit and not delivery_in_flight(state):
            held.append(frozen)
            return True
        thaw(proc)
        return False

    wait_for(partial, timeout, f"the scan of {total} messages to be part-way", proc, log)
    return held[0]


def thaw(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGCONT)


# -- what the receiver got -----------------------------------------------------------------------------
def received(http: HttpReceiver, mailbox: Mailbox) -> Counter[str]:
    """Each post counted under what identifies it: its phishing tag, "takeover" (a post naming all the
    burst's order ids), else its title (anything unexpected shows up by name)."""
    tag = re.compile(r"LWF-[0-9a-f]+-\d{3}")
    got: Counter[str] = Counter()
    for post in list(http.posts):
        text = f"{post.get('title', '')}\n{post.get('message', '')}"
        tags = set(tag.findall(text))
        if len(tags) == 1:
            got[tags.pop()] += 1
        elif mailbox.orders and all(oid in text for oid in mailbox.orders):
            got["takeover"] += 1
        else:
            got[f"unexpected: {post.get('title', '')!r}"] += 1
    return got
