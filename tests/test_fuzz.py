"""Hostile mail (tests/fuzzmail.py) through analysis, records and alerts: a verdict or a parse_error every
time, within a hang guard, and alerts with no live URL, no markup from the mail and no hiding characters.

The suite runs a few hundred generated messages (reproducible: derandomized, no example database);
bench/fuzz.py runs ≥10,000 and measures time and memory. The regression tests below are the minimal
mails for the bugs the fuzzing found.
"""

from __future__ import annotations

import json
import random
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import lockwatch_command
from lockwatch.alert.compose import compose_message
from lockwatch.alert.defang import clean, defang_text
from lockwatch.commands.terminal import human
from lockwatch.deliver.render import Limits, render
from lockwatch.detect import analyse_bytes
from lockwatch.parse.charsets import decode_body
from lockwatch.parse.message import MAX_TEXT_CHARS, parse
from lockwatch.record import message_record
from support import fuzzcheck, fuzzmail

FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
GUARD = 10.0  # seconds: a hang guard for one message, not a speed target


@pytest.fixture(scope="module")
def verbatim() -> tuple[str, ...]:
    return fuzzcheck.official_urls()


def assert_sound(raw: bytes, verbatim: tuple[str, ...]) -> fuzzcheck.Outcome:
    outcome = fuzzcheck.examine(raw, verbatim)
    assert not outcome.problems, outcome.problems
    return outcome


@settings(FUZZ, max_examples=300)
@given(raw=fuzzmail.messages())
def test_hostile_mail_gets_a_verdict_and_inert_alerts(raw: bytes, verbatim: tuple[str, ...]) -> None:
    assert_sound(raw, verbatim)


@pytest.mark.parametrize("family", fuzzmail.LARGE)
@settings(FUZZ, max_examples=2)
@given(rng=fuzzmail.st.randoms(use_true_random=False))
def test_large_hostile_mail(family: str, rng: random.Random, verbatim: tuple[str, ...]) -> None:
    assert_sound(fuzzmail.build(rng, family), verbatim)


def test_the_generator_reaches_every_verdict_and_the_alert_composer(verbatim: tuple[str, ...]) -> None:
    """The fuzz is only worth something if hostile mail gets past parsing into detection and alerts."""
    outcomes = [fuzzcheck.examine(fuzzmail.build(random.Random(seed)), verbatim) for seed in range(60)]
    verdicts = {o.verdict for o in outcomes if not o.parse_error}
    # suspicious is rare among hostile mail (most of it is plainly phishing): look further for it
    seeds = iter(range(60, 400))
    while "suspicious" not in verdicts and (seed := next(seeds, None)) is not None:
        outcome = fuzzcheck.examine(fuzzmail.build(random.Random(seed)), verbatim)
        verdicts |= {outcome.verdict} if not outcome.parse_error else set()
    assert {"phishing", "suspicious", "not_amazon", "genuine"} <= verdicts
    assert sum(o.alerts > 0 for o in outcomes) >= 30
    assert sum(bool(o.parse_error) for o in outcomes) < 12


# -- the command line on the nastiest files --------------------------------------------------
def _nasty_files(directory: Path) -> list[Path]:
    cases = {f"mixed-{seed}.eml": fuzzmail.build(random.Random(seed)) for seed in (1, 4, 11, 34, 131, 196)}
    cases.update({f"{family}.eml": fuzzmail.build(random.Random(2), family)
                  for family in ("links", "headers", "html", "nesting", "line")})
    cases["nul-and-rtl.eml"] = (b"From: \xe2\x80\xaeAmazon\x00 <a\x00@amaz0n-jp.top>\r\nSubject: \x1b[2J\x07"
                                b"=?utf-8?B?QW1hem9u!?=\r\n\r\n\x00https://amaz0n-jp.top/\xe2\x80\x8b\r\n")
    cases["line-separators.eml"] = (HEAD + "Subject: Amazon\u2028{\"type\": \"x\"}\u2029\x85\r\n\r\n".encode()
                                    + b"https://amaz0n-jp.top/\r\n")  # splitlines() splits there
    cases["empty.eml"] = b""
    paths = []
    for name, raw in cases.items():
        path = directory / name
        path.write_bytes(raw)
        paths.append(path)
    return paths


def test_check_command_on_hostile_files(tmp_path: Path, lockwatch) -> None:
    files = _nasty_files(tmp_path)
    result = lockwatch("check", "--json", *map(str, files), timeout=120)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(f) for f in files]
    assert all(r["verdict"] in ("not_amazon", "genuine", "suspicious", "phishing") for r in records)
    alarming = any(r["verdict"] in ("phishing", "suspicious") for r in records)
    assert result.returncode == (1 if alarming else 0)
    assert records[-1].get("parse_error")  # the empty file

    human_out = lockwatch("check", "--lang", "ja", *map(str, files), timeout=120)
    assert human_out.returncode == result.returncode and "Traceback" not in human_out.stderr
    assert not fuzzcheck.hiding_chars(human_out.stdout), "escape sequences or bidi controls reached the terminal"
    assert not fuzzcheck.live_links(human_out.stdout, dotted=False)


