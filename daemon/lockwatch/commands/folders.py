"""`lockwatch folders`: list each IMAP account's folders as they are written in the config."""

from __future__ import annotations

import argparse
import sys

from lockwatch.config import ConfigError, load_default
from lockwatch.sources.base import SourceError

EXIT_OK, EXIT_CONFIG, EXIT_MAILBOX = 0, 2, 3


def run(args: argparse.Namespace) -> int:
    try:
        config = load_default(args.config)
        assert config is not None
        accounts = [config.account(args.account)] if args.account else list(config.accounts)
    except ConfigError as exc:
        print(f"lockwatch: {exc}", file=sys.stderr)
        return EXIT_CONFIG
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
