"""What every mail source hands the pipeline: batches of raw messages, each with the checkpoint after it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from lockwatch.record import split_header  # the header block: one home, offered here to the sources

__all__ = ["Batch", "Checkpoint", "FolderRead", "Item", "Prefilter", "Source", "split_header"]

Prefilter = Callable[[bytes], bool]  # header bytes → True when the body is worth reading


@dataclass(frozen=True)
class Checkpoint:
    """Where a folder was read up to: IMAP UIDVALIDITY + last UID, or a local store's equivalent."""

    uidvalidity: int | None
    last_uid: int


@dataclass
class Item:
    """One message as read. ``header_only``: the prefilter ruled it out, only its header was read."""

    source: str  # account/folder/uid or file path
    raw: bytes
    truncated: bool = False
    header_only: bool = False


@dataclass
class Batch:
    """Messages to record together with the checkpoint that follows them (None: keep the old one)."""

    folder: str
    items: list[Item] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    mode: str = "poll"


@dataclass
class FolderRead:
    """A planned pass over one folder: how many messages it will read and the batches."""

    folder: str
    total: int
    batches: Iterator[Batch]


class Source(Protocol):
    account: str
    bytes_fetched: int

    def folders(self) -> list[str]: ...

    def read(self, folder: str, checkpoint: Checkpoint | None, since: date | None) -> FolderRead: ...

    def close(self) -> None: ...
