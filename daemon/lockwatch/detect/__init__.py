"""The detection core: ``Mail`` → verdict (not_amazon | genuine | suspicious | phishing), why, and what.

`analyse_bytes` never raises: a message that cannot be parsed gives an Analysis with parse_error.
Links are judged as text only; nothing here opens, fetches or resolves a link. The rooms: ``options``
(tuning from the config), ``analyse`` (bytes → Analysis), ``verdict`` (findings → one verdict) and one
module per kind of evidence (sender, auth, dkimcheck, brand, links, lures, kinds, tracking); ``prefilter``
triages headers for a scan. Knowledge (domains, phrases, weights) is data: ``signals.toml`` and the
brand profile.
"""

from __future__ import annotations

from lockwatch.detect.analyse import analyse, analyse_bytes, header_prefilter, parse_failure
from lockwatch.detect.options import DetectOptions

__all__ = ["DetectOptions", "analyse", "analyse_bytes", "header_prefilter", "parse_failure"]
