"""Review of the issue-14 restructure (the house): behaviours checked from outside, and two bugs found.

Passing tests pin what the restructure claims and does (a wrong URL fixed in the config gets the waiting
alerts once; give_up_after and backfill_max_age are read from the config). The xfail tests are bugs the
review found; each names its reproducer.
"""

from __future__ import annotations

import email.utils
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lockwatch.cli import main
from lockwatch.parse.headers import header_mail
from lockwatch.parse.message import parse
from lockwatch.state.db import MIGRATIONS, State
from support.mailstores import maildir
from support.receivers import HttpReceiver, closed_port


def _phish(n: int, minutes_ago: float = 3) -> bytes:
    date = email.utils.format_datetime(datetime.now(UTC) - timedelta(minutes=minutes_ago))
    body = ("Amazon.co.jp をご利用いただきありがとうございます。アカウントがロックされました。"
            "https://amaz0n-jp.top/signin でパスワードを確認してください。")
    return (f"From: Amazon.co.jp <no-reply@amaz0n-jp.top>\r\nTo: me@home.example\r\n"
            f"Subject: =?utf-8?b?44Ki44Kr44Km44Oz44OI44GM44Ot44OD44Kv44GV44KM44G+44GX44Gf?= {n}\r\n"
            f"Date: {date}\r\nMessage-ID: <review-{n}@amaz0n-jp.top>\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


def _config(path: Path, state: Path, urls: list[str], extra: str = "") -> Path:
    listed = ", ".join(f'"{u}"' for u in urls)
    path.write_text(f'[state]\npath = "{state}"\n[notify]\nurls = [{listed}]\nlanguage = "en"\n{extra}',
                    encoding="utf-8")
    return path


def test_a_fixed_url_gets_the_waiting_alerts_once(tmp_path: Path) -> None:
    receiver = HttpReceiver()
    try:
        store = maildir(tmp_path / "Maildir", [_phish(1), _phish(2)])
        cfg = tmp_path / "cfg.toml"
        state = tmp_path / "state.db"
        _config(cfg, state, [f"json://127.0.0.1:{closed_port()}/"])
        assert main(["scan", "--source", str(store), "-c", str(cfg)]) == 0
        assert receiver.posts == []
        _config(cfg, state, [receiver.url])  # the user fixes the URL
        assert main(["scan", "--source", str(store), "-c", str(cfg)]) == 0
        assert main(["scan", "--source", str(store), "-c", str(cfg)]) == 0
        titles = sorted(p["title"] for p in receiver.posts)
        assert len(titles) == 2 and len(set(titles)) == 2, titles  # each alert once
    finally:
        receiver.stop()


def test_no_notify_alerts_stay_unpushed_afterwards(tmp_path: Path) -> None:
    receiver = HttpReceiver()
    try:
        store = maildir(tmp_path / "Maildir", [_phish(3)])
        cfg = _config(tmp_path / "cfg.toml", tmp_path / "state.db", [receiver.url])
        assert main(["scan", "--source", str(store), "-c", str(cfg), "--no-notify"]) == 0
        assert main(["scan", "--source", str(store), "-c", str(cfg)]) == 0
        assert receiver.posts == []
    finally:
        receiver.stop()


def test_backfill_max_age_from_the_config_reaches_message_alerts(tmp_path: Path) -> None:
    receiver = HttpReceiver()
    try:
        store = maildir(tmp_path / "Maildir", [_phish(4, minutes_ago=120)])
        cfg = _config(tmp_path / "cfg.toml", tmp_path / "state.db", [receiver.url],
                      '[burst]\nbackfill_max_age = "1h"\n')
        assert main(["scan", "--source", str(store), "-c", str(cfg)]) == 0
        assert receiver.posts == []  # two hours old with a one-hour limit: recorded, not pushed
        cfg2 = _config(tmp_path / "cfg2.toml", tmp_path / "state2.db", [receiver.url],
                       '[burst]\nbackfill_max_age = "3h"\n')
        assert main(["scan", "--source", str(store), "-c", str(cfg2)]) == 0
        assert len(receiver.posts) == 1
    finally:
        receiver.stop()


@pytest.mark.parametrize(("key", "value"), [("notify", 'give_up_after = "soon"'), ("notify", "give_up_after = 0"),
                                            ("burst", "backfill_max_age = -1")])
def test_bad_new_keys_name_the_key_and_the_file(tmp_path: Path, key: str, value: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(f'[state]\npath = "{tmp_path / "s.db"}"\n[{key}]\n{value}\n', encoding="utf-8")
    assert main(["config", "check", "-c", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert str(cfg) in err and f"{key}.{value.split()[0]}" in err


def test_two_openers_of_a_fresh_state_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    other = sqlite3.connect(str(path), isolation_level=None)  # another lockwatch process, migrating
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("BEGIN IMMEDIATE")
    opened: list[object] = []

    def open_state() -> None:
        try:
            opened.append(State(path))
        except Exception as exc:  # the outcome is the assertion
            opened.append(exc)

    thread = threading.Thread(target=open_state)
    thread.start()
    time.sleep(0.5)  # the second opener has read user_version 0 and waits for the write lock
    for number, script in enumerate(MIGRATIONS, start=1):
        for statement in script.split(";\n"):
            if statement.strip():
                other.execute(statement)
        other.execute(f"PRAGMA user_version = {number}")
    other.execute("COMMIT")
    other.close()
    thread.join(35)
    assert len(opened) == 1 and isinstance(opened[0], State), opened
    opened[0].close()


SJIS_MAIL = (b"From: " + "山田 太郎".encode("cp932") + b" <taro@example.jp>\r\nSubject: "
             + "来週の会議について".encode("cp932") + b"\r\nDate: Mon, 30 Nov 2026 10:00:00 +0900\r\n"
             b"Message-ID: <sj1@example.jp>\r\nContent-Type: text/plain; charset=shift_jis\r\n\r\n"
             + "よろしくお願いします".encode("cp932"))


def test_full_parse_reads_an_8bit_shift_jis_header() -> None:
    mail = parse(SJIS_MAIL)
    assert (mail.from_name, mail.subject) == ("山田 太郎", "来週の会議について")


def test_header_only_record_reads_an_8bit_header_like_the_full_parse() -> None:
    fast, full = header_mail(SJIS_MAIL), parse(SJIS_MAIL)
    assert (fast.from_name, fast.subject) == (full.from_name, full.subject)
