"""Security checks (issue 7): no link in any mail is ever contacted, mailboxes are byte-for-byte
unchanged after scans and a daemon session, no secret reaches a log, `status`, an alert or the state,
and the state file is private even under umask 000."""

from __future__ import annotations

import base64
import signal
import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import imap_account, json_lines, messages, write_config
from support.daemonproc import Daemon, phishing, received_now, wait_for
from support.dovecot import Dovecot, User
from support.mailgen import genuine_order, ordinary
from support.receivers import HttpReceiver, closed_port
from support.secmail import WRITING, LinkTarget, LoudDaemon, corpus_files, fresh, imap_commands, marks_seen, name_target, snapshot

FOLDERS = ["INBOX", "Junk"]


def notify_section(*urls: str) -> str:
    quoted = ", ".join(f'"{u}"' for u in urls)
    return f'\n[schedule]\ninterval = "10m"\nidle = true\n\n[notify]\nurls = [{quoted}]\nlanguage = "en"\n'


def _peek(state: Path) -> sqlite3.Connection:
    """A read-only look at the daemon's state that never creates the file (a test-made file would be 0644)."""
    return sqlite3.connect(f"{state.resolve().as_uri()}?mode=ro", uri=True, timeout=5)


def stored(state: Path) -> int:
    """How many messages the state has recorded (0 while it cannot be read)."""
    try:
        with _peek(state) as db:
            return int(db.execute("SELECT COUNT(*) FROM messages").fetchone()[0])
    except sqlite3.Error:
        return 0


def idle_on(state: Path, folders: list[str]) -> bool:
    try:
        with _peek(state) as db:
            rows = db.execute("SELECT folder FROM checkpoints WHERE mode = 'idle' AND last_check IS NOT NULL")
            return set(folders) <= {r[0] for r in rows}
    except sqlite3.Error:
        return False


def assert_read_only(log: str, *, idle: bool = False) -> None:
    """The IMAP trace of a ``-vv`` log: folders opened with EXAMINE only, nothing that writes or sets \\Seen."""
    commands = imap_commands(log)
    names = {name for name, _ in commands}
    assert "EXAMINE" in names and "UID FETCH" in names, sorted(names)  # the trace is really there
    assert not names & WRITING, sorted(names & WRITING)
    fetches = [args for name, args in commands if name in ("FETCH", "UID FETCH")]
    assert not [a for a in fetches if marks_seen(a)], [a for a in fetches if marks_seen(a)][:3]
    assert not idle or "IDLE" in names


# -- 1. links ----------------------------------------------------------------------------------
def test_no_link_target_is_contacted_by_check_scan_or_daemon(tmp_path: Path, dovecot: Dovecot, user: User,
                                                             http: HttpReceiver, lockwatch, env) -> None:
    target = LinkTarget()
    try:
        mails = []
        for i, path in enumerate(corpus_files()):
            raw, parts = name_target(path.read_bytes(), target, f"m{i}", repoint=i % 2 == 0)
            assert parts, f"{path.name}: no text part to name the link target in"
            mails.append(raw)
        # the target really reaches the analysis: `check` reports it as a link of every mail
        folder = tmp_path / "eml"
        folder.mkdir()
        for i, raw in enumerate(mails):
            (folder / f"{i:03d}.eml").write_bytes(raw)
        checked = json_lines(lockwatch("check", "--json", *sorted(map(str, folder.iterdir()))).stdout)
        assert len(checked) == len(mails)
        for record in checked:
            assert any(link["host"] == "127.0.0.1" for link in record["links"]), record["source"]
        assert sum(any("moved" in link["url"] for link in r["links"]) for r in checked) >= len(mails) // 3

        for n, folder in enumerate(FOLDERS):  # every mail once, half of them in the spam folder
            dovecot.append(user, [fresh(raw, f"{folder}{i}") for i, raw in enumerate(mails) if i % 2 == n], folder)
        config = write_config(tmp_path, [imap_account(dovecot, user, folders=FOLDERS)], extra=notify_section(http.url))
        scan = lockwatch("scan", "--json", "-c", str(config), timeout=180)
        assert scan.returncode == 0, scan.stderr[-2000:]
        records = messages(scan.stdout)
        assert len(records) == len(mails)
        amazon = [r for r in records if r["amazon_like"]]  # the others are judged on their headers alone
        assert len(amazon) >= len(mails) // 2
        assert all(any(link["host"] == "127.0.0.1" for link in r["links"]) for r in amazon)
        pushed = len(http.posts)
        assert pushed >= 20  # alerts were produced and pushed (to the separate receiver)

        # a daemon session on the same state: new mail in both folders, taken over IDLE, alerted
        daemon = Daemon(config, env, tmp_path / "state.db")
        try:
            wait_for(lambda: idle_on(daemon.state, FOLDERS), 20, "IDLE on both folders", daemon.proc, daemon.log)
            late = [fresh(mails[i], f"late{i}") for i, r in enumerate(checked) if r["verdict"] == "phishing"][:2]
            for folder, raw in zip(FOLDERS, late, strict=True):
                dovecot.append(user, [raw], folder)
            wait_for(lambda: len(http.posts) >= pushed + 2, 15, "alerts for the mail taken over IDLE", daemon.proc,
                     daemon.log)
        finally:
            assert daemon.stop() == 0
        assert stored(daemon.state) == len(mails) + 2 and "Traceback" not in daemon.text()
    finally:
        target.close()
    assert target.connections == []


