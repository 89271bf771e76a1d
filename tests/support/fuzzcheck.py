"""One hostile message through analysis, records and alerts, and what went wrong with it.

``examine(raw)`` runs the paths a mail takes in lockwatch (header prefilter and header-only record,
``analyse_bytes``, the contract record as JSON and as text, and for an alarming verdict the alert in
both languages rendered for every output format) and returns the problems: an exception, a hang,
a live URL or a mail-derived domain left clickable, markup from the mail left unescaped, characters
that hide or reorder text. The fuzz test asserts there are none; bench/fuzz.py counts them.
"""

from __future__ import annotations

import html
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field

from lockwatch.alert.compose import compose_message
from lockwatch.commands.terminal import human
from lockwatch.deliver.render import FORMATS, Limits, render
from lockwatch.detect import analyse_bytes, header_prefilter
from lockwatch.detect.domains import domain_in
from lockwatch.detect.knowledge import knowledge
from lockwatch.model import VERDICTS
from lockwatch.parse.headers import header_mail
from lockwatch.record import json_line, message_record
from support.fuzzmail import DATA

HANG_GUARD = 10.0  # seconds for one message: catches catastrophic backtracking, not a speed target
LIMITS = (Limits(), Limits(title=0), Limits(body=600, total_bytes=1024))
# zero-width, bidi and other format characters, controls, private use, surrogates, line/paragraph
# separators, and the Hangul fillers that render as blank
_HIDING_CATEGORIES = {"Cf", "Cc", "Co", "Cs", "Zl", "Zp"}
_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}
_SCHEME_URL = re.compile(r"(?i)\b(?:(?:https?|ftp)://(?:[^\s/?#@]*@)?([\w.-]*)|(www\.[\w.-]*))")
_DOTTED = re.compile(r"(?<![\w.-])((?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_][\w-]*[^\W_])(?![\w-])")
_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
_HTML_TAG = re.compile(r"<[^>]*>?")
_MD_ESCAPED = re.compile(r"\\[\\`*_{}\[\]()#+\-.!|<>~]")
_MD_MARKUP = re.compile(r"[\\`*_{}\[\]()#+!|<>~]")


@dataclass
class Outcome:
    verdict: str
    parse_error: str | None
    seconds: float
    alerts: int = 0
    problems: list[str] = field(default_factory=list)


