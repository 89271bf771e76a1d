"""Config parsing and validation, secrets, and `lockwatch config check`."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from lockwatch import config as cfg
from lockwatch.errors import ConfigError, CredentialError
from lockwatch.sources import credentials
from support.paths import ROOT

MINIMAL = """
[[account]]
name = "home"
host = "imap.example.com"
username = "me@example.com"
password_env = "LW_PW"
"""


def write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


def error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        cfg.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    return message


def test_example_config_documents_and_loads_every_key() -> None:
    config = cfg.load(ROOT / "config.example.toml")
    text = (ROOT / "config.example.toml").read_text()
    for section in cfg.SECTIONS.values():
        for name in section.__dataclass_fields__:
            assert name in text, f"config.example.toml does not document {name}"
    for name in cfg.Account.__dataclass_fields__:
        assert f"{name} =" in text, f"config.example.toml does not document account key {name}"
    account = config.accounts[0]
    assert (account.name, account.imap_port, account.security) == ("home", 993, "tls")
    assert account.folders == ("INBOX", "Junk")
    assert config.schedule.interval == 120 and config.burst.window == 1800
    assert config.notify.language == "ja" and config.notify.urls[0].min_severity == "info"


def test_minimal_config_gets_the_defaults(tmp_path: Path) -> None:
    config = cfg.load(write(tmp_path, MINIMAL))
    account = config.accounts[0]
    assert account.type == "imap" and account.auth == "password"
    assert account.folders == ("INBOX",) and account.timeout == 30
    assert account.max_message_size == 2 * 1024 * 1024
    assert config.state.path.endswith("state.db")
    assert config.schedule.idle is True and config.burst.orders == 3
    assert config.detect.dns_timeout == 1.0


def test_unknown_key_is_named_with_its_account_index(tmp_path: Path) -> None:
    message = error(tmp_path, MINIMAL + 'folderz = ["INBOX"]\n')
    assert "account[0].folderz: unknown key" in message and "folders" in message


@pytest.mark.parametrize(("text", "key", "expected"), [
    ("\nport = \"993\"\n", "account[0].port", "integer"),
    ("\nport = true\n", "account[0].port", "integer"),
    ("\nfolders = \"INBOX\"\n", "account[0].folders", "list"),
    ("\ntimeout = \"soon\"\n", "account[0].timeout", "duration"),
    ("\nmax_message_size = \"big\"\n", "account[0].max_message_size", "size"),
    ("\nsince = \"last week\"\n", "account[0].since", "YYYY-MM-DD"),
    ("\nsecurity = \"ssl\"\n", "account[0].security", '"tls" or "starttls"'),
    ("\nsecurity = \"none\"\n", "account[0].security", "plaintext IMAP is refused"),
    ("\npassword = \"x\"\n", "account[0].password", "more than one"),
    ("\n[schedule]\ninterval = 5\nidle = \"yes\"\n", "schedule.idle", "true or false"),
    ("\n[burst]\norders = 0\n", "burst.orders", "integer from 1"),
    ("\n[notify]\nlanguage = \"de\"\n", "notify.language", '"ja" or "en"'),
    ("\n[notify]\nurls = [{ url = \"json://x\", min_severity = \"loud\" }]\n", "notify.urls[0].min_severity",
     "critical"),
    ("\n[notify]\nurls = [{ uri = \"json://x\" }]\n", "notify.urls[0].uri", "unknown key"),
    ("\n[detect]\ndkim_verify = 1\n", "detect.dkim_verify", "true or false"),
    ("\n[detec]\n", "detec", "unknown section"),
])
def test_wrong_values_name_the_key_and_what_is_expected(tmp_path: Path, text: str, key: str,
                                                        expected: str) -> None:
    message = error(tmp_path, MINIMAL + text)
    assert f": {key}: " in message and expected in message, message


def test_notify_give_up_after_is_a_duration(tmp_path: Path) -> None:
    assert cfg.load(write(tmp_path, MINIMAL)).notify.give_up_after == 3 * 86400.0  # the default: 3 days
    config = cfg.load(write(tmp_path, MINIMAL + '\n[notify]\ngive_up_after = "12h"\n'))
    assert config.notify.give_up_after == 12 * 3600.0


@pytest.mark.parametrize("value", ['"soon"', '"0s"', "true", "-5"])
def test_notify_give_up_after_rejects_a_bad_value(tmp_path: Path, value: str) -> None:
    message = error(tmp_path, MINIMAL + f"\n[notify]\ngive_up_after = {value}\n")
    assert ": notify.give_up_after: expected" in message and "duration" in message, message
    assert str(tmp_path / "config.toml") in message


def test_missing_values(tmp_path: Path) -> None:
    def missing(text: str) -> str:
        return error(tmp_path, "[[account]]\n" + text)

    assert "account[0].host: missing" in missing('name = "a"\nusername = "u"\npassword = "p"\n')
    assert "account[0].name: missing" in missing('host = "h"\nusername = "u"\npassword = "p"\n')
    assert "account[0].password: missing" in missing('name = "a"\nhost = "h"\nusername = "u"\n')
    assert "account[0].token_command: missing" in error(
        tmp_path, '[[account]]\nname = "a"\nhost = "h"\nusername = "u"\nauth = "xoauth2"\n')
    assert "account[0].path: missing" in error(tmp_path, '[[account]]\nname = "a"\ntype = "maildir"\n')
    assert "account[1].name: duplicate" in error(tmp_path, MINIMAL + MINIMAL)


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    assert "invalid TOML" in error(tmp_path, "[[account]\nname = 'x'\n")


def test_secret_values_never_appear_in_errors(tmp_path: Path) -> None:
    message = error(tmp_path, MINIMAL.replace('password_env = "LW_PW"', "password = 123456789"))
    assert "123456789" not in message and "account[0].password" in message


def test_local_account_types(tmp_path: Path) -> None:
    config = cfg.load(write(tmp_path, '[[account]]\nname = "m"\ntype = "mbox"\npath = "/var/mail/me"\n'))
    assert config.accounts[0].is_local and config.accounts[0].path == "/var/mail/me"
    text = '[[account]]\nname = "m"\ntype = "eml"\npath = "/x"\nhost = "h"\n'
    assert "only for type" in error(tmp_path, text)


def test_notify_urls_as_strings_and_tables(tmp_path: Path) -> None:
    config = cfg.load(write(tmp_path, MINIMAL + '[notify]\nurls = ["json://a", { url = "json://b", '
                            'min_severity = "critical", tags = ["t"], format = "markdown" }]\n'))
    first, second = config.notify.urls
    assert first.url == "json://a" and first.min_severity == "info"
    assert (second.min_severity, second.tags, second.format) == ("critical", ("t",), "markdown")
    assert "json://b" not in repr(second)  # URLs may hold tokens


def test_detect_section_becomes_detect_options(tmp_path: Path) -> None:
    config = cfg.load(write(tmp_path, MINIMAL + '[detect]\nauthserv_ids = ["mx.example.com"]\n'
                            'dkim_verify = true\ndns_servers = ["127.0.0.1"]\ndns_timeout = "2s"\n'))
    options = config.detect.options()
    assert options.authserv_ids == ("mx.example.com",) and options.dkim_verify is True
    assert options.dns_servers == ("127.0.0.1",) and options.dns_timeout == 2.0


def test_durations_sizes_and_since() -> None:
    assert cfg.parse_duration("2m") == timedelta(minutes=2)
    assert cfg.parse_duration("24h") == timedelta(days=1)
    assert cfg.parse_duration("7d") == timedelta(days=7)
    assert cfg.parse_size("2MB") == 2 * 1024 * 1024 and cfg.parse_size("500KB") == 500 * 1024
    assert cfg.parse_size(1000) == 1000
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    assert cfg.parse_since("7d", now) == date(2026, 11, 16)
    assert cfg.parse_since("2026-11-01") == date(2026, 11, 1)
    with pytest.raises(ValueError):
        cfg.parse_since("soon")


def test_warns_when_a_file_with_a_password_is_readable_by_others(tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    text = MINIMAL.replace('password_env = "LW_PW"', 'password = "hunter2"')
    with caplog.at_level(logging.WARNING):
        cfg.load(write(tmp_path, text, 0o600))
    assert not caplog.records
    with caplog.at_level(logging.WARNING):
        cfg.load(write(tmp_path, text, 0o644))
    assert "readable by group/others" in caplog.text and "hunter2" not in caplog.text


def test_default_config_path_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("LOCKWATCH_CONFIG", raising=False)
    assert cfg.find_config("/explicit.toml") == Path("/explicit.toml")
    user_config = tmp_path / "xdg" / "lockwatch" / "config.toml"
    user_config.parent.mkdir(parents=True)
    user_config.write_text(MINIMAL)
    assert cfg.find_config() == user_config
    monkeypatch.setenv("LOCKWATCH_CONFIG", str(tmp_path / "env.toml"))
    assert cfg.find_config() == tmp_path / "env.toml"


# -- secrets ---------------------------------------------------------------------------------
def account(**keys: str) -> cfg.Account:
    return cfg.Account(name="home", host="h", username="u", **keys)


def test_password_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LW_PW", "from-env")
    assert credentials.password(account(password_env="LW_PW")) == "from-env"
    secret = tmp_path / "pw"
    secret.write_text("from-file\n")
    secret.chmod(0o600)
    assert credentials.password(account(password_file=str(secret))) == "from-file"
    assert credentials.password(account(password_command="printf ' from-command\\n'")) == "from-command"
    (tmp_path / "home-pw").write_text("from-credential\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    assert credentials.password(account(credential="home-pw")) == "from-credential"


def test_password_source_failures_do_not_leak_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LW_NOPE", raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    with pytest.raises(CredentialError, match=r"\$LW_NOPE is not set"):
        credentials.password(account(password_env="LW_NOPE"))
    with pytest.raises(CredentialError, match="exit status 3") as info:
        credentials.password(account(password_command="echo s3cret-out; echo s3cret-err >&2; exit 3"))
    assert "s3cret" not in str(info.value)
    with pytest.raises(CredentialError, match="CREDENTIALS_DIRECTORY"):
        credentials.password(account(credential="x"))
    with pytest.raises(CredentialError, match="No such file"):
        credentials.password(account(password_file=str(tmp_path / "missing")))


def test_config_check_command(tmp_path: Path, lockwatch) -> None:
    good = write(tmp_path, MINIMAL)
    done = lockwatch("config", "check", "-c", str(good))
    assert done.returncode == 0 and "OK" in done.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(MINIMAL + "folderz = []\n")
    done = lockwatch("config", "check", "-c", str(bad))
    assert done.returncode == 2
    assert f"{bad}: account[0].folderz: unknown key" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    done = lockwatch("config", "check", "-c", str(tmp_path / "missing.toml"))
    assert done.returncode == 2 and "file not found" in done.stderr
