"""The pipeline and state together: dedupe, trackers, and checkpoints that move only with their verdicts."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from lockwatch.model import Alert
from lockwatch.pipeline import Processor
from lockwatch.sources.base import Batch, Checkpoint, Item, split_header
from lockwatch.state.db import State
from support import mailgen


@pytest.fixture
def state(tmp_path: Path) -> State:
    return State(tmp_path / "sub" / "state.db")


def test_state_file_is_private(tmp_path: Path, state: State) -> None:
    assert stat.S_IMODE((tmp_path / "sub" / "state.db").stat().st_mode) == 0o600


def test_a_message_is_processed_once(state: State) -> None:
    processor = Processor(state, push=False, lang="en")
    raw = mailgen.phishing_lock()
    first = processor.process("home", "home/INBOX/1", raw)
    assert first is not None and first.record["verdict"] == "phishing"
    assert [a["kind"] for a in first.alerts] == ["phishing"]
    assert processor.process("home", "home/Junk/7", raw) is None  # same Message-ID elsewhere
    assert processor.process("other", "other/INBOX/1", raw) is not None  # per account
    rows = state.execute("SELECT account, pushed FROM alerts ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [("home", 0), ("other", 0)]


def test_trackers_see_each_new_message_and_their_alerts_are_stored(state: State) -> None:
    seen = []

    def tracker(st, account, record, mail, analysis):
        seen.append((account, record["source"], analysis.verdict))
        genuine = analysis.verdict == "genuine"
        return [Alert("takeover", "critical", "t", "b", ("<x>",))] if genuine else []

    processor = Processor(state, trackers=[tracker])
    done = processor.process("home", "s1", mailgen.genuine_order())
    assert done is not None
    assert done.alerts == [{"type": "alert", "severity": "critical", "kind": "takeover", "title": "t",
                            "body": "b", "message_ids": ["<x>"]}]
    assert seen == [("home", "s1", "genuine")]
    assert state.execute("SELECT pushed FROM alerts").fetchone()[0] == 1


def test_checkpoint_moves_only_together_with_the_verdicts(state: State) -> None:
    def failing(st, account, record, mail, analysis):
        if record["source"] == "home/INBOX/4":  # the database itself fails: not a poison mail
            raise sqlite3.OperationalError("disk I/O error")
        return []

    def batch(uids: tuple[int, int]) -> Batch:
        items = [Item(f"home/INBOX/{uid}", mailgen.ordinary()) for uid in uids]
        return Batch("INBOX", items, Checkpoint(7, uids[-1]))

    processor = Processor(state, trackers=[failing])
    assert len(processor.commit("home", batch((1, 2)))) == 2
    with pytest.raises(sqlite3.OperationalError):
        processor.commit("home", batch((3, 4)))
    assert state.checkpoint("home", "INBOX")["last_uid"] == 2
    sources = [r[0] for r in state.execute("SELECT source FROM messages ORDER BY id")]
    assert sources == ["home/INBOX/1", "home/INBOX/2"]  # home/INBOX/3 was rolled back with the batch


def test_header_only_items_are_recorded_as_not_amazon(state: State) -> None:
    processor = Processor(state)
    header = split_header(mailgen.ordinary())
    assert header.endswith(b"\r\n\r\n")
    done = processor.commit("home", Batch("INBOX", [Item("home/INBOX/1", header, header_only=True)]))
    assert done[0].record["verdict"] == "not_amazon" and done[0].record["subject"]


def test_header_mail_decodes_folded_and_encoded_fields() -> None:
    from lockwatch.parse.headers import header_mail

    mail = header_mail(b"Received: x\r\nSubject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\n"
                       b" =?UTF-8?B?44Gn44GZ?=\r\nFrom: \"Shop, Inc.\" <news@shop.example>\r\n"
                       b"Date: Mon, 23 Nov 2026 09:00:00 +0900\r\nMessage-ID: <a@b>\r\nX-Subject: no\r\n\r\n")
    assert mail.subject == "テストです"
    assert (mail.from_name, mail.from_addr) == ("Shop, Inc.", "news@shop.example")
    assert mail.date is not None and mail.date.isoformat() == "2026-11-23T09:00:00+09:00"
    assert mail.message_id == "<a@b>"
    assert header_mail(b"From: =?UTF-8?B?5bGx55Sw?= <a@b.c>\n\n").from_name == "山田"
    assert header_mail(b"Date: not a date\n\n").date is None


def test_a_version_1_state_file_is_migrated(tmp_path: Path) -> None:
    import sqlite3

    from lockwatch.state.db import MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO checkpoints (account, folder, last_uid) VALUES ('home', 'INBOX', 42)")
    conn.commit()
    conn.close()
    state = State(path)
    assert state.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert state.checkpoint("home", "INBOX")["last_uid"] == 42
    indexes = {r[0] for r in state.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "events_by_kind_time" in indexes
