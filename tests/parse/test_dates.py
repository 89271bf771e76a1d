"""Absurd dates (year 1 and 9999 in every UTC offset, under several local time zones) never break a
scan: the record keeps the Date as text, and the mail is judged on when the server received it, or now."""

from __future__ import annotations

import re
import sqlite3
import time
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from conftest import alerts, messages
from lockwatch.alert.compose import compose_message
from lockwatch.clock import sane, shift
from lockwatch.commands.terminal import human
from lockwatch.model import Analysis, Mail
from lockwatch.parse.dates import mail_date, received_time
from lockwatch.parse.headers import header_mail
from lockwatch.parse.message import parse
from lockwatch.pipeline import Processor
from lockwatch.record import message_record
from lockwatch.sources.base import Batch, Checkpoint, Item, split_header
from lockwatch.state.db import State
from lockwatch.track.events import event_time
from support import burstmail, mailgen
from support.paths import SUPPORT

DATA = tomllib.loads((SUPPORT / "absurd_dates.toml").read_text())
ABSURD = [f"{stamp} {offset}" for stamp in DATA["stamps"] for offset in DATA["offsets"]]
ZONES: dict[str, int] = DATA["zones"]
STATED = re.compile(r"\b(?:9999-12|0001-01|10000-01)\b|\b(?:9999|0001)\b")
_DATE = re.compile(rb"^(?:Date|Received):[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*\r?\n", re.IGNORECASE | re.MULTILINE)


def restamp(raw: bytes, date: str, received: str | None = None) -> bytes:
    """``raw`` with its Date replaced by ``date`` and its Received headers by one stamped ``received``."""
    head = _DATE.sub(b"", raw)
    trace = f"Received: from mx.example.org by mx.home.example; {received}\r\n" if received else ""
    return f"{trace}Date: {date}\r\n".encode() + head


def received_at(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC))


@pytest.fixture(params=list(ZONES))
def zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process runs in each local time zone in turn (TZ + tzset, undone afterwards)."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    assert -time.timezone // 60 == ZONES[request.param]  # the zone really took effect
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_the_data_covers_every_offset() -> None:
    hours = {o for o in DATA["offsets"] if o.endswith("00")}
    assert hours == {f"{'-' if h < 0 else '+'}{abs(h):02d}00" for h in range(-12, 15)}
    assert {"-0930", "+0545", "+2359", "-2359"} <= set(DATA["offsets"])
    assert len(ABSURD) == 2 * len(DATA["offsets"])


@pytest.mark.parametrize("text", ABSURD)
def test_an_absurd_date_is_no_date_anywhere(text: str) -> None:
    assert mail_date(text) is None
    assert received_time(f"from x by y; {text}") is None
    raw = restamp(mailgen.ordinary(), text)
    assert header_mail(split_header(raw)).date is None
    mail = parse(raw)
    assert mail.date is None and mail.headers["date"] == text
    record = message_record("x.eml", mail, Analysis(False, "not_amazon", None, 0))
    assert record["date"] is None and record["date_header"] == text  # kept as text, never as a time


def test_sane_dates_keep_their_offset_and_odd_offsets_still_compute() -> None:
    assert mail_date("Mon, 23 Nov 2026 09:00:00 +0900").isoformat() == "2026-11-23T09:00:00+09:00"
    assert mail_date("Mon, 23 Nov 2026 09:00:00 +2359").isoformat() == "2026-11-23T09:00:00+23:59"
    assert mail_date("Mon, 23 Nov 2026 09:00:00 -0000").isoformat() == "2026-11-23T09:00:00+00:00"  # naive → UTC
    now = datetime(2026, 11, 23, tzinfo=UTC)
    assert mail_date("Tue, 24 Nov 2026 09:00:00 +0000", now) is not None  # a sender's clock a little ahead
    assert mail_date("Thu, 26 Nov 2026 09:00:00 +0000", now) is None  # days ahead: a lie
    assert mail_date("Wed, 31 Dec 1969 23:59:59 +0000") is None
    assert mail_date("Mon, 1 Jan 100 00:00:00 +0000") is None
    assert mail_date("Mon, 23 Nov 26 09:00:00 +0900") is not None  # a two-digit year is 2026
    assert mail_date("Mon, 23 Nov 2026 09:00:00 +9999") is None and mail_date("x" * 10_000) is None
    for epoch in ("0", "-1", "1700000000", "-62135596800", "253402300800", "99999999999999999999", "@1700000000"):
        assert mail_date(epoch) is None  # a bare epoch number is no RFC 5322 date, however large
    for moment in (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
                   datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))),
                   datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=23, minutes=59)))):
        assert sane(moment) is None
    top = datetime.max.replace(tzinfo=UTC)
    assert shift(top, 3600) == top and shift(top, -1e30) == datetime.min.replace(tzinfo=UTC)
    assert shift(now, float("nan")) in (top, datetime.min.replace(tzinfo=UTC))


def test_event_time_of_an_absurd_date_is_the_arrival_or_now(zone: str) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    arrival = now - timedelta(minutes=7)
    for text in ABSURD:
        mail = parse(restamp(mailgen.ordinary(), text, received_at(arrival)))
        assert event_time({}, mail, now) == arrival
        mail = parse(restamp(mailgen.ordinary(), text, text))  # the Received stamp is absurd too
        assert event_time({}, mail, now) == now
        assert event_time({"date": "9999-12-31T23:59:59-12:00"}, None, now) == now
        old = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
        assert event_time({}, Mail(date=old, received=[f"x; {text}"]), now) == now


