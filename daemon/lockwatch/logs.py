"""Logging set-up: one journald-friendly line per record, quiet dependency loggers, secrets masked.

Every record that reaches the handler — lockwatch's own and every dependency's, at any level,
tracebacks included — has each registered secret (passwords, tokens, the secret parts of notify
URLs) replaced by ``***``. Dependencies log more than we control: at ``-vv`` urllib3 logs each
request line (``POST /<token>``), apprise its target URLs and socket errors.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections import deque
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["MASK", "Redactor", "add_secrets", "add_url_secrets", "setup_logging", "url_secrets"]

NOISY_LOGGERS = ("apprise", "apscheduler", "imapclient", "mailparser", "urllib3", "dkim")
MASK = "***"
MIN_SECRET = 4  # shorter values would mask ordinary words all over the log
MAX_TRANSIENT = 32  # access tokens change on every connect: keep masking only the latest ones
MIN_URL_PART = 6  # path segments and query values: tokens are long; "json", "v1", "send" are not secrets


class Redactor(logging.Filter):
    """A handler filter that masks every registered secret in the formatted message and traceback."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: tuple[str, ...] = ()
        self._lasting: set[str] = set()
        self._transient: deque[str] = deque(maxlen=MAX_TRANSIENT)
        self._lock = threading.Lock()

    def add(self, *values: str | None, transient: bool = False) -> None:
        """Mask ``values`` from now on; transient ones (access tokens) only the most recent few."""
        fresh = [v for v in values if v and len(v) >= MIN_SECRET]
        with self._lock:
            if transient:
                self._transient.extend(v for v in fresh if v not in self._transient)
            else:
                self._lasting.update(fresh)
            known = self._lasting | set(self._transient)
            self._secrets = tuple(sorted(known, key=len, reverse=True))  # longest first

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format: the handler reports it as it would without us
            return True
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


redactor = Redactor()


def add_secrets(*values: str | None, transient: bool = False) -> None:
    """Mask these values (passwords; with ``transient``, short-lived tokens) in every log line from now on."""
    redactor.add(*values, transient=transient)


def url_secrets(url: str) -> list[str]:
    """The parts of an apprise URL that may be secret: the whole URL, user info, a host that is not a
    host name (``tgram://123:TOKEN/``), long path segments and query values."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return [url]
    pieces = [url.strip(), parts.netloc.rpartition("@")[0], parts.password or "", parts.username or ""]
    if host and "." not in host and host != "localhost":  # a token where the host would be
        where = parts.netloc.rpartition("@")[2]
        pieces += [where, *where.split(":")]
    pieces += [s for s in (unquote(p) for p in parts.path.split("/")) if len(s) >= MIN_URL_PART]
    pieces += [v for _, v in parse_qsl(parts.query) if len(v) >= MIN_URL_PART]
    return [p for p in pieces if p]


def add_url_secrets(url: str) -> None:
    """Mask the secret parts of a notify URL in every log line from now on."""
    redactor.add(*url_secrets(url))


def setup_logging(verbose: int = 0, quiet: bool = False) -> None:
    """Log to stderr: WARNING with -q, INFO by default, DEBUG with -v; dependencies only with -vv."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    dependency_level = logging.DEBUG if verbose >= 2 else logging.WARNING if verbose else logging.ERROR
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(dependency_level)
