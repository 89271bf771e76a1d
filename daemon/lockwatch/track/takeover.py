"""Takeover and lock incidents: events from genuine Amazon mail → rules over event time → incidents.

``TakeoverTracker`` is a pipeline tracker (see ``lockwatch.pipeline.Tracker``). For each new message it
records events in the state database (``events``), so windows survive restarts:

- ``order`` (subkind ``gift_card`` / ``digital`` / NULL) from genuine order confirmations, deduplicated
  by order id across folders and re-deliveries (UNIQUE(account, kind, order_id));
- ``security`` (subkind = the security event), ``lock``, ``reinstated`` from genuine notices;
- ``bulk_mail`` (subkind = sender address) for non-Amazon messages that arrive within ``bomb_window`` after
  an order (the e-mail-bomb rule; other mail leaves no event).

The event time is the mail's Date, bounded by its arrival (topmost Received) and by now; a Date or stamp
that is absurd (year 9999, far in the future, unreadable) counts as missing (``lockwatch.parse.dates``). Each new event
is checked against the rules on event time (``[burst]`` in the config) and turns into an incident:
one open incident per account and kind (``takeover`` / ``account_lock`` / ``security_notice``), updated by
later events with at most one follow-up alert per ``followup_interval`` and closed after
``quiet_period`` without events. An incident whose triggering event is older than ``backfill_max_age``
(the first scan of an old mailbox) is recorded and shown, but its alert is not pushed.
"""

from __future__ import annotations

import functools
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lockwatch.alert.defang import clean
from lockwatch.clock import sane, shift
from lockwatch.model import Alert
from lockwatch.parse.addresses import parse_mailbox
from lockwatch.parse.dates import received_time
from lockwatch.state.db import utcnow

if TYPE_CHECKING:
    from lockwatch.config import Burst
    from lockwatch.model import Analysis, Mail
    from lockwatch.state.db import State

__all__ = ["SECURITY_CHANGES", "TakeoverTracker", "event_time"]

# security events that, followed by an order, mean someone else may hold the account
SECURITY_CHANGES = frozenset({"password_changed", "email_changed", "phone_changed", "2sv_off"})
# security events worth a security_notice of their own
NOTICE_EVENTS = SECURITY_CHANGES | {"address_added", "payment_added"}
BULK_KEEP = timedelta(days=2)  # bulk_mail events older than this (before the newest one) are pruned
TEXTS = Path(__file__).resolve().parent.parent / "alert" / "playbooks" / "incidents.toml"


@functools.cache
def _texts(lang: str) -> dict[str, str]:
    with TEXTS.open("rb") as f:
        data = tomllib.load(f)
    return data.get(lang) or data["en"]


