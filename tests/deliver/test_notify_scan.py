"""`lockwatch scan` end to end: a phishing lock mail in Dovecot → one ja alert at the HTTP receiver."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import imap_account, write_config
from support import mailgen
from support.dovecot import Dovecot, User
from support.receivers import HttpReceiver

HOST = "amaz0n-jp-login.top"


def config(tmp_path: Path, dovecot: Dovecot, user: User, url: str) -> Path:
    return write_config(tmp_path, [imap_account(dovecot, user)],
                        extra=f'\n[notify]\nurls = ["{url}"]\nlanguage = "ja"\n')


def test_no_notify_pushes_nothing_and_a_scan_pushes_once(tmp_path: Path, dovecot: Dovecot, user: User,
                                                         http: HttpReceiver, lockwatch) -> None:
    dovecot.append(user, [mailgen.ordinary(), mailgen.phishing_lock(HOST)])
    cfg = config(tmp_path, dovecot, user, http.url)
    quiet = lockwatch("scan", "-c", str(cfg), "--no-notify")
    assert quiet.returncode == 0, quiet.stderr
    assert http.posts == []
    dovecot.append(user, [mailgen.phishing_lock(HOST)])
    loud = lockwatch("scan", "-c", str(cfg))
    assert loud.returncode == 0, loud.stderr
    assert len(http.posts) == 1  # the new phishing mail only; the --no-notify one stays recorded-only
    again = lockwatch("scan", "-c", str(cfg))
    assert again.returncode == 0 and len(http.posts) == 1


def test_scan_delivers_the_playbook_alert(tmp_path: Path, dovecot: Dovecot, user: User, http: HttpReceiver,
                                          lockwatch) -> None:
    dovecot.append(user, [mailgen.phishing_lock(HOST)])
    done = lockwatch("scan", "-c", str(config(tmp_path, dovecot, user, http.url)))
    assert done.returncode == 0, done.stderr
    [post] = http.posts
    body = post["message"]
    assert "フィッシング" in post["title"] and "今すぐやること" in body
    assert "amaz0n-jp-login[.]top" in body and "hxxps://amaz0n-jp-login[.]top/signin" in body
    assert re.search(r"^1\. .+\n2\. ", body, re.MULTILINE)
    assert HOST not in http.payload_text()
