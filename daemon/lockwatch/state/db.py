"""The state database: one SQLite file holding checkpoints, verdicts, events, incidents and the outbox.

The schema is versioned with `PRAGMA user_version`; each entry of MIGRATIONS moves it one version
forward and runs inside a transaction. Writes that belong together (a batch of verdicts, the
alerts they caused and the folder checkpoint after them) go through `State.transaction()`.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from lockwatch.clock import sane, utcnow
from lockwatch.errors import StateError

__all__ = ["KEY_VERSION", "MIGRATIONS", "State", "storage_error", "utcnow"]  # utcnow: lockwatch.clock's, for old callers

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE checkpoints (
        account     TEXT NOT NULL,
        folder      TEXT NOT NULL,
        uidvalidity INTEGER,
        last_uid    INTEGER NOT NULL DEFAULT 0,
        last_check  TEXT,            -- ISO time of the last successful check
        last_error  TEXT,
        mode        TEXT,            -- idle | poll | local
        PRIMARY KEY (account, folder)
    );
    CREATE TABLE messages (
        id          INTEGER PRIMARY KEY,
        account     TEXT NOT NULL,
        source      TEXT NOT NULL,   -- account/folder/uid or file path
        dedupe_key  TEXT NOT NULL,   -- Message-ID, or a digest of the headers when it has none
        message_id  TEXT,
        from_header TEXT,
        subject     TEXT,
        date        TEXT,            -- the mail's Date (ISO), NULL when missing
        seen_at     TEXT NOT NULL,   -- when lockwatch first read it (ISO, UTC)
        amazon_like INTEGER NOT NULL,
        verdict     TEXT NOT NULL,
        kind        TEXT,
        score       INTEGER NOT NULL,
        record      TEXT NOT NULL,   -- the full JSON message object of the contract
        UNIQUE (account, dedupe_key)
    );
    CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        account     TEXT NOT NULL,
        kind        TEXT NOT NULL,   -- order | gift_card | digital | security | lock | reinstated | bulk_mail
        subkind     TEXT,            -- e.g. password_changed, 2sv_off, sign_in
        event_time  TEXT NOT NULL,   -- the mail's Date bounded by arrival (ISO, UTC)
        message_id  TEXT,
        order_id    TEXT,
        amount      REAL,
        currency    TEXT,
        detail      TEXT,            -- JSON: items, sender, subject ...
        UNIQUE (account, kind, order_id)
    );
    CREATE INDEX events_by_time ON events (account, event_time);
    CREATE TABLE incidents (
        id            INTEGER PRIMARY KEY,
        account       TEXT NOT NULL,
        kind          TEXT NOT NULL, -- takeover | account_lock | security_notice
        severity      TEXT NOT NULL,
        opened_at     TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        closed_at     TEXT,
        last_alert_at TEXT,
        detail        TEXT NOT NULL  -- JSON: rules hit, message ids, orders, what was already said
    );
    CREATE TABLE alerts (
        id          INTEGER PRIMARY KEY,
        created_at  TEXT NOT NULL,
        account     TEXT,
        kind        TEXT NOT NULL,   -- phishing | takeover | account_lock | security_notice | health | test
        severity    TEXT NOT NULL,
        title       TEXT NOT NULL,
        body        TEXT NOT NULL,
        message_ids TEXT NOT NULL,   -- JSON list
        incident_id INTEGER,
        pushed      INTEGER NOT NULL -- 0: recorded only (--no-notify, backfill), 1: queued for delivery
    );
    CREATE TABLE deliveries (
        alert_id        INTEGER NOT NULL REFERENCES alerts(id),
        target          TEXT NOT NULL, -- a stable key of the notify URL (never the URL: it may hold a token)
        status          TEXT NOT NULL, -- pending | sent | gave_up
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error      TEXT,
        sent_at         TEXT,
        PRIMARY KEY (alert_id, target)
    );
    CREATE TABLE health (
        account     TEXT NOT NULL,
        folder      TEXT NOT NULL DEFAULT '',
        failures    INTEGER NOT NULL DEFAULT 0,
        alerted     INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        since       TEXT,
        PRIMARY KEY (account, folder)
    );
    """,
    # 2: events are read by kind over a time window (order bursts among thousands of bulk_mail rows)
    """
    CREATE INDEX events_by_kind_time ON events (account, kind, event_time);
    """,
    # 3: dedupe keys hold the Message-ID and a digest of the content (lockwatch.report.dedupe_key); rows
    # written before keep their bare Message-ID key (key_version 1) until the same mail is read again
    """
    ALTER TABLE messages ADD COLUMN key_version INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX messages_legacy_keys ON messages (account, dedupe_key) WHERE key_version = 1;
    """,
]
KEY_VERSION = 2  # of the dedupe keys written now


