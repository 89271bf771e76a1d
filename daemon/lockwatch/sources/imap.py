"""Read-only IMAP: TLS with certificate checks, EXAMINE + BODY.PEEK only, UID checkpoints, two-phase fetch.

Phase one fetches the headers of new messages in batches; the prefilter picks the ones worth a body,
which phase two fetches in batches too (with RFC822.SIZE, asked for those alone). With the standard
prefilter a message whose header shows mere account / order / notice wording first gets a peek at the
start of its body (``BODY.PEEK[TEXT]<0.N>``, a few hundred bytes), which decides whether the rest is read
(``lockwatch.detect.prefilter``). A message over ``max_message_size`` is read only up to that many
bytes (headers and first parts) and marked truncated. No command used
here can change a flag: folders are opened with EXAMINE and bodies read with BODY.PEEK.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientError

from lockwatch.config import Account
from lockwatch.errors import ERROR_TEXT_MAX, AuthError, ConnectionLost, CredentialError, SourceError
from lockwatch.sources import credentials
from lockwatch.sources.base import Batch, Checkpoint, FolderRead, Item, Prefilter
from lockwatch.sources.wire import count_bytes

__all__ = ["CONNECTION_ERRORS", "SPECIAL_USE", "FolderInfo", "ImapSource", "describe"]

log = logging.getLogger(__name__)

HEADER_BATCH = 500  # UIDs per header FETCH
BODY_BATCH_BYTES = 8 * 1024 * 1024  # bytes of bodies per body FETCH
BODY_BATCH_COUNT = 100
HEADER_KEY, SIZE_KEY, BODY_KEY = b"BODY[HEADER]", b"RFC822.SIZE", b"BODY[]"
PEEK_KEY = b"BODY[TEXT]<0>"
SPECIAL_USE = ("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash")

# everything a dropped or broken connection can raise
CONNECTION_ERRORS = (IMAPClientError, imaplib.IMAP4.error, OSError, EOFError)


@dataclass(frozen=True)
class FolderInfo:
    name: str  # as written in the config: "/"-separated, without the namespace prefix
    server_name: str
    flags: tuple[str, ...]


class ImapSource:
    """One logged-in connection to an account; use as a context manager."""

    def __init__(self, account: Account, prefilter: Prefilter) -> None:
        self.account = account.name
        self.config = account
        self.prefilter = prefilter
        self._staged = _is_standard(prefilter)  # header triage with a peek at the body's start
        self.bytes_fetched = 0
        self.client = self._connect()
        self._prefix, self._sep = self._namespace()

    # -- connection --------------------------------------------------------------------------
    def _connect(self) -> IMAPClient:
        acc = self.config
        where = f"{acc.name}: {acc.host}:{acc.imap_port}"
        try:
            context = ssl.create_default_context(cafile=acc.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise SourceError(f"{acc.name}: cannot load ca_file {acc.ca_file}: {exc}") from None
        timeout = SocketTimeout(connect=acc.timeout, read=acc.timeout)
        try:
            if acc.security == "tls":
                client = IMAPClient(acc.host, acc.imap_port, ssl=True, ssl_context=context, timeout=timeout)
            else:
                client = IMAPClient(acc.host, acc.imap_port, ssl=False, timeout=timeout)
                if not client.has_capability("STARTTLS"):
                    client.shutdown()
                    raise SourceError(f"{where}: the server does not offer STARTTLS (plaintext is refused)")
                client.starttls(context)
        except ssl.SSLCertVerificationError as exc:
            raise SourceError(f"{where}: certificate check failed ({exc.verify_message}); "
                              "for a self-signed server set ca_file") from None
        except TimeoutError:
            raise SourceError(f"{where}: connection timed out after {acc.timeout:.0f} s") from None
        except CONNECTION_ERRORS as exc:
            raise SourceError(f"{where}: cannot connect: {describe(exc)}") from None
        count_bytes(client, self._add_bytes)
        try:
            self._login(client)
        except BaseException:
            _close(client)
            raise
        return client

    def _login(self, client: IMAPClient) -> None:
        acc = self.config
        try:
            if acc.auth == "xoauth2":
                client.oauth2_login(acc.username, credentials.oauth2_token(acc))
            else:
                client.login(acc.username, credentials.password(acc))
        except CredentialError as exc:
            raise AuthError(str(exc)) from None
        except IMAPClientError as exc:  # LoginError, or a refused AUTHENTICATE
            how = " with XOAUTH2" if acc.auth == "xoauth2" else ""
            raise AuthError(f"{acc.name}: login failed for {acc.username} on {acc.host}{how}: "
                            f"{describe(exc)}") from None
        except CONNECTION_ERRORS as exc:
            raise SourceError(f"{acc.name}: connection lost during login: {describe(exc)}") from None

    def _add_bytes(self, count: int) -> None:
        self.bytes_fetched += count

    def close(self) -> None:
        _close(self.client)

    def __enter__(self) -> ImapSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- folders -----------------------------------------------------------------------------
    def _namespace(self) -> tuple[str, str]:
        """The personal namespace prefix and hierarchy separator."""
        try:
            if self.client.has_capability("NAMESPACE"):
                personal = self.client.namespace().personal
                if personal:
                    prefix, sep = personal[0]
                    return prefix or "", sep or "/"
            listed = self.client.list_folders("", "")
            return "", (listed[0][1].decode() if listed and listed[0][1] else "/")
        except CONNECTION_ERRORS as exc:
            raise SourceError(f"{self.account}: cannot read the namespace: {describe(exc)}") from None

    def server_name(self, name: str) -> str:
        """Map a config folder name ("/"-separated, no namespace prefix) to the server's name."""
        if name.upper() == "INBOX":
            return "INBOX"
        server = self._sep.join(name.split("/"))
        if self._prefix and not server.startswith(self._prefix) and not name.upper().startswith("INBOX/"):
            server = self._prefix + server
        return server

    def display_name(self, server_name: str) -> str:
        """The server's folder name as written in the config."""
        name = server_name
        if self._prefix and name.startswith(self._prefix) and name != self._prefix.rstrip(self._sep):
            name = name[len(self._prefix):]
        return name.replace(self._sep, "/") if self._sep != "/" else name

    def list(self) -> list[FolderInfo]:
        try:
            listed = self.client.list_folders()
        except CONNECTION_ERRORS as exc:
            raise SourceError(f"{self.account}: cannot list folders: {describe(exc)}") from None
        return [FolderInfo(self.display_name(name), name,
                           tuple(f.decode() if isinstance(f, bytes) else str(f) for f in flags))
                for flags, _sep, name in listed]

    def folders(self) -> list[str]:
        """The configured folders; special-use entries ("\\Junk") resolved to the server's folder."""
        special = [f for f in self.config.folders if f.startswith("\\")]
        marked: dict[str, str] = {}
        if special:
            for info in self.list():
                for flag in info.flags:
                    marked.setdefault(flag.lower(), info.name)
        names = []
        for folder in self.config.folders:
            if folder.startswith("\\") and folder.lower() not in marked:
                raise SourceError(f"{self.account}: no folder is marked {folder} on the server")
            name = marked[folder.lower()] if folder.startswith("\\") else folder
            if name not in names:
                names.append(name)
        return names

    # -- reading -----------------------------------------------------------------------------
    def read(self, folder: str, checkpoint: Checkpoint | None, since: date | None) -> FolderRead:
        """Plan a pass over ``folder``: messages after the checkpoint, else since ``since`` (None: all)."""
        server = self.server_name(folder)
        try:
            info = self.client.select_folder(server, readonly=True)  # EXAMINE
        except CONNECTION_ERRORS as exc:
            if isinstance(exc, IMAPClientError) and not isinstance(exc, imaplib.IMAP4.abort):
                raise SourceError(f"{self.account}: cannot open folder {folder!r} ({server}): "
                                  f"{describe(exc)}") from None
            raise ConnectionLost(f"{self.account}: connection lost: {describe(exc)}") from None
        uidvalidity = _number(info.get(b"UIDVALIDITY"))
        if uidvalidity is None:  # a checkpoint needs it; without one every pass would read the folder again
            raise SourceError(f"{self.account}: folder {folder!r}: the server sent no valid UIDVALIDITY")
        uidnext = _number(info.get(b"UIDNEXT"))
        try:
            if checkpoint and checkpoint.uidvalidity == uidvalidity:
                after = checkpoint.last_uid
                uids = [u for u in self.client.search(["UID", f"{after + 1}:*"]) if u > after]
            else:
                if checkpoint:
                    log.info("%s/%s: UIDVALIDITY changed (%s → %s): reading the folder again",
                             self.account, folder, checkpoint.uidvalidity, uidvalidity)
                after = 0
                uids = self.client.search(["SINCE", since] if since else ["ALL"])
        except CONNECTION_ERRORS as exc:
            raise ConnectionLost(f"{self.account}: connection lost: {describe(exc)}") from None
        uids = sorted(u for u in uids if _number(u) is not None)  # a server's nonsense UID is skipped, not stored
        final = max([after, uids[-1] if uids else 0, (uidnext - 1) if uidnext else 0])
        return FolderRead(folder, len(uids), self._batches(folder, uids, uidvalidity, final))

    def _batches(self, folder: str, uids: list[int], uidvalidity: int, final: int) -> Iterator[Batch]:
        for start in range(0, len(uids), HEADER_BATCH):
            chunk = uids[start:start + HEADER_BATCH]
            last = start + HEADER_BATCH >= len(uids)
            items = self._fetch(folder, chunk)
            yield Batch(folder, items, Checkpoint(uidvalidity, final if last else chunk[-1]))
        if not uids:
            yield Batch(folder, [], Checkpoint(uidvalidity, final))

    def _fetch(self, folder: str, uids: list[int]) -> list[Item]:
        """Headers of ``uids``, then bodies of the prefilter's picks (capped at max_message_size)."""
        cap = self.config.max_message_size
        try:
            heads = self.client.fetch(uids, ["BODY.PEEK[HEADER]"])
            picked, peeked = self._triage({uid: data.get(HEADER_KEY) or b"" for uid, data in heads.items()})
            sizes: dict[int, int] = {}
            bodies: dict[int, tuple[bytes, bool]] = {}
            if peeked:
                self._peek(peeked, heads, cap, picked, sizes, bodies)
            unsized = sorted(picked.difference(sizes, bodies))
            if unsized:
                sizes.update((uid, int(data.get(SIZE_KEY) or 0))
                             for uid, data in self.client.fetch(unsized, ["RFC822.SIZE"]).items())
            todo = picked.difference(bodies)
            small = sorted(uid for uid in todo if sizes.get(uid, 0) <= cap)
            large = sorted(todo.difference(small))
            bodies.update(self._fetch_bodies(small, sizes))
            if large:
                key = b"BODY[]<0>"
                for uid, data in self.client.fetch(large, [f"BODY.PEEK[]<0.{cap}>"]).items():
                    if data.get(key) is not None:
                        bodies[uid] = (_with_header(heads[uid].get(HEADER_KEY) or b"", data[key]), True)
        except CONNECTION_ERRORS as exc:
            raise ConnectionLost(f"{self.account}: connection lost while reading {folder!r}: "
                              f"{describe(exc)}") from None
        items = []
        for uid in uids:
            if uid not in heads:  # expunged meanwhile
                continue
            source = f"{self.account}/{folder}/{uid}"
            if uid in bodies:
                raw, truncated = bodies[uid]
                items.append(Item(source, raw, truncated=truncated))
            else:
                header = heads[uid].get(HEADER_KEY) or b""
                items.append(Item(source, header, truncated=uid in picked, header_only=uid not in picked))
        return items

    def _triage(self, headers: dict[int, bytes]) -> tuple[set[int], list[int]]:
        """(UIDs whose body is read, UIDs whose body start is peeked at first)."""
        if not self._staged:
            return {uid for uid, header in headers.items() if self.prefilter(header)}, []
        from lockwatch.detect.prefilter import PEEK, READ, triage

        steps = {uid: triage(header) for uid, header in headers.items()}
        return {uid for uid, step in steps.items() if step == READ}, sorted(u for u, s in steps.items() if s == PEEK)

    def _peek(self, uids: list[int], heads: dict, cap: int, picked: set[int], sizes: dict[int, int],
              bodies: dict[int, tuple[bytes, bool]]) -> None:
        """Fetch the first bytes of each body; a whole body is kept, a relevant start is picked."""
        from lockwatch.detect.prefilter import peek_size, read_after_peek

        by_size: dict[int, list[int]] = {}
        for uid in uids:
            by_size.setdefault(peek_size(heads[uid].get(HEADER_KEY) or b""), []).append(uid)
        for size, group in sorted(by_size.items()):
            for uid, data in self.client.fetch(group, [f"BODY.PEEK[TEXT]<0.{size}>", "RFC822.SIZE"]).items():
                header, prefix = heads[uid].get(HEADER_KEY) or b"", data.get(PEEK_KEY)
                sizes[uid] = int(data.get(SIZE_KEY) or 0)
                if read_after_peek(header, prefix, size):
                    picked.add(uid)
                    if prefix is not None and len(prefix) < size and len(header) + len(prefix) <= cap:
                        bodies[uid] = (header + prefix, False)  # the whole body came with the peek

    def _fetch_bodies(self, uids: list[int], sizes: dict[int, int]) -> dict[int, tuple[bytes, bool]]:
        bodies: dict[int, tuple[bytes, bool]] = {}
        group: list[int] = []
        size = 0
        for uid in [*uids, None]:
            if uid is not None:
                group.append(uid)
                size += sizes.get(uid, 0)
            if group and (uid is None or size >= BODY_BATCH_BYTES or len(group) >= BODY_BATCH_COUNT):
                for got, data in self.client.fetch(group, ["BODY.PEEK[]"]).items():
                    if data.get(BODY_KEY) is not None:
                        bodies[got] = (data[BODY_KEY], False)
                group, size = [], 0
        return bodies


def _is_standard(prefilter: Prefilter) -> bool:
    """The detector's own prefilter, which can triage (skip / peek / read); any other is a plain yes/no."""
    from lockwatch.detect import header_prefilter

    return prefilter is header_prefilter


def _with_header(header: bytes, start: bytes) -> bytes:
    """A capped fetch that ends inside the header is the whole header instead: a header padded past the
    size cap must not cut off the From, Subject and Authentication-Results that follow the padding."""
    return start if len(start) > len(header) else header


def _number(value: object) -> int | None:
    """A UID, UIDVALIDITY or UIDNEXT as the server sent it: a positive 32-bit number, else None."""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**32 else None


def describe(exc: BaseException) -> str:
    """An error as one safe, short line (a bytes message without its b'' wrapper)."""
    text = str(exc).strip() or type(exc).__name__
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text[:ERROR_TEXT_MAX]


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:
        try:
            client.shutdown()
        except Exception as exc:
            log.debug("closing the IMAP connection: %s", exc)
