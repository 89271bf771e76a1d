"""The daemon behind ``lockwatch run``: scheduled scans, IMAP IDLE listeners, outbox delivery.

One ``Runtime`` holds everything that depends on the config: an APScheduler ``BackgroundScheduler``
(a scan job per account, the outbox delivery job, daily housekeeping) and one IDLE listener thread
per IMAP folder. Every scan — scheduled or woken by IDLE — is ``scanner.scan_account``, the same
code as ``lockwatch scan``, serialised per account by a lock. ``Service`` owns the process: signal
handlers only set flags; the main thread stops or rebuilds the runtime (SIGHUP reloads the config
and keeps the old one when the new one is invalid).
"""

from __future__ import annotations

import dataclasses
import imaplib
import logging
import signal
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lockwatch.config import Account, Config, find_config, load, parse_since
from lockwatch.errors import AuthError, ConfigError, SourceError, StateError
from lockwatch.scanner import Progress, ScanStats, scan_account
from lockwatch.state.db import State

__all__ = ["EXIT_CONFIG", "EXIT_OK", "Runtime", "Service", "main"]

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILURE, EXIT_CONFIG = 0, 1, 2
DEFAULT_SINCE = "30d"  # how far back the very first pass of an account looks (as `lockwatch scan`)
IDLE_RENEW = 270.0  # re-issue IDLE well within 5 minutes (NAT boxes and servers drop idle links)
IDLE_TICK = 1.0  # idle_check() timeout: how soon a stop request is noticed
BACKOFF_START, BACKOFF_MAX = 1.0, 300.0  # network errors: 1 s, 2 s, 4 s ... 5 min
AUTH_BACKOFF_START, AUTH_BACKOFF_MAX = 900.0, 6 * 3600.0  # refused login: 15 min ... 6 h
DELIVERY_INTERVAL = 30.0
HOUSEKEEPING_INTERVAL = timedelta(days=1)
KEEP = timedelta(days=90)  # messages, events, alerts and closed incidents older than this are pruned
STOP_TIMEOUT = 5.0

# what a dropped connection, a server restart or a half-open socket can raise
NETWORK_ERRORS: tuple[type[BaseException], ...] = (SourceError, imaplib.IMAP4.error, OSError, EOFError,
                                                   socket.timeout)


class Stopping(Exception):
    """Raised between two batches of a scan when the daemon is stopping (the batch in hand is committed)."""


class _StopBetweenBatches(Progress):
    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def advance(self, count: int) -> None:
        if self.stop.is_set():
            raise Stopping


def next_backoff(current: float, start: float = BACKOFF_START, cap: float = BACKOFF_MAX) -> float:
    """Capped exponential backoff: start, 2·start, 4·start ... cap."""
    return start if current <= 0 else min(current * 2, cap)


@dataclasses.dataclass
class _AccountState:
    account: Account
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    blocked_until: float = 0.0  # monotonic time before which a refused login is not retried
    auth_backoff: float = 0.0
    idle_folders: set[str] = dataclasses.field(default_factory=set)


