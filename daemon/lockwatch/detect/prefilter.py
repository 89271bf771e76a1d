"""Header-first triage for a scan: skip a message, peek at the start of its body, or read it all.

The rule is recall: a message ``lockwatch check`` would flag must never be skipped. So the body is
read whenever the headers claim the brand in any disguise, come from a brand or look-alike domain,
are odd in ways phishers use (no From, several From headers or addresses, an address inside the
display name, an encoded-word From, invisible characters inside a word, a padded field), or carry
lure wording. Mere account / order / payment / notice wording (``[prefilter]`` in signals.toml, in
many languages) earns a peek: the first few hundred bytes of the body (``peek_size``), which decide
whether the rest is needed (``body_prefix_relevant``). Every word is matched after the detectors'
own folding (``domains.skeleton``), so the words and the text are folded alike.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.message
import functools
import quopri
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from lockwatch.detect.domains import domain_in, fold, label_skeleton, skeleton
from lockwatch.detect.knowledge import knowledge
from lockwatch.detect.sender import lookalike_reason
from lockwatch.parse.addresses import parse_from, parse_mailbox_list
from lockwatch.parse.charsets import decode_body, install_codec_aliases
from lockwatch.parse.headers import shown_value, unfolded_text

__all__ = ["PEEK", "READ", "SKIP", "Step", "Words", "body_prefix_relevant", "haystack", "looks_relevant",
           "names_brand_anyhow", "peek_size", "read_after_peek", "reads_body", "triage"]

Step = Literal["skip", "peek", "read"]
SKIP: Step = "skip"
PEEK: Step = "peek"
READ: Step = "read"

# bytes of the body a peek fetches (BODY.PEEK[TEXT]<0.N>) and the visible characters a prefix must show to
# rule a message out: [windows] peek_* and min_prefix_text in signals.toml
MAX_FIELD = 2_000  # characters of a decoded From, Subject, Reply-To, Return-Path or Sender; longer is odd
_RISKY_KINDS = ("account_lock", "security", "payment", "gift_card")
_FIELD = re.compile(rb"^(from|subject|reply-to|return-path|sender|message-id|content-type|content-transfer-encoding"
                    rb"|mime-version|authentication-results|arc-authentication-results)[ \t]*:[ \t]*(.*(?:\r?\n[ \t].*)*)",
                    re.IGNORECASE | re.MULTILINE)
_SHOWN = ("from", "subject", "reply-to", "return-path", "sender")  # decoded: what a reader sees
_ONCE = ("from", "subject", "message-id", "content-type", "content-transfer-encoding", "mime-version")
# a header line that is neither a field nor a continuation ("no colon here", an 8-bit field name)
_NOT_A_FIELD = re.compile(rb"^(?![ \t])(?![!-9;-~]+[ \t]*:)[^\r\n]*[^\s]", re.MULTILINE)
# the domains an Authentication-Results header says it checked
_CHECKED_DOMAIN = re.compile(r"(?i)\b(?:header\.(?:from|d|i)|smtp\.mailfrom)=(?:[^\s;@]*@)?([^\s;()]+)")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ZERO_WIDTH = re.compile("[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
                         "\u3164\ufeff\uffa0]")
_ADDRESS = re.compile(r"[!-~]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*")  # printable ASCII, a dotted domain
# letters written one by one with separators between them ("A c c o u n t", "P.r.i.m.e")
_SPACED = re.compile(r"(?<![^\W_])[^\W_](?:(?:[^\w\n]|_){1,3}[^\W_](?![^\W_])){2,}")
_SEPARATOR = re.compile(r"[\W_]+")
# an invisible character between two letters ("P\u200dr\u200di\u200dm\u200de"): nobody types that
_HIDDEN_IN_WORD = re.compile("[^\\W\\d_][\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
                             "\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]+[^\\W\\d_]")
_DIGITS = re.compile(r"\d{3}")  # every phone number the phone pattern knows has three digits in a row
_INVISIBLE = frozenset(("Cf", "Mn", "Me", "Co", "Cn"))


_TOKEN = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Words:
    """Wording folded like the text: Latin words by token start (or whole), other scripts anywhere."""

    starts: dict[int, frozenset[str]]  # Latin words by length, found at the start of a token
    whole: frozenset[str]  # Latin words that must be a whole token
    phrases: tuple[str, ...]  # several Latin words in a row (" sign in"); also found run together
    inner: tuple[str, ...]  # Japanese and other unspaced scripts: found anywhere

    @classmethod
    def of(cls, words: list[str], whole: list[str] | None = None) -> Words:
        starts: dict[int, set[str]] = {}
        phrases: list[str] = []
        inner: list[str] = []
        for word in words:
            tokens = _TOKEN.findall(skeleton(word))
            if not tokens:
                continue
            if not tokens[0].isascii():
                inner.append("".join(tokens))
                continue
            if len(tokens) > 1:
                phrases.append(" " + " ".join(tokens))
            joined = "".join(tokens)
            starts.setdefault(len(joined), set()).add(joined)
        return cls({n: frozenset(ws) for n, ws in sorted(starts.items())},
                   frozenset(t for w in whole or [] for t in _TOKEN.findall(skeleton(w))), tuple(phrases),
                   tuple(inner))

    def found_in(self, hay: str) -> bool:
        """True when ``hay`` (a ``haystack``) holds one of the words."""
        if not hay.isascii() and any(word in hay for word in self.inner):
            return True
        tokens = _TOKEN.findall(hay)
        unique = set(tokens)
        if not self.whole.isdisjoint(unique):
            return True
        for token in unique:
            for length, words in self.starts.items():
                if length > len(token):
                    break
                if token[:length] in words:
                    return True
        if self.phrases:
            joined = " " + " ".join(tokens)
            return any(phrase in joined for phrase in self.phrases)
        return False


@dataclass(frozen=True)
class _Patterns:
    brand: re.Pattern[str]
    wording: Words  # any family: worth a peek
    body_wording: Words  # the families that make a peeked body worth reading in full


@functools.cache
def _patterns() -> _Patterns:
    k = knowledge()
    table = k.signals.get("prefilter", {})
    brands = []
    for word in dict.fromkeys((*k.brand_words, *k.brand_labels)):
        letters = []
        for ch in skeleton(word).replace(" ", ""):  # a letter, or the letters that imitate it (rn → m)
            spellings = [ch, *(seq for seq, repl in k.confusable_sequences.items() if repl == ch)]
            letters.append("(?:" + "|".join(re.escape(x) for x in spellings) + ")" if len(spellings) > 1 else re.escape(ch))
        brands.append(r"[\W_]{0,3}".join(letters))
    families = table.get("words", {})
    every = [w for family in families.values() for w in family]
    in_body = [w for name in table.get("body_families", []) for w in families.get(name, [])]
    return _Patterns(brand=re.compile("|".join(brands)), wording=Words.of(every, table.get("whole_words", [])),
                     body_wording=Words.of(in_body))


def haystack(text: str) -> str:
    """``text`` folded as the detectors fold it (``skeleton``, every invisible character dropped), and
    again with letters written one by one run together ("A c c o u n t")."""
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)
    folded = skeleton(text)
    collapsed = _SPACED.sub(lambda m: _SEPARATOR.sub("", m[0]), folded)
    return folded if collapsed == folded else f"{folded}\n{collapsed}"


def names_brand_anyhow(text: str) -> bool:
    """The brand in ``text`` in any disguise: look-alikes, invisible joiners, spaced letters, kana."""
    return bool(text) and bool(_patterns().brand.search(haystack(text)))


def _ascii(value: bytes) -> str:
    """A machine-written header value (Message-ID, Authentication-Results) unfolded, 8-bit bytes replaced."""
    return re.sub(rb"\r?\n", b"", value).decode("ascii", "replace").strip()


def _odd_from(raw: list[bytes]) -> tuple[str, str] | None:
    """(display name, address) of a plain From; None when it is odd in a way phishers use.

    The same strict parse as the full analysis (``lockwatch.parse.addresses``): no From or several, several
    addresses, a group, an address in the display name (also one hidden in an encoded word), no address.
    An encoded-word name on its own is not odd: most Japanese names are written so.
    """
    identity = parse_from([unfolded_text(v) for v in raw])
    if identity.ambiguous or "@" not in identity.address:
        return None
    return identity.name, identity.address


@functools.lru_cache(maxsize=65536)
def _label_has_brand(label: str) -> bool:
    """A local part or domain label that spells a brand label (amazon, amzn) with look-alikes allowed."""
    sk = label_skeleton(label)
    return any(lbl in sk for lbl in knowledge().brand_labels)


@functools.lru_cache(maxsize=65536)
def _domain_concerns_brand(domain: str) -> bool:
    """A brand domain, a look-alike of one, or any domain with the brand in one of its labels."""
    if not domain:
        return False
    if domain_in(domain, knowledge().sender_domains) or lookalike_reason(domain):
        return True
    return any(_label_has_brand(part) for part in domain.split("."))


@functools.lru_cache(maxsize=65536)
def _claims_brand_domain(host: str) -> bool:
    """A brand sender domain or a look-alike (not the brand's relays: anyone's mail passes through those)."""
    return domain_in(host, knowledge().sender_domains) or bool(lookalike_reason(host))


def triage(header: bytes) -> Step:
    """What a scan should read of a message, judged on its header block: skip, peek or read."""
    install_codec_aliases()
    k = knowledge()
    raw: dict[str, list[bytes]] = {}
    for name, value in _FIELD.findall(header):
        raw.setdefault(name.decode().lower(), []).append(value)
    first = header.find(b"\n") + 1 if header.startswith(b"From ") else 0  # an mbox envelope line is no field
    if any(len(raw[name]) > 1 for name in _ONCE if name in raw) or _NOT_A_FIELD.search(header, first):
        return READ  # two Subjects, two Content-Types, a broken line: readers and filters see different mails
    fields = {name: shown_value(values[0]) for name, values in raw.items() if name in _SHOWN}
    if any(len(value) > MAX_FIELD for value in fields.values()):
        return READ  # padding that pushes the telling part out of sight
    sender, subject = fields.get("from", ""), fields.get("subject", "")
    plain = _odd_from(raw.get("from", []))
    if plain is None or not _ADDRESS.fullmatch(plain[1]) or _ZERO_WIDTH.search(sender):
        return READ
    local, _, domain = plain[1].partition("@")
    if _domain_concerns_brand(domain) or _label_has_brand(local):
        return READ
    others = [fields[name] for name in ("reply-to", "return-path", "sender") if name in fields]
    if any(_domain_concerns_brand(box.address.rpartition("@")[2]) for value in others for box in parse_mailbox_list(value)):
        return READ
    if _BIDI.search(subject) or _HIDDEN_IN_WORD.search(subject):
        return READ
    claimed = [_ascii(raw["message-id"][0]).rpartition("@")[2].strip("<> ")] if "message-id" in raw else []
    for name in ("authentication-results", "arc-authentication-results"):
        claimed += [m[1] for value in raw.get(name, []) for m in _CHECKED_DOMAIN.finditer(_ascii(value))]
    if any(_claims_brand_domain(host.lower()) for host in claimed if host):
        return READ  # a Message-ID or checked domain of the brand's on mail from elsewhere
    hay = haystack(f"{sender}\n{subject}")
    if _patterns().brand.search(hay) or any(names_brand_anyhow(value) for value in others):
        return READ
    folded = fold(subject)
    if any(sieve.search(folded) for sieve in k.lures.values()):
        return READ
    if any(rule.kind in _RISKY_KINDS and rule.subject is not None and rule.subject.search(folded)
           for rule in k.kind_rules):
        return READ
    return PEEK if _patterns().wording.found_in(hay) else SKIP


def looks_relevant(header_bytes: bytes) -> bool:
    """True unless the header alone shows the message cannot concern the brand (a peek counts as True)."""
    return triage(header_bytes) != SKIP


# -- the peek ----------------------------------------------------------------------------------------------
_CONTENT = re.compile(rb"^content-(type|transfer-encoding)[ \t]*:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
_CHARSET = re.compile(r"""(?i)\bcharset\s*=\s*"?([^\s";]+)""")


def _transfer_decoded(data: bytes, encoding: str) -> bytes:
    """Content cut anywhere, transfer-decoded as far as the cut allows."""
    if encoding == "base64":
        clean = re.sub(rb"[^A-Za-z0-9+/]", b"", data.partition(b"=")[0])
        try:
            return base64.b64decode(clean[: len(clean) - len(clean) % 4])
        except (binascii.Error, ValueError):
            return b""
    if encoding == "quoted-printable":
        return quopri.decodestring(re.sub(rb"=[0-9A-Fa-f]?$", b"", data))
    return data


_HIDDEN_OPEN = re.compile(r"(?i)<(script|style|head|title)\b|<!--")


def _shown_part(markup: str) -> str:
    """Markup cut anywhere, up to where the cut leaves a style, script, head or comment open."""
    pos = 0
    while m := _HIDDEN_OPEN.search(markup, pos):
        closer = "-->" if m[0] == "<!--" else f"</{m[1].lower()}"
        end = markup.lower().find(closer, m.end())
        if end < 0:
            return markup[:m.start()]
        pos = end + len(closer)
    return markup


def _leaf_text(ctype: str, charset: str | None, encoding: str, data: bytes) -> tuple[str, bool]:
    """(visible text of one text part's content, whether it shows a link or an image)."""
    from lockwatch.parse.html import extract_html
    from lockwatch.parse.message import URL_IN_TEXT

    text = decode_body(_transfer_decoded(data, encoding.strip().lower()), charset, partial=True)
    linked = False
    if ctype == "text/html":
        text, links, images = extract_html(_shown_part(text))
        linked = bool(links or images)
    return text, linked or bool(URL_IN_TEXT.search(text))


def _content(header: bytes) -> tuple[str, dict[bytes, str]]:
    """(content type, {b"type": ..., b"transfer-encoding": ...}) of a header block (the first of each)."""
    content = {name.lower(): shown_value(value) for name, value in reversed(_CONTENT.findall(header))}
    return content.get(b"type", "text/plain").split(";", 1)[0].strip().lower() or "text/plain", content


def peek_size(header: bytes) -> int:
    """How many bytes of the body a peek at this message fetches."""
    ctype, content = _content(header)
    if ctype.startswith("multipart/"):
        return knowledge().window("peek_multipart")
    encoding = content.get(b"transfer-encoding", "").strip().lower()
    return knowledge().window("peek_base64" if encoding == "base64" else "peek_plain")


def _prefix_text(header: bytes, prefix: bytes) -> tuple[str, bool] | None:
    """(visible text of a body's first bytes, whether they show a link or an image); None: cannot judge."""
    ctype, content = _content(header)
    if ctype in ("text/plain", "text/html"):  # the common case: no MIME parse needed
        charset = _CHARSET.search(content.get(b"type", ""))
        return _leaf_text(ctype, charset[1] if charset else None, content.get(b"transfer-encoding", ""), prefix)
    if not ctype.startswith("multipart/"):
        return None  # a single attachment, an image, a forwarded message: read it all
    msg = email.message_from_bytes(header + prefix)
    texts: list[str] = []
    linked = False
    for count, part in enumerate(msg.walk()):
        if count > 20:
            return None
        if part.is_multipart():
            continue
        leaf = part.get_content_type()
        if leaf not in ("text/plain", "text/html") or part.get_filename():
            return None  # an attachment or an image near the top
        payload = part.get_payload(decode=False)
        data = payload.encode("ascii", "surrogateescape") if isinstance(payload, str) else b""
        text, links = _leaf_text(leaf, part.get_content_charset(), str(part.get("content-transfer-encoding", "")), data)
        texts.append(text)
        linked = linked or links
    return ("\n".join(texts), linked) if texts else None


def body_prefix_relevant(header: bytes, prefix: bytes) -> bool:
    """After a peek: True when the whole body must be read, judged on its first bytes (cut anywhere).

    The rest may go unread only when the prefix shows at least ``[windows] min_prefix_text`` visible characters
    of text that name no brand in any disguise, hold no link, image or phone number and none of the
    ``body_families`` wording (account, security); whatever the prefix cannot show (an attachment,
    a markup-only start, broken MIME) means read.
    """
    try:
        seen = _prefix_text(header, prefix)
    except Exception:  # whatever breaks the decoding of a prefix cannot rule the message out
        seen = None
    if seen is None or seen[1]:
        return True
    text = seen[0]
    if len("".join(text.split())) < knowledge().window("min_prefix_text"):
        return True
    hay = haystack(text)
    p = _patterns()
    if p.brand.search(hay) or p.body_wording.found_in(hay):
        return True
    folded = fold(text)
    return bool(_DIGITS.search(folded)) and bool(knowledge().phone.search(folded))


def reads_body(header: bytes, body: bytes) -> bool:
    """The IMAP scan's decision for a message served as ``header`` + ``body``: is its body read?

    Mirrors ``sources.imap``: a peek that holds the whole body is analysed in full.
    """
    step = triage(header)
    if step != PEEK:
        return step == READ
    size = peek_size(header)
    return read_after_peek(header, body[:size], size)


def read_after_peek(header: bytes, prefix: bytes | None, size: int) -> bool:
    """After a peek at the first ``size`` bytes of a body (``prefix``; None when the server sent none):
    is the body read? A peek that holds the whole body is; so is one whose start may concern the brand."""
    return prefix is None or len(prefix) < size or body_prefix_relevant(header, prefix)
