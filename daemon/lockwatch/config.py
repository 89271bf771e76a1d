"""The config file: TOML → frozen, typed settings with strict validation.

Every section is a frozen dataclass whose fields carry their own converter in the field metadata,
so adding a key is adding one field. Errors name the file, the key (``account[0].folderz``) and
what was expected; values are only echoed for enumerations, never for secrets.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lockwatch.errors import ConfigError
from lockwatch.logs import add_secrets, add_url_secrets

if TYPE_CHECKING:
    from lockwatch.detect.options import DetectOptions

__all__ = [
    "Account", "Burst", "Config", "Detect", "Notify", "NotifyTarget", "Schedule",
    "StateSettings", "default_state_path", "find_config", "load", "load_default", "parse_duration",
    "parse_since",
]

log = logging.getLogger(__name__)

LOCAL_TYPES = ("maildir", "mbox", "eml")
SEVERITIES = ("info", "warning", "critical")
SECRET_KEYS = ("password", "password_env", "password_file", "password_command", "credential")
DEFAULT_MAX_MESSAGE_SIZE = 2 * 1024 * 1024


class _Invalid(ValueError):
    """Raised by converters; turned into a ConfigError naming the file and key."""


# -- value converters ------------------------------------------------------------------------
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$", re.IGNORECASE)


def parse_duration(value: object) -> timedelta:
    """"30s", "2m", "24h", "7d", "1w" (or a number of seconds) → timedelta."""
    if isinstance(value, bool):
        raise _Invalid("a duration such as \"30s\", \"2m\", \"24h\" or \"7d\"")
    if isinstance(value, int | float) and value >= 0:
        return timedelta(seconds=value)
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match:
        raise _Invalid("a duration such as \"30s\", \"2m\", \"24h\" or \"7d\"")
    return timedelta(seconds=float(match[1]) * _UNIT_SECONDS[match[2]])


def parse_since(value: str | date, now: datetime | None = None) -> date:
    """"7d" (a duration back from now) or "YYYY-MM-DD" → the first day to read (IMAP SINCE)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        pass
    try:
        back = parse_duration(value)
    except _Invalid:
        raise _Invalid("a duration such as \"7d\" or a date YYYY-MM-DD") from None
    return ((now or datetime.now(UTC)) - back).date()


