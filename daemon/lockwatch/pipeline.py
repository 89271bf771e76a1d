"""The one wiring of the stages: analyse → record → track → alert → store, and the watcher's health.

``check``, ``scan`` and ``run`` all go through ``Processor``. Each tracker (``lockwatch.track``) is
called with the recorded message and returns facts (a phishing finding, an incident due an alert);
``lockwatch.alert.facts`` words each as an alert, which is stored with the message. Analysis happens
outside the database transaction; recording, tracking, alerts and the folder checkpoint share one.
``watch_health`` counts a check (``lockwatch.track.health``), words a due health alert and queues it
(``lockwatch.deliver.outbox``).

No single mail can stop a folder: each message is recorded in a SAVEPOINT of its own. A tracker that raises
rolls the message back, which is then stored again without that tracker (the record notes
``tracking_error``); a record that cannot be stored is stored again as a ``parse_error`` record. Only a failure of the database
itself (full or read-only disk, a lock, corruption) rolls the batch back, so its checkpoint stays put.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lockwatch.alert.facts import Fact, alert_for
from lockwatch.deliver.outbox import record_alert
from lockwatch.detect import analyse_bytes, parse_failure
from lockwatch.errors import StateError
from lockwatch.model import Analysis
from lockwatch.parse.headers import header_mail
from lockwatch.record import dedupe_key, legacy_key, message_record, poison_record
from lockwatch.sources.base import Batch
from lockwatch.state.db import State
from lockwatch.track.health import DEFAULT_THRESHOLD, count_failure, count_success
from lockwatch.track.trackers import default_trackers

if TYPE_CHECKING:
    from lockwatch.config import Burst
    from lockwatch.detect import DetectOptions
    from lockwatch.model import Mail

__all__ = ["Analysed", "ProcessedMessage", "Processor", "Tracker", "database_failure", "watch_health"]

log = logging.getLogger(__name__)

# (state, account, message record, parsed mail, analysis) -> facts; runs inside the transaction
Tracker = Callable[["State", str, dict[str, Any], "Mail | None", "Analysis"], Sequence[Fact]]


@dataclass
class Analysed:
    """A message analysed but not yet recorded."""

    account: str
    record: dict[str, Any]
    dedupe_key: str
    mail: Mail | None
    analysis: Analysis
    legacy_key: str | None = None  # the key state files before schema version 3 used (lockwatch.state.db)


@dataclass
class ProcessedMessage:
    """A message seen for the first time: its record and the alerts it raised."""

    account: str
    record: dict[str, Any]
    mail: Mail | None
    analysis: Analysis
    alerts: list[dict[str, Any]] = field(default_factory=list)


def database_failure(exc: BaseException) -> bool:
    """True when the state database itself failed (disk full or read-only, locked, corrupt): that stops the
    batch. False for errors a message's content can cause (a poison mail), which stop only that message."""
    if isinstance(exc, StateError):
        return True
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(
        exc, sqlite3.IntegrityError | sqlite3.DataError | sqlite3.ProgrammingError)


def _poisoned(source: Any, stage: str, exc: BaseException) -> None:
    """Log a message that broke a step, once, with the error class only (no mail content)."""
    log.warning("%s: %s failed (%s); recorded with the error, the folder goes on", source, stage,
                type(exc).__name__, exc_info=log.isEnabledFor(logging.DEBUG))


class _TrackerFailed(Exception):
    """A tracker raised (not a database failure): the message is stored again without it."""

    def __init__(self, index: int, name: str, cause: Exception) -> None:
        super().__init__(name)
        self.index, self.name, self.cause = index, name, cause


def _name(tracker: Tracker) -> str:
    return str(getattr(tracker, "__name__", None) or type(tracker).__name__)


