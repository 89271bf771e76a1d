"""Pipeline attacks the red team found that are no single labelled mail: each must still end in an alert."""

from __future__ import annotations

import base64

from lockwatch.detect import DetectOptions, analyse_bytes
from lockwatch.pipeline import Processor
from lockwatch.state.db import State

LOCK = "Amazon.co.jp のアカウントはロックされました。24時間以内に https://kk-support.example/x で確認してください。\r\n"


def _mail(frm: str, body: str = LOCK, extra: str = "") -> bytes:
    subject = base64.b64encode("アカウントのロック".encode()).decode()
    return (f"From: {frm}\r\nTo: me@home.example\r\nSubject: =?utf-8?B?{subject}?=\r\n"
            "Date: Tue, 01 Dec 2026 22:00:00 +0000\r\nMessage-ID: <rt-%d@kk-support.example>\r\n%s"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n%s" % (abs(hash(frm)), extra, body)).encode()


def test_a_from_of_nested_comments_still_gives_the_phishing_alert(tmp_path) -> None:
    """600 unclosed "(" made the stdlib's recursive address parser fail inside the alert composer."""
    processor = Processor(State(tmp_path / "s.db"), options=DetectOptions(dkim_verify=False), push=False)
    done = processor.process("home", "x/1", _mail("Amazon.co.jp " + "(" * 600 + " <no-reply@mail.kk-support.example>"))
    assert done is not None and done.record["verdict"] == "phishing"
    assert [a["kind"] for a in done.alerts] == ["phishing"]
    assert "tracking_error" not in done.record


def test_blank_lines_cannot_stall_the_analysis() -> None:
    """Three thousand blank lines took 40 s and more (a backtracking signature pattern); now well under a second."""
    body = "ギフトメッセージ:" + "\r\n" * 1500 + "\u3000\r\n" * 1500 + LOCK
    _, analysis = analyse_bytes(_mail("Amazon.co.jp <gc-orders@amazon.co.jp>", body), options=DetectOptions(dkim_verify=False))
    assert analysis.verdict in ("suspicious", "phishing")


def test_a_body_cut_at_the_size_cap_is_no_proof_of_innocence() -> None:
    """Padding pushes the phishing part past the read cap: an unproven Amazon From then cannot stay genuine."""
    raw = _mail("Amazon.co.jp <no-reply@amazon.co.jp>", "ご注文ありがとうございます。\r\n")
    _, analysis = analyse_bytes(raw, truncated=True, options=DetectOptions(dkim_verify=False))
    assert analysis.verdict in ("suspicious", "phishing") and "body.truncated" in {r.code for r in analysis.reasons}
