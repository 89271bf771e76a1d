"""A throwaway, unprivileged Dovecot on 127.0.0.1 for tests and the benchmark.

IMAP (+STARTTLS) and IMAPS on free ports, a self-signed certificate (SAN localhost/127.0.0.1) to
trust through ``ca_file``, and a passwd-file that users can be added to while it runs (Dovecot
re-reads it when it changes). Dovecot's login process refuses to run as root, so as root the whole
instance runs as nobody. Stopped by PID, never by name.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_dovecot() -> None:
    """Install Dovecot with apt-get when it is missing (CI runs as root)."""
    if shutil.which("dovecot"):
        return
    install = "apt-get install -y -qq dovecot-core dovecot-imapd openssl >/dev/null 2>&1"
    subprocess.run(f"{install} || (apt-get update -qq >/dev/null 2>&1 && {install})", shell=True, check=True)


@dataclass(frozen=True)
class User:
    name: str
    password: str
    home: Path

    @property
    def maildir(self) -> Path:
        return self.home / "Maildir"


class Dovecot:
    """One Dovecot instance under its own temporary directory."""

    def __init__(self, root: Path | None = None, spare_users: int = 40) -> None:
        ensure_dovecot()
        self.root = root or Path(tempfile.mkdtemp(prefix="lw-dovecot-"))
        self.root.chmod(0o755)
        self.conf_dir, self.mail = self.root / "dovecot", self.root / "mail"
        self.ca = str(self.conf_dir / "cert.pem")
        self.port, self.sport = free_port(), free_port()
        if os.geteuid() == 0:  # Dovecot's login process refuses root
            self.uid, self.gid = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
            self.run_as = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        else:
            self.uid, self.gid, self.run_as = os.getuid(), os.getgid(), []
        self.proc: subprocess.Popen[bytes] | None = None
        self.users: dict[str, User] = {}
        self._write_config()
        self._spare = [self._new_user() for _ in range(spare_users)]
        self.start()

    # -- life cycle --------------------------------------------------------------------------
    def _write_config(self) -> None:
        d = self.conf_dir
        for path in (d / "state", self.mail):
            path.mkdir(parents=True, exist_ok=True)
        if not (d / "cert.pem").exists():
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
                            "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem"),
                            "-subj", "/CN=localhost",
                            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                           check=True, capture_output=True)
        (d / "users").touch()
        user = "nobody" if self.run_as else pwd.getpwuid(self.uid).pw_name
        group = "nogroup" if self.run_as else grp.getgrgid(self.gid).gr_name
        (d / "dovecot.conf").write_text(f"""\
base_dir = {d}/run
state_dir = {d}/state
instance_name = lw-test-{self.port}
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 0
first_valid_gid = 0
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.sport}
    ssl = yes
  }}
}}
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
disable_plaintext_auth = no
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/users
}}
mail_location = maildir:~/Maildir
mail_fsync = never
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Junk {{
    special_use = \\Junk
  }}
}}
""")
        self._chown(self.root)

    def _chown(self, path: Path) -> None:
        if not self.run_as:
            return
        for dirpath, _dirs, files in os.walk(path):
            os.chown(dirpath, self.uid, self.gid)
            for name in files:
                os.chown(os.path.join(dirpath, name), self.uid, self.gid)

    def start(self, timeout: float = 10.0) -> None:
        shutil.rmtree(self.conf_dir / "run", ignore_errors=True)  # stale sockets stall logins
        (self.conf_dir / "run").mkdir()
        self._chown(self.conf_dir / "run")
        with (self.conf_dir / "fg.out").open("ab") as out:
            command = [*self.run_as, "dovecot", "-F", "-c", str(self.conf_dir / "dovecot.conf")]
            self.proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1) as s:
                s.settimeout(1)
                if s.recv(4).startswith(b"* OK"):
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"dovecot did not come up; see {self.conf_dir / 'dovecot.log'}")

    def kill(self) -> None:
        """Stop the whole instance at once (master and every imap process): the server is gone."""
        if self.proc:
            # the whole process group, also when the master already exited: its imap children
            # would otherwise keep serving (and IDLE-ing) for ~10 s after a stop
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)
        self.kill()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # -- users and mail ----------------------------------------------------------------------
    def add_user(self) -> User:
        """A fresh user with an empty mailbox.

        Users are made ahead (Dovecot re-reads its passwd-file at most once a second); when they
        run out, a new one is added and we wait for that re-read.
        """
        if self._spare:
            return self._spare.pop()
        user = self._new_user()
        time.sleep(1.1)
        return user

    def _new_user(self) -> User:
        name = f"u{uuid.uuid4().hex[:10]}@example.test"
        user = User(name, secrets.token_urlsafe(12), self.mail / name.split("@")[0])
        with (self.conf_dir / "users").open("a") as fh:
            fh.write(f"{name}:{{PLAIN}}{user.password}:{self.uid}:{self.gid}::{user.home}\n")
        self.users[name] = user
        return user

    def client(self, user: User) -> IMAPClient:
        c = IMAPClient("127.0.0.1", port=self.sport, ssl=True,
                       ssl_context=ssl.create_default_context(cafile=self.ca), timeout=30)
        c.login(user.name, user.password)
        return c

    def append(self, user: User, raws: list[bytes], folder: str = "INBOX") -> None:
        with self.client(user) as c:
            if not c.folder_exists(folder):
                c.create_folder(folder)
            if len(raws) > 1 and c.has_capability("MULTIAPPEND"):
                c.multiappend(folder, raws)
            else:
                for raw in raws:
                    c.append(folder, raw)

    def seed(self, user: User, raws: list[bytes]) -> None:
        """Write messages straight into the user's INBOX Maildir (much faster than APPEND)."""
        new, tmp = user.maildir / "new", user.maildir / "tmp"
        for sub in (new, tmp, user.maildir / "cur"):
            sub.mkdir(parents=True, exist_ok=True)
        stamp = int(time.time())
        for i, raw in enumerate(raws):
            name = f"{stamp}.M{i}P{os.getpid()}.lwtest"
            (tmp / name).write_bytes(raw)
            os.rename(tmp / name, new / name)
        self._chown(user.home)

    def flags(self, user: User, folder: str = "INBOX") -> dict[int, list[bytes]]:
        with self.client(user) as c:
            c.select_folder(folder, readonly=True)
            return {uid: sorted(flags) for uid, flags in c.get_flags(c.search("ALL")).items()}
