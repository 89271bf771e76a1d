"""The trackers every scan runs, in order: per-message findings, then takeover and lock incidents."""

from __future__ import annotations

from lockwatch.config import Burst
from lockwatch.track.messages import MessageTracker
from lockwatch.track.takeover import TakeoverTracker

__all__ = ["default_trackers"]


def default_trackers(burst: Burst | None = None) -> list[MessageTracker | TakeoverTracker]:
    """A message tracker (with ``[burst] backfill_max_age``) and the takeover tracker."""
    burst = burst if burst is not None else Burst()
    return [MessageTracker(burst.backfill_max_age), TakeoverTracker(burst)]
