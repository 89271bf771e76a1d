"""Hostile mail for the fuzz test and bench/fuzz.py: raw message bytes from adversarial families, mixed.

Broken MIME trees, deep nesting, lying and unknown charsets, broken transfer encodings, NUL bytes,
right-to-left and zero-width characters in names and URLs, HTML that breaks parsers, shown-vs-real
link mismatches and Amazon look-alike senders with Japanese lures (so many cases reach the phishing
verdict and the alert composer). ``LARGE`` families (a 20 MB attachment, 10,000 links, megabyte
headers, megabyte HTML, thousands of nested parts, a 5 MB line) are built separately: few of them go far.

Everything is drawn from a ``random.Random``: hypothesis drives it through ``st.randoms`` (so failures
shrink and replay), the bench through a seeded ``random.Random``. Bulk content comes from a local
generator seeded by one draw, so a large case costs hypothesis a single choice.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import random
import tomllib
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from hypothesis import strategies as st

DATA = tomllib.loads((Path(__file__).with_name("fuzzmail.toml")).read_text(encoding="utf-8"))
LARGE = ("attachment", "links", "headers", "html", "nesting", "line")
CRLF = b"\r\n"
HOMOGLYPHS = {"a": "а", "o": "ο", "e": "е", "m": "ｍ", "n": "ո", "i": "і", "c": "с", "p": "р"}
LOGO = "https://m.media-amazon.com/images/G/09/email/logo/amazon_jp_logo_v2.png"


# -- small pieces ----------------------------------------------------------------------------
def sprinkle(rng: random.Random, text: str, most: int = 3) -> str:
    """``text`` with up to ``most`` invisible or reordering characters put in at random places."""
    chars = list(text)
    for _ in range(rng.randint(1, most)):
        chars.insert(rng.randint(0, len(chars)), rng.choice(DATA["invisible"]))
    return "".join(chars)


def confuse(rng: random.Random, text: str) -> str:
    """Some Latin letters swapped for look-alikes (Cyrillic, Greek, fullwidth)."""
    return "".join(HOMOGLYPHS.get(ch, ch) if rng.random() < 0.3 else ch for ch in text)


def disguise(rng: random.Random, text: str) -> str:
    roll = rng.random()
    if roll < 0.25:
        return sprinkle(rng, text)
    if roll < 0.4:
        return confuse(rng, text)
    return text


def host(rng: random.Random) -> str:
    h = rng.choice(DATA["hosts"] if rng.random() < 0.75 else DATA["unicode_hosts"])
    roll = rng.random()
    if roll < 0.15:
        return sprinkle(rng, h, 2)
    return h.upper() if roll < 0.2 else h


def url(rng: random.Random, where: str | None = None) -> str:
    where = where or host(rng)
    scheme = rng.choice(["https://", "http://", "HTTPS://", "hTTp://", "//", "www.", "https://www.amazon.co.jp@",
                         "https:\\\\", "https://"])
    path = rng.choice(["/", "/ap/signin", "/signin?id=8f3a&next=https://www.amazon.co.jp/", "/%61mazon/login",
                       "/?url=www.amazon.co.jp", "", "/ログイン", "/a)b](c)<d>", ":8080/x", "/\u202etxt.exe",
                       "/#https://evil.example", "?q=\"'><script>"])
    return scheme + where + path


def lure_lines(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.6:
            out.append(disguise(rng, rng.choice(DATA["lines"])))
        elif roll < 0.85:
            out.append(url(rng))
        else:
            out.append(rng.choice(DATA["html"]))
    return out


def anchor(rng: random.Random) -> str:
    """A link whose shown text may claim Amazon while it goes elsewhere, written more or less legally."""
    href, shown = url(rng), disguise(rng, rng.choice(DATA["shown"]))
    form = rng.randrange(7)
    if form == 0:
        return f'<a href="{href}">{shown}</a>'
    if form == 1:
        return f"<A HREF='{href}'>{shown}</A>"
    if form == 2:
        return f"<a href={href}>{shown}"  # never closed
    if form == 3:
        return f'<a title="x>" href="{href}">{shown}</a>'
    if form == 4:
        return f'<a href="{href}"><img src="{LOGO}" alt="Amazon"></a>'
    if form == 5:
        return f'<a href="{href}" <a href="{url(rng)}">{shown}</a></a>'
    return f'<form action="{href}"><input name=password></form><area href="{href}" alt="{shown}">'


def html_doc(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randint(1, 10)):
        roll = rng.random()
        if roll < 0.35:
            pieces.append(anchor(rng))
        elif roll < 0.6:
            pieces.append(f"<p>{rng.choice(DATA['lines'])}</p>")
        elif roll < 0.85:
            pieces.append(rng.choice(DATA["html"]))
        elif roll < 0.92:
            pieces.append(f'<img src="{LOGO}">')
        else:
            pieces.append(sprinkle(rng, "".join(rng.choice(DATA["html"]) for _ in range(3))))
    body = "\n".join(pieces)
    return f"<html><head><title>Amazon</title></head><body>{body}</body></html>" if rng.random() < 0.5 else body


# -- encodings -------------------------------------------------------------------------------
def encode_text(rng: random.Random, text: str) -> tuple[bytes, str]:
    """(bytes, charset label): the label is often the truth, sometimes a lie or nonsense."""
    codec = rng.choice(DATA["codecs"])
    data = text.encode(codec, errors="replace")
    if rng.random() < 0.6:
        label = {"euc_jp": "euc-jp", "iso2022_jp": "iso-2022-jp", "utf-16-le": "utf-16le"}.get(codec, codec)
    else:
        label = rng.choice(DATA["charsets"])
    return data, label


def transfer(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """(encoded body, Content-Transfer-Encoding), sometimes broken on purpose."""
    cte = rng.choice(DATA["encodings"])
    low = cte.lower()
    if low == "base64":
        out = base64.encodebytes(data)
        roll = rng.random()
        if roll < 0.2:
            out = out[: rng.randint(0, len(out))]  # cut mid-quantum
        elif roll < 0.35:
            out = out.replace(b"A", b"!", 3) + b"===\x00=="
        return out, cte
    if low == "quoted-printable":
        out = quopri.encodestring(data)
        if rng.random() < 0.3:
            out += b"=ZZ=\r\n=" + b"=" * rng.randint(0, 5)
        return out, cte
    if low == "x-uuencode":
        lines = [binascii.b2a_uu(data[i:i + 45]) for i in range(0, len(data), 45)]
        return b"begin 644 x.txt\n" + b"".join(lines) + b"`\nend\n", cte
    return data, cte


def header_value(rng: random.Random, text: str) -> bytes:
    """A header value: raw 8-bit, an RFC 2047 word (maybe with a lying or unknown charset), or broken."""
    mode = rng.randrange(6)
    if mode == 0:
        return text.encode("utf-8", errors="surrogatepass")
    if mode in (1, 2):
        data, label = encode_text(rng, text)
        label = label.replace("?", "").replace('"', "").strip() or "x"
        if mode == 1:
            return f"=?{label}?B?{base64.b64encode(data).decode()}?=".encode(errors="replace")
        word = "".join(chr(b) if 33 <= b < 127 and b not in b"=?_" else f"={b:02X}" for b in data)
        return f"=?{label}?Q?{word}?=".encode(errors="replace")
    if mode == 3:
        return b"=?utf-8?B?" + base64.b64encode(text.encode())[:-3] + b"!?= =?" + text.encode()[:5]
    if mode == 4:
        return text.encode("cp932", errors="replace")
    return text.encode("ascii", errors="backslashreplace")


# -- MIME ------------------------------------------------------------------------------------
def boundary(rng: random.Random) -> str:
    return rng.choice([f"=_b{rng.randrange(10**6)}", "b", "", " ", '"quoted boundary"', "--", "=_",
                       "x" * 200, "----=_Part_1", f"----=_Part_1{rng.randrange(10)}", "a b;c=d"])


def leaf(rng: random.Random) -> bytes:
    """One non-multipart entity (headers and body)."""
    kind = rng.random()
    if kind < 0.1:  # a small attachment; the detector must ignore it
        data, cte = base64.encodebytes(rng.randbytes(rng.randint(0, 3000))), "base64"
        ctype = f'application/pdf; name="{sprinkle(rng, "invoice.pdf")}"'
    else:
        if kind < 0.5:
            text, sub = html_doc(rng), "html"
        else:
            text, sub = "\n".join(lure_lines(rng, rng.randint(1, 8))), "plain"
        raw, label = encode_text(rng, text)
        data, cte = transfer(rng, raw)
        ctype = rng.choice([f"text/{sub}; charset={label}", f'text/{sub}; charset="{label}"', f"text/{sub}",
                            f"TEXT/{sub.upper()};charset={label};charset=utf-8", "text/", sub, ";;;",
                            f"text/{sub}; name=x.txt"])
    head = [f"Content-Type: {ctype}".encode(errors="replace")]
    if cte:
        head.append(f"Content-Transfer-Encoding: {cte}".encode())
    if rng.random() < 0.1:
        head.append(rng.choice([b"Content-Disposition: attachment", b"Content-Disposition: inline; filename=\"a\x00.html\""]))
    return CRLF.join(head) + CRLF * 2 + data


def entity(rng: random.Random, depth: int = 0, deepest: int = 6) -> bytes:
    """A MIME entity: a leaf, a multipart of entities (boundaries legal or not), or an embedded message."""
    roll = rng.random()
    if depth >= deepest or roll < 0.45:
        return leaf(rng)
    if roll < 0.52:
        return b"Content-Type: message/rfc822" + CRLF * 2 + message(rng, depth + 1, deepest)
    b = boundary(rng)
    sub = rng.choice(["mixed", "alternative", "related", "report", "signed", "x-junk"])
    quoted = b if b.startswith('"') else (f'"{b}"' if rng.random() < 0.5 else b)
    head = f"Content-Type: multipart/{sub}; boundary={quoted}".encode()
    if rng.random() < 0.05:
        head = b"Content-Type: multipart/mixed"  # no boundary at all
    delim = b"--" + b.strip('"').encode()
    parts = [rng.choice([b"", b"preamble\r\n", b"This is a multi-part message in MIME format.\r\n"])]
    for _ in range(rng.randint(0, 4)):
        parts.append(delim + rng.choice([CRLF, b"\n", b"  \r\n", b"x\r\n"]) + entity(rng, depth + 1, deepest) + CRLF)
    roll = rng.random()
    if roll < 0.7:
        parts.append(delim + b"--" + CRLF)
    elif roll < 0.8:
        parts.append(delim + b"-" + CRLF)  # a closing delimiter one dash short
    return head + CRLF * 2 + b"".join(parts)


def nested(rng: random.Random, depth: int) -> bytes:
    """``depth`` multiparts each holding the next, a lure at the bottom; half of them never closed."""
    inner = leaf(rng)
    opened = [f"=_d{i}".encode() for i in range(depth)]
    head = b"".join(b"Content-Type: multipart/mixed; boundary=\"" + b + b"\"\r\n\r\n--" + b + CRLF for b in opened)
    tail = b"".join(b"\r\n--" + b + b"--\r\n" for b in reversed(opened) if rng.random() < 0.5)
    return head + inner + tail


def address(rng: random.Random) -> str:
    where = host(rng) if rng.random() < 0.85 else rng.choice(["amazon.co.jp", "amazon.com", ""])
    return f"{rng.choice(DATA['local_parts'])}@{where}"


def from_header(rng: random.Random) -> bytes:
    name = disguise(rng, rng.choice(DATA["display_names"]))
    addr = address(rng)
    form = rng.randrange(8)
    if form == 0:
        return b'"' + header_value(rng, name) + b'" <' + addr.encode(errors="replace") + b">"
    if form in (1, 2):
        return header_value(rng, name) + b" <" + addr.encode(errors="replace") + b">"
    if form == 3:
        return addr.encode(errors="replace")
    if form == 4:
        return f"{addr} ({name})".encode(errors="replace")
    if form == 5:
        return f"{name} <{addr}>, Amazon <auto-confirm@amazon.co.jp>".encode(errors="replace")
    if form == 6:
        return rng.choice([b"<<<>>>", b"undisclosed-recipients:;", b"\"Amazon <a@b", b"@", b"", b"\"\\\"<>"])
    return f"Amazon.co.jp <{addr}@amazon.co.jp>".encode(errors="replace")


def headers(rng: random.Random) -> list[bytes]:
    now = datetime.now(UTC) - timedelta(minutes=rng.randint(0, 600))
    date = rng.choice([format_datetime(now), "yesterday", "Mon, 99 Foo 99999 99:99:99 +9999", "", "0", format_datetime(now)])
    lines = [
        f"Received: from mail.example by mx.example.test; {format_datetime(now)}".encode(),
        b"From: " + from_header(rng),
        b"To: me@example.test",
        b"Subject: " + header_value(rng, disguise(rng, rng.choice(DATA["subjects"]))),
        f"Date: {date}".encode(),
        f"Message-ID: <{uuid.UUID(int=rng.getrandbits(128)).hex}@{host(rng)}>".encode(errors="replace"),
        b"MIME-Version: 1.0",
    ]
    if rng.random() < 0.3:
        lines.append(b"Reply-To: " + address(rng).encode(errors="replace"))
    if rng.random() < 0.3:
        lines.append(b"Authentication-Results: mx.example.test; dkim=pass header.d=amazon.co.jp; spf=pass; "
                     b"dmarc=pass header.from=amazon.co.jp")
    for _ in range(rng.randint(0, 3)):  # junk header lines
        lines.insert(rng.randint(0, len(lines)), rng.choice([
            b"no colon here", b" continuation first", b"X-Nul: a\x00b", b"X-CR: a\rb", b"X-8bit: \xff\xfe\x80",
            b"\xff\xfe: header with 8-bit name", b"X-Empty:", b":", b"From: second@evil.example",
            b"Subject: =?utf-8?Q?=E2=80=AE?=evil", b"Content-Type: text/html; charset=x-junk",
        ]))
    return lines


def message(rng: random.Random, depth: int = 0, deepest: int = 6) -> bytes:
    """One hostile message: headers, then a MIME tree, with a chance of NUL bytes and broken line ends."""
    head = CRLF.join(headers(rng))
    body = entity(rng, depth, deepest)
    raw = head + CRLF + body
    roll = rng.random()
    if roll < 0.08:  # NUL bytes sprinkled anywhere
        cut = bytearray(raw)
        for _ in range(rng.randint(1, 20)):
            cut.insert(rng.randint(0, len(cut)), 0)
        raw = bytes(cut)
    elif roll < 0.12:
        raw = raw.replace(CRLF, b"\n")
    elif roll < 0.14:
        raw = raw.replace(CRLF, b"\r")
    elif roll < 0.16:
        raw = raw[: rng.randint(0, len(raw))]  # cut anywhere
    return raw


# -- large cases -----------------------------------------------------------------------------
def large(rng: random.Random, family: str) -> bytes:
    """One big hostile message; ``family`` is one of ``LARGE``. Bulk bytes come from one seeded draw."""
    bulk = random.Random(rng.getrandbits(64))
    head = CRLF.join(headers(rng)) + CRLF
    lure = "\n".join(lure_lines(rng, 4))
    if family == "attachment":  # a ~20 MB base64 attachment next to a lure
        blob = base64.encodebytes(bulk.randbytes(15_000_000))
        return (head + b'Content-Type: multipart/mixed; boundary="=_a"\r\n\r\n--=_a\r\n'
                b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + lure.encode() + b"\r\n--=_a\r\n"
                b'Content-Type: application/zip; name="invoice.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
                + blob + b"\r\n--=_a--\r\n")
    if family == "links":  # 10,000 links, shown and real mismatched
        if rng.random() < 0.5:
            body = "".join(f'<a href="{url(bulk)}">{bulk.choice(DATA["shown"])}</a>\n' for _ in range(10_000))
            return head + b"Content-Type: text/html; charset=utf-8\r\n\r\n" + (lure + body).encode()
        body = "\n".join(url(bulk) for _ in range(10_000))
        return head + b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + (lure + "\n" + body).encode()
    if family == "headers":  # one megabyte header, or 10,000 headers
        roll = rng.randrange(4)
        if roll == 0:
            extra = b"Subject: " + ("Amazon " + "\u202e" * 10 + "アカウント " * 100_000).encode()
        elif roll == 1:
            extra = b"From: " + b"Amazon" + b" " * 1_000_000 + b"<a@amaz0n-jp.top>"
        elif roll == 2:
            extra = CRLF.join(b"X-H%d: %s" % (i, url(bulk).encode()) for i in range(10_000))
        else:
            extra = b"Subject: Amazon" + b"\r\n " * 200_000 + b"x"
        return extra + CRLF + head + b"Content-Type: text/plain\r\n\r\n" + lure.encode()
    if family == "html":  # a megabyte of one parser-breaking fragment
        fragment = rng.choice(DATA["html"] + ["<a href=x>", "<img ", "<a href=\"https://amaz0n-jp.top/\">"])
        doc = anchor(rng) + fragment * (1_000_000 // max(1, len(fragment)))
        return head + b"Content-Type: text/html; charset=utf-8\r\n\r\n" + doc.encode()
    if family == "nesting":
        return head + nested(rng, rng.choice([100, 999, 3000, 20_000]))
    # "line": one 5 MB line (or whitespace run) with no line break
    filler = rng.choice([b"a", b" ", b"www.", b"a.", b"=", b"\t", b"\xe3\x81\x82"])
    return head + b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + lure.encode() + filler * (5_000_000 // len(filler))


def build(rng: random.Random, family: str | None = None) -> bytes:
    """A hostile message: mixed families, or one of ``LARGE`` when ``family`` names it."""
    if family:
        return large(rng, family)
    return message(rng, 0, rng.choice([2, 4, 6, 6, 8, 40]))


def messages() -> st.SearchStrategy[bytes]:
    """Mixed hostile messages of ordinary size."""
    return st.randoms(use_true_random=False).map(build)


def large_messages(family: str) -> st.SearchStrategy[bytes]:
    """Big hostile messages of one ``LARGE`` family."""
    return st.randoms(use_true_random=False).map(lambda rng: build(rng, family))