# -- 2. flags ----------------------------------------------------------------------------------
def _flagged_mailbox(dovecot: Dovecot, user: User, folders: list[str]) -> None:
    """Unseen and seen mail, system flags and custom keywords, Amazon and not, in every folder."""
    with dovecot.client(user) as client:
        for n, folder in enumerate(folders):
            if not client.folder_exists(folder):
                client.create_folder(folder)
            mails = [(phishing(10 + n), ()), (phishing(20 + n), (b"\\Seen",)),
                     (received_now() + genuine_order(), (b"\\Seen", b"\\Flagged", b"$Important")),
                     (received_now() + genuine_order(), (b"\\Answered", b"lwKeepMe")),
                     (ordinary(), ()), (ordinary(), (b"\\Seen", b"$Forwarded", b"\\Draft"))]
            for raw, flags in mails:
                client.append(folder, raw, flags=flags)


def test_flags_sizes_and_uids_unchanged_by_scan_and_idle_daemon(tmp_path: Path, dovecot: Dovecot, user: User,
                                                                 http: HttpReceiver, lockwatch, env) -> None:
    folders = ["INBOX", "Junk", "Archive/Amazon"]
    _flagged_mailbox(dovecot, user, folders)
    before = snapshot(dovecot, user, folders)
    assert any(b"\\Seen" not in line and b"FLAGS" in line for line in before["INBOX"])  # some start unseen
    assert any(b"lwKeepMe" in line for line in before["Junk"])

    config = write_config(tmp_path, [imap_account(dovecot, user, folders=folders)], extra=notify_section(http.url))
    scan = lockwatch("-vv", "scan", "--json", "-c", str(config))
    assert scan.returncode == 0, scan.stderr[-2000:]
    assert len(messages(scan.stdout)) == 6 * len(folders)
    assert snapshot(dovecot, user, folders) == before
    assert_read_only(scan.stderr)

    # the daemon, its own state: reads everything again, IDLEs, takes new unseen mail; paused
    # (SIGSTOP) while that mail is appended so the "before" picture cannot race its fetches
    home = tmp_path / "daemon"
    home.mkdir()
    state = home / "state.db"
    account = imap_account(dovecot, user, folders=folders)
    daemon = LoudDaemon(write_config(home, [account], extra=notify_section(http.url), state=state), env, state)
    try:
        wait_for(lambda: idle_on(state, folders), 30, "IDLE on every folder", daemon.proc, daemon.log)
        daemon.proc.send_signal(signal.SIGSTOP)
        try:
            with dovecot.client(user) as client:
                client.append("INBOX", phishing(30))
                client.append("Junk", phishing(31), flags=(b"lwKeepMe",))
            before = snapshot(dovecot, user, folders)
        finally:
            daemon.proc.send_signal(signal.SIGCONT)
        wait_for(lambda: stored(state) == 6 * len(folders) + 2, 15, "the new mail", daemon.proc, daemon.log)
    finally:
        assert daemon.stop() == 0
    assert snapshot(dovecot, user, folders) == before
    assert_read_only(daemon.text(), idle=True)


