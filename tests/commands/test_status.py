"""`lockwatch status`: checkpoints, errors, modes, outbox backlog, incidents and alerts from the state."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_config
from lockwatch.deliver.outbox import record_alert
from lockwatch.model import Alert
from lockwatch.state.db import State, utcnow


def seeded(tmp_path: Path) -> Path:
    config = write_config(tmp_path, [{"name": "home", "host": "imap.example.test", "username": "me",
                                      "password_env": "LW_TEST_PASSWORD", "folders": ["INBOX", "Junk"]}])
    state = State(tmp_path / "state.db")
    state.set_checkpoint("home", "INBOX", 7, 42, mode="idle")
    state.set_checkpoint("home", "Junk", 7, 3, mode="poll")
    state.set_folder_error("home", "Junk", "home: connection lost: EOF")
    with state.transaction():
        record_alert(state, Alert("phishing", "critical", "Phishing mail", "b", ("<a@b>",)), account="home",
                     pushed=True, targets=["json://127.0.0.1:9/"])
        state.execute("INSERT INTO incidents (account, kind, severity, opened_at, updated_at, detail)"
                      " VALUES ('home', 'takeover', 'critical', ?, ?, '{}')", (utcnow(), utcnow()))
    state.close()
    return config


def test_status_json(tmp_path: Path, lockwatch) -> None:
    config = seeded(tmp_path)
    done = lockwatch("status", "-c", str(config), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    [home] = report["accounts"]
    folders = {f["folder"]: f for f in home["folders"]}
    assert folders["INBOX"]["mode"] == "idle" and folders["INBOX"]["last_check"]
    assert folders["Junk"]["mode"] == "poll" and "connection lost" in folders["Junk"]["last_error"]
    assert report["outbox"]["pending"] == 1 and report["outbox"]["gave_up"] == 0
    assert [i["kind"] for i in report["open_incidents"]] == ["takeover"]
    assert report["recent_alerts"][0]["title"] == "Phishing mail"


def test_status_text_and_unchecked_account(tmp_path: Path, lockwatch) -> None:
    config = seeded(tmp_path)
    done = lockwatch("status", "-c", str(config))
    assert done.returncode == 0, done.stderr
    assert "INBOX: last check" in done.stdout and "(IDLE)" in done.stdout and "(polling)" in done.stdout
    assert "outbox: 1 pending" in done.stdout and "open incidents: 1" in done.stdout
    fresh = write_config(tmp_path / "fresh" if (tmp_path / "fresh").mkdir() is None else tmp_path,
                         [{"name": "new", "type": "maildir", "path": str(tmp_path)}])
    done = lockwatch("status", "-c", str(fresh))
    assert done.returncode == 0 and "not checked yet" in done.stdout


def test_status_config_error(tmp_path: Path, lockwatch) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[nope]\n")
    assert lockwatch("status", "-c", str(bad)).returncode == 2
