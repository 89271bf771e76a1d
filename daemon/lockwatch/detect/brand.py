"""Does a message present itself as Amazon? Display name, sender, subject, body and logos."""

from __future__ import annotations

from dataclasses import dataclass

from lockwatch.detect.domains import fold, label_skeleton, skeleton
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


def brand_claim(mail: Mail) -> BrandClaim:
    k = knowledge()
    local, _, domain = mail.from_addr.partition("@")
    in_address = any(lbl in label_skeleton(local) for lbl in k.brand_labels) or any(
        lbl in label_skeleton(part) for part in domain.split(".") for lbl in k.brand_labels)
    obfuscated = "display name" if _obfuscated(mail.from_name) else "subject" if _obfuscated(mail.subject) else ""
    body = mail.text[:20000]
    return BrandClaim(
        in_display_name=names_brand(mail.from_name),
        in_address=in_address,
        in_subject=names_brand(mail.subject),
        in_body=names_brand(body),
        obfuscated=obfuscated,
        logo=any(k.logo_image.search(src) for src in mail.images[:200]),
    )
