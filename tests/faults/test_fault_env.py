"""Faults in the daemon's surroundings, against the real Dovecot and a real HTTP receiver with the daemon as
a subprocess: the push endpoint down for a minute, DNS unreachable, the state database on a full disk.
Each counts what the receiver got: every alert exactly once, none lost."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import imap_account, json_lines, write_config
from lockwatch.alert.compose import compose_test
from lockwatch.deliver.outbox import record_alert
from lockwatch.state.db import State
from support import burstmail
from support.daemonproc import make_config, wait_for
from support.dnsserver import free_udp_port
from support.dovecot import Dovecot, User
from support.faultenv import (
    DeliveryWorker,
    OnPost,
    PipedDaemon,
    SilentResolver,
    Tmpfs,
    dkim_key,
    integrity,
    limit_writes,
    signed_order,
)
from support.faultmail import Mailbox, build_mailbox, received, snapshot, tagged_phishing
from support.receivers import HttpReceiver, free_port

OUTAGE = 60.0  # seconds the push endpoint is down


def _settings(url: str, *, interval: str = "2m", detect: str = "") -> str:
    return (f'\n[schedule]\ninterval = "{interval}"\nidle = true\n'
            f'\n[notify]\nurls = ["{url}"]\nlanguage = "en"\n{detect}')


def _exactly_once(mailbox: Mailbox, *extra: str) -> Counter[str]:
    return Counter({name: 1 for name in [*mailbox.expected, *extra]})


def _rows(state: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5) as db:
        return db.execute(sql).fetchall()


def test_push_endpoint_down_for_the_first_minute_of_a_burst(tmp_path: Path, dovecot: Dovecot, user: User,
                                                             start) -> None:
    """Nothing listens on the notify URL's port while a burst (3 phishing mails, 3 genuine orders: a
    takeover) arrives; the receiver starts there 60 s later. The outbox retries (30 s, then 60 s, run when
    due rather than on the next delivery tick) and every alert arrives once; the log names the failures
    without the URL's password or token and without a traceback."""
    port, password, token = free_port(), os.urandom(8).hex(), os.urandom(8).hex()
    daemon = start(make_config(tmp_path, dovecot, user, f"json://lw:{password}@127.0.0.1:{port}/hook/{token}"))
    daemon.wait_ready("idle")
    mailbox = build_mailbox(8, 3)
    began = time.monotonic()
    dovecot.append(user, mailbox.raws)
    wait_for(lambda: "failed (attempt 1)" in daemon.text(), 15, "a failed delivery", daemon.proc, daemon.log)
    wait_for(lambda: (s := snapshot(daemon.state)) is not None and s.alerts == len(mailbox.expected), 15,
             "every alert of the burst queued", daemon.proc, daemon.log)
    time.sleep(max(0.0, began + OUTAGE - time.monotonic()))
    receiver = HttpReceiver(port=port)
    try:
        back = time.monotonic()
        wait_for(lambda: sum(received(receiver, mailbox).values()) >= len(mailbox.expected), OUTAGE,
                 "every alert after the endpoint came back", daemon.proc, daemon.log)
        print(f"\nendpoint back → all {len(mailbox.expected)} alerts delivered: {time.monotonic() - back:.1f} s")
        time.sleep(1.5)  # a doubled send would show up now
        assert received(receiver, mailbox) == _exactly_once(mailbox)
    finally:
        receiver.stop()
    assert _rows(daemon.state, "SELECT status, COUNT(*) FROM deliveries GROUP BY status") == [("sent", len(mailbox.expected))]
    [(attempts,)] = _rows(daemon.state, "SELECT MAX(attempts) FROM deliveries")
    assert attempts >= 2  # retried, not merely sent late
    assert daemon.stop() == 0
    log = daemon.text()
    assert "failed (attempt 2)" in log and "Traceback" not in log
    assert password not in log and token not in log and user.password not in log


def _dns_detect(port: int) -> str:
    return (f'\n[detect]\ndkim_verify = true\ndns_servers = ["127.0.0.1"]\ndns_port = {port}\n'
            'dns_timeout = "1s"\n')


