"""Logging set-up: one journald-friendly line per record, quiet dependency loggers."""

from __future__ import annotations

import logging
import sys

NOISY_LOGGERS = ("apprise", "apscheduler", "imapclient", "mailparser", "urllib3", "dkim")


def setup_logging(verbose: int = 0, quiet: bool = False) -> None:
    """Log to stderr: WARNING with -q, INFO by default, DEBUG with -v; dependencies only with -vv."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    dependency_level = logging.DEBUG if verbose >= 2 else logging.WARNING if verbose else logging.ERROR
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(dependency_level)
