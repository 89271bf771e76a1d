"""Dedupe never hides a different mail: the key is the Message-ID plus a digest of the content, copies and
second fetches are still one message, and state files keyed by bare Message-IDs keep working."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from lockwatch.pipeline import Processor
from lockwatch.record import dedupe_key, legacy_key
from lockwatch.sources.base import Batch, Checkpoint, Item, split_header
from lockwatch.state.db import MIGRATIONS, State
from support import mailgen

HARMLESS = (b"From: Bob <bob@mail.example>\r\nTo: me@example.test\r\nSubject: Lunch on Friday\r\n"
            b"Date: Mon, 23 Nov 2026 09:00:00 +0900\r\nMessage-ID: <lunch-42@mail.example>\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n\r\nSee you at noon.\r\n")


def phish_with_id(message_id: str) -> bytes:
    """The lookalike lock phish, reusing ``message_id``."""
    return re.sub(rb"(?im)^Message-ID:[^\r\n]*", f"Message-ID: {message_id}".encode(), mailgen.phishing_lock(), count=1)


def variant(raw: bytes, field: str, value: str) -> bytes:
    """``raw`` with ``field`` set to ``value`` (added on top when it has none)."""
    changed, count = re.subn(rf"(?im)^{field}:[^\r\n]*".encode(), f"{field}: {value}".encode(), raw, count=1)
    return changed if count else f"{field}: {value}\r\n".encode() + raw




def test_a_phish_reusing_a_known_message_id_is_analysed_recorded_and_alerted(state: State) -> None:
    processor = Processor(state, lang="en")
    assert processor.process("home", "home/INBOX/1", HARMLESS).record["verdict"] == "not_amazon"
    phish = processor.process("home", "home/INBOX/2", phish_with_id("<lunch-42@mail.example>"))
    assert phish is not None and phish.record["verdict"] == "phishing"
    assert [a["kind"] for a in phish.alerts] == ["phishing"]
    assert state.execute("SELECT count(*) FROM messages WHERE message_id = '<lunch-42@mail.example>'").fetchone()[0] == 2


@pytest.mark.parametrize(("field", "value"), [("From", "Alice <alice@example.org>"), ("Subject", "Lunch moved"),
                                              ("Date", "Tue, 24 Nov 2026 09:00:00 +0900"),
                                              ("Reply-To", "evil@example.org"),
                                              ("Content-Transfer-Encoding", "base64")])
def test_another_sender_subject_date_or_body_is_another_mail(state: State, field: str, value: str) -> None:
    processor = Processor(state)
    assert processor.process("home", "s1", HARMLESS) is not None
    changed = variant(HARMLESS, field, value)
    assert changed != HARMLESS
    assert processor.process("home", "s2", changed) is not None


def test_another_body_under_the_same_headers_is_another_mail(state: State) -> None:
    processor = Processor(state)
    assert processor.process("home", "s1", HARMLESS) is not None
    assert processor.process("home", "s2", HARMLESS.replace(b"at noon", b"at https://evil.example/x")) is not None


def test_copies_and_second_fetches_are_one_message(state: State) -> None:
    processor = Processor(state)
    first = processor.commit("home", Batch("INBOX", [Item("home/INBOX/1", HARMLESS)], Checkpoint(1, 1)))
    assert len(first) == 1
    assert processor.process("home", "home/Archive/9", HARMLESS) is None  # a copy in another folder
    assert processor.process("home", "home/INBOX/1", HARMLESS) is None  # fetched again
    assert processor.process("home", "home/INBOX/1", HARMLESS.replace(b"\r\n", b"\n")) is None  # stored with LF
    traced = b"Received: from mx by mx.home.example; Mon, 23 Nov 2026 09:01:00 +0900\r\n" + HARMLESS
    assert processor.process("home", "home/INBOX/3", traced) is None  # a server's trace fields are no content
    head = split_header(HARMLESS)
    assert processor.process("home", "h/1", head, header_only=True) is not None  # header-only: a key of its own
    assert processor.process("home", "h/2", head, header_only=True) is None
    assert state.execute("SELECT count(*) FROM messages").fetchone()[0] == 2


def test_keys_keep_the_message_id_readable_and_bounded() -> None:
    key = dedupe_key(None, HARMLESS)
    assert key.startswith("sha256:") and legacy_key(None, HARMLESS).startswith("sha256:")
    from lockwatch.parse.headers import header_mail

    mail = header_mail(HARMLESS)
    assert dedupe_key(mail, HARMLESS).startswith("<lunch-42@mail.example> ")
    huge = variant(HARMLESS, "Message-ID", "<" + "a" * 100_000 + "@x>")
    assert len(dedupe_key(header_mail(huge), huge)) < 250
    assert dedupe_key(header_mail(huge), huge) != dedupe_key(header_mail(huge + b"x"), huge + b"x")


def legacy_state(path: Path, raw: bytes) -> None:
    """A state file of schema version 2 holding ``raw`` under its bare Message-ID, as lockwatch wrote it."""
    from lockwatch.detect import analyse_bytes
    from lockwatch.record import message_record

    mail, analysis = analyse_bytes(raw)
    record = message_record("home/INBOX/1", mail, analysis)
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + MIGRATIONS[1] + "\nPRAGMA user_version = 2;")
    conn.execute("INSERT INTO messages (account, source, dedupe_key, message_id, from_header, subject, date, seen_at,"
                 " amazon_like, verdict, kind, score, record) VALUES ('home', 'home/INBOX/1', ?, ?, ?, ?, ?,"
                 " '2026-11-23T00:00:00+00:00', 0, 'not_amazon', NULL, 0, '{}')",
                 (mail.message_id, mail.message_id, record["from"], record["subject"], record["date"]))
    conn.commit()
    conn.close()


def test_a_state_file_keyed_by_bare_message_ids_keeps_working(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    legacy_state(path, HARMLESS)
    state = State(path)
    assert state.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    processor = Processor(state, lang="en")
    assert processor.process("home", "home/INBOX/1", HARMLESS) is None  # read again after the upgrade: known
    row = state.execute("SELECT dedupe_key, key_version FROM messages").fetchone()
    assert row["key_version"] == 2 and row["dedupe_key"].startswith("<lunch-42@mail.example> ")  # took the new key
    assert processor.process("home", "home/Junk/5", HARMLESS) is None  # and a copy is still the same mail
    phish = processor.process("home", "home/INBOX/2", phish_with_id("<lunch-42@mail.example>"))
    assert phish is not None and [a["kind"] for a in phish.alerts] == ["phishing"]


def test_a_legacy_row_does_not_hide_another_mail_with_its_message_id(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    legacy_state(path, HARMLESS)
    processor = Processor(State(path), lang="en")
    phish = processor.process("home", "home/INBOX/2", phish_with_id("<lunch-42@mail.example>"))
    assert phish is not None and phish.record["verdict"] == "phishing"
    assert processor.process("home", "home/INBOX/1", HARMLESS) is None  # the legacy row is still that mail


def test_a_flood_of_one_message_id_is_recorded_mail_by_mail_in_constant_work(state: State) -> None:
    processor = Processor(state)
    statements: list[str] = []
    mails = [variant(HARMLESS, "Subject", f"Lunch {n}") for n in range(400)]
    counts = []
    for n, raw in enumerate(mails):
        state.conn.set_trace_callback(statements.append)
        assert processor.process("home", f"home/INBOX/{n}", raw) is not None
        state.conn.set_trace_callback(None)
        counts.append(len(statements))
        statements.clear()
    assert counts[0] == counts[-1] == counts[len(counts) // 2]  # the same statements for the 1st and the 400th
    assert state.execute("SELECT count(*) FROM messages").fetchone()[0] == 400
    plan = " ".join(str(tuple(r)) for r in state.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM messages WHERE account=? AND dedupe_key=? AND key_version=1", ("h", "k")))
    assert "INDEX" in plan  # the legacy look-up is an index search, not a scan of the flood
