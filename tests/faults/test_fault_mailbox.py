"""Faults on the mailbox side, with `lockwatch run` as a subprocess, a real Dovecot and a real HTTP receiver:
the server killed mid-scan, the daemon SIGKILLed mid-scan, a folder recreated with a new UIDVALIDITY.
Each ends with every expected alert at the receiver exactly once and nothing else (0 lost, 0 doubled)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from conftest import imap_account, write_config
from support.daemonproc import Daemon, make_config, wait_for
from support.dovecot import Dovecot, User
from support.faultmail import Mailbox, build_mailbox, freeze_mid_scan, received, snapshot, tagged_phishing, thaw
from support.receivers import HttpReceiver

TOTAL = 2000
SETTLE = 1.0  # after the last expected alert: time for a duplicate to show up


def exactly_once(mailbox: Mailbox, *extra: str) -> Counter[str]:
    return Counter({key: 1 for key in [*mailbox.expected, *extra]})


def done(http: HttpReceiver, mailbox: Mailbox, state: Path, total: int, folder: str = "INBOX",
         extra: tuple[str, ...] = ()) -> Callable[[], bool]:
    """Every message recorded, the checkpoint at the end, and as many posts as expected alerts."""
    def check() -> bool:
        now = snapshot(state, folder)
        return (now is not None and now.messages == total and now.last_error is None
                and len(http.posts) >= len(mailbox.expected) + len(extra))
    return check


def finished_once(http: HttpReceiver, box: Mailbox, daemon: Daemon, timeout: float, what: str) -> None:
    """The daemon reads all TOTAL messages; every expected alert then arrived exactly once, and was stored."""
    wait_for(done(http, box, daemon.state, TOTAL), timeout, what, daemon.proc, daemon.log)
    time.sleep(SETTLE)
    assert received(http, box) == exactly_once(box)
    final = snapshot(daemon.state)
    assert final is not None and final.last_uid == TOTAL and final.alerts == len(box.expected)


def test_dovecot_killed_mid_scan_and_back_10s_later(tmp_path: Path, http: HttpReceiver, start) -> None:
    server = Dovecot(spare_users=1)  # its own instance: this test kills it
    try:
        user = server.add_user()
        box = build_mailbox(TOTAL, 9)
        server.seed(user, box.raws)
        daemon = start(make_config(tmp_path, server, user, http.url))
        freeze_mid_scan(daemon.proc, daemon.state, TOTAL, daemon.log, at_most=TOTAL // 2)
        server.kill()  # the server and every imap process vanish while the scan is part-way
        killed = time.monotonic()
        thaw(daemon.proc)
        wait_for(lambda: (s := snapshot(daemon.state)) is not None and s.last_error is not None, 10,
                 "the scan to fail", daemon.proc, daemon.log)
        cut = snapshot(daemon.state)
        assert cut is not None and cut.messages < TOTAL, "the fault did not hit mid-scan"
        assert cut.last_uid == cut.messages  # the checkpoint is after the last recorded batch, not beyond
        time.sleep(max(0.0, 10.0 - (time.monotonic() - killed)))
        away = snapshot(daemon.state)
        assert away is not None and (away.messages, away.last_uid) == (cut.messages, cut.last_uid)
        server.start()
        finished_once(http, box, daemon, 40, "the scan to finish after the restart")
        log = daemon.text()
        assert "connection lost" in log and "Traceback" not in log
        assert daemon.stop() == 0
    finally:
        server.destroy()


def test_daemon_sigkilled_mid_scan_resumes_from_its_checkpoint(tmp_path: Path, dovecot: Dovecot, user: User,
                                                               http: HttpReceiver, start) -> None:
    box = build_mailbox(TOTAL, 9)
    dovecot.seed(user, box.raws)
    config = make_config(tmp_path, dovecot, user, http.url)
    first = start(config)
    held = freeze_mid_scan(first.proc, first.state, TOTAL, first.log)
    first.proc.kill()  # SIGKILL: no handler runs, the open transaction is lost
    first.proc.wait(5)
    assert snapshot(first.state) == held  # what was committed stays; nothing half-written
    assert held.last_uid == held.messages  # messages and checkpoint are committed together
    before = received(http, box)  # alerts pushed before the kill: some, never twice, none of unread mail
    assert all(count == 1 for count in before.values()) and sum(before.values()) < len(box.expected)
    second = start(config)
    finished_once(http, box, second, 30, "the restarted daemon to finish the scan")
    log = second.text()
    assert f"home: {TOTAL - held.messages} new" in log or f"home/INBOX: {TOTAL - held.messages} new" in log, log
    assert "Traceback" not in log
    assert second.stop() == 0


def test_uidvalidity_reset_rereads_the_folder_without_alerting_twice(tmp_path: Path, dovecot: Dovecot, user: User,
                                                                    http: HttpReceiver, start) -> None:
    folder, count = "Shopping", 300
    box = build_mailbox(count, 4)
    dovecot.append(user, box.raws, folder=folder)
    extra = f'\n[schedule]\ninterval = "2m"\nidle = true\n\n[notify]\nurls = ["{http.url}"]\nlanguage = "en"\n'
    config = write_config(tmp_path, [imap_account(dovecot, user, folders=[folder], timeout="5s")], extra=extra)
    daemon = start(config)
    wait_for(done(http, box, daemon.state, count, folder), 20, "the first scan", daemon.proc, daemon.log)
    assert received(http, box) == exactly_once(box)
    old = snapshot(daemon.state, folder)
    assert old is not None and old.last_uid == count
    # the folder is deleted and made again with the same mail, plus two new phishing mails whose new
    # UIDs are below the old checkpoint (a reader that kept the old last UID would never see them)
    new_tags = [f"LWF-{tag}" for tag in ("abcdef-901", "abcdef-902")]
    again = [*box.raws[:10], tagged_phishing(new_tags[0]), *box.raws[10:150], tagged_phishing(new_tags[1]),
             *box.raws[150:]]
    with dovecot.client(user) as client:
        client.delete_folder(folder)
        client.create_folder(folder)
        client.multiappend(folder, again)
        uidvalidity = int(client.select_folder(folder, readonly=True)[b"UIDVALIDITY"])
    assert uidvalidity != old.uidvalidity
    wait_for(done(http, box, daemon.state, count + 2, folder, extra=tuple(new_tags)), 20,
             "the recreated folder to be read", daemon.proc, daemon.log)
    assert received(http, box) == exactly_once(box, *new_tags)  # the old alerts are not pushed again
    final = snapshot(daemon.state, folder)
    assert final is not None and final.uidvalidity == uidvalidity and final.last_uid == len(again)
    # the IDLE listener watches the new folder, not the deleted one: later mail is still seen at once
    new_tags.append("LWF-abcdef-903")
    dovecot.append(user, [tagged_phishing(new_tags[-1])], folder=folder)
    wait_for(lambda: received(http, box)[new_tags[-1]] >= 1, 5, "the alert for mail after the reset", daemon.proc,
             daemon.log)
    time.sleep(SETTLE)
    assert received(http, box) == exactly_once(box, *new_tags)
    log = daemon.text()
    assert f"UIDVALIDITY changed ({old.uidvalidity} → {uidvalidity})" in log
    assert "Traceback" not in log
    assert daemon.stop() == 0
