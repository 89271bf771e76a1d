"""Host names: registered domain, look-alike skeletons, IDN decoding and defanging.

Shared by the sender and link detectors and by the alert texts.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re
import unicodedata
from importlib import resources
from urllib.parse import urlsplit

from lockwatch.detect.knowledge import knowledge

__all__ = ["MAX_HOST", "defang", "domain_in", "edit_distance", "fold", "is_ip", "label_skeleton", "letters_skeleton",
           "nfkc", "normalise_host", "registered_domain", "skeleton", "strip_invisible", "url_host"]

_ZERO_WIDTH = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                         "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
_SCHEME = re.compile(r"(?i)^(h)(?:tt|xx)(ps?)(:)")


@functools.cache
def _psl():
    """The public suffix list, built once per process.

    The library's own ``accept_encoded_idn`` punycodes every rule, ASCII ones included (two thirds of
    its start-up); only the non-ASCII rules need an encoded twin, so they get one here and the
    resulting rule set is the same.
    """
    from publicsuffixlist import PublicSuffixList

    lines = resources.files("publicsuffixlist").joinpath("public_suffix_list.dat").read_text("utf-8").splitlines()
    # the library skips blank and comment lines (a line starting "//" gives a rule starting "//"): they are
    # left out here at once, the other two thirds of its per-line work
    rules = [line for line in lines if line and not line.startswith("//")]
    encoded = []
    for line in rules:
        if line.isascii():  # (most lines) an ASCII line gives an ASCII rule: no twin
            continue
        rule = line.lower().split(" ")[0].rstrip()  # the rule as the library reads it
        if not rule.isascii():
            with contextlib.suppress(UnicodeError):
                encoded.append(("!" if rule.startswith("!") else "") + rule.lstrip("!").encode("idna").decode("ascii"))
    return PublicSuffixList(rules + encoded, accept_encoded_idn=False)


MAX_HOST = 253  # DNS limit; a longer "host" keeps its last 253 characters (the labels that decide its domain)


def normalise_host(host: str) -> str:
    """Lower-case, strip dots and ports; decode punycode labels to Unicode; at most ``MAX_HOST`` characters."""
    host = host.strip().strip(".")[-MAX_HOST:].lower()
    if host.startswith("[") and "]" in host:
        return host[1:host.index("]")]
    if "xn--" in host:
        with contextlib.suppress(UnicodeError, ValueError):
            host = host.encode("ascii").decode("idna")
    return host


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    # decimal / hex / octal encodings of an IPv4 address are IP hosts too
    return bool(re.fullmatch(r"(0x[0-9a-f]+|\d{8,10})", host)) or bool(
        re.fullmatch(r"(0x[0-9a-f]{1,2}|0\d{1,3}|\d{1,3})(\.(0x[0-9a-f]{1,2}|0\d{1,3}|\d{1,3})){3}", host))


@functools.lru_cache(maxsize=65536)
def registered_domain(host: str) -> str:
    """example: mail.amazon.co.jp → amazon.co.jp (public-suffix aware)."""
    host = normalise_host(host)
    if not host or is_ip(host):
        return host
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        ascii_host = host
    reg = _psl().privatesuffix(ascii_host) or ascii_host
    if reg.startswith("xn--") or ".xn--" in reg:
        with contextlib.suppress(UnicodeError, ValueError):
            reg = reg.encode("ascii").decode("idna")
    return reg


@functools.lru_cache(maxsize=4096)  # pure, and asked of the same hosts again and again
def domain_in(host: str, domains: frozenset[str]) -> bool:
    """True when host is one of domains or a sub-domain of one."""
    host = normalise_host(host)
    parts = host.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts)))


def strip_invisible(text: str) -> str:
    return _ZERO_WIDTH.sub("", text)


@functools.lru_cache(maxsize=32)  # pure; one mail asks it of the same texts several times
def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, remembered for the texts of one mail."""
    return unicodedata.normalize("NFKC", text)


@functools.lru_cache(maxsize=32)  # pure; one mail asks it of the same texts several times
def fold(text: str) -> str:
    """NFKC, lower case, invisible characters removed: the form patterns are matched on."""
    return strip_invisible(nfkc(text)).casefold()


