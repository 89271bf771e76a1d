"""Records over time → incident facts (takeover bursts, locks, watcher health); no wording."""