def _since(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise _Invalid("a duration such as \"7d\" or a date YYYY-MM-DD")
    parse_since(value)
    return value


def _size(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match or float(match[1]) <= 0:
        raise _Invalid("a size in bytes or such as \"2MB\", \"500KB\"")
    return int(float(match[1]) * 1024 ** " kmg".index(match[2].lower() or " "))


def _str(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("a non-empty string")
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("true or false")
    return value


def _int(lo: int, hi: int) -> Callable[[object], int]:
    def convert(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise _Invalid(f"an integer from {lo} to {hi}")
        return value
    return convert


def _seconds(value: object) -> float:
    seconds = parse_duration(value).total_seconds()
    if seconds <= 0:
        raise _Invalid("a positive duration such as \"30s\"")
    return seconds


def _choice(*choices: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        if value not in choices:
            shown = f" (got {value!r})" if isinstance(value, str) else ""
            raise _Invalid(" or ".join(f'"{c}"' for c in choices) + shown)
        return value  # type: ignore[return-value]
    return convert


def _str_list(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Invalid("a list of non-empty strings")
    return tuple(value)


def _folders(value: object) -> tuple[str, ...]:
    folders = _str_list(value)
    if not folders:
        raise _Invalid("a non-empty list of folder names such as [\"INBOX\", \"Junk\"]")
    return folders


def _key(convert: Callable[[object], Any], default: Any = dataclasses.MISSING, *,
         secret: bool = False, factory: Callable[[], Any] | None = None) -> Any:
    """A dataclass field that is also a config key, converted and checked by ``convert``."""
    meta = {"convert": convert}
    if factory is not None:
        return field(default_factory=factory, metadata=meta, repr=not secret)
    return field(default=default, metadata=meta, repr=not secret)


# -- sections --------------------------------------------------------------------------------
def default_state_path() -> str:
    """/var/lib/lockwatch/state.db for root, else $XDG_STATE_HOME/lockwatch/state.db."""
    if os.geteuid() == 0:
        return "/var/lib/lockwatch/state.db"
    base = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return os.path.join(base, "lockwatch", "state.db")


@dataclass(frozen=True)
class StateSettings:
    path: str = _key(_str, factory=default_state_path)


@dataclass(frozen=True)
class Account:
    """One mailbox: an IMAP account or a local mail store."""

    name: str = _key(_str)
    type: str = _key(_choice("imap", *LOCAL_TYPES), "imap")
    path: str | None = _key(_str, None)  # local stores only
    host: str | None = _key(_str, None)
    port: int | None = _key(_int(1, 65535), None)  # default 993 (tls) / 143 (starttls)
    security: str = _key(_choice("tls", "starttls"), "tls")
    ca_file: str | None = _key(_str, None)
    username: str | None = _key(_str, None)
    password: str | None = _key(_str, None, secret=True)
    password_env: str | None = _key(_str, None)
    password_file: str | None = _key(_str, None)
    password_command: str | None = _key(_str, None)
    credential: str | None = _key(_str, None)
    auth: str = _key(_choice("password", "xoauth2"), "password")
    token_command: str | None = _key(_str, None)
    folders: tuple[str, ...] = _key(_folders, ("INBOX",))
    timeout: float = _key(_seconds, 30.0)
    max_message_size: int = _key(_size, DEFAULT_MAX_MESSAGE_SIZE)
    since: str | None = _key(_since, None)

    @property
    def is_local(self) -> bool:
        return self.type in LOCAL_TYPES

    @property
    def imap_port(self) -> int:
        return self.port or (993 if self.security == "tls" else 143)


@dataclass(frozen=True)
class Schedule:
    interval: float = _key(_seconds, 120.0)
    idle: bool = _key(_bool, True)


DEFAULT_GIFT_CARD_LIMITS = {"JPY": 20000.0, "USD": 150.0, "EUR": 150.0, "GBP": 120.0}
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _gift_card_limits(value: object) -> dict[str, float]:
    """{JPY = 20000, USD = 150}: merged over the defaults, so naming one currency keeps the others."""
    if not isinstance(value, dict):
        raise _Invalid("a table of currency codes and amounts such as { JPY = 20000, USD = 150 }")
    limits = dict(DEFAULT_GIFT_CARD_LIMITS)
    for currency, amount in value.items():
        if not _CURRENCY.match(currency):
            raise _Invalid(f"ISO currency codes such as JPY or USD as keys (got {currency!r})")
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
            raise _Invalid(f"a positive amount for {currency}")
        limits[currency] = float(amount)
    return limits


def _default_limits() -> dict[str, float]:
    return dict(DEFAULT_GIFT_CARD_LIMITS)


@dataclass(frozen=True)
class Burst:
    """Takeover and lock incident rules (lockwatch.track.takeover); times are event times (the mails' Dates)."""

    orders: int = _key(_int(1, 1000), 3)
    window: float = _key(_seconds, 1800.0)
    gift_card_limits: Mapping[str, float] = _key(_gift_card_limits, factory=_default_limits)
    gift_card_window: float = _key(_seconds, 86400.0)
    security_window: float = _key(_seconds, 7200.0)
    bomb_window: float = _key(_seconds, 900.0)
    bomb_messages: int = _key(_int(2, 100000), 20)
    bomb_senders: int = _key(_int(1, 100000), 10)
    lock_lookback: float = _key(_seconds, 172800.0)
    quiet_period: float = _key(_seconds, 86400.0)
    followup_interval: float = _key(_seconds, 600.0)
    backfill_max_age: float = _key(_seconds, 86400.0)


@dataclass(frozen=True)
class NotifyTarget:
    """One apprise URL; its repr never shows the URL (it may hold a token)."""

    url: str = _key(_str, secret=True)
    min_severity: str = _key(_choice(*SEVERITIES), "info")
    tags: tuple[str, ...] = _key(_str_list, ())
    format: str = _key(_choice("text", "markdown", "html"), "text")


@dataclass(frozen=True)
class Notify:
    urls: tuple[NotifyTarget, ...] = _key(lambda v: v, ())  # converted by _notify_urls
    language: str = _key(_choice("ja", "en"), "ja")


@dataclass(frozen=True)
class Detect:
    authserv_ids: tuple[str, ...] = _key(_str_list, ())
    trusted_forwarders: tuple[str, ...] = _key(_str_list, ())
    dkim_verify: bool = _key(_bool, True)
    dns_servers: tuple[str, ...] = _key(_str_list, ())
    dns_port: int = _key(_int(1, 65535), 53)
    dns_timeout: float = _key(_seconds, 1.0)

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


# -- loading ---------------------------------------------------------------------------------
def _build(cls: type, table: object, key: str, file: Path | None) -> Any:
    """Convert one TOML table into ``cls``: unknown keys, wrong types and missing keys fail."""
    if not isinstance(table, dict):
        raise ConfigError(file, key, "expected a table")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for name in table:
        if name not in fields:
            raise ConfigError(file, f"{key}.{name}", f"unknown key (expected one of: {', '.join(fields)})")
    values = {}
    for name, f in fields.items():
        if name in table:
            try:
                values[name] = f.metadata["convert"](table[name])
            except _Invalid as exc:
                raise ConfigError(file, f"{key}.{name}", f"expected {exc}") from None
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ConfigError(file, f"{key}.{name}", "missing (required)")
    return cls(**values)


def _notify_urls(value: object, file: Path | None) -> tuple[NotifyTarget, ...]:
    if not isinstance(value, list):
        raise ConfigError(file, "notify.urls", "expected a list of apprise URLs (strings or tables)")
    targets = []
    for i, item in enumerate(value):
        key = f"notify.urls[{i}]"
        if isinstance(item, str):
            item = {"url": item}
        targets.append(_build(NotifyTarget, item, key, file))
    return tuple(targets)


def _check_account(account: Account, key: str, file: Path | None) -> None:
    def fail(name: str, message: str) -> None:
        raise ConfigError(file, f"{key}.{name}", message)

    if "/" in account.name:
        fail("name", "must not contain '/'")
    secrets = [name for name in SECRET_KEYS if getattr(account, name) is not None]
    if account.is_local:
        if account.path is None:
            fail("path", f"missing (required for type = \"{account.type}\")")
        for name in ("host", "port", "ca_file", "username", "token_command", *secrets):
            if getattr(account, name) is not None:
                fail(name, f"only for type = \"imap\" (this account has type = \"{account.type}\")")
        return
    if account.path is not None:
        fail("path", "only for local stores (type = \"maildir\", \"mbox\" or \"eml\")")
    if account.host is None:
        fail("host", "missing (required for an IMAP account)")
    if account.username is None:
        fail("username", "missing (required for an IMAP account)")
    if account.auth == "xoauth2":
        if account.token_command is None:
            fail("token_command", "missing (required with auth = \"xoauth2\")")
        if secrets:
            fail(secrets[0], "not used with auth = \"xoauth2\" (the token comes from token_command)")
        return
    if account.token_command is not None:
        fail("token_command", "only with auth = \"xoauth2\"")
    if len(secrets) != 1:
        what = "missing" if not secrets else f"more than one given ({', '.join(secrets)})"
        fail("password", f"{what}: give exactly one of {', '.join(SECRET_KEYS)}")


def _security(table: dict[str, Any], key: str, file: Path | None) -> None:
    value = table.get("security")
    if isinstance(value, str) and value.lower() in ("none", "plain", "plaintext", "off", "no"):
        raise ConfigError(file, f"{key}.security",
                          "plaintext IMAP is refused (passwords and mail would cross the network "
                          "unencrypted); use \"tls\" or \"starttls\"")


def parse(data: dict[str, Any], file: Path | None = None) -> Config:
    """Validate an already-parsed TOML document."""
    known = ("account", *SECTIONS)
    for name in data:
        if name not in known:
            raise ConfigError(file, name, f"unknown section (expected one of: {', '.join(known)})")
    sections: dict[str, Any] = {}
    for name, cls in SECTIONS.items():
        table = dict(data.get(name, {})) if isinstance(data.get(name, {}), dict) else data[name]
        urls = table.pop("urls", None) if name == "notify" and isinstance(table, dict) else None
        sections[name] = _build(cls, table, name, file)
        if urls is not None:
            sections[name] = dataclasses.replace(sections[name], urls=_notify_urls(urls, file))
    raw_accounts = data.get("account", [])
    if not isinstance(raw_accounts, list):
        raise ConfigError(file, "account", "expected [[account]] tables")
    accounts = []
    for i, table in enumerate(raw_accounts):
        key = f"account[{i}]"
        if isinstance(table, dict):
            _security(table, key, file)
        account = _build(Account, table, key, file)
        _check_account(account, key, file)
        if any(a.name == account.name for a in accounts):
            raise ConfigError(file, f"{key}.name", f"duplicate account name {account.name!r}")
        accounts.append(account)
    add_secrets(*(a.password for a in accounts))  # masked in every log line from now on
    for target in sections["notify"].urls:
        add_url_secrets(target.url)
    return Config(path=file, accounts=tuple(accounts), **sections)


def load(path: str | os.PathLike[str]) -> Config:
    """Read and validate one config file."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(file, "", "file not found") from None
    except OSError as exc:
        raise ConfigError(file, "", f"cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(file, "", "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, "", f"invalid TOML: {exc}") from None
    config = parse(data, file)
    if any(a.password is not None for a in config.accounts):
        warn_if_exposed(file, "holds a password")
    return config


def warn_if_exposed(path: Path, what: str) -> None:
    """Log a warning when a file holding a secret is readable by group or others."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s %s but is readable by group/others (mode %o); run: chmod 600 %s",
                    path, what, stat.S_IMODE(mode), path)


def find_config(explicit: str | None = None) -> Path | None:
    """-c PATH, else $LOCKWATCH_CONFIG, else ~/.config/lockwatch/config.toml, else /etc/lockwatch/."""
    if explicit:
        return Path(explicit)
    if os.environ.get("LOCKWATCH_CONFIG"):
        return Path(os.environ["LOCKWATCH_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    for candidate in (Path(base) / "lockwatch" / "config.toml", Path("/etc/lockwatch/config.toml")):
        if candidate.is_file():
            return candidate
    return None


def load_default(explicit: str | None = None, *, required: bool = True) -> Config | None:
    """Load the config found by ``find_config``; None when there is none and it is optional."""
    path = find_config(explicit)
    if path is None:
        if required:
            raise ConfigError("config.toml", "", "no config file: give -c PATH or set $LOCKWATCH_CONFIG "
                              "(looked in ~/.config/lockwatch/config.toml and /etc/lockwatch/config.toml)")
        return None
    return load(path)
