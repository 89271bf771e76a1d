"""Shared fixtures: one Dovecot for the session (a fresh user per test), the `lockwatch` command, configs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lockwatch.state.db import State
from support.dovecot import Dovecot, User
from support.receivers import HttpReceiver


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    """A fresh state database in the test's own directory, closed afterwards."""
    st = State(tmp_path / "state.db")
    yield st
    st.close()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def user(dovecot: Dovecot) -> User:
    return dovecot.add_user()


def lockwatch_command() -> list[str]:
    """The installed console script, else this interpreter's ``-m lockwatch``."""
    beside = Path(sys.executable).with_name("lockwatch")
    found = str(beside) if beside.exists() else shutil.which("lockwatch")
    return [found] if found else [sys.executable, "-m", "lockwatch"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment that finds no real config or state: HOME and XDG dirs under tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    e = {k: v for k, v in os.environ.items() if not k.startswith(("LOCKWATCH_", "XDG_", "CREDENTIALS_"))}
    e.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_STATE_HOME=str(home / ".state"))
    return e


@pytest.fixture
def lockwatch(env: dict[str, str]):
    """Run ``lockwatch ARGS...``; returns the CompletedProcess (text)."""

    def run(*args: str, extra_env: dict[str, str] | None = None, timeout: float = 120,
            **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*lockwatch_command(), *args], capture_output=True, text=True, timeout=timeout,
                              env={**env, **(extra_env or {})}, stdin=subprocess.DEVNULL, **kwargs)

    return run


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value))


def write_config(directory: Path, accounts: list[dict[str, Any]], extra: str = "",
                 state: Path | None = None) -> Path:
    """A config file (mode 0600) with the given [[account]] tables and the state file in ``directory``."""
    lines = ["[state]", f"path = {toml_value(state or directory / 'state.db')}", ""]
    for account in accounts:
        lines.append("[[account]]")
        lines += [f"{key} = {toml_value(value)}" for key, value in account.items()]
        lines.append("")
    path = directory / "config.toml"
    path.write_text("\n".join(lines) + extra)
    path.chmod(0o600)
    return path


def imap_account(dovecot: Dovecot, user: User, **overrides: Any) -> dict[str, Any]:
    account: dict[str, Any] = {"name": "home", "host": "127.0.0.1", "port": dovecot.sport, "security": "tls",
                               "ca_file": dovecot.ca, "username": user.name, "password": user.password,
                               "folders": ["INBOX"], "timeout": "10s"}
    account.update(overrides)
    return {k: v for k, v in account.items() if v is not None}


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def messages(text: str) -> list[dict[str, Any]]:
    return [o for o in json_lines(text) if o.get("type") == "message"]


def alerts(text: str) -> list[dict[str, Any]]:
    return [o for o in json_lines(text) if o.get("type") == "alert"]


@pytest.fixture
def http() -> Iterator[HttpReceiver]:
    """A real HTTP endpoint on 127.0.0.1 receiving apprise json:// posts."""
    receiver = HttpReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def start(tmp_path: Path, env: dict[str, str]) -> Iterator[Callable[[Path], Any]]:
    """Start ``lockwatch run -c CONFIG`` as a subprocess (a daemonproc.Daemon); killed at teardown."""
    from support.daemonproc import Daemon

    started: list[Daemon] = []

    def run(config: Path) -> Daemon:
        daemon = Daemon(config, env, tmp_path / "state.db")
        started.append(daemon)
        return daemon

    yield run
    for daemon in started:
        if daemon.proc.poll() is None:
            daemon.proc.kill()
            daemon.proc.wait(5)
