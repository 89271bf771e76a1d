"""One pass over one account: open its source, read each folder after its checkpoint, commit per batch.

Used by ``lockwatch scan`` and by the daemon's scheduled scans. A folder that fails is recorded in
state (``last_error``) and the pass goes on with the next one; the checkpoint stays after the last
batch that was fully recorded, so a later pass picks up whatever was not read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from lockwatch.config import Account
from lockwatch.errors import AuthError, ConnectionLost, SourceError
from lockwatch.pipeline import ProcessedMessage, Processor
from lockwatch.sources.base import Checkpoint, Prefilter, Source
from lockwatch.state.db import State

__all__ = ["Progress", "ScanStats", "open_source", "scan_account"]

log = logging.getLogger(__name__)


class Progress:
    """Receives progress; the default does nothing."""

    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def done(self) -> None:
        pass


@dataclass
class ScanStats:
    messages: int = 0
    amazon_like: int = 0
    genuine: int = 0
    suspicious: int = 0
    phishing: int = 0
    alerts: int = 0
    bytes_fetched: int = 0
    errors: list[str] = field(default_factory=list)
    auth_failed: bool = False  # the server refused the credentials (the daemon backs off long)

    def count(self, done: ProcessedMessage) -> None:
        self.messages += 1
        self.alerts += len(done.alerts)
        if done.record.get("amazon_like"):
            self.amazon_like += 1
        verdict = done.record.get("verdict")
        if verdict in ("genuine", "suspicious", "phishing"):
            setattr(self, verdict, getattr(self, verdict) + 1)


def open_source(account: Account, prefilter: Prefilter) -> Source:
    """Connect to (or open) the account's mail store."""
    if account.is_local:
        from lockwatch.sources.local import LocalSource

        return LocalSource(account.name, account.type, account.path or "", prefilter,
                           account.max_message_size)
    from lockwatch.sources.imap import ImapSource

    return ImapSource(account, prefilter)


def scan_account(account: Account, state: State, processor: Processor, prefilter: Prefilter, *,
                 since: date | None, stats: ScanStats,
                 emit: Callable[[ProcessedMessage], None] = lambda done: None,
                 progress: Progress | None = None) -> None:
    """Read every folder of ``account`` once; errors go to ``stats.errors`` (and state), not up."""
    progress = progress or Progress()
    try:
        source = open_source(account, prefilter)
    except SourceError as exc:  # AuthError included: a refused login is not retried
        stats.auth_failed = stats.auth_failed or isinstance(exc, AuthError)
        _fail(state, stats, account.name, "", str(exc))
        return
    try:
        try:
            folders = source.folders()
        except SourceError as exc:
            _fail(state, stats, account.name, "", str(exc))
            return
        for folder in folders:
            row = state.checkpoint(account.name, folder)
            checkpoint = None
            if row and row["last_check"]:  # a row with only last_error is no checkpoint
                checkpoint = Checkpoint(row["uidvalidity"], row["last_uid"])
            try:
                plan = source.read(folder, checkpoint, since)
                progress.start(f"{account.name}/{folder}", plan.total)
                for batch in plan.batches:
                    for done in processor.commit(account.name, batch):
                        stats.count(done)
                        emit(done)
                    progress.advance(len(batch.items))
            except ConnectionLost as exc:  # the other folders cannot be read over this connection either
                _fail(state, stats, account.name, folder, str(exc))
                break
            except SourceError as exc:
                _fail(state, stats, account.name, folder, str(exc))
            finally:
                progress.done()
    finally:
        stats.bytes_fetched += source.bytes_fetched
        source.close()


def _fail(state: State, stats: ScanStats, account: str, folder: str, error: str) -> None:
    log.debug("%s/%s: %s", account, folder, error)
    stats.errors.append(error)
    state.set_folder_error(account, folder, error)
