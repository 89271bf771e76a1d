"""`lockwatch scan`: one pass over the configured mailboxes, or over a local store given by --source.

Exit status: 0 pass completed (with or without alerts), 2 config error, 3 a mailbox could not be read (or the
state database could not be written: a full or read-only disk).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import TextIO

from lockwatch.commands import EXIT_CONFIG, EXIT_MAILBOX, EXIT_OK
from lockwatch.config import DEFAULT_SINCE, Account, Config, load_default, parse_since
from lockwatch.deliver import deliver_configured
from lockwatch.errors import ConfigError, StateError
from lockwatch.pipeline import ProcessedMessage, Processor
from lockwatch.record import json_line
from lockwatch.scanner import Progress, ScanStats, scan_account
from lockwatch.state.db import State

__all__ = ["Output", "TerminalProgress", "local_state_path", "run"]


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    config, accounts = _accounts(args)  # a ConfigError: cli prints it and exits 2
    since = {a.name: _since(args, a) for a in accounts}
    try:
        state = State(config.state.path if config else local_state_path())
    except StateError as exc:  # a full or failing disk is not the config's fault
        print(f"lockwatch: {exc}", file=sys.stderr)
        return EXIT_MAILBOX if exc.transient else EXIT_CONFIG
    from lockwatch.detect import header_prefilter

    lang = args.lang or (config.notify.language if config else "ja")
    processor = Processor(state, options=config.detect.options() if config else None, lang=lang,
                          push=not args.no_notify, burst=config.burst if config else None)
    out = Output(sys.stdout, json_lines=args.json)
    progress = TerminalProgress(sys.stderr) if sys.stderr.isatty() and not args.json else Progress()
    stats = ScanStats()
    try:
        for account in accounts:
            scan_account(account, state, processor, header_prefilter, since=since[account.name],
                         stats=stats, emit=out.message, progress=progress)
        for error in stats.errors:
            print(f"lockwatch: error: {error}", file=sys.stderr)
        if not args.no_notify and config is not None:
            deliver_configured(state, config)  # the alerts this pass queued
    except StateError as exc:  # a full or read-only disk: nothing past the last committed batch is lost
        print(f"lockwatch: {exc}", file=sys.stderr)
        return EXIT_MAILBOX
    finally:
        state.close()
    summary = _summary(stats, time.monotonic() - started)
    print(summary, file=sys.stderr if args.json else sys.stdout, flush=True)
    return EXIT_MAILBOX if stats.errors else EXIT_OK


def _accounts(args: argparse.Namespace) -> tuple[Config | None, list[Account]]:
    """The config (optional with --source) and the accounts this pass reads."""
    if args.source:
        from lockwatch.sources.local import detect_kind

        config = load_default(args.config, required=bool(args.config))
        path = Path(args.source).expanduser().absolute()
        if not path.exists():
            raise ConfigError(path, "", "no such file or directory (given with --source)")
        return config, [Account(name="local", type=detect_kind(path), path=str(path))]
    config = load_default(args.config)
    assert config is not None
    if not config.accounts:
        raise ConfigError(config.path, "account", "no [[account]] configured (or use --source PATH)")
    return config, [config.account(args.account)] if args.account else list(config.accounts)


def _since(args: argparse.Namespace, account: Account) -> date | None:
    """How far back a first pass looks: --all, else --since, else the account's since, else DEFAULT_SINCE."""
    if args.all:
        return None
    try:
        return parse_since(args.since or account.since or DEFAULT_SINCE)
    except ValueError as exc:  # only --since can be wrong here: the config's since was checked on load
        raise ConfigError("command line", "--since", f"expected {exc}") from None


def local_state_path() -> str:
    """State for --source without a config: $XDG_STATE_HOME/lockwatch/local-state.db."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return os.path.join(base, "lockwatch", "local-state.db")


class Output:
    """Per-message output: every new message and alert as JSON lines, or one line per Amazon-looking one."""

    def __init__(self, stream: TextIO, *, json_lines: bool) -> None:
        self.stream, self.json_lines = stream, json_lines

    def message(self, done: ProcessedMessage) -> None:
        record = done.record
        if self.json_lines:
            lines = [json_line(o) for o in (record, *done.alerts)]
        else:
            lines = [f"{record.get('verdict', '?'):<10} {record.get('from') or '-'}  "
                     f"{record.get('subject') or '(no subject)'}"] if record.get("amazon_like") else []
            for alert in done.alerts:
                lines.append(f"  ALERT [{alert['severity']}] {alert['title']}")
                lines.extend(f"    {line}" for line in alert["body"].splitlines())
        if lines:
            self.stream.write("\n".join(lines) + "\n")
            self.stream.flush()


class TerminalProgress(Progress):
    """A one-line progress bar on a terminal, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.label, self.total, self.count, self.drawn = stream, "", 0, 0, 0.0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.count = label, total, 0
        self._draw(force=True)

    def advance(self, count: int) -> None:
        self.count += count
        self._draw(force=self.count >= self.total > 0)

    def done(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.drawn < 0.1:
            return
        self.drawn = now
        if self.total > 0:
            filled = self.WIDTH * min(self.count, self.total) // self.total
            bar = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.count}/{self.total}"
        else:
            bar = f"{self.count} messages"
        self.stream.write(f"\r\x1b[K{self.label[-40:]} {bar}")
        self.stream.flush()


def _summary(stats: ScanStats, seconds: float) -> str:
    return (f"scan: {stats.messages} new messages read, {stats.amazon_like} Amazon-looking "
            f"({stats.genuine} genuine, {stats.suspicious} suspicious, {stats.phishing} phishing), "
            f"{stats.alerts} alerts, {len(stats.errors)} errors, {seconds:.1f} s, "
            f"{_bytes(stats.bytes_fetched)} fetched")


def _bytes(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    return f"{count / 1024:.1f} KB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MB"
