"""Benchmark: the scan prefilter's recall against `lockwatch check`, and what it lets through.

For every mail under the given paths (folders searched for .eml, or single files, counted by folder; default
tests/corpus and tests/adversarial) it runs the full analysis (``lockwatch.detect.analyse_bytes``,
what `check` does) and the scan's prefilter on the mail as an IMAP server serves it (CRLF lines,
BODY[HEADER] + BODY[TEXT]): header triage, then for a peek the first ``peek_size`` bytes of the body.
Prints per path: mails, flagged by check (phishing/suspicious), amazon_like, passed by the
prefilter (read at once / peeked / read after the peek), every flagged or amazon_like mail the
prefilter drops, and the share of non-Amazon mail whose body is read (its cost).
Exit 1 when a mail check flags is dropped.

    python bench/prefilter_recall.py [PATH ...] [--show-passed] [--json]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "daemon"))

from lockwatch.detect import analyse_bytes  # noqa: E402
from lockwatch.detect.prefilter import PEEK, READ, reads_body, triage  # noqa: E402
from lockwatch.sources.base import split_header  # noqa: E402

DEFAULT_PATHS = (ROOT / "tests" / "corpus", ROOT / "tests" / "adversarial")
_BARE_LF = re.compile(rb"(?<!\r)\n")


def imap_view(raw: bytes) -> tuple[bytes, bytes]:
    """(BODY[HEADER], BODY[TEXT]) of a message as an IMAP server sends it: CRLF line ends."""
    served = _BARE_LF.sub(b"\r\n", raw)
    header = split_header(served)
    return header, served[len(header):]


@dataclass
class Tally:
    path: str
    mails: int = 0
    flagged: int = 0  # phishing or suspicious
    amazon_like: int = 0
    read_at_once: int = 0
    peeked: int = 0
    read_after_peek: int = 0
    non_amazon: int = 0
    non_amazon_read: int = 0  # bodies read in full (or whole within the peek)
    non_amazon_peeked: int = 0
    dropped: list[str] = field(default_factory=list)  # flagged or amazon_like, body never read
    passed_non_amazon: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return self.read_at_once + self.read_after_peek


def groups(paths: list[Path]) -> list[tuple[Path, list[Path]]]:
    """(folder, mails) per folder given (searched for .eml) and per folder of the single files given."""
    found: dict[Path, list[Path]] = {}
    for path in paths:
        if path.is_dir():
            found.setdefault(path, []).extend(sorted(p for p in path.rglob("*.eml") if p.is_file()))
        elif path.is_file():
            found.setdefault(path.parent, []).append(path)
    return list(found.items())


def measure(folder: Path, files: list[Path]) -> Tally:
    tally = Tally(str(folder))
    for file in files:
        raw = file.read_bytes()
        _mail, analysis = analyse_bytes(raw)
        header, body = imap_view(raw)
        step = triage(header)
        read = reads_body(header, body)
        tally.mails += 1
        tally.read_at_once += step == READ
        tally.peeked += step == PEEK
        tally.read_after_peek += step == PEEK and read
        flagged = analysis.verdict in ("phishing", "suspicious")
        tally.flagged += flagged
        tally.amazon_like += analysis.amazon_like
        name = str(file.relative_to(folder))
        if (flagged or analysis.amazon_like) and not read:
            tally.dropped.append(f"{name} ({analysis.verdict}, {step})")
        if not analysis.amazon_like:
            tally.non_amazon += 1
            tally.non_amazon_read += read
            tally.non_amazon_peeked += step == PEEK
            if read:
                tally.passed_non_amazon.append(name)
    return tally


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="folders of .eml (searched recursively) or files; "
                        "default: tests/corpus tests/adversarial")
    parser.add_argument("--show-passed", action="store_true", help="list the non-Amazon mail whose body is read")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout, human lines on stderr")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # mail-parser logs every part type it does not handle
    out = sys.stderr if args.json else sys.stdout
    tallies = [measure(folder, files) for folder, files in groups(args.paths or list(DEFAULT_PATHS))]
    for t in tallies:
        print(f"{t.path}: {t.mails} mails, {t.flagged} flagged by check, {t.amazon_like} amazon_like; "
              f"body read for {t.passed} ({t.read_at_once} from the header, {t.read_after_peek} of {t.peeked} "
              f"after a peek); flagged or amazon_like but dropped: {len(t.dropped)}; "
              f"non-Amazon mail read {t.non_amazon_read}/{t.non_amazon} ({share(t.non_amazon_read, t.non_amazon)}), "
              f"peeked {t.non_amazon_peeked}/{t.non_amazon} ({share(t.non_amazon_peeked, t.non_amazon)})", file=out)
        for name in t.dropped:
            print(f"   DROPPED {name}", file=out)
        if args.show_passed:
            for name in t.passed_non_amazon:
                print(f"   read (non-Amazon) {name}", file=out)
    if args.json:
        print(json.dumps({"benchmark": "prefilter_recall", "paths": [asdict(t) for t in tallies]}, ensure_ascii=False))
    return 1 if any(t.dropped for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