class Runtime:
    """Scheduler jobs and IDLE listeners for one config; ``start()`` once, ``shutdown()`` once."""

    def __init__(self, config: Config) -> None:
        from lockwatch.detect import header_prefilter
        from lockwatch.pipeline import Processor

        self.config = config
        self.stop = threading.Event()
        self.state = State(config.state.path)  # scans, health, housekeeping (one lock inside)
        self.outbox_state = State(config.state.path)  # delivery: its own connection (see deliver())
        self.prefilter = header_prefilter
        self.processor = Processor(self.state, options=config.detect.options(), lang=config.notify.language,
                                   burst=config.burst)
        self.accounts = {a.name: _AccountState(a) for a in config.accounts}
        self.deliver_lock = threading.Lock()
        self.watchers: list[IdleWatcher] = []
        self.scheduler: Any = None

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        interval = self.config.schedule.interval
        self.scheduler = BackgroundScheduler(
            timezone=UTC, executors={"default": ThreadPoolExecutor(max(4, len(self.accounts) + 3))},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": int(max(60, interval * 2))})
        now = datetime.now(UTC)
        for name in self.accounts:
            trigger = IntervalTrigger(seconds=interval, jitter=min(interval * 0.1, 30.0), timezone=UTC)
            self.scheduler.add_job(self.scheduled_scan, trigger, args=[name], id=f"scan:{name}",
                                   name=f"scan {name}", next_run_time=now)
        self.scheduler.add_job(self.deliver, "interval", seconds=DELIVERY_INTERVAL, id="deliver",
                               name="outbox delivery", next_run_time=now + timedelta(seconds=1))
        self.scheduler.add_job(self.housekeeping, "interval", seconds=HOUSEKEEPING_INTERVAL.total_seconds(),
                               id="housekeeping", name="housekeeping", next_run_time=now + timedelta(minutes=1))
        self.scheduler.start()
        threading.Thread(target=self._warm_notifier, name="notify-warmup", daemon=True).start()
        if self.config.schedule.idle:
            for acc in self.accounts.values():
                if acc.account.is_local:
                    continue
                for entry in acc.account.folders:
                    watcher = IdleWatcher(self, acc, entry)
                    self.watchers.append(watcher)
                    watcher.start()
        log.info("watching %d account(s): %s; interval %ss, IDLE %s", len(self.accounts),
                 ", ".join(self.accounts) or "none", f"{interval:g}",
                 "on" if self.config.schedule.idle else "off")

    def shutdown(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop IDLE listeners and the scheduler; a scan in progress stops after its current batch."""
        self.stop.set()
        deadline = time.monotonic() + timeout
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        for watcher in self.watchers:
            watcher.join(max(0.0, deadline - time.monotonic()))
        # running jobs see self.stop; wait for them (bounded) before the state is closed
        for acc in self.accounts.values():
            if acc.lock.acquire(timeout=max(0.05, deadline - time.monotonic())):
                acc.lock.release()
        if self.deliver_lock.acquire(timeout=max(0.05, deadline - time.monotonic())):
            self.deliver_lock.release()
        alive = [w.name for w in self.watchers if w.is_alive()]
        if alive:
            log.warning("IDLE listeners still closing their connection: %s", ", ".join(alive))
        for state in (self.state, self.outbox_state):
            try:
                state.close()
            except Exception as exc:  # a failing close must not block the exit
                log.debug("closing the state: %s", exc)

    def _warm_notifier(self) -> None:
        """Load apprise's plugins now, not on the first alert (~0.2 s that would add to its latency)."""
        try:
            from lockwatch.deliver.notify import Target, notifier_for

            notifier = notifier_for(self.config)
            for item in self.config.notify.urls:
                notifier.limits(Target.of(item))
        except Exception as exc:  # only an optimisation
            log.debug("notify warm-up: %s", exc)

    # -- jobs -------------------------------------------------------------------------------
    def scheduled_scan(self, name: str) -> None:
        acc = self.accounts[name]
        if time.monotonic() < acc.blocked_until:
            log.debug("%s: login was refused; next try in %.0f s", name, acc.blocked_until - time.monotonic())
            return
        stats = self.scan(acc)
        if stats is not None and stats.alerts:
            self.deliver()

    def scan(self, acc: _AccountState, folder: str | None = None) -> ScanStats | None:
        """The same pass as ``lockwatch scan`` over the account (or one of its folders)."""
        account = acc.account if folder is None else dataclasses.replace(acc.account, folders=(folder,))
        with acc.lock:
            if self.stop.is_set():
                return None
            stats = ScanStats()
            started = time.monotonic()
            try:
                since = parse_since(account.since or DEFAULT_SINCE)
                scan_account(account, self.state, self.processor, self.prefilter, since=since, stats=stats,
                             progress=_StopBetweenBatches(self.stop))
            except Stopping:
                log.info("%s: stopping after the last committed batch", account.name)
                return None
            except StateError as exc:  # a full or read-only disk: the batch is read again on the next check
                log.error("%s: scan stopped: %s", account.name, exc)
                return stats
            except Exception as exc:  # one broken account must not stop the daemon
                log.exception("%s: scan failed unexpectedly", account.name)
                stats.errors.append(f"{account.name}: internal error: {type(exc).__name__}")
            self._mark_idle(acc)
            self._health(acc, stats, whole=folder is None)
            if stats.messages or stats.errors:
                log.info("%s%s: %d new, %d phishing, %d alerts, %d errors (%.2f s)", account.name,
                         f"/{folder}" if folder else "", stats.messages, stats.phishing, stats.alerts,
                         len(stats.errors), time.monotonic() - started)
            for error in stats.errors:
                log.warning("%s", error)
            return stats

    def _mark_idle(self, acc: _AccountState) -> None:
        """Batches are recorded with mode 'poll'; folders with a live IDLE listener are 'idle'."""
        for folder in list(acc.idle_folders):
            try:
                self.state.execute("UPDATE checkpoints SET mode = 'idle' WHERE account = ? AND folder = ?",
                                   (acc.account.name, folder))
            except Exception as exc:
                log.debug("marking %s idle: %s", folder, exc)

    def _health(self, acc: _AccountState, stats: ScanStats, *, whole: bool) -> None:
        from lockwatch.pipeline import watch_health

        name, lang = acc.account.name, self.config.notify.language
        if stats.auth_failed:
            acc.auth_backoff = next_backoff(acc.auth_backoff, AUTH_BACKOFF_START, AUTH_BACKOFF_MAX)
            acc.blocked_until = time.monotonic() + acc.auth_backoff
            log.error("%s: login refused; not retrying for %.0f min (fix the credentials, then "
                      "reload with SIGHUP)", name, acc.auth_backoff / 60)
        elif not stats.errors:
            acc.auth_backoff, acc.blocked_until = 0.0, 0.0
        if not whole:  # health is judged by the scheduled whole-account checks: a folder scan woken by
            return      # IDLE during a short outage must not add up to a false "watcher down"
        try:
            if stats.errors:
                watch_health(self.state, name, "", stats.errors[0], lang=lang)
            else:
                watch_health(self.state, name, "", None, lang=lang)
        except Exception as exc:
            log.warning("%s: cannot record the watcher health: %s", name, exc)

    def deliver(self) -> None:
        """Push due alerts. Its own State connection: the scan connection's transactions must not
        be mistaken for the caller's (``deliver_pending`` refuses to run inside one)."""
        if not self.config.notify.urls:
            return
        from lockwatch.deliver.notify import deliver_pending

        with self.deliver_lock:
            if self.stop.is_set():
                return
            try:
                deliver_pending(self.outbox_state, self.config)
            except StateError as exc:  # the next pass (DELIVERY_INTERVAL) tries again
                log.error("notify: delivery pass stopped: %s", exc)
                return
            except Exception:
                log.exception("notify: delivery pass failed")
                return
            self._schedule_delivery()

    def _schedule_delivery(self) -> None:
        """Run the delivery job when the next retry is due, not on the next DELIVERY_INTERVAL tick."""
        from lockwatch.deliver.notify import Target
        from lockwatch.deliver.outbox import next_attempt

        try:
            due = next_attempt(self.outbox_state, [Target.of(t).key for t in self.config.notify.urls])
            job = self.scheduler.get_job("deliver") if self.scheduler is not None and due else None
            if job is None or due is None:
                return
            due = max(due, datetime.now(UTC) + timedelta(seconds=1))
            if job.next_run_time is None or due < job.next_run_time:
                job.modify(next_run_time=due)
        except Exception as exc:  # only brings a retry forward; the interval job still runs
            log.debug("notify: cannot schedule the next retry: %s", exc)

    def wake(self, acc: _AccountState, folder: str) -> None:
        """IDLE saw new mail: scan that folder now, then deliver at once (latency matters)."""
        stats = self.scan(acc, folder)
        if stats is not None and stats.alerts:
            self.deliver()

    def housekeeping(self) -> None:
        """Prune what is older than KEEP: messages, order events, delivered alerts, closed incidents."""
        cutoff = (datetime.now(UTC) - KEEP).isoformat(timespec="seconds")
        try:
            with self.state.transaction() as conn:
                counts = [
                    conn.execute("DELETE FROM messages WHERE seen_at < ?", (cutoff,)).rowcount,
                    conn.execute("DELETE FROM events WHERE event_time < ?", (cutoff,)).rowcount,
                    conn.execute("DELETE FROM incidents WHERE closed_at IS NOT NULL AND closed_at < ?",
                                 (cutoff,)).rowcount,
                ]
                old = "SELECT id FROM alerts a WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM deliveries d" \
                      " WHERE d.alert_id = a.id AND d.status = 'pending')"
                conn.execute(f"DELETE FROM deliveries WHERE alert_id IN ({old})", (cutoff,))
                counts.append(conn.execute(f"DELETE FROM alerts WHERE id IN ({old})", (cutoff,)).rowcount)
            if any(counts):
                log.info("housekeeping: pruned %d messages, %d events, %d incidents, %d alerts older than %d days",
                         *counts, KEEP.days)
        except StateError as exc:
            log.error("housekeeping stopped: %s", exc)
        except Exception:
            log.exception("housekeeping failed")


class IdleWatcher(threading.Thread):
    """One folder over its own connection: EXAMINE, IDLE, wake the scan on EXISTS, reconnect on errors."""

    def __init__(self, runtime: Runtime, acc: _AccountState, entry: str) -> None:
        super().__init__(name=f"idle {acc.account.name}/{entry}", daemon=True)
        self.runtime, self.acc, self.entry = runtime, acc, entry
        self.stop = runtime.stop
        self.delay = 0.0
        self.folder: str | None = None

    def run(self) -> None:
        name = self.acc.account.name
        while not self.stop.is_set():
            try:
                if self._session() == "no-idle":
                    log.info("%s: the server has no IDLE; polling %s every %gs", name, self.entry,
                             self.runtime.config.schedule.interval)
                    return
                return  # stopping
            except AuthError as exc:
                self.delay = next_backoff(max(self.delay, AUTH_BACKOFF_START / 2), AUTH_BACKOFF_START,
                                          AUTH_BACKOFF_MAX)
                log.error("%s (IDLE on %s paused for %.0f min)", exc, self.entry, self.delay / 60)
            except NETWORK_ERRORS as exc:
                self.delay = next_backoff(self.delay)
                log.warning("%s/%s: IDLE connection lost (%s); reconnecting in %.0f s", name, self.entry,
                            _describe(exc), self.delay)
            except Exception:  # a bug here must not end the listener for good
                self.delay = next_backoff(self.delay)
                log.exception("%s/%s: IDLE listener failed; restarting in %.0f s", name, self.entry, self.delay)
            finally:
                if self.folder is not None:
                    self.acc.idle_folders.discard(self.folder)
            self.stop.wait(self.delay)

    def _session(self) -> str:
        from lockwatch.sources.imap import ImapSource

        account = dataclasses.replace(self.acc.account, folders=(self.entry,))
        source = ImapSource(account, self.runtime.prefilter)  # TLS, timeout, login (token re-run)
        broken = True
        try:
            client = source.client
            if not client.has_capability("IDLE"):
                broken = False
                return "no-idle"
            self.folder = source.folders()[0]
            client.select_folder(source.server_name(self.folder), readonly=True)  # EXAMINE
            self.acc.idle_folders.add(self.folder)
            if self.delay:
                log.info("%s/%s: IDLE connection back", account.name, self.folder)
            self.delay = 0.0
            self.runtime.wake(self.acc, self.folder)  # catch up on whatever arrived while away
            while not self.stop.is_set():
                client._imap.untagged_responses.clear()  # imaplib keeps them forever otherwise
                woke = _start_idle(client) or self._wait(client)
                _text, responses = client.idle_done()
                woke = woke or _new_mail(responses)
                while woke and not self.stop.is_set():
                    self.runtime.wake(self.acc, self.folder)
                    _text, responses = client.noop()  # mail that came during the scan
                    woke = _new_mail(responses)
            broken = False
            return "stopped"
        finally:
            if broken:
                _shutdown(source)
            else:
                _shutdown(source, logout=True)

    def _wait(self, client: Any) -> bool:
        """idle_check in short ticks until new mail, a stop request or time to renew the IDLE."""
        started = time.monotonic()
        early = 0  # idle_check() returns [] at once on EOF (the server went away without BYE)
        while not self.stop.is_set() and time.monotonic() - started < IDLE_RENEW:
            tick = time.monotonic()
            responses = client.idle_check(timeout=IDLE_TICK)
            early = early + 1 if not responses and time.monotonic() - tick < IDLE_TICK / 2 else 0
            if early >= 3:
                raise imaplib.IMAP4.abort("connection closed by the server")
            # BYE: the server is going; an untagged NO: the folder went bad under us (Dovecot says so when it
            # is deleted, and a recreated one never reports new mail here): reconnect and EXAMINE it afresh
            if said := next((r[0] for r in responses if isinstance(r, tuple) and r and r[0] in (b"BYE", b"NO")), b""):
                raise imaplib.IMAP4.abort(f"server said {said.decode()}")
            if _new_mail(responses):
                return True
        return False


def _start_idle(client: Any) -> bool:
    """``client.idle()``, but mail reported before the server's "+ idling" counts as a wake-up
    (imapclient would raise "Unexpected IDLE response" and the mail would wait for a reconnect)."""
    from imapclient.imapclient import _parse_untagged_response

    if not client.has_capability("IDLE"):  # also caches CAPABILITY: idle_check() must not ask mid-IDLE
        raise imaplib.IMAP4.error("the server no longer offers IDLE")
    imap = client._imap
    client._idle_tag = imap._command("IDLE")
    woke = False
    while True:
        line = imap._get_response()
        if line is None:  # the continuation: idling
            return _drain_buffered(client) or woke
        if imap.tagged_commands.get(client._idle_tag):
            raise imaplib.IMAP4.error(f"IDLE refused: {imap.tagged_commands[client._idle_tag]}")
        woke = woke or _new_mail([_parse_untagged_response(line)])


def _drain_buffered(client: Any) -> bool:
    """Read the responses already sent after "+ idling" without blocking.

    The server often sends "* N EXISTS" right behind the continuation; imaplib's buffered reader
    then holds it, and idle_check() — which polls the socket first — would not see it until more
    data arrives. This reads like idle_check() does once the socket is readable.
    """
    from imapclient.imapclient import _parse_untagged_response

    sock, woke = client.socket(), False
    sock.setblocking(False)
    try:
        while True:
            try:
                line = client._imap._get_line()
            except (TimeoutError, OSError):  # nothing more buffered (SSLWantReadError is an OSError)
                break
            except imaplib.IMAP4.abort as exc:
                if "EOF" in str(exc):
                    raise imaplib.IMAP4.abort("connection closed by the server") from None
                raise
            woke = woke or _new_mail([_parse_untagged_response(line)])
    finally:
        sock.setblocking(True)
        client._set_read_timeout()
    return woke


def _new_mail(responses: list[Any]) -> bool:
    return any(isinstance(r, tuple) and len(r) >= 2 and r[1] in (b"EXISTS", b"RECENT") for r in responses)


def _shutdown(source: Any, *, logout: bool = False) -> None:
    try:
        if logout:
            source.client._imap.sock.settimeout(2.0)
            source.close()
        else:
            source.client.shutdown()
    except Exception as exc:
        log.debug("closing the IDLE connection: %s", exc)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:300]


class Service:
    """The process: signal flags, the runtime, reloads."""

    def __init__(self, path: Path, config: Config) -> None:
        self.path, self.config = path, config
        self.wakeup = threading.Event()
        self.stop_requested = False
        self.reload_requested = False

    def _on_stop(self, signum: int, _frame: Any) -> None:
        self.stop_requested = True
        self.wakeup.set()

    def _on_reload(self, signum: int, _frame: Any) -> None:
        self.reload_requested = True
        self.wakeup.set()

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)
        try:
            runtime = Runtime(self.config)
        except StateError as exc:  # a full disk may clear (systemd restarts on 1); a wrong path does not
            log.error("%s", exc)
            return EXIT_FAILURE if exc.transient else EXIT_CONFIG
        runtime.start()
        log.info("lockwatch started (config %s, state %s)", self.path, self.config.state.path)
        while not self.stop_requested:
            self.wakeup.wait(1.0)
            self.wakeup.clear()
            if self.reload_requested and not self.stop_requested:
                self.reload_requested = False
                runtime = self._reload(runtime)
        log.info("stopping")
        runtime.shutdown()
        log.info("stopped")
        return EXIT_OK

    def _reload(self, runtime: Runtime) -> Runtime:
        try:
            config = load(self.path)
            fresh = Runtime(config)
        except (ConfigError, StateError) as exc:
            log.error("reload: keeping the running config: %s", exc)
            return runtime
        log.info("reload: config %s read; restarting the watchers", self.path)
        runtime.shutdown()
        self.config = config
        fresh.start()
        return fresh


def main(explicit_config: str | None = None) -> int:
    """``lockwatch run``: 0 clean stop, 1 the state cannot be opened on a full, failing or read-only disk
    (systemd restarts it), 2 config error (systemd: RestartPreventExitStatus=2)."""
    path = find_config(explicit_config)
    try:
        if path is None:
            raise ConfigError("config.toml", "", "no config file: give -c PATH or set $LOCKWATCH_CONFIG")
        config = load(path)
        if not config.accounts:
            raise ConfigError(path, "account", "no [[account]] configured: nothing to watch")
    except ConfigError as exc:
        log.error("%s", exc)
        return EXIT_CONFIG
    return Service(path, config).run()
