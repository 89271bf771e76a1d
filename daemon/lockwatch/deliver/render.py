"""One alert, ready for one service: escaped for its format and fitted to its size limit.

The alert body is plain text in sections (``■ heading``, ``1. action``, ``- detail``, other lines).
Markdown and HTML targets get every line escaped, so nothing taken from a mail (subject, names,
defanged links) can turn into markup or a link; only the brand's official URLs stay verbatim.
Too long a body first loses detail lines (``- ...``) from its longest list, then its tail.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lockwatch.alert.format import HEADING
from lockwatch.model import TITLE_MAX

__all__ = ["DEFAULT_BODY_MAX", "FORMATS", "Limits", "escape_markdown", "render"]

FORMATS = ("text", "markdown", "html")
DEFAULT_BODY_MAX = 4000  # characters, for services that declare no smaller limit
ELLIPSIS = "…"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
_NUMBERED = re.compile(r"^(\d{1,2}\. )(.*)$")


@dataclass(frozen=True)
class Limits:
    """A service's size limits."""

    body: int = DEFAULT_BODY_MAX  # characters
    title: int = TITLE_MAX  # characters; 0: the service has no title field (apprise prepends it to the body)
    total_bytes: int | None = None  # UTF-8 bytes of title and body together (ntfy: 4 KB)


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _split_verbatim(line: str, verbatim: tuple[str, ...]) -> list[tuple[str, bool]]:
    """The line in pieces, each flagged True when it is one of the verbatim strings."""
    if not verbatim:
        return [(line, False)]
    pattern = re.compile("|".join(re.escape(v) for v in sorted(verbatim, key=len, reverse=True)))
    pieces, last = [], 0
    for m in pattern.finditer(line):
        pieces += [(line[last:m.start()], False), (m[0], True)]
        last = m.end()
    pieces.append((line[last:], False))
    return [p for p in pieces if p[0]]


def _line(line: str, fmt: str, verbatim: tuple[str, ...]) -> str:
    if fmt == "markdown":
        def esc(t: str) -> str:
            return "".join(p if keep else escape_markdown(p) for p, keep in _split_verbatim(t, verbatim))
    else:
        def esc(t: str) -> str:
            return "".join(f'<a href="{html.escape(p)}">{html.escape(p)}</a>' if keep else html.escape(p)
                           for p, keep in _split_verbatim(t, verbatim))
    if line.startswith(HEADING):
        inner = esc(line[len(HEADING):])
        return f"**{inner}**" if fmt == "markdown" else f"<b>{inner}</b>"
    if m := _NUMBERED.match(line):
        return m[1] + esc(m[2])
    if line.startswith("- "):
        return "- " + esc(line[2:])
    return esc(line)


def format_text(text: str, fmt: str, verbatim: Iterable[str] = ()) -> str:
    """Plain alert text → ``fmt`` (text is returned as is)."""
    if fmt not in ("markdown", "html"):
        return text
    keep = tuple(v for v in verbatim if v)
    lines = [_line(line, fmt, keep) for line in text.split("\n")]
    return "<br>\n".join(lines) if fmt == "html" else "\n".join(lines)


def _shrink(body: str, fits: Callable[[str], bool]) -> str:
    """Drop detail lines from the longest ``- `` list until it fits (each list keeps one line)."""
    blocks = [b.split("\n") for b in body.split("\n\n")]
    trimmed: set[int] = set()

    def text() -> str:
        return "\n\n".join("\n".join(b) for b in blocks)

    while not fits(current := text()):
        counts = [(sum(1 for ln in b if ln.startswith("- ") and ln != f"- {ELLIPSIS}"), i)
                  for i, b in enumerate(blocks)]
        count, index = max(counts, default=(0, -1))
        if count <= 1:
            return current
        block = blocks[index]
        last = max(i for i, ln in enumerate(block) if ln.startswith("- ") and ln != f"- {ELLIPSIS}")
        del block[last]
        if index not in trimmed:
            block.insert(last, f"- {ELLIPSIS}")
            trimmed.add(index)
    return current


def _token_start(text: str, end: int) -> int:
    """Where to cut instead of at ``end`` so no URL or domain is cut short: a half URL still links.

    ``end`` itself when it falls between words; else the start of the ASCII token it falls in,
    when that token looks like an address (``www.amazon.co|m``, ``https://www.amazon.co.jp/g|p``).
    """
    if not 0 < end < len(text) or not ("!" <= text[end] <= "~"):
        return end
    start = end
    while start > 0 and end - start < 300 and "!" <= text[start - 1] <= "~":
        start -= 1
    return start if any(c in text[start:end] for c in ".:/@") else end


def _cut(text: str, fits: Callable[[str], bool]) -> str:
    """The longest prefix of ``text`` (plus an ellipsis) that fits and cuts no address short."""
    if fits(text):
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(text[:mid].rstrip() + ELLIPSIS):
            lo = mid
        else:
            hi = mid - 1
    lo = _token_start(text, lo)
    return text[:lo].rstrip() + ELLIPSIS if lo else ""


def render(title: str, body: str, fmt: str = "text", limits: Limits | None = None,
           verbatim: Iterable[str] = ()) -> tuple[str, str]:
    """(title, body) for ``fmt`` fitted into ``limits``; the body (and a title that apprise merges into
    the body) escaped for markdown/HTML."""
    limits = limits or Limits()
    keep = tuple(verbatim)
    title = " ".join(title.split())
    if limits.title > 0:  # a title field of its own is plain text (a mail subject, a push title)
        out_title = _cut(title, lambda t: len(t) <= limits.title)
        reserve = 0
    else:  # apprise puts the title into the body: it is markup like the body
        out_title = format_text(title, fmt)
        reserve = len(out_title) + 2
    title_bytes = len(out_title.encode()) + 2

    def fits(plain: str) -> bool:
        out = format_text(plain, fmt, keep)
        if len(out) + reserve > limits.body:
            return False
        return limits.total_bytes is None or len(out.encode()) + title_bytes <= limits.total_bytes

    plain = _shrink(body, fits)
    return out_title, format_text(_cut(plain, fits), fmt, keep)
