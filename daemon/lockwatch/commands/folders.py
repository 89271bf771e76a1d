"""`lockwatch folders`: list each IMAP account's folders as they are written in the config."""

from __future__ import annotations

import argparse
import sys

from lockwatch.commands import EXIT_MAILBOX, EXIT_OK
from lockwatch.config import load_default
from lockwatch.errors import SourceError

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    config = load_default(args.config)  # a ConfigError: cli prints it and exits 2
    assert config is not None
    accounts = [config.account(args.account)] if args.account else list(config.accounts)
    from lockwatch.sources.imap import SPECIAL_USE, ImapSource

    status = EXIT_OK
    for account in accounts:
        if account.is_local:
            print(f"{account.name}: local {account.type} store {account.path}")
            continue
        try:
            with ImapSource(account, lambda header: True) as source:
                folders = source.list()
        except SourceError as exc:
            print(f"lockwatch: error: {exc}", file=sys.stderr)
            status = EXIT_MAILBOX
            continue
        watched = set(account.folders)
        print(f"{account.name}:")
        for info in sorted(folders, key=lambda f: f.name.lower()):
            special = [f for f in info.flags if f in SPECIAL_USE]
            mark = "*" if info.name in watched or any(s in watched for s in special) else " "
            extra = f"  ({' '.join(special)})" if special else ""
            print(f"  {mark} {info.name}{extra}")
    return status
