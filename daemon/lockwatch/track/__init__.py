"""Records over time → incident facts (takeover bursts, locks, watcher health); no wording."""

__all__: list[str] = []
