"""`lockwatch test-notify`: a sample alert to every URL, one line per URL, exit 0 only if all got it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_config
from support.receivers import HttpReceiver, closed_port


def notify_config(tmp_path: Path, urls: list[str], language: str = "ja") -> Path:
    listed = ", ".join(f'"{u}"' for u in urls)
    return write_config(tmp_path, [], extra=f'\n[notify]\nurls = [{listed}]\nlanguage = "{language}"\n')


@pytest.mark.parametrize(("language", "mark"), [("ja", "【テスト】"), ("en", "[TEST]")])
def test_all_delivered_exit_0(tmp_path: Path, http: HttpReceiver, lockwatch, language: str, mark: str) -> None:
    done = lockwatch("test-notify", "-c", str(notify_config(tmp_path, [http.url], language)))
    assert done.returncode == 0, done.stderr
    [post] = http.posts
    assert post["title"].startswith(mark) and "hxxps://amaz0n-jp[.]top/signin" in post["message"]
    assert "\n1. " in post["message"] and "amaz0n-jp.top" not in str(post)
    assert done.stdout.startswith(f"ok      json://127.0.0.1:{http.port}/")
    assert not (tmp_path / "state.db").exists()  # the outbox is not touched


def test_a_dead_url_means_exit_1_but_the_live_one_still_gets_it(tmp_path: Path, http: HttpReceiver,
                                                                 lockwatch) -> None:
    dead = f"json://127.0.0.1:{closed_port()}/hook?token=tk-very-secret"
    done = lockwatch("test-notify", "-c", str(notify_config(tmp_path, [dead, http.url + "live"])))
    assert done.returncode == 1
    assert len(http.posts) == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("FAILED  json://127.0.0.1:") and lines[1].startswith("ok      ")
    assert "tk-very-secret" not in done.stdout + done.stderr


def test_no_urls_or_no_config_is_exit_1(tmp_path: Path, lockwatch) -> None:
    done = lockwatch("test-notify", "-c", str(notify_config(tmp_path, [])))
    assert done.returncode == 1 and "notify.urls" in done.stderr
    missing = lockwatch("test-notify", "-c", str(tmp_path / "nope.toml"))
    assert missing.returncode == 1 and "file not found" in missing.stderr
