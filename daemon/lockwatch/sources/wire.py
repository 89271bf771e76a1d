"""The one adapter over imapclient's internals: byte counting and the IDLE protocol.

Every other module talks to imapclient through its public API only. This one reaches under it, on
purpose, where the public API falls short:

* ``count_bytes`` wraps imaplib's ``read``/``readline`` (``client._imap``): imapclient offers no way
  to know how many bytes a pass fetched, which ``lockwatch scan`` reports.
* ``IdleConnection.start`` sends IDLE itself (``_imap._command``, ``_imap._get_response``, the
  ``_idle_tag`` imapclient's ``idle_done()`` needs): imapclient's ``idle()`` raises "Unexpected IDLE
  response" when the server reports mail before its "+ idling" continuation, and that mail would
  then wait for a reconnect.
* ``IdleConnection`` then drains what imaplib's buffered reader already holds (``_imap._get_line``,
  ``_parse_untagged_response``, ``_set_read_timeout``): the server often sends "* N EXISTS" right
  behind the continuation, and ``idle_check()``, which polls the socket first, would not see it
  until more data arrives.
* ``IdleConnection.forget`` clears ``_imap.untagged_responses``: imaplib keeps them forever on a
  connection that lives for days.

Tested against imapclient 3.x (``tests/service/test_daemon.py`` runs it on a real Dovecot).
"""

from __future__ import annotations

import imaplib
from collections.abc import Callable
from typing import Any

from imapclient import IMAPClient
from imapclient.imapclient import _parse_untagged_response

__all__ = ["IdleConnection", "count_bytes", "new_mail"]


def new_mail(responses: list[Any]) -> bool:
    """True when untagged responses report new mail (EXISTS or RECENT)."""
    return any(isinstance(r, tuple) and len(r) >= 2 and r[1] in (b"EXISTS", b"RECENT") for r in responses)


def count_bytes(client: IMAPClient, add: Callable[[int], None]) -> None:
    """Call ``add(n)`` for every ``n`` bytes read from the server (after TLS)."""
    imap = client._imap
    read, readline = imap.read, imap.readline

    def counted_read(size: int) -> bytes:
        data = read(size)
        add(len(data))
        return data

    def counted_readline() -> bytes:
        data = readline()
        add(len(data))
        return data

    imap.read, imap.readline = counted_read, counted_readline


class IdleConnection:
    """IDLE on a client whose folder is open: ``start``, ``check`` in ticks, ``done``; each says whether mail came."""

    def __init__(self, client: IMAPClient) -> None:
        self.client = client

    def forget(self) -> None:
        """Drop the untagged responses imaplib has kept (it never does by itself)."""
        self.client._imap.untagged_responses.clear()

    def start(self) -> bool:
        """Send IDLE and wait for "+ idling"; mail reported before or right behind it counts as a wake-up."""
        client = self.client
        if not client.has_capability("IDLE"):  # also caches CAPABILITY: idle_check() must not ask mid-IDLE
            raise imaplib.IMAP4.error("the server no longer offers IDLE")
        imap = client._imap
        client._idle_tag = imap._command("IDLE")
        woke = False
        while True:
            line = imap._get_response()
            if line is None:  # the continuation: idling
                return self._drain_buffered() or woke
            if imap.tagged_commands.get(client._idle_tag):
                raise imaplib.IMAP4.error(f"IDLE refused: {imap.tagged_commands[client._idle_tag]}")
            woke = woke or new_mail([_parse_untagged_response(line)])

    def check(self, timeout: float) -> list[Any]:
        """The responses the server sent while idling, waiting at most ``timeout`` seconds for one."""
        return self.client.idle_check(timeout=timeout)

    def done(self) -> bool:
        """End IDLE; True when the responses that came with its end report new mail."""
        _text, responses = self.client.idle_done()
        return new_mail(responses)

    def noop(self) -> bool:
        """NOOP; True when it reports new mail (that came during a scan)."""
        _text, responses = self.client.noop()
        return new_mail(responses)

    def _drain_buffered(self) -> bool:
        """Read the responses already sent after "+ idling" without blocking, as idle_check() does
        once the socket is readable."""
        client = self.client
        sock, woke = client.socket(), False
        sock.setblocking(False)
        try:
            while True:
                try:
                    line = client._imap._get_line()
                except (TimeoutError, OSError):  # nothing more buffered (SSLWantReadError is an OSError)
                    break
                except imaplib.IMAP4.abort as exc:
                    if "EOF" in str(exc):
                        raise imaplib.IMAP4.abort("connection closed by the server") from None
                    raise
                woke = woke or new_mail([_parse_untagged_response(line)])
        finally:
            sock.setblocking(True)
            client._set_read_timeout()
        return woke