def test_unreachable_dns_daemon_alerts_phishing_and_not_genuine_mail(tmp_path: Path, dovecot: Dovecot, user: User,
                                                                     http: HttpReceiver, start) -> None:
    """DKIM verification on, the resolver a closed port: a genuine order with good Authentication-Results
    and a DKIM-signed Amazon order without them (unprovable now) stay genuine — no alert — while two
    phishing mails are alerted once each; the scan is not held up by DNS, and logs no error for it."""
    config = write_config(tmp_path, [imap_account(dovecot, user, timeout="5s")],
                          extra=_settings(http.url, detect=_dns_detect(free_udp_port())))
    daemon = start(config)
    daemon.wait_ready("idle")
    run = os.urandom(3).hex()
    tags = [f"LWF-{run}-{i:03d}" for i in range(2)]
    raws = [burstmail.order(datetime.now(UTC) - timedelta(minutes=5)),
            signed_order(dkim_key(tmp_path), "lwsel1", burstmail.order_id()), *map(tagged_phishing, tags)]
    mailbox = Mailbox(raws, tags)
    dovecot.append(user, raws)
    wait_for(lambda: (s := snapshot(daemon.state)) is not None and s.messages == 4 and len(http.posts) >= 2, 20,
             "the four mails analysed and the phishing alerts sent", daemon.proc, daemon.log)
    time.sleep(1.0)
    assert received(http, mailbox) == _exactly_once(mailbox)
    verdicts = Counter(v for (v,) in _rows(daemon.state, "SELECT verdict FROM messages"))
    assert verdicts == Counter({"genuine": 2, "phishing": 2})
    assert daemon.stop() == 0
    log = daemon.text()
    assert "Traceback" not in log
    assert not [line for line in log.splitlines() if line.startswith("ERROR")]  # an unprovable key is no error


def test_silent_dns_check_and_scan_rely_on_authentication_results(tmp_path: Path, lockwatch) -> None:
    """A resolver that swallows every query: `check` and `scan` finish (a 30 s hang guard), judge from the
    Authentication-Results header, and ask the dead resolver about one key only — not once per signature."""
    resolver = SilentResolver()
    try:
        key = dkim_key(tmp_path)
        mails = {"ar-order.eml": burstmail.order(datetime.now(UTC) - timedelta(minutes=5)),
                 **{f"signed-{n}.eml": signed_order(key, f"lwsel{n}", burstmail.order_id()) for n in range(3)},
                 "phishing.eml": tagged_phishing("LWF-0-000")}
        maildir = tmp_path / "Maildir"
        for sub in ("cur", "new", "tmp"):
            (maildir / sub).mkdir(parents=True)
        for n, (name, raw) in enumerate(mails.items()):
            (tmp_path / name).write_bytes(raw)
            (maildir / "new" / f"179000000{n}.M{n}P1.lw").write_bytes(raw)
        config = write_config(tmp_path, [], extra=_dns_detect(resolver.port))

        checked = lockwatch("check", "-c", str(config), "--json", *(str(tmp_path / n) for n in mails), timeout=30)
        assert checked.returncode == 1, checked.stderr  # the phishing mail
        records = {Path(r["source"]).name: r for r in json_lines(checked.stdout)}
        assert {n: r["verdict"] for n, r in records.items()} == {
            **{n: "genuine" for n in mails if n != "phishing.eml"}, "phishing.eml": "phishing"}
        codes = {n: {reason["code"] for reason in r["reasons"]} for n, r in records.items()}
        assert "auth.pass" in codes["ar-order.eml"]  # proven by the header, not by DNS
        assert not any("auth.pass" in codes[f"signed-{n}.eml"] for n in range(3))
        assert len(set(resolver.names)) == 1, resolver.names

        scanned = lockwatch("scan", "-c", str(config), "--source", str(maildir), "--all", "--json", "--no-notify",
                            timeout=30)
        assert scanned.returncode == 0, scanned.stderr
        verdicts = Counter(o["verdict"] for o in json_lines(scanned.stdout) if o.get("type") == "message")
        assert verdicts == Counter({"genuine": 4, "phishing": 1})
        assert len(set(resolver.names)) <= 2, resolver.names  # one more key asked by the new process at most
    finally:
        resolver.close()


