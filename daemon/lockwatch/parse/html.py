"""HTML body → visible text, links with the text they are shown under, and image URLs.

Regular expressions rather than a tree parser: phishing HTML is often broken on purpose, and
this runs on every Amazon-looking mail (html.parser costs ~1 ms a message, this ~0.1 ms).
"""

from __future__ import annotations

import html
import re

from lockwatch.model import Link

__all__ = ["CASE_TO_ASCII", "INVISIBLE_HINTS", "MAX_HTML", "MAX_ITEMS", "extract_html"]

MAX_ITEMS = 5_000
MAX_HTML = 2_000_000
_HIDDEN_OPEN = re.compile(r"(?i)<(script|style|head|title)\b|<!--")
_HIDDEN_CLOSE = {tag: re.compile(rf"(?i)</{tag}\s*>") for tag in ("script", "style", "head", "title")}
_ANCHOR_OPEN = re.compile(r"(?i)<a\b")
_ANCHOR_END = re.compile(r"(?i)</a\s*>|<a\b")
_TAG = re.compile(r"(?is)<(area|form|img)\b([^>]*)>")
_ATTR = re.compile(r"""(?is)\b(href|src|action|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_BLOCK = re.compile(r"(?i)<(?:br|p|div|tr|li|table|h[1-6]|td)\b[^>]*>")
_ANY_TAG = re.compile(r"(?s)<[^>]*>")
# inline elements break no word: "Ama<span>zon</span>" reads "Amazon"
_INLINE_TAG = re.compile(r"(?i)</?(?:span|b|i|u|s|em|strong|font|small|big|sub|sup|mark|wbr|abbr|code|tt|bdi|bdo|ins|del"
                         r"|label|q|cite|a|o:p)\b[^>]*>")
# an element a reader never sees: its text must not split or pad a word either
_MAYBE_INVISIBLE = re.compile(r"(?i)<(span|font|div|b|i|u|s|em|strong|small|p|td|a|label)\b([^>]{0,2000})")
_INVISIBLE_STYLE = re.compile(r"""(?i)\bstyle\s*=\s*["']?[^"'>]*?(?:display\s*:\s*none|visibility\s*:\s*hidden"""
                              r"""|(?:font-size|opacity)\s*:\s*0(?:\.0*)?(?:px|pt|em|%)?\s*(?:[;"'>]|$))""")
# word → the part of an _INVISIBLE_STYLE match that starts with it; every match holds one, as written in lower
# case unless the markup has a CASE_TO_ASCII character
INVISIBLE_HINTS = {word: re.compile(rf"{word}\s*:\s*{value}") for word, value in
                   (("display", "none"), ("visibility", "hidden"), ("font-size", "0"), ("opacity", "0"))}
CASE_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")  # İ ı ſ K: the non-ASCII a (?i) pattern reads as a letter
_IMG_ALT = re.compile(r"""(?is)<img\b[^>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>""")
_IMG_IN = re.compile(r"(?is)<img\b([^>]*)>")


def _attrs(markup: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(markup):
        out.setdefault(m.group(1).lower(), html.unescape(m.group(2) or m.group(3) or m.group(4) or "").strip())
    return out


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_ANY_TAG.sub(" ", fragment)).split())


def _drop_hidden(markup: str) -> str:
    """Scripts, styles, head, title and comments replaced by a space; one left open is kept as it is.

    A scan with ``str.find``-like searches, linear in the markup: a regex such as
    ``<script\\b.*?</script>`` rescans to the end for every unclosed opener (quadratic).
    """
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()  # openers with no closer after them: none later has one either
    while m := _HIDDEN_OPEN.search(markup, pos):
        tag = (m[1] or "!--").lower()
        end = -1
        if tag not in unclosed:
            if tag == "!--":
                end = markup.find("-->", m.end())
                end = end + 3 if end >= 0 else -1
            elif close := _HIDDEN_CLOSE[tag].search(markup, m.end()):
                end = close.end()
        if end < 0:
            unclosed.add(tag)
            out.append(markup[pos:m.end()])
            pos = m.end()
            continue
        out.append(markup[pos:m.start()] + ("" if tag == "!--" else " "))
        pos = end
    out.append(markup[pos:])
    return "".join(out)


