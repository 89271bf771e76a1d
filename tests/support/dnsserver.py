"""A throwaway dnsmasq on 127.0.0.1 answering TXT records for the tests (Debian dnsmasq-base)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from support.procs import stop_process


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DnsServer:
    """dnsmasq serving the given TXT records (name → value) for *.test and the named domains."""

    def __init__(self, directory: Path, txt: dict[str, str]) -> None:
        binary = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
        self.port = free_udp_port()
        conf = directory / "dnsmasq.conf"
        lines = [f"port={self.port}", "listen-address=127.0.0.1", "bind-interfaces", "no-resolv", "no-hosts",
                 "no-poll", "cache-size=0"]
        for name, value in txt.items():
            chunks = [value[i:i + 250] for i in range(0, len(value), 250)]
            lines.append(f"txt-record={name}," + ",".join(f'"{c}"' for c in chunks))
            lines.append(f"local=/{name}/")
        conf.write_text("\n".join(lines) + "\n")
        user = ["--user=root", "--group=root"] if os.getuid() == 0 else []
        self.proc = subprocess.Popen([binary, "--keep-in-foreground", "--log-facility=-", "--pid-file=",
                                      f"--conf-file={conf}", *user],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_ready()

    def _wait_ready(self) -> None:
        query = bytes.fromhex("abcd01000001000000000000") + b"\x04test\x00\x00\x01\x00\x01"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(0.2)
                try:
                    s.sendto(query, ("127.0.0.1", self.port))
                    s.recv(512)
                    return
                except OSError:
                    time.sleep(0.1)
        self.stop()
        raise RuntimeError("dnsmasq did not come up")

    def stop(self) -> None:
        stop_process(self.proc)
