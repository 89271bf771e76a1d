"""Finding, reading and validating the config file: TOML → ``Config``, strictly.

Errors name the file, the key (``account[0].folderz``) and what was expected; values are only echoed
for enumerations, never for secrets.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from lockwatch.config.settings import SECRET_KEYS, SECTIONS, Account, Config, NotifyTarget
from lockwatch.config.values import Invalid
from lockwatch.errors import ConfigError
from lockwatch.logs import add_secrets, add_url_secrets

__all__ = ["find_config", "load", "load_default", "parse", "warn_if_exposed"]

log = logging.getLogger("lockwatch.config")  # the name its warnings always had
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
            except Invalid as exc:
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
