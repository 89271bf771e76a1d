"""`lockwatch check FILE... | -`: analyse .eml files and print verdicts (exit 0 / 1 alarming / 2 error)."""

from __future__ import annotations

import argparse
import gc
import sys

from lockwatch.commands import EXIT_CONFIG, EXIT_FAILURE, EXIT_OK

__all__ = ["run"]

def _options(args: argparse.Namespace):
    from lockwatch.detect import DetectOptions

    if not getattr(args, "config", None):
        return DetectOptions(), None
    from lockwatch.config import load
    from lockwatch.errors import ConfigError

    try:
        cfg = load(args.config)
    except ConfigError as exc:
        print(f"lockwatch: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from exc
    return cfg.detect.options(), cfg.notify.language

def run(args: argparse.Namespace) -> int:
    from lockwatch.detect import analyse_bytes
    from lockwatch.record import json_line, message_record

    if not args.json:  # the advice texts (alert.compose, the playbooks) only for human output
        from lockwatch.commands.terminal import human
    options, cfg_lang = _options(args)
    lang = args.lang or cfg_lang or "en"
    status = EXIT_OK
    warmed = False
    for path in args.files:
        try:
            raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
        except OSError as exc:
            print(f"lockwatch: cannot read {path}: {exc.strerror}", file=sys.stderr)
            status = EXIT_CONFIG
            continue
        mail, analysis = analyse_bytes(raw, options=options)
        if not warmed:  # the brand profile, patterns and suffix list now loaded live as long as the process:
            gc.freeze()  # the collector need not walk them again for every batch of mails
            warmed = True
        record = message_record(path, mail, analysis)
        if args.json:
            print(json_line(record), flush=True)
        else:
            print(human(record, lang), flush=True)
        if analysis.verdict in ("phishing", "suspicious") and status == EXIT_OK:
            status = EXIT_FAILURE
    return status
