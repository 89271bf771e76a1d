"""Mail sources: IMAP (imap, with IDLE in idle and imapclient's internals in wire) and local stores (local),
each handing the pipeline batches (base); secrets for logging in come from credentials."""

__all__: list[str] = []
