"""`lockwatch scan` end to end against a real Dovecot: read-only, incremental, failures."""

from __future__ import annotations

import json
import select
import sqlite3
import stat
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import alerts, imap_account, lockwatch_command, messages, write_config
from support import mailgen
from support.dovecot import Dovecot, User


def no_recent(flags: dict[int, list[bytes]]) -> dict[int, list[bytes]]:
    return {uid: [f for f in fl if f != b"\\Recent"] for uid, fl in flags.items()}


def db(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def test_first_scan_reports_each_message_once_and_keeps_flags(tmp_path: Path, dovecot: Dovecot, user: User,
                                                               lockwatch) -> None:
    dovecot.append(user, [mailgen.ordinary(), mailgen.genuine_order(), mailgen.phishing_lock()])
    before = no_recent(dovecot.flags(user))
    config = write_config(tmp_path, [imap_account(dovecot, user)])

    done = lockwatch("scan", "-c", str(config), "--json", "--no-notify")
    assert done.returncode == 0, done.stderr
    found = messages(done.stdout)
    assert [m["source"] for m in found] == ["home/INBOX/1", "home/INBOX/2", "home/INBOX/3"]
    assert found[0]["verdict"] == "not_amazon"
    assert found[2]["verdict"] == "phishing"
    raised = alerts(done.stdout)
    assert [(a["kind"], a["severity"]) for a in raised] == [("phishing", "critical")]
    assert raised[0]["message_ids"] == [found[2]["message_id"]]
    assert "3 new messages read" in done.stderr and "1 phishing" in done.stderr  # summary: stderr with --json

    assert no_recent(dovecot.flags(user)) == before  # \Seen stays unset: EXAMINE + BODY.PEEK only
    assert all(b"\\Seen" not in f for f in before.values())
    state = tmp_path / "state.db"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    with db(state) as conn:
        assert [tuple(r) for r in conn.execute("SELECT kind, pushed FROM alerts")] == [("phishing", 0)]
        row = conn.execute("SELECT last_uid, uidvalidity, mode FROM checkpoints").fetchone()
        assert row["last_uid"] == 3 and row["uidvalidity"] and row["mode"] == "poll"

    again = lockwatch("scan", "-c", str(config), "--json", "--no-notify")
    assert again.returncode == 0 and messages(again.stdout) == [] and alerts(again.stdout) == []


def test_incremental_scan_reads_only_new_mail(tmp_path: Path, dovecot: Dovecot, user: User,
                                              lockwatch) -> None:
    dovecot.append(user, [mailgen.ordinary(), mailgen.ordinary()])
    config = write_config(tmp_path, [imap_account(dovecot, user)])
    assert len(messages(lockwatch("scan", "-c", str(config), "--json").stdout)) == 2
    dovecot.append(user, [mailgen.phishing_lock(), mailgen.ordinary()])
    done = lockwatch("scan", "-c", str(config), "--json")
    assert [m["source"] for m in messages(done.stdout)] == ["home/INBOX/3", "home/INBOX/4"]
    with db(tmp_path / "state.db") as conn:  # without --no-notify the alert is queued for delivery
        assert [r["pushed"] for r in conn.execute("SELECT pushed FROM alerts")] == [1]


def test_human_output_lists_amazon_mail_and_summary(tmp_path: Path, dovecot: Dovecot, user: User,
                                                    lockwatch) -> None:
    dovecot.append(user, [mailgen.ordinary(), mailgen.phishing_lock()])
    config = write_config(tmp_path, [imap_account(dovecot, user)])
    done = lockwatch("scan", "-c", str(config), "--no-notify", "--lang", "en")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0].startswith("phishing") and "account-update@amaz0n-jp-login.top" in lines[0]
    assert any("ALERT [critical] Phishing mail" in line for line in lines)
    assert lines[-1].startswith("scan: 2 new messages read, 1 Amazon-looking")
    assert "\x1b[" not in done.stderr  # no progress bar when stderr is not a terminal