@pytest.mark.parametrize("disk", ["file-size-limit", "tmpfs"])
def test_full_disk_under_the_state_database(disk: str, tmp_path: Path, dovecot: Dovecot, user: User,
                                            http: HttpReceiver, env: dict[str, str]) -> None:
    """Mail arrives while the state database cannot be written; then space returns.

    Two ways to fill the disk: "file-size-limit" lowers RLIMIT_FSIZE of the daemon process to one byte
    (``prlimit``; writes fail with EFBIG, SQLite says "disk I/O error") — it needs no privilege beyond
    owning the process, so it runs everywhere, CI containers without CAP_SYS_ADMIN included; "tmpfs"
    puts the state on a small tmpfs filled to the last byte (ENOSPC, "database or disk is full") — the
    faithful case, skipped where ``mount`` is not allowed. The daemon's log goes through a pipe so the
    limit never stops it logging. chmod cannot make anything read-only for root, so that case is not here.

    While full: the daemon keeps running, logs a clear error naming the state file (no traceback) on each
    retry, records nothing and does not move the folder checkpoint; the database stays intact. Once space
    returns, the next scheduled scan alerts the mail that came meanwhile exactly once.
    """
    volume = Tmpfs.mount(tmp_path / "disk") if disk == "tmpfs" else None
    if disk == "tmpfs" and volume is None:
        pytest.skip("mount -t tmpfs is not allowed here; the file-size-limit case covers a full disk")
    state = (volume.path if volume else tmp_path) / "state.db"
    config = write_config(tmp_path, [imap_account(dovecot, user, timeout="5s")],
                          extra=_settings(http.url, interval="3s"), state=state)
    daemon = PipedDaemon(config, env, state)
    try:
        daemon.wait_ready("idle")
        run = os.urandom(3).hex()
        first = f"LWF-{run}-900"
        dovecot.append(user, [tagged_phishing(first)])
        wait_for(lambda: len(http.posts) == 1, 10, "the alert before the disk fills", daemon.proc, daemon.log)
        mailbox = build_mailbox(6, 2)
        before = snapshot(state)
        assert before is not None and before.messages == 1

        with limit_writes(daemon.proc.pid) if volume is None else volume.full():
            dovecot.append(user, mailbox.raws)
            wait_for(lambda: daemon.text().count(f"cannot write the state database {state}") >= 2, 20,
                     "the write error, twice (a retry)", daemon.proc, daemon.log)
            assert daemon.proc.poll() is None
            assert integrity(state) == "ok"
            during = snapshot(state)
            assert during is not None and (during.messages, during.last_uid, during.alerts) == (1, 1, 1)
            assert len(http.posts) == 1

        expected = _exactly_once(mailbox, first)
        wait_for(lambda: sum(received(http, mailbox).values()) >= len(expected), 20,
                 "the alerts of the mail that came while the disk was full", daemon.proc, daemon.log)
        time.sleep(1.5)  # a doubled alert would show up now
        assert received(http, mailbox) == expected
        after = snapshot(state)
        assert after is not None and (after.messages, after.last_uid, after.alerts) == (7, 7, len(expected))
        assert integrity(state) == "ok"
        assert _rows(state, "SELECT status, COUNT(*) FROM deliveries GROUP BY status") == [("sent", len(expected))]
        assert daemon.stop() == 0
        log = daemon.text()
        problem = "disk I/O error" if volume is None else "database or disk is full"
        assert f"cannot write the state database {state}: {problem}" in log
        assert "Traceback" not in log and user.password not in log
    finally:
        if daemon.proc.poll() is None:
            daemon.proc.kill()
            daemon.proc.wait(5)
        if volume is not None:
            volume.unmount()



