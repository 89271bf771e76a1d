"""Analysis → the contract's JSON message object, and the human-readable form of it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from lockwatch.defang import clean
from lockwatch.model import Analysis, Mail


def message_record(source: str, mail: Mail | None, analysis: Analysis) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "message",
        "source": source,
        "message_id": mail.message_id if mail else "",
        "from": mail.from_header if mail else "",
        "subject": mail.subject if mail else "",
        "date": mail.date.isoformat() if mail and mail.date else None,
        "amazon_like": analysis.amazon_like,
        "verdict": analysis.verdict,
        "kind": analysis.kind,
        "score": analysis.score,
        "reasons": [{"code": r.code, "detail": r.detail} for r in analysis.reasons],
        "links": [{"url": f.url, "host": f.host, "verdict": f.verdict} for f in analysis.links],
        "order": analysis.order.as_json() if analysis.order and analysis.verdict == "genuine" else None,
    }
    if analysis.parse_error:
        record["parse_error"] = analysis.parse_error
    if analysis.security_event:
        record["security_event"] = analysis.security_event
    if analysis.lock_event:
        record["lock_event"] = analysis.lock_event
    return record


_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def json_line(obj: Any) -> str:
    """``obj`` as JSON on exactly one line, also for readers that split on U+0085/U+2028/U+2029
    (``str.splitlines``): a mail's subject may carry those, and JSON leaves them unescaped."""
    return json.dumps(obj, ensure_ascii=False).translate(_LINE_BREAKS)


def dedupe_key(mail: Mail | None, raw: bytes) -> str:
    """The Message-ID, or a digest of the header block when there is none."""
    if mail and mail.message_id:
        return mail.message_id
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return "sha256:" + hashlib.sha256(head).hexdigest()[:32]


VERDICT_LABEL = {
    "ja": {"not_amazon": "Amazon とは無関係", "genuine": "本物の Amazon メール", "suspicious": "要注意（不審）",
           "phishing": "フィッシング（偽物）", "parse_error": "解析できません"},
    "en": {"not_amazon": "not Amazon", "genuine": "genuine Amazon mail", "suspicious": "suspicious",
           "phishing": "PHISHING (imitation)", "parse_error": "cannot be parsed"},
}


def human(record: dict[str, Any], lang: str = "en") -> str:
    """A few lines for the terminal: verdict, kind, reasons, defanged links, what to do.

    Every value from the mail goes through ``clean``: no escape sequence, bidi override or
    zero-width character reaches the terminal, and no URL or domain stays clickable.
    """
    from lockwatch.alerts import actions_for

    labels = VERDICT_LABEL.get(lang, VERDICT_LABEL["en"])
    verdict = "parse_error" if record.get("parse_error") else record["verdict"]
    lines = [f"{record['source']}: {labels[verdict]}"
             + (f" [{record['kind']}]" if record.get("kind") else "") + f" score {record['score']}"]
    if record.get("from"):
        lines.append(f"  From:    {clean(record['from'])}")
    if record.get("subject"):
        lines.append(f"  Subject: {clean(record['subject'])}")
    if record.get("order"):
        o = record["order"]
        lines.append(f"  Order:   {clean(o['id'], 60)} {o.get('total')} {clean(o.get('currency'), 10)}"
                     + (" (gift card)" if o.get("gift_card") else ""))
    for reason in record["reasons"][:8]:
        lines.append(f"  - {clean(reason['detail'])} ({reason['code']})")
    shown = [link for link in record["links"] if link["verdict"] not in ("amazon", "partner")][:5]
    for link in shown:
        lines.append(f"  link [{link['verdict']}]: {clean(link['url'])}")
    actions = actions_for(verdict, lang) if verdict in ("phishing", "suspicious") else []
    if actions:
        lines.append("  " + ("対処:" if lang == "ja" else "What to do:"))
        lines += [f"    {i}. {a}" for i, a in enumerate(actions, 1)]
    return "\n".join(lines)
