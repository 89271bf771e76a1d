"""Alert composition: a message record or an incident → a localized alert that says what to do now.

Texts and actions come from ``lockwatch/alert/playbooks/<lang>.toml``; phone numbers, the help page and
the reporting addresses from the brand profile. Every value taken from a mail is cleaned and
defanged (``hxxps://amaz0n-jp[.]top/...``) before it is placed in a text; the body is plain text in
sections (``■ heading``, ``1.`` actions, ``-`` details) that ``lockwatch.deliver.render`` can escape per target.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from lockwatch.alert import playbooks
from lockwatch.alert.defang import clean, defang_text
from lockwatch.alert.format import DATE_FORMAT, HEADING, duration, fill, local_time, money
from lockwatch.model import SEVERITIES, TITLE_MAX, Alert
from lockwatch.parse.addresses import parse_mailbox

__all__ = ["ENTRIES", "actions_for", "compose_health", "compose_incident", "compose_message", "compose_test"]

# playbook entry → (contract alert kind, severity)
ENTRIES: dict[str, tuple[str, str]] = {
    "phishing": ("phishing", "critical"),
    "suspicious": ("phishing", "warning"),  # a quieter phishing alert
    "takeover": ("takeover", "critical"),
    "account_lock": ("account_lock", "critical"),
    "security_notice": ("security_notice", "warning"),
    "health_down": ("health_down", "warning"),
    "health_up": ("health_up", "info"),
    "test": ("test", "info"),
}
MAX_REASONS, MAX_LINKS, MAX_ORDERS = 3, 3, 5
_ANGLE_ADDR = re.compile(r"^(.*?)\s*<([^<>]*@[^<>]*)>$", re.DOTALL)


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
        return fill(self.labels.get(key, ""), values)

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
            if text := fill(text, merged).strip():
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
        title = defang_text(" ".join(fill(entry.get("title", kind), merged).split()))[:TITLE_MAX]
        summary = fill(entry.get(summary_key) or entry.get("summary", ""), merged)
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


def _place(source: Any, account: str | None) -> tuple[str, str]:
    """(account, folder) of an ``account/folder/uid`` source; a file path is its own place."""
    source = str(source or "")
    if account and source.startswith(account + "/"):
        rest = source[len(account) + 1:]  # the folder name comes from the server: cleaned like mail text
        return account, clean(rest.rsplit("/", 1)[0] if "/" in rest else rest, 200)
    if source.startswith(("/", ".", "~")) or not account:
        return account or "", clean(source, 200)
    return account, ""


def _sum(orders: Sequence[Mapping[str, Any]]) -> str:
    totals: dict[str, float] = {}
    for order in orders:
        total = order.get("total")
        if isinstance(total, int | float) and not isinstance(total, bool):
            key = str(order.get("currency") or "")
            totals[key] = totals.get(key, 0) + total
    return " + ".join(money(v, k) for k, v in totals.items())


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
            "date": local_time(record.get("date"), book.data.get("date_format", DATE_FORMAT)),
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
    kind, severity = ENTRIES[entry]
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
                  window=duration(incident.get("window"), book.labels),
                  event=book.data.get("events", {}).get(event) or clean(event, 60))
    rules = incident.get("rules") or incident.get("reasons")
    sections = [("what", _what_lines(values, book) if record else
                 [f"{book.label('place')}: {values['account']}"] if values["account"] else []),
                ("orders", _order_lines(orders, book)), ("why", _reason_lines(rules, book))]
    variant = incident.get("lock_event") or incident.get("variant")
    summary_key = f"summary_{variant}" if variant else "summary"
    title, body = book.compose(kind, values, sections, summary_key=summary_key)
    _, severity = ENTRIES[kind]
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
                          total=money(order.get("total"), order.get("currency")))
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
              "since": local_time(since, book.data.get("date_format", DATE_FORMAT)) or since}
    lines = [f"{book.label('last_error')}: {values['error']}"] if values["error"] else []
    title, body = book.compose(kind, values, [("what", lines)])
    kind_out, severity = ENTRIES[kind]
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
    kind, severity = ENTRIES["test"]
    return Alert(kind, severity, title[:TITLE_MAX], body)


def actions_for(kind: str, lang: str = "ja") -> list[str]:
    """The immediate actions of a playbook entry (for ``check`` output), help facts filled in."""
    return _Playbook(lang).actions(kind, {})
