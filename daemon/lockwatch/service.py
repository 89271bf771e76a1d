"""The daemon behind ``lockwatch run``: scheduled scans, IMAP IDLE listeners, outbox delivery.

One ``Runtime`` holds everything that depends on the config: an APScheduler ``BackgroundScheduler``
(a scan job per account, the outbox delivery job, daily housekeeping) and one IDLE listener thread
per IMAP folder (``lockwatch.sources.idle``). Every scan — scheduled or woken by IDLE — is
``scanner.scan_account``, the same code as ``lockwatch scan``, serialised per account by a lock.
``Service`` owns the process: signal handlers only set flags; the main thread stops or rebuilds the
runtime (SIGHUP reloads the config and keeps the old one when the new one is invalid).
``lockwatch.commands.run`` turns the outcome into the exit status.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lockwatch.clock import backoff, iso
from lockwatch.config import DEFAULT_SINCE, Account, Config, load, parse_since
from lockwatch.errors import ConfigError, StateError
from lockwatch.scanner import Progress, ScanStats, scan_account
from lockwatch.sources.idle import AUTH_BACKOFF_MAX, AUTH_BACKOFF_START, IdleWatcher
from lockwatch.state.db import State
from lockwatch.state.housekeeping import prune

__all__ = ["DELIVERY_INTERVAL", "HOUSEKEEPING_INTERVAL", "KEEP", "STOP_TIMEOUT", "Runtime", "Service", "Stopping"]

log = logging.getLogger(__name__)

DELIVERY_INTERVAL = 30.0
HOUSEKEEPING_INTERVAL = timedelta(days=1)
KEEP = timedelta(days=90)  # messages, events, alerts and closed incidents older than this are pruned
STOP_TIMEOUT = 5.0


class Stopping(Exception):
    """Raised between two batches of a scan when the daemon is stopping (the batch in hand is committed)."""


class _StopBetweenBatches(Progress):
    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def advance(self, count: int) -> None:
        if self.stop.is_set():
            raise Stopping


@dataclasses.dataclass
class _AccountState:
    account: Account
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    blocked_until: float = 0.0  # monotonic time before which a refused login is not retried
    refusals: int = 0  # refused logins in a row
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
                    watcher = IdleWatcher(acc.account, entry, self.prefilter, self.stop,
                                          wake=functools.partial(self.wake, acc),
                                          idling=functools.partial(self.idling, acc),
                                          poll_interval=interval)
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
            from lockwatch.deliver import notifier_for
            from lockwatch.deliver.targets import Target

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

    def _mark_idle(self, acc: _AccountState, folders: list[str] | None = None) -> None:
        """Batches are recorded with mode 'poll'; folders with a live IDLE listener are 'idle'."""
        for folder in list(acc.idle_folders) if folders is None else folders:
            try:
                self.state.set_mode(acc.account.name, folder, "idle")
            except Exception as exc:
                log.debug("marking %s idle: %s", folder, exc)

    def idling(self, acc: _AccountState, folder: str, on: bool) -> None:
        """An IDLE listener's word: the server accepted IDLE on ``folder`` (on), or the connection is gone."""
        if on:
            acc.idle_folders.add(folder)
            self._mark_idle(acc, [folder])  # status shows IDLE now, not after the next scan
        else:
            acc.idle_folders.discard(folder)

    def _health(self, acc: _AccountState, stats: ScanStats, *, whole: bool) -> None:
        from lockwatch.pipeline import watch_health

        name, lang = acc.account.name, self.config.notify.language
        if stats.auth_failed:
            acc.refusals += 1
            pause = backoff(acc.refusals, AUTH_BACKOFF_START, AUTH_BACKOFF_MAX)
            acc.blocked_until = time.monotonic() + pause
            log.error("%s: login refused; not retrying for %.0f min (fix the credentials, then "
                      "reload with SIGHUP)", name, pause / 60)
        elif not stats.errors:
            acc.refusals, acc.blocked_until = 0, 0.0
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
        from lockwatch.deliver import deliver_configured

        with self.deliver_lock:
            if self.stop.is_set():
                return
            try:
                deliver_configured(self.outbox_state, self.config)
            except StateError as exc:  # the next pass (DELIVERY_INTERVAL) tries again
                log.error("notify: delivery pass stopped: %s", exc)
                return
            except Exception:
                log.exception("notify: delivery pass failed")
                return
            self._schedule_delivery()

    def _schedule_delivery(self) -> None:
        """Run the delivery job when the next retry is due, not on the next DELIVERY_INTERVAL tick."""
        from lockwatch.deliver.outbox import next_attempt
        from lockwatch.deliver.targets import Target

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
        try:
            pruned = prune(self.state, iso(datetime.now(UTC) - KEEP))
            if pruned:
                log.info("housekeeping: pruned %d messages, %d events, %d incidents, %d alerts older than %d days",
                         pruned.messages, pruned.events, pruned.incidents, pruned.alerts, KEEP.days)
        except StateError as exc:
            log.error("housekeeping stopped: %s", exc)
        except Exception:
            log.exception("housekeeping failed")


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

    def run(self) -> None:
        """Until SIGTERM/SIGINT; SIGHUP reloads. Raises StateError when the state cannot be opened."""
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)
        runtime = Runtime(self.config)
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
