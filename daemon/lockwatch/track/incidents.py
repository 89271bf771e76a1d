"""The incident lifecycle: a hit opens, updates or closes an incident; what comes out is a fact.

One open incident per account and kind (``takeover`` / ``account_lock`` / ``security_notice``), updated
by later hits with at most one follow-up per ``followup_interval`` (the first at once) and closed after
``quiet_period`` without events; a reinstatement closes the lock incident and always says so. An
incident whose triggering event is older than ``backfill_max_age`` (the first scan of an old mailbox) is
recorded and shown, but not pushed. The words are ``lockwatch.alert.incident``'s.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lockwatch.clock import iso, parse_iso, shift
from lockwatch.state import incidents as db

if TYPE_CHECKING:
    from lockwatch.config import Burst
    from lockwatch.state.db import State
    from lockwatch.track.rules import Hit

__all__ = ["IncidentFact", "Incidents"]


@dataclass(frozen=True)
class IncidentFact:
    """An incident that deserves an alert now: what it holds and, for a follow-up, what is new.

    ``reasons`` are the rule facts (``{"rule": ..., values}``) or, from older state files, texts.
    """

    kind: str  # takeover | account_lock | security_notice
    rule: str  # the rule of the hit that raised this alert
    incident_id: int
    account: str
    severity: str
    push: bool | None  # False: found in backfill, recorded and shown but not pushed
    reasons: list[Any]
    orders: list[dict[str, Any]]
    message_ids: list[str]
    window: float | None = None  # takeover: seconds the orders span
    variant: str | None = None  # takeover: the first rule when it is not "orders"
    record: Mapping[str, Any] | None = None  # lock / security: the notice's message record
    event: str | None = None
    lock_event: str | None = None  # account_lock: "reinstated" or None
    new: Mapping[str, list[Any]] | None = None  # a follow-up: the orders, reasons and notices not said yet
    rules: list[str] = field(default_factory=list)


class Incidents:
    """Hits → incidents in the state file → facts for the alerts (see the module doc)."""

    def __init__(self, settings: Burst) -> None:
        self.s = settings

    def apply(self, state: State, account: str, hit: Hit, now: datetime) -> IncidentFact | None:
        """Fold ``hit`` into its incident; the fact when an alert is due, else None."""
        row = self._open(state, account, hit.kind, hit.at)
        push = None if (now - hit.at).total_seconds() <= self.s.backfill_max_age else False
        closing = hit.rule == "reinstated"
        if row is None:
            detail: dict[str, Any] = {"rules": [hit.rule], "reasons": [hit.reason], "orders": hit.orders,
                                      "message_ids": list(hit.message_ids), "notices": [],
                                      "events": [hit.event] if hit.event else [], "trigger_time": iso(hit.at),
                                      "followups": 0, "last_followup_at": None}
            if hit.notice:
                detail["notices"].append(hit.notice)
            detail["reported"] = _snapshot(detail)
            severity = "info" if closing else _severity(hit.kind)
            incident_id = db.add_incident(state, account, hit.kind, severity, hit.at, detail, closed=closing)
            return self._fact(incident_id, account, hit, detail, severity, push, new=None)
        detail = json.loads(row["detail"])
        _merge(detail, hit)
        new = _news(detail)
        updated = max(parse_iso(row["updated_at"]) or hit.at, hit.at)
        if closing:
            detail["reported"] = _snapshot(detail)
            db.update_incident(state, row["id"], updated, detail, alerted=True, closed=hit.at)
            return self._fact(row["id"], account, hit, detail, "info", push, new=None)
        # the first follow-up goes out at once; later ones at most one per followup_interval (event time)
        last = parse_iso(detail.get("last_followup_at"))
        due = detail.get("followups", 0) == 0 or last is None or \
            (hit.at - last).total_seconds() >= self.s.followup_interval
        fact = None
        if new and due:
            detail["followups"] = detail.get("followups", 0) + 1
            detail["last_followup_at"] = iso(hit.at)
            detail["reported"] = _snapshot(detail)
            fact = self._fact(row["id"], account, hit, detail, row["severity"], push, new=new)
        db.update_incident(state, row["id"], updated, detail, alerted=fact is not None)
        return fact

    def _open(self, state: State, account: str, kind: str, at: datetime) -> Any:
        """The open incident of this kind, closing it first when it has been quiet too long."""
        row = db.open_incident(state, account, kind)
        if row is None:
            return None
        last = parse_iso(row["updated_at"]) or at
        if (at - last).total_seconds() > self.s.quiet_period:
            db.close_incident(state, row["id"], shift(last, self.s.quiet_period))
            return None
        return row

    def _fact(self, incident_id: int, account: str, hit: Hit, detail: Mapping[str, Any], severity: str,
              push: bool | None, *, new: Mapping[str, list[Any]] | None) -> IncidentFact:
        orders = list(detail.get("orders") or [])
        rules = list(detail.get("rules") or [])
        common = {"kind": hit.kind, "rule": hit.rule, "incident_id": incident_id, "account": account,
                  "severity": severity, "push": push, "reasons": list(detail.get("reasons") or []),
                  "orders": orders, "message_ids": list(detail.get("message_ids") or []), "new": new,
                  "rules": rules}
        if hit.kind == "takeover":
            first = (rules or ["orders"])[0]
            return IncidentFact(**common, window=self._span(orders, rules),
                                variant=first if first != "orders" else None)
        if hit.kind == "account_lock":  # the reason of this notice (lock or reinstated)
            common["reasons"] = [hit.reason]
        return IncidentFact(**common, record=hit.record or {}, event=hit.event,
                            lock_event="reinstated" if hit.rule == "reinstated" else None)

    def _span(self, orders: Sequence[Mapping[str, Any]], rules: Sequence[str]) -> float:
        times = sorted(t for o in orders if (t := parse_iso(o.get("time"))) is not None)
        if len(times) < 2:
            return self.s.gift_card_window if "gift_card" in rules else self.s.window
        return max(60.0, (times[-1] - times[0]).total_seconds() // 60 * 60 + 60)


def _severity(kind: str) -> str:
    return "warning" if kind == "security_notice" else "critical"


def _merge(detail: dict[str, Any], hit: Hit) -> None:
    """Fold a new hit into an incident's detail (orders by id, message ids, rules, notices)."""
    known = {o.get("id") for o in detail.setdefault("orders", [])}
    for order in hit.orders:
        if order.get("id") not in known:
            detail["orders"].append(order)
            known.add(order.get("id"))
    detail["orders"].sort(key=lambda o: o.get("time") or "")
    ids = detail.setdefault("message_ids", [])
    ids += [i for i in hit.message_ids if i and i not in ids]
    if hit.rule not in detail.setdefault("rules", []):
        detail["rules"].append(hit.rule)
        detail.setdefault("reasons", []).append(hit.reason)
    if hit.notice:
        detail.setdefault("notices", []).append(hit.notice)
    if hit.event:
        detail.setdefault("events", []).append(hit.event)


def _snapshot(detail: Mapping[str, Any]) -> dict[str, Any]:
    return {"orders": [o.get("id") for o in detail.get("orders") or []],
            "rules": list(detail.get("rules") or []), "notices": len(detail.get("notices") or [])}


def _news(detail: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What the incident holds that no alert has said yet."""
    said = detail.get("reported") or {}
    orders = [o for o in detail.get("orders") or [] if o.get("id") not in set(said.get("orders") or [])]
    rules = detail.get("rules") or []
    reasons = [r for rule, r in zip(rules, detail.get("reasons") or [], strict=False)
               if rule not in set(said.get("rules") or [])]
    notices = list((detail.get("notices") or [])[int(said.get("notices") or 0):])
    news = {"orders": orders, "reasons": reasons, "notices": notices}
    return {k: v for k, v in news.items() if v}
