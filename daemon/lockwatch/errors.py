"""Every error lockwatch raises on purpose, in one tree (catch ``LockwatchError`` for all of them)::

    LockwatchError
    ├── ConfigError        the config file is unusable (names the file and the key)
    ├── CredentialError    a secret could not be obtained (variable, file, command, credential)
    ├── ParseError         the bytes are not a message lockwatch can read
    ├── SourceError        a mailbox could not be read (safe to show, never holds a secret)
    │   ├── AuthError      the server refused the credentials: retrying will not help
    │   └── ConnectionLost the connection broke: the rest of the account cannot be read now
    └── StateError         the state database cannot be opened or written (``transient``: the disk)

This module imports nothing from lockwatch: every stage may raise these.
"""

from __future__ import annotations

import os

__all__ = ["ERROR_TEXT_MAX", "AuthError", "ConfigError", "ConnectionLost", "CredentialError", "LockwatchError", "ParseError",
           "SourceError", "StateError"]

ERROR_TEXT_MAX = 300  # characters of an error kept in the state file, a log line or an alert


class LockwatchError(Exception):
    """The root of every error lockwatch raises on purpose; its message is safe to show."""


class ConfigError(LockwatchError):
    """The config is unusable; the message names the file, the key and what is expected."""

    def __init__(self, file: str | os.PathLike[str] | None, key: str, message: str) -> None:
        self.file, self.key = str(file or "<config>"), key
        super().__init__(f"{self.file}: {key}: {message}" if key else f"{self.file}: {message}")


class CredentialError(LockwatchError):
    """A secret could not be obtained (missing variable, unreadable file, failing command)."""


class ParseError(LockwatchError):
    """The bytes are not a message lockwatch can read."""


class SourceError(LockwatchError):
    """A mailbox could not be read; the message is safe to show (never holds a secret)."""


class AuthError(SourceError):
    """The server refused the credentials: retrying will not help."""


class ConnectionLost(SourceError):
    """The connection broke (server gone, timeout): the rest of the account cannot be read now."""


class StateError(LockwatchError):
    """The state database cannot be opened or written; ``transient``: the disk is full, failing or
    read-only (it may work again later), not a wrong path or permission."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