# -- 3. secrets --------------------------------------------------------------------------------
TGRAM_TOKEN = "AAsecTgramBotToken_9f3k"
JSON_PASS, JSON_PATH, JSON_HEADER = "secJsonPass7Q", "secJsonPathTok4R", "secJsonHeaderTok2W"
DOWN_PASS, DOWN_PATH = "secDownPass5Z", "secDownPathTok8Y"
WRONG_PASSWORD, OAUTH_TOKEN, FAILING_OUTPUT = "secWrongPassword3X", "ya29.secOauthToken6V", "secFailingCmdOut1U"


def xoauth2_string(username: str, token: str) -> str:
    """The base64 SASL XOAUTH2 initial response, as it would cross the wire (and must not be logged)."""
    return base64.b64encode(f"user={username}\x01auth=Bearer {token}\x01\x01".encode()).decode()


def _secret_setup(tmp_path: Path, dovecot: Dovecot, user: User, http: HttpReceiver) -> tuple[Path, dict[str, str]]:
    """A config using every secret source and token-bearing notify URLs; returns it and the extra env."""
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    files = {"pw": user.password + "\n", "cmd-pw": user.password + "\n", "imap-password": user.password + "\n",
             "token": OAUTH_TOKEN + "\n", "leak": FAILING_OUTPUT + "\n"}
    for name, content in files.items():
        (private / name).write_text(content)
        (private / name).chmod(0o600)
    accounts = [
        imap_account(dovecot, user, name="inline"),
        imap_account(dovecot, user, name="env", password=None, password_env="LW_SEC_PASSWORD"),
        imap_account(dovecot, user, name="file", password=None, password_file=str(private / "pw")),
        imap_account(dovecot, user, name="command", password=None, password_command=f"cat {private / 'cmd-pw'}"),
        imap_account(dovecot, user, name="systemd", password=None, credential="imap-password"),
        imap_account(dovecot, user, name="oauth", password=None, auth="xoauth2",
                     token_command=f"cat {private / 'token'}"),
        imap_account(dovecot, user, name="wrong", password=WRONG_PASSWORD),
        imap_account(dovecot, user, name="failing", password=None,
                     password_command=f"cat {private / 'leak'}; cat {private / 'leak'} >&2; exit 3"),
    ]
    urls = [f"json://lw:{JSON_PASS}@127.0.0.1:{http.port}/{JSON_PATH}?+X-Token={JSON_HEADER}",
            f"json://lw:{DOWN_PASS}@127.0.0.1:{closed_port()}/{DOWN_PATH}?cto=1",
            f"tgram://123456789:{TGRAM_TOKEN}/987654321"]
    config = write_config(tmp_path, accounts, extra=notify_section(*urls))
    # the internet is mocked: Telegram's API is reached through a proxy that refuses at once
    extra = {"LW_SEC_PASSWORD": user.password, "CREDENTIALS_DIRECTORY": str(private),
             "HTTPS_PROXY": f"http://127.0.0.1:{closed_port()}", "NO_PROXY": "127.0.0.1,localhost"}
    return config, extra


def test_no_secret_in_any_output_log_alert_or_state(tmp_path: Path, dovecot: Dovecot, user: User,
                                                    http: HttpReceiver, lockwatch, env) -> None:
    config, extra = _secret_setup(tmp_path, dovecot, user, http)
    secrets = [user.password, TGRAM_TOKEN, JSON_PASS, JSON_PATH, JSON_HEADER, DOWN_PASS, DOWN_PATH, WRONG_PASSWORD,
               OAUTH_TOKEN, FAILING_OUTPUT, xoauth2_string(user.name, OAUTH_TOKEN)]
    dovecot.append(user, [phishing(40)])
    outputs: dict[str, str] = {}
    c = str(config)
    for args in (["config", "check", "-c", c], ["folders", "-c", c], ["scan", "--json", "-c", c],
                 ["status", "-c", c], ["status", "--json", "-c", c], ["test-notify", "-c", c]):
        done = lockwatch("-vv", *args, extra_env=extra)
        outputs[" ".join(args[:2])] = done.stdout + done.stderr
    assert outputs["scan --json"].count('"type": "alert"') >= 5  # the five good accounts each alerted
    assert "login failed" in outputs["scan --json"] and "password_command failed" in outputs["scan --json"]
    assert "login failed" in outputs["status -c"] and '"type": "status"' in outputs["status --json"]
    assert "apprise" in outputs["test-notify -c"] and "DEBUG" in outputs["test-notify -c"]  # -vv really logs

    dovecot.append(user, [phishing(41)])
    state = tmp_path / "state.db"
    daemon = LoudDaemon(config, {**env, **extra}, state)
    try:
        wait_for(lambda: len(http.posts) >= 5 + 1 + 5, 30, "the daemon's alerts", daemon.proc, daemon.log)
        wait_for(lambda: "login refused" in daemon.text(), 10, "the refused login logged", daemon.proc, daemon.log)
    finally:
        assert daemon.stop() == 0
    outputs["run"] = daemon.text()
    outputs["alerts"] = http.payload_text()
    outputs["state"] = b"".join(p.read_bytes() for p in tmp_path.glob("state.db*")).decode("utf-8", "replace")
    for where, text in outputs.items():
        leaked = [line for line in text.splitlines() if any(s in line for s in secrets)]
        assert not leaked, f"{where} shows a secret:\n" + "\n".join(line[:400] for line in leaked[:5])


