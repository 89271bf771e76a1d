"""One message through analyse → record → track → alert, and a batch of them through state.

``check``, ``scan`` and ``run`` all go through ``Processor``. Trackers are the seam for later
stages: each is called with the recorded message and returns alert drafts (``lockwatch.alerts``
writes the per-message phishing alerts; the takeover tracker adds order bursts). Analysis happens outside
the database transaction; recording, tracking, alerts and the folder checkpoint share one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lockwatch.headers import header_mail
from lockwatch.sources.base import Batch
from lockwatch.state import State, utcnow

if TYPE_CHECKING:
    from lockwatch.config import Burst
    from lockwatch.detect import DetectOptions
    from lockwatch.model import Analysis, Mail

__all__ = ["AlertDraft", "Analysed", "ProcessedMessage", "Processor", "Tracker", "default_trackers",
           "store_alert"]


@dataclass
class AlertDraft:
    """An alert before it is stored: the contract's alert object plus the incident it belongs to."""

    kind: str  # phishing | takeover | account_lock | security_notice
    severity: str  # critical | warning | info
    title: str
    body: str
    message_ids: list[str] = field(default_factory=list)
    incident_id: int | None = None
    push: bool | None = None  # False: record and show, never push (e.g. an incident found in backfill)

    def as_json(self) -> dict[str, Any]:
        return {"type": "alert", "severity": self.severity, "kind": self.kind, "title": self.title,
                "body": self.body, "message_ids": list(self.message_ids)}


# (state, account, message record, parsed mail, analysis) -> alerts; runs inside the transaction
Tracker = Callable[["State", str, dict[str, Any], "Mail | None", "Analysis"], list[AlertDraft]]


@dataclass
class Analysed:
    """A message analysed but not yet recorded."""

    account: str
    record: dict[str, Any]
    dedupe_key: str
    mail: Mail | None
    analysis: Analysis


@dataclass
class ProcessedMessage:
    """A message seen for the first time: its record and the alerts it raised."""

    account: str
    record: dict[str, Any]
    mail: Mail | None
    analysis: Analysis
    alerts: list[dict[str, Any]] = field(default_factory=list)


def default_trackers(lang: str, burst: Burst | None = None) -> list[Tracker]:
    """The trackers every scan runs: per-message phishing alerts, then takeover and lock incidents."""
    from lockwatch.alerts import MessageAlerts
    from lockwatch.burst import TakeoverTracker

    return [MessageAlerts(lang), TakeoverTracker(burst, lang)]


def store_alert(state: State, account: str | None, draft: AlertDraft, *, pushed: bool) -> int:
    """Insert one alert; ``pushed`` False records it without queueing a push (--no-notify)."""
    cur = state.execute(
        "INSERT INTO alerts (created_at, account, kind, severity, title, body, message_ids, incident_id,"
        " pushed) VALUES (?,?,?,?,?,?,?,?,?)",
        (utcnow(), account, draft.kind, draft.severity, draft.title, draft.body,
         json.dumps(draft.message_ids), draft.incident_id, int(pushed and draft.push is not False)))
    return int(cur.lastrowid or 0)


class Processor:
    """Analyses messages and records the new ones with the alerts their trackers raise."""

    def __init__(self, state: State, *, options: DetectOptions | None = None, lang: str = "ja",
                 push: bool = True, trackers: Sequence[Tracker] | None = None,
                 burst: Burst | None = None) -> None:
        from lockwatch.detect import analyse_bytes
        from lockwatch.report import dedupe_key, message_record

        self._analyse_bytes, self._dedupe_key = analyse_bytes, dedupe_key
        self._message_record = message_record
        self.state, self.options, self.lang, self.push = state, options, lang, push
        self.trackers: list[Tracker] = list(trackers) if trackers is not None else default_trackers(lang, burst)

    def analyse(self, account: str, source: str, raw: bytes, truncated: bool = False,
                header_only: bool = False) -> Analysed:
        """Parse and judge one message; ``header_only``: the prefilter ruled it out from its header."""
        if header_only:  # surely not Amazon: skip the full parse (most mail takes this path)
            from lockwatch.model import Analysis

            mail, analysis = header_mail(raw), Analysis(False, "not_amazon", None, 0)
        else:
            mail, analysis = self._analyse_bytes(raw, truncated=truncated, options=self.options)
        record = self._message_record(source, mail, analysis)
        return Analysed(account, record, self._dedupe_key(mail, raw), mail, analysis)

    def record(self, item: Analysed) -> ProcessedMessage | None:
        """Store one analysed message and run the trackers; None when it was already recorded."""
        with self.state.transaction():
            if not self.state.record_message(item.account, item.dedupe_key, item.record):
                return None
            done = ProcessedMessage(item.account, item.record, item.mail, item.analysis)
            for tracker in self.trackers:
                for draft in tracker(self.state, item.account, item.record, item.mail, item.analysis):
                    store_alert(self.state, item.account, draft, pushed=self.push)
                    done.alerts.append(draft.as_json())
        return done

    def process(self, account: str, source: str, raw: bytes, truncated: bool = False,
                header_only: bool = False) -> ProcessedMessage | None:
        """One message end to end; None when it was already seen."""
        return self.record(self.analyse(account, source, raw, truncated, header_only))

    def commit(self, account: str, batch: Batch) -> list[ProcessedMessage]:
        """Analyse a batch, then record it and advance its checkpoint in one transaction."""
        analysed = [self.analyse(account, i.source, i.raw, i.truncated, i.header_only) for i in batch.items]
        with self.state.transaction():
            done = [p for a in analysed if (p := self.record(a)) is not None]
            if batch.checkpoint is not None:
                self.state.set_checkpoint(account, batch.folder, batch.checkpoint.uidvalidity,
                                          batch.checkpoint.last_uid, mode=batch.mode)
        return done
