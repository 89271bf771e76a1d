"""The IDLE listener without a server: what it says when, its backoff, and the error text it logs."""

from __future__ import annotations

import imaplib
import threading
from typing import Any

import pytest

from lockwatch.config import Account
from lockwatch.errors import ERROR_TEXT_MAX, AuthError
from lockwatch.sources import idle as idle_module
from lockwatch.sources.idle import AUTH_BACKOFF_START, IdleWatcher
from lockwatch.sources.imap import describe

ACCOUNT = Account(name="home", host="imap.example.test", username="me", password="pw")


class FakeClient:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    def has_capability(self, name: str) -> bool:
        return True

    def select_folder(self, name: str, readonly: bool) -> dict:
        self.log.append(f"EXAMINE {name} readonly={readonly}")
        return {}


class FakeSource:
    def __init__(self, log: list[str]) -> None:
        self.client = FakeClient(log)

    def folders(self) -> list[str]:
        return ["INBOX"]

    def server_name(self, folder: str) -> str:
        return folder


class FakeIdle:
    """IDLE that the server accepts; the listener is stopped while it waits."""

    def __init__(self, log: list[str], stop: threading.Event) -> None:
        self.log, self.stop = log, stop

    def forget(self) -> None:
        pass

    def start(self) -> bool:
        self.log.append("IDLE accepted")
        return False

    def check(self, timeout: float) -> list[Any]:
        self.stop.set()
        return []

    def done(self) -> bool:
        self.log.append("DONE")
        return False


def watcher(stop: threading.Event, log: list[str]) -> IdleWatcher:
    return IdleWatcher(ACCOUNT, "INBOX", lambda header: True, stop, wake=lambda f: log.append(f"wake {f}"),
                       idling=lambda f, on: log.append(f"idling {f} {on}"), poll_interval=60)


def test_the_folder_counts_as_idle_only_once_the_server_accepted_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    """The catch-up scan comes first and is a poll: status must not say IDLE before the IDLE command."""
    stop, log = threading.Event(), []
    monkeypatch.setattr(idle_module, "ImapSource", lambda account, prefilter: FakeSource(log))
    monkeypatch.setattr(idle_module, "IdleConnection", lambda client: FakeIdle(log, stop))
    monkeypatch.setattr(idle_module, "_shutdown", lambda source, logout=False: log.append(f"close logout={logout}"))
    watcher(stop, log).run()
    assert log == ["EXAMINE INBOX readonly=True", "wake INBOX", "IDLE accepted", "idling INBOX True", "DONE",
                   "idling INBOX False", "close logout=True"]


def test_refused_logins_and_lost_connections_back_off_separately(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused login waits 15 min, then 30; a lost connection counts its own failures (1 s, 2 s)."""
    stop, delays = threading.Event(), []
    errors = iter([AuthError("home: login failed"), AuthError("home: login failed"), OSError("reset"),
                   imaplib.IMAP4.abort("EOF")])

    def session(self: IdleWatcher) -> str:
        failure = next(errors, None)
        if failure is None:
            return "stopped"
        raise failure

    def wait(seconds: float) -> bool:
        delays.append(seconds)
        return False

    monkeypatch.setattr(IdleWatcher, "_session", session)
    monkeypatch.setattr(stop, "wait", wait)
    watcher(stop, []).run()
    assert delays == [AUTH_BACKOFF_START, 2 * AUTH_BACKOFF_START, 1.0, 2.0]


def test_errors_are_described_in_one_short_line() -> None:
    """One describe for IMAP errors, the listener's log lines included: no b'' wrapper, at most ERROR_TEXT_MAX."""
    assert describe(imaplib.IMAP4.error(b"[AUTHENTICATIONFAILED] nope")) == "[AUTHENTICATIONFAILED] nope"
    assert describe(OSError()) == "OSError"
    assert len(describe(imaplib.IMAP4.abort("x" * 1000))) == ERROR_TEXT_MAX
