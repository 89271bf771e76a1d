"""Which takeover-relevant event a genuine Amazon mail reports (password change, lock, ...)."""

from __future__ import annotations

import re

from lockwatch.detect.domains import fold
from lockwatch.model import Mail

__all__ = ["lock_event", "security_event"]

# (event, pattern on the folded subject + start of body); first match wins
_SECURITY = (
    ("2sv_off", r"(2段階認証|二段階認証|two[- ]step verification|2-step verification).{0,20}(無効|オフ|解除|disabled|turned off)"),
    ("password_changed", r"パスワード.{0,10}(変更|リセット|再設定)|password.{0,20}(changed|reset|updated)"),
    ("email_changed", r"(メールアドレス|eメール|e-?mail address).{0,15}(変更|更新|changed|updated)"),
    ("phone_changed", r"(電話番号|携帯電話|phone|mobile).{0,15}(変更|更新|追加|changed|updated|added)"),
    ("address_added", r"(住所|お届け先|address).{0,15}(追加|登録|added)"),
    ("payment_added", r"(お支払い方法|クレジットカード|payment method|card).{0,15}(追加|登録|added)"),
    ("2sv_on", r"(2段階認証|二段階認証|two[- ]step verification|2-step verification)"),
    ("otp", r"ワンタイムパスワード|認証コード|確認コード|one[- ]time password|\botp\b|verification code"),
    ("sign_in", r"サインイン|ログイン|sign[- ]?in|log ?in"),
)
_LOCK = (
    ("reinstated", r"再開いたしました|再開しました|reinstated|reactivated|restored"),
    ("lock", r"."),
)


# body wording is only trusted in the past tense ("was changed"): notices also advise "change your password"
_DONE = r"(されました|しました|いたしました|has been|was |were |have been)"


def security_event(mail: Mail, kind: str) -> str | None:
    """The security event a genuine notice reports: judged on the subject, then on the body."""
    if kind != "security":
        return None
    subject = fold(mail.subject)
    for event, pattern in _SECURITY:
        if re.search(pattern, subject, re.IGNORECASE):
            return event
    body = fold(mail.text[:3000])
    for event, pattern in _SECURITY:
        match = re.search(pattern, body, re.IGNORECASE)
        if match and (event in ("otp", "sign_in", "2sv_on") or re.search(_DONE, body[match.start():match.end() + 25])):
            return event
    return "other"


def lock_event(mail: Mail, kind: str) -> str | None:
    if kind != "account_lock":
        return None
    subject = fold(mail.subject)
    for event, pattern in _LOCK:
        if re.search(pattern, subject, re.IGNORECASE):
            return event
    return "lock"
