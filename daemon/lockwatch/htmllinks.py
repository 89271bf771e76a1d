"""HTML body → visible text, links with the text they are shown under, and image URLs."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from lockwatch.model import Link

MAX_ITEMS = 5_000
SKIP_TEXT_IN = {"script", "style", "head", "title"}
BLOCK_TAGS = {"p", "div", "br", "tr", "li", "table", "h1", "h2", "h3", "h4", "td"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[Link] = []
        self.images: list[str] = []
        self._anchor: str | None = None
        self._anchor_text: list[str] = []
        self._anchor_img: str = ""
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag in SKIP_TEXT_IN:
            self._skip += 1
        elif tag in BLOCK_TAGS:
            self.text.append("\n")
        if len(self.links) + len(self.images) > MAX_ITEMS:
            return
        if tag == "a" and a.get("href"):
            self._close_anchor()
            self._anchor, self._anchor_text, self._anchor_img = a["href"].strip(), [], ""
        elif tag == "area" and a.get("href"):
            self.links.append(Link(url=a["href"].strip(), shown=a.get("alt", ""), origin="area"))
        elif tag == "form" and a.get("action"):
            self.links.append(Link(url=a["action"].strip(), origin="form"))
        elif tag == "img" and a.get("src"):
            self.images.append(a["src"].strip())
            if self._anchor is not None:
                self._anchor_img = a.get("alt", "") or a["src"]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in SKIP_TEXT_IN:
            self._skip = max(0, self._skip - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TEXT_IN:
            self._skip = max(0, self._skip - 1)
        elif tag == "a":
            self._close_anchor()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._anchor is not None:
            self._anchor_text.append(data)

    def _close_anchor(self) -> None:
        if self._anchor is None:
            return
        shown = " ".join("".join(self._anchor_text).split())
        origin = "a" if shown else "img-link" if self._anchor_img else "a"
        self.links.append(Link(url=self._anchor, shown=shown, origin=origin))
        self._anchor = None

    def close(self) -> None:
        super().close()
        self._close_anchor()


def extract_html(markup: str) -> tuple[str, list[Link], list[str]]:
    """Return (visible text, links, image URLs); never raises on broken markup."""
    collector = _Collector()
    try:
        collector.feed(markup)
        collector.close()
    except (AssertionError, ValueError, IndexError):
        pass
    text = html.unescape("".join(collector.text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line), collector.links, collector.images
