"""The `lockwatch` command line: argument parsing only; each command lives in its own module.

Heavy libraries (mail-parser, imapclient, apprise, APScheduler) are imported by the command
modules, never here, so `lockwatch --help` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from lockwatch import __version__
from lockwatch.commands import EXIT_CONFIG, EXIT_OK

__all__ = ["COMMANDS", "PRIVATE_UMASK", "build_parser", "main"]

PRIVATE_UMASK = 0o077  # added to the caller's umask: nothing lockwatch creates is group/world accessible

# command name -> module under lockwatch.commands whose run(args) -> int does the work
COMMANDS = {
    "check": "check",
    "scan": "scan",
    "run": "run",
    "test-notify": "test_notify",
    "status": "status",
    "folders": "folders",
    "config": "config_check",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lockwatch",
        description="Catch Amazon account takeovers and Amazon phishing in your mailbox.",
    )
    parser.add_argument("--version", action="version", version=f"lockwatch {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (repeatable)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="analyse .eml files and print verdicts")
    check.add_argument("files", nargs="+", metavar="FILE", help=".eml file, or - for standard input")
    check.add_argument("--json", action="store_true", help="one JSON object per line")
    check.add_argument("--lang", choices=("ja", "en"), default=None, help="language of the advice")
    check.add_argument("-c", "--config", help="config file (optional; for language and auth settings)")

    scan = sub.add_parser("scan", help="one pass over the configured mailboxes or a local mail store",
                          formatter_class=_DefaultSinceHelp)
    _config_arg(scan)
    scan.add_argument("--source", metavar="PATH", help="scan a Maildir, mbox file or folder of .eml instead")
    scan.add_argument("--account", metavar="NAME", help="only this configured account")
    scan.add_argument("--since", metavar="7d|YYYY-MM-DD", help="first run: how far back to look (default %(default_since)s)")
    scan.add_argument("--all", action="store_true", help="first run: read the whole mailbox")
    scan.add_argument("--json", action="store_true", help="one JSON object per message and per alert")
    scan.add_argument("--no-notify", action="store_true", help="record alerts but push nothing")
    scan.add_argument("--lang", choices=("ja", "en"), default=None, help="language of alerts and advice")

    run = sub.add_parser("run", help="the daemon: scheduled scans and IMAP IDLE")
    _config_arg(run)

    notify = sub.add_parser("test-notify", help="send a test alert to every configured URL")
    _config_arg(notify)

    status = sub.add_parser("status", help="what the watcher knows: checks, errors, outbox, incidents")
    _config_arg(status)
    status.add_argument("--json", action="store_true")

    folders = sub.add_parser("folders", help="list the folders of each configured account")
    _config_arg(folders)
    folders.add_argument("--account", metavar="NAME")

    config = sub.add_parser("config", help="config file actions")
    config_sub = config.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    config_check = config_sub.add_parser("check", help="validate the config file; exit 0 or 2")
    _config_arg(config_check)
    return parser


class _DefaultSinceHelp(argparse.HelpFormatter):
    """Writes config's DEFAULT_SINCE into a help text when help is shown: parsing a command line imports no config."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if text and "%(default_since)s" in text:
            from lockwatch.config.settings import DEFAULT_SINCE

            text = text.replace("%(default_since)s", DEFAULT_SINCE)
        return text


def _config_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("-c", "--config", metavar="CONFIG",
                   help="config file (default: $LOCKWATCH_CONFIG, ~/.config/lockwatch/config.toml, "
                        "/etc/lockwatch/config.toml)")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_CONFIG
    from lockwatch.logs import setup_logging

    os.umask(os.umask(PRIVATE_UMASK) | PRIVATE_UMASK)  # the state and its directory: owner only, whatever the umask
    setup_logging(args.verbose, args.quiet)
    module = importlib.import_module(f"lockwatch.commands.{COMMANDS[args.command]}")
    from lockwatch.errors import ConfigError

    try:
        return int(module.run(args))
    except ConfigError as exc:  # names the file and the key; a command may use its own exit code for it
        print(f"lockwatch: {exc}", file=sys.stderr)
        return getattr(module, "EXIT_ON_CONFIG_ERROR", EXIT_CONFIG)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into head and the like
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
