"""Alert composition: a message record or an incident → a localized alert that says what to do now.

Texts and actions come from ``lockwatch/playbooks/<lang>.toml``; phone numbers, the help page and
the reporting addresses from the brand profile. Every value taken from a mail is cleaned and
defanged (``hxxps://amaz0n-jp[.]top/...``) before it is placed in a text; the body is plain text in
sections (``■ heading``, ``1.`` actions, ``-`` details) that ``lockwatch.deliver.render`` can escape per target.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lockwatch.alert import playbooks
from lockwatch.alert.defang import clean, defang_text
from lockwatch.clock import sane
from lockwatch.model import Alert
from lockwatch.parse.addresses import parse_mailbox

if TYPE_CHECKING:
    from lockwatch.model import Analysis, Mail
    from lockwatch.state.db import State

__all__ = [
    "KINDS", "SEVERITIES", "MessageAlerts", "actions_for", "compose_health", "compose_incident",
    "compose_message", "compose_test", "severity_rank",
]

SEVERITIES = ("info", "warning", "critical")
# playbook entry → (contract alert kind, severity)
KINDS: dict[str, tuple[str, str]] = {
    "phishing": ("phishing", "critical"),
    "suspicious": ("phishing", "warning"),  # a quieter phishing alert
    "takeover": ("takeover", "critical"),
    "account_lock": ("account_lock", "critical"),
    "security_notice": ("security_notice", "warning"),
    "health_down": ("health_down", "warning"),
    "health_up": ("health_up", "info"),
    "test": ("test", "info"),
}
HEADING = "■ "
MAX_REASONS, MAX_LINKS, MAX_ORDERS = 3, 3, 5
TITLE_MAX = 250
_ANGLE_ADDR = re.compile(r"^(.*?)\s*<([^<>]*@[^<>]*)>$", re.DOTALL)
CURRENCY_SIGNS = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "INR": "₹"}


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0




class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _fill(template: str, values: Mapping[str, Any]) -> str:
    try:
        return template.format_map(_Blank({k: "" if v is None else str(v) for k, v in values.items()}))
    except (ValueError, IndexError, AttributeError):  # a broken template shows as written
        return template


class _Playbook:
    """One language's playbook with the brand's help facts filled in."""

    def __init__(self, lang: str, marketplace: str | None = None) -> None:
        self.data = playbooks.load(lang)
        self.labels: dict[str, str] = self.data.get("labels", {})
        self.help = playbooks.brand_help(marketplace or self.data.get("marketplace", "jp"))
        sep = self.label("list_sep") or ", "
        self.common = {"site": self.help.site, "help_page": self.help.page,
                       "message_center": self.help.message_center, "phones": self._phones(),
                       "report_addresses": sep.join(self.help.report_addresses)}

    def label(self, key: str, **values: Any) -> str:
        return _fill(self.labels.get(key, ""), values)

    def entry(self, kind: str) -> dict[str, Any]:
        return self.data.get("kind", {}).get(kind, {})

    def _phones(self) -> str:
        phones = self.help.phones
        if not phones:
            return ""
        sep = self.label("list_sep") or ", "
        notes = {p.note for p in phones}
        if len(notes) == 1:  # one shared note (the hours): say it once
            numbers = sep.join(p.number for p in phones)
            note = notes.pop()
            return self.label("phone", number=numbers, note=note) if note else numbers
        return sep.join(self.label("phone", number=p.number, note=p.note) if p.note else p.number
                        for p in phones)

    def actions(self, kind: str, values: Mapping[str, Any]) -> list[str]:
        merged = {**self.common, **values}
        out = []
        for action in self.entry(kind).get("actions", []):
            if isinstance(action, dict):
                needs = action.get("needs")
                needs = [needs] if isinstance(needs, str) else needs or []
                text = action.get("text", "")
                if any(not merged.get(n) for n in needs):
                    text = action.get("otherwise", "")
            else:
                text = str(action)
            if text := _fill(text, merged).strip():
                out.append(text)
        return out

    def reason(self, code: str, detail: str) -> str | None:
        """A reason in plain words; None when the playbook hides it."""
        table = self.data.get("reasons", {})
        phrase = table.get(code)
        if phrase == "":
            return None
        if phrase is None:
            phrase = table.get(code.split(".", 1)[0], "")
        detail = clean(detail, 200)
        if phrase and detail:
            return self.label("reason_line", phrase=phrase, detail=detail) or f"{phrase} ({detail})"
        return phrase or detail or code

    def compose(self, kind: str, values: Mapping[str, Any], sections: Sequence[tuple[str, list[str]]],
                *, summary_key: str = "summary") -> tuple[str, str]:
        """Title and body: what happened, the given detail sections, numbered actions, official help."""
        entry, merged = self.entry(kind), {**self.common, **values}
        # the values are defanged already; defang the title once more so no two of them join into a live name
        title = defang_text(" ".join(_fill(entry.get("title", kind), merged).split()))[:TITLE_MAX]
        summary = _fill(entry.get(summary_key) or entry.get("summary", ""), merged)
        parts: list[tuple[str, list[str]]] = []
        for heading, lines in sections:
            if heading == "what":
                lines = [summary, *lines] if summary else lines
            parts.append((self.label(heading) if heading else "", lines))
        actions = self.actions(kind, values)
        parts.append((self.label("actions"), [f"{i}. {a}" for i, a in enumerate(actions, 1)]))
        if kind not in ("health_down", "health_up"):
            parts.append((self.label("help"), self._help_lines()))
        return title, _assemble(parts)

    def _help_lines(self) -> list[str]:
        lines = []
        if self.help.page:
            lines.append(f"{self.label('help_page')}: {self.help.page}")
        if self.common["phones"]:
            lines.append(f"{self.label('phones')}: {self.common['phones']}")
        return lines


def _assemble(parts: Iterable[tuple[str, list[str]]]) -> str:
    blocks = []
    for heading, lines in parts:
        lines = [line for line in lines if line]
        if lines:
            blocks.append("\n".join([f"{HEADING}{heading}", *lines] if heading else lines))
    return "\n\n".join(blocks)


# -- values taken from mail ------------------------------------------------------------------
def _sender(from_header: Any) -> tuple[str, str, str]:
    """(display name, address, domain) of a From header, cleaned and defanged."""
    text = str(from_header or "").strip()
    if m := _ANGLE_ADDR.match(text):  # "Name <addr>" as the detector writes it, however odd the name
        name, address = m[1].strip().strip('"').strip(), m[2].strip()
    else:
        name, address = parse_mailbox(text)
        if "@" not in address:
            name, address = text, ""
    domain = address.rpartition("@")[2]
    return clean(name, 120), clean(address, 160), clean(domain, 120)


def _when(value: Any, fmt: str) -> str:
    """A recorded time in the watcher's local time with its offset; an absurd one as (cleaned) text."""
    if not value:
        return ""
    try:
        moment = sane(datetime.fromisoformat(str(value)))
        if moment is None:  # year 9999 at -12:00 is out of range in UTC, and out of belief anyway
            return clean(value, 60)
        moment = moment.astimezone()  # the watcher's local time, with its offset
        text = moment.strftime(fmt)
    except (ValueError, OverflowError, OSError):
        return clean(value, 60)
    offset = moment.strftime("%z")
    return text + f" (UTC{offset[:3]}:{offset[3:]})"


