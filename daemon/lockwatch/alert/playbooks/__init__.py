"""Alert texts per language (``ja.toml``, ``en.toml``) and the official help facts of the brand profile.

A playbook holds, per alert kind, a title template, a summary and the numbered immediate actions;
``{name}`` placeholders are filled by ``lockwatch.alert.compose``; ``incidents.toml`` holds the incident
reasons (``lockwatch.alert.incident``). Phone numbers, the help page and the
reporting addresses come from the brand profile (``lockwatch/brands/amazon.toml``), never from code.
"""

from __future__ import annotations

import functools
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["LANGUAGES", "BrandHelp", "Phone", "brand_help", "incident_texts", "load"]

log = logging.getLogger(__name__)

LANGUAGES = ("ja", "en")
HERE = Path(__file__).resolve().parent
BRANDS = HERE.parent.parent / "brands"


@functools.cache
def load(lang: str) -> dict[str, Any]:
    """The playbook of ``lang`` (unknown languages fall back to English)."""
    name = lang if lang in LANGUAGES else "en"
    with (HERE / f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


@functools.cache
def incident_texts(lang: str) -> dict[str, str]:
    """The incident texts of ``lang`` (``incidents.toml``: rule reasons, follow-up words); else English."""
    with (HERE / "incidents.toml").open("rb") as f:
        data = tomllib.load(f)
    return data.get(lang) or data["en"]


@dataclass(frozen=True)
class Phone:
    number: str
    note: str = ""  # hours, "from abroad" ...


@dataclass(frozen=True)
class BrandHelp:
    """What an alert may show of the brand's own channels (official, so shown as is)."""

    page: str = ""  # official help page URL
    site: str = ""  # the address to type by hand, e.g. www.amazon.co.jp
    message_center: str = ""
    phones: tuple[Phone, ...] = ()
    report_addresses: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # profile keys that were absent

    @property
    def official_urls(self) -> tuple[str, ...]:
        return tuple(u for u in (self.page, self.message_center) if u)


@functools.cache
def brand_help(marketplace: str = "jp", brand: str = "amazon") -> BrandHelp:
    """Help page, phones and reporting addresses of ``brand`` for ``marketplace``; absent keys → empty.

    Each key is read as ``[help] <marketplace>_<key>`` (the profile's layout) or as ``[help] <key>``,
    either a plain value or a table per marketplace.
    """
    path = BRANDS / f"{brand}.toml"
    try:
        with path.open("rb") as f:
            profile = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        log.warning("brand profile %s unusable (%s): alerts go out without phone numbers and help page",
                    path.name, exc.__class__.__name__)
        profile = {}

    def get(section: str, key: str) -> Any:
        table = profile.get(section)
        if not isinstance(table, dict):
            return None
        value = table.get(f"{marketplace}_{key}", table.get(key))
        if isinstance(value, dict):  # {jp = ..., us = ...}
            value = value.get(marketplace)
        return value

    page, center = (v if isinstance(v, str) and v.startswith("https://") else ""
                    for v in (get("help", "page"), get("help", "message_center")))
    site = get("help", "site")
    site = site if isinstance(site, str) and site else (urlsplit(page).hostname or "")
    hours = get("help", "hours")
    phones = tuple(_phones(get("help", "phones"), marketplace, hours if isinstance(hours, str) else ""))
    addresses = tuple(a for a in get("report", "addresses") or () if isinstance(a, str) and "@" in a)
    missing = tuple(k for k, v in (("help.page", page), ("help.phones", phones),
                                   ("report.addresses", addresses)) if not v)
    if missing:
        log.info("brand profile %s lacks %s for %s; alerts leave them out", path.name, ", ".join(missing),
                 marketplace)
    return BrandHelp(page, site, center, phones, addresses, missing)


def _phones(value: Any, marketplace: str, hours: str) -> list[Phone]:
    """Accepts ["0120-..."] (with shared ``hours``) or [{number, note|hours|label, marketplace}]."""
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str) and item.strip():
            out.append(Phone(item.strip(), hours))
        elif isinstance(item, dict) and item.get("marketplace") in (None, marketplace):
            number = item.get("number") or item.get("phone")
            note = item.get("note") or item.get("hours") or item.get("label") or hours
            if isinstance(number, str) and number.strip():
                out.append(Phone(number.strip(), str(note)))
    return out
