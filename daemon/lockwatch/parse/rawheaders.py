"""Header values as written: unfolding, RFC 2047 encoded words, and unencoded 8-bit values read from the raw bytes.

Upstream of everything else in ``parse``: the full parse (``message``), the From reader (``addresses``) and the
fast header-only path (``headers``) share these.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from typing import Any

from lockwatch.parse.charsets import decode_body

__all__ = ["decode_words", "garbled", "header_text", "raw_header", "raw_header_values", "raw_values", "unfold"]

_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?\s]*)\?=")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")
_LINE_BREAK_SPACE = re.compile(r"\n\s+")  # a line break with more space after it: the search starts at the "\n" only
_SURROGATE = re.compile("[\udc80-\udcff]")


def unfold(value: str) -> str:
    """Folded header → one line: a whitespace run holding a line break followed by more space is one space.

    Linear, and fast on long values (DKIM-Signature, Received): the pattern starts with the line break, so the
    search skips to each ``"\\n"``; the space before it is stripped off the text in between. A pattern like
    ``\\s*\\r?\\n\\s+`` would be tried at every character and is quadratic on a long run of spaces.
    """
    text = str(value)
    if "\n" not in text:  # not folded: only the ends change
        return text.strip()
    out: list[str] = []
    pos = 0
    for m in _LINE_BREAK_SPACE.finditer(text):  # greedy: to the end of the run, so text[pos] is never space
        out.append(text[pos:m.start()].rstrip())  # str.isspace is what \s matches in a str pattern
        out.append(" ")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out).strip()


def decode_words(text: str) -> str:
    """``text`` with its RFC 2047 encoded words decoded, tolerating what the stdlib refuses.

    Broken base64, unknown or lying charset labels and words split inside a character all decode
    as far as they can; whitespace between adjacent words goes, as the RFC says.
    """
    if "=?" not in text:
        return text
    out: list[str] = []
    pending: list[bytes] = []
    label = ""
    last = 0

    def flush() -> None:
        if pending:
            # partial: a word cut inside a character loses that character, not its charset
            out.append(decode_body(b"".join(pending), label or None, partial=True))
            pending.clear()

    for m in _WORD.finditer(text):
        gap = text[last:m.start()]
        if gap and not (pending and gap.isspace()):
            flush()
            out.append(gap)
        charset = m[1].partition("*")[0]  # RFC 2231 language suffix: utf-8*ja
        if pending and charset.lower() != label.lower():
            flush()
        label = charset
        pending.append(_word_bytes(m[2], m[3]))
        last = m.end()
    flush()
    out.append(text[last:])
    return "".join(out)


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding in "qQ":
        return quopri.decodestring(payload.encode("utf-8", "surrogateescape"), header=True)
    data = _NOT_BASE64.sub("", payload.partition("=")[0])
    data = data[: len(data) - (len(data) % 4 == 1)]  # a lone trailing character carries no byte
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return b""


def header_text(value: object) -> str:
    """A header value as a reader sees it: encoded words decoded, unfolded."""
    return unfold(decode_words(str(value)))


def garbled(text: str) -> bool:
    """The stdlib's rendering of an unencoded 8-bit header: U+FFFD or surrogate escapes."""
    return "\ufffd" in text or _SURROGATE.search(text) is not None


def raw_header_values(raw: bytes, name: str) -> list[str]:
    """Every value of a header straight from the raw bytes, 8-bit text decoded, encoded words kept."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    pattern = rb"(?im)^" + re.escape(name.encode()) + rb":[ \t]*(.*(?:\r?\n[ \t].*)*)"
    return [decode_body(m.group(1), None) for m in re.finditer(pattern, head)]


def raw_header(raw: bytes, name: str) -> str:
    """A header's (first) value decoded straight from the raw bytes (UTF-8, CP932 or EUC-JP)."""
    values = raw_header_values(raw, name)
    return header_text(values[0]) if values else ""


def raw_values(parsed: list[Any], name: str, raw: bytes) -> list[str]:
    """Every value of a header (``parsed``: as the stdlib handed them over, in order), unfolded, encoded words left
    as they are; 8-bit bytes decoded (UTF-8, CP932, EUC-JP)."""
    values = []
    raws: list[str] | None = None
    for index, value in enumerate(parsed):
        text = str(value)
        if garbled(text):
            # unencoded 8-bit header (the stdlib hands it over as U+FFFD or surrogates): read the bytes
            raws = raw_header_values(raw, name) if raws is None else raws
            if index < len(raws):
                text = raws[index]
            elif _SURROGATE.search(text):
                text = decode_body(text.encode("utf-8", "surrogateescape"), None)
        values.append(unfold(text))
    return values