def test_since_limits_the_first_scan_and_all_reads_everything(tmp_path: Path, dovecot: Dovecot, user: User,
                                                              lockwatch) -> None:
    with dovecot.client(user) as c:
        c.append("INBOX", mailgen.ordinary(), msg_time=datetime.now(UTC) - timedelta(days=60))
        c.append("INBOX", mailgen.ordinary(), msg_time=datetime.now(UTC) - timedelta(days=3))
    config = write_config(tmp_path, [imap_account(dovecot, user)])
    done = lockwatch("scan", "-c", str(config), "--json")
    assert [m["source"] for m in messages(done.stdout)] == ["home/INBOX/2"]  # default: 30 days back
    dovecot.append(user, [mailgen.ordinary()])
    done = lockwatch("scan", "-c", str(config), "--json")
    assert [m["source"] for m in messages(done.stdout)] == ["home/INBOX/3"]  # old mail stays behind

    other = tmp_path / "all"
    other.mkdir()
    config = write_config(other, [imap_account(dovecot, user)])
    assert len(messages(lockwatch("scan", "-c", str(config), "--json", "--all").stdout)) == 3
    other = tmp_path / "since"
    other.mkdir()
    config = write_config(other, [imap_account(dovecot, user)])
    since = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert len(messages(lockwatch("scan", "-c", str(config), "--json", "--since", since).stdout)) == 1
    done = lockwatch("scan", "-c", str(config), "--since", "yesterday")
    assert done.returncode == 2 and "--since" in done.stderr


def test_uidvalidity_change_rereads_without_reporting_again(tmp_path: Path, dovecot: Dovecot, user: User,
                                                            lockwatch) -> None:
    mails = [mailgen.ordinary(), mailgen.phishing_lock()]
    dovecot.append(user, mails, folder="Lists")
    config = write_config(tmp_path, [imap_account(dovecot, user, folders=["Lists"])])
    first = lockwatch("scan", "-c", str(config), "--json", "--no-notify")
    assert len(messages(first.stdout)) == 2 and len(alerts(first.stdout)) == 1
    with db(tmp_path / "state.db") as conn:
        old = conn.execute("SELECT uidvalidity FROM checkpoints WHERE folder='Lists'").fetchone()[0]
    with dovecot.client(user) as c:
        c.delete_folder("Lists")
    time.sleep(1.1)  # Dovecot's UIDVALIDITY is a timestamp
    dovecot.append(user, [*mails, mailgen.ordinary()], folder="Lists")

    done = lockwatch("scan", "-c", str(config), "--json", "--no-notify")
    assert done.returncode == 0
    assert [m["source"] for m in messages(done.stdout)] == ["home/Lists/3"]  # only the one really new
    assert alerts(done.stdout) == []
    with db(tmp_path / "state.db") as conn:
        row = conn.execute("SELECT uidvalidity, last_uid FROM checkpoints WHERE folder='Lists'").fetchone()
        assert row["uidvalidity"] != old and row["last_uid"] == 3
        assert conn.execute("SELECT count(*) FROM alerts").fetchone()[0] == 1


def test_junk_folder_by_name_and_by_special_use(tmp_path: Path, dovecot: Dovecot, user: User,
                                                lockwatch) -> None:
    dovecot.append(user, [mailgen.phishing_lock()], folder="Junk")
    dovecot.append(user, [mailgen.ordinary()], folder="INBOX")
    config = write_config(tmp_path, [imap_account(dovecot, user, folders=["INBOX", "Junk"])])
    done = lockwatch("scan", "-c", str(config), "--json")
    assert [m["source"] for m in messages(done.stdout)] == ["home/INBOX/1", "home/Junk/1"]
    assert messages(done.stdout)[1]["verdict"] == "phishing"

    other = tmp_path / "special"
    other.mkdir()
    config = write_config(other, [imap_account(dovecot, user, folders=["\\Junk"])])
    done = lockwatch("scan", "-c", str(config), "--json")
    assert done.returncode == 0, done.stderr
    assert [m["source"] for m in messages(done.stdout)] == ["home/Junk/1"]

    listed = lockwatch("folders", "-c", str(config))
    assert listed.returncode == 0
    assert "INBOX" in listed.stdout and "Junk  (\\Junk)" in listed.stdout


