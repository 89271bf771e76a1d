"""Secrets for an account: password (inline, env, file, command, systemd credential) or an OAuth2 token.

Values are read at login time, never cached here, never logged; errors say where the secret
should have come from, not what it was.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from lockwatch.config import Account, warn_if_exposed
from lockwatch.errors import CredentialError
from lockwatch.logs import add_secrets

__all__ = ["oauth2_token", "password"]

COMMAND_TIMEOUT = 60.0


def password(account: Account) -> str:
    """The account's password from whichever single source the config names (masked in logs from now on)."""
    value = _password(account)
    add_secrets(value)
    return value


def _password(account: Account) -> str:
    if account.password is not None:
        return account.password
    if account.password_env is not None:
        value = os.environ.get(account.password_env)
        if not value:
            raise CredentialError(f"{account.name}: environment variable ${account.password_env} is not set")
        return value
    if account.password_file is not None:
        return _read_file(account, Path(account.password_file).expanduser(), "password_file")
    if account.password_command is not None:
        return _run(account, account.password_command, "password_command")
    if account.credential is not None:
        directory = os.environ.get("CREDENTIALS_DIRECTORY")
        if not directory:
            raise CredentialError(f"{account.name}: credential {account.credential!r} needs "
                                  "$CREDENTIALS_DIRECTORY (run under systemd with LoadCredential=)")
        return _read_file(account, Path(directory) / account.credential, "credential", check_mode=False)
    raise CredentialError(f"{account.name}: no password configured")


def oauth2_token(account: Account) -> str:
    """A fresh XOAUTH2 access token: token_command is run again on every connect."""
    if account.token_command is None:
        raise CredentialError(f"{account.name}: auth = \"xoauth2\" needs token_command")
    token = _run(account, account.token_command, "token_command")
    add_secrets(token, transient=True)
    return token


def _read_file(account: Account, path: Path, key: str, *, check_mode: bool = True) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise CredentialError(f"{account.name}: {key} {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CredentialError(f"{account.name}: {key} {path}: not UTF-8 text") from None
    if check_mode:
        warn_if_exposed(path, "holds a password")
    if not value:
        raise CredentialError(f"{account.name}: {key} {path} is empty")
    return value


def _run(account: Account, command: str, key: str) -> str:
    """Run a shell command and return its trimmed stdout; its output never reaches an error."""
    try:
        done = subprocess.run(command, shell=True, capture_output=True, timeout=COMMAND_TIMEOUT,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise CredentialError(f"{account.name}: {key} timed out after {COMMAND_TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise CredentialError(f"{account.name}: {key} could not run: {exc.strerror}") from None
    if done.returncode != 0:
        raise CredentialError(f"{account.name}: {key} failed (exit status {done.returncode})")
    value = done.stdout.decode("utf-8", "replace").strip()
    if not value:
        raise CredentialError(f"{account.name}: {key} printed nothing")
    return value