class _Failures(logging.Handler):
    """Collects the warnings lockwatch logs when its own catch-all swallows an exception."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}"[:300])


_failures = _Failures()
logging.getLogger("lockwatch").addHandler(_failures)


def hiding_chars(text: str, allowed: str = "\n") -> list[str]:
    """The characters of ``text`` that could hide or reorder what a reader sees."""
    return sorted({f"U+{ord(ch):04X}" for ch in text if ch not in allowed
                   and (unicodedata.category(ch) in _HIDING_CATEGORIES or ch in _FILLERS)})


def _official(host: str) -> bool:
    host = host.strip(".").lower()
    return bool(host) and domain_in(host, knowledge().link_domains)


def live_links(text: str, *, dotted: bool = True) -> list[str]:
    """URLs and dotted names in ``text`` a reader (or an autolinker) could follow, official ones aside.

    ``dotted``: also any bare dotted name (off for ``check`` output, whose reason codes look like names).

    Looked for in the NFKC form (fullwidth letters and dots as ASCII), as a browser would read them.
    """
    text = unicodedata.normalize("NFKC", text)
    found = []
    for m in _SCHEME_URL.finditer(text):
        host = m[1] or m[2] or ""
        if "." in host.strip(".") and not _official(host):
            found.append(m[0])
    for m in _DOTTED.finditer(text) if dotted else ():
        if not _official(m[1]):
            found.append(m[1])
    found += [m[0] for m in _IPV4.finditer(text)]
    lowered = text.lower()
    for h in DATA["hosts"] + DATA["unicode_hosts"]:
        h = unicodedata.normalize("NFKC", h).lower()
        if "." in h and not _official(h) and h in lowered:
            found.append(h)
    return found


def visible(out: str, fmt: str, verbatim: tuple[str, ...]) -> tuple[str, list[str]]:
    """(what a reader of ``out`` sees, markup in it that did not come from the renderer itself)."""
    stray: list[str] = []
    if fmt == "html":
        official = {f'<a href="{html.escape(u)}">' for u in verbatim}
        for tag in _HTML_TAG.findall(out):
            if tag not in ("<br>", "<b>", "</b>", "</a>") and tag not in official:
                stray.append(tag[:80])
        return html.unescape(_HTML_TAG.sub(" ", out)), stray
    if fmt == "markdown":
        lines = []
        for line in out.split("\n"):
            for url in verbatim:
                line = line.replace(url, " ")
            if line.startswith("**") and line.endswith("**") and len(line) >= 4:
                line = line[2:-2]
            line = re.sub(r"^(?:- |\d{1,2}\. )", "", line)
            bare = _MD_ESCAPED.sub("", line)
            stray += [f"{ch!r} in {line[:80]!r}" for ch in set(_MD_MARKUP.findall(bare))]
            lines.append(_MD_ESCAPED.sub(lambda m: m[0][1], line))
        return "\n".join(lines), stray
    return out, stray


def check_rendered(title: str, body: str, fmt: str, limits: Limits, verbatim: tuple[str, ...]) -> list[str]:
    """Problems of one rendered alert; a title of its own (``limits.title`` > 0) is plain text, never markup."""
    problems = []
    for part, text in (("title", title), ("body", body)):
        shown, stray = visible(text, fmt if part == "body" or limits.title == 0 else "text", verbatim)
        for url in verbatim:
            shown = shown.replace(url, " ")
        if stray:
            problems.append(f"{fmt} {part}: unescaped markup {stray[:3]}")
        if links := live_links(shown):
            problems.append(f"{fmt} {part}: live links {links[:3]}")
        if hidden := hiding_chars(text):
            problems.append(f"{fmt} {part}: hiding characters {hidden[:5]}")
    return problems


def official_urls() -> tuple[str, ...]:
    from lockwatch.deliver.notify import Notifier

    return Notifier([]).verbatim


def examine(raw: bytes, verbatim: tuple[str, ...] | None = None) -> Outcome:
    """Run one message through every path and list what went wrong."""
    verbatim = official_urls() if verbatim is None else verbatim
    _failures.messages.clear()
    start = time.perf_counter()
    try:
        mail, analysis = analyse_bytes(raw)
    except Exception as exc:  # the contract: never raises
        return Outcome("exception", None, time.perf_counter() - start, problems=[f"analyse_bytes raised {exc!r}"[:300]])
    seconds = time.perf_counter() - start
    outcome = Outcome(analysis.verdict, analysis.parse_error, seconds)
    problems = outcome.problems
    if seconds > HANG_GUARD:
        problems.append(f"analysis took {seconds:.1f} s (guard {HANG_GUARD} s)")
    if analysis.verdict not in VERDICTS:
        problems.append(f"verdict {analysis.verdict!r}")
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    try:
        header_prefilter(head)
        header_mail(head)
    except Exception as exc:
        problems.append(f"header path raised {exc!r}"[:300])
    try:
        record = message_record("fuzz", mail, analysis)
        line = json_line(record)
        line.encode("utf-8")
        if len(line.splitlines()) != 1:
            problems.append("the JSON record is not one line")
        for lang in ("en", "ja"):
            text = human(record, lang)
            text.encode("utf-8")
            if hidden := hiding_chars(text):
                problems.append(f"check output ({lang}): hiding characters {hidden[:5]}")
            if links := live_links(text, dotted=False):
                problems.append(f"check output ({lang}): live links {links[:3]}")
        if analysis.verdict in ("phishing", "suspicious"):
            for lang in ("ja", "en"):
                alert = compose_message(record, lang)
                if alert is None:
                    problems.append(f"no alert for a {analysis.verdict} message")
                    continue
                outcome.alerts += 1
                for fmt in FORMATS:
                    for limits in LIMITS:
                        title, body = render(alert.title, alert.body, fmt, limits, verbatim)
                        problems += check_rendered(title, body, fmt, limits, verbatim)
    except Exception as exc:
        problems.append(f"record/alert raised {exc!r}"[:300])
    problems += [f"logged: {m}" for m in _failures.messages]
    outcome.problems = list(dict.fromkeys(problems))
    return outcome