class Processor:
    """Analyses messages and records the new ones with the alerts their trackers raise."""

    def __init__(self, state: State, *, options: DetectOptions | None = None, lang: str = "ja",
                 push: bool = True, trackers: Sequence[Tracker] | None = None,
                 burst: Burst | None = None) -> None:
        self.state, self.options, self.lang, self.push = state, options, lang, push
        self.trackers: list[Tracker] = list(trackers) if trackers is not None else default_trackers(burst)

    def analyse(self, account: str, source: str, raw: bytes, truncated: bool = False,
                header_only: bool = False) -> Analysed:
        """Parse and judge one message; ``header_only``: the prefilter ruled it out from its header.

        Never raises: a message that breaks a step becomes a ``parse_error`` record.
        """
        mail: Mail | None
        try:
            if header_only:  # surely not Amazon: skip the full parse (most mail takes this path)
                mail, analysis = header_mail(raw), Analysis(False, "not_amazon", None, 0)
            else:
                mail, analysis = analyse_bytes(raw, truncated=truncated, options=self.options)
        except Exception as exc:  # analyse_bytes catches its own; the header path must not stop the folder
            _poisoned(source, "parsing", exc)
            mail, analysis = None, parse_failure(f"parsing failed: {type(exc).__name__}")
        try:
            record = message_record(source, mail, analysis)
            key = dedupe_key(mail, raw, header_only=header_only)
            return Analysed(account, record, key, mail, analysis, legacy_key(mail, raw))
        except Exception as exc:
            _poisoned(source, "building its record", exc)
            error = f"record failed: {type(exc).__name__}"
            key = "raw:" + hashlib.sha256(raw).hexdigest()[:32]  # the same bytes twice are still one message
            return Analysed(account, poison_record(source, error), key, None, parse_failure(error))

    def record(self, item: Analysed) -> ProcessedMessage | None:
        """Store one analysed message and run the trackers; None when it was already recorded.

        The message's writes share a savepoint. A tracker that raises takes them back with it, and the message
        is stored again without that tracker (``tracking_error`` names it); a record that cannot be stored is
        stored again as a ``parse_error`` record. A database failure (``database_failure``) is raised.
        """
        source = str(item.record.get("source") or "")
        skip: set[int] = set()
        failures: list[str] = []
        fallbacks = iter(("copy", "bare"))  # a parse_error copy of the record, then a bare parse_error record
        with self.state.transaction():
            candidate = item
            while True:
                try:
                    with self.state.savepoint():
                        return self._store(candidate, skip)
                except _TrackerFailed as failed:
                    exc: BaseException = failed.cause
                    if not self.state.conn.in_transaction:
                        raise exc from None
                    _poisoned(source, failed.name, exc)
                    skip.add(failed.index)
                    failures.append(f"{failed.name}: {type(exc).__name__}")
                    candidate.record["tracking_error"] = "; ".join(failures)
                except Exception as exc:
                    fallback = next(fallbacks, None)
                    if fallback is None or database_failure(exc) or not self.state.conn.in_transaction:
                        raise
                    _poisoned(source, "recording", exc)
                    error = f"recording failed: {type(exc).__name__}"
                    candidate = replace(item, record=poison_record(source, error, item.record if fallback == "copy"
                                                                   else None))

    def _store(self, item: Analysed, skip: set[int]) -> ProcessedMessage | None:
        if self.state.record_message(item.account, item.dedupe_key, item.record, item.legacy_key) is None:
            return None
        done = ProcessedMessage(item.account, item.record, item.mail, item.analysis)
        for index, tracker in enumerate(self.trackers):
            if index in skip:
                continue
            try:
                for fact in tracker(self.state, item.account, item.record, item.mail, item.analysis):
                    if (alert := alert_for(fact, self.lang)) is not None:
                        record_alert(self.state, alert, account=item.account, pushed=self.push)
                        done.alerts.append(alert.as_json())
            except Exception as exc:
                if database_failure(exc):
                    raise
                raise _TrackerFailed(index, _name(tracker), exc) from exc
        return done

    def process(self, account: str, source: str, raw: bytes, truncated: bool = False,
                header_only: bool = False) -> ProcessedMessage | None:
        """One message end to end; None when it was already seen."""
        return self.record(self.analyse(account, source, raw, truncated, header_only))

    def commit(self, account: str, batch: Batch) -> list[ProcessedMessage]:
        """Analyse a batch, then record it and advance its checkpoint in one transaction.

        The batch is first recorded in one savepoint; if any message raises, that is undone and the batch
        is recorded again message by message (``record``), so only a poison batch pays for the isolation.
        """
        analysed = [self.analyse(account, i.source, i.raw, i.truncated, i.header_only) for i in batch.items]
        with self.state.transaction():
            try:
                with self.state.savepoint():
                    done = [p for a in analysed if (p := self._store(a, set())) is not None]
            except Exception as exc:
                if database_failure(exc) or not self.state.conn.in_transaction:
                    raise
                done = [p for a in analysed if (p := self.record(a)) is not None]
            if batch.checkpoint is not None:
                self.state.set_checkpoint(account, batch.folder, batch.checkpoint.uidvalidity,
                                          batch.checkpoint.last_uid, mode=batch.mode)
        return done


def watch_health(state: State, account: str, folder: str = "", error: str | None = None,
                 threshold: int = DEFAULT_THRESHOLD, *, lang: str = "ja", targets: Iterable[Any] = (),
                 pushed: bool = True, now: datetime | None = None) -> int | None:
    """Count one check of ``account``/``folder`` (``error`` None: it worked); returns the id of the
    ``health_down`` or ``health_up`` alert this check raised, else None.

    ``targets``: the configured notify URLs (empty: ``deliver_pending`` queues it for the URLs it knows);
    ``error`` must not contain secrets (it is shown in the alert, cut to 300 characters).
    """
    with state.transaction():
        fact = count_success(state, account, folder) if error is None else \
            count_failure(state, account, folder, error, threshold, now)
        alert = alert_for(fact, lang) if fact is not None else None
        if alert is None:
            return None
        return record_alert(state, alert, account=account, pushed=pushed, targets=targets, now=now)
