"""A message record in a few lines for the terminal (``lockwatch check``); the words are the playbook's
(``[terminal]`` in ``alert/playbooks/<lang>.toml``)."""

from __future__ import annotations

from typing import Any

from lockwatch.alert import playbooks
from lockwatch.alert.compose import actions_for
from lockwatch.alert.defang import clean

__all__ = ["human"]

LABEL_WIDTH = 9  # "Subject: " — the field values line up
MAX_REASONS, MAX_LINKS = 8, 5


def human(record: dict[str, Any], lang: str = "en") -> str:
    """A few lines for the terminal: verdict, kind, reasons, defanged links, what to do.

    Every value from the mail goes through ``clean``: no escape sequence, bidi override or
    zero-width character reaches the terminal, and no URL or domain stays clickable.
    """
    words: dict[str, Any] = playbooks.load(lang).get("terminal", {})
    verdict = "parse_error" if record.get("parse_error") else record["verdict"]

    def field(key: str, value: str) -> str:
        return f"  {words.get(key, key):<{LABEL_WIDTH}}{value}"

    lines = [f"{record['source']}: {words.get('verdicts', {}).get(verdict, verdict)}"
             + (f" [{record['kind']}]" if record.get("kind") else "") + f" {words.get('score', 'score')} {record['score']}"]
    if record.get("from"):
        lines.append(field("from", clean(record["from"])))
    if record.get("subject"):
        lines.append(field("subject", clean(record["subject"])))
    if record.get("order"):
        o = record["order"]
        lines.append(field("order", f"{clean(o['id'], 60)} {o.get('total')} {clean(o.get('currency'), 10)}"
                           + (f" {words.get('gift_card', '')}" if o.get("gift_card") else "")))
    for reason in record["reasons"][:MAX_REASONS]:
        lines.append(f"  - {clean(reason['detail'])} ({reason['code']})")
    shown = [link for link in record["links"] if link["verdict"] not in ("amazon", "partner")][:MAX_LINKS]
    for link in shown:
        lines.append(f"  {words.get('link', 'link')} [{link['verdict']}]: {clean(link['url'])}")
    actions = actions_for(verdict, lang) if verdict in ("phishing", "suspicious") else []
    if actions:
        lines.append("  " + words.get("what_to_do", ""))
        lines += [f"    {i}. {a}" for i, a in enumerate(actions, 1)]
    return "\n".join(lines)
