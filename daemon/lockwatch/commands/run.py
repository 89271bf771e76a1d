"""`lockwatch run`: the daemon (scheduled scans, IMAP IDLE, outbox delivery) until SIGTERM/SIGINT.

Exit status: 0 clean stop, 1 the state cannot be opened on a full, failing or read-only disk (systemd
restarts it), 2 config error (systemd: RestartPreventExitStatus=2).
"""

from __future__ import annotations

import argparse
import logging

from lockwatch.commands import EXIT_CONFIG, EXIT_FAILURE, EXIT_OK
from lockwatch.config import find_config, load
from lockwatch.errors import ConfigError, StateError

__all__ = ["main", "run"]

log = logging.getLogger("lockwatch.service")  # the daemon's lines keep the name they always had


def run(args: argparse.Namespace) -> int:
    return main(args.config)


def main(explicit_config: str | None = None) -> int:
    """Find and load the config, then run the service until it is stopped."""
    from lockwatch.service import Service  # APScheduler and imapclient: only for this command

    path = find_config(explicit_config)
    try:
        if path is None:
            raise ConfigError("config.toml", "", "no config file: give -c PATH or set $LOCKWATCH_CONFIG")
        config = load(path)
        if not config.accounts:
            raise ConfigError(path, "account", "no [[account]] configured: nothing to watch")
    except ConfigError as exc:
        log.error("%s", exc)
        return EXIT_CONFIG
    try:
        Service(path, config).run()
    except StateError as exc:  # a full disk may clear (systemd restarts on 1); a wrong path does not
        log.error("%s", exc)
        return EXIT_FAILURE if exc.transient else EXIT_CONFIG
    return EXIT_OK
