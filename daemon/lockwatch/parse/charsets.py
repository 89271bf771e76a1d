"""Japanese charset repairs: Shift_JIS read as CP932, ISO-2022-JP with vendor characters."""

from __future__ import annotations

import codecs
import encodings.aliases

SHIFT_JIS_NAMES = ("shift_jis", "shift-jis", "sjis", "s_jis", "x_sjis", "x-sjis", "csshiftjis",
                   "windows_31j", "windows-31j", "ms_kanji", "shiftjis")
_installed = False


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


def _jis_pair_to_sjis(c1: int, c2: int) -> bytes:
    s1 = ((c1 + 1) >> 1) + (0x70 if c1 < 0x5F else 0xB0)
    s2 = c2 + (0x1F if c2 < 0x60 else 0x20) if c1 & 1 else c2 + 0x7E
    return bytes((s1 & 0xFF, s2 & 0xFF))


def decode_iso2022jp(data: bytes) -> str:
    """Decode ISO-2022-JP (incl. NEC row 13 and IBM extensions, i.e. CP50220) via CP932."""
    out = bytearray()
    mode = "ascii"
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b == 0x1B and i + 2 < n:
            seq = data[i + 1:i + 3]
            if seq in (b"$B", b"$@"):
                mode, i = "jis", i + 3
                continue
            if seq in (b"(B", b"(J"):
                mode, i = "ascii", i + 3
                continue
            if seq == b"(I":
                mode, i = "kana", i + 3
                continue
            if data[i + 1:i + 4] == b"$(D":  # JIS X 0212: no CP932 mapping
                mode, i = "skip2", i + 4
                continue
        if b in (0x0A, 0x0D):
            out.append(b)
            i += 1
            continue
        if mode == "jis" and i + 1 < n and 0x21 <= b <= 0x7E and 0x21 <= data[i + 1] <= 0x7E:
            out += _jis_pair_to_sjis(b, data[i + 1])
            i += 2
        elif mode == "kana" and 0x21 <= b <= 0x5F:
            out.append(b + 0x80)
            i += 1
        elif mode == "skip2":
            out += "〓".encode("cp932")
            i += 2
        elif b == 0x0E or b == 0x0F:  # SO/SI half-width kana variant
            mode = "kana" if b == 0x0E else "ascii"
            i += 1
        else:
            out.append(b)
            i += 1
    return out.decode("cp932", errors="replace")
