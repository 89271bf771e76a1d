"""An IMAP IDLE listener for one folder, on its own connection and thread.

EXAMINE the folder, catch up with one scan, then IDLE; new mail (EXISTS / RECENT) wakes a scan of
that folder, mail that comes during the scan is picked up by a NOOP. IDLE is renewed within five
minutes (NAT boxes and servers drop idle links); a dropped connection is reconnected with capped
backoff, a refused login waits much longer. The folder counts as watched by IDLE (``idling``) only
once the server has accepted the IDLE command, and no longer once the connection is gone. The
protocol details that need imapclient's internals live in ``lockwatch.sources.wire``.
"""

from __future__ import annotations

import dataclasses
import imaplib
import logging
import socket
import threading
import time
from collections.abc import Callable

from lockwatch.clock import backoff
from lockwatch.config import Account
from lockwatch.errors import AuthError, SourceError
from lockwatch.sources.base import Prefilter
from lockwatch.sources.imap import ImapSource, describe
from lockwatch.sources.wire import IdleConnection, new_mail

__all__ = ["AUTH_BACKOFF_MAX", "AUTH_BACKOFF_START", "BACKOFF_MAX", "BACKOFF_START", "IDLE_RENEW", "IDLE_TICK",
           "NETWORK_ERRORS", "IdleWatcher"]

log = logging.getLogger(__name__)

IDLE_RENEW = 270.0  # re-issue IDLE well within 5 minutes (NAT boxes and servers drop idle links)
IDLE_TICK = 1.0  # idle_check() timeout: how soon a stop request is noticed
BACKOFF_START, BACKOFF_MAX = 1.0, 300.0  # network errors: 1 s, 2 s, 4 s ... 5 min
AUTH_BACKOFF_START, AUTH_BACKOFF_MAX = 900.0, 6 * 3600.0  # refused login: 15 min ... 6 h

# what a dropped connection, a server restart or a half-open socket can raise
NETWORK_ERRORS: tuple[type[BaseException], ...] = (SourceError, imaplib.IMAP4.error, OSError, EOFError,
                                                   socket.timeout)


class IdleWatcher(threading.Thread):
    """One folder over its own connection: EXAMINE, IDLE, ``wake(folder)`` on new mail, reconnect on errors.

    ``idling(folder, True)`` once the server accepted IDLE on the folder, ``idling(folder, False)`` when
    that connection is gone; ``poll_interval`` is only for the log line of a server without IDLE.
    """

    def __init__(self, account: Account, entry: str, prefilter: Prefilter, stop: threading.Event, *,
                 wake: Callable[[str], object], idling: Callable[[str, bool], object],
                 poll_interval: float) -> None:
        super().__init__(name=f"idle {account.name}/{entry}", daemon=True)
        self.account, self.entry, self.prefilter, self.stop = account, entry, prefilter, stop
        self.wake, self.idling, self.poll_interval = wake, idling, poll_interval
        self.failures = 0  # connection failures in a row (network errors and bugs)
        self.refusals = 0  # refused logins in a row
        self.delay = 0.0

    def run(self) -> None:
        name = self.account.name
        while not self.stop.is_set():
            try:
                if self._session() == "no-idle":
                    log.info("%s: the server has no IDLE; polling %s every %gs", name, self.entry,
                             self.poll_interval)
                return  # stopping, or nothing to listen for
            except AuthError as exc:
                self.refusals += 1
                self.delay = backoff(self.refusals, AUTH_BACKOFF_START, AUTH_BACKOFF_MAX)
                log.error("%s (IDLE on %s paused for %.0f min)", exc, self.entry, self.delay / 60)
            except NETWORK_ERRORS as exc:
                self.failures += 1
                self.delay = backoff(self.failures, BACKOFF_START, BACKOFF_MAX)
                log.warning("%s/%s: IDLE connection lost (%s); reconnecting in %.0f s", name, self.entry,
                            describe(exc), self.delay)
            except Exception:  # a bug here must not end the listener for good
                self.failures += 1
                self.delay = backoff(self.failures, BACKOFF_START, BACKOFF_MAX)
                log.exception("%s/%s: IDLE listener failed; restarting in %.0f s", name, self.entry, self.delay)
            self.stop.wait(self.delay)

    def _session(self) -> str:
        account = dataclasses.replace(self.account, folders=(self.entry,))
        source = ImapSource(account, self.prefilter)  # TLS, timeout, login (token re-run)
        broken, folder = True, None
        try:
            client = source.client
            if not client.has_capability("IDLE"):
                broken = False
                return "no-idle"
            folder = source.folders()[0]
            client.select_folder(source.server_name(folder), readonly=True)  # EXAMINE
            if self.delay:
                log.info("%s/%s: IDLE connection back", account.name, folder)
            self.failures, self.refusals, self.delay = 0, 0, 0.0
            self.wake(folder)  # catch up on whatever arrived while away
            idle, announced = IdleConnection(client), False
            while not self.stop.is_set():
                idle.forget()
                woke = idle.start()
                if not announced:  # the server said "+ idling": from now on the folder is watched by IDLE
                    self.idling(folder, True)
                    announced = True
                woke = woke or self._wait(idle)
                woke = idle.done() or woke
                while woke and not self.stop.is_set():
                    self.wake(folder)
                    woke = idle.noop()  # mail that came during the scan
            broken = False
            return "stopped"
        finally:
            if folder is not None:
                self.idling(folder, False)
            _shutdown(source, logout=not broken)

    def _wait(self, idle: IdleConnection) -> bool:
        """idle_check in short ticks until new mail, a stop request or time to renew the IDLE."""
        started = time.monotonic()
        early = 0  # idle_check() returns [] at once on EOF (the server went away without BYE)
        while not self.stop.is_set() and time.monotonic() - started < IDLE_RENEW:
            tick = time.monotonic()
            responses = idle.check(IDLE_TICK)
            early = early + 1 if not responses and time.monotonic() - tick < IDLE_TICK / 2 else 0
            if early >= 3:
                raise imaplib.IMAP4.abort("connection closed by the server")
            # BYE: the server is going; an untagged NO: the folder went bad under us (Dovecot says so when it
            # is deleted, and a recreated one never reports new mail here): reconnect and EXAMINE it afresh
            if said := next((r[0] for r in responses if isinstance(r, tuple) and r and r[0] in (b"BYE", b"NO")), b""):
                raise imaplib.IMAP4.abort(f"server said {said.decode()}")
            if new_mail(responses):
                return True
        return False


def _shutdown(source: ImapSource, *, logout: bool = False) -> None:
    """Log out of a healthy connection (bounded by a short timeout), drop a broken one."""
    try:
        if logout:
            source.client.socket().settimeout(2.0)
            source.close()
        else:
            source.client.shutdown()
    except Exception as exc:
        log.debug("closing the IDLE connection: %s", exc)