# -- 4. the state file -------------------------------------------------------------------------
@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_state_file_and_siblings_are_private(tmp_path: Path, env: dict[str, str], umask: int) -> None:
    mail = tmp_path / "eml"
    mail.mkdir()
    (mail / "p.eml").write_bytes(phishing(50))
    top = tmp_path / "var"  # every directory below it is created by lockwatch
    state = top / "lib" / "lockwatch" / "state.db"
    config = write_config(tmp_path, [{"name": "local", "type": "eml", "path": str(mail)}], state=state,
                          extra='\n[schedule]\ninterval = "10m"\n')
    daemon = LoudDaemon(config, env, state, umask=umask)
    try:
        wait_for(lambda: stored(state) == 1 and state.with_name("state.db-wal").exists(), 20,
                 "the state in use", daemon.proc, daemon.log)
        files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in state.parent.iterdir()}
    finally:
        assert daemon.stop() == 0
    assert {"state.db", "state.db-wal", "state.db-shm"} <= set(files)
    assert files == {name: 0o600 for name in files}, {n: oct(m) for n, m in files.items()}
    for directory in (top, top / "lib", state.parent):
        mode = stat.S_IMODE(directory.stat().st_mode)
        assert not mode & (stat.S_IWGRP | stat.S_IWOTH), f"{directory} is mode {mode:o}"


def test_redactor_masks_messages_arguments_and_tracebacks() -> None:
    import io
    import logging

    from lockwatch.logs import Redactor, url_secrets

    assert {"123456789:AAsecTgramBotToken_9f3k", "AAsecTgramBotToken_9f3k"} <= set(
        url_secrets("tgram://123456789:AAsecTgramBotToken_9f3k/987654321"))
    assert {"secJsonPass7Q", "secJsonPathTok4R", "secJsonHeaderTok2W"} <= set(
        url_secrets("json://lw:secJsonPass7Q@127.0.0.1:8080/secJsonPathTok4R?+X-Token=secJsonHeaderTok2W"))
    assert "ntfy.sh" not in url_secrets("ntfys://ntfy.sh/secTopicName1")  # a real host name stays readable
    stream, redactor = io.StringIO(), Redactor()
    redactor.add("hunter2-secret", "ab")  # too short to mask without wrecking the log
    handler = logging.StreamHandler(stream)
    handler.addFilter(redactor)
    log = logging.getLogger("lw-test-redactor")
    log.addHandler(handler)
    try:
        log.warning("login with %s failed for ab", "hunter2-secret")
        try:
            raise RuntimeError("token hunter2-secret refused")
        except RuntimeError:
            log.exception("boom")
    finally:
        log.removeHandler(handler)
    text = stream.getvalue()
    assert "hunter2" not in text and "login with *** failed for ab" in text and "RuntimeError: token ***" in text
    for n in range(100):  # a fresh access token on every connect: the set stays bounded, the latest masked
        redactor.add(f"ya29.token-{n:03d}", transient=True)
    assert redactor.mask("ya29.token-099 hunter2-secret ya29.token-000") == "*** *** ya29.token-000"