def test_takeover_tracker_and_alerts_on_year_9999_orders(zone: str, tmp_path: Path) -> None:
    """Genuine-looking order mails dated in year 1 / 9999, every offset: a takeover is still seen, on arrival time."""
    state = State(tmp_path / "state.db")
    processor = Processor(state, lang="en")
    now = datetime.now(UTC)
    for n, text in enumerate(ABSURD):
        account = f"acc{n}"
        items = [Item(f"{account}/INBOX/{i}", restamp(burstmail.order(now), text, received_at(now - timedelta(minutes=i))))
                 for i in range(1, 4)]
        items.append(Item(f"{account}/INBOX/4", restamp(mailgen.phishing_lock(), text)))  # no Received: judged on now
        done = processor.commit(account, Batch("INBOX", items, Checkpoint(7, 4)))
        assert [d.record["verdict"] for d in done] == ["genuine"] * 3 + ["phishing"], text
        assert all(d.record["date"] is None and d.record["date_header"] == text for d in done)
        raised = [a for d in done for a in d.alerts]
        assert sorted(a["kind"] for a in raised) == ["phishing", "takeover"], text
        assert not any(STATED.search(a["body"]) for a in raised)  # no alert repeats the absurd Date as a time
        assert state.checkpoint(account, "INBOX")["last_uid"] == 4
    rows = state.execute("SELECT event_time FROM events").fetchall()
    assert len(rows) == 3 * len(ABSURD)
    times = [datetime.fromisoformat(r[0]) for r in rows]
    assert all(now - timedelta(minutes=5) <= t <= now + timedelta(seconds=5) for t in times)  # arrival, not Date
    pushed = state.execute("SELECT kind, pushed FROM alerts").fetchall()
    assert {tuple(r) for r in pushed} == {("takeover", 1), ("phishing", 1)}  # fresh mail: pushed, not backfill


def test_an_absurd_date_cannot_hide_a_phish_as_old_or_new(zone: str, tmp_path: Path) -> None:
    """The server's stamp decides: three days ago is backfill (shown, not pushed), whatever the Date says."""
    state = State(tmp_path / "state.db")
    processor = Processor(state, lang="ja")
    old = datetime.now(UTC) - timedelta(days=3)
    items = [Item(f"h/INBOX/{i}", restamp(mailgen.phishing_lock(), text, received_at(old)))
             for i, text in enumerate(ABSURD, 1)]
    done = processor.commit("h", Batch("INBOX", items, Checkpoint(1, len(items))))
    assert len(done) == len(ABSURD) and all(len(d.alerts) == 1 for d in done)
    assert state.execute("SELECT count(*) FROM alerts WHERE pushed = 0").fetchone()[0] == len(ABSURD)
    for d in done:  # every text built from such a record works in every zone
        assert "score" in human(d.record, "ja") and compose_message(d.record, "en") is not None
        stale = {**d.record, "date": "9999-12-31T23:59:59-12:00"}  # a record written by an older version
        assert "9999-12-31" in compose_message(stale, "ja").body


def eml_dir(root: Path) -> Path:
    root.mkdir()
    now = datetime.now(UTC)
    for n, text in enumerate(ABSURD):
        (root / f"phish{n:03d}.eml").write_bytes(restamp(mailgen.phishing_lock(), text))
    for n, text in enumerate(ABSURD[:3]):
        (root / f"order{n}.eml").write_bytes(restamp(burstmail.order(now), text, received_at(now)))
    return root


def test_check_and_local_scan_under_every_zone(zone: str, tmp_path: Path, lockwatch) -> None:
    store = eml_dir(tmp_path / "mail")
    files = sorted(str(p) for p in store.glob("phish*.eml"))
    extra = {"TZ": zone}
    done = lockwatch("check", "--json", *files, extra_env=extra)
    assert done.returncode == 1, done.stderr  # 1: phishing found, not 2: an error
    found = messages(done.stdout)
    assert [m["source"] for m in found] == files
    assert all(m["verdict"] == "phishing" and m["date"] is None for m in found)
    assert [m["date_header"] for m in found] == ABSURD
    text = lockwatch("check", "--lang", "ja", *files[:5], *files[-5:], extra_env=extra)
    assert text.returncode == 1 and "Traceback" not in text.stderr

    scan = lockwatch("scan", "--source", str(store), "--json", "--no-notify", "--all", extra_env=extra)
    assert scan.returncode == 0, scan.stderr
    assert len(messages(scan.stdout)) == len(ABSURD) + 3
    kinds = [a["kind"] for a in alerts(scan.stdout)]
    assert kinds.count("phishing") == len(ABSURD) and kinds.count("takeover") == 1
    again = lockwatch("scan", "--source", str(store), "--json", "--no-notify", "--all", extra_env=extra)
    assert again.returncode == 0 and messages(again.stdout) == [] and alerts(again.stdout) == []


def test_state_times_stay_in_range(tmp_path: Path) -> None:
    """Nothing absurd reaches the state database: every stored time parses and sorts as UTC."""
    state = State(tmp_path / "state.db")
    processor = Processor(state, lang="en")
    now = datetime.now(UTC)
    items = [Item(f"a/I/{i}", restamp(burstmail.order(now), text, text)) for i, text in enumerate(ABSURD[:10])]
    processor.commit("a", Batch("I", items, Checkpoint(1, 10)))
    conn = sqlite3.connect(tmp_path / "state.db")
    stamps = [r[0] for r in conn.execute("SELECT event_time FROM events UNION ALL SELECT opened_at FROM incidents"
                                         " UNION ALL SELECT updated_at FROM incidents UNION ALL SELECT seen_at FROM messages")]
    assert stamps and all(s.endswith("+00:00") and abs(datetime.fromisoformat(s) - now) < timedelta(minutes=5)
                          for s in stamps)
    assert conn.execute("SELECT count(*) FROM messages WHERE date IS NOT NULL").fetchone()[0] == 0
