"""`lockwatch test-notify`: send a sample alert, marked as a test, to every configured URL.

One line per URL (redacted). Exit status: 0 every URL accepted it, 1 otherwise (including a config
that cannot be read or has no URLs). The outbox is not touched: queued alerts stay queued.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_FAILED = 0, 1


def run(args: argparse.Namespace) -> int:
    from lockwatch.config import ConfigError, load_default

    try:
        config = load_default(args.config)
    except ConfigError as exc:
        print(f"lockwatch: {exc}", file=sys.stderr)
        return EXIT_FAILED
    assert config is not None
    if not config.notify.urls:
        where = config.path or "the config"
        print(f"lockwatch: {where}: notify.urls: no notify URLs configured", file=sys.stderr)
        return EXIT_FAILED

    from lockwatch.alerts import compose_test
    from lockwatch.notify import Notifier

    alert = compose_test(config.notify.language)
    notifier = Notifier(config.notify.urls)
    results = notifier.send_all(alert.as_json(), respect_severity=False)
    for result in results:
        if result.ok:
            print(f"ok      {result.label}")
        else:
            print(f"FAILED  {result.label}: {result.error}")
    failed = sum(1 for r in results if not r.ok)
    print(f"test-notify: {len(results) - failed} of {len(results)} URLs delivered", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
