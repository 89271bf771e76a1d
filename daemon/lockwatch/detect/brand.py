"""Does a message present itself as Amazon? Display name, sender, subject, body and logos."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lockwatch.detect.domains import edit_distance, label_skeleton, letters_skeleton, nfkc, skeleton
from lockwatch.detect.knowledge import knowledge
from lockwatch.model import Mail

__all__ = ["BrandClaim", "brand_claim", "brand_haystack", "names_brand",
           "speaks_as_brand", "typo_of_brand"]


@dataclass(frozen=True)
class BrandClaim:
    in_display_name: bool
    in_address: bool  # brand in the sender's local part or domain
    in_subject: bool
    in_body: bool
    obfuscated: str  # "display name" / "subject" when the brand hides behind look-alikes, else ""
    logo: bool
    speaks_as: str = ""  # the body's words that only the brand itself writes (greeting, signature), else ""

    @property
    def strong(self) -> bool:
        return self.in_display_name or self.in_address


_RTL_RUN = re.compile("\u202e([^\u202c\n]*)")  # right-to-left override: "\u202enozamA" is shown as "Amazon"


def brand_haystack(text: str) -> str:
    """``text`` as the brand detectors read it: the look-alike skeleton, multi-letter look-alikes folded
    (rn → m: "Arnazon") and right-to-left overridden runs turned round."""
    if "\u202e" in text:
        text += "\n" + "\n".join(m[1][::-1] for m in _RTL_RUN.finditer(text[:knowledge().window("text")]))
    folded = skeleton(text)
    sequences = folded
    for seq, repl in knowledge().confusable_sequences.items():
        sequences = sequences.replace(seq, repl)
    return folded if sequences == folded else f"{folded}\n{sequences}"


@functools.lru_cache(maxsize=32)
def names_brand(text: str) -> bool:
    """The brand named in ``text`` in any disguise (cached: one mail asks of the same texts several times)."""
    return bool(text) and bool(knowledge().brand_text.search(brand_haystack(text)))


_WORD = re.compile(r"[^\W\d_]{5,8}")


def typo_of_brand(name: str) -> str:
    """A word of a display name one typo away from the brand ("Amaozn", "Amason"), or ""."""
    for word in _WORD.findall(skeleton(name)[:300]):
        if word.isascii() and _typo_word(word):
            return word
    return ""


@functools.lru_cache(maxsize=8192)  # pure; display names repeat mail after mail
def _typo_word(word: str) -> bool:
    return any(0 < edit_distance(word, brand, 1) <= 1 for brand in knowledge().brand_typo_words)


def _obfuscated(text: str, *, width_folded: bool = False) -> bool:
    """The brand is there only in disguise; ``width_folded``: full-width and half-width forms are no
    disguise (Japanese body text writes Ａｍａｚｏｎ and ｱﾏｿﾞﾝ plainly)."""
    if not names_brand(text):
        return False
    raw = nfkc(text).casefold() if width_folded else text.casefold()
    return not any(word in raw for word in knowledge().brand_words)


def speaks_as_brand(text: str) -> str:
    """The words by which a body speaks as the brand itself ("Amazon.co.jp をご利用いただき…"), or ""."""
    if not text:
        return ""
    k = knowledge()
    head, tail = k.window("voice_head"), k.window("voice_tail")  # greetings at the top, signatures at the end
    parts = [text[:head]] + ([text[-tail:]] if len(text) > head else [])
    sieve = k.speaks_as
    for part in parts:
        m = sieve.search(letters_skeleton(part))
        if m:
            return " ".join(m.group(0).split())[:60]
    return ""


_FORWARDED = re.compile(r"(?im)^[ \t>]*(-{2,}\s*(forwarded message|original message|転送メッセージ|元のメッセージ)"
                        r"|-{5,}\s*(original|forwarded)|begin forwarded message:|以下は転送|転送されたメッセージ)")


def _unquoted(text: str) -> str:
    """The sender's own words: a forwarded or quoted part (and ">" lines) speaks for someone else."""
    m = _FORWARDED.search(text[:knowledge().window("forwarded")])
    own = text[:m.start()] if m else text
    if ">" not in own:  # no quoted line: every line is kept
        return "\n".join(own.splitlines())
    return "\n".join(line for line in own.splitlines() if not line.lstrip().startswith(">"))


def brand_claim(mail: Mail, addresses: list[str] | None = None, body: str | None = None) -> BrandClaim:
    """How the mail presents itself as the brand; ``addresses``: every address a reader may take as the sender."""
    k = knowledge()

    def brand_in(address: str) -> bool:
        local, _, domain = address.partition("@")
        return any(lbl in label_skeleton(local) for lbl in k.brand_labels) or any(
            lbl in label_skeleton(part) for part in domain.split(".") for lbl in k.brand_labels)

    in_address = any(brand_in(a) for a in (addresses or [mail.from_addr])[:20])
    text = mail.text if body is None else body
    body = text[:k.window("body")]
    obfuscated = ("display name" if _obfuscated(mail.from_name) or typo_of_brand(mail.from_name)
                  else "subject" if _obfuscated(mail.subject)
                  else "body" if _obfuscated(body, width_folded=True) else "")
    return BrandClaim(
        in_display_name=names_brand(mail.from_name),
        in_address=in_address,
        in_subject=names_brand(mail.subject),
        in_body=names_brand(body),
        obfuscated=obfuscated,
        logo=any(k.logo_image.search(src) for src in mail.images[:200]),
        speaks_as=speaks_as_brand(_unquoted(text)),
    )
