"""Alerts → phones, in rooms: ``targets`` (a URL's identity and masks), ``render`` (one alert for one
service), ``notify`` (sending through apprise), ``outbox`` (the persistent queue and delivery passes).

This module is the one place that reads the config for delivery: ``deliver_configured`` is the
delivery pass of ``lockwatch scan`` and the daemon, with the ``[notify]`` URLs and ``give_up_after``.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from lockwatch.deliver.notify import Notifier
from lockwatch.deliver.outbox import DeliverySummary, deliver_pending
from lockwatch.deliver.targets import Target

if TYPE_CHECKING:
    from lockwatch.config import Config
    from lockwatch.state.db import State

__all__ = ["deliver_configured", "notifier_for"]

log = logging.getLogger(__name__)

# one Notifier per URL set, so its Apprise objects live as long as the config that names them
_notifiers: dict[tuple[tuple[str, str, tuple[str, ...], str], ...], Notifier] = {}
_notifiers_lock = threading.Lock()


def notifier_for(config: Config) -> Notifier:
    """The long-lived Notifier for the config's ``[notify] urls`` (reused while they stay the same)."""
    targets = [Target.of(t) for t in config.notify.urls]
    signature = tuple((t.url, t.min_severity, t.tags, t.format) for t in targets)
    with _notifiers_lock:
        if signature not in _notifiers:
            _notifiers[signature] = Notifier(targets)
        return _notifiers[signature]


def deliver_configured(state: State, config: Config) -> DeliverySummary:
    """Push every due alert to the configured URLs (after each scan pass), giving up after
    ``[notify] give_up_after``; logs what it did."""
    summary = deliver_pending(state, notifier_for(config), give_up_after=config.notify.give_up_after)
    if summary.sent or summary.failed or summary.gave_up:
        log.info("notify: %s", summary.line())
    return summary
