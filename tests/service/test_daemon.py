"""`lockwatch run` as a subprocess against the real Dovecot and a real HTTP receiver."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from conftest import imap_account, write_config
from support.daemonproc import alerts_for, make_config, phishing, wait_for
from support.dovecot import Dovecot, User
from support.receivers import HttpReceiver


def test_idle_alert_then_sigterm_exits_zero(tmp_path: Path, dovecot: Dovecot, user: User, http: HttpReceiver,
                                            start) -> None:
    daemon = start(make_config(tmp_path, dovecot, user, http.url))
    daemon.wait_ready("idle")
    appended = time.monotonic()
    dovecot.append(user, [phishing()])
    wait_for(alerts_for(http, 1), 5, "the phishing alert", daemon.proc, daemon.log)
    assert time.monotonic() - appended < 5
    [post] = http.posts
    assert "phishing" in (post["title"] + post["message"]).lower()
    began = time.monotonic()
    assert daemon.stop() == 0
    assert time.monotonic() - began < 5
    log = daemon.text()
    assert "stopped" in log and "Traceback" not in log
    assert user.password not in log  # secrets never logged


def test_reconnects_after_dovecot_restart(tmp_path: Path, http: HttpReceiver, start) -> None:
    server = Dovecot(spare_users=1)  # its own instance: this test stops it
    try:
        user = server.add_user()
        daemon = start(make_config(tmp_path, server, user, http.url))
        daemon.wait_ready("idle")
        server.append(user, [phishing(1)])
        wait_for(alerts_for(http, 1), 5, "the first alert", daemon.proc, daemon.log)
        server.stop()
        time.sleep(1.0)
        server.start()
        # the daemon reconnects with backoff (1 s, 2 s, ...); mail appended meanwhile is caught up on
        server.append(user, [phishing(2)])
        wait_for(alerts_for(http, 2), 15, "the alert after the restart", daemon.proc, daemon.log)
        server.append(user, [phishing(3)])
        wait_for(alerts_for(http, 3), 5, "an alert over the new IDLE connection", daemon.proc, daemon.log)
        time.sleep(1.0)
        assert len(http.posts) == 3  # nothing lost, nothing doubled
        assert "reconnecting" in daemon.text()
        assert daemon.stop() == 0
    finally:
        server.destroy()


def test_sighup_with_broken_config_keeps_running(tmp_path: Path, dovecot: Dovecot, user: User,
                                                 http: HttpReceiver, start) -> None:
    config = make_config(tmp_path, dovecot, user, http.url)
    daemon = start(config)
    daemon.wait_ready("idle")
    good = config.read_text()
    config.write_text(good + "\n[schedule]\nintervall = 3\n")  # invalid TOML (duplicate table)
    daemon.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "keeping the running config" in daemon.text(), 5, "the reload to be refused", daemon.proc,
             daemon.log)
    assert daemon.proc.poll() is None
    dovecot.append(user, [phishing(4)])
    wait_for(alerts_for(http, 1), 5, "an alert with the old config", daemon.proc, daemon.log)
    # a valid config is taken: the watchers restart and keep alerting
    config.write_text(good)
    daemon.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "restarting the watchers" in daemon.text(), 5, "the reload", daemon.proc, daemon.log)
    time.sleep(0.5)
    dovecot.append(user, [phishing(5)])
    wait_for(alerts_for(http, 2), 5, "an alert after the reload", daemon.proc, daemon.log)
    assert daemon.stop() == 0
    assert len(http.posts) == 2


def test_polling_mode_without_idle(tmp_path: Path, dovecot: Dovecot, user: User, http: HttpReceiver,
                                   start, lockwatch) -> None:
    config = make_config(tmp_path, dovecot, user, http.url, idle=False, interval="2s")
    daemon = start(config)
    daemon.wait_ready("poll")
    dovecot.append(user, [phishing(6)])
    wait_for(alerts_for(http, 1), 8, "the alert from a polling scan", daemon.proc, daemon.log)
    assert "IDLE connection" not in daemon.text()
    status = lockwatch("status", "-c", str(config), "--json")  # reads the state while the daemon runs
    assert status.returncode == 0, status.stderr
    assert '"mode": "poll"' in status.stdout
    assert daemon.stop() == 0


def test_config_error_exits_2(tmp_path: Path, lockwatch) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[schedule]\ninterval = \"soon\"\n")
    done = lockwatch("run", "-c", str(bad), timeout=20)
    assert done.returncode == 2
    assert "schedule.interval" in done.stderr


def test_refused_login_is_not_hammered_and_other_accounts_go_on(tmp_path: Path, dovecot: Dovecot, user: User,
                                                                 http: HttpReceiver, start) -> None:
    other = dovecot.add_user()
    accounts = [imap_account(dovecot, other, name="broken", password="wrong-password", timeout="5s"),
                imap_account(dovecot, user, timeout="5s")]
    extra = f'\n[schedule]\ninterval = "2s"\nidle = true\n\n[notify]\nurls = ["{http.url}"]\nlanguage = "en"\n'
    daemon = start(write_config(tmp_path, accounts, extra=extra))
    wait_for(lambda: "login refused" in daemon.text(), 10, "the refused login", daemon.proc, daemon.log)
    dovecot.append(user, [phishing(7)])
    wait_for(alerts_for(http, 1), 8, "the alert of the working account", daemon.proc, daemon.log)
    time.sleep(3)  # a 2 s interval: the broken account would have been tried again by now
    log = daemon.text()
    # one try by the scheduled scan, one by the IDLE listener, then long pauses
    assert log.count("login refused; not retrying") == 1 and log.count("paused for 15 min") == 1, log
    assert "next try in" in log
    assert "wrong-password" not in log
    assert daemon.stop() == 0


def test_mail_reported_as_idle_starts_is_a_wake_up(dovecot: Dovecot, user: User) -> None:
    from lockwatch.sources.wire import IdleConnection, new_mail

    with dovecot.client(user) as client:
        client.select_folder("INBOX", readonly=True)
        dovecot.append(user, [phishing(8)])  # this connection learns of it on its next command: IDLE
        woke = IdleConnection(client).start() or new_mail(client.idle_check(timeout=3))
        client.idle_done()
    assert woke