def _place(source: Any, account: str | None) -> tuple[str, str]:
    """(account, folder) of an ``account/folder/uid`` source; a file path is its own place."""
    source = str(source or "")
    if account and source.startswith(account + "/"):
        rest = source[len(account) + 1:]  # the folder name comes from the server: cleaned like mail text
        return account, clean(rest.rsplit("/", 1)[0] if "/" in rest else rest, 200)
    if source.startswith(("/", ".", "~")) or not account:
        return account or "", clean(source, 200)
    return account, ""


def _money(total: Any, currency: Any) -> str:
    if not isinstance(total, int | float) or isinstance(total, bool):
        return ""
    currency = str(currency or "")
    sign = CURRENCY_SIGNS.get(currency)
    if currency == "JPY":
        return f"{sign}{total:,.0f}"
    amount = f"{total:,.0f}" if float(total).is_integer() else f"{total:,.2f}"
    return f"{sign}{amount}" if sign else f"{amount} {clean(currency, 10)}".strip()


def _sum(orders: Sequence[Mapping[str, Any]]) -> str:
    totals: dict[str, float] = {}
    for order in orders:
        total = order.get("total")
        if isinstance(total, int | float) and not isinstance(total, bool):
            key = str(order.get("currency") or "")
            totals[key] = totals.get(key, 0) + total
    return " + ".join(_money(v, k) for k, v in totals.items())


def _duration(value: Any, book: _Playbook) -> str:
    seconds: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and value:
        try:
            from lockwatch.config import parse_duration

            seconds = parse_duration(value).total_seconds()
        except (ImportError, ValueError):
            return clean(value, 40)
    if seconds is None:
        return ""
    if seconds < 3600 or seconds % 3600:
        return book.label("minutes", n=round(seconds / 60))
    return book.label("hours", n=round(seconds / 3600))


def _message_ids(*sources: Any) -> tuple[str, ...]:
    out: list[str] = []
    for source in sources:
        items = source if isinstance(source, list | tuple) else [source]
        out += [str(i) for i in items if i and str(i) not in out]
    return tuple(out)