def test_check_command_reads_hostile_mail_from_stdin(tmp_path: Path, env) -> None:
    raw = fuzzmail.build(random.Random(7), "html")
    result = subprocess.run([*lockwatch_command(), "check", "--json", "-"], input=raw, capture_output=True,
                            env=env, timeout=60)
    assert result.returncode in (0, 1) and b"Traceback" not in result.stderr
    assert json.loads(result.stdout)["source"] == "-"


# -- regressions: the minimal mails of the bugs the fuzzing found ----------------------------
HEAD = b"From: Amazon <account@amaz0n-jp.top>\r\nMessage-ID: <r@amaz0n-jp.top>\r\n"


def _quick(raw: bytes):
    start = time.perf_counter()
    mail, analysis = analyse_bytes(raw)
    assert time.perf_counter() - start < GUARD
    return mail, analysis


@pytest.mark.parametrize("body", [
    b"Content-Type: text/html\r\n\r\n" + b"<" * MAX_TEXT_CHARS,  # every tag pattern rescanned to the end
    b"Content-Type: text/html\r\n\r\n" + b"<a " * (MAX_TEXT_CHARS // 3),
    b"Content-Type: text/html\r\n\r\n" + b"<script " * (MAX_TEXT_CHARS // 8),  # hidden-block regex
    b"Content-Type: text/html\r\n\r\n" + b"<!--" * (MAX_TEXT_CHARS // 4),
    b"Content-Type: text/plain\r\n\r\nhttps://" + b"www." * (MAX_TEXT_CHARS // 4),  # domain_in on a huge host
], ids=["lt", "open-anchors", "open-scripts", "open-comments", "huge-host"])
def test_quadratic_html_and_hosts_finish(body: bytes) -> None:
    _, analysis = _quick(HEAD + b"Subject: x\r\n" + body)
    assert analysis.verdict == "phishing" and not analysis.parse_error


@pytest.mark.parametrize("header", [b"Subject: Amazon" + b" " * 1_000_000 + b"x",
                                   b"Subject: Amazon" + b"\r\n " * 300_000 + b"x"])
def test_long_whitespace_in_a_header_is_unfolded_in_linear_time(header: bytes) -> None:
    mail, analysis = _quick(HEAD + header + b"\r\n\r\nhttps://amaz0n-jp.top/")
    assert mail is not None and mail.subject.startswith("Amazon ") and mail.subject.endswith(" x")
    assert "\n" not in mail.subject and analysis.verdict == "phishing"


@pytest.mark.parametrize("subject", [
    b"=?utf-8?B?QW1hem9uIOOCouOCq+OCpuODs+ODiA!?=",  # broken base64: the stdlib raises HeaderParseError
    "=?ｕｔｆ-８?B?QW1hem9u?=".encode(),  # a non-ASCII charset label: CharsetError
    b"=?utf-16?B?QQBtAGEAegBvAG4A?=",  # UTF-16 without a BOM: a bare UnicodeError
    b"=?utf-8\x00?B?QW1hem9u?=",  # a NUL in the label: ValueError from codecs.lookup
])
def test_broken_encoded_words_decode_as_far_as_they_can(subject: bytes) -> None:
    from lockwatch.parse.headers import header_mail
    from lockwatch.parse.rawheaders import decode_words

    mail, analysis = _quick(HEAD + b"Subject: " + subject + b"\r\n\r\nhttps://amaz0n-jp.top/")
    assert not analysis.parse_error and analysis.verdict == "phishing"
    assert "Amazon" in mail.subject
    assert "Amazon" in header_mail(b"Subject: " + subject + b"\r\n").subject
    assert decode_words("=?utf-8?B?44Ki44Kr44Km44Oz44OI?= =?utf-8?Q?_=E3=81=8C?=") == "アカウント が"


def test_a_cut_encoded_word_loses_its_last_character_not_its_charset() -> None:
    from lockwatch.parse.rawheaders import decode_words

    assert decode_words("=?utf-8?B?44Ki44Kr44Km44Oz44O?=") == "アカウン"


@pytest.mark.parametrize("raw", [
    HEAD + b"Subject: x\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\n\r\nhttps://amaz0n-jp.top/\r\n",  # no boundary
    # a broken word in a display name: mail-parser's address parser raises
    b"From: =?utf-8?B?QW1hem9u!?= <a@amaz0n-jp.top>\r\nSubject: x\r\n\r\nhttps://amaz0n-jp.top/\r\n",
])
def test_mail_parser_failures_fall_back_to_the_stdlib_message(raw: bytes) -> None:
    mail, analysis = _quick(raw)
    assert mail is not None and not analysis.parse_error
    assert analysis.verdict == "phishing"


def test_a_huge_text_part_is_read_in_part_and_cut_between_characters() -> None:
    assert decode_body("あい".encode()[:-1], "utf-8", partial=True) == "あ"
    assert decode_body("あい".encode("iso2022_jp"), "iso-2022-jp", partial=True) == "あい"
    text = "アカウントがロックされました https://amaz0n-jp.top/\n" * 400_000  # ~25 MB of ISO-2022-JP
    raw = HEAD + b"Subject: x\r\nContent-Type: text/plain; charset=iso-2022-jp\r\n\r\n" + text.encode("iso2022_jp")
    mail = parse(raw)
    assert len(mail.text) <= MAX_TEXT_CHARS and mail.text.startswith("アカウントがロック")
    assert "\ufffd" not in mail.text


def test_defang_covers_half_broken_names_and_odd_dots() -> None:
    cases = {
        "www.203.0.113.77 carries": "www[.]203[.]0[.]113[.]77 carries",
        "www.0. xcb007149": "www[.]0. xcb007149",
        "Amаzon.co.j": "Amаzon[.]co[.]j",
        "login.amazon-j": "login[.]amazon-j",
        "ama+ick-zon.co.jp.account-": "ama+ick-zon[.]co[.]jp[.]account-",
        ".evil.example": ".evil[.]example",
        "amaz0n-jp．top and amazon。co。jp": "amaz0n-jp[.]top and amazon[.]co[.]jp",
        "ご確認ください。次に": "ご確認ください。次に",
        "version 1.5, e.g. this": "version 1.5, e.g. this",
    }
    for raw, want in cases.items():
        assert defang_text(raw) == want, raw
    assert clean("Amazon\u3164\u3164\u115f\u1160\uffa0!") == "Amazon!"  # Hangul fillers show as blank space


def test_check_output_strips_terminal_escapes_and_bidi_controls() -> None:
    raw = (b"From: \xe2\x80\xaeAmazon\x1b[2J <a@amaz0n-jp.top>\r\nSubject: =?utf-8?B?G1sySkFtYXpvbuKArg==?=\r\n\r\n"
           b"https://amaz0n-jp.top/\r\n")
    mail, analysis = analyse_bytes(raw)
    text = human(message_record("m.eml", mail, analysis), "en")
    assert "Amazon" in text and not fuzzcheck.hiding_chars(text)


def test_a_cut_alert_never_ends_in_half_an_address(verbatim: tuple[str, ...]) -> None:
    record = {"verdict": "phishing", "from": "Amazon <a@amaz0n-jp.top>", "subject": "x", "reasons": [],
              "links": [{"url": "hxxps://amaz0n-jp[.]top/x", "verdict": "lookalike"}]}
    alert = compose_message(record, "en")
    assert alert is not None
    for size in range(200, 700, 7):
        for fmt in ("text", "markdown", "html"):
            title, body = render(alert.title, alert.body, fmt, Limits(body=size), verbatim)
            assert not fuzzcheck.check_rendered(title, body, fmt, Limits(body=size), verbatim), (size, fmt, body)


def _deeply_nested(sender: str, subject: str, depth: int = 3000) -> bytes:
    head = (f"From: {sender}\r\nTo: me@example.test\r\nSubject: {subject}\r\n"
            "Message-ID: <deep@example.test>\r\nMIME-Version: 1.0\r\n").encode()
    opening = b"".join(f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n'.encode() for n in range(depth))
    return head + opening + b"Content-Type: text/plain\r\n\r\nhttps://amaz0n-verify.top/signin\r\n"


@pytest.mark.parametrize(("sender", "verdicts"), [
    ('"Amazon.co.jp" <security@amaz0n-verify.top>', {"phishing"}),  # a look-alike sender: the headers say it all
    ('"Amazon.co.jp" <account-update@amazon.co.jp>', {"suspicious", "phishing"}),  # unproven, body hidden
])
def test_a_body_too_deep_to_parse_is_judged_on_its_headers(sender: str, verdicts: set[str]) -> None:
    """A phish wrapped in 3,000 nested multiparts must not become a parse_error (verdict not_amazon): the
    verdict rests on the headers, and an unreadable body counts against an unproven Amazon sender."""
    mail, analysis = analyse_bytes(_deeply_nested(sender, "Amazon アカウントがロックされました"))
    assert mail is not None and mail.body_error and not analysis.parse_error
    assert analysis.amazon_like and analysis.verdict in verdicts
    assert any(r.code == "body.unreadable" for r in analysis.reasons)
