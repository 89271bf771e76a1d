"""`lockwatch scan --source` and local accounts: Maildir, mbox, folders of .eml."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from conftest import alerts, messages, write_config
from lockwatch.sources.local import _mbox_messages, detect_kind
from support import mailgen
from support.mailstores import maildir, mbox


def test_maildir_first_scan_then_nothing_new_then_the_new_one(tmp_path: Path, lockwatch) -> None:
    store = maildir(tmp_path / "Maildir", [mailgen.ordinary(), mailgen.phishing_lock()])
    maildir(store, [mailgen.genuine_order()], sub="cur")
    maildir(store / ".Junk", [mailgen.phishing_lock()])
    done = lockwatch("scan", "--source", str(store), "--json", "--no-notify")
    assert done.returncode == 0, done.stderr
    found = messages(done.stdout)
    assert len(found) == 4 and all(Path(m["source"]).is_file() for m in found)
    assert sorted(m["verdict"] for m in found).count("phishing") == 2
    assert len(alerts(done.stdout)) == 2

    again = lockwatch("scan", "--source", str(store), "--json", "--no-notify")
    assert again.returncode == 0 and messages(again.stdout) == []

    maildir(store, [mailgen.ordinary()])
    newest = messages(lockwatch("scan", "--source", str(store), "--json").stdout)
    assert len(newest) == 1 and "/new/" in newest[0]["source"]


def test_moving_a_message_new_to_cur_does_not_report_it_again(tmp_path: Path, lockwatch) -> None:
    store = maildir(tmp_path / "Maildir", [mailgen.phishing_lock()])
    assert len(messages(lockwatch("scan", "--source", str(store), "--json").stdout)) == 1
    (name,) = os.listdir(store / "new")
    os.rename(store / "new" / name, store / "cur" / f"{name}:2,S")
    assert messages(lockwatch("scan", "--source", str(store), "--json").stdout) == []


def test_mbox_resumes_after_the_last_message_read(tmp_path: Path, lockwatch) -> None:
    first = mailgen.ordinary().replace(b"\r\n\r\n", b"\r\n\r\nFrom the desk of Alice\r\n", 1)
    box = mbox(tmp_path / "mbox", [first, mailgen.genuine_order(), mailgen.phishing_lock()])
    assert detect_kind(box) == "mbox"
    done = lockwatch("scan", "--source", str(box), "--json", "--no-notify")
    assert done.returncode == 0, done.stderr
    found = messages(done.stdout)
    assert len(found) == 3 and found[0]["source"] == f"{box}#0"
    assert [m["verdict"] for m in found][2] == "phishing"
    assert messages(lockwatch("scan", "--source", str(box), "--json").stdout) == []
    mbox(box, [mailgen.ordinary()], mode="ab")
    assert len(messages(lockwatch("scan", "--source", str(box), "--json").stdout)) == 1


def test_mbox_reader_unescapes_from_lines(tmp_path: Path) -> None:
    mail = b"Subject: x\n\nFrom here on\n>From there\nbye\n"
    box = mbox(tmp_path / "mbox", [mail, mail])
    read = list(_mbox_messages(box, 0, 1 << 20))
    assert len(read) == 2
    assert read[0][3] == b"Subject: x\n\nFrom here on\n>From there\nbye\n"
    assert read[1][0] == read[0][1]


def test_folder_of_eml_files_recursive_and_single_file(tmp_path: Path, lockwatch) -> None:
    (tmp_path / "mail" / "2026" / "11").mkdir(parents=True)
    (tmp_path / "mail" / "a.eml").write_bytes(mailgen.ordinary())
    (tmp_path / "mail" / "2026" / "11" / "b.eml").write_bytes(mailgen.phishing_lock())
    (tmp_path / "mail" / "notes.txt").write_text("not mail")
    done = lockwatch("scan", "--source", str(tmp_path / "mail"), "--json")
    assert sorted(Path(m["source"]).name for m in messages(done.stdout)) == ["a.eml", "b.eml"]

    copy = tmp_path / "copy.eml"  # the same message again, elsewhere: dedupe by Message-ID
    shutil.copy(tmp_path / "mail" / "a.eml", copy)
    assert messages(lockwatch("scan", "--source", str(copy), "--json").stdout) == []


def test_local_account_in_config_and_state_path(tmp_path: Path, lockwatch) -> None:
    store = maildir(tmp_path / "Maildir", [mailgen.phishing_lock()])
    config = write_config(tmp_path, [{"name": "server", "type": "maildir", "path": str(store)}])
    done = lockwatch("scan", "-c", str(config), "--json", "--no-notify")
    assert done.returncode == 0, done.stderr
    assert len(messages(done.stdout)) == 1
    state = tmp_path / "state.db"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600


def test_source_without_config_keeps_state_in_the_user_state_dir(tmp_path: Path, lockwatch, env) -> None:
    store = maildir(tmp_path / "Maildir", [mailgen.ordinary()])
    done = lockwatch("scan", "--source", str(store), "--no-notify")
    assert done.returncode == 0 and "scan: 1 new messages read" in done.stdout
    state = Path(env["XDG_STATE_HOME"]) / "lockwatch" / "local-state.db"
    assert state.exists() and stat.S_IMODE(state.stat().st_mode) == 0o600
    missing = lockwatch("scan", "--source", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_large_local_message_is_truncated(tmp_path: Path, lockwatch) -> None:
    big = mailgen.phishing_lock() + b"y" * 3_000_000
    store = maildir(tmp_path / "Maildir", [big])
    config = write_config(tmp_path, [{"name": "m", "type": "maildir", "path": str(store),
                                      "max_message_size": "64KB"}])
    done = lockwatch("scan", "-c", str(config), "--json")
    assert done.returncode == 0 and messages(done.stdout)[0]["verdict"] == "phishing"
    assert "64.0 KB fetched" in done.stderr


def test_progress_bar_only_on_a_terminal(tmp_path: Path, env: dict[str, str]) -> None:
    import pty
    import subprocess

    from conftest import lockwatch_command

    store = maildir(tmp_path / "Maildir", [mailgen.ordinary() for _ in range(3)])
    leader, follower = pty.openpty()
    done = subprocess.run([*lockwatch_command(), "scan", "--source", str(store)], stdout=subprocess.PIPE,
                          stderr=follower, env=env, timeout=60, check=False)
    os.close(follower)
    shown = os.read(leader, 65536).decode()
    os.close(leader)
    assert done.returncode == 0 and "[" in shown and "3/3" in shown and "\x1b[K" in shown
    assert "\x1b[" not in done.stdout.decode()
