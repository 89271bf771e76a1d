"""The shipped systemd units: `systemd-analyze verify` is clean and the daemon's exposure is ≤ 1.5."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.paths import ROOT

UNITS = ROOT / "systemd"
ANALYZE = shutil.which("systemd-analyze") or ("/usr/bin/systemd-analyze"
                                              if Path("/usr/bin/systemd-analyze").exists() else None)
pytestmark = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not available")
MAX_EXPOSURE = 1.5


def installed_copy(tmp_path: Path) -> Path:
    """The units with ExecStart pointing at an executable that exists here (verify checks it)."""
    beside = Path(sys.executable).with_name("lockwatch")
    binary = str(beside) if beside.exists() else shutil.which("lockwatch") or "/bin/true"
    for unit in UNITS.iterdir():
        text = unit.read_text().replace("/usr/local/bin/lockwatch", binary)
        (tmp_path / unit.name).write_text(text)
    return tmp_path


def test_units_are_present() -> None:
    names = {p.name for p in UNITS.iterdir()}
    assert {"lockwatch.service", "lockwatch-scan.service", "lockwatch-scan.timer"} <= names
    daemon = (UNITS / "lockwatch.service").read_text()
    for line in ("ExecStart=/usr/local/bin/lockwatch run -c /etc/lockwatch/config.toml",
                 "ExecReload=/bin/kill -HUP $MAINPID", "RestartPreventExitStatus=2", "StateDirectory=lockwatch",
                 "LoadCredential=imap-password:/etc/lockwatch/imap-password", "DynamicUser=yes"):
        assert line in daemon.splitlines()


def test_verify_is_clean(tmp_path: Path) -> None:
    units = installed_copy(tmp_path)
    done = subprocess.run([ANALYZE, "verify", *sorted(str(p) for p in units.iterdir())], capture_output=True,
                          text=True, timeout=60, cwd=units)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "" and done.stdout.strip() == "", done.stderr + done.stdout


@pytest.mark.parametrize("unit", ["lockwatch.service", "lockwatch-scan.service"])
def test_security_exposure(unit: str) -> None:
    done = subprocess.run([ANALYZE, "security", "--offline=true", "--no-pager", str(UNITS / unit)],
                          capture_output=True, text=True, timeout=60)
    found = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", done.stdout + done.stderr)
    assert found, done.stdout[-2000:] + done.stderr
    assert float(found[1]) <= MAX_EXPOSURE, done.stdout