def test_disk_full_between_sending_an_alert_and_recording_it(tmp_path: Path, http: HttpReceiver) -> None:
    """The narrowest window: the receiver has the alert, then the disk refuses the "sent" mark (the
    receiver lowers the delivering process's RLIMIT_FSIZE as the post arrives). The pass reports the
    state error; once space returns the next pass records the delivery without sending it again (the
    lease would otherwise have resent it 5 minutes later)."""
    path = tmp_path / "state.db"
    state = State(path)
    with state.transaction():
        record_alert(state, compose_test("en"), account=None, pushed=True, targets=[http.url])
    state.close()
    worker = DeliveryWorker(path, http.url)
    try:
        soft, hard = resource.prlimit(worker.proc.pid, resource.RLIMIT_FSIZE)
        http.posts = OnPost(lambda: resource.prlimit(worker.proc.pid, resource.RLIMIT_FSIZE, (1, hard)))
        failed = worker.deliver()
        assert f"StateError: cannot write the state database {path}: disk I/O error" in failed.get("error", ""), failed
        assert len(http.posts) == 1
        resource.prlimit(worker.proc.pid, resource.RLIMIT_FSIZE, (soft, hard))
        assert worker.deliver() == {"sent": 0, "failed": 0, "pending": 0}
        assert len(http.posts) == 1
        assert _rows(path, "SELECT status, attempts FROM deliveries") == [("sent", 1)]
        assert integrity(path) == "ok"
    finally:
        worker.close()


def test_start_on_a_full_disk_exits_1_naming_the_state_file(tmp_path: Path, dovecot: Dovecot, user: User,
                                                              lockwatch) -> None:
    """The disk is full when the daemon starts (its RLIMIT_FSIZE is one byte from the start): a clear error
    and exit 1, a failure that systemd restarts (Restart=on-failure) — not 2, the config error it gives up on."""
    state = tmp_path / "state.db"
    config = write_config(tmp_path, [imap_account(dovecot, user)], state=state)
    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
    done = lockwatch("run", "-c", str(config), timeout=30,
                     preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (1, hard)))
    assert done.returncode == 1, done.stderr
    assert f"cannot open state database {state}: disk I/O error" in done.stderr
    assert "Traceback" not in done.stderr


def test_scan_on_a_full_disk_exits_3_and_the_next_pass_reads_the_rest(tmp_path: Path, lockwatch) -> None:
    """`lockwatch scan` on a disk that fills up (RLIMIT_FSIZE on the process) mid-pass: exit 3 with a line
    that names the state file, no traceback, the checkpoint only where the committed verdicts end; the next
    pass with room reads the rest, and every message once. On a disk full from the start: exit 3 too."""
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    mailbox = build_mailbox(1000, 2)
    for n, raw in enumerate(mailbox.raws):
        (maildir / "new" / f"179100{n:04d}.M{n}P1.lw").write_bytes(raw)
    config = write_config(tmp_path, [])
    state = tmp_path / "state.db"
    State(state).close()  # the file exists; the full disk refuses its growth

    def scan(limit: int | None) -> subprocess.CompletedProcess[str]:
        def fill() -> None:
            if limit is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

        return lockwatch("scan", "-c", str(config), "--source", str(maildir), "--all", "--json", "--no-notify",
                         timeout=60, preexec_fn=fill)

    from lockwatch.sources.local import BATCH

    full = scan(1)
    assert full.returncode == 3 and f"state database {state}" in full.stderr, full.stderr
    refused = scan(512 * 1024)  # room for the first batches, not for all
    assert refused.returncode == 3, refused.stderr
    assert f"cannot write the state database {state}" in refused.stderr
    assert "Traceback" not in refused.stderr + refused.stdout + full.stderr
    assert integrity(state) == "ok"
    [(recorded,)] = _rows(state, "SELECT COUNT(*) FROM messages")
    assert 0 < recorded < len(mailbox.raws)
    assert recorded % BATCH == 0  # whole batches (verdicts and checkpoint together) or nothing

    scanned = lockwatch("scan", "-c", str(config), "--source", str(maildir), "--all", "--json", "--no-notify",
                        timeout=60)
    assert scanned.returncode == 0, scanned.stderr
    records = [o for o in json_lines(scanned.stdout) if o.get("type") == "message"]
    assert len(records) == len({r["source"] for r in records}) == len(mailbox.raws) - recorded
    assert _rows(state, "SELECT COUNT(*) FROM messages") == [(len(mailbox.raws),)]
