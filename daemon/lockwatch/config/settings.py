"""The settings: one frozen dataclass per config section, each field a key with its converter and default."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lockwatch.config.values import (
    Invalid,
    choice,
    flag,
    folder_list,
    integer,
    key,
    parse_size,
    positive_seconds,
    since_value,
    str_list,
    text,
)
from lockwatch.errors import ConfigError
from lockwatch.model import SEVERITIES

if TYPE_CHECKING:
    from lockwatch.detect.options import DetectOptions

__all__ = [
    "DEFAULT_GIFT_CARD_LIMITS", "DEFAULT_GIVE_UP_AFTER", "DEFAULT_MAX_MESSAGE_SIZE", "DEFAULT_SINCE", "LOCAL_TYPES",
    "SECRET_KEYS", "SECTIONS", "Account", "Burst", "Config", "Detect", "Notify", "NotifyTarget", "Schedule",
    "StateSettings", "default_state_path",
]

LOCAL_TYPES = ("maildir", "mbox", "eml")
SECRET_KEYS = ("password", "password_env", "password_file", "password_command", "credential")
DEFAULT_MAX_MESSAGE_SIZE = 2 * 1024 * 1024
DEFAULT_SINCE = "30d"  # how far back an account's first pass looks (scan and daemon) without since / --since
DEFAULT_GIVE_UP_AFTER = 3 * 86400.0  # an alert no URL took for this long is given up
DEFAULT_GIFT_CARD_LIMITS = {"JPY": 20000.0, "USD": 150.0, "EUR": 150.0, "GBP": 120.0}
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def default_state_path() -> str:
    """/var/lib/lockwatch/state.db for root, else $XDG_STATE_HOME/lockwatch/state.db."""
    if os.geteuid() == 0:
        return "/var/lib/lockwatch/state.db"
    base = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return os.path.join(base, "lockwatch", "state.db")


@dataclass(frozen=True)
class StateSettings:
    path: str = key(text, factory=default_state_path)


@dataclass(frozen=True)
class Account:
    """One mailbox: an IMAP account or a local mail store."""

    name: str = key(text)
    type: str = key(choice("imap", *LOCAL_TYPES), "imap")
    path: str | None = key(text, None)  # local stores only
    host: str | None = key(text, None)
    port: int | None = key(integer(1, 65535), None)  # default 993 (tls) / 143 (starttls)
    security: str = key(choice("tls", "starttls"), "tls")
    ca_file: str | None = key(text, None)
    username: str | None = key(text, None)
    password: str | None = key(text, None, secret=True)
    password_env: str | None = key(text, None)
    password_file: str | None = key(text, None)
    password_command: str | None = key(text, None)
    credential: str | None = key(text, None)
    auth: str = key(choice("password", "xoauth2"), "password")
    token_command: str | None = key(text, None)
    folders: tuple[str, ...] = key(folder_list, ("INBOX",))
    timeout: float = key(positive_seconds, 30.0)
    max_message_size: int = key(parse_size, DEFAULT_MAX_MESSAGE_SIZE)
    since: str | None = key(since_value, None)

    @property
    def is_local(self) -> bool:
        return self.type in LOCAL_TYPES

    @property
    def imap_port(self) -> int:
        return self.port or (993 if self.security == "tls" else 143)


@dataclass(frozen=True)
class Schedule:
    interval: float = key(positive_seconds, 120.0)
    idle: bool = key(flag, True)


def _gift_card_limits(value: object) -> dict[str, float]:
    """{JPY = 20000, USD = 150}: merged over the defaults, so naming one currency keeps the others."""
    if not isinstance(value, dict):
        raise Invalid("a table of currency codes and amounts such as { JPY = 20000, USD = 150 }")
    limits = dict(DEFAULT_GIFT_CARD_LIMITS)
    for currency, amount in value.items():
        if not _CURRENCY.match(currency):
            raise Invalid(f"ISO currency codes such as JPY or USD as keys (got {currency!r})")
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
            raise Invalid(f"a positive amount for {currency}")
        limits[currency] = float(amount)
    return limits


def _default_limits() -> dict[str, float]:
    return dict(DEFAULT_GIFT_CARD_LIMITS)


@dataclass(frozen=True)
class Burst:
    """Takeover and lock incident rules (lockwatch.track.takeover); times are event times (the mails' Dates)."""

    orders: int = key(integer(1, 1000), 3)
    window: float = key(positive_seconds, 1800.0)
    gift_card_limits: Mapping[str, float] = key(_gift_card_limits, factory=_default_limits)
    gift_card_window: float = key(positive_seconds, 86400.0)
    security_window: float = key(positive_seconds, 7200.0)
    bomb_window: float = key(positive_seconds, 900.0)
    bomb_messages: int = key(integer(2, 100000), 20)
    bomb_senders: int = key(integer(1, 100000), 10)
    lock_lookback: float = key(positive_seconds, 172800.0)
    quiet_period: float = key(positive_seconds, 86400.0)
    followup_interval: float = key(positive_seconds, 600.0)
    backfill_max_age: float = key(positive_seconds, 86400.0)


@dataclass(frozen=True)
class NotifyTarget:
    """One apprise URL; its repr never shows the URL (it may hold a token)."""

    url: str = key(text, secret=True)
    min_severity: str = key(choice(*SEVERITIES), "info")
    tags: tuple[str, ...] = key(str_list, ())
    format: str = key(choice("text", "markdown", "html"), "text")


@dataclass(frozen=True)
class Notify:
    urls: tuple[NotifyTarget, ...] = key(lambda v: v, ())  # converted by the loader (strings or tables)
    language: str = key(choice("ja", "en"), "ja")
    give_up_after: float = key(positive_seconds, DEFAULT_GIVE_UP_AFTER)  # seconds


@dataclass(frozen=True)
class Detect:
    authserv_ids: tuple[str, ...] = key(str_list, ())
    trusted_forwarders: tuple[str, ...] = key(str_list, ())
    dkim_verify: bool = key(flag, True)
    dns_servers: tuple[str, ...] = key(str_list, ())
    dns_port: int = key(integer(1, 65535), 53)
    dns_timeout: float = key(positive_seconds, 1.0)

    def options(self) -> DetectOptions:
        from lockwatch.detect.options import DetectOptions

        return DetectOptions(authserv_ids=self.authserv_ids, trusted_forwarders=self.trusted_forwarders,
                             dkim_verify=self.dkim_verify,
                             dns_servers=self.dns_servers, dns_port=self.dns_port,
                             dns_timeout=self.dns_timeout)


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    state: StateSettings = field(default_factory=StateSettings)
    accounts: tuple[Account, ...] = ()
    schedule: Schedule = field(default_factory=Schedule)
    burst: Burst = field(default_factory=Burst)
    notify: Notify = field(default_factory=Notify)
    detect: Detect = field(default_factory=Detect)

    def account(self, name: str) -> Account:
        for account in self.accounts:
            if account.name == name:
                return account
        known = ", ".join(a.name for a in self.accounts) or "none"
        raise ConfigError(self.path, "account", f"no account named {name!r} (configured: {known})")


SECTIONS: dict[str, type] = {"state": StateSettings, "schedule": Schedule, "burst": Burst,
                             "notify": Notify, "detect": Detect}
