"""`lockwatch config check`: validate the config file; exit 0 when usable, 2 otherwise."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from lockwatch.commands import EXIT_OK
from lockwatch.config import load_default

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    config = load_default(args.config)  # a ConfigError: cli prints it and exits 2
    assert config is not None
    for account in config.accounts:  # secrets that cannot be found now will fail at login: warn
        if account.password_env and not os.environ.get(account.password_env):
            print(f"lockwatch: warning: {account.name}: ${account.password_env} is not set here",
                  file=sys.stderr)
        if account.password_file and not Path(account.password_file).expanduser().is_file():
            print(f"lockwatch: warning: {account.name}: password_file {account.password_file} not found",
                  file=sys.stderr)
        if account.is_local and not Path(account.path or "").expanduser().exists():
            print(f"lockwatch: warning: {account.name}: {account.path} not found", file=sys.stderr)
    names = ", ".join(a.name for a in config.accounts) or "none"
    print(f"{config.path}: OK ({len(config.accounts)} accounts: {names}; "
          f"{len(config.notify.urls)} notify URLs; state {config.state.path})")
    return EXIT_OK