def _mail_values(record: Mapping[str, Any], account: str | None, book: _Playbook) -> dict[str, str]:
    name, address, domain = _sender(record.get("from"))
    where_account, folder = _place(record.get("source"), account)
    return {"subject": clean(record.get("subject"), 200) or book.label("unknown"), "sender_name": name,
            "sender_address": address, "sender_domain": domain,
            "date": _when(record.get("date"), book.data.get("date_format", "%Y-%m-%d %H:%M")),
            "account": clean(where_account, 80), "folder": folder}


def _what_lines(values: Mapping[str, str], book: _Playbook) -> list[str]:
    place = " / ".join(v for v in (values.get("account"), values.get("folder")) if v)
    rows = (("from", values.get("sender_name")), ("address", values.get("sender_address")),
            ("subject", values.get("subject")), ("date", values.get("date")), ("place", place))
    return [f"{book.label(key)}: {value}" for key, value in rows if value]


def _reason_lines(reasons: Any, book: _Playbook) -> list[str]:
    lines = []
    for reason in reasons if isinstance(reasons, list) else []:
        if isinstance(reason, Mapping):
            text = book.reason(str(reason.get("code", "")), str(reason.get("detail", "")))
        else:
            text = clean(reason, 200)
        if text and f"- {text}" not in lines:
            lines.append(f"- {text}")
        if len(lines) == MAX_REASONS:
            break
    return lines


def _link_lines(links: Any, book: _Playbook) -> list[str]:
    shown = [link for link in links if isinstance(link, Mapping) and link.get("verdict") != "amazon"] \
        if isinstance(links, list) else []
    lines = [f"- {clean(link.get('url') or link.get('host'), 160)}" for link in shown[:MAX_LINKS]]
    if len(shown) > MAX_LINKS:
        lines.append(f"- {book.label('more', count=len(shown) - MAX_LINKS)}")
    return lines


# -- composition -----------------------------------------------------------------------------
def compose_message(record: Mapping[str, Any], lang: str = "ja", *,
                    account: str | None = None) -> Alert | None:
    """The alert for one message record (the contract's message object); None when it needs none."""
    verdict = record.get("verdict")
    if verdict not in ("phishing", "suspicious"):
        return None
    return _message_alert(str(verdict), record, lang, account)


def _marketplace(*records: Any) -> str | None:
    """"jp" when the mail concerns amazon.co.jp (its sender, links or yen amounts), else None.

    A Japanese user who reads alerts in English still needs the Japanese help line.
    """
    text = repr(records)
    if ".co.jp" in text or "co[.]jp" in text or "'JPY'" in text:
        return "jp"
    return None


def _message_alert(entry: str, record: Mapping[str, Any], lang: str, account: str | None) -> Alert:
    book = _Playbook(lang, _marketplace(record.get("from"), record.get("links")))
    values = _mail_values(record, account, book)
    sections = [("what", _what_lines(values, book)), ("why", _reason_lines(record.get("reasons"), book)),
                ("links", _link_lines(record.get("links"), book))]
    title, body = book.compose(entry, values, sections)
    kind, severity = KINDS[entry]
    return Alert(kind, severity, title, body, _message_ids(record.get("message_id")), account)


def compose_incident(kind: str, incident: Mapping[str, Any], lang: str = "ja") -> Alert:
    """The alert for an incident: ``takeover``, ``account_lock`` or ``security_notice``.

    ``incident`` keys (all optional): account, id, severity, message_ids, orders [{id, items, total,
    currency, gift_card}], rules / reasons [{code, detail}] or [str], window (seconds or "30m"), count,
    event (security event, e.g. password_changed), lock_event (lock | hold | reinstated),
    record (the message record that triggered it: from, subject, date, source).
    """
    if kind not in ("takeover", "account_lock", "security_notice"):
        raise ValueError(f"not an incident kind: {kind}")
    book = _Playbook(lang, _marketplace(incident.get("orders"), (incident.get("record") or {}).get("from")))
    account = incident.get("account")
    record = incident.get("record") if isinstance(incident.get("record"), Mapping) else {}
    values = _mail_values(record, account, book) if record else {"account": clean(account or "", 80)}
    orders = [o for o in incident.get("orders") or [] if isinstance(o, Mapping)]
    event = str(incident.get("event") or incident.get("security_event") or "other")
    values.update(count=str(incident.get("count") or len(orders)),
                  total=_sum(orders) or book.label("unknown"),
                  window=_duration(incident.get("window"), book),
                  event=book.data.get("events", {}).get(event) or clean(event, 60))
    rules = incident.get("rules") or incident.get("reasons")
    sections = [("what", _what_lines(values, book) if record else
                 [f"{book.label('place')}: {values['account']}"] if values["account"] else []),
                ("orders", _order_lines(orders, book)), ("why", _reason_lines(rules, book))]
    variant = incident.get("lock_event") or incident.get("variant")
    summary_key = f"summary_{variant}" if variant else "summary"
    title, body = book.compose(kind, values, sections, summary_key=summary_key)
    _, severity = KINDS[kind]
    if incident.get("severity") in SEVERITIES:
        severity = incident["severity"]
    ids = _message_ids(incident.get("message_ids"), record.get("message_id"),
                       [o.get("message_id") for o in orders])
    incident_id = incident.get("id") if isinstance(incident.get("id"), int) else None
    return Alert(kind, severity, title, body, ids, account, incident_id)


