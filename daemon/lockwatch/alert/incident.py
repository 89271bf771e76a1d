"""Incident facts (``lockwatch.track.incidents``) → the localized alert, follow-ups included.

The rule reasons are worded from ``alert/playbooks/incidents.toml`` (``rule_<key>`` with the facts filled
in: durations, amounts, event names, local times); the alert itself (title, summary, actions, help)
comes from the language's playbook through ``compose_incident``. A follow-up says what is new first and
is titled as an update. Every value from a mail is cleaned and defanged: no live URL in an alert.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lockwatch.alert import playbooks
from lockwatch.alert.compose import compose_incident
from lockwatch.alert.defang import clean
from lockwatch.alert.format import DATE_FORMAT, HEADING, duration, fill, local_time, money
from lockwatch.model import Alert
from lockwatch.track.incidents import IncidentFact

__all__ = ["incident_alert", "order_text", "reason_text"]


def reason_text(reason: Any, lang: str = "ja") -> str:
    """One rule fact (``{"rule": key, values}``) in words; a text (older state files) as it is."""
    if not isinstance(reason, Mapping):
        return str(reason)
    book = playbooks.load(lang)
    labels, names = book.get("labels", {}), book.get("events", {})
    values = dict(reason)
    if "window" in values:
        values["window"] = duration(values["window"], labels)
    for key in ("total", "limit"):
        if key in values:
            values[key] = money(values[key], reason.get("currency"))
    if "event" in values:
        event = values["event"]
        values["event"] = str(names.get(event or "other") or event or "")
    if "when" in values:
        values["when"] = local_time(values["when"], book.get("date_format", DATE_FORMAT))
    return fill(playbooks.incident_texts(lang).get(f"rule_{reason.get('rule')}", ""), values)


def order_text(order: Mapping[str, Any]) -> str:
    """Order id, items and total of an order, cleaned and defanged (item names come from the mail)."""
    items = clean(" / ".join(str(i) for i in order.get("items") or []), 80)
    total = money(order.get("total"), order.get("currency"))
    return "  ".join(p for p in (clean(order.get("id") or "", 40), items, total) if p)


def _news_lines(new: Mapping[str, list[Any]], lang: str) -> list[str]:
    texts = playbooks.incident_texts(lang)
    lines = [f"- {fill(texts['new_order'], order=order_text(o))}" for o in new.get("orders", [])]
    lines += [f"- {fill(texts['new_rule'], rule=clean(reason_text(r, lang), 300))}"
              for r in new.get("reasons", [])]
    lines += [f"- {fill(texts['new_notice'], subject=clean(s, 200))}" for s in new.get("notices", [])]
    return lines


def incident_alert(fact: IncidentFact, lang: str = "ja") -> Alert:
    """The alert an incident fact is due: the incident's playbook text, a follow-up's news first."""
    incident: dict[str, Any] = {"account": fact.account, "id": fact.incident_id, "severity": fact.severity,
                                "message_ids": fact.message_ids, "orders": fact.orders,
                                "rules": [reason_text(r, lang) for r in fact.reasons], "count": len(fact.orders)}
    if fact.kind == "takeover":
        incident["window"] = fact.window
        if fact.variant:
            incident["variant"] = fact.variant
    else:
        incident["record"] = fact.record or {}
        incident["event"] = fact.event
        if fact.kind == "account_lock":
            incident["lock_event"] = fact.lock_event
    composed = compose_incident(fact.kind, incident, lang)
    title, body = composed.title, composed.body
    if fact.new:
        texts = playbooks.incident_texts(lang)
        title = fill(texts["update_title"], title=title)
        body = "\n".join([f"{HEADING}{texts['new_heading']}", *_news_lines(fact.new, lang)]) + "\n\n" + body
    return Alert(fact.kind, fact.severity, title, body, tuple(fact.message_ids), fact.account,
                 fact.incident_id, fact.push)