def _text(value: Any) -> str:
    return " ".join(str(value or "").split()).casefold()


def _moment(value: Any) -> datetime | None:
    try:
        return sane(datetime.fromisoformat(value)) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _same_mail(row: sqlite3.Row, record: dict[str, Any]) -> bool:
    """Does a row keyed by a bare Message-ID (sender, subject, date as recorded) describe ``record``'s mail?"""
    return (_text(row["from_header"]) == _text(record.get("from")) and _text(row["subject"]) == _text(record.get("subject"))
            and _moment(row["date"]) == _moment(record.get("date")))


# primary SQLite result codes that mean the file cannot be written (full or read-only disk, I/O error) ...
_STORAGE_CODES = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN}
# ... of which these may clear by themselves or by a fix outside lockwatch (a full, failing or read-only disk)
_DISK_CODES = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY}
_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}


def storage_error(exc: BaseException) -> bool:
    """True for an SQLite error caused by the disk (full, read-only, I/O), not by the SQL."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.Error) and code is not None and code & 0xFF in _STORAGE_CODES


def _disk_trouble(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in _DISK_ERRNOS
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _DISK_CODES


class State:
    """A connection to the state database; safe to share between threads (one lock)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
                if not self.path.exists():
                    fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
                    os.close(fd)
            self.conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False,
                                        isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.lock = threading.RLock()
            self._depth = 0
            self._owner = 0
            self._savepoints = 0
            self._migrate()
            # rows keyed by a bare Message-ID (schema < 3) are looked for only while there are any
            self._legacy = self.conn.execute("SELECT EXISTS (SELECT 1 FROM messages WHERE key_version = 1)").fetchone()[0]
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot open state database {self.path}: {exc}", transient=_disk_trouble(exc)) from exc

    def _migrate(self) -> None:
        """Bring the schema up to date, one step per transaction.

        The version is read again inside each step's write lock: two processes opening a new file at
        once (a manual ``scan`` beside the daemon) never both run the same step.
        """
        if self.conn.execute("PRAGMA user_version").fetchone()[0] >= len(MIGRATIONS):
            return  # up to date: no write lock needed (``status`` beside a busy daemon)
        while True:
            with self.transaction():
                version = self.conn.execute("PRAGMA user_version").fetchone()[0]
                if version >= len(MIGRATIONS):
                    return
                for statement in MIGRATIONS[version].split(";\n"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version + 1}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work; nested calls join the outer transaction."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                self._depth, self._owner = 1, threading.get_ident()
                try:
                    yield self.conn
                    self.conn.execute("COMMIT")
                except BaseException:
                    # SQLite already rolled back after a full disk or an I/O error; a second ROLLBACK
                    # would raise "no transaction is active" and hide the real error
                    if self.conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            self.conn.execute("ROLLBACK")
                    raise
                finally:
                    self._depth = 0
            except sqlite3.Error as exc:
                if storage_error(exc):
                    raise self._write_error(exc) from exc
                raise

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """A unit inside the transaction (begun if none) whose writes roll back alone when its block raises."""
        with self.transaction():
            self._savepoints += 1
            name = f"lw_{self._savepoints}"
            self.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException as exc:
                if self.conn.in_transaction:  # else SQLite already rolled back everything (a disk error)
                    try:
                        self.conn.execute(f"ROLLBACK TO {name}")
                        self.conn.execute(f"RELEASE {name}")
                    except sqlite3.Error as failed:  # the unit's writes may still be there: give up the transaction
                        raise self._write_error(failed) from exc
                raise
            else:
                self.execute(f"RELEASE {name}")
            finally:
                self._savepoints -= 1

    def in_transaction(self) -> bool:
        """True when the calling thread is inside transaction() (other threads wait on the lock)."""
        return self._depth > 0 and self._owner == threading.get_ident()

    def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Cursor:
        with self.lock:
            try:
                return self.conn.execute(sql, params)
            except sqlite3.Error as exc:
                if storage_error(exc):
                    raise self._write_error(exc) from exc
                raise

    def _write_error(self, exc: sqlite3.Error) -> StateError:
        """The disk refused a write: say which file, what happened and what to do."""
        return StateError(f"cannot write the state database {self.path}: {exc} "
                          "(free some space or make it writable; lockwatch retries)", transient=_disk_trouble(exc))

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # -- messages --------------------------------------------------------------------------
    def seen(self, account: str, dedupe_key: str) -> bool:
        row = self.execute("SELECT 1 FROM messages WHERE account=? AND dedupe_key=?",
                           (account, dedupe_key)).fetchone()
        return row is not None

    def record_message(self, account: str, dedupe_key: str, record: dict[str, Any],
                       legacy_key: str | None = None) -> int | None:
        """Store one verdict and return its row id; None when this mail was already recorded (nothing written).

        ``legacy_key``: the mail's key as schema version < 3 wrote it (its bare Message-ID). A row stored
        under it counts as this mail only when its sender, subject and date match, and then takes the new key.
        """
        with self.transaction():
            if legacy_key is not None and self._legacy and self._claim_legacy(account, legacy_key, dedupe_key, record):
                return None
            cur = self.execute(
                "INSERT OR IGNORE INTO messages (account, source, dedupe_key, message_id, from_header, subject,"
                " date, seen_at, amazon_like, verdict, kind, score, record, key_version)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (account, record.get("source", ""), dedupe_key, record.get("message_id"), record.get("from"),
                 record.get("subject"), record.get("date"), utcnow(), int(bool(record.get("amazon_like"))),
                 record.get("verdict", "not_amazon"), record.get("kind"), int(record.get("score") or 0),
                 json.dumps(record, ensure_ascii=False), KEY_VERSION))
            if cur.rowcount != 1:
                return None
            return int(cur.lastrowid or 0)

    def _claim_legacy(self, account: str, legacy_key: str, dedupe_key: str, record: dict[str, Any]) -> bool:
        row = self.execute("SELECT id, from_header, subject, date FROM messages"
                           " WHERE account=? AND dedupe_key=? AND key_version=1", (account, legacy_key)).fetchone()
        if row is None or not _same_mail(row, record):
            return False
        self.execute("UPDATE OR IGNORE messages SET dedupe_key=?, key_version=? WHERE id=?",
                     (dedupe_key, KEY_VERSION, row["id"]))
        return True

    # -- checkpoints -----------------------------------------------------------------------
    def checkpoint(self, account: str, folder: str) -> sqlite3.Row | None:
        return self.execute("SELECT * FROM checkpoints WHERE account=? AND folder=?",
                            (account, folder)).fetchone()

    def set_checkpoint(self, account: str, folder: str, uidvalidity: int | None, last_uid: int,
                       mode: str | None = None) -> None:
        self.execute(
            "INSERT INTO checkpoints (account, folder, uidvalidity, last_uid, last_check, last_error, mode)"
            " VALUES (?,?,?,?,?,NULL,?) ON CONFLICT(account, folder) DO UPDATE SET"
            " uidvalidity=excluded.uidvalidity, last_uid=excluded.last_uid, last_check=excluded.last_check,"
            " last_error=NULL, mode=COALESCE(excluded.mode, checkpoints.mode)",
            (account, folder, uidvalidity, last_uid, utcnow(), mode))

    def set_folder_error(self, account: str, folder: str, error: str) -> None:
        self.execute(
            "INSERT INTO checkpoints (account, folder, last_error) VALUES (?,?,?)"
            " ON CONFLICT(account, folder) DO UPDATE SET last_error=excluded.last_error",
            (account, folder, error))

    def set_mode(self, account: str, folder: str, mode: str) -> None:
        """How the folder is watched now (idle | poll | local); a folder never checked has no row to mark."""
        self.execute("UPDATE checkpoints SET mode = ? WHERE account = ? AND folder = ?", (mode, account, folder))
