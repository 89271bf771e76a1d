"""The From header as a mail client and a receiving server would read it, and where the two may disagree.

An attacker writes the From header, so it is parsed structurally *before* encoded words are decoded
(an encoded word can hide ``<no-reply@amazon.co.jp>`` in the display name) and every address that
a reader might take for the sender is kept as a candidate: the angle address, a bare addr-spec, an
address written as (or inside) the display name or a comment, the other mailboxes of a list or a
group, the addresses of a second From header. More than one distinct candidate means the header is
ambiguous: the detectors never let such a header borrow a brand's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lockwatch.parse.rawheaders import decode_words

__all__ = ["FromIdentity", "Mailbox", "parse_from", "parse_mailbox", "parse_mailbox_list"]

MAX_FROM_CHARS = 4_000  # a From longer than this is cut: no reader shows more, and parsing stays cheap
MAX_CANDIDATES = 20
# an address a reader would recognise, also inside a display name or a comment
_ADDRESS_IN_TEXT = re.compile(r"[^\s<>\"'()\[\],;:@\\]{1,64}@[^\s<>\"'()\[\],;:@\\]{1,253}\.[^\s<>\"'()\[\],;:@\\.]{2,63}")
_SPACE = re.compile(r"\s+")
_ATOM_END = re.compile(r'["(<:,; ]')


@dataclass
class Mailbox:
    """One entry of an address list: the shown name and the address in it (either may be empty)."""

    name: str = ""  # decoded display name, comments included as a reader would see them
    address: str = ""  # the addr-spec a client would send a reply to
    extra: list[str] = field(default_factory=list)  # further addresses inside the entry (2nd <...>, junk)
    group: bool = False


@dataclass
class FromIdentity:
    """The sender as parsed from every From header: the address that counts and what makes it doubtful."""

    name: str = ""
    address: str = ""  # lower-case; the first mailbox's address
    candidates: list[str] = field(default_factory=list)  # every distinct address a reader may take as sender
    problems: list[str] = field(default_factory=list)  # why the header is ambiguous (codes, see below)

    @property
    def ambiguous(self) -> bool:
        return bool(self.problems)


# problem codes
SEVERAL_FROM = "several_from_headers"
SEVERAL_ADDRESSES = "several_addresses"
GROUP = "group_syntax"
DISPLAY_ADDRESS = "address_in_display_name"
NO_ADDRESS = "no_address"
NAME_WITHOUT_ADDRESS = "name_without_address"  # "Name,<addr>": a name cut off from its address


def parse_from(values: list[str]) -> FromIdentity:
    """Every From header value (raw, encoded words undecoded), topmost first → one identity."""
    values = [v for v in values if v is not None]
    identity = FromIdentity()
    if not values:
        identity.problems.append(NO_ADDRESS)
        return identity
    if len(values) > 1:
        identity.problems.append(SEVERAL_FROM)
    boxes: list[Mailbox] = []
    for value in values[:5]:
        boxes.extend(parse_mailbox_list(value))
    first = next((b for b in boxes if b.address), boxes[0] if boxes else Mailbox())
    identity.address = first.address
    # a reader sees every name written, also one cut off from its address ("Amazon Xmas,<x@y>")
    names = [b.name for b in boxes if b.name and (b is first or not b.address)]
    identity.name = " ".join(dict.fromkeys(names)) if not first.name or len(names) > 1 else first.name
    if any(b.name and not b.address and not b.extra and not b.group for b in boxes) and first.address:
        identity.problems.append(NAME_WITHOUT_ADDRESS)
    candidates: list[str] = []
    shown_addresses: list[str] = []
    for box in boxes:
        if box.address:
            candidates.append(box.address)
        candidates.extend(box.extra)
        shown_addresses.extend(a.lower() for a in _ADDRESS_IN_TEXT.findall(box.name))
    if any(box.group for box in boxes):
        identity.problems.append(GROUP)
    if len({b.address for b in boxes if b.address} | {a for b in boxes for a in b.extra}) > 1:
        identity.problems.append(SEVERAL_ADDRESSES)
    foreign_shown = [a for a in shown_addresses if _domain(a) != _domain(identity.address)]
    if foreign_shown:
        identity.problems.append(DISPLAY_ADDRESS)
        candidates.extend(foreign_shown)
    if not identity.address:
        identity.problems.append(NO_ADDRESS)
    identity.candidates = list(dict.fromkeys(candidates))[:MAX_CANDIDATES]
    return identity


def parse_mailbox(value: str) -> tuple[str, str]:
    """(display name, address) of a single-address header such as Reply-To or Sender (the first mailbox)."""
    boxes = parse_mailbox_list(value)
    box = next((b for b in boxes if b.address), boxes[0] if boxes else Mailbox())
    return box.name, box.address


def parse_mailbox_list(value: str) -> list[Mailbox]:
    """An address-list header value → its mailboxes, tolerant of everything senders get wrong."""
    text = _SPACE.sub(" ", value[:MAX_FROM_CHARS])
    boxes: list[Mailbox] = []
    current = _Entry()
    group_open = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            end, content = _delimited(text, i, '"')
            current.phrase.append(content)
            i = end
        elif ch == "(":
            end, content = _delimited(text, i, ")", nests="(")
            current.comments.append(content)
            i = end
        elif ch == "<":
            end = text.find(">", i + 1)
            end = n if end < 0 else end
            current.angles.append(text[i + 1:end])
            i = end + 1
        elif ch == ":" and not current.angles and not group_open:
            # "Name: a@b, c@d;" — a group; its name is only a phrase
            group_open = True
            current.group_name = " ".join(current.phrase + current.words)
            current.phrase, current.words = [], []
            i += 1
        elif ch in ",;":
            if ch == ";":
                group_open = False
            boxes.extend(current.finish(in_group=group_open or ch == ";"))
            current = _Entry()
            i += 1
        elif ch == " ":
            current.words.append(" ")
            i += 1
        else:  # an atom (a ":" that opens no group is part of it)
            end = _ATOM_END.search(text, i + 1)
            j = end.start() if end else n
            current.words.append(text[i:j])
            i = j
    boxes.extend(current.finish(in_group=group_open))
    return [b for b in boxes if b.name or b.address or b.extra] or [Mailbox()]


@dataclass
class _Entry:
    phrase: list[str] = field(default_factory=list)  # quoted strings
    words: list[str] = field(default_factory=list)  # atoms and spaces outside quotes, comments and <>
    comments: list[str] = field(default_factory=list)
    angles: list[str] = field(default_factory=list)
    group_name: str = ""

    def finish(self, *, in_group: bool) -> list[Mailbox]:
        words = "".join(self.words).strip()
        group = bool(self.group_name) or in_group
        name_parts: list[str] = []
        addresses: list[str] = []
        if self.angles:
            addresses = [_clean_address(a) for a in self.angles]
            name_parts = [*self.phrase, words] if words else list(self.phrase)
        else:
            # no <...>: the addr-spec is the word with an @; other words are a (malformed) name
            bare = [w for w in words.split(" ") if "@" in w]
            rest = [w for w in words.split(" ") if w and "@" not in w]
            if bare:
                addresses = [_clean_address(w) for w in bare]
            elif len(self.phrase) == 1 and "@" in self.phrase[0] and not rest:
                addresses = [_clean_address(self.phrase[0])]  # "x@y" alone: a quoted addr-spec
                self.phrase = []
            name_parts = [*self.phrase, " ".join(rest)]
        name = _decoded(" ".join(p for p in name_parts if p))
        comments = _decoded(" ".join(c for c in self.comments if c))
        if comments:
            name = f"{name} ({comments})" if name else comments
        if self.group_name and not addresses and not name:
            return [Mailbox(name=_decoded(self.group_name), group=True)]
        if self.group_name:
            name = f"{_decoded(self.group_name)}: {name}".strip(": ")
        addresses = [a for a in addresses if a]
        if not addresses and not name:
            return []
        return [Mailbox(name=name, address=addresses[0] if addresses else "", extra=addresses[1:], group=group)]


def _delimited(text: str, start: int, close: str, nests: str = "") -> tuple[int, str]:
    """(end, content) of the run opened at ``text[start]`` up to its ``close``, backslash escapes resolved;
    ``nests``: the opener that nests (comments); an unclosed run takes the rest of the text."""
    end = text.find(close, start + 1)
    if end >= 0 and "\\" not in text[start + 1:end] and not (nests and nests in text[start + 1:end]):
        return end + 1, text[start + 1:end]  # the common case: no escape, nothing nested
    depth, i, out = 1, start + 1, []
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch == nests:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i + 1, "".join(out)
        out.append(ch)
        i += 1
    return i, "".join(out)


def _clean_address(value: str) -> str:
    """An addr-spec as written → lower case, no source route, no surrounding junk."""
    value = value.strip().strip("<>").strip()
    if ":" in value and value.startswith("@"):  # obsolete source route: <@relay:user@host>
        value = value.rpartition(":")[2]
    value = value.strip(".,;:'\"").replace(" ", "")
    return value.lower() if "@" in value else ""


def _decoded(text: str) -> str:
    return _SPACE.sub(" ", decode_words(text)).strip()


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower().strip(".")
