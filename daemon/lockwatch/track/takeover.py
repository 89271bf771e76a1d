"""Takeover and lock incidents: events from genuine Amazon mail → rules over event time → incidents.

``TakeoverTracker`` is a pipeline tracker (see ``lockwatch.pipeline.Tracker``): for each new message it
stores the message's events and checks the ``[burst]`` rules (``lockwatch.track.rules``), and each hit
opens, updates or closes an incident (``lockwatch.track.incidents``). What it returns are facts; the
pipeline has ``lockwatch.alert`` word them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lockwatch.config import Burst
from lockwatch.track.events import event_time
from lockwatch.track.incidents import IncidentFact, Incidents
from lockwatch.track.rules import Rules

if TYPE_CHECKING:
    from lockwatch.model import Analysis, Mail
    from lockwatch.state.db import State

__all__ = ["TakeoverTracker"]


class TakeoverTracker:
    """Pipeline tracker: a recorded message's events → rule hits → the incidents that are due an alert."""

    def __init__(self, settings: Burst | None = None) -> None:
        settings = settings if settings is not None else Burst()
        self.rules, self.incidents = Rules(settings), Incidents(settings)

    def __call__(self, state: State, account: str, record: dict[str, Any], mail: Mail | None,
                 analysis: Analysis) -> list[IncidentFact]:
        now = datetime.now(UTC)
        at = event_time(record, mail, now)
        facts = [self.incidents.apply(state, account, hit, now)
                 for hit in self.rules.hits(state, account, record, analysis, at)]
        return [fact for fact in facts if fact is not None]
