"""Bytes → text whatever the label says: Japanese charset repairs (Shift_JIS read as CP932, ISO-2022-JP with vendor
characters) and the fallbacks for missing, wrong and unknown labels."""

from __future__ import annotations

import codecs
import contextlib
import encodings.aliases
import re

__all__ = ["SHIFT_JIS_NAMES", "decode_body", "decode_iso2022jp", "install_codec_aliases"]

SHIFT_JIS_NAMES = ("shift_jis", "shift-jis", "sjis", "s_jis", "x_sjis", "x-sjis", "csshiftjis",
                   "windows_31j", "windows-31j", "ms_kanji", "shiftjis")
_installed = False
_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # also the start of the UTF-32 ones


def install_codec_aliases() -> None:
    """Make every Shift_JIS label decode as CP932 (a superset: ①, ㈱, ～, 髙 ...).

    Must run before the first lookup of those names, which the codec registry caches.
    """
    global _installed
    if _installed:
        return
    for name in SHIFT_JIS_NAMES:
        encodings.aliases.aliases[name.replace("-", "_")] = "cp932"

    def _search(name: str) -> codecs.CodecInfo | None:
        if name.replace("-", "_") in {n.replace("-", "_") for n in SHIFT_JIS_NAMES}:
            return codecs.lookup("cp932")
        return None

    codecs.register(_search)
    _installed = True


install_codec_aliases()  # before anything here looks a label up


def _jis_pair_to_sjis(c1: int, c2: int) -> bytes:
    s1 = ((c1 + 1) >> 1) + (0x70 if c1 < 0x5F else 0xB0)
    s2 = c2 + (0x1F if c2 < 0x60 else 0x20) if c1 & 1 else c2 + 0x7E
    return bytes((s1 & 0xFF, s2 & 0xFF))

_JIS = range(0x21, 0x7F)  # the bytes of a JIS X 0208 pair
# a run of pairs → Shift_JIS with bytes.translate: the lead byte alone gives the first byte; the trail byte and
# whether the lead is odd give the second (table keyed by the trail byte, plus 0x80 for an odd lead)
_LEAD = bytes(_jis_pair_to_sjis(b, 0x21)[0] if b in _JIS else 0 for b in range(256))
_TRAIL = bytes(_jis_pair_to_sjis(0x21 if b & 0x80 else 0x22, b & 0x7F)[1] if b & 0x7F in _JIS else 0
               for b in range(256))
_ODD = bytes(0x80 if b & 1 else 0 for b in range(256))
_KANA = bytes(b + 0x80 if 0x21 <= b <= 0x5F else b for b in range(256))  # JIS X 0201 kana → CP932
_GETA = "〓".encode("cp932")  # for a JIS X 0212 character: no CP932 mapping
_ESCAPES = {b"$B": "jis", b"$@": "jis", b"(B": "ascii", b"(J": "ascii", b"(I": "kana"}
_MODE_BYTE = re.compile(rb"[\x1b\x0e\x0f]")  # ESC, SO, SI
_JIS_END = re.compile(rb"[^\x21-\x7e\r\n]")  # in JIS mode, where the pairs and line breaks stop
_JIS_RUN = re.compile(rb"[\x21-\x7e]+")


def _pairs_to_sjis(run: bytes) -> bytes:
    leads, trails = run[0::2], run[1::2]
    odd = int.from_bytes(leads.translate(_ODD), "big")
    keys = (int.from_bytes(trails, "big") | odd).to_bytes(len(trails), "big")
    out = bytearray(len(run))
    out[0::2] = leads.translate(_LEAD)
    out[1::2] = keys.translate(_TRAIL)
    return bytes(out)


def decode_iso2022jp(data: bytes) -> str:
    """Decode ISO-2022-JP (incl. NEC row 13 and IBM extensions, i.e. CP50220) via CP932."""
    out = bytearray()
    mode = "ascii"
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b == 0x1B and i + 2 < n:
            if (switch := _ESCAPES.get(data[i + 1:i + 3])) is not None:
                mode, i = switch, i + 3
                continue
            if data[i + 1:i + 4] == b"$(D":
                mode, i = "skip2", i + 4
                continue
        if mode == "skip2":  # each pair one 〓; a line break stays
            if b in (0x0A, 0x0D):
                out.append(b)
                i += 1
            else:
                out += _GETA
                i += 2
        elif b == 0x0E or b == 0x0F:  # SO/SI: half-width kana variant
            mode = "kana" if b == 0x0E else "ascii"
            i += 1
        elif b == 0x1B:  # no escape sequence: the byte itself
            out.append(b)
            i += 1
        elif mode == "jis":
            m = _JIS_END.search(data, i)
            end = m.start() if m else n
            pos = i
            for run in _JIS_RUN.finditer(data, i, end):  # runs of pair bytes between line breaks
                out += data[pos:run.start()]
                pairs = run.end() - run.start() & ~1
                out += _pairs_to_sjis(data[run.start():run.start() + pairs])
                out += data[run.start() + pairs:run.end()]  # a byte left without a partner stays
                pos = run.end()
            out += data[pos:end]
            if end < n and data[end] not in (0x1B, 0x0E, 0x0F):  # any other byte stays
                out.append(data[end])
                end += 1
            i = end
        else:  # ASCII, or kana: up to the next ESC, SO or SI
            m = _MODE_BYTE.search(data, i)
            end = m.start() if m else n
            out += data[i:end] if mode == "ascii" else data[i:end].translate(_KANA)
            i = end
    return out.decode("cp932", errors="replace")


def decode_body(payload: bytes, charset: str | None, *, partial: bool = False) -> str:
    """Bytes of a text part → str, coping with missing, wrong and unknown charset labels.

    ``partial``: the bytes are a prefix cut anywhere, so a character cut at the end is dropped.
    """
    label = (charset or "").strip().strip('"').lower()
    if b"\x1b$" in payload or b"\x1b(" in payload or label.startswith("iso-2022-jp"):
        return decode_iso2022jp(payload)
    candidates: list[str] = []
    if label:
        with contextlib.suppress(LookupError, ValueError):  # ValueError: a NUL in the label
            candidates.append(codecs.lookup(label).name)
    if not payload.isascii():
        # a label of ascii/latin-1 on 8-bit Japanese text is common: try the likely ones first
        if not candidates or candidates[0] in ("ascii", "iso8859-1", "cp1252", "latin-1"):
            candidates[:0] = ["utf-8", "cp932", "euc_jp"]
        else:
            candidates += ["utf-8", "cp932", "euc_jp"]
    candidates.append("utf-8")
    for name in candidates:
        if name in ("utf-16", "utf-32") and not payload.startswith(_BOMS):
            name += "-le"  # no byte-order mark: little-endian, as senders write it (and as Python reads it whole)
        try:
            return codecs.getincrementaldecoder(name)().decode(payload, final=not partial)
        except (UnicodeError, LookupError):  # UTF-16 without a BOM raises a bare UnicodeError
            continue
    try:
        return payload.decode(candidates[0] if candidates[0] != "ascii" else "utf-8", errors="replace")
    except UnicodeError:
        return payload.decode("utf-8", errors="replace")
