"""Does a message present itself as Amazon? Display name, sender, subject, body and logos."""

from __future__ import annotations

from dataclasses import dataclass

from lockwatch.detect.domains import fold, label_skeleton, letters_skeleton, skeleton
from lockwatch.detect.knowledge import knowledge
from lockwatch.model import Mail


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


def names_brand(text: str) -> bool:
    return bool(text) and bool(knowledge().brand_text.search(skeleton(text)))


def plainly_names_brand(text: str) -> bool:
    """The brand in plain letters (no look-alikes, no separators inside the word)."""
    folded = fold(text)
    return any(word in folded for word in knowledge().brand_words)


def _obfuscated(text: str) -> bool:
    if not names_brand(text):
        return False
    raw = text.casefold()
    return not any(word in raw for word in knowledge().brand_words)


VOICE_HEAD, VOICE_TAIL = 20_000, 6_000  # greetings sit at the top, signatures and footers at the end


def speaks_as_brand(text: str) -> str:
    """The words by which a body speaks as the brand itself ("Amazon.co.jp をご利用いただき…"), or ""."""
    if not text:
        return ""
    pattern = knowledge().speaks_as
    parts = [text[:VOICE_HEAD]] + ([text[-VOICE_TAIL:]] if len(text) > VOICE_HEAD else [])
    for part in parts:
        m = pattern.search(letters_skeleton(part))
        if m:
            return " ".join(m.group(0).split())[:60]
    return ""


def brand_claim(mail: Mail, addresses: list[str] | None = None) -> BrandClaim:
    """How the mail presents itself as the brand; ``addresses``: every address a reader may take as the sender."""
    k = knowledge()

    def brand_in(address: str) -> bool:
        local, _, domain = address.partition("@")
        return any(lbl in label_skeleton(local) for lbl in k.brand_labels) or any(
            lbl in label_skeleton(part) for part in domain.split(".") for lbl in k.brand_labels)

    in_address = any(brand_in(a) for a in (addresses or [mail.from_addr])[:20])
    obfuscated = "display name" if _obfuscated(mail.from_name) else "subject" if _obfuscated(mail.subject) else ""
    body = mail.text[:20000]
    return BrandClaim(
        in_display_name=names_brand(mail.from_name),
        in_address=in_address,
        in_subject=names_brand(mail.subject),
        in_body=names_brand(body),
        obfuscated=obfuscated,
        logo=any(k.logo_image.search(src) for src in mail.images[:200]),
        speaks_as=speaks_as_brand(mail.text),
    )
