"""`lockwatch run`: the daemon (scheduled scans, IMAP IDLE, outbox delivery) until SIGTERM/SIGINT.

Exit status: 0 clean stop, 2 config error.
"""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from lockwatch.service import main

    return main(args.config)
