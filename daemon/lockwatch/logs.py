"""Logging set-up: one journald-friendly line per record, quiet dependency loggers, secrets masked.

Every record that reaches the handler — lockwatch's own and every dependency's, at any level,
tracebacks included — has each registered secret (passwords, tokens, the secret parts of notify
URLs) replaced by ``***``. Dependencies log more than we control: at ``-vv`` urllib3 logs each
request line (``POST /<token>``), apprise its target URLs and socket errors.
"""

from __future__ import annotations

import ipaddress
import logging
import sys
import threading
from collections import deque
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["MASK", "MIN_URL_PART", "Redactor", "add_secrets", "add_url_secrets", "guard_logger", "is_hostname", "redactor",
           "setup_logging", "url_secrets"]

NOISY_LOGGERS = ("apprise", "apscheduler", "imapclient", "urllib3", "dkim")
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


def is_hostname(host: str) -> bool:
    """A host name or address that may be shown (``ntfy.sh``, ``127.0.0.1``, ``::1``), not a token
    standing where the host would be (``tgram://123:TOKEN/``, ``pover://user@TOKEN``)."""
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return "." in host and all(label and len(label) < 64 for label in host.split("."))


def url_secrets(url: str, min_part: int = MIN_URL_PART) -> list[str]:
    """Every part of an apprise URL that may be secret, longest first: the whole URL, the user info
    (raw and decoded), a host that is no host name (with its ``:`` pieces), the path and its segments
    and the query values (raw and decoded) of at least ``min_part`` characters. A real host name or
    address is no secret: it stays readable (the target's label shows it too).

    The one splitter for both masks: every log line (``add_url_secrets``, default ``min_part``: "json",
    "v1" or "send" must stay readable all over the log) and the error texts of that URL's own
    deliveries (``deliver.targets.scrub``, with a lower ``min_part``).
    """
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
    except ValueError:
        return [raw] if raw else []
    userinfo, _, where = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    pieces = [raw, *(p for item in (userinfo, user, password) for p in (item, unquote(item)))]
    if host and not is_hostname(host):  # a token where the host would be
        pieces += [where, *where.split(":")]
    long = [parts.path, parts.fragment, *parts.path.split("/")]
    long += [pair.partition("=")[2] for pair in parts.query.split("&")]
    long += [v for _, v in parse_qsl(parts.query)]
    pieces += [p for item in long for p in {item, unquote(item)} if len(p) >= min_part]
    return sorted({p for p in pieces if len(p) >= 2}, key=len, reverse=True)


def add_url_secrets(url: str) -> None:
    """Mask the secret parts of a notify URL in every log line from now on."""
    redactor.add(*url_secrets(url))


def guard_logger(name: str) -> None:
    """Mask secrets in what logger ``name`` itself logs, whichever handler receives it (pytest's,
    an embedding program's): apprise logs target URLs at debug level."""
    logging.getLogger(name).addFilter(redactor)  # a filter is added once however often this is called


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