def _order_lines(orders: Sequence[Mapping[str, Any]], book: _Playbook) -> list[str]:
    lines = []
    for order in orders[:MAX_ORDERS]:
        items = order.get("items") or []
        if isinstance(items, list | tuple):
            items = " / ".join(str(i) for i in items)
        items_text = clean(items, 80)
        line = book.label("order_line", id=clean(order.get("id"), 40), items=items_text,
                          total=_money(order.get("total"), order.get("currency")))
        lines.append("- " + " ".join(line.split()))
    if len(orders) > MAX_ORDERS:
        lines.append(f"- {book.label('more', count=len(orders) - MAX_ORDERS)}")
    return lines


def compose_health(kind: str, account: str, folder: str = "", *, error: str = "", failures: int = 0,
                   since: str = "", lang: str = "ja") -> Alert:
    """``health_down`` (N checks in a row failed) or ``health_up`` (working again)."""
    book = _Playbook(lang)
    where = f"{account}/{folder}" if folder else account
    values = {"account": account, "where": where, "failures": failures, "error": clean(error, 300),
              "since": _when(since, book.data.get("date_format", "%Y-%m-%d %H:%M")) or since}
    lines = [f"{book.label('last_error')}: {values['error']}"] if values["error"] else []
    title, body = book.compose(kind, values, [("what", lines)])
    kind_out, severity = KINDS[kind]
    return Alert(kind_out, severity, title, body, (), account)


def compose_test(lang: str = "ja") -> Alert:
    """A realistic sample phishing alert, clearly marked as a test."""
    book = _Playbook(lang)
    sample = book.data.get("test", {})
    name, address = sample.get("sender_name", "Amazon"), sample.get("sender_address", "x@amaz0n-jp.top")
    record = {"from": f"{name} <{address}>", "subject": sample.get("subject", ""),
              "date": datetime.now().astimezone().isoformat(timespec="seconds"),
              "source": "", "verdict": "phishing", "reasons": sample.get("reasons", []),
              "links": [{"url": sample.get("link", ""), "verdict": "lookalike"}]}
    alert = _message_alert("phishing", record, lang, None)
    title = book.label("test_title", title=alert.title)
    body = "\n\n".join(p for p in (book.label("test_banner"), alert.body, book.label("test_footer")) if p)
    kind, severity = KINDS["test"]
    return Alert(kind, severity, title[:TITLE_MAX], body)


def actions_for(kind: str, lang: str = "ja") -> list[str]:
    """The immediate actions of a playbook entry (for ``check`` output), help facts filled in."""
    return _Playbook(lang).actions(kind, {})


def _is_backfill(record: Mapping[str, Any], mail: Mail | None, max_age: float) -> bool:
    """True when the mail arrived longer than ``max_age`` seconds ago.

    Arrival is the topmost Received stamp (added by the user's own server); a sender-chosen Date
    only counts when there is none, and then bounded like every event time.
    """
    from lockwatch.track.takeover import _arrival, event_time

    moment = _arrival(mail) or event_time(record, mail)  # a back-dated Date must not hide a fresh phish
    return (datetime.now(UTC) - moment).total_seconds() > max_age


class MessageAlerts:
    """Pipeline tracker: one localized alert per phishing (critical) or suspicious (warning) message."""

    def __init__(self, lang: str = "ja", backfill_max_age: float = 24 * 3600) -> None:
        self.lang = lang
        self.backfill_max_age = backfill_max_age

    def __call__(self, state: State, account: str, record: dict[str, Any], mail: Mail | None,
                 analysis: Analysis) -> list[Alert]:
        alert = compose_message(record, self.lang, account=account)
        if alert is None:
            return []
        if _is_backfill(record, mail, self.backfill_max_age):
            # last month's phishing, read on a first scan: recorded and shown, not pushed
            return [replace(alert, push=False)]
        return [alert]
