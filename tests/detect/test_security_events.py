"""Genuine security notices report the right event (a sign-in notice is not a password change)."""

from __future__ import annotations

import pytest

from lockwatch.detect import analyse_bytes
from support.paths import CORPUS

GENUINE = CORPUS / "genuine"


@pytest.mark.parametrize("name,event", [
    ("jp-security-2sv-enabled-2023.eml", "2sv_on"),
    ("jp-security-email-changed-2025.eml", "email_changed"),
    ("jp-security-otp-2024.eml", "otp"),
    ("jp-security-signin-new-device-2025.eml", "sign_in"),
    ("jp-security-password-changed-2024.eml", "password_changed"),
    ("us-password-changed-2022.eml", "password_changed"),
    ("jp-security-otp-raw-utf8-subject-app-badges.eml", "sign_in"),
])
def test_security_event(name: str, event: str):
    _, analysis = analyse_bytes((GENUINE / name).read_bytes())
    assert analysis.verdict == "genuine" and analysis.security_event == event


@pytest.mark.parametrize("name,event", [
    ("jp-lock-1-reply-request-no-reply-2025.eml", "lock"),
    ("jp-lock-4-reinstated-2025.eml", "reinstated"),
])
def test_lock_event(name: str, event: str):
    _, analysis = analyse_bytes((GENUINE / name).read_bytes())
    assert analysis.lock_event == event
