"""What a tracker found → the alert that says it: the one place facts turn into ``model.Alert``s."""

from __future__ import annotations

from dataclasses import replace

from lockwatch.alert.compose import compose_health, compose_message
from lockwatch.alert.incident import incident_alert
from lockwatch.model import Alert
from lockwatch.track.health import HealthFact
from lockwatch.track.incidents import IncidentFact
from lockwatch.track.messages import MessageFinding

__all__ = ["Fact", "alert_for"]

Fact = MessageFinding | IncidentFact | HealthFact | Alert  # an Alert passes as it is (a tracker of a test)


def alert_for(fact: Fact, lang: str = "ja") -> Alert | None:
    """The localized alert of ``fact``; None when it needs none."""
    if isinstance(fact, Alert):
        return fact
    if isinstance(fact, IncidentFact):
        return incident_alert(fact, lang)
    if isinstance(fact, HealthFact):
        return compose_health(fact.kind, fact.account, fact.folder, error=fact.error, failures=fact.failures,
                              since=fact.since, lang=lang)
    alert = compose_message(fact.record, lang, account=fact.account)
    if alert is not None and fact.push is False:  # a backfill finding: recorded and shown, not pushed
        alert = replace(alert, push=False)
    return alert
