"""Shared by the bench scripts: figures with targets and their ``--json`` form, timed subprocesses with peak
RSS, fast Maildir seeding and one `lockwatch scan` run against the throwaway Dovecot of tests/dovecot.py.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import imap_account, write_config  # noqa: E402
from support import mailgen  # noqa: E402
from support.dovecot import Dovecot, User  # noqa: E402

JSON_FORMAT = "lockwatch-bench/1"


@dataclass
class Figure:
    """One measured figure; ``target`` None means informational (no target)."""

    measure: str
    value: float
    unit: str  # "×", "msg/s", "ms", "s", "MB"
    target: float | None = None
    higher_is_better: bool = False
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    def shown(self, value: float | None = None) -> str:
        value = self.value if value is None else value
        digits = 2 if self.unit in ("×", "s") else 0 if self.unit in ("msg/s", "ms") else 1
        text = f"{value:,.{digits}f}"
        return f"{text}×" if self.unit == "×" else f"{text} {self.unit}"

    def target_text(self) -> str:
        if self.target is None:
            return "—"
        return f"{'≥' if self.higher_is_better else '≤'} {self.shown(self.target)}"

    def result(self) -> str:
        """"met", or "missed by N%" measured against the target."""
        if self.met is None:
            return "—"
        if self.met:
            return "met"
        assert self.target is not None
        if self.higher_is_better:
            return f"missed by {(1 - self.value / self.target) * 100:.0f}%"
        return f"missed by {(self.value / self.target - 1) * 100:.0f}%"

    def line(self) -> str:
        target = f"  (target {self.target_text()}: {self.result()})" if self.target is not None else ""
        return f"{self.measure}: {self.shown()}{target}"


def figure(data: dict[str, Any]) -> Figure:
    return Figure(**{k: data[k] for k in Figure.__dataclass_fields__ if k in data})


class Report:
    """Human lines go to stdout, or to stderr with ``--json`` (where stdout carries one JSON document)."""

    def __init__(self, name: str, as_json: bool) -> None:
        self.name, self.as_json = name, as_json
        self.stream: TextIO = sys.stderr if as_json else sys.stdout
        self.figures: list[Figure] = []
        self.details: dict[str, Any] = {}

    def say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def add(self, fig: Figure) -> Figure:
        self.figures.append(fig)
        return fig

    def finish(self) -> int:
        """Print the target lines (and the JSON document); 0 when every target was met, else 1."""
        for fig in self.figures:
            if fig.target is not None:
                self.say(f"{fig.measure:<52} {fig.shown():>12}  target {fig.target_text():<10} "
                         f"{'ok' if fig.met else 'MISSED'}")
        if self.as_json:
            print(json.dumps({"format": JSON_FORMAT, "benchmark": self.name, "details": self.details,
                              "figures": [asdict(f) for f in self.figures]}, ensure_ascii=False), flush=True)
        return 0 if all(f.met is not False for f in self.figures) else 1


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run ``command``; (wall seconds, output). Raises RuntimeError on a non-zero exit."""
    started = time.monotonic()
    proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL,
                          check=False)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} exited {proc.returncode}: {proc.stdout.decode()[-800:]}")
    return wall, proc.stdout.decode()


# Runs the lockwatch CLI exactly as its console script does, and at exit writes the process's own peak RSS
# (VmHWM) to $LW_BENCH_PEAK_FILE. wait4()'s ru_maxrss cannot be used: Linux carries the forking parent's
# RSS over fork and exec into the child's figure, so it reported the bench process's size, not lockwatch's.
PEAK_RSS_WRAPPER = """
import atexit, os, sys
def _peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["LW_BENCH_PEAK_FILE"], "w") as out:
        out.write(kb)
atexit.register(_peak)
sys.argv[0] = "lockwatch"
from lockwatch.cli import main
sys.exit(main())
"""


def measure_lockwatch(args: list[str], env: dict[str, str], workdir: Path) -> tuple[float, int, str]:
    """Run ``lockwatch ARGS``; (wall seconds, peak RSS in KB of the lockwatch process, output)."""
    peak_file = workdir / "peak-rss-kb"
    peak_file.unlink(missing_ok=True)
    wall, output = measure([sys.executable, "-c", PEAK_RSS_WRAPPER, *args], {**env, "LW_BENCH_PEAK_FILE": str(peak_file)})
    return wall, int(peak_file.read_text()), output


# -- mail --------------------------------------------------------------------------------------------------
_MESSAGE_ID = re.compile(rb"(?im)^Message-ID:[ \t]*[^\r\n]*")


def _split_at_id(raw: bytes) -> tuple[bytes, bytes]:
    m = _MESSAGE_ID.search(raw)
    assert m, "a template without Message-ID"
    return raw[:m.start()] + b"Message-ID: ", raw[m.end():]


