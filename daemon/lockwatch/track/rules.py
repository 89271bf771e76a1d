"""The takeover rules over event time: each new event is stored and checked, and what fires is a ``Hit``.

Events (table ``events``, so windows survive restarts):

- ``order`` (subkind ``gift_card`` / ``digital`` / NULL) from genuine order confirmations, deduplicated
  by order id across folders and re-deliveries (UNIQUE(account, kind, order_id));
- ``security`` (subkind = the security event), ``lock``, ``reinstated`` from genuine notices;
- ``bulk_mail`` (subkind = sender address) for non-Amazon messages that arrive within ``bomb_window`` after
  an order (the e-mail-bomb rule; other mail leaves no event).

A hit carries facts only (counts, seconds, amounts, event codes, times); ``lockwatch.alert.incident``
words them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from lockwatch.clock import iso, parse_iso, shift
from lockwatch.parse.addresses import parse_mailbox
from lockwatch.state import incidents as db

if TYPE_CHECKING:
    from lockwatch.config import Burst
    from lockwatch.model import Analysis
    from lockwatch.state.db import State

__all__ = ["NOTICE_EVENTS", "SECURITY_CHANGES", "Hit", "Rules", "order_fact"]

# security events that, followed by an order, mean someone else may hold the account
SECURITY_CHANGES = frozenset({"password_changed", "email_changed", "phone_changed", "2sv_off"})
# security events worth a security_notice of their own
NOTICE_EVENTS = SECURITY_CHANGES | {"address_added", "payment_added"}
BULK_KEEP = timedelta(days=2)  # bulk_mail events older than this (before the newest one) are pruned
PRUNE_EVERY = 200  # bulk_mail inserts between two prunings


@dataclass
class Hit:
    """One rule that fired: the incident kind, the rule, its facts, the orders and messages, and when.

    ``reason`` is the fact the alert words: ``{"rule": <text key>, <values>}`` (``rule_<text key>`` in
    ``alert/playbooks/incidents.toml``).
    """

    kind: str  # incident kind: takeover | account_lock | security_notice
    rule: str  # orders | gift_card | security | bomb | lock | reinstated | security_notice
    reason: dict[str, Any]
    at: datetime  # event time of the triggering event
    orders: list[dict[str, Any]] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    record: Mapping[str, Any] | None = None
    event: str | None = None
    notice: str | None = None  # a new notice's subject (lock / security incidents)


def order_fact(row: Any) -> dict[str, Any]:
    """An ``order`` event row as the order an incident lists."""
    detail = json.loads(row["detail"] or "{}")
    total: float | int | None = row["amount"]
    if isinstance(total, float) and total.is_integer():
        total = int(total)
    return {"id": row["order_id"], "items": detail.get("items") or [], "total": total,
            "currency": row["currency"], "gift_card": row["subkind"] == "gift_card",
            "digital": row["subkind"] == "digital", "message_id": row["message_id"], "time": row["event_time"]}


def best_window(rows: Sequence[Any], at: datetime, width: float, value: Callable[[Any], float]) -> list[Any]:
    """The rows of the window of ``width`` seconds that holds ``at`` and has the largest total ``value``."""
    timed = [(t, r) for r in rows if (t := parse_iso(r["event_time"])) is not None]
    best: list[Any] = []
    best_total = -1.0
    earliest = shift(at, -width)
    for start, _ in timed:
        if not earliest <= start <= at:
            continue
        end = shift(start, width)
        members = [r for t, r in timed if start <= t <= end]
        total = sum(value(r) for r in members)
        if total > best_total:
            best, best_total = members, total
    return best


class Rules:
    """The ``[burst]`` rules: store a message's events and return the hits they complete."""

    def __init__(self, settings: Burst) -> None:
        self.s = settings
        self._bulk_inserts = 0

    def hits(self, state: State, account: str, record: Mapping[str, Any], analysis: Analysis,
             at: datetime) -> list[Hit]:
        """The events of one recorded message (at event time ``at``) and the rules they fire."""
        message_id = record.get("message_id") or record.get("source") or ""
        hits: list[Hit] = []
        if analysis.verdict == "genuine" and analysis.verified:  # unproven "genuine" mail is never Amazon's word
            if analysis.order is not None:
                hits += self._order(state, account, record, analysis, at, message_id)
            if analysis.security_event:
                hits += self._security(state, account, record, analysis.security_event, at, message_id)
            lock = analysis.lock_event or ("lock" if analysis.kind == "account_lock" else None)
            if lock:
                hits += self._lock(state, account, record, lock, at, message_id)
        elif not analysis.amazon_like and analysis.verdict == "not_amazon":
            hits += self._bulk(state, account, record, at, message_id)
        return hits

    def _order(self, state: State, account: str, record: Mapping[str, Any], analysis: Analysis,
               at: datetime, message_id: str) -> list[Hit]:
        order = analysis.order
        assert order is not None
        subkind = "gift_card" if order.gift_card else "digital" if order.digital else None
        detail = {"items": list(order.items), "gift_card": order.gift_card, "digital": order.digital,
                  "subject": record.get("subject")}
        if not db.add_event(state, account, "order", at, message_id, subkind=subkind, order_id=order.id,
                            amount=order.total, currency=order.currency, detail=detail):
            return []  # the same order seen before (another folder, a re-delivery)
        s = self.s
        hits = []
        # N orders within the window (any window that holds this order)
        near = db.events_between(state, account, "order", shift(at, -s.window), shift(at, s.window))
        group = best_window(near, at, s.window, lambda row: 1.0)
        if len(group) >= s.orders:
            hits.append(self._hit("orders", at, group, count=len(group), window=s.window))
        # gift cards over the limit of their currency within gift_card_window
        limit = s.gift_card_limits.get(order.currency or "")
        if order.gift_card and limit is not None:
            near = [r for r in db.events_between(state, account, "order", shift(at, -s.gift_card_window),
                                                 shift(at, s.gift_card_window))
                    if r["subkind"] == "gift_card" and r["currency"] == order.currency]
            group = best_window(near, at, s.gift_card_window, lambda row: row["amount"] or 0.0)
            total = sum(r["amount"] or 0.0 for r in group)
            if total > limit:
                hits.append(self._hit("gift_card", at, group, total=total, limit=limit, currency=order.currency,
                                      window=s.gift_card_window))
        # a security change within security_window before
        changes = [r for r in db.events_between(state, account, "security", shift(at, -s.security_window), at)
                   if r["subkind"] in SECURITY_CHANGES]
        if changes:
            hits.append(self._security_hit(changes[-1], at, [self._order_of(state, account, order.id)]))
        # an e-mail bomb right after this order (the bulk mail was read first)
        if (bomb := self._bomb(state, account, at, order.id)) is not None:
            hits.append(bomb)
        return hits

    def _security(self, state: State, account: str, record: Mapping[str, Any], event: str, at: datetime,
                  message_id: str) -> list[Hit]:
        db.add_event(state, account, "security", at, message_id, subkind=event,
                     detail={"subject": record.get("subject")})
        hits = []
        if event in NOTICE_EVENTS:
            reason = {"rule": "security_notice", "event": event, "when": iso(at)}
            hits.append(Hit("security_notice", "security_notice", reason, at, [], [message_id], record, event,
                            record.get("subject") or event))
        if event in SECURITY_CHANGES:  # orders read before the change notice (another folder)
            later = db.events_between(state, account, "order", at, shift(at, self.s.security_window))
            if later:
                row = db.event_of_message(state, account, "security", message_id)
                hits.append(self._security_hit(row, at, [order_fact(r) for r in later]))
        return hits

    def _security_hit(self, change: Any, at: datetime, orders: list[dict[str, Any]]) -> Hit:
        reason = {"rule": "security", "event": change["subkind"],
                  "when": iso(parse_iso(change["event_time"]) or at), "window": self.s.security_window}
        ids = [change["message_id"], *(o.get("message_id") for o in orders)]
        return Hit("takeover", "security", reason, at, orders, [i for i in ids if i])

    def _lock(self, state: State, account: str, record: Mapping[str, Any], lock: str, at: datetime,
              message_id: str) -> list[Hit]:
        kind = "reinstated" if lock == "reinstated" else "lock"
        db.add_event(state, account, kind, at, message_id, subkind=lock, detail={"subject": record.get("subject")})
        orders = [order_fact(r) for r in db.events_between(state, account, "order",
                                                           shift(at, -self.s.lock_lookback), at)]
        says = "reinstated" if kind == "reinstated" else "lock" if orders else "lock_none"
        reason = {"rule": says, "window": self.s.lock_lookback}
        return [Hit("account_lock", kind, reason, at, orders, [message_id], record, lock,
                    record.get("subject") or lock)]

    def _bulk(self, state: State, account: str, record: Mapping[str, Any], at: datetime,
              message_id: str) -> list[Hit]:
        orders = db.events_between(state, account, "order", shift(at, -self.s.bomb_window), at)
        if not orders:  # only mail right after an order can bury it: the rest is not kept (most mail)
            return []
        sender = parse_mailbox(str(record.get("from") or ""))[1] or str(record.get("from") or "?")
        db.add_event(state, account, "bulk_mail", at, message_id, subkind=sender)
        self._bulk_inserts += 1
        if self._bulk_inserts % PRUNE_EVERY == 0:
            db.prune_bulk(state, account, shift(at, -BULK_KEEP.total_seconds()))
        for row in reversed(orders):
            order_at = parse_iso(row["event_time"]) or at
            if (hit := self._bomb(state, account, order_at, row["order_id"], at)) is not None:
                return [hit]
        return []

    def _bomb(self, state: State, account: str, order_at: datetime, order_id: str,
              trigger: datetime | None = None) -> Hit | None:
        mails, senders = db.bulk_counts(state, account, order_at, shift(order_at, self.s.bomb_window))
        if mails < self.s.bomb_messages or senders < self.s.bomb_senders:
            return None
        order = self._order_of(state, account, order_id)
        reason = {"rule": "bomb", "window": self.s.bomb_window, "messages": mails, "senders": senders}
        return Hit("takeover", "bomb", reason, trigger or order_at, [order], [order["message_id"]])

    def _hit(self, rule: str, at: datetime, rows: Sequence[Any], **values: Any) -> Hit:
        orders = [order_fact(r) for r in rows]
        return Hit("takeover", rule, {"rule": rule, **values}, at, orders,
                   [o["message_id"] for o in orders if o["message_id"]])

    @staticmethod
    def _order_of(state: State, account: str, order_id: str) -> dict[str, Any]:
        return order_fact(db.order_event(state, account, order_id))
