"""No poison mail stops a folder: a message that breaks parsing, its record or a tracker is recorded with the
error (its partial writes rolled back alone) and the batch and its checkpoint commit; a failing database
still stops the batch."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from conftest import messages
from lockwatch import pipeline
from lockwatch.deliver.outbox import record_alert
from lockwatch.errors import StateError
from lockwatch.model import Alert
from lockwatch.pipeline import Processor, database_failure
from lockwatch.sources.base import Batch, Checkpoint, Item, split_header
from lockwatch.state.db import State
from lockwatch.track.messages import MessageTracker
from lockwatch.track.takeover import TakeoverTracker
from support import mailgen
from support.mailstores import maildir, mbox

POISON = "home/INBOX/17"




def batch(count: int = 30, phishing: tuple[int, ...] = (17, 25)) -> Batch:
    items = [Item(f"home/INBOX/{uid}", mailgen.phishing_lock() if uid in phishing else mailgen.ordinary())
             for uid in range(1, count + 1)]
    return Batch("INBOX", items, Checkpoint(9, count))


def stored(state: State) -> dict[str, dict[str, Any]]:
    import json

    return {r["source"]: json.loads(r["record"]) for r in state.execute("SELECT source, record FROM messages")}


class Boom:
    """A tracker that writes (an event and an alert) and then raises, for one message only."""

    def __call__(self, st: State, account: str, record: dict[str, Any], mail: Any, analysis: Any) -> list[Alert]:
        if record["source"] != POISON:
            return []
        st.execute("INSERT INTO events (account, kind, event_time) VALUES (?, 'order', '2026-01-01T00:00:00+00:00')",
                   (account,))
        record_alert(st, Alert("takeover", "critical", "half", "written"), account=account, pushed=True)
        raise OverflowError("date value out of range")


def test_a_tracker_raising_for_one_message_in_a_batch_spoils_nothing_else(state: State, caplog) -> None:
    processor = Processor(state, lang="en", trackers=[MessageTracker(), Boom(), TakeoverTracker()])
    mails = batch()
    with caplog.at_level(logging.WARNING, logger="lockwatch"):
        done = processor.commit("home", mails)
    assert len(done) == 30 and state.checkpoint("home", "INBOX")["last_uid"] == 30
    records = stored(state)
    assert len(records) == 30
    poison = records[POISON]
    assert poison["verdict"] == "phishing" and poison["tracking_error"] == "Boom: OverflowError"
    assert not any("tracking_error" in r for s, r in records.items() if s != POISON)
    # the failing tracker's writes went; the other trackers' alerts for the same message stayed
    assert state.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    kinds = [tuple(r) for r in state.execute("SELECT kind, title FROM alerts ORDER BY id")]
    assert [k for k, _ in kinds] == ["phishing", "phishing"] and all(t != "half" for _, t in kinds)
    warned = [r for r in caplog.records if r.levelno == logging.WARNING and r.name.startswith("lockwatch")]
    assert len(warned) == 1 and POISON in warned[0].getMessage() and "OverflowError" in warned[0].getMessage()
    assert "Amazon" not in warned[0].getMessage()  # the error class, no mail content

    assert processor.commit("home", mails) == []  # all recorded once, the poison one included


def test_a_record_that_cannot_be_built_becomes_a_parse_error_record(state: State, monkeypatch) -> None:
    processor = Processor(state, lang="en")
    build = pipeline.message_record

    def fragile(source: str, mail: Any, analysis: Any) -> dict[str, Any]:
        if source == POISON:
            raise KeyError("boom")
        return build(source, mail, analysis)

    monkeypatch.setattr(pipeline, "message_record", fragile)
    mails = batch()
    done = processor.commit("home", mails)
    assert len(done) == 30 and state.checkpoint("home", "INBOX")["last_uid"] == 30
    poison = stored(state)[POISON]
    assert poison["parse_error"] == "record failed: KeyError" and poison["verdict"] == "not_amazon"
    assert poison["subject"] == "" and poison["source"] == POISON
    assert processor.commit("home", mails) == []  # the same bytes again: still one message


def test_a_record_that_cannot_be_stored_is_stored_as_a_parse_error_copy(state: State, monkeypatch) -> None:
    processor = Processor(state, lang="en")
    build = pipeline.message_record

    def surrogate(source: str, mail: Any, analysis: Any) -> dict[str, Any]:
        record = build(source, mail, analysis)
        if source == POISON:
            record["subject"] += "\udcff"  # SQLite refuses lone surrogates (UnicodeEncodeError)
        return record

    monkeypatch.setattr(pipeline, "message_record", surrogate)
    done = processor.commit("home", batch())
    assert len(done) == 30 and state.checkpoint("home", "INBOX")["last_uid"] == 30
    poison = stored(state)[POISON]
    assert poison["parse_error"] == "recording failed: UnicodeEncodeError"
    assert poison["verdict"] == "phishing" and poison["subject"].endswith("?")  # what it said, made storable
    phishing = next(d for d in done if d.record["source"] == POISON)
    assert [a["kind"] for a in phishing.alerts] == ["phishing"]  # and it still raised its alert


def test_a_header_that_breaks_the_header_parser_is_a_parse_error(state: State, monkeypatch) -> None:
    real = pipeline.header_mail

    def broken(header: bytes):
        if b"poison" in header:
            raise RecursionError("too deep")
        return real(header)

    monkeypatch.setattr(pipeline, "header_mail", broken)
    items = [Item(f"home/INBOX/{uid}", split_header(mailgen.ordinary()), header_only=True) for uid in (1, 3)]
    items.insert(1, Item("home/INBOX/2", b"Subject: poison\r\n\r\n", header_only=True))
    done = Processor(state).commit("home", Batch("INBOX", items, Checkpoint(1, 3)))
    assert [d.record.get("parse_error") for d in done] == [None, "parsing failed: RecursionError", None]
    assert state.checkpoint("home", "INBOX")["last_uid"] == 3


@pytest.mark.parametrize("error", [sqlite3.OperationalError("disk I/O error"), sqlite3.DatabaseError("malformed"),
                                   StateError("cannot write the state database", transient=True)])
def test_a_database_failure_is_no_poison_mail(state: State, error: Exception) -> None:
    def failing(st: State, account: str, record: dict[str, Any], mail: Any, analysis: Any) -> list[Alert]:
        if record["source"] == POISON:
            raise error
        return []

    assert database_failure(error)
    processor = Processor(state, trackers=[failing])
    processor.commit("home", Batch("INBOX", [Item("home/INBOX/1", mailgen.ordinary())], Checkpoint(9, 1)))
    with pytest.raises(type(error)):
        processor.commit("home", Batch("INBOX", batch(20).items[1:], Checkpoint(9, 20)))
    assert state.checkpoint("home", "INBOX")["last_uid"] == 1  # the batch rolled back, to be read again
    assert state.execute("SELECT count(*) FROM messages").fetchone()[0] == 1


def test_errors_a_mail_can_cause_are_poison_not_database_failures() -> None:
    for exc in (sqlite3.IntegrityError("NOT NULL"), sqlite3.ProgrammingError("binding"), OverflowError("int"),
                UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates"), ValueError(), MemoryError()):
        assert not database_failure(exc)


def test_savepoints_roll_back_alone(state: State) -> None:
    with state.transaction():
        state.execute("INSERT INTO health (account) VALUES ('kept')")
        with pytest.raises(ValueError), state.savepoint():
            state.execute("INSERT INTO health (account) VALUES ('gone')")
            with state.savepoint():
                state.execute("INSERT INTO health (account) VALUES ('inner')")
            raise ValueError
        with state.savepoint():
            state.execute("INSERT INTO health (account) VALUES ('also kept')")
    assert [r[0] for r in state.execute("SELECT account FROM health ORDER BY rowid")] == ["kept", "also kept"]


def padded_phish(size: int = 2_300_000) -> bytes:
    """The lookalike lock phish with ``size`` bytes of header lines above its From (past the 2 MB size cap)."""
    filler = b"".join(b"X-Filler-%d: %s\r\n" % (n, b"a" * 70) for n in range(size // 84))
    return filler + mailgen.phishing_lock()


def test_a_header_padded_past_the_size_cap_still_shows_its_sender(tmp_path: Path, lockwatch) -> None:
    store = maildir(tmp_path / "Maildir", [mailgen.ordinary(), padded_phish(), mailgen.ordinary()])
    box = mbox(tmp_path / "mbox", [mailgen.ordinary(), padded_phish()])
    for source in (store, box):
        done = lockwatch("scan", "--source", str(source), "--json", "--no-notify", "--all")
        assert done.returncode == 0, done.stderr
        found = messages(done.stdout)
        assert len(found) == (3 if source == store else 2)
        phish = [m for m in found if m["verdict"] == "phishing"]
        assert len(phish) == 1 and "amaz0n-jp-login.top" in phish[0]["from"], [m["from"] for m in found]


def test_a_json_line_survives_a_lone_surrogate() -> None:
    import json

    from lockwatch.record import json_line

    line = json_line({"subject": "Amazon\udcff\u2028x"})
    line.encode("utf-8")  # a UTF-8 stdout can write it
    assert "\n" not in line and json.loads(line)["subject"] == "Amazon\udcff\u2028x"
