"""`lockwatch check` end to end as a user runs it: exit codes, JSON shape, defanged links, no fetches."""

from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import sys
import threading
from email.message import EmailMessage
from pathlib import Path

import pytest

from support.paths import CORPUS

GENUINE = CORPUS / "genuine" / "jp-order-2024-new-format-anker.eml"
PHISH = CORPUS / "phishing" / "ja-lock-combosquat-amazon-co-jp-login-top.eml"
OTHER = CORPUS / "other" / "ja-work-meeting-minutes.eml"


def lockwatch(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lockwatch", *args], input=stdin, capture_output=True,
                          timeout=60, env=dict(os.environ, PYTHONIOENCODING="utf-8"))


def test_exit_codes_and_json_lines():
    r = lockwatch("check", "--json", str(GENUINE), str(PHISH), str(OTHER))
    assert r.returncode == 1
    lines = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert [o["source"] for o in lines] == [str(GENUINE), str(PHISH), str(OTHER)]
    assert [o["verdict"] for o in lines] == ["genuine", "phishing", "not_amazon"]
    for o in lines:
        assert {"type", "message_id", "from", "subject", "date", "amazon_like", "kind", "score", "reasons",
                "links", "order"} <= set(o)
    assert lines[0]["order"]["id"] and lines[0]["order"]["currency"] == "JPY"
    assert lockwatch("check", str(GENUINE), str(OTHER)).returncode == 0
    missing = lockwatch("check", "/nonexistent/x.eml")
    assert missing.returncode == 2 and b"cannot read" in missing.stderr


def test_stdin_and_human_output_is_defanged_in_both_languages():
    raw = PHISH.read_bytes()
    for lang, word in (("ja", "対処"), ("en", "What to do")):
        r = lockwatch("check", "--lang", lang, "-", stdin=raw)
        out = r.stdout.decode()
        assert r.returncode == 1 and word in out
        assert "[.]" in out
        live = re.findall(r"https?://([^/\s]+)", out)
        assert all(host.endswith((".amazon.co.jp", ".amazon.com")) for host in live), live  # only official help


def test_malformed_input_gives_a_result_not_a_traceback(tmp_path: Path):
    cases = {
        "empty.eml": b"",
        "nul.eml": b"From: a@b.c\x00\r\nSubject: \x00x\r\n\r\nbody\x00\x00",
        "truncated.eml": b"From: a@b.c\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/pl",
        "badcharset.eml": b"From: a@b.c\r\nContent-Type: text/plain; charset=x-no-such\r\n\r\n\xff\xfe\x00abc",
        "garbage.eml": os.urandom(4096),
    }
    for name, raw in cases.items():
        (tmp_path / name).write_bytes(raw)
    r = lockwatch("check", "--json", *[str(tmp_path / n) for n in cases])
    assert r.returncode in (0, 1) and b"Traceback" not in r.stderr
    results = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert len(results) == len(cases)
    assert results[0].get("parse_error")


def _big_mail(links: int = 0, attachment: int = 0) -> bytes:
    msg = EmailMessage()
    msg["From"] = '"Amazon" <no-reply@amaz0n-help.top>'
    msg["Subject"] = "アカウントがロックされました"
    msg.set_content("\n".join(f"https://h{i}.amaz0n-help.top/p/{i}" for i in range(links)) or "x")
    if attachment:
        msg.add_attachment(os.urandom(attachment), maintype="application", subtype="octet-stream", filename="a.bin")
    return msg.as_bytes()


@pytest.mark.parametrize("links,attachment", [(10_000, 0), (0, 20 * 1024 * 1024)])
def test_huge_messages_in_bounded_time(tmp_path: Path, links: int, attachment: int):
    path = tmp_path / "big.eml"
    path.write_bytes(_big_mail(links, attachment))
    r = lockwatch("check", "--json", str(path))
    assert r.returncode == 1, r.stderr[-500:]
    assert json.loads(r.stdout)["verdict"] == "phishing"


def test_no_request_ever_reaches_a_link_target(tmp_path: Path):
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_POST = do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        msg = EmailMessage()
        msg["From"] = '"Amazon.co.jp" <security@amazon-co-jp-verify.top>'
        msg["Subject"] = "【重要】アカウントがロックされました"
        msg.set_content(f"24時間以内に確認: http://127.0.0.1:{port}/ap/signin")
        msg.add_alternative(f'<a href="http://127.0.0.1:{port}/x"><img src="http://127.0.0.1:{port}/logo.png"></a>'
                            f'<form action="http://localhost:{port}/post"></form>', subtype="html")
        path = tmp_path / "p.eml"
        path.write_bytes(msg.as_bytes())
        r = lockwatch("check", "--json", str(path))
        assert json.loads(r.stdout)["verdict"] == "phishing"
        assert any(link["verdict"] == "ip" for link in json.loads(r.stdout)["links"])
    finally:
        server.shutdown()
    assert hits == []
