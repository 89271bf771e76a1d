"""Which recorded messages deserve an alert of their own: phishing (critical) and suspicious (warning).

Last month's phishing, read on a first scan, is recorded and shown but not pushed: a message that arrived
longer than ``backfill_max_age`` ago (``[burst] backfill_max_age``) is a backfill finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lockwatch.track.events import age

if TYPE_CHECKING:
    from lockwatch.model import Analysis, Mail
    from lockwatch.state.db import State

__all__ = ["ALERT_VERDICTS", "BACKFILL_MAX_AGE", "MessageFinding", "MessageTracker"]

ALERT_VERDICTS = ("phishing", "suspicious")
BACKFILL_MAX_AGE = 24 * 3600.0  # seconds; the default of [burst] backfill_max_age


@dataclass(frozen=True)
class MessageFinding:
    """A message that deserves an alert: its record, and whether the alert may be pushed."""

    account: str
    record: Mapping[str, Any]
    push: bool | None = None  # False: backfill, recorded and shown but not pushed


class MessageTracker:
    """Pipeline tracker: one finding per phishing or suspicious message."""

    def __init__(self, backfill_max_age: float = BACKFILL_MAX_AGE) -> None:
        self.backfill_max_age = backfill_max_age

    def __call__(self, state: State, account: str, record: dict[str, Any], mail: Mail | None,
                 analysis: Analysis) -> list[MessageFinding]:
        if record.get("verdict") not in ALERT_VERDICTS:
            return []
        backfill = age(record, mail) > self.backfill_max_age
        return [MessageFinding(account, record, False if backfill else None)]