def _drop_invisible(markup: str) -> str:
    """Elements styled invisible (display:none, font-size:0, ...) dropped up to their closing tag; linear."""
    out: list[str] = []
    pos = 0
    lower = markup.lower()  # same length and offsets as markup: tag names are ASCII
    if len(lower) != len(markup):
        return markup
    if not _may_hide(markup, lower):
        return markup  # most mail: a few substring scans instead of a look at every element
    while m := _MAYBE_INVISIBLE.search(markup, pos):
        if not _INVISIBLE_STYLE.search(m[2]):
            out.append(markup[pos:m.end()])
            pos = m.end()
            continue
        close = lower.find(f"</{m[1].lower()}", m.end())
        if close < 0:
            break
        gt = markup.find(">", close)
        out.append(markup[pos:m.start()])
        pos = gt + 1 if gt >= 0 else len(markup)
    out.append(markup[pos:])
    return "".join(out)


def _may_hide(markup: str, lower: str) -> bool:
    """False when no _INVISIBLE_STYLE can match anywhere in ``markup`` (``lower``: its lower case, same length)."""
    if not markup.isascii() and any(char in markup for char in CASE_TO_ASCII):
        return True
    for word, hint in INVISIBLE_HINTS.items():
        at = lower.find(word)
        while at >= 0:
            if hint.match(lower, at):
                return True
            at = lower.find(word, at + 1)
    return False


def _close_tags(markup: str) -> str:
    """Markup whose every ``<`` has a ``>`` after it: an unterminated tag at the end is dropped.

    Browsers drop a tag cut off by the end of the document too; and with it gone no tag pattern
    rescans to the end of the text from each of a million ``<``.
    """
    last = markup.rfind(">")
    tail = markup[last + 1:]
    return markup[:last + 1] + tail.split("<", 1)[0]


def _anchors(markup: str):
    """(attributes, inner markup) of each ``<a ...>``, its content running to ``</a>`` or the next ``<a``."""
    pos = 0
    while m := _ANCHOR_OPEN.search(markup, pos):
        gt = markup.find(">", m.end())
        if gt < 0:
            return
        end = _ANCHOR_END.search(markup, gt + 1)
        if end is None:
            return
        yield markup[m.end():gt], markup[gt + 1:end.start()]
        pos = end.start()


def extract_html(markup: str) -> tuple[str, list[Link], list[str]]:
    """Return (visible text, links, image URLs); never raises on broken markup."""
    markup = _close_tags(_drop_hidden(markup[:MAX_HTML]))
    links: list[Link] = []
    images: list[str] = []
    for attrs, inner in _anchors(markup):
        href = _attrs(attrs).get("href")
        if not href:
            continue
        shown = _text(inner)
        origin = "a"
        if not shown and _IMG_IN.search(inner):
            origin = "img-link"
        links.append(Link(url=href, shown=shown[:500], origin=origin))
        if len(links) >= MAX_ITEMS:
            break
    for m in _TAG.finditer(markup):
        tag, attrs = m.group(1).lower(), _attrs(m.group(2))
        if tag == "img" and attrs.get("src"):
            images.append(attrs["src"])
        elif tag == "area" and attrs.get("href"):
            links.append(Link(url=attrs["href"], shown=attrs.get("alt", ""), origin="area"))
        elif tag == "form" and attrs.get("action"):
            links.append(Link(url=attrs["action"], origin="form"))
        if len(images) + len(links) >= 2 * MAX_ITEMS:
            break
    # an image's alt text is what a reader sees when images are blocked (as most mail apps do by default)
    shown = _IMG_ALT.sub(lambda m: f" {m[1] or m[2] or m[3] or ''} ", _drop_invisible(markup))
    text = html.unescape(_ANY_TAG.sub(" ", _INLINE_TAG.sub("", _BLOCK.sub("\n", shown))))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line), links, images
