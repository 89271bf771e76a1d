"""`lockwatch test-notify`: send a sample alert, marked as a test, to every configured URL.

One line per URL (redacted). Exit status: 0 every URL accepted it, 1 otherwise (including a config
that cannot be read or has no URLs). The outbox is not touched: the sample is sent straight through
the Notifier, nothing is recorded, and queued alerts stay queued.
"""

from __future__ import annotations

import argparse
import sys

from lockwatch.alert.compose import compose_test
from lockwatch.commands import EXIT_FAILURE, EXIT_OK
from lockwatch.config import load_default
from lockwatch.deliver.notify import Notifier

__all__ = ["EXIT_ON_CONFIG_ERROR", "run"]

EXIT_ON_CONFIG_ERROR = EXIT_FAILURE  # the contract: test-notify exits 0 all delivered, 1 otherwise


def run(args: argparse.Namespace) -> int:
    config = load_default(args.config)  # a ConfigError: cli prints it and exits EXIT_ON_CONFIG_ERROR
    assert config is not None
    if not config.notify.urls:
        where = config.path or "the config"
        print(f"lockwatch: {where}: notify.urls: no notify URLs configured", file=sys.stderr)
        return EXIT_FAILURE

    notifier = Notifier(config.notify.urls)
    results = notifier.send_all(compose_test(config.notify.language).as_json(), respect_severity=False)
    for result in results:
        if result.ok:
            print(f"ok      {result.label}")
        else:
            print(f"FAILED  {result.label}: {result.error}")
    failed = sum(1 for r in results if not r.ok)
    print(f"test-notify: {len(results) - failed} of {len(results)} URLs delivered", file=sys.stderr)
    return EXIT_FAILURE if failed else EXIT_OK
