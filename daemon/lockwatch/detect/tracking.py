"""Which takeover-relevant event a genuine Amazon mail reports (password change, lock, ...).

The wording of each event is data: ``[events]`` in signals.toml.
"""

from __future__ import annotations

from lockwatch.detect.domains import fold
from lockwatch.detect.knowledge import knowledge
from lockwatch.model import Mail

__all__ = ["lock_event", "security_event"]


def security_event(mail: Mail, kind: str) -> str | None:
    """The security event a genuine notice reports: judged on the subject, then on the body."""
    if kind != "security":
        return None
    k = knowledge()
    subject = fold(mail.subject)
    for event, pattern in k.security_events:
        if pattern.search(subject):
            return event
    body = fold(mail.text[:k.window("events")])
    for event, pattern in k.security_events:
        match = pattern.search(body)
        if match and (event in k.event_no_tense or k.event_done.search(body[match.start():match.end() + k.window("event_tense")])):
            return event
    return "other"


def lock_event(mail: Mail, kind: str) -> str | None:
    if kind != "account_lock":
        return None
    subject = fold(mail.subject)
    for event, pattern in knowledge().lock_events:
        if pattern.search(subject):
            return event
    return "lock"
