"""`lockwatch status`: what the watcher knows, read from the state file (safe while the daemon runs).

Per account and folder: the last successful check, the last error, IDLE or polling; the outbox
backlog; open incidents; recent alerts. Exit status: 0, or 2 when the config or state is unusable.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from lockwatch.commands import EXIT_CONFIG, EXIT_OK
from lockwatch.config import load_default
from lockwatch.errors import StateError
from lockwatch.record import json_line
from lockwatch.state import status as queries
from lockwatch.state.db import State
from lockwatch.state.outbox import status as outbox_status

__all__ = ["RECENT_ALERTS", "collect", "human", "run"]

RECENT_ALERTS = 5


def run(args: argparse.Namespace) -> int:
    config = load_default(args.config)  # a ConfigError: cli prints it and exits 2
    assert config is not None
    try:
        state = State(config.state.path)
    except StateError as exc:
        print(f"lockwatch: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        report = collect(state, [a.name for a in config.accounts])
    finally:
        state.close()
    report["state"] = str(config.state.path)
    if args.json:
        print(json_line({"type": "status", **report}))
    else:
        print(human(report))
    return EXIT_OK


def collect(state: State, configured: list[str]) -> dict[str, Any]:
    """The status as one JSON-ready dict."""
    accounts: dict[str, dict[str, Any]] = {name: {"name": name, "folders": [], "health": None}
                                           for name in configured}
    for row in queries.checkpoints(state):
        entry = accounts.setdefault(row["account"], {"name": row["account"], "folders": [], "health": None})
        if row["folder"] == "":  # an account-level error (login, folder list)
            entry["error"] = row["last_error"]
            continue
        entry["folders"].append({"folder": row["folder"], "last_check": row["last_check"],
                                 "last_error": row["last_error"], "mode": row["mode"],
                                 "last_uid": row["last_uid"]})
    for row in queries.health(state):
        entry = accounts.setdefault(row["account"], {"name": row["account"], "folders": [], "health": None})
        entry["health"] = {"folder": row["folder"], "failures": row["failures"], "alerted": bool(row["alerted"]),
                           "last_error": row["last_error"], "since": row["since"]}
    outbox = outbox_status(state)
    incidents = queries.open_incidents(state)
    recent = queries.recent_alerts(state, RECENT_ALERTS)
    return {"accounts": list(accounts.values()), "outbox": outbox, "open_incidents": incidents,
            "recent_alerts": recent}


def human(report: dict[str, Any]) -> str:
    lines = [f"state: {report['state']}"]
    for account in report["accounts"]:
        lines.append(f"account {account['name']}:")
        if account.get("error"):
            lines.append(f"  error: {account['error']}")
        if not account["folders"]:
            lines.append("  not checked yet")
        for f in account["folders"]:
            mode = {"idle": "IDLE", "poll": "polling", "local": "local"}.get(f["mode"] or "", f["mode"] or "-")
            lines.append(f"  {f['folder']}: last check {f['last_check'] or 'never'} ({mode})")
            if f["last_error"]:
                lines.append(f"    last error: {f['last_error']}")
        health = account.get("health")
        if health and health["failures"]:
            lines.append(f"  failing since {health['since']} ({health['failures']} checks): {health['last_error']}")
    outbox = report["outbox"]
    if outbox:
        lines.append(f"outbox: {outbox.get('pending', 0)} pending, {outbox.get('sent', 0)} sent, "
                     f"{outbox.get('gave_up', 0)} given up"
                     + (f" (oldest pending {outbox['oldest_pending']})" if outbox.get("oldest_pending") else ""))
    lines.append(f"open incidents: {len(report['open_incidents'])}")
    for incident in report["open_incidents"]:
        lines.append(f"  #{incident['id']} {incident['account']} {incident['kind']} [{incident['severity']}] "
                     f"since {incident['opened_at']}")
    lines.append("recent alerts:" if report["recent_alerts"] else "recent alerts: none")
    for alert in report["recent_alerts"]:
        lines.append(f"  {alert['created_at']} [{alert['severity']}] {alert['account'] or '-'}: {alert['title']}")
    return "\n".join(lines)