def test_nested_folder_given_with_slash(tmp_path: Path, dovecot: Dovecot, user: User,
                                        lockwatch) -> None:
    dovecot.append(user, [mailgen.genuine_order()], folder="Shops/Amazon")
    config = write_config(tmp_path, [imap_account(dovecot, user, folders=["Shops/Amazon", "Missing"])])
    done = lockwatch("scan", "-c", str(config), "--json")
    assert [m["source"] for m in messages(done.stdout)] == ["home/Shops/Amazon/1"]
    assert done.returncode == 3 and "Missing" in done.stderr  # the other folder was still read


def test_starttls(tmp_path: Path, dovecot: Dovecot, user: User,
                  lockwatch) -> None:
    dovecot.append(user, [mailgen.ordinary()])
    config = write_config(tmp_path, [imap_account(dovecot, user, security="starttls", port=dovecot.port)])
    done = lockwatch("scan", "-c", str(config), "--json")
    assert done.returncode == 0, done.stderr
    assert len(messages(done.stdout)) == 1


def test_certificate_is_checked(tmp_path: Path, dovecot: Dovecot, user: User,
                                lockwatch) -> None:
    config = write_config(tmp_path, [imap_account(dovecot, user, ca_file=None)])
    done = lockwatch("scan", "-c", str(config), "--json")
    assert done.returncode == 3 and "certificate check failed" in done.stderr


def test_wrong_password_is_a_clear_error_without_the_password(tmp_path: Path, dovecot: Dovecot, user: User,
                                                              lockwatch) -> None:
    wrong = "Wr0ng-Pa55word-xyz"
    config = write_config(tmp_path, [imap_account(dovecot, user, password=wrong)])
    started = time.monotonic()
    done = lockwatch("scan", "-c", str(config), "--json")
    assert done.returncode == 3
    assert f"home: login failed for {user.name}" in done.stderr
    assert wrong not in done.stdout + done.stderr
    assert time.monotonic() - started < 10  # one attempt, no retry storm
    log = (dovecot.conf_dir / "dovecot.log").read_text()
    assert log.count(f"user=<{user.name}>") <= 2


def test_password_command_file_and_credential(tmp_path: Path, dovecot: Dovecot, user: User,
                                              lockwatch) -> None:
    dovecot.append(user, [mailgen.ordinary()])
    secret = tmp_path / "pw"
    secret.write_text(user.password + "\n")
    secret.chmod(0o600)
    (tmp_path / "cred").mkdir()
    (tmp_path / "cred" / "home-pw").write_text(user.password)
    variants = {"file": {"password_file": str(secret)},
                "command": {"password_command": f"cat {secret}"},
                "credential": {"credential": "home-pw"}}
    for name, keys in variants.items():
        directory = tmp_path / name
        directory.mkdir()
        config = write_config(directory, [imap_account(dovecot, user, password=None, **keys)])
        done = lockwatch("scan", "-c", str(config), "--json",
                         extra_env={"CREDENTIALS_DIRECTORY": str(tmp_path / "cred")})
        assert done.returncode == 0, (name, done.stderr)
        assert len(messages(done.stdout)) == 1, name
        assert user.password not in done.stdout + done.stderr


def test_xoauth2_runs_token_command_on_connect(tmp_path: Path, dovecot: Dovecot, user: User,
                                               lockwatch) -> None:
    calls = tmp_path / "calls"
    command = f"echo called >> {calls}; echo tok-SECRET-123"
    config = write_config(tmp_path, [imap_account(dovecot, user, password=None, auth="xoauth2",
                                                  token_command=command)])
    for _ in range(2):
        done = lockwatch("scan", "-c", str(config), "--json")
        assert done.returncode == 3  # this Dovecot offers no XOAUTH2: refused, clearly
        assert f"login failed for {user.name} on 127.0.0.1 with XOAUTH2" in done.stderr
        assert "tok-SECRET" not in done.stderr
    assert calls.read_text().count("called") == 2


