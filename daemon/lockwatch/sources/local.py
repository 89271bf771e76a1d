"""Local mail stores: a Maildir (with Maildir++ subfolders), an mbox file, or a folder of .eml files.

Checkpoints: for Maildir and .eml folders the newest inode change time read (a delivery renames the
file into place, which sets it), re-reading a small margin before it; for an mbox file its inode
and the byte offset read up to. Messages read twice are dropped by the dedupe in state (Message-ID + content).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from lockwatch.errors import SourceError
from lockwatch.sources.base import Batch, Checkpoint, FolderRead, Item, Prefilter, split_header

__all__ = ["LocalSource", "detect_kind"]

BATCH = 200
HEADER_MAX = 64 * 1024 * 1024  # a header block is read whole up to this size, past max_message_size
CTIME_MARGIN_NS = 2_000_000_000  # re-read files changed this long before the checkpoint
_ESCAPED_FROM = re.compile(rb"^>(>*From )")


def detect_kind(path: Path) -> str:
    """maildir | mbox | eml for a path given with --source."""
    if path.is_dir():
        return "maildir" if (path / "cur").is_dir() or (path / "new").is_dir() else "eml"
    if not path.exists():
        raise SourceError(f"{path}: no such file or directory")
    with path.open("rb") as fh:
        return "mbox" if fh.read(5) == b"From " else "eml"


@dataclass(frozen=True)
class _File:
    path: Path
    ctime_ns: int
    mtime: float


class LocalSource:
    """A local store read through the same batch interface as IMAP."""

    def __init__(self, account: str, kind: str, path: str | os.PathLike[str], prefilter: Prefilter,
                 max_message_size: int) -> None:
        self.account, self.kind = account, kind
        self.path = Path(path).expanduser().absolute()
        self.prefilter, self.cap = prefilter, max_message_size
        self.bytes_fetched = 0
        if not self.path.exists():
            raise SourceError(f"{account}: {self.path}: no such file or directory")

    def close(self) -> None:
        pass

    def __enter__(self) -> LocalSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def folders(self) -> list[str]:
        if self.kind != "maildir":
            return [str(self.path)]
        subfolders = sorted(str(p) for p in self.path.iterdir()
                            if p.name.startswith(".") and p.is_dir() and (p / "cur").is_dir())
        return [str(self.path), *subfolders]

    def read(self, folder: str, checkpoint: Checkpoint | None, since: date | None) -> FolderRead:
        try:
            if self.kind == "mbox":
                return self._read_mbox(Path(folder), checkpoint, since)
            return self._read_files(folder, checkpoint, since)
        except OSError as exc:
            raise SourceError(f"{self.account}: cannot read {folder}: {exc.strerror}") from None

    # -- Maildir and .eml folders ------------------------------------------------------------
    def _list(self, folder: Path) -> Iterable[Path]:
        if self.kind == "maildir":
            for sub in ("new", "cur"):
                if (folder / sub).is_dir():
                    yield from (p for p in (folder / sub).iterdir() if not p.name.startswith("."))
        elif folder.is_file():
            yield folder
        else:
            yield from (p for p in folder.rglob("*") if p.suffix.lower() == ".eml")

    def _read_files(self, folder: str, checkpoint: Checkpoint | None, since: date | None) -> FolderRead:
        files = []
        for path in self._list(Path(folder)):
            try:
                st = path.stat()
            except FileNotFoundError:  # moved meanwhile (e.g. new/ → cur/)
                continue
            files.append(_File(path, st.st_ctime_ns, st.st_mtime))
        final = max([f.ctime_ns for f in files] + [checkpoint.last_uid if checkpoint else 0])
        if checkpoint:
            files = [f for f in files if f.ctime_ns >= checkpoint.last_uid - CTIME_MARGIN_NS]
        elif since:
            cutoff = datetime.combine(since, datetime.min.time()).timestamp()
            files = [f for f in files if f.mtime >= cutoff]
        files.sort(key=lambda f: (f.ctime_ns, str(f.path)))
        return FolderRead(folder, len(files), self._file_batches(folder, files, final))

    def _file_batches(self, folder: str, files: list[_File], final: int) -> Iterator[Batch]:
        for start in range(0, len(files), BATCH):
            chunk = files[start:start + BATCH]
            items = []
            for f in chunk:
                try:
                    with f.path.open("rb") as fh:
                        raw = _read_capped(fh, self.cap)
                except FileNotFoundError:
                    continue
                items.append(self._item(str(f.path), raw))
            done = start + BATCH >= len(files)
            yield Batch(folder, items, Checkpoint(None, final if done else chunk[-1].ctime_ns), mode="local")
        if not files:
            yield Batch(folder, [], Checkpoint(None, final), mode="local")

    def _item(self, source: str, raw: bytes) -> Item:
        self.bytes_fetched += len(raw)
        header = split_header(raw)
        truncated = len(raw) > max(self.cap, len(header))
        raw = raw[: max(self.cap, len(header))]  # the cap cuts the body, never the header
        if not self.prefilter(header):
            return Item(source, header, header_only=True)
        return Item(source, raw, truncated=truncated)

    # -- mbox --------------------------------------------------------------------------------
    def _read_mbox(self, path: Path, checkpoint: Checkpoint | None, since: date | None) -> FolderRead:
        st = path.stat()
        start = 0
        if checkpoint and checkpoint.uidvalidity == st.st_ino and checkpoint.last_uid <= st.st_size:
            start = checkpoint.last_uid
            since = None
        return FolderRead(str(path), -1, self._mbox_batches(path, st.st_ino, start, since))

    def _mbox_batches(self, path: Path, inode: int, start: int, since: date | None) -> Iterator[Batch]:
        items: list[Item] = []
        end = start
        for offset, next_offset, from_line, raw, truncated in _mbox_messages(path, start, self.cap):
            end = next_offset
            if since and (day := _from_line_date(from_line)) is not None and day < since:
                continue
            item = self._item(f"{path}#{offset}", raw)
            item.truncated = item.truncated or truncated
            items.append(item)
            if len(items) >= BATCH:
                yield Batch(str(path), items, Checkpoint(inode, end), mode="local")
                items = []
        yield Batch(str(path), items, Checkpoint(inode, end), mode="local")


def _mbox_messages(path: Path, start: int, cap: int) -> Iterator[tuple[int, int, bytes, bytes, bool]]:
    """(offset, offset after, From_ line, raw message, truncated) for each message from ``start``."""
    with path.open("rb") as fh:
        fh.seek(start)
        offset, pos = start, start
        from_line: bytes | None = None
        lines: list[bytes] = []
        size, truncated, blank_before, in_header = 0, False, True, True
        for line in fh:
            if line.startswith(b"From ") and blank_before:
                if from_line is not None:
                    yield offset, pos, from_line, _join(lines), truncated
                offset, from_line, lines, size, truncated, in_header = pos, line, [], 0, False, True
            elif from_line is not None:
                in_header = in_header and line not in (b"\n", b"\r\n")
                if size < cap or (in_header and size < HEADER_MAX):  # the cap cuts the body, not the header
                    lines.append(_ESCAPED_FROM.sub(rb"\1", line))
                    size += len(line)
                else:
                    truncated = True
            pos += len(line)
            blank_before = line in (b"\n", b"\r\n")
        if from_line is not None:
            yield offset, pos, from_line, _join(lines), truncated


def _read_capped(fh: BinaryIO, cap: int) -> bytes:
    """The first ``cap`` bytes (+1, to tell a longer file), and the whole header however far past the cap it
    goes (up to HEADER_MAX): padding the header must not cut off the sender below it."""
    raw = fh.read(cap + 1)
    if len(raw) <= cap or _ends_header(raw):
        return raw
    chunks, size = [raw], len(raw)
    while size < HEADER_MAX and (more := fh.read(cap)):
        seam = chunks[-1][-3:] + more  # a blank line may straddle two reads
        chunks.append(more)
        size += len(more)
        if _ends_header(seam):
            break
    return b"".join(chunks)


def _ends_header(data: bytes) -> bool:
    return b"\r\n\r\n" in data or b"\n\n" in data


def _join(lines: list[bytes]) -> bytes:
    if lines and lines[-1] in (b"\n", b"\r\n"):  # the blank line that separates messages
        lines = lines[:-1]
    return b"".join(lines)


def _from_line_date(line: bytes) -> date | None:
    """The date of an mbox From_ line ("From sender Sat Nov 21 10:00:00 2026"), None when unreadable."""
    text = line.decode("ascii", "replace").split(None, 2)
    if len(text) < 3:
        return None
    try:
        return datetime(*time.strptime(text[2].strip()[-24:], "%a %b %d %H:%M:%S %Y")[:6]).date()
    except ValueError:
        return None