def fresh_messages(count: int, amazon_share: float = 0.01, seed: int = 1, pool: int = 500) -> Iterator[bytes]:
    """``count`` messages like ``mailgen.mixed`` (sizes log-normal around 4 KB, ``amazon_share`` of them
    Amazon-looking, half genuine orders, half phishing), each with its own Message-ID.

    Bodies come from a pool of ``pool`` generated messages, so 100,000 cost what 500 do (~0.3 ms each)."""
    rng = random.Random(seed)
    ordinary = [_split_at_id(mailgen.ordinary(rng, size=int(rng.lognormvariate(8.3, 0.8)))) for _ in range(pool)]
    every = max(1, round(1 / amazon_share)) if amazon_share else 0
    amazon = [_split_at_id(mailgen.genuine_order() if k % 2 else mailgen.phishing_lock())
              for k in range(min(20, count // every + 1) if every else 0)]
    tag = f"{seed}.{os.urandom(4).hex()}"
    for i in range(count):
        if every and i % every == every - 1:
            head, tail = amazon[(i // every) % len(amazon)]
        else:
            head, tail = ordinary[rng.randrange(pool)]
        yield b"%s<b%d.%s@bench.example.test>%s" % (head, i, tag.encode(), tail)


def seed_maildir(server: Dovecot, user: User, messages: Iterable[bytes], first: int = 0) -> tuple[int, int]:
    """Write messages straight into the user's INBOX Maildir ``cur/`` (with S=size, as Dovecot names them);
    returns (messages, bytes). ``first`` keeps file names unique when a mailbox is seeded in steps."""
    cur = user.maildir / "cur"
    for sub in ("cur", "new", "tmp"):
        (user.maildir / sub).mkdir(parents=True, exist_ok=True)
    owner = (server.uid, server.gid) if server.run_as else None
    for path in (user.home, user.maildir, *(user.maildir / s for s in ("cur", "new", "tmp"))):
        if owner:
            os.chown(path, *owner)
    stamp, pid, count, size = int(time.time()), os.getpid(), 0, 0
    for i, raw in enumerate(messages, start=first):
        fd = os.open(cur / f"{stamp}.M{i}P{pid}.lwbench,S={len(raw)}:2,", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, raw)
            if owner:
                os.fchown(fd, *owner)
        finally:
            os.close(fd)
        count, size = count + 1, size + len(raw)
    return count, size


def warm(server: Dovecot, user: User) -> int:
    """Let Dovecot (re)build its index and size cache for INBOX before anything is timed; the message count.

    Waits until Dovecot has logged this session's logout, so that it cannot pass for a measured one."""
    before = len(sessions(server, user))
    with server.client(user) as client:
        client.select_folder("INBOX", readonly=True)
        uids = client.search("ALL")
        for start in range(0, len(uids), 5000):  # a command line stays under Dovecot's 64 KB limit
            client.fetch(uids[start:start + 5000], ["RFC822.SIZE"])
    next_session(server, user, before)
    return len(uids)


def disk_use(path: Path) -> int:
    """Bytes allocated under ``path`` (blocks, so small files count what they really take)."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            except OSError:
                continue
    return total


# -- the server's view ------------------------------------------------------------------------------------
_LOGOUT = re.compile(r"imap\((?P<user>[^)]+)\).*Logged out in=(?P<inb>\d+) out=(?P<out>\d+)"
                     r"(?:.*hdr_bytes=(?P<hdr>\d+))?(?:.*body_bytes=(?P<body>\d+))?")


def mail_root(choice: str, need: int) -> Path | None:
    """Where the throwaway Dovecot keeps its mail: "auto" is tmpfs (/dev/shm) when it has room for ``need``
    bytes three times over, else the temp dir on disk ("disk", None); or a given directory."""
    if choice == "disk":
        return None
    if choice != "auto":
        return Path(tempfile.mkdtemp(prefix="lw-bench-", dir=choice))
    shm = Path("/dev/shm")
    if shm.is_dir() and shutil.disk_usage(shm).free > 3 * need + (256 << 20):
        return Path(tempfile.mkdtemp(prefix="lw-bench-", dir=shm))
    return None


def check_space(server: Dovecot, need: int) -> None:
    free = shutil.disk_usage(server.root).free
    if free < 2 * need:
        raise SystemExit(f"not enough space under {server.root}: {free >> 20} MB free, about {2 * need >> 20} MB needed")


@dataclass
class Session:
    """Byte counts of one IMAP session, as Dovecot logs them at logout (plain IMAP bytes, after TLS)."""

    sent: int  # out=: every byte the server sent the client
    header_bytes: int  # hdr_bytes: bytes of BODY[HEADER] sent
    body_bytes: int  # body_bytes: bytes of BODY[] sent


def sessions(server: Dovecot, user: User) -> list[Session]:
    log = server.conf_dir / "dovecot.log"
    found = []
    for line in log.read_text(errors="replace").splitlines() if log.exists() else []:
        m = _LOGOUT.search(line)
        if m and m["user"] == user.name:
            found.append(Session(int(m["out"]), int(m["hdr"] or 0), int(m["body"] or 0)))
    return found


def next_session(server: Dovecot, user: User, before: int, timeout: float = 10) -> Session:
    """The first session logged after ``before`` earlier ones (Dovecot logs it just after the logout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sessions(server, user)
        if len(found) > before:
            return found[before]
        time.sleep(0.05)
    raise RuntimeError(f"Dovecot logged no logout for {user.name}; see {server.conf_dir / 'dovecot.log'}")


# -- lockwatch scan ----------------------------------------------------------------------------------------
@dataclass
class ScanRun:
    wall: float  # seconds, process start to exit
    rss_kb: int  # peak resident set size of the lockwatch process
    session: Session  # what Dovecot sent
    summary: str  # lockwatch's "scan: ..." line


def scan(server: Dovecot, user: User, workdir: Path) -> ScanRun:
    """A first ``lockwatch scan --all --no-notify`` of the user's INBOX with fresh state in ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = write_config(workdir, [imap_account(server, user, timeout="120s")])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOCKWATCH_", "XDG_"))}
    env.update(HOME=str(workdir), XDG_STATE_HOME=str(workdir), XDG_CONFIG_HOME=str(workdir))
    before = len(sessions(server, user))
    wall, rss, out = measure_lockwatch(["scan", "-c", str(config), "--all", "--no-notify"], env, workdir)
    summary = next(line for line in out.splitlines() if line.startswith("scan: "))
    if " 0 errors" not in summary:
        raise RuntimeError(f"the scan failed: {out[-800:]}")
    return ScanRun(wall, rss, next_session(server, user, before), summary)
