"""Recommended actions for a single message's verdict, read from the playbooks data."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources


@functools.cache
def _advice() -> dict:
    with resources.files("lockwatch.playbooks").joinpath("advice.toml").open("rb") as fh:
        return tomllib.load(fh)


def actions_for(verdict: str, lang: str) -> list[str]:
    data = _advice().get(lang) or _advice()["en"]
    return list(data.get(verdict, []))
