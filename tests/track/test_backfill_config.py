"""``[burst] backfill_max_age`` reaches the message findings (it used to be a hard-coded 24 h there): a phish
that arrived longer ago than the configured age is recorded unpushed, a younger one is pushed."""

from __future__ import annotations

import email.utils
import time
from pathlib import Path

import pytest

from lockwatch.config import parse
from lockwatch.pipeline import Processor
from lockwatch.state.db import State
from lockwatch.track.messages import BACKFILL_MAX_AGE, MessageTracker
from lockwatch.track.trackers import default_trackers
from support.paths import CORPUS

PHISH = (CORPUS / "phishing" / "ja-lock-combosquat-amazon-co-jp-login-top.eml").read_bytes()


def arrived(hours_ago: float, message_id: str) -> bytes:
    stamp = email.utils.formatdate(time.time() - hours_ago * 3600, localtime=False).encode()
    body = b"\n".join(line for line in PHISH.split(b"\n") if not line.lower().startswith(b"message-id:"))
    return (b"Received: from mx.attacker.example by mx.home.example; " + stamp + b"\r\n"
            + b"Message-ID: <" + message_id.encode() + b">\r\n" + body)


def pushed(state: State) -> dict[str, int]:
    return dict(state.execute("SELECT message_ids, pushed FROM alerts WHERE kind = 'phishing'").fetchall())


@pytest.mark.parametrize(("max_age", "expected"), [("2h", {"<three@x.test>": 0, "<one@x.test>": 1}),
                                                   ("4h", {"<three@x.test>": 1, "<one@x.test>": 1})])
def test_the_configured_backfill_age_decides_what_is_pushed(tmp_path: Path, max_age: str,
                                                            expected: dict[str, int]) -> None:
    config = parse({"burst": {"backfill_max_age": max_age}})
    state = State(tmp_path / "state.db")
    processor = Processor(state, lang="en", burst=config.burst)
    for hours, name in ((3, "three"), (1, "one")):
        assert processor.process("home", f"home/INBOX/{name}", arrived(hours, f"{name}@x.test")) is not None
    assert pushed(state) == {f'["{k}"]': v for k, v in expected.items()}
    state.close()


def test_default_trackers_carry_the_configured_age() -> None:
    config = parse({"burst": {"backfill_max_age": "6h"}})
    [messages, _] = default_trackers(config.burst)
    assert isinstance(messages, MessageTracker) and messages.backfill_max_age == 6 * 3600
    [fallback, _] = default_trackers()
    assert isinstance(fallback, MessageTracker) and fallback.backfill_max_age == BACKFILL_MAX_AGE