class _Table(dict):
    """A ``str.translate`` table that maps every other character to itself, filled in as characters are
    met: a character missing from a plain table costs ``str.translate`` a raised and caught LookupError."""

    def __missing__(self, code: int) -> int:
        if len(self) < _TABLE_LIMIT:
            self[code] = code
        return code


_TABLE_LIMIT = 1 << 16  # characters remembered; a text of more distinct ones is still translated right


@functools.cache
def _confusable_table() -> dict[int, str | int]:
    return _Table(str.maketrans(knowledge().confusables))


@functools.cache
def _confusable_class() -> re.Pattern[str] | None:
    """The look-alike characters as one class, when replacing each one a text holds (one ``str.replace``
    after another) gives what ``str.translate`` gives: no replacement holds a look-alike character."""
    confusables = knowledge().confusables
    if not confusables or any(ch in value for value in confusables.values() for ch in confusables):
        return None
    return re.compile("[" + "".join(re.escape(ch) for ch in confusables) + "]")


@functools.lru_cache(maxsize=32)  # pure; one mail asks it of the same texts several times
def letters_skeleton(text: str) -> str:
    """fold() plus look-alike characters mapped to Latin letters, marks kept (ゾ stays ゾ): for phrase patterns."""
    folded = fold(text)
    found = _confusable_class()
    if found is None or folded.isascii():  # ASCII text: str.translate's own fast path
        return folded.translate(_confusable_table())
    # other text: str.translate looks every character up in the table (~5x slower than finding the few
    # look-alikes with one class and replacing just those)
    confusables = knowledge().confusables
    for ch in set(found.findall(folded)):
        folded = folded.replace(ch, confusables[ch])
    return folded


@functools.lru_cache(maxsize=32)  # pure; one mail asks it of the same texts several times
def skeleton(text: str) -> str:
    """fold() plus look-alike characters mapped to Latin letters (а→a, 0→o, 1→l)."""
    folded = letters_skeleton(text)  # the same first step: done once when both are asked of a text
    if folded.isascii():
        return folded
    # accented look-alikes (ą, ḿ, ẓ): drop the marks, then map look-alikes again (one pass does both)
    return unicodedata.normalize("NFKD", folded).translate(_NO_MARKS)


class _Marks(dict):
    """A ``str.translate`` table that drops combining marks and maps every other character as the
    confusables table does (dropping, then translating, in one pass), filled in as characters are met."""

    def __missing__(self, code: int) -> int | str | None:
        value = None if unicodedata.combining(chr(code)) else _confusable_table()[code]
        if len(self) < _TABLE_LIMIT:
            self[code] = value
        return value


_NO_MARKS = _Marks()


@functools.lru_cache(maxsize=8192)  # pure; asked of the same local parts and domain labels mail after mail
def label_skeleton(label: str) -> str:
    """A domain label's skeleton incl. multi-letter look-alikes (rn→m), separators removed."""
    sk = skeleton(label)
    for seq, repl in knowledge().confusable_sequences.items():
        sk = sk.replace(seq, repl)
    return re.sub(r"[^a-z0-9]", "", sk)


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, swaps (amzaon)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


def url_host(url: str) -> tuple[str, str]:
    """(host, userinfo) of a URL, tolerant of missing schemes and junk."""
    candidate = url.strip()
    if candidate.lower().startswith("www."):
        candidate = "http://" + candidate
    try:
        parts = urlsplit(candidate)
        netloc = parts.netloc
    except ValueError:
        return "", ""
    userinfo, _, hostport = netloc.rpartition("@")
    host = hostport
    if host.startswith("["):
        host = host[1:host.find("]")] if "]" in host else host[1:]
    else:
        host = host.split(":", 1)[0]
    return normalise_host(host), userinfo


def defang(url: str) -> str:
    """hxxps://amaz0n-jp[.]top/... — readable, never clickable."""
    text = _SCHEME.sub(lambda m: f"{m.group(1)}xx{m.group(2)}{m.group(3)}", url.strip())
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    authority, slash, tail = rest.partition("/")
    authority = authority.replace(".", "[.]").replace("@", "[@]")
    tail = tail.replace("://", "[://]")
    out = f"{scheme}{sep}{authority}{slash}{tail}"
    return out.replace("[[.]]", "[.]")