def test_one_unreachable_account_does_not_stop_the_others(tmp_path: Path, dovecot: Dovecot, user: User,
                                                          lockwatch) -> None:
    from support.dovecot import free_port

    dovecot.append(user, [mailgen.ordinary()])
    config = write_config(tmp_path, [imap_account(dovecot, user, name="gone", port=free_port(), timeout="2s"),
                                     imap_account(dovecot, user, name="home")])
    done = lockwatch("scan", "-c", str(config), "--json")
    assert done.returncode == 3 and "gone: 127.0.0.1" in done.stderr and "cannot connect" in done.stderr
    assert [m["source"] for m in messages(done.stdout)] == ["home/INBOX/1"]
    only = lockwatch("scan", "-c", str(config), "--json", "--account", "home")
    assert only.returncode == 0
    unknown = lockwatch("scan", "-c", str(config), "--account", "nope")
    assert unknown.returncode == 2 and "nope" in unknown.stderr


def test_bad_config_exits_2_naming_the_key(tmp_path: Path, dovecot: Dovecot, user: User,
                                           lockwatch) -> None:
    config = write_config(tmp_path, [imap_account(dovecot, user)])
    config.write_text(config.read_text().replace("folders", "folderz"))
    done = lockwatch("scan", "-c", str(config))
    assert done.returncode == 2 and "account[0].folderz" in done.stderr and str(config) in done.stderr


def test_large_message_is_read_only_up_to_the_cap(tmp_path: Path, dovecot: Dovecot, user: User,
                                                  lockwatch) -> None:
    from email import message_from_bytes
    from email.policy import SMTP

    msg = message_from_bytes(mailgen.phishing_lock(), policy=SMTP)
    msg.add_attachment(b"\0" * 3_000_000, maintype="application", subtype="octet-stream", filename="big.bin")
    raw = msg.as_bytes()
    dovecot.append(user, [raw])
    config = write_config(tmp_path, [imap_account(dovecot, user, max_message_size="256KB")])
    done = lockwatch("scan", "-c", str(config), "--json")
    assert done.returncode == 0, done.stderr
    assert messages(done.stdout)[0]["verdict"] == "phishing"
    fetched = done.stderr.rsplit(",", 1)[-1]
    assert "KB fetched" in fetched and float(fetched.split()[0]) < 600


def test_server_gone_mid_scan_keeps_the_checkpoint_behind_unread_mail(tmp_path: Path, lockwatch, env) -> None:
    server = Dovecot()
    try:
        user = server.add_user()
        server.seed(user, mailgen.mixed(2000, amazon_share=0.02))
        config = write_config(tmp_path, [imap_account(server, user)])
        # The scan writes JSON lines after each committed batch; not reading them blocks it on the full
        # pipe right after the first batch, so the server is certainly gone before the next fetch.
        proc = subprocess.Popen([*lockwatch_command(), "scan", "-c", str(config), "--json", "--no-notify"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the scan printed nothing"
        time.sleep(0.5)
        server.kill()
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 3
        assert "connection lost" in err.decode()
        first = {m["source"] for m in messages(out.decode())}
        with db(tmp_path / "state.db") as conn:
            checkpoint = conn.execute("SELECT last_uid FROM checkpoints WHERE folder='INBOX'").fetchone()[0]
            recorded = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        assert 0 < checkpoint < 2000
        assert recorded == len(first) >= checkpoint
        assert {f"home/INBOX/{uid}" for uid in range(1, checkpoint + 1)} <= first

        server.start()
        done = lockwatch("scan", "-c", str(config), "--json", "--no-notify")
        assert done.returncode == 0, done.stderr
        second = [m["source"] for m in messages(done.stdout)]
        assert first.isdisjoint(second) and len(first) + len(second) == 2000
    finally:
        server.destroy()


def test_json_lines_are_one_object_each(tmp_path: Path, dovecot: Dovecot, user: User,
                                        lockwatch) -> None:
    dovecot.append(user, [mailgen.phishing_lock(), mailgen.genuine_order()])
    config = write_config(tmp_path, [imap_account(dovecot, user)])
    done = lockwatch("scan", "-c", str(config), "--json", "--no-notify")
    for line in done.stdout.splitlines():
        assert isinstance(json.loads(line), dict)