def _fill(template: str, **values: Any) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(value: Any) -> datetime | None:
    """A stored or recorded time (ISO text or datetime) in UTC; None when unreadable or out of range."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    try:
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (OverflowError, ValueError):  # 9999-12-31T23:59:59-12:00 is year 10000 in UTC
        return None


def _arrival(mail: Mail | None, now: datetime | None = None) -> datetime | None:
    """When the receiving server took the mail: the topmost Received stamp (None when absent or absurd)."""
    if mail is None or not mail.received:
        return None
    return received_time(mail.received[0], now)


def event_time(record: Mapping[str, Any], mail: Mail | None, now: datetime | None = None) -> datetime:
    """The mail's Date, bounded by its arrival time and never in the future of ``now``.

    An absurd Date (year 1 or 9999, days ahead of now) is no Date: the arrival counts, else now.
    """
    now = now or datetime.now(UTC)
    moment = sane(mail.date if mail is not None and mail.date else _parse(record.get("date")), now)
    arrival = _arrival(mail, now)
    if moment is None:
        moment = arrival or now
    elif arrival is not None and moment > arrival:
        moment = arrival
    return min(moment, now).astimezone(UTC)


@dataclass
class Hit:
    """One rule that fired: what it says, the orders and messages it is about, and when."""

    kind: str  # incident kind: takeover | account_lock | security_notice
    rule: str  # orders | gift_card | security | bomb | lock | security_notice
    reason: str
    at: datetime  # event time of the triggering event
    orders: list[dict[str, Any]]
    message_ids: list[str]
    record: Mapping[str, Any] | None = None
    event: str | None = None
    notice: str | None = None  # a new notice's subject (lock / security incidents)


class TakeoverTracker:
    """Pipeline tracker: events → rules → incidents → alert drafts (see the module doc)."""

    def __init__(self, settings: Burst | None = None, lang: str = "ja") -> None:
        if settings is None:
            from lockwatch.config import Burst

            settings = Burst()
        self.s, self.lang = settings, lang
        self.t = _texts(lang)
        self._bulk_inserts = 0

    # -- entry point ---------------------------------------------------------------------------
    def __call__(self, state: State, account: str, record: dict[str, Any], mail: Mail | None,
                 analysis: Analysis) -> list[Alert]:
        now = datetime.now(UTC)
        at = event_time(record, mail, now)
        hits: list[Hit] = []
        message_id = record.get("message_id") or record.get("source") or ""
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
        drafts: list[Alert] = []
        for hit in hits:
            if (draft := self._incident(state, account, hit, now)) is not None:
                drafts.append(draft)
        return drafts

    # -- events --------------------------------------------------------------------------------
    def _insert(self, state: State, account: str, kind: str, at: datetime, message_id: str, *,
                subkind: str | None = None, order_id: str | None = None, amount: float | None = None,
                currency: str | None = None, detail: Mapping[str, Any] | None = None) -> bool:
        cur = state.execute(
            "INSERT OR IGNORE INTO events (account, kind, subkind, event_time, message_id, order_id, amount,"
            " currency, detail) VALUES (?,?,?,?,?,?,?,?,?)",
            (account, kind, subkind, _iso(at), message_id, order_id, amount, currency,
             json.dumps(dict(detail or {}), ensure_ascii=False)))
        return cur.rowcount == 1

    def _events(self, state: State, account: str, kind: str, start: datetime, end: datetime) -> list[Any]:
        return state.execute(
            "SELECT * FROM events WHERE account=? AND kind=? AND event_time BETWEEN ? AND ?"
            " ORDER BY event_time, id", (account, kind, _iso(start), _iso(end))).fetchall()

    def _order(self, state: State, account: str, record: Mapping[str, Any], analysis: Analysis,
               at: datetime, message_id: str) -> list[Hit]:
        order = analysis.order
        assert order is not None
        subkind = "gift_card" if order.gift_card else "digital" if order.digital else None
        detail = {"items": list(order.items), "gift_card": order.gift_card, "digital": order.digital,
                  "subject": record.get("subject")}
        if not self._insert(state, account, "order", at, message_id, subkind=subkind, order_id=order.id,
                            amount=order.total, currency=order.currency, detail=detail):
            return []  # the same order seen before (another folder, a re-delivery)
        s = self.s
        hits = []
        # N orders within the window (any window that holds this order)
        near = self._events(state, account, "order", shift(at, -s.window), shift(at, s.window))
        group = _best_window(near, at, s.window, lambda row: 1.0)
        if len(group) >= s.orders:
            hits.append(self._hit("orders", at, group, count=len(group), window=self._dur(s.window)))
        # gift cards over the limit of their currency within gift_card_window
        limit = s.gift_card_limits.get(order.currency or "")
        if order.gift_card and limit is not None:
            near = [r for r in self._events(state, account, "order", shift(at, -s.gift_card_window),
                                             shift(at, s.gift_card_window))
                    if r["subkind"] == "gift_card" and r["currency"] == order.currency]
            group = _best_window(near, at, s.gift_card_window, lambda row: row["amount"] or 0.0)
            total = sum(r["amount"] or 0.0 for r in group)
            if total > limit:
                hits.append(self._hit("gift_card", at, group, total=_money(total, order.currency),
                                      limit=_money(limit, order.currency), window=self._dur(s.gift_card_window)))
        # a security change within security_window before
        changes = [r for r in self._events(state, account, "security", shift(at, -s.security_window), at)
                   if r["subkind"] in SECURITY_CHANGES]
        if changes:
            hits.append(self._security_hit(state, account, changes[-1], at, [self._row_order(
                state, account, order.id)]))
        # an e-mail bomb right after this order (the bulk mail was read first)
        if (bomb := self._bomb(state, account, at, order.id)) is not None:
            hits.append(bomb)
        return hits

    def _security(self, state: State, account: str, record: Mapping[str, Any], event: str, at: datetime,
                  message_id: str) -> list[Hit]:
        self._insert(state, account, "security", at, message_id, subkind=event,
                     detail={"subject": record.get("subject")})
        hits = []
        if event in NOTICE_EVENTS:
            hits.append(Hit("security_notice", "security_notice",
                            _fill(self.t["rule_security_notice"], event=self._event(event), when=self._when(at)),
                            at, [], [message_id], record, event, record.get("subject") or event))
        if event in SECURITY_CHANGES:  # orders read before the change notice (another folder)
            later = self._events(state, account, "order", at, shift(at, self.s.security_window))
            if later:
                row = state.execute("SELECT * FROM events WHERE account=? AND kind='security' AND message_id=?"
                                    " ORDER BY id DESC", (account, message_id)).fetchone()
                hits.append(self._security_hit(state, account, row, at, [_order_dict(r) for r in later]))
        return hits

    def _security_hit(self, state: State, account: str, change: Any, at: datetime,
                      orders: list[dict[str, Any]]) -> Hit:
        when = self._when(_parse(change["event_time"]) or at)
        reason = _fill(self.t["rule_security"], event=self._event(change["subkind"]), when=when,
                       window=self._dur(self.s.security_window))
        ids = [change["message_id"], *(o.get("message_id") for o in orders)]
        return Hit("takeover", "security", reason, at, orders, [i for i in ids if i])

    def _lock(self, state: State, account: str, record: Mapping[str, Any], lock: str, at: datetime,
              message_id: str) -> list[Hit]:
        kind = "reinstated" if lock == "reinstated" else "lock"
        self._insert(state, account, kind, at, message_id, subkind=lock, detail={"subject": record.get("subject")})
        orders = [_order_dict(r) for r in self._events(state, account, "order", shift(at, -self.s.lock_lookback), at)]
        key = "rule_reinstated" if kind == "reinstated" else "rule_lock" if orders else "rule_lock_none"
        reason = _fill(self.t[key], window=self._dur(self.s.lock_lookback))
        return [Hit("account_lock", kind, reason, at, orders, [message_id], record, lock,
                    record.get("subject") or lock)]

    def _bulk(self, state: State, account: str, record: Mapping[str, Any], at: datetime,
              message_id: str) -> list[Hit]:
        orders = self._events(state, account, "order", shift(at, -self.s.bomb_window), at)
        if not orders:  # only mail right after an order can bury it: the rest is not kept (most mail)
            return []
        sender = parse_mailbox(str(record.get("from") or ""))[1] or str(record.get("from") or "?")
        self._insert(state, account, "bulk_mail", at, message_id, subkind=sender)
        self._bulk_inserts += 1
        if self._bulk_inserts % 200 == 0:
            state.execute("DELETE FROM events WHERE account=? AND kind='bulk_mail' AND event_time < ?",
                          (account, _iso(shift(at, -BULK_KEEP.total_seconds()))))
        for row in reversed(orders):
            if (hit := self._bomb(state, account, _parse(row["event_time"]) or at, row["order_id"], at)) is not None:
                return [hit]
        return []

    def _bomb(self, state: State, account: str, order_at: datetime, order_id: str,
              trigger: datetime | None = None) -> Hit | None:
        # counted in SQL: called for every bulk mail after an order, so fetching the rows would make a
        # flood of mail (the very attack) quadratic in Python
        mails, senders = state.execute(
            "SELECT COUNT(*), COUNT(DISTINCT subkind) FROM events WHERE account=? AND kind='bulk_mail'"
            " AND event_time BETWEEN ? AND ?", (account, _iso(order_at), _iso(shift(order_at, self.s.bomb_window)))).fetchone()
        if mails < self.s.bomb_messages or senders < self.s.bomb_senders:
            return None
        order = self._row_order(state, account, order_id)
        reason = _fill(self.t["rule_bomb"], window=self._dur(self.s.bomb_window), messages=mails,
                       senders=senders)
        return Hit("takeover", "bomb", reason, trigger or order_at, [order], [order["message_id"]])

    # -- rules → hits --------------------------------------------------------------------------
    def _hit(self, rule: str, at: datetime, rows: Sequence[Any], **values: Any) -> Hit:
        orders = [_order_dict(r) for r in rows]
        reason = _fill(self.t[f"rule_{rule}"], **values)
        return Hit("takeover", rule, reason, at, orders, [o["message_id"] for o in orders if o["message_id"]])

    def _row_order(self, state: State, account: str, order_id: str) -> dict[str, Any]:
        row = state.execute("SELECT * FROM events WHERE account=? AND kind='order' AND order_id=?",
                            (account, order_id)).fetchone()
        return _order_dict(row)

    # -- incidents -----------------------------------------------------------------------------
    def _open(self, state: State, account: str, kind: str, at: datetime) -> Any:
        """The open incident of this kind, closing it first when it has been quiet too long."""
        row = state.execute("SELECT * FROM incidents WHERE account=? AND kind=? AND closed_at IS NULL"
                            " ORDER BY id DESC", (account, kind)).fetchone()
        if row is None:
            return None
        last = _parse(row["updated_at"]) or at
        if (at - last).total_seconds() > self.s.quiet_period:
            state.execute("UPDATE incidents SET closed_at=? WHERE id=?",
                          (_iso(shift(last, self.s.quiet_period)), row["id"]))
            return None
        return row

    def _incident(self, state: State, account: str, hit: Hit, now: datetime) -> Alert | None:
        row = self._open(state, account, hit.kind, hit.at)
        push = None if (now - hit.at).total_seconds() <= self.s.backfill_max_age else False
        closing = hit.rule == "reinstated"
        if row is None:
            detail: dict[str, Any] = {"rules": [hit.rule], "reasons": [hit.reason], "orders": hit.orders,
                                      "message_ids": list(hit.message_ids), "notices": [],
                                      "events": [hit.event] if hit.event else [], "trigger_time": _iso(hit.at),
                                      "followups": 0, "last_followup_at": None}
            if hit.notice:
                detail["notices"].append(hit.notice)
            detail["reported"] = _snapshot(detail)
            severity = "info" if closing else _severity(hit.kind)
            cur = state.execute(
                "INSERT INTO incidents (account, kind, severity, opened_at, updated_at, closed_at, last_alert_at,"
                " detail) VALUES (?,?,?,?,?,?,?,?)",
                (account, hit.kind, severity, _iso(hit.at), _iso(hit.at), _iso(hit.at) if closing else None,
                 utcnow(), json.dumps(detail, ensure_ascii=False)))
            return self._draft(int(cur.lastrowid or 0), account, hit, detail, severity, push, new=None)
        detail = json.loads(row["detail"])
        _merge(detail, hit)
        new = _news(detail)
        updated = max(_parse(row["updated_at"]) or hit.at, hit.at)
        if closing:  # a reinstatement closes the lock incident and always says so
            detail["reported"] = _snapshot(detail)
            state.execute("UPDATE incidents SET updated_at=?, closed_at=?, last_alert_at=?, detail=? WHERE id=?",
                          (_iso(updated), _iso(hit.at), utcnow(), json.dumps(detail, ensure_ascii=False), row["id"]))
            return self._draft(row["id"], account, hit, detail, "info", push, new=None)
        # the first follow-up goes out at once; later ones at most one per followup_interval (event time)
        last = _parse(detail.get("last_followup_at"))
        due = detail.get("followups", 0) == 0 or last is None or \
            (hit.at - last).total_seconds() >= self.s.followup_interval
        draft = None
        if new and due:
            detail["followups"] = detail.get("followups", 0) + 1
            detail["last_followup_at"] = _iso(hit.at)
            detail["reported"] = _snapshot(detail)
            draft = self._draft(row["id"], account, hit, detail, row["severity"], push, new=new)
        state.execute("UPDATE incidents SET updated_at=?, last_alert_at=COALESCE(?, last_alert_at), detail=?"
                      " WHERE id=?", (_iso(updated), utcnow() if draft else None,
                                      json.dumps(detail, ensure_ascii=False), row["id"]))
        return draft

    def _draft(self, incident_id: int, account: str, hit: Hit, detail: Mapping[str, Any], severity: str,
               push: bool | None, *, new: Mapping[str, list[Any]] | None) -> Alert:
        orders = detail.get("orders") or []
        incident: dict[str, Any] = {"account": account, "id": incident_id, "severity": severity,
                                    "message_ids": detail.get("message_ids") or [], "orders": orders,
                                    "rules": list(detail.get("reasons") or []), "count": len(orders)}
        if hit.kind == "takeover":
            incident["window"] = self._span(orders, detail)
            first = (detail.get("rules") or ["orders"])[0]
            if first != "orders":
                incident["variant"] = first
        else:
            incident["record"] = hit.record or {}
            incident["event"] = hit.event
            if hit.kind == "account_lock":
                incident["lock_event"] = "reinstated" if hit.rule == "reinstated" else None
                incident["rules"] = [hit.reason]  # the reason of this notice (lock or reinstated)
        title, body = self._compose(hit.kind, incident)
        if new:
            title = _fill(self.t["update_title"], title=title)
            body = "\n".join([f"■ {self.t['new_heading']}", *self._news_lines(new)]) + "\n\n" + body
        return Alert(hit.kind, severity, title, body, tuple(detail.get("message_ids") or ()),
                     account, incident_id, push)

    def _compose(self, kind: str, incident: dict[str, Any]) -> tuple[str, str]:
        try:
            from lockwatch.alert.compose import compose_incident
        except ImportError:  # seam: without the playbooks, a plain text of the reasons and orders
            lines = [*incident["rules"], *(f"- {_order_text(o)}" for o in incident["orders"])]
            return kind, "\n".join(lines)
        alert = compose_incident(kind, incident, self.lang)
        return alert.title, alert.body

    def _news_lines(self, new: Mapping[str, list[Any]]) -> list[str]:
        # every value from a mail is cleaned and defanged (lockwatch.alert.defang): no live URL in an alert
        lines = [f"- {_fill(self.t['new_order'], order=_order_text(o))}" for o in new.get("orders", [])]
        lines += [f"- {_fill(self.t['new_rule'], rule=clean(r, 300))}" for r in new.get("reasons", [])]
        lines += [f"- {_fill(self.t['new_notice'], subject=clean(s, 200))}" for s in new.get("notices", [])]
        return lines

    # -- formatting ----------------------------------------------------------------------------
    def _dur(self, seconds: float) -> str:
        from lockwatch.alert import playbooks

        labels = playbooks.load(self.lang).get("labels", {})
        if seconds < 3600 or seconds % 3600:
            return _fill(labels.get("minutes", "{n} min"), n=round(seconds / 60))
        return _fill(labels.get("hours", "{n} h"), n=round(seconds / 3600))

    def _span(self, orders: Sequence[Mapping[str, Any]], detail: Mapping[str, Any]) -> float:
        times = sorted(t for o in orders if (t := _parse(o.get("time"))) is not None)
        if len(times) < 2:
            return self.s.gift_card_window if "gift_card" in (detail.get("rules") or []) else self.s.window
        return max(60.0, (times[-1] - times[0]).total_seconds() // 60 * 60 + 60)

    def _event(self, event: str | None) -> str:
        from lockwatch.alert import playbooks

        names = playbooks.load(self.lang).get("events", {})
        return str(names.get(event or "other") or event or "")

    def _when(self, at: datetime) -> str:
        try:
            return at.astimezone().strftime("%Y-%m-%d %H:%M")
        except (OverflowError, ValueError, OSError):  # out of the local time zone's range
            return at.strftime("%Y-%m-%d %H:%M UTC")


# -- helpers ------------------------------------------------------------------------------------


def _severity(kind: str) -> str:
    return "warning" if kind == "security_notice" else "critical"


def _best_window(rows: Sequence[Any], at: datetime, width: float, value: Any) -> list[Any]:
    """The rows of the window of ``width`` seconds that holds ``at`` and has the largest total ``value``."""
    timed = [(t, r) for r in rows if (t := _parse(r["event_time"])) is not None]
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


def _order_dict(row: Any) -> dict[str, Any]:
    detail = json.loads(row["detail"] or "{}")
    total: float | int | None = row["amount"]
    if isinstance(total, float) and total.is_integer():
        total = int(total)
    return {"id": row["order_id"], "items": detail.get("items") or [], "total": total,
            "currency": row["currency"], "gift_card": row["subkind"] == "gift_card",
            "digital": row["subkind"] == "digital", "message_id": row["message_id"], "time": row["event_time"]}


def _money(total: Any, currency: Any) -> str:
    from lockwatch.alert.compose import CURRENCY_SIGNS

    if not isinstance(total, int | float) or isinstance(total, bool):
        return ""
    sign = CURRENCY_SIGNS.get(str(currency or ""))
    amount = f"{total:,.0f}" if currency == "JPY" or float(total).is_integer() else f"{total:,.2f}"
    return f"{sign}{amount}" if sign else f"{amount} {clean(currency or '', 10)}".strip()


def _order_text(order: Mapping[str, Any]) -> str:
    """Order id, items and total of an order, cleaned and defanged (item names come from the mail)."""
    items = clean(" / ".join(str(i) for i in order.get("items") or []), 80)
    return "  ".join(p for p in (clean(order.get("id") or "", 40), items, _money(order.get("total"),
                                                                                order.get("currency"))) if p)


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
